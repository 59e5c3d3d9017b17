"""The site's URLs. Pages that combine apps are wired here, in the shell, which may import
every app; each app's own ``urls`` imports nothing above it."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from articles import feeds
from articles import views as articles_views
from articles.sitemaps import news_sitemaps, sitemap_view, sitemaps
from portal import otp, views

region_urlpatterns = [
    path("", articles_views.region_list, name="list"),
    path("<str:slug>/", views.region_detail, name="detail"),
    path("<str:slug>/rss/", feeds.RegionFeed(), name="rss"),
]
author_urlpatterns = [
    path("", articles_views.author_list, name="list"),
    path("<str:slug>/", articles_views.author_detail, name="detail"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # Before admin.site.urls, which would take every admin/ path; see portal/otp.py.
    path("admin/two-factor/", admin.site.admin_view(otp.setup), name="two_factor_setup"),
    path("admin/two-factor/verify/", admin.site.admin_view(otp.verify), name="two_factor_verify"),
    path("admin/", admin.site.urls),
    # Exempt: a CSRF token would set a per-reader cookie on every cached page, and the worst a
    # forged request can do here is change someone's interface language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("health/", views.health, name="health"),
    path("sitemap.xml", sitemap_view, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": news_sitemaps, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path("", include("pageviews.urls")),
    path("", include("articles.urls")),
    path("regions/", include((region_urlpatterns, "regions"))),
    path("authors/", include((author_urlpatterns, "authors"))),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", views.serve_media, name="media")]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
