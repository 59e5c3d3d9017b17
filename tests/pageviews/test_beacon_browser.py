"""The beacon in a real browser: one counted read per reader, a first-party reader cookie."""

import re
import time

import pytest

from pageviews.models import DailyPageViews
from tests.factories import make_article
from tests.helpers.beacons import BROWSER

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def read_in_browser(page, url: str):
    """Open the article and wait for its beacon's answer (the database is read only after)."""
    with page.expect_response(lambda response: "/pageviews/" in response.url) as beacon:
        page.goto(url)
    return beacon.value


def reads(article) -> int:
    return sum(DailyPageViews.objects.filter(article=article).values_list("count", flat=True))


def test_a_page_view_sends_one_beacon_with_a_first_party_reader_cookie(browser, live_server):
    article = make_article(region=None)
    # A headless browser says "HeadlessChrome", which is rightly a bot: pose as a reader.
    context = browser.new_context(base_url=live_server.url, user_agent=BROWSER)
    page = context.new_page()

    response = read_in_browser(page, article.get_absolute_url())

    assert response.status == 204
    assert reads(article) == 1
    (cookie,) = [c for c in context.cookies() if c["name"] == "pv_reader"]
    assert UUID.match(cookie["value"])
    assert cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert 360 * 86400 < cookie["expires"] - time.time() <= 366 * 86400
    assert response.request.method == "POST"
    assert response.request.post_data == cookie["value"]

    assert read_in_browser(page, article.get_absolute_url()).status == 204
    assert reads(article) == 1  # the same reader within 30 minutes

    other = browser.new_context(base_url=live_server.url, user_agent=BROWSER)
    read_in_browser(other.new_page(), article.get_absolute_url())
    assert reads(article) == 2
    context.close()
    other.close()
