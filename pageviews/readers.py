"""Who is reading: the reader's identity, and readers that are not counted."""

import functools
import uuid
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from django.utils.crypto import salted_hmac

from core.clients import client_ip, network_key

_crawlers = CrawlerDetect()

# Set by static/js/pageviews.js (and named in templates/pageviews/beacon.html).
READER_COOKIE = "pv_reader"


def parse_reader_id(value: str) -> str | None:
    """The canonical form of a reader id (a UUID), or None when ``value`` is not one."""
    value = value.strip()
    if not value or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def reader_key(request, *, reader_id: str | None) -> str:
    """A keyed hash naming the reader: body id, else cookie id, else IP + user agent.

    Only this hash is stored, never the IP or the id itself; the key (SECRET_KEY) keeps
    anyone who reads the table from testing guesses of IP addresses against it.
    """
    if reader_id is None:
        reader_id = parse_reader_id(request.COOKIES.get(READER_COOKIE, ""))
    if reader_id is not None:
        source = "id:" + reader_id
    else:
        source = "ip:" + client_ip(request) + "\n" + request.META.get("HTTP_USER_AGENT", "")
    return salted_hmac("pageviews.reader", source, algorithm="sha256").hexdigest()[:40]


def address_key(request) -> str:
    """A keyed hash naming the network the read came from, for the per-address cap.

    IPv4 by its address; IPv6 by its /64, because one subscriber line gets a whole /64 and a
    single machine may take any address in it, so a per-address cap would not hold.
    """
    return network_key(request, "pageviews.address")


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    user_agent = user_agent.strip()
    return not user_agent or _crawlers.is_crawler(user_agent)


def is_preview(request) -> bool:
    """Browsers prefetching or prerendering a page say so; that is not a read (yet)."""
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return "prefetch" in purpose or "prerender" in purpose or "preview" in request.GET


def is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _our_hostnames(request) -> set[str]:
    names = set()
    try:
        names.add(split_domain_port(request.get_host())[0].strip("[]"))
    except DisallowedHost:
        pass
    # Behind a proxy that rewrites the host, the story page lives at SITE_URL.
    if settings.SITE_URL and (site := _hostname(settings.SITE_URL)):
        names.add(site)
    return names


def is_cross_site(request) -> bool:
    """Another site sent this beacon, by the browser's own account.

    A page elsewhere can embed our pixel or post to our endpoint for every one of its own
    visitors, real browsers all; only the browser's Fetch Metadata, Origin and Referer say
    where the request came from. A request that names no origin at all (no referrer,
    privacy tools, old browsers) is still counted: absence proves nothing.
    """
    if request.headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site":
        return True
    ours = None
    for header in ("Origin", "Referer"):
        value = request.headers.get(header, "").strip()
        if not value:
            continue
        # "null" is an opaque origin (a sandboxed frame, a data: URL): never our story page.
        host = None if value == "null" else _hostname(value)
        ours = _our_hostnames(request) if ours is None else ours
        if host not in ours:
            return True
    return False


def not_counted_reason(request) -> str | None:
    """Why this request is not a reader's read, or None when it is."""
    if is_bot(request.META.get("HTTP_USER_AGENT", "")[:512]):
        return "bot"
    if is_cross_site(request):
        return "cross-site"
    if is_preview(request):
        return "preview"
    if is_staff(request):
        return "staff"
    return None
