"""EXPLAIN ANALYZE every SQL query the public pages run, on the benchmark database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/explain.py > bench/PLANS.md

Renders each page once with every cache off, captures its queries, and prints each plan
with its time. Flags a sequential scan of articles or tagged items, which at 100,000
stories is what makes a page slow.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Tag  # noqa: E402
from authors.models import Author  # noqa: E402

WATCHED_TABLES = ("articles_article", "articles_taggedarticle", "pageviews_dailypageviews")


def pages() -> list[tuple[str, str]]:
    common_tag = Tag.objects.annotate(n=Count("tagged_articles")).order_by("-n").first()
    rare_tag = (
        Tag.objects.annotate(n=Count("tagged_articles")).filter(n__gt=0).order_by("n").first()
    )
    published_bylines = Count("bylines", filter=Q(bylines__article__status="published"))
    busiest_author = Author.objects.annotate(n=published_bylines).order_by("-n").first()
    # A story carrying the most common tag: the hardest case for related stories.
    heavy = Article.objects.published().filter(tagged_items__tag=common_tag).latest_first().first()
    seed = Article.objects.get(slug="azamattyq-qogamdy-damytu-maseleleri-qaraldy")
    return [
        ("article (carries the most common tag)", heavy.get_absolute_url()),
        ("article (seed story)", seed.get_absolute_url()),
        ("home", "/"),
        ("latest news", "/news/"),
        ("latest news, page 40", "/news/?page=40"),
        ("region", "/regions/almaty/"),
        ("tag (most common)", common_tag.get_absolute_url()),
        ("tag (rarest)", rare_tag.get_absolute_url()),
        ("author (busiest)", busiest_author.get_absolute_url()),
        ("top, day", "/top/?period=day"),
        ("top, week", "/top/?period=week"),
        ("top, month", "/top/?period=month"),
        ("top, all", "/top/?period=all"),
        ("search", "/search/?q=жастар+саясаты"),
    ]


def explain(sql: str) -> tuple[str, float]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    match = re.search(r"Execution Time: ([\d.]+) ms", lines[-1])
    return "\n".join(lines), float(match.group(1)) if match else 0.0


def main() -> None:
    client = Client()
    summary, details = [], []
    for name, url in pages():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        details.append(f"## {name}: `{url}` ({status}, {len(captured.captured_queries)} queries)\n")
        slowest, scans = 0.0, set()
        for sql in selects:
            plan, ms = explain(sql)
            seq = [t for t in WATCHED_TABLES if re.search(rf"Seq Scan on {t}\b", plan)]
            scans.update(seq)
            slowest = max(slowest, ms)
            flag = f" **SEQ SCAN of {', '.join(seq)}**" if seq else ""
            details.append(f"- {ms:.2f} ms{flag}: `{sql[:160]}`")
            details.append("\n```\n" + plan + "\n```\n")
        summary.append((name, len(captured.captured_queries), slowest, sorted(scans)))
    print("# Query plans of the public pages at 100,000 articles\n")
    print(f"{Article.objects.count():,} articles; every cache cleared before each page. Made by")
    print("`bench/explain.py`; notes on what was changed and what is left in `bench/README.md`.\n")
    print("| page | queries | slowest query (ms) | sequential scans |")
    print("| --- | ---: | ---: | --- |")
    for name, count, slowest, scans in summary:
        print(f"| {name} | {count} | {slowest:.1f} | {', '.join(scans) or '-'} |")
    print()
    print("\n".join(details))


if __name__ == "__main__":
    main()
