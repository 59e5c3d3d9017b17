"""Send page-view beacons the way the page's script does, so the endpoint sees a browser."""

import uuid

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
