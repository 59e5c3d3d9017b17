from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from pageviews.models import DailyPageViews
from tests.factories import make_article, make_author
from tests.public.conftest import items, last_number, section, titles

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
    html = client.get("/top/").content.decode()
    main = html.split("<main", 1)[1]
    assert titles(main) == ["А", "Б", "В"]
    ranked_list = main.split('id="story-list"', 1)[1].split("</ol>", 1)[0]
    assert [last_number(li) for li in items(ranked_list)] == [30, 20, 10]


@pytest.mark.parametrize(
    ("period", "expected"),
    [("day", ["А", "Б"]), ("week", ["А", "Б", "В"]), ("all", ["Ескі"]), ("bogus", ["А", "Б", "В"])],
)
def test_top_periods_and_unknown_period_falls_back_to_the_week(client, ranked, period, expected):
    response = client.get(f"/top/?period={period}")
    assert response.status_code == 200
    assert titles(response.content.decode().split("<main", 1)[1]) == expected


def test_top_news_block_is_numbered_with_week_reads_and_links_to_top(client, ranked):
    author = make_author(name="Жарқынай БАККУМЕК")
    story = make_article(authors=[author])
    read(story, 5)
    html = client.get("/news/").content.decode()
    block = section(html, "Топ жаңалықтар")
    assert "<ol" in block and 'href="/top/"' in block
    lis = items(block)
    assert len(lis) == 4
    assert [last_number(li) for li in lis] == [30, 20, 10, 5]
    assert "Жарқынай БАККУМЕК" in lis[3] and story.region.name in lis[3]
    assert timezone.localtime(story.published_at).strftime("%d.%m.%Y") in lis[3]


def test_top_partial_returns_only_items(client, ranked):
    html = client.get("/top/?period=week&partial=1").content.decode().strip()
    assert html.startswith("<li") and len(items(html)) == 3


def test_top_page_past_the_end_is_404(client, ranked):
    assert client.get("/top/?page=2").status_code == 404
    assert client.get("/top/?page=x").status_code == 404
