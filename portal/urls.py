import os

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from articles.sitemaps import news_sitemaps, sitemaps
from portal import otp, views

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
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": news_sitemaps, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path("pageviews/", include("pageviews.urls")),
    path("", include("articles.urls")),
    path("regions/", include("regions.urls")),
    path("authors/", include("authors.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", views.serve_media, name="media")]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

if os.environ.get("BENCH_VIEWS") == "1":  # the benchmark's fixed-size page (bench/site.py) only
    from bench.views import fixed_page

    urlpatterns += [path("bench/fixed/", fixed_page)]
