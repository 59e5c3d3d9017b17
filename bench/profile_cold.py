"""Profile one cold request of each slow public page, in-process, with pyinstrument.

    .venv/bin/pip install pyinstrument
    DJANGO_SETTINGS_MODULE=bench.settings DEBUG=1 SECRET_KEY=x \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/profile_cold.py [--only home,search] [--lines 40]

The page cache is off (PAGE_CACHE_SECONDS=0), as on the cold benchmark server. Each page is
requested once unprofiled first, so imports, template compilation and the small fragment
caches (which stay on in production) are not what the profile shows; an article is then a
different random story, so its own queries are cold. Prints wall time, the number of
queries and their database time (DEBUG records them), and pyinstrument's call tree.
"""

import argparse
import os
import random
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


def pages() -> dict[str, list[str]]:
    ids = list(Article.objects.published().order_by("id").values_list("id", "slug")[:100_000])
    rng = random.Random(3)
    stories = [f"/news/{pk}/{slug}/" for pk, slug in rng.sample(ids, 2)]
    return {
        "article": stories,
        "home": ["/", "/"],
        "top": ["/top/", "/top/"],
        "search": ["/search/?" + urlencode({"q": COMMON_WORD})] * 2,
        "sitemap": ["/sitemap.xml"] * 2,
        "sitemap_deep": ["/sitemap.xml?p=10"] * 2,
        "list_deep": ["/news/?page=500"] * 2,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--lines", type=int, default=45, help="call-tree lines per page")
    args = parser.parse_args()
    wanted = [w for w in args.only.split(",") if w]
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
