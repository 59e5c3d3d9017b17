"""Two app servers, a worker and nginx on one machine: does the site behave as one?

    .venv/bin/python bench/cluster.py [--quick] [--readers 500]

Starts a fresh PostgreSQL database (on the server at 127.0.0.1:5432), a cache Redis and a
read-buffer Redis of its own, SeaweedFS, gunicorn A and B (separate temporary and media
folders, one bucket), `manage.py db_worker` and nginx with deploy/nginx/portal.conf (see
bench/stack.py), then checks, printing PASS or FAIL with timings:

1. a story published through A's admin is on /, /news/, /rss/, /sitemap.xml through B and
   through nginx within 2 s;
2. a 40-megapixel cover uploaded through A is served on B and through nginx at once, and its
   renditions appear without the upload waiting (the worker is killed with -9 mid-rendition
   and restarted: the job is run again);
3. 500 distinct readers' beacons spread over A and B are counted exactly;
4. A is killed with -9 in the middle of load: nginx answers from B and no counted read is lost;
5. a scheduled story goes live on A, B and nginx within 2 s of its time, with no cron;
6. the cache Redis is emptied (FLUSHDB) mid-load: pages keep coming, no read is lost (the
   buffer lives in the other Redis, PAGEVIEWS_REDIS_URL);
7. deploy/backup.sh, then deploy/restore.sh into a fresh database and bucket: a third gunicorn
   on the copy serves the same stories and photos.

Without --quick it then measures what docs/capacity.md is built from (wrk, 5 s each): a warm
story through nginx's micro-cache, through the app's page cache, cold, and the beacon.
Exit code 1 on any FAIL. Everything runs on 127.0.0.1 and is stopped on exit.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import ROOT, Http, Stack, exit_on_sigterm, log, multipart, psql  # noqa: E402

EDITOR, PASSWORD = "cluster-editor", "cluster-editor-password-2024"
FRESH_WITHIN = 2.0
RESULTS: list[tuple[str, bool, str]] = []


def report(name: str, ok: bool, detail: str) -> None:
    RESULTS.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


def poll(check, timeout: float, interval: float = 0.05) -> float | None:
    """Seconds until ``check()`` is true, or None after ``timeout``."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            return None
        time.sleep(interval)


def django_setup(stack: Stack) -> None:
    os.environ.update(stack.env())
    import django

    django.setup()


# --- the newsroom, through A's admin ----------------------------------------------------------


class Newsroom:
    def __init__(self, port: int):
        self.http = Http(port, timeout=120)

    def token(self, path: str) -> str:
        page = self.http.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not match:
            raise RuntimeError(f"no CSRF token on {path} ({page.status})")
        return match.group(1)

    def login(self) -> None:
        from urllib.parse import urlencode

        body = urlencode(
            {
                "username": EDITOR,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.token("/admin/login/"),
                "next": "/admin/",
            }
        )
        answer = self.http.request(
            "POST",
            "/admin/login/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if answer.status != 302 or "sessionid" not in self.http.cookies:
            raise RuntimeError(f"admin login failed: {answer.status}")

    def add_story(self, title: str, *, cover: bytes | None = None, **fields):
        add = "/admin/articles/article/add/"
        data = {
            "csrfmiddlewaretoken": self.token(add),
            "title": title,
            "slug": "",
            "lead": "Кластерді тексеру",
            "body": "<p>Екі сервер, бір сайт.</p>",
            "cover_caption": "",
            "cover_credit": "",
            "region": "",
            "tags": "",
            "status": "published",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "0",
            "bylines-MAX_NUM_FORMS": "1000",
            "_save": "Save",
            **fields,
        }
        files = {"cover_image": ("cluster-cover.jpg", cover, "image/jpeg")} if cover else {}
        body, content_type = multipart(data, files)
        answer = self.http.request("POST", add, body=body, headers={"Content-Type": content_type})
        if answer.status != 302:
            errors = re.findall(r'class="errorlist[^"]*">(.*?)</ul>', answer.text, re.S)
            raise RuntimeError(f"the admin refused the story: {answer.status} {errors[:3]}")
        return answer


# --- load ---------------------------------------------------------------------------------------


class Beacons:
    """Counted reads sent like the page's script; tracks which readers were answered 204."""

    def __init__(self):
        self.answered: dict[int, set[str]] = {}
        self.failures: list[int] = []
        self.lock = threading.Lock()

    def send(self, http: Http, article_id: int, reader: str) -> int:
        try:
            status = http.request(
                "POST",
                f"/pageviews/{article_id}/",
                body=reader,
                headers={
                    "Content-Type": "text/plain;charset=UTF-8",
                    "Sec-Fetch-Site": "same-origin",
                },
            ).status
        except OSError:
            status = 0
        with self.lock:
            if status == 204:
                self.answered.setdefault(article_id, set()).add(reader)
            else:
                self.failures.append(status)
        return status

    def send_until_answered(self, http_for, article_id: int, attempts: int = 4) -> None:
        # A reader whose beacon failed reloads the page: the same reader id is sent again,
        # and the dedupe counts it once even if the first attempt was counted after all.
        reader = str(uuid.uuid4())
        for attempt in range(attempts):
            if self.send(http_for(attempt), article_id, reader) == 204:
                return
            time.sleep(0.05)

    def expected(self) -> dict[int, int]:
        return {pk: len(readers) for pk, readers in self.answered.items()}


def counts(ids) -> dict[int, int]:
    from articles.models import Article

    return dict(Article.objects.filter(pk__in=list(ids)).values_list("pk", "view_count"))


def flush(stack: Stack) -> str:
    return stack.manage("flush_pageviews").stdout.strip()


def exact(stack: Stack, before: dict[int, int], beacons: Beacons) -> tuple[bool, str]:
    flushed = flush(stack)
    after = counts(before)
    expected = beacons.expected()
    wrong = {
        pk: (after[pk] - before[pk], expected.get(pk, 0))
        for pk in before
        if after[pk] - before[pk] != expected.get(pk, 0)
    }
    total = sum(expected.values())
    return (
        not wrong,
        f"{total} answered reads, stored {'exactly' if not wrong else 'WRONG ' + str(wrong)} "
        f"({flushed})",
    )


# --- the checks ---------------------------------------------------------------------------------


def check_publish(stack: Stack, newsroom: Newsroom) -> None:
    from articles.models import Article

    servers = {"B": Http(stack.ports["B"]), "nginx": Http(stack.ports["nginx"], tls=True)}
    paths = ["/", "/news/", "/rss/", "/sitemap.xml"]
    for http in servers.values():
        for path in paths:
            http.get(path)  # warm every cache with the page before the story
    title = f"Кластер жаңалығы {uuid.uuid4().hex[:8]}"
    newsroom.add_story(title)
    published = time.monotonic()
    article = Article.objects.get(title=title)
    markers = {"/sitemap.xml": f"/news/{article.pk}/"}
    seen: dict[str, float] = {}

    def all_seen() -> bool:
        for name, http in servers.items():
            for path in paths:
                if f"{name}{path}" in seen:
                    continue
                if markers.get(path, title) in http.get(path).text:
                    seen[f"{name}{path}"] = time.monotonic() - published
        return len(seen) == len(servers) * len(paths)

    poll(all_seen, timeout=10)
    slowest = max(seen.values(), default=None)
    ok = len(seen) == 8 and slowest <= FRESH_WITHIN
    detail = ", ".join(f"{key} {value:.2f}s" for key, value in sorted(seen.items()))
    missing = [f"{n}{p}" for n in servers for p in paths if f"{n}{p}" not in seen]
    report(
        "1 publish via A, seen via B and nginx",
        ok,
        f"slowest {slowest:.2f}s ({detail})" + (f"; never: {missing}" if missing else ""),
    )


def big_jpeg(width=7300, height=5400) -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (30, 90, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 400):
        draw.rectangle([i, 0, i + 200, height], fill=(200, 120 + i % 100, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def check_cover(stack: Stack, newsroom: Newsroom) -> dict:
    from django_tasks_db.models import DBTaskResult

    from articles.models import Article

    cover = big_jpeg()
    title = f"Фотосы бар жаңалық {uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    newsroom.add_story(title, cover=cover)
    upload_seconds = time.monotonic() - started
    article = Article.objects.get(title=title)
    megapixels = article.cover_width * article.cover_height / 1e6

    # The worker is killed while it renders, and started again: the job must still finish.
    def running() -> bool:
        return DBTaskResult.objects.filter(
            task_path="articles.tasks.make_cover_renditions", status="RUNNING"
        ).exists()

    caught = poll(running, timeout=20, interval=0.02) is not None
    if caught:
        stack.kill("worker", sig=9)
        stack.start_worker()

    b, proxy = Http(stack.ports["B"]), Http(stack.ports["nginx"], tls=True)
    s3 = Http(stack.ports["s3"])
    page_b = b.get(article.get_absolute_url())
    page_n = proxy.get(article.get_absolute_url())
    original = article.cover_image.url
    path = original.split(f":{stack.ports['s3']}", 1)[1]
    served = s3.get(path)
    stored = stack.s3_client().get_object(Bucket=stack.bucket, Key=article.cover_image.name)
    original_ok = (
        original in page_b.text
        and original in page_n.text
        and served.status == 200
        and served.body == stored["Body"].read()
    )

    def renditions_linked() -> bool:
        article.refresh_from_db()
        return (
            bool(article.cover_rendition_widths)
            and ".400w.webp" in b.get(article.get_absolute_url()).text
        )

    waited = poll(renditions_linked, timeout=60, interval=0.2)
    rendition_ok = False
    if waited is not None:
        rendition = article.cover_renditions[0]["url"].split(f":{stack.ports['s3']}", 1)[1]
        rendition_ok = (
            s3.get(rendition).status == 200
            and ".400w.webp" in proxy.get(article.get_absolute_url()).text
        )
    ok = original_ok and rendition_ok and upload_seconds < 10
    report(
        "2 cover via A, served via B and nginx, renditions later",
        ok,
        f"{megapixels:.1f} MP upload answered in {upload_seconds:.2f}s; original on B, nginx "
        f"and the bucket: {original_ok}; worker killed -9 mid-rendition: "
        f"{'yes, restarted' if caught else 'no (it finished first)'}; renditions linked "
        f"{f'{waited:.1f}s' if waited is not None else 'never'} after the upload answered",
    )
    return {"upload_seconds": upload_seconds, "article": article.pk}


def check_readers(stack: Stack, stories: list[int], readers: int) -> None:
    beacons = Beacons()
    flush(stack)
    before = counts(stories)
    servers = [stack.ports["A"], stack.ports["B"]]
    local = threading.local()

    def one(i: int) -> None:
        if not hasattr(local, "http"):
            local.http = {port: Http(port) for port in servers}
        beacons.send(local.http[servers[i % 2]], stories[i % len(stories)], str(uuid.uuid4()))

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(readers)))
    seconds = time.monotonic() - started
    ok, detail = exact(stack, before, beacons)
    ok = ok and not beacons.failures and sum(beacons.expected().values()) == readers
    report(
        f"3 {readers} readers over A and B",
        ok,
        f"{detail}; {readers / seconds:.0f} beacons/s; failures {len(beacons.failures)}",
    )


def load(stack: Stack, *, seconds: float, servers, stories, paths, event_at, event) -> tuple:
    """Pages and beacons from 4 threads for ``seconds``; ``event()`` runs at ``event_at``."""
    beacons = Beacons()
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def reader(index: int) -> None:
        https = [Http(port, tls=tls, timeout=10) for port, tls in servers]
        n = index
        while time.monotonic() < stop:
            n += 1
            http = https[n % len(https)]
            try:
                status = http.get(paths[n % len(paths)]).status
            except OSError:
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            beacons.send_until_answered(
                lambda attempt, n=n: https[(n + attempt) % len(https)], stories[n % len(stories)]
            )

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(reader, i) for i in range(4)]
        time.sleep(event_at)
        event()
        for future in futures:
            future.result()
    return beacons, statuses


def check_kill_a(stack: Stack, stories: list[int], story_paths: list[str], seconds: float) -> None:
    flush(stack)
    before = counts(stories)
    nginx = [(stack.ports["nginx"], True)]
    beacons, statuses = load(
        stack,
        seconds=seconds,
        servers=nginx,
        stories=stories,
        paths=["/", "/news/", *story_paths],
        event_at=seconds / 3,
        event=lambda: stack.kill("A", sig=9),
    )
    ok, detail = exact(stack, before, beacons)
    pages_ok = set(statuses) == {200}
    unanswered = sum(1 for s in beacons.failures if s != 204)
    report(
        "4 kill -9 A under load through nginx",
        ok and pages_ok,
        f"pages {statuses}; {detail}; beacon attempts refused at the kill and sent again by "
        f"their readers: {unanswered}",
    )


def check_schedule(stack: Stack) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article

    title = f"Жоспарланған жаңалық {uuid.uuid4().hex[:8]}"
    servers = {
        "A": Http(stack.ports["A"]),
        "B": Http(stack.ports["B"]),
        "nginx": Http(stack.ports["nginx"], tls=True),
    }
    for http in servers.values():
        http.get("/news/")
    when = timezone.now() + timedelta(seconds=3)
    Article.objects.create(
        title=title,
        lead="Уақытында шығады",
        body="<p>Жоспар бойынша.</p>",
        status=Article.Status.PUBLISHED,
        published_at=when,
    )
    early = [name for name, http in servers.items() if title in http.get("/news/").text]
    live_at = time.monotonic() + (when - timezone.now()).total_seconds()
    seen: dict[str, float] = {}

    def all_seen() -> bool:
        for name, http in servers.items():
            if name not in seen and title in http.get("/news/").text:
                seen[name] = time.monotonic() - live_at
        return len(seen) == len(servers)

    poll(all_seen, timeout=15)
    ok = not early and len(seen) == 3 and max(seen.values()) <= FRESH_WITHIN
    report(
        "5 scheduled story live on A, B and nginx",
        ok,
        ", ".join(f"{k} +{v:.2f}s" for k, v in seen.items())
        + (f"; shown early on {early}" if early else "")
        + " after its publish time (worker task at the time, no cron)",
    )


def check_cache_flush(stack: Stack, stories: list[int], story_paths, seconds: float) -> None:
    import redis

    cache = redis.Redis(port=stack.ports["redis_cache"])
    buffered = redis.Redis(port=stack.ports["redis_buffer"])
    flush(stack)
    before = counts(stories)
    info: dict = {}

    def empty_the_cache() -> None:
        info["cache_keys"] = cache.dbsize()
        info["buffer_keys"] = buffered.dbsize()
        cache.flushdb()
        info["buffer_after"] = buffered.dbsize()

    beacons, statuses = load(
        stack,
        seconds=seconds,
        servers=[(stack.ports["A"], False), (stack.ports["B"], False)],
        stories=stories,
        paths=["/", "/news/", *story_paths],
        event_at=seconds / 2,
        event=empty_the_cache,
    )
    ok, detail = exact(stack, before, beacons)
    pages_ok = set(statuses) == {200}
    report(
        "6 cache Redis FLUSHDB under load",
        ok and pages_ok and not beacons.failures,
        f"pages {statuses}; {detail}; cache keys dropped {info.get('cache_keys')}, buffer "
        f"keys {info.get('buffer_keys')} -> {info.get('buffer_after')} (its own server)",
    )


def check_backup_restore(stack: Stack) -> None:
    from articles.models import Article

    flush(stack)
    started = time.monotonic()
    backup = subprocess.run(
        ["deploy/backup.sh", str(stack.folder / "backup")],
        cwd=ROOT,
        env=stack.env(PYTHON=sys.executable),
        capture_output=True,
        text=True,
    )
    if backup.returncode != 0:
        report("7 backup and restore", False, f"backup.sh failed: {backup.stderr[-500:]}")
        return
    folder = backup.stdout.strip().splitlines()[-1]
    restored_url = stack.start_postgres_database(stack.database + "_restored")
    restored_bucket = stack.bucket + "-restored"
    restore_env = stack.env(
        DATABASE_URL=restored_url, AWS_STORAGE_BUCKET_NAME=restored_bucket, PYTHON=sys.executable
    )
    restore = subprocess.run(
        ["deploy/restore.sh", folder], cwd=ROOT, env=restore_env, capture_output=True, text=True
    )
    if restore.returncode != 0:
        report("7 backup and restore", False, f"restore.sh failed: {restore.stderr[-500:]}")
        return
    restore_seconds = time.monotonic() - started
    cache_db = f"redis://127.0.0.1:{stack.ports['redis_cache']}/1"
    stack.start_app(
        "C",
        env_overrides={
            "DATABASE_URL": restored_url,
            "AWS_STORAGE_BUCKET_NAME": restored_bucket,
            "REDIS_URL": cache_db,
            "PAGEVIEWS_REDIS_URL": f"redis://127.0.0.1:{stack.ports['redis_buffer']}/1",
        },
    )
    published = "status = 'published' AND published_at <= now()"
    query = (
        "SELECT id, title, cover_image, cover_rendition_widths, view_count "
        f"FROM articles_article WHERE {published} ORDER BY id"
    )
    original_rows = psql(stack.env()["DATABASE_URL"], query)
    restored_rows = psql(restored_url, query)
    s3 = stack.s3_client()

    def keys(bucket):
        listing = s3.list_objects_v2(Bucket=bucket)
        return {item["Key"]: item["Size"] for item in listing.get("Contents", [])}

    same_media = keys(stack.bucket) == keys(restored_bucket)
    c = Http(stack.ports["C"])
    pages_ok = True
    photos = 0
    for article in Article.objects.published().exclude(cover_image="")[:5]:
        page = c.get(article.get_absolute_url())
        # The page links a rendition when there are some, else the original.
        name = (article.cover_renditions or [{"url": article.cover_image.url}])[-1]["url"]
        url = f"/{restored_bucket}/{name.split(f'/{stack.bucket}/', 1)[1]}"
        photo = Http(stack.ports["s3"]).get(url)
        original = s3.get_object(Bucket=stack.bucket, Key=url.split("/", 2)[2])["Body"].read()
        pages_ok &= page.status == 200 and article.title in page.text and url in page.text
        pages_ok &= photo.status == 200 and photo.body == original
        photos += 1
    news_ok = all(
        a.title in c.get("/news/").text
        for a in Article.objects.published().order_by("-published_at")[:5]
    )
    ok = original_rows == restored_rows and same_media and pages_ok and news_ok and photos > 0
    report(
        "7 backup, restore into a fresh database and bucket",
        ok,
        f"{len(original_rows.splitlines())} published stories identical: "
        f"{original_rows == restored_rows}; {len(keys(restored_bucket))} media objects identical: "
        f"{same_media}; third gunicorn serves stories and {photos} photos from the copy: "
        f"{pages_ok and news_ok}; backup+restore {restore_seconds:.1f}s",
    )


# --- capacity figures ---------------------------------------------------------------------------

WRK_BEACON = """
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"
local ids = {%s}
request = function()
  local id = string.format("%%08x-%%04x-4%%03x-8%%03x-%%012x", math.random(0, 0xffffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff),
    math.random(0, 0xffffffffffff))
  return wrk.format(nil, "/pageviews/" .. ids[math.random(#ids)] .. "/", nil, id)
end
"""

WRK_COLD = """
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%s?cold=" .. math.random(1, 1000000000) .. n)
end
"""


def wrk(url: str, seconds: int = 5, script: str | None = None, connections: int = 16) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    path = None
    if script:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
            path = handle.name
        command += ["-s", path]
    try:
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    finally:
        if path:
            os.unlink(path)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(match):
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": rps,
        "p50_ms": ms(p50),
        "p99_ms": ms(p99),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def measure(stack: Stack, story_path: str, stories: list[int]) -> dict:
    import redis

    nginx = f"https://127.0.0.1:{stack.ports['nginx']}"
    app = f"http://127.0.0.1:{stack.ports['B']}"
    page = Http(stack.ports["B"]).get(story_path)
    figures = {
        "page_bytes": len(page.body),
        "nginx_micro_cache": wrk(nginx + story_path),
        "app_page_cache": wrk(app + story_path),
        "cold": wrk(app + story_path, script=WRK_COLD % story_path),
        "beacon": wrk(app + "/", script=WRK_BEACON % ", ".join(map(str, stories))),
    }
    flush(stack)
    for role in ("cache", "buffer"):
        info = redis.Redis(port=stack.ports[f"redis_{role}"]).info("memory")
        figures[f"redis_{role}_used_bytes"] = info["used_memory"]
    figures["redis_cache_keys"] = redis.Redis(port=stack.ports["redis_cache"]).dbsize()
    # Per-reader dedupe marks live 30 minutes: this is what sizes the buffer Redis.
    figures["redis_buffer_keys"] = redis.Redis(port=stack.ports["redis_buffer"]).dbsize()
    for name, value in figures.items():
        print(f"MEASURE {name}: {json.dumps(value)}", flush=True)
    return figures


# --- main ---------------------------------------------------------------------------------------


def seed(count: int) -> tuple[list[int], list[str]]:
    from datetime import timedelta

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from articles.models import Article
    from regions.models import Region

    editor = User.objects.create_user(EDITOR, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    region = Region.objects.order_by("position").first()
    now = timezone.now()
    stories = [
        Article.objects.create(
            title=f"Өңір жаңалығы {i + 1}",
            lead=f"Қысқаша {i + 1}",
            body="<p>" + "Мәтін. " * 300 + "</p>",
            region=region,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
        )
        for i in range(count)
    ]
    return [s.pk for s in stories], [s.get_absolute_url() for s in stories]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter load, no measurements")
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--deadline", type=int, default=300, help="seconds before giving up")
    args = parser.parse_args()
    exit_on_sigterm(deadline=args.deadline)
    load_seconds = 4 if args.quick else 8
    began = time.monotonic()
    stack = Stack("portal_cluster", pageviews_rate="100000r/s")
    try:
        log(f"starting in {stack.folder}")
        stack.start_redis("cache")
        stack.start_redis("buffer")
        stack.start_s3()
        stack.create_bucket(stack.bucket)
        stack.prepare_site()
        django_setup(stack)
        stories, story_paths = seed(12)
        a = stack.start_app("A")
        b = stack.start_app("B")
        stack.start_worker()
        stack.start_nginx([a, b])
        print(
            f"stack up in {time.monotonic() - began:.0f}s: A :{a}, B :{b}, "
            f"nginx :{stack.ports['nginx']}, PostgreSQL {stack.database}, Redis cache "
            f":{stack.ports['redis_cache']} and buffer :{stack.ports['redis_buffer']}, "
            f"SeaweedFS :{stack.ports['s3']}",
            flush=True,
        )
        newsroom = Newsroom(a)
        newsroom.login()
        check_publish(stack, newsroom)
        check_cover(stack, newsroom)
        check_readers(stack, stories, args.readers)
        check_kill_a(stack, stories, story_paths, load_seconds)
        stack.start_app("A", port=a)
        check_schedule(stack)
        check_cache_flush(stack, stories, story_paths, load_seconds)
        check_backup_restore(stack)
        if not args.quick:
            measure(stack, story_paths[0], stories)
    except Exception as error:
        import traceback

        traceback.print_exc()
        report("run", False, f"stopped by {type(error).__name__}: {error}")
    finally:
        stack.close()
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(
        f"{len(RESULTS) - len(failed)} passed, {len(failed)} failed in "
        f"{time.monotonic() - began:.0f}s",
        flush=True,
    )
    return 1 if failed or not RESULTS else 0


if __name__ == "__main__":
    sys.exit(main())
