"""Deep list pages skip over ids, not rows, and show exactly what a plain slice would."""

import pytest

from core import listing
from tests.factories import make_articles, region
from tests.helpers.html import parse

pytestmark = pytest.mark.django_db


def titles(client, url: str) -> list[str]:
    main = parse(client.get(url).content.decode()).find("main")
    return [link.text for link in main.iter("h3")] or [a.text for a in main.iter("a")]


@pytest.mark.parametrize("url", ["/news/", "/regions/almaty/"])
def test_a_deep_page_lists_the_same_stories_in_the_same_order(client, settings, monkeypatch, url):
    settings.PAGE_CACHE_SECONDS = 0
    make_articles(40, region=region("almaty"))
    pages_before = [titles(client, f"{url}?page={n}") for n in (2, 3, 4)]
    assert all(pages_before) and pages_before[0] != pages_before[1]

    monkeypatch.setattr(listing, "DEEP_OFFSET", 1)  # every page past the first goes deep

    assert [titles(client, f"{url}?page={n}") for n in (2, 3, 4)] == pages_before
    assert client.get(f"{url}?page=5").status_code == 404
    assert "page=5" not in client.get(f"{url}?page=4").content.decode()
