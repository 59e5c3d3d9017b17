import logging
import posixpath

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve

from articles.cards import region_blocks_html
from articles.models import bylines_prefetch
from articles.selectors import cover_is_public, featured_list, latest_cards
from articles.views import article_list
from core.listing import PER_PAGE, get_by_slug, paginate, render_list, wants_partial
from pageviews import buffer
from pageviews.selectors import most_read
from regions.models import Region

logger = logging.getLogger(__name__)


# HEAD too: crawlers and uptime checks probe with it.
@require_safe
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
    try:
        if (counting := buffer.health()) is not None:
            checks["pageviews_redis"] = counting
    except Exception:
        logger.exception("health: the counting Redis check failed")
        checks["pageviews_redis"] = "error"
    # A warning is a misconfiguration to fix, not an outage: the site serves and counts, so
    # a load balancer must not take it out of rotation for it.
    healthy = all(value == "ok" or value.startswith("warning:") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


# Covers (and their renditions) of stories that are not live must not reach readers: the
# old names were made from the title, so a draft's cover was one guess away.
PRIVATE_UNLESS_PUBLISHED = ("covers/",)


@require_safe
def serve_media(request, path):
    """Serve uploads and renditions when no front server does; refuse path tricks.

    A cover is served to everyone only while its story is published; the newsroom (staff
    with a session) sees the others too, never cached on the way. A front server that
    serves ``/media/`` itself (``SERVE_MEDIA=0``) must apply the same rule: see
    docs/security-colleagues.md.
    """
    normalized = posixpath.normpath(path).lstrip("/")
    if normalized != path or normalized.startswith("..") or "\x00" in path:
        raise Http404
    private = normalized.startswith(PRIVATE_UNLESS_PUBLISHED) and not cover_is_public(normalized)
    if private and not _is_newsroom(request):
        response = page_not_found(request)
        # The story may go live in a minute: no CDN may keep serving this 404 after that.
        add_never_cache_headers(response)
        return response
    try:
        response = serve(request, normalized, document_root=settings.MEDIA_ROOT)
    except OSError:  # a name too long for the file system, or an unreadable file
        raise Http404 from None
    if private:
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _is_newsroom(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render without the request: whatever failed may fail again in context processors."""
    try:
        html = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # the page of last resort must never raise itself
        logger.exception("500 page failed to render")
        html = "<!doctype html><title>500</title><h1>500</h1>"
    return HttpResponseServerError(html)


def home(request):
    """Lead stories, the latest news with "Show more", and a block per region."""
    if wants_partial(request):
        # The home page's "Show more" continues the latest news: answer with those items.
        return article_list(request)
    featured = featured_list(limit=4)
    latest = list(latest_cards(bylines=False)[: PER_PAGE + 1])
    prefetch_related_objects([*featured, *latest], bylines_prefetch())
    context = {
        "featured": featured,
        "latest": latest[:PER_PAGE],
        "more_url": reverse("articles:list") + "?page=2" if len(latest) > PER_PAGE else "",
        "region_blocks": region_blocks_html(per_region=3),
    }
    return render(request, "portal/home.html", context)


def region_detail(request, slug):
    """A region's stories and, on its first page, what the region read most this week.

    Here, in the site shell, because it needs both articles and read counts.
    """
    # Inactive regions leave the menus, but their pages and stories stay online.
    region = get_by_slug(Region.objects.all(), slug)
    page = paginate(request, latest_cards().in_region(region))
    context = {"region": region}
    if page.number == 1:
        context["region_most_read"] = most_read("week", 5, region=region)
    return render_list(request, "regions/region_detail.html", page, context)
