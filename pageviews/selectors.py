from datetime import date

from django.db.models import Sum

from articles.models import Article
from pageviews.models import DailyPageViews
from pageviews.periods import normalize_period, period_start


def most_read(period: str = "week", limit: int = 5, region=None, *, day: date | None = None):
    """Return published articles ranked by reads in ``period``, newest first on ties.

    Each article carries ``period_views``: its reads in the period (the total for "all").
    """
    period = normalize_period(period)
    published = Article.objects.published()
    if region is not None:
        published = published.in_region(region)
    start = period_start(period, day=day)
    if start is None:
        articles = list(
            published.filter(view_count__gt=0)
            .order_by("-view_count", "-published_at", "-id")
            .for_cards()[:limit]
        )
        for article in articles:
            article.period_views = article.view_count
        return articles
    ranked = list(
        DailyPageViews.objects.filter(day__gte=start, article__in=published.values("pk"))
        .values("article_id")
        .annotate(reads=Sum("count"))
        .filter(reads__gt=0)
        .order_by("-reads", "-article__published_at", "-article_id")[:limit]
    )
    by_id = Article.objects.for_cards().in_bulk([row["article_id"] for row in ranked])
    articles = []
    for row in ranked:
        article = by_id[row["article_id"]]
        article.period_views = row["reads"]
        articles.append(article)
    return articles
