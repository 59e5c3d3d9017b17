import base64
import logging

from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from core.listing import page_number, page_of, render_list
from pageviews import services
from pageviews.periods import PERIOD_DAYS, PERIOD_LABELS, normalize_period
from pageviews.readers import address_key, not_counted_reason, parse_reader_id, reader_key
from pageviews.selectors import article_is_countable, most_read

logger = logging.getLogger(__name__)

MAX_BODY = 1024
TOP_PER_PAGE = 20
# Most-read pages rank everything up to the page asked for, so they stop at 500 stories.
TOP_MAX_PAGE = 25
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


class BadBeacon(Exception):
    def __init__(self, status: int):
        self.status = status


@csrf_exempt
def record(request, article_id):
    """Count a read: POST from the page's beacon, GET from the no-script pixel.

    Every bad request gets a 4xx and counts nothing; a read that is not counted (the same
    reader again, a bot, staff, a preview, another site's page, an address that has had its
    share of readers) is answered like a counted one.
    """
    if request.method not in ("GET", "POST"):
        return _no_store(HttpResponseNotAllowed(["GET", "POST"]))
    try:
        pk = _article_pk(article_id)
        reader_id = _reader_id_from_body(request)
        if not_counted_reason(request) is not None:
            if not article_is_countable(pk):
                raise BadBeacon(404)
        else:
            services.flusher_start()
            reader = reader_key(request, reader_id=reader_id)
            address = address_key(request)
            if services.pageview_count(article_id=pk, reader=reader, address=address) is None:
                raise BadBeacon(404)
    except BadBeacon as bad:
        return _no_store(HttpResponse(status=bad.status))
    except Exception:
        # A lost read is better than an error page; the log says why.
        logger.exception("pageviews: could not count a read of article %r", article_id)
        return _no_store(HttpResponse(status=503))
    if request.method == "GET":
        return _no_store(HttpResponse(PIXEL, content_type="image/gif"))
    return _no_store(HttpResponse(status=204))


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _article_pk(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise BadBeacon(404)
    pk = int(value)
    if pk < 1:
        raise BadBeacon(404)
    return pk


def _reader_id_from_body(request) -> str | None:
    """The reader id the beacon sent, None for an empty body; refuse anything else."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadBeacon(400) from None
    if declared > MAX_BODY:
        raise BadBeacon(413)
    if declared < 0:
        raise BadBeacon(400)
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        # No Content-Length: Django would see an empty body, so read the decoded stream.
        body = request.META["wsgi.input"].read(MAX_BODY + 1)
    else:
        body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise BadBeacon(413)
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BadBeacon(400) from None
    if not text:
        return None
    reader_id = parse_reader_id(text)
    if reader_id is None:
        raise BadBeacon(400)
    return reader_id


def top(request):
    """``/top/``: the period's most-read stories, 20 a page, with "Show more"."""
    period = normalize_period(request.GET.get("period"))
    number = page_number(request, last=TOP_MAX_PAGE)
    ranked = most_read(period, limit=number * TOP_PER_PAGE + 1)
    page = page_of(ranked, number, per_page=TOP_PER_PAGE)
    context = {
        "period": period,
        "period_label": PERIOD_LABELS[period],
        "periods": [(key, PERIOD_LABELS[key]) for key in PERIOD_DAYS],
        "start_rank": (number - 1) * TOP_PER_PAGE + 1,
    }
    return render_list(request, "pageviews/top.html", page, context)
