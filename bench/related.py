"""Time ranking a story's Similar news at 100,000 articles, including the hardest stories.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/related.py

The hardest stories carry the most common tags (tens of thousands of stories each).
Prints, per group, the median, p99 and worst time of ranking (``rank_and_keep``, what a
story's publish or tag change runs; readers then look the kept ids up) and of the
tags-with-usage query it needs.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from articles.models import Article, Tag, TaggedArticle  # noqa: E402
from articles.selectors import article_tags, rank_and_keep  # noqa: E402


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, result


def summary(name, values):
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    print(
        f"{name:<44} n={len(values):<4} p50={statistics.median(values):7.2f} ms"
        f"  p99={p99:7.2f} ms  max={values[-1]:7.2f} ms"
    )


def main(samples: int = 200) -> None:
    rng = random.Random(1)
    top_tags = list(
        Tag.objects.annotate(n=Count("tagged_articles"))
        .order_by("-n")
        .values_list("pk", flat=True)[:5]
    )
    heavy_ids = list(
        TaggedArticle.objects.filter(tag_id__in=top_tags)
        .values("content_object_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-content_object_id")
        .values_list("content_object_id", flat=True)[:50]
    )
    published = list(Article.objects.published().values_list("pk", flat=True))
    groups = {
        "stories carrying the most common tags": heavy_ids,
        "random published stories": rng.sample(published, min(samples, len(published))),
    }
    print(f"{Article.objects.count():,} articles, {TaggedArticle.objects.count():,} tag links")
    for name, ids in groups.items():
        articles = Article.objects.in_bulk(ids)
        related_ms, usage_ms = [], []
        for pk in ids:
            article = articles[pk]
            ms, tags = timed(article_tags, article, with_usage=True)
            usage_ms.append(ms)
            ms, related = timed(rank_and_keep, article, tags=tags, limit=5)
            related_ms.append(ms)
            assert article not in related and len(related) >= 5
        summary(f"ranking, {name}", related_ms)
        summary(f"tags with usage, {name}", usage_ms)


if __name__ == "__main__":
    main()
