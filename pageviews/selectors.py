"""Reads: which stories were read most, and an article's daily reads."""

import hashlib
import logging
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Sum

from articles.models import Article
from pageviews import conf, generation
from pageviews.models import DailyPageViews
from pageviews.periods import normalize_period, period_start, today

logger = logging.getLogger(__name__)


def article_is_countable(article_id: int, *, at=None) -> bool:
    """Reads count only for stories the public can see (not drafts, not scheduled)."""
    return Article.objects.published(at=at).filter(pk=article_id).exists()


# Every list of one period shares one ranking of at least this many stories, so Top news
# (5) and the first page of /top/ show the same numbers even when cached at other times.
RANKING_DEPTH = 100


def most_read(period: str = "week", limit: int = 5, region=None, *, day: date | None = None):
    """Return published articles ranked by reads in ``period``, newer first on ties.

    Each article carries ``period_views``: its reads in the period (its total for "all").
    The ranking and the cards are cached for 30 seconds under the pageviews generation, which
    a flush and any article save bump: Top news costs nothing on most pages, and is never
    staler than that.
    """
    period = normalize_period(period)
    day = day or today()
    gen = generation.current()
    depth = max(limit, RANKING_DEPTH)
    key = f"pageviews:most_read:{gen}:{period}:{getattr(region, 'pk', region)}:{day}:{depth}"
    ranking = _cached(gen, key, lambda: _ranking(period, depth, region, day=day))[:limit]
    ids = [pk for pk, _ in ranking]
    cards_key = f"{key}:cards:{hashlib.sha1(repr(ids).encode()).hexdigest()}"
    cards = _cached(gen, cards_key, lambda: Article.objects.for_cards().in_bulk(ids))
    result = []
    for pk, reads in ranking:
        if pk in cards:
            article = cards[pk]
            article.period_views = reads
            result.append(article)
    return result


def _cached(gen, key: str, compute):
    if gen is None:
        return compute()
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("pageviews: the cache does not answer", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, conf.get("PAGEVIEWS_MOST_READ_CACHE_SECONDS"))
        except Exception:
            logger.warning("pageviews: the cache does not answer", exc_info=True)
    return value


def _ranking(period: str, limit: int, region, *, day: date) -> list[tuple[int, int]]:
    """(article id, reads) of the most-read published articles, best first."""
    articles = Article.objects.published()
    if region is not None:
        articles = articles.in_region(region)
    start = period_start(period, day=day)
    if start is None:
        ranked = articles.filter(view_count__gt=0).order_by("-view_count", "-published_at", "-id")
        return list(ranked.values_list("pk", "view_count")[:limit])
    # One query on the day rows (an index range scan on day), grouped by article id alone.
    return list(
        DailyPageViews.objects.filter(day__gte=start, day__lte=day, article__in=articles)
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
