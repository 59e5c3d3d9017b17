"""The page markup contract, read the way outside tests read pages: as an element tree."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from pageviews.models import DailyPageViews
from tests.factories import make_article, make_author, region
from tests.helpers.html import block, block_items, first_h1, item_date, last_number, parse

pytestmark = pytest.mark.django_db

SIMILAR = "Ұқсас жаңалықтар"
TOP = "Топ жаңалықтар"
ALMATY = ZoneInfo("Asia/Almaty")


def read(article, count, days_ago=0):
    DailyPageViews.objects.create(
        article=article, day=timezone.localdate() - timedelta(days=days_ago), count=count
    )


@pytest.fixture
def site():
    """A story with five tag-sharing neighbours and a week of reads on six stories.

    Dates are single-digit days and months (zero-padding shows) and view counts have
    four digits; the reads of the week differ from the totals, so the block must show the
    period's reads.
    """
    author = make_author(name="Ермек Сахариев")
    story = make_article(
        title="Азаматтық қоғам «Алматы» & 2021",
        authors=[author],
        tags=["Қоғам"],
        region=region("almaty"),
        published_at=datetime(2021, 9, 29, 10, 0, tzinfo=ALMATY),
    )
    others = []
    for n in range(6):
        other = make_article(
            title=f"Көрші жаңалық {n}",
            authors=[make_author(name=f"Тілші {n}")],
            tags=["Қоғам"],
            region=region("aqtobe-oblysy"),
            published_at=datetime(2024, 3, n + 1, 9, 0, tzinfo=ALMATY),
            view_count=9000 + n,
        )
        read(other, 1000 + 100 * n, days_ago=n)
        others.append(other)
    read(story, 1, days_ago=20)
    return story, others


def test_the_first_h1_is_the_title_exactly(client, site):
    story, _ = site
    root = parse(client.get(story.get_absolute_url()).content.decode())
    assert first_h1(root) == story.title


@pytest.mark.parametrize("accept_language", ["", "en-US,en;q=0.9", "ru-RU,ru;q=0.9"])
def test_both_blocks_are_headed_in_kazakh_whatever_the_browser_language(
    client, site, accept_language
):
    story, _ = site
    headers = {"Accept-Language": accept_language} if accept_language else {}
    root = parse(client.get(story.get_absolute_url(), headers=headers).content.decode())
    for heading in (SIMILAR, TOP):
        assert block(root, heading).tag in ("section", "aside")


def test_similar_news_has_one_item_per_story_with_link_author_region_date_and_views(client, site):
    story, others = site
    root = parse(client.get(story.get_absolute_url()).content.decode())
    items = block_items(block(root, SIMILAR))
    assert len(items) == 5
    by_url = {o.get_absolute_url(): o for o in others}
    for item in items:
        link = item.find("a").attrs["href"]
        other = by_url[link]
        assert other.authors.get().name in item.text
        assert "Ақтөбе облысы" in item.text
        local = timezone.localtime(other.published_at)
        assert item_date(item) == local.strftime("%d.%m.%Y")
        assert item_date(item).startswith("0")  # 01.03.2024 .. 06.03.2024: zero-padded
        assert last_number(item) == other.view_count
    assert story.get_absolute_url() not in {i.find("a").attrs["href"] for i in items}


def test_top_news_is_an_ol_of_five_with_week_reads_never_increasing_and_a_top_link(client, site):
    story, others = site
    root = parse(client.get(story.get_absolute_url()).content.decode())
    top = block(root, TOP)
    assert top.find("ol") is not None
    items = block_items(top)
    assert len(items) == 5
    numbers = [last_number(item) for item in items]
    assert numbers == [1500, 1400, 1300, 1200, 1100]
    assert [int(item.text.split()[0]) for item in items] == [1, 2, 3, 4, 5]
    assert any(href.split("?")[0] == "/top/" for href in top.links())
    for item, other in zip(items, reversed(others[1:]), strict=True):
        assert item.find("a").attrs["href"] == other.get_absolute_url()
        assert other.authors.get().name in item.text
        assert item_date(item) == timezone.localtime(other.published_at).strftime("%d.%m.%Y")


def test_top_news_items_name_the_region_as_well(client, site):
    story, _ = site
    root = parse(client.get(story.get_absolute_url()).content.decode())
    for item in block_items(block(root, TOP)):
        assert "Ақтөбе облысы" in item.text


@pytest.mark.parametrize("page", ["/", "/news/", "/tags/qogam/", "/search/?q=%D0%B6"])
def test_top_news_shows_the_same_stories_and_numbers_as_top_week(client, site, page):
    week = parse(client.get("/top/?period=week").content.decode())
    ranked = [li for li in week.find("main").iter("li") if "list-item" in li.attrs.get("class", "")]
    expected = [(li.find("a").attrs["href"], last_number(li)) for li in ranked[:5]]
    root = parse(client.get(page).content.decode())
    items = block_items(block(root, TOP))
    assert [(li.find("a").attrs["href"], last_number(li)) for li in items] == expected


@pytest.mark.parametrize("url", ["/news/", "/regions/aqtobe-oblysy/", "/tags/qogam/", "/top/"])
def test_list_pages_mark_each_story_up_once_inside_main(client, site, url):
    root = parse(client.get(url).content.decode())
    main = root.find("main")
    stories = [li for li in main.iter("li") if "list-item" in li.attrs.get("class", "")]
    assert stories
    for li in stories:
        item_date(li)
        assert li.find("a").attrs["href"].startswith("/news/")
