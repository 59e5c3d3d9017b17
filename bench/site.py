"""Benchmark the public site under gunicorn at 100,000 articles.

    .venv/bin/python bench/site.py                 # seeds portal_bench once, then measures
    .venv/bin/python bench/site.py --duration 5 --runs 3 --local-cache

Seeds (or reuses) the PostgreSQL database ``portal_bench``, runs collectstatic, starts
gunicorn with gunicorn.conf.py and production settings on a loopback port, and loads it with
wrk (Debian package ``wrk``) from a separate process: each target gets a warm-up and several
bounded runs, and the medians are printed with the ratio to the ceiling (``/robots.txt``, a
plain Django view, measured in the same run) and the workers' resident memory. The cold
figures come from a second server with the page cache off (PAGE_CACHE_SECONDS=0).
"""

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

TARGETS = {
    # name: (page cache on?, urls or a callable name, ratio target or None)
    "robots.txt (ceiling)": ("warm", "robots"),
    "fixed 35 KB view": ("warm", "fixed"),
    "article, warm (500 random)": ("warm", "articles"),
    "home, warm": ("warm", "home"),
    "region page, warm": ("warm", "region"),
    "/top/, warm": ("warm", "top"),
    "search, warm": ("warm", "search"),
    "article, cold (500 random)": ("cold", "articles"),
    "home, cold": ("cold", "home"),
    "region page, cold": ("cold", "region"),
    "/top/, cold": ("cold", "top"),
    "search, cold": ("cold", "search"),
    "search common word, cold": ("cold", "search_common"),
    "/sitemap.xml, cold": ("cold", "sitemap"),
    "/sitemap.xml?p=10, cold": ("cold", "sitemap_deep"),
    "/news/?page=500, cold": ("cold", "list_deep"),
}
# name: [(figure, "min" or "max", bound)]; ratios are to /robots.txt in the same run.
GOALS = {
    "article, warm (500 random)": [("ratio", "min", 0.8)],
    "home, warm": [("ratio", "min", 0.5)],
    "article, cold (500 random)": [("ratio", "min", 0.12), ("p99", "max", 50)],
    "home, cold": [("ratio", "min", 0.08)],
    "search common word, cold": [("p50", "max", 30)],
    # A crawler's pages: what a cold render of each costs, whatever the cache.
    "/sitemap.xml, cold": [("p50", "max", 50)],
    "/sitemap.xml?p=10, cold": [("p50", "max", 50)],
    "/news/?page=500, cold": [("p50", "max", 50)],
    "mix (realistic, page cache on)": [("ratio", "min", 0.5), ("p99", "max", 50)],
}
# The most common word of the seeded titles (2,168 of 100,011), found once with
# regexp_split_to_table over articles_article.title: 6 s of database time not worth
# spending on every run. «жаңалық» is in no seeded title.
COMMON_WORD = "ақпаратқа"

LUA = r"""
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\": %%d, \"seconds\": %%f, \"p50\": %%f, \"p99\": %%f, " ..
    "\"errors\": %%d, \"non2xx\": %%d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def server_env(args, *, cold: bool, static_root: str) -> dict:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": args.database_url,
        "STATIC_ROOT": static_root,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BIND": f"127.0.0.1:{args.port}",
        "LOG_LEVEL": "ERROR",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.redis:
        env["REDIS_URL"] = args.redis_url
    if cold:
        env["PAGE_CACHE_SECONDS"] = "0"
    return env


def manage(env: dict, *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def prepare_database(args, env: dict) -> None:
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    name = args.database_url.rsplit("/", 1)[1]
    exists = subprocess.run(
        ["psql", admin_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        log(f"creating database {name}")
        subprocess.run(["psql", admin_url, "-c", f'CREATE DATABASE "{name}"'], check=True)
    manage(env, "migrate", "--noinput", "-v0")
    count = int(
        subprocess.run(
            ["psql", args.database_url, "-tAc", "SELECT count(*) FROM articles_article"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    if count < args.articles:
        log(f"seeding {args.articles:,} articles (the database has {count:,})")
        started = time.monotonic()
        manage(env, "seed_demo", "--allow-production", "--articles", str(args.articles))
        log(f"seeded in {time.monotonic() - started:.0f} s")
        subprocess.run(["psql", args.database_url, "-qc", "VACUUM ANALYZE"], check=True)


def sample_urls(args) -> dict[str, list[str]]:
    def rows(sql: str) -> list[str]:
        out = subprocess.run(
            ["psql", args.database_url, "-tAc", sql], capture_output=True, text=True, check=True
        ).stdout
        return [line for line in out.splitlines() if line]

    published = "status = 'published' AND published_at <= now()"
    ids = rows(f"SELECT id || '/' || slug FROM articles_article WHERE {published} ORDER BY id")
    rng = random.Random(500)
    articles = [f"/news/{row}/" for row in rng.sample(ids, min(500, len(ids)))]
    region = rows("SELECT slug FROM regions_region ORDER BY position LIMIT 1")[0]
    return {
        "robots": ["/robots.txt"],
        "fixed": ["/bench/fixed/"],
        "articles": articles,
        "home": ["/"],
        "region": [f"/regions/{region}/"],
        "top": ["/top/"],
        "search": ["/search/?q=%D0%B6%D0%B0%D1%81%D1%82%D0%B0%D1%80"],  # «жастар»
        "search_common": ["/search/?" + urlencode({"q": args.search_word})],
        "sitemap": ["/sitemap.xml"],
        "sitemap_deep": ["/sitemap.xml?p=10"],
        "list_deep": ["/news/?page=500"],
    }


class Server:
    def __init__(self, args, env: dict):
        self.args, self.env = args, env
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/robots.txt"), timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.args.port}{path}"

    def worker_rss_mb(self) -> list[float]:
        out = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(line) / 1024 for line in out.split()]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def check_urls(server: Server, urls: list[str]) -> None:
    for path in urls[:3]:
        with urllib.request.urlopen(server.url(path), timeout=30) as response:
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")


def wrk(server: Server, urls: list[str], seconds: float, args) -> dict:
    paths = ", ".join(json.dumps(path) for path in urls)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % paths)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                server.url("/"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def visit_all(server: Server, urls: list[str], passes: int) -> None:
    def get(path: str) -> None:
        with urllib.request.urlopen(server.url(path), timeout=60) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(get, urls * passes))


def measure(server: Server, name: str, urls: list[str], args, *, warm: bool) -> dict:
    """Median figures of ``urls``, each run paired with a ceiling run right before it.

    The machine is shared and its speed drifts from minute to minute, so each run's ratio
    is taken against the ``/robots.txt`` run just before it, and the median ratio reported.
    """
    check_urls(server, urls)
    passes = 1 if args.redis else len(server.worker_rss_mb()) * 2
    is_ceiling = urls == ["/robots.txt"]

    def run(seconds: float) -> dict:
        if warm:
            # Every page into the cache right before the run: pages live 30 s, and on a busy
            # machine the first visit of 500 pages can take longer than that. With the
            # local-memory cache each worker has its own, so go round once per worker
            # and then some (a few misses stay).
            visit_all(server, urls, passes)
        return wrk(server, urls, seconds, args)

    # A short run first: connections, database buffers and fragments settle.
    run(args.warmup)
    runs, ratios = [], []
    for _ in range(args.runs):
        ceiling = None if is_ceiling else wrk(server, ["/robots.txt"], args.duration, args)
        result = run(args.duration)
        runs.append(result)
        ratios.append(1.0 if ceiling is None else result["rps"] / max(ceiling["rps"], 1))
    summary = {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": statistics.median(r["p99"] for r in runs),
        "ratio": statistics.median(ratios),
        "errors": sum(r["errors"] + r["non2xx"] for r in runs),
    }
    log(
        f"  {name:<30} {summary['rps']:8.0f} req/s  p50 {summary['p50']:6.1f} ms  "
        f"p99 {summary['p99']:6.1f} ms  ratio {summary['ratio']:.2f}"
    )
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/portal_bench")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py")
    parser.add_argument("--duration", type=float, default=5, help="seconds per run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before the runs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument(
        "--local-cache",
        dest="redis",
        action="store_false",
        help="each worker's own local-memory cache instead of Redis (the default, shared)",
    )
    parser.add_argument("--redis", action="store_true", default=True, help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--search-word", default=COMMON_WORD, help="the common-word search")
    parser.add_argument("--only", default="", help="comma-separated target names (substrings)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        log("wrk is missing: apt-get install -y wrk")
        return 2

    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    try:
        env = server_env(args, cold=False, static_root=static_root)
        prepare_database(args, env)
        manage(env, "collectstatic", "--noinput", "-v0")
        urls = sample_urls(args)
        results, memory = {}, {}
        wanted = [part.strip() for part in args.only.split(",") if part.strip()]
        for mode in ("warm", "cold"):
            names = [n for n, (m, _) in TARGETS.items() if m == mode]
            names = [n for n in names if not wanted or any(w in n for w in wanted)]
            if mode == "cold":
                names = ["robots.txt (ceiling), cold server"] + names
            log(f"{mode} server:")
            with Server(
                args, server_env(args, cold=mode == "cold", static_root=static_root)
            ) as server:
                for name in names:
                    key = "robots" if name.startswith("robots") else TARGETS[name][1]
                    warm = mode == "warm"
                    results[name] = measure(server, name, urls[key], args, warm=warm)
                memory[mode] = server.worker_rss_mb()
        report(results, memory, args)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    return 0


def verdicts(name: str, figures: dict) -> str:
    parts = []
    for figure, kind, bound in GOALS.get(name, []):
        met = figures[figure] >= bound if kind == "min" else figures[figure] < bound
        sign = ">=" if kind == "min" else "<"
        unit = "" if figure == "ratio" else " ms"
        label = "" if figure == "ratio" else f"{figure} "
        parts.append(f"{label}{sign} {bound:g}{unit} {'ok' if met else 'MISSED'}")
    return ", ".join(parts)


def report(results: dict, memory: dict, args) -> None:
    print(
        f"\nSite benchmark: {args.articles:,} articles, wrk -t{args.threads} "
        f"-c{args.connections}, {args.runs} runs of {args.duration:g} s, medians"
        f"{', Redis cache' if args.redis else ', local-memory cache'}; each ratio is the median"
        " of run / the /robots.txt run just before it"
    )
    print(f"{'page':<36}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}  goal")
    for name, r in results.items():
        ratio = r["ratio"]
        verdict = verdicts(name, r)
        errors = f"  ({r['errors']} errors)" if r["errors"] else ""
        if not r["rps"]:
            errors += f"  (no request finished within {args.duration:g} s)"
        figures = f"{r['rps']:9.0f}{r['p50']:9.1f}{r['p99']:9.1f}{ratio:8.2f}"
        print(f"{name:<36}{figures}  {verdict}{errors}")
    for mode, sizes in memory.items():
        worst = max(sizes) if sizes else 0
        status = "ok" if worst < 120 else "MISSED"
        listed = ", ".join(f"{size:.0f}" for size in sizes)
        print(f"worker RSS after the {mode} runs: {listed} MB (max {worst:.0f} < 120 MB {status})")


if __name__ == "__main__":
    sys.exit(main())
