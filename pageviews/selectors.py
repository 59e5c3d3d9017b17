"""Reads: which stories were read most, and an article's daily reads."""

import hashlib
from datetime import date, timedelta

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from articles.models import Article
from core import cache
from pageviews import conf
from pageviews.models import DailyPageViews
from pageviews.periods import normalize_period, period_start, today


def article_is_countable(article_id: int, *, at=None) -> bool:
    """Reads count only for stories the public can see (not drafts, not scheduled)."""
    return Article.objects.published(at=at).filter(pk=article_id).exists()


# Every list of one period shares one ranking of at least this many stories, so Top news
# (5) and the first page of /top/ show the same numbers even when cached at other times.
RANKING_DEPTH = 100


def most_read(period: str = "week", limit: int = 5, region=None, *, day: date | None = None):
    """Return published articles ranked by reads in ``period``, newer first on ties.

    Each article carries ``period_views``: its reads in the period (its total for "all").
    The ranking and the cards are kept for PAGEVIEWS_MOST_READ_CACHE_SECONDS under the counts
    generation, which a flush and any article save bump: Top news costs nothing on most
    pages, and is never staler than that.
    """
    period = normalize_period(period)
    day = day or today()
    depth = max(limit, RANKING_DEPTH)
    seconds = conf.get("PAGEVIEWS_MOST_READ_CACHE_SECONDS")
    key = f"most_read:{period}:{getattr(region, 'pk', region)}:{day}:{depth}"
    ranking = cache.remember_counted(
        key, lambda: _ranking(period, depth, region, day=day), timeout=seconds
    )[:limit]
    ids = [pk for pk, _ in ranking]
    cards_key = f"{key}:cards:{hashlib.sha1(repr(ids).encode()).hexdigest()}"
    cards = cache.remember_counted(
        cards_key, lambda: Article.objects.for_cards().in_bulk(ids), timeout=seconds
    )
    result = []
    for pk, reads in ranking:
        if pk in cards:
            article = cards[pk]
            article.period_views = reads
            result.append(article)
    return result


def _ranking(period: str, limit: int, region, *, day: date) -> list[tuple[int, int]]:
    """(article id, reads) of the most-read published articles, best first."""
    articles = Article.objects.published()
    if region is not None:
        articles = articles.in_region(region)
    start = period_start(period, day=day)
    if start is None:
        ranked = articles.filter(view_count__gt=0).order_by("-view_count", "-published_at", "-id")
        return list(ranked.values_list("pk", "view_count")[:limit])
    if region is None:
        return _ranking_by_day_rows(start, day, limit)
    # A region's stories are few: join them to the day rows (index range scan on day).
    return list(
        DailyPageViews.objects.filter(day__gte=start, day__lte=day, article__in=articles)
        .values("article_id")
        .annotate(reads=Sum("count"))
        .filter(reads__gt=0)
        .order_by("-reads", "-article__published_at", "-article_id")
        .values_list("article_id", "reads")[:limit]
    )


def _ranking_by_day_rows(start: date, day: date, limit: int) -> list[tuple[int, int]]:
    """Rank the period's day rows first, then keep the published stories, in one query.

    Joining every published article to the day rows made PostgreSQL scan the whole articles
    table (about 110 ms at 100,000 stories). Ranking a window of the day rows first is an
    index range scan; the top of that ranking is nearly always published, and in the rare
    case that too many of it are not, the plain join still gives the exact answer.
    """
    window = limit * 2
    rows, window_was_cut, edge = _rank_window(start, day, limit, window=window)
    # A full window may have cut a group of tied stories arbitrarily: then rank every story
    # read at least as often as the window's edge, which is still an index range scan.
    if window_was_cut and not (len(rows) >= limit and rows[-1][1] > edge):
        rows, _, _ = _rank_window(start, day, limit, min_reads=max(edge, 1))
        if len(rows) < limit:  # the top was mostly unpublished stories: rank them all
            rows = _rank_with_join(start, day, limit)
    return rows


def _rank_window(start, day, limit, *, window=None, min_reads=None):
    """Rank the day rows of a window, and say whether the window cut the ranking short.

    Returns (published (id, reads) best first, whether the window was full, its lowest reads).
    Every row of the window comes back (published or not, at most a few hundred), so an
    empty or unpublished window is told apart from a site without reads in one query.
    """
    articles = Article._meta.db_table
    day_rows = DailyPageViews._meta.db_table
    cut = 'HAVING SUM("count") >= %s' if min_reads is not None else "ORDER BY reads DESC LIMIT %s"
    sql = f"""
        WITH ranked AS (
            SELECT article_id, SUM("count") AS reads FROM {day_rows}
            WHERE day >= %s AND day <= %s
            GROUP BY article_id {cut}
        )
        SELECT ranked.article_id, ranked.reads, article.id IS NOT NULL
        FROM ranked
        LEFT JOIN {articles} article
            ON article.id = ranked.article_id
            AND article.status = %s AND article.published_at <= %s
        ORDER BY ranked.reads DESC, article.published_at DESC, ranked.article_id DESC
    """  # noqa: S608 - table names come from the models, values are parameters
    ops = connection.ops
    params = [
        ops.adapt_datefield_value(start),
        ops.adapt_datefield_value(day),
        min_reads if min_reads is not None else window,
        Article.Status.PUBLISHED,
        ops.adapt_datetimefield_value(timezone.now()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = [(pk, int(reads)) for pk, reads, published in fetched if published and reads > 0]
    edge = min((int(reads) for _, reads, _ in fetched), default=0)
    return rows[:limit], window is not None and len(fetched) >= window, edge


def _rank_with_join(start: date, day: date, limit: int) -> list[tuple[int, int]]:
    return list(
        DailyPageViews.objects.filter(
            day__gte=start, day__lte=day, article__in=Article.objects.published()
        )
        .values("article_id")
        .annotate(reads=Sum("count"))
        .filter(reads__gt=0)
        .order_by("-reads", "-article__published_at", "-article_id")
        .values_list("article_id", "reads")[:limit]
    )


def daily_reads(
    article_id: int, *, days: int = 30, day: date | None = None
) -> list[tuple[date, int]]:
    """The article's reads per day for the last ``days`` days, today last, zeros included."""
    end = day or today()
    start = end - timedelta(days=days - 1)
    counts = dict(
        DailyPageViews.objects.for_article(article_id, since=start, until=end).values_list(
            "day", "count"
        )
    )
    return [
        (start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)
    ]
