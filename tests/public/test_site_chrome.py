"""The header and footer are remembered per language, but what differs per request is not."""

import pytest

from tests.factories import make_article
from tests.helpers.html import parse

pytestmark = pytest.mark.django_db


def header(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content.decode()).find("header", class_="site-header")


def current_menu_items(root) -> list[str]:
    return [a.attrs["href"] for a in root.iter("a") if a.attrs.get("aria-current") == "page"]


def test_the_menu_marks_the_page_the_reader_is_on(client):
    story = make_article()
    assert current_menu_items(header(client, "/")) == ["/"]
    assert current_menu_items(header(client, "/news/")) == ["/news/"]
    assert current_menu_items(header(client, story.get_absolute_url())) == []
    assert current_menu_items(header(client, "/")) == ["/"]  # from the memo now


def test_the_search_box_keeps_each_readers_words_escaped(client):
    first = header(client, "/search/?q=су")
    second = header(client, '/search/?q="><script>x</script>')

    assert first.find("input", id="site-search").attrs["value"] == "су"
    assert second.find("input", id="site-search").attrs["value"] == '"><script>x</script>'
    assert second.find("script") is None


def test_the_language_switcher_returns_to_the_page_it_was_used_on(client):
    story = make_article()
    for url in ("/news/", story.get_absolute_url(), "/search/?q=%D1%81%D1%83"):
        switcher = header(client, url).find("form", class_="lang-switch")
        hidden = [i for i in switcher.iter("input") if i.attrs.get("type") == "hidden"]
        assert [i.attrs["value"] for i in hidden] == [url]
