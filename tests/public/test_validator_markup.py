"""Markup that validators and accessibility checkers flagged on every public page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article

pytestmark = pytest.mark.django_db

# A valid HTML global date and time string: seconds at most to the millisecond.
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?([+-]\d\d:?\d\d|Z)$")


def test_time_elements_and_article_dates_carry_no_microseconds(client):
    # A minute back, so the microseconds set below never put the story in the future.
    moment = timezone.now() - timedelta(minutes=1)
    story = make_article(published_at=moment.replace(microsecond=123456))
    for url in ("/", "/news/", story.get_absolute_url()):
        html = client.get(url).content.decode()
        values = re.findall(r'<time datetime="([^"]*)"', html)
        values += re.findall(r'property="article:\w+_time" content="([^"]*)"', html)
        assert values, url
        assert all(DATETIME.match(value) for value in values), (url, values)


def test_the_logo_links_name_starts_with_its_visible_text(client, settings):
    html = client.get("/").content.decode()
    logo = re.search(r'<a class="logo"[^>]*>(.*?)</a>', html, re.S)
    assert logo is not None
    assert "aria-label" not in logo.group(0).split(">", 1)[0]
    visible = re.sub(r"<svg.*?</svg>", "", logo.group(1), flags=re.S)
    text = re.sub(r"<[^>]+>", "", visible).strip()
    assert text.startswith(settings.SITE_NAME)
