from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from articles.sitemaps import news_sitemaps, sitemaps
from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
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
