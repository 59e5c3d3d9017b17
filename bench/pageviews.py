#!/usr/bin/env python
"""Benchmark the counting endpoint against gunicorn on PostgreSQL, without and with Redis.

Not a test: it starts the site with production-like settings on a loopback port, fires
counted reads at it from this process (asyncio, raw HTTP/1.1 keep-alive connections, one
fresh reader id per read so every read is counted), and reports counted reads per second,
p50/p99 latency, the ratio to the ceiling (the same gunicorn serving /robots.txt) and
whether the database ends with exactly as many reads as the endpoint answered 204.

    .venv/bin/python bench/pageviews.py      # recreates portal_h3_bench; Redis db 14
    .venv/bin/python bench/pageviews.py --database-url postgres://postgres@127.0.0.1:5432/x \
        --redis-url redis://127.0.0.1:6379/9 --duration 10 --concurrency 300

Targets (ratios, since absolute numbers on a shared machine are noise): with Redis at least
0.5 of the ceiling; without Redis at least 0.25 spread over many articles; one viral article
at least half the spread figure; exact counts in every run.
"""

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
FRESHNESS: list[float | None] = []  # seconds until a read was flushed by the site itself


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/portal_h3_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=300, help="simultaneous readers")
    parser.add_argument("--articles", type=int, default=300, help="published articles")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn gthread threads")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free loopback port")
    parser.add_argument("--skip-redis", action="store_true")
    parser.add_argument(
        "--reuse-database", action="store_true", help="keep the database instead of recreating it"
    )
    return parser.parse_args()


# --- the database ------------------------------------------------------------------------


def ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            # A new database each run: every run starts from the same, freshly migrated state.
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    admin.close()


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed_articles(count: int) -> list[int]:
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article

    existing = list(
        Article.objects.published().filter(slug__startswith="bench-").values_list("pk", flat=True)
    )
    if len(existing) < count:
        now = timezone.now()
        Article.objects.bulk_create(
            Article(
                title=f"Бенчмарк жаңалығы {n}",
                slug=f"bench-{uuid.uuid4().hex[:12]}",
                lead="Оқылымды санау сынағы.",
                body="<p>Мәтін.</p>",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=n + 1),
            )
            for n in range(count - len(existing))
        )
        existing = list(
            Article.objects.published()
            .filter(slug__startswith="bench-")
            .values_list("pk", flat=True)
        )
    return existing[:count]


def reset_counts() -> None:
    from django.db import connection

    from articles.models import Article
    from pageviews.models import DailyPageViews, ReaderMark

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {DailyPageViews._meta.db_table}, {ReaderMark._meta.db_table}")
    Article.objects.filter(view_count__gt=0).update(view_count=0)
    # Every counted read leaves a dead version of its article row. A production server's
    # autovacuum clears them as it goes; a test server may run without it (this machine's
    # does), so each scenario starts from a vacuumed table instead of the last one's debris.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Article._meta.db_table}")


def stored_counts() -> tuple[int, int]:
    from django.db.models import Sum

    from articles.models import Article
    from pageviews.models import DailyPageViews

    total = Article.objects.aggregate(n=Sum("view_count"))["n"] or 0
    days = DailyPageViews.objects.aggregate(n=Sum("count"))["n"] or 0
    return total, days


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args, *, redis_url: str | None) -> dict:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": args.database_url,
        "LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
        # Every benchmark reader comes from loopback: the per-address cap would stop them.
        "PAGEVIEWS_READERS_PER_ADDRESS": "0",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


class Server:
    def __init__(self, args, env: dict):
        self.port = args.port or free_port()
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "portal.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(args.workers),
                "--worker-class", "gthread",
                "--threads", str(args.threads),
                "--keep-alive", "30",
                "--backlog", "4096",
                "--log-level", "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- the load ----------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)
    errors: int = 0
    stored: tuple | None = None

    @property
    def ok(self) -> int:
        return self.statuses[204] + self.statuses[200]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    @property
    def exact(self) -> bool | None:
        if self.stored is None:
            return None
        return self.stored == (self.statuses[204], self.statuses[204])


async def read_response(reader) -> tuple[int, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked, close = 0, False, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, close


async def one_reader(port: int, make_request, deadline: float, run: Run) -> None:
    stream = None
    while time.perf_counter() < deadline:
        try:
            if stream is None:
                stream = await asyncio.open_connection("127.0.0.1", port)
            reader, writer = stream
            request = make_request()
            started = time.perf_counter()
            writer.write(request)
            status, close = await read_response(reader)
            run.latencies.append(time.perf_counter() - started)
            run.statuses[status] += 1
            if close:
                writer.close()
                stream = None
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            run.errors += 1
            if stream is not None:
                stream[1].close()
            stream = None
            await asyncio.sleep(0.01)
    if stream is not None:
        stream[1].close()


def beacon_maker(port: int, choose_article):
    host = f"Host: 127.0.0.1:{port}\r\nUser-Agent: {BROWSER}\r\n"

    def make() -> bytes:
        reader = str(uuid.uuid4())  # a new reader each read: every read is a counted one
        return (
            f"POST /pageviews/{choose_article()}/ HTTP/1.1\r\n{host}"
            f"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {len(reader)}\r\n\r\n"
            f"{reader}"
        ).encode()

    return make


def robots_maker(port: int):
    request = f"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {BROWSER}\r\n\r\n"
    return lambda: request.encode()


def load(name: str, port: int, make_request, *, seconds: float, concurrency: int) -> Run:
    run = Run(name)

    async def main():
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(one_reader(port, make_request, deadline, run) for _ in range(concurrency))
        )
        run.seconds = time.perf_counter() - started

    asyncio.run(main())
    return run


# --- the scenarios -----------------------------------------------------------------------


def phase(args, article_ids: list[int], *, redis_url: str | None) -> list[Run]:
    label = "redis" if redis_url else "database"
    env = server_env(args, redis_url=redis_url)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    server = Server(args, env)
    runs = []
    try:
        # Warm every worker (imports, database connections) before measuring anything.
        load("warm-up", server.port, robots_maker(server.port), seconds=2, concurrency=50)
        ceiling = load(
            f"{label}: ceiling GET /robots.txt",
            server.port,
            robots_maker(server.port),
            seconds=args.duration,
            concurrency=args.concurrency,
        )
        runs.append(ceiling)
        viral_id = article_ids[0]
        for scenario, choose in (
            ("spread", lambda: random.choice(article_ids)),
            ("viral", lambda: viral_id),
        ):
            reset_counts()
            if redis_url:
                redis.Redis.from_url(redis_url).flushdb()
            run = load(
                f"{label}: counted reads, {scenario}",
                server.port,
                beacon_maker(server.port, choose),
                seconds=args.duration,
                concurrency=args.concurrency,
            )
            if redis_url:
                manage(env, "flush_pageviews")
            run.stored = stored_counts()
            run.ceiling = ceiling.rate
            runs.append(run)
        if redis_url:
            freshness(server.port, article_ids[-1], redis_url)
    finally:
        server.stop()
    return runs


def freshness(port: int, article_id: int, redis_url: str) -> None:
    """One read, no flush command: how long until the site has flushed it by itself?"""
    import http.client

    import redis

    reset_counts()
    redis.Redis.from_url(redis_url).flushdb()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST", f"/pageviews/{article_id}/", body=str(uuid.uuid4()), headers={"User-Agent": BROWSER}
    )
    status = connection.getresponse().status
    connection.close()
    started = time.monotonic()
    while time.monotonic() - started < 120:
        if stored_counts() == (1, 1):
            FRESHNESS.append(time.monotonic() - started)
            print(
                f"freshness: a read ({status}) was flushed by the site after {FRESHNESS[-1]:.0f} s"
            )
            return
        time.sleep(1)
    FRESHNESS.append(None)


def report(runs: list[Run]) -> None:
    print()
    print(
        f"{'scenario':42} {'ok/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} "
        f"{'204s':>7} {'stored':>15} {'exact':>6} {'errors':>6}"
    )
    for run in runs:
        ratio = getattr(run, "ceiling", None)
        ratio_text = f"{run.rate / ratio:.2f}" if ratio else "1.00"
        stored = f"{run.stored[0]}/{run.stored[1]}" if run.stored else "-"
        exact = "-" if run.exact is None else ("yes" if run.exact else "NO")
        others = sum(n for status, n in run.statuses.items() if status not in (200, 204))
        print(
            f"{run.name:42} {run.rate:8.0f} {run.percentile(0.5):8.1f} "
            f"{run.percentile(0.99):8.1f} {ratio_text:>6} {run.statuses[204]:7} {stored:>15} "
            f"{exact:>6} {run.errors + others:6}"
        )


def verdict(runs: list[Run]) -> bool:
    by_name = {run.name: run for run in runs}
    checks = []

    def ratio(name):
        run = by_name.get(name)
        return run.rate / run.ceiling if run else None

    spread = ratio("database: counted reads, spread")
    viral = ratio("database: counted reads, viral")
    checks.append(("without Redis, spread >= 0.25 of the ceiling", spread, spread >= 0.25))
    checks.append(("without Redis, viral >= half of spread", viral, viral >= spread / 2))
    for name in ("redis: counted reads, spread", "redis: counted reads, viral"):
        if name in by_name:
            value = ratio(name)
            checks.append((f"{name} >= 0.5 of the ceiling", value, value >= 0.5))
    for run in runs:
        if run.exact is not None:
            checks.append((f"{run.name}: stored == 204 answers", None, run.exact))
    for seconds in FRESHNESS:
        passed = seconds is not None and seconds <= 90
        shown = f"{seconds:.0f} s" if seconds is not None else "not within 120 s"
        checks.append(
            (f"with Redis, a read is flushed by the site within 90 s ({shown})", None, passed)
        )
    print()
    for text, value, passed in checks:
        shown = f" ({value:.2f})" if value is not None else ""
        print(f"{'PASS' if passed else 'MISS'}  {text}{shown}")
    return all(passed for _, _, passed in checks)


def main() -> int:
    args = parse_args()
    ensure_database(args.database_url, fresh=not args.reuse_database)
    env = server_env(args, redis_url=None)
    manage(env, "migrate", "--noinput", "-v", "0")
    setup_django(args.database_url)
    article_ids = seed_articles(args.articles)
    print(
        f"{len(article_ids)} articles; gunicorn {args.workers} workers x {args.threads} threads; "
        f"{args.concurrency} readers; {args.duration:g} s per scenario; {os.cpu_count()} CPUs"
    )
    runs = phase(args, article_ids, redis_url=None)
    if not args.skip_redis:
        runs += phase(args, article_ids, redis_url=args.redis_url)
    report(runs)
    return 0 if verdict(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
