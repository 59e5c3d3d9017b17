from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from pageviews.models import DailyPageViews
from tests.factories import make_article, make_author
from tests.helpers.html import block, block_items, last_number, parse, titles

pytestmark = pytest.mark.django_db


def read(article, count, days_ago=0):
    DailyPageViews.objects.create(
        article=article, day=timezone.localdate() - timedelta(days=days_ago), count=count
    )


@pytest.fixture
def ranked():
    """Stories read 30, 20 and 10 times this week, one read 99 times long ago."""
    a, b, c, old = (make_article(title=t) for t in ("А", "Б", "В", "Ескі"))
    read(a, 30), read(b, 20), read(c, 10, days_ago=6), read(old, 99, days_ago=40)
    Article.objects.filter(pk=old.pk).update(view_count=99)
    return a, b, c, old


def test_top_defaults_to_the_week_with_the_period_reads(client, ranked):
    a, b, c, _ = ranked
    main = parse(client.get("/top/").content.decode()).find("main")
    assert titles(main) == ["А", "Б", "В"]
    ranked_list = main.find("ol", id="story-list")
    assert [last_number(li) for li in ranked_list.children_of("li")] == [30, 20, 10]


@pytest.mark.parametrize(
    ("period", "expected"),
    [("day", ["А", "Б"]), ("week", ["А", "Б", "В"]), ("all", ["Ескі"]), ("bogus", ["А", "Б", "В"])],
)
def test_top_periods_and_unknown_period_falls_back_to_the_week(client, ranked, period, expected):
    response = client.get(f"/top/?period={period}")
    assert response.status_code == 200
    assert titles(parse(response.content.decode()).find("main")) == expected


def test_top_news_block_is_numbered_with_week_reads_and_links_to_top(client, ranked):
    author = make_author(name="Жарқынай БАККУМЕК")
    story = make_article(authors=[author])
    read(story, 5)
    top = block(parse(client.get("/news/").content.decode()), "Топ жаңалықтар")
    assert top.find("ol") is not None and "/top/" in top.links()
    lis = block_items(top)
    assert len(lis) == 4
    assert [last_number(li) for li in lis] == [30, 20, 10, 5]
    assert "Жарқынай БАККУМЕК" in lis[3].text and story.region.name in lis[3].text
    assert timezone.localtime(story.published_at).strftime("%d.%m.%Y") in lis[3].text


def test_top_partial_returns_only_items(client, ranked):
    html = client.get("/top/?period=week&partial=1").content.decode().strip()
    assert html.startswith("<li") and len(parse(html).children_of("li")) == 3


def test_top_page_past_the_end_is_404(client, ranked):
    assert client.get("/top/?page=2").status_code == 404
    assert client.get("/top/?page=x").status_code == 404
