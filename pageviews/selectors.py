"""Reads: which stories were read most, and an article's daily reads."""

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


def most_read(period: str = "week", limit: int = 5, region=None, *, day: date | None = None):
    """Return published articles ranked by reads in ``period``, newer first on ties.

    Each article carries ``period_views``: its reads in the period (its total for "all").
    Cached for a minute under the pageviews generation, which a flush and any article
    save bump, so Top news costs nothing on most pages and is never staler than that.
    """
    period = normalize_period(period)
    day = day or today()
    gen = generation.current()
    region_key = getattr(region, "pk", region)
    cache_key = f"pageviews:most_read:{gen}:{period}:{limit}:{region_key}:{day.isoformat()}"
    if gen is not None:
        try:
            cached = cache.get(cache_key)
        except Exception:
            logger.warning("pageviews: the cache does not answer", exc_info=True)
            cached = gen = None
        if cached is not None:
            return cached
    articles = _most_read(period, limit, region, day=day)
    if gen is not None:
        try:
            cache.set(cache_key, articles, conf.get("PAGEVIEWS_MOST_READ_CACHE_SECONDS"))
        except Exception:
            logger.warning("pageviews: the cache does not answer", exc_info=True)
    return articles


def _most_read(period: str, limit: int, region, *, day: date) -> list[Article]:
    articles = Article.objects.published()
    if region is not None:
        articles = articles.in_region(region)
    start = period_start(period, day=day)
    if start is None:
        ranked = articles.filter(view_count__gt=0).order_by("-view_count", "-published_at", "-id")
        result = list(ranked.for_cards()[:limit])
        for article in result:
            article.period_views = article.view_count
        return result
    # The ranking is one query on the day rows (an index range scan on day), grouped by
    # article id alone; only the few winners are then loaded as cards.
    ranked = list(
        DailyPageViews.objects.filter(day__gte=start, day__lte=day, article__in=articles)
        .values("article_id")
        .annotate(reads=Sum("count"))
        .filter(reads__gt=0)
        .order_by("-reads", "-article__published_at", "-article_id")
        .values_list("article_id", "reads")[:limit]
    )
    cards = Article.objects.for_cards().in_bulk([pk for pk, _ in ranked])
    result = []
    for pk, reads in ranked:
        article = cards[pk]
        article.period_views = reads
        result.append(article)
    return result


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
