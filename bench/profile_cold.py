"""Profile one cold request of each slow public page, in-process, with pyinstrument.

    .venv/bin/pip install pyinstrument
    DJANGO_SETTINGS_MODULE=bench.settings DEBUG=1 SECRET_KEY=x \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/profile_cold.py [--only home,search] [--lines 40]
        .venv/bin/python bench/profile_cold.py --timings 30     # medians, no profile

The page cache is off (PAGE_CACHE_SECONDS=0), as on the cold benchmark server. Each page is
requested once unprofiled first, so imports, template compilation and the small fragment
caches (which stay on in production) are not what the profile shows; an article is then a
different random story, so its own queries are cold. Prints wall time, the number of
queries and their database time (DEBUG records them), and pyinstrument's call tree.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from articles.models import Article  # noqa: E402

COMMON_WORD = "ақпаратқа"  # bench/site.py COMMON_WORD


def pages(count: int = 2) -> dict[str, list[str]]:
    """``count`` requests of each page: the same URL, or for articles distinct random
    stories whose Similar news is ranked (as on a site in service)."""
    ranked = Article.objects.published().filter(similar_ids__isnull=False).order_by("id")
    ids = list(ranked.values_list("id", "slug")[:100_000])
    rng = random.Random(3)
    stories = [f"/news/{pk}/{slug}/" for pk, slug in rng.sample(ids, count)]
    return {
        "article": stories,
        "home": ["/"] * count,
        "news": ["/news/"] * count,
        "region": ["/regions/almaty/"] * count,
        "top": ["/top/"] * count,
        "search": ["/search/?" + urlencode({"q": COMMON_WORD})] * count,
        "sitemap": ["/sitemap.xml"] * count,
        "sitemap_deep": ["/sitemap.xml?p=10"] * count,
        "list_deep": ["/news/?page=500"] * count,
    }


def timings(client, wanted: list[str], count: int) -> None:
    """Median wall time and queries of ``count`` requests of each page, unprofiled."""
    print(f"{'page':<14} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for name, urls in pages(count + 1).items():
        if wanted and name not in wanted:
            continue
        assert client.get(urls[0]).status_code == 200, urls[0]  # imports, templates
        elapsed, queries = [], []
        for url in urls[1:]:
            reset_queries()
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            elapsed.append((time.perf_counter() - started) * 1000)
            queries.append(len(connection.queries))
        elapsed.sort()
        p90 = elapsed[int(len(elapsed) * 0.9)]
        print(f"{name:<14} {statistics.median(elapsed):>10.1f} {p90:>8.1f} {max(queries):>8}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--lines", type=int, default=45, help="call-tree lines per page")
    parser.add_argument("--timings", type=int, default=0, help="N: medians of N, no profile")
    args = parser.parse_args()
    wanted = [w for w in args.only.split(",") if w]
    if args.timings:
        timings(Client(HTTP_USER_AGENT="Mozilla/5.0 bench"), wanted, args.timings)
        return 0
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 bench")
    for name, (first, second) in pages().items():
        if wanted and name not in wanted:
            continue
        assert client.get(first).status_code == 200, first
        reset_queries()
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        response = client.get(second)
        profiler.stop()
        elapsed = (time.perf_counter() - started) * 1000
        queries = connection.queries
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        print(
            f"\n=== {name} {second}: {response.status_code}, {elapsed:.0f} ms wall,"
            f" {len(queries)} queries, {sql_ms:.0f} ms in the database,"
            f" {len(response.content) / 1024:.0f} KB"
        )
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        print("\n".join(text.splitlines()[: args.lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
