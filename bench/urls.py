"""The site's URLs plus the benchmark's fixed-size page; only ``bench/site.py`` uses them."""

from django.urls import path

from bench.views import fixed_page
from portal.urls import handler404, handler500, urlpatterns  # noqa: F401 - Django reads them

urlpatterns = [*urlpatterns, path("bench/fixed/", fixed_page)]
