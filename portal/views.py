import logging
import posixpath

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

logger = logging.getLogger(__name__)


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    """Plain on purpose: the benchmarks use it as the stack's speed ceiling."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    if settings.SITE_URL:
        sitemap = settings.SITE_URL + reverse("sitemap")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /pageviews/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def health(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("health: database check failed")
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            cache.set("health-check", "1", 5)
            checks["redis"] = "ok" if cache.get("health-check") == "1" else "error"
        except Exception:
            logger.exception("health: redis check failed")
            checks["redis"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@require_GET
def serve_media(request, path):
    """Serve uploads and renditions when no front server does; refuse path tricks."""
    normalized = posixpath.normpath(path).lstrip("/")
    if normalized != path or normalized.startswith("..") or "\x00" in path:
        raise Http404
    response = serve(request, normalized, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def home(request):
    # Scaffolding: the public-site work replaces this with the real home page.
    raise Http404
