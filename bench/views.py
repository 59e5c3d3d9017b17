"""Views that exist only while benchmarking (bench.settings), never on the normal site."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache

# About the size of a rendered article page, so the ceiling moves the same bytes.
PAGE_BYTES = 35 * 1024
_TEXT = "<p>" + "Азаматтық қоғамды дамыту мәселелері қаралды. " * 400 + "</p>"
_HEAD = "<!doctype html><html lang=kk><head><meta charset=utf-8><title>bench</title></head><body>"
_page = (_HEAD + _TEXT).encode()[: PAGE_BYTES - 100].decode(errors="ignore") + "</body></html>"
FIXED_PAGE = _page.encode().ljust(PAGE_BYTES, b" ")


@never_cache
def fixed_page(request):
    """A fixed 35 KB page through the whole middleware stack: what Django costs with no work.

    ``never_cache`` keeps it out of the page cache, so every request runs the view.
    """
    return HttpResponse(FIXED_PAGE, content_type="text/html; charset=utf-8")
