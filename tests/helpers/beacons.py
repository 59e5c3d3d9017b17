"""Send page-view beacons the way the page's script does, so the endpoint sees a browser."""

import http.client
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

# The endpoint ignores agents that look like bots, so tests present a real browser's.
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


def new_reader() -> str:
    """A reader id nobody has used: each one counts once, so tests must not share them."""
    return str(uuid.uuid4())


def beacon(client, article_or_id, body: str = "", *, method="post", **extra):
    """Send the page's beacon the way a browser does (text/plain body, a browser's agent)."""
    pk = getattr(article_or_id, "pk", article_or_id)
    extra.setdefault("HTTP_USER_AGENT", BROWSER)
    url = f"/pageviews/{pk}/"
    if method == "post":
        return client.post(url, data=body, content_type="text/plain;charset=UTF-8", **extra)
    return getattr(client, method)(url, **extra)


def fire(live_server, article, readers: list[str], *, threads: int = 8) -> list[int]:
    """POST one beacon per reader id to a live server, many at once; return the statuses."""
    address = urlsplit(live_server.url)

    def post(reader: str) -> int:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request(
                "POST",
                f"/pageviews/{article.pk}/",
                body=reader,
                headers={"User-Agent": BROWSER, "Content-Type": "text/plain;charset=UTF-8"},
            )
            return connection.getresponse().status
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(post, readers))


def totals(articles) -> list[tuple[int, int]]:
    """Per article: (its total, the sum of its day rows); equal when nothing was lost."""
    from pageviews.models import DailyPageViews

    result = []
    for article in articles:
        article.refresh_from_db()
        rows = DailyPageViews.objects.filter(article=article).values_list("count", flat=True)
        result.append((article.view_count, sum(rows)))
    return result
