"""Warm pages through nginx's micro-cache, as a ratio to nginx serving a static file.

    .venv/bin/python bench/nginx.py [--rounds 5] [--seconds 3] [--beacons 300]

Starts PostgreSQL (a fresh portal_nginxbench_<pid> database), a cache and a buffer Redis,
two gunicorn app servers and nginx with deploy/nginx/portal.conf on loopback (bench/stack.py),
seeds 50 stories, and measures with wrk over HTTPS, in one run:

- a random mix of the 50 stories' pages, and the home page, through the micro-cache;
- the same nginx serving static files of exactly the same sizes from its /static/ location
  (the ceiling: no proxying, no cache lookup).

The two are interleaved, round after round, so the machine's other load affects both alike;
the medians of the rates and of each round's ratio are printed. The target is a ratio of at
least 0.5. Then N beacons (distinct readers) go through nginx, which must never cache them,
and the stored count must be exactly N after `manage.py flush_pageviews`.
Exit code 1 when the count is not exact or the target is missed.
"""

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import Http, Stack, exit_on_sigterm, log  # noqa: E402

WRK_PATHS = """
local paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""
TARGET = 0.5


def wrk_rps(url: str, paths: list[str], seconds: int, connections: int) -> float:
    import os
    import re

    script = WRK_PATHS % ", ".join(f'"{p}"' for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", handle.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(handle.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} errors on {paths[:2]}...")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def seed(count: int) -> list[int]:
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from regions.models import Region

    regions = list(Region.objects.order_by("position"))
    now = timezone.now()
    rng = random.Random(50)
    return [
        Article.objects.create(
            title=f"Өңір жаңалығы {i + 1}",
            lead=f"Қысқаша мазмұны {i + 1}",
            body="<p>" + "Мәтін. " * rng.randint(150, 600) + "</p>",
            region=regions[i % len(regions)],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
        ).pk
        for i in range(count)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--beacons", type=int, default=300)
    parser.add_argument("--deadline", type=int, default=300, help="seconds before giving up")
    args = parser.parse_args()
    exit_on_sigterm(deadline=args.deadline)
    began = time.monotonic()
    stack = Stack("portal_nginxbench", pageviews_rate="100000r/s", tasks="immediate")
    ok = True
    try:
        stack.start_redis("cache")
        stack.start_redis("buffer")
        stack.prepare_site()
        import os

        os.environ.update(stack.env())
        import django

        django.setup()
        from articles.models import Article

        ids = seed(args.stories)
        a = stack.start_app("A")
        b = stack.start_app("B")
        stack.start_nginx([a, b])
        log(f"stack up in {time.monotonic() - began:.0f}s")

        proxy = Http(stack.ports["nginx"], tls=True)
        articles = [a.get_absolute_url() for a in Article.objects.filter(pk__in=ids)]
        statics: dict[str, str] = {}
        sizes = {}
        for path in [*articles, "/"]:
            for _ in range(2):  # once to fill the caches, once to see a HIT
                page = proxy.get(path)
            if page.status != 200 or page.headers.get("x-cache-status") != "HIT":
                raise RuntimeError(f"{path}: {page.status} {page.headers.get('x-cache-status')}")
            name = f"bench-{len(statics)}.html"
            (stack.nginx_static / name).write_bytes(b"x" * len(page.body))
            statics[path] = f"/static/{name}"
            sizes[path] = len(page.body)
        check = proxy.get(statics["/"])
        assert check.status == 200 and len(check.body) == sizes["/"]

        url = f"https://127.0.0.1:{stack.ports['nginx']}"
        sets = {
            "articles": (articles, [statics[p] for p in articles]),
            "home": (["/"], [statics["/"]]),
        }
        rates = {name: {"page": [], "static": [], "ratio": []} for name in sets}
        for round_number in range(args.rounds):
            for name, (pages, files) in sets.items():
                static = wrk_rps(url, files, args.seconds, args.connections)
                page = wrk_rps(url, pages, args.seconds, args.connections)
                rates[name]["static"].append(static)
                rates[name]["page"].append(page)
                rates[name]["ratio"].append(page / static)
            log(f"round {round_number + 1}/{args.rounds} done")

        mean_article = statistics.mean(sizes[p] for p in articles)
        print(
            f"nginx micro-cache vs static files of the same size, wrk -t1 -c{args.connections}, "
            f"{args.rounds} interleaved rounds of {args.seconds} s, medians:"
        )
        print(f"{'page':<34} {'page req/s':>11} {'static req/s':>13} {'ratio':>6}  target")
        for name, label in (
            ("articles", f"{len(articles)} stories, random (avg {mean_article / 1024:.0f} KB)"),
            ("home", f"home ({sizes['/'] / 1024:.0f} KB)"),
        ):
            ratio = statistics.median(rates[name]["ratio"])
            met = ratio >= TARGET
            ok &= met
            print(
                f"{label:<34} {statistics.median(rates[name]['page']):>11,.0f} "
                f"{statistics.median(rates[name]['static']):>13,.0f} {ratio:>6.2f}  "
                f">= {TARGET} {'ok' if met else 'MISSED'} "
                f"(rounds: {', '.join(f'{r:.2f}' for r in rates[name]['ratio'])})"
            )

        # Counted reads through nginx: never cached, every one stored once.
        stack.manage("flush_pageviews")
        before = sum(Article.objects.filter(pk__in=ids).values_list("view_count", flat=True))
        answered, cached = 0, 0
        for i in range(args.beacons):
            answer = proxy.request(
                "POST",
                f"/pageviews/{ids[i % len(ids)]}/",
                body=str(uuid.uuid4()),
                headers={
                    "Content-Type": "text/plain;charset=UTF-8",
                    "Sec-Fetch-Site": "same-origin",
                },
            )
            answered += answer.status == 204
            cached += answer.headers.get("x-cache-status", "") not in ("", "BYPASS")
        stack.manage("flush_pageviews")
        after = sum(Article.objects.filter(pk__in=ids).values_list("view_count", flat=True))
        exact = after - before == args.beacons == answered and cached == 0
        ok &= exact
        print(
            f"beacons through nginx: {args.beacons} sent, {answered} answered 204, "
            f"{cached} from a cache, {after - before} stored: "
            f"{'exact' if exact else 'NOT EXACT'}"
        )
    finally:
        stack.close()
    print(f"done in {time.monotonic() - began:.0f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
