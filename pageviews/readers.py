"""Who is reading: the reader's identity, and readers that are not counted."""

import functools
import uuid

from crawlerdetect import CrawlerDetect
from django.utils.crypto import salted_hmac

from pageviews import conf

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


def client_ip(request) -> str:
    header = conf.get("PAGEVIEWS_CLIENT_IP_HEADER")
    if header and request.META.get(header):
        # Our proxy appends the address it saw as the last entry; earlier ones are whatever
        # the client claimed.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


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


def not_counted_reason(request) -> str | None:
    """Why this request is not a reader's read, or None when it is."""
    if is_bot(request.META.get("HTTP_USER_AGENT", "")[:512]):
        return "bot"
    if is_preview(request):
        return "preview"
    if is_staff(request):
        return "staff"
    return None
