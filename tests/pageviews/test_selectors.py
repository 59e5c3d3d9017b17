from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from pageviews.models import DailyPageViews
from pageviews.periods import period_start, today
from pageviews.selectors import daily_reads, most_read
from pageviews.services import pageview_count, pageview_record
from tests.factories import make_article, make_articles, region

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 31)


def read(article, count: int, *, days_ago: int = 0, day: date = DAY) -> None:
    pageview_record(article_id=article.pk, day=day - timedelta(days=days_ago), by=count)


def ranking(period, **kwargs):
    return [(a.title, a.period_views) for a in most_read(period, day=DAY, **kwargs)]


def test_periods_are_calendar_days_ending_today():
    assert period_start("day", day=DAY) == DAY
    assert period_start("week", day=DAY) == date(2026, 3, 25)
    assert period_start("month", day=DAY) == date(2026, 3, 2)
    assert period_start("all", day=DAY) is None
    assert period_start("nonsense", day=DAY) == date(2026, 3, 25)


def test_today_is_the_calendar_day_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Asia/Almaty"  # UTC+5
    evening_utc = datetime(2026, 3, 30, 19, 30, tzinfo=UTC)

    with timezone.override("Europe/London"):  # the active zone does not matter
        assert today(at=evening_utc) == date(2026, 3, 31)
    assert today(at=datetime(2026, 3, 30, 18, 59, tzinfo=UTC)) == date(2026, 3, 30)


def test_a_read_late_in_the_utc_evening_counts_for_the_next_almaty_day(settings):
    settings.TIME_ZONE = "Asia/Almaty"
    article = make_article(published_at=datetime(2026, 3, 1, tzinfo=UTC))

    pageview_count(article_id=article.pk, reader="r", at=datetime(2026, 3, 30, 19, 30, tzinfo=UTC))

    assert list(DailyPageViews.objects.values_list("day", "count")) == [(date(2026, 3, 31), 1)]


def test_each_period_sums_exactly_its_days():
    (a,) = make_articles(1, title="A")
    read(a, 1, days_ago=0)
    read(a, 10, days_ago=1)
    read(a, 100, days_ago=6)
    read(a, 1000, days_ago=7)
    read(a, 10000, days_ago=29)
    read(a, 100000, days_ago=30)
    read(a, 1000000, days_ago=-1)  # a later day than the one asked about

    assert ranking("day") == [("A", 1)]
    assert ranking("week") == [("A", 111)]
    assert ranking("month") == [("A", 11111)]
    assert ranking("all") == [("A", 1111111)]


def test_most_read_ranks_by_reads_then_newer_first():
    older, newer, top = make_articles(3)
    for article, title in ((older, "older"), (newer, "newer"), (top, "top")):
        Article.objects.filter(pk=article.pk).update(title=title)
    Article.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=2))
    read(older, 5)
    read(newer, 5)
    read(top, 3)
    read(top, 4, days_ago=1)

    assert ranking("week") == [("top", 7), ("newer", 5), ("older", 5)]
    assert ranking("day") == [("newer", 5), ("older", 5), ("top", 3)]


def test_most_read_leaves_out_drafts_scheduled_stories_and_unread_ones():
    live = make_article(title="live")
    draft = make_article(title="draft", status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(title="later", published_at=timezone.now() + timedelta(hours=2))
    make_article(title="unread")
    for article in (live, draft, scheduled):
        read(article, 9)

    for period in ("day", "week", "month", "all"):
        assert ranking(period) == [("live", 9)]


def test_most_read_honours_the_limit():
    articles = make_articles(7)
    for number, article in enumerate(articles, start=1):
        read(article, number)

    assert [views for _, views in ranking("week", limit=3)] == [7, 6, 5]
    assert len(most_read("week", day=DAY)) == 5


def test_most_read_per_region_counts_only_that_regions_stories():
    (almaty,) = make_articles(1, title="almaty", region=region("almaty"))
    (astana,) = make_articles(1, title="astana", region=region("astana"))
    read(almaty, 2)
    read(astana, 3)

    assert ranking("week", region=region("almaty")) == [("almaty", 2)]
    assert ranking("all", region=region("astana")) == [("astana", 3)]


def test_most_read_loads_cards_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    for number, article in enumerate(make_articles(5), start=1):
        read(article, number)

    with django_assert_max_num_queries(3):
        cards = [(a.region.name, a.byline_authors) for a in most_read("week", day=DAY)]
    assert len(cards) == 5


def test_most_read_is_cached_until_a_publish_or_unpublish(django_assert_num_queries):
    first, second = make_articles(2)
    read(first, 2)
    read(second, 1)
    assert [a.pk for a in most_read("week", day=DAY)] == [first.pk, second.pk]

    read(second, 5)
    with django_assert_num_queries(0):
        assert [a.pk for a in most_read("week", day=DAY)] == [first.pk, second.pk]

    first.status = Article.Status.DRAFT
    first.save()

    assert [a.pk for a in most_read("week", day=DAY)] == [second.pk]


def test_daily_reads_lists_thirty_days_with_zeros_in_one_query(django_assert_num_queries):
    article = make_article()
    read(article, 4)
    read(article, 2, days_ago=29)
    read(article, 9, days_ago=30)

    with django_assert_num_queries(1):
        series = daily_reads(article.pk, day=DAY)

    assert len(series) == 30
    assert series[0] == (DAY - timedelta(days=29), 2)
    assert series[-1] == (DAY, 4)
    assert sum(count for _, count in series) == 6


def test_the_upsert_adds_to_an_existing_day_row_without_reading_it():
    article = make_article()

    pageview_record(article_id=article.pk, day=DAY)
    pageview_record(article_id=article.pk, day=DAY, by=4)

    assert list(DailyPageViews.objects.values_list("day", "count")) == [(DAY, 5)]
    article.refresh_from_db()
    assert article.view_count == 5


def test_top_news_and_the_top_page_share_one_ranking_and_agree():
    first, second = make_articles(2)
    read(first, 3)
    read(second, 1)
    top_news = [(a.pk, a.period_views) for a in most_read("week", 5, day=DAY)]

    read(second, 10)  # counted straight into the database, within the cache minute
    top_page = [(a.pk, a.period_views) for a in most_read("week", 21, day=DAY)]

    assert top_page == top_news == [(first.pk, 3), (second.pk, 1)]


def test_most_read_skips_a_window_full_of_unpublished_stories(monkeypatch):
    monkeypatch.setattr("pageviews.selectors.RANKING_DEPTH", 2)  # the day-row window is 4
    hidden = [make_article(status=Article.Status.DRAFT, published_at=None) for _ in range(4)]
    shown = make_articles(2, title="Shown")
    for reads, article in enumerate(hidden, start=100):
        read(article, reads)
    read(shown[0], 5)
    read(shown[1], 3)

    assert [a.pk for a in most_read("week", 2, day=DAY)] == [shown[0].pk, shown[1].pk]


def test_most_read_breaks_ties_by_recency_even_past_the_day_row_window(monkeypatch):
    monkeypatch.setattr("pageviews.selectors.RANKING_DEPTH", 2)
    older_first = list(reversed(make_articles(8)))
    for article in older_first:
        read(article, 1)

    newest_two = [older_first[-1].pk, older_first[-2].pk]
    assert [a.pk for a in most_read("week", 2, day=DAY)] == newest_two
