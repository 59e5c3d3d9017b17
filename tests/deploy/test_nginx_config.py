"""deploy/nginx/portal.conf parses, and behaves as docs/deploy.md says, on real nginx.

The config is rendered onto loopback ports and a temporary prefix (nothing of the machine's
own nginx is touched) and put in front of two tiny stand-in app servers, one of them dead.
Skipped without nginx unless REQUIRE_NGINX=1 (CI), where that is a failure.
"""

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.stack import free_ports  # the one loopback port finder (benchmarks too)
from tests.helpers.environment import required

ROOT = Path(__file__).resolve().parent.parent.parent
CONF = ROOT / "deploy" / "nginx" / "portal.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def replace(text: str, old: str, new: str) -> str:
    assert old in text, f"portal.conf no longer contains {old!r}; update the test's renderer"
    return text.replace(old, new)


def render(prefix: Path, *, http_port, https_port, upstreams) -> Path:
    """portal.conf on loopback ports and paths under ``prefix``, inside a minimal nginx.conf."""
    for folder in ("cache", "srv/staticfiles", "www", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    (prefix / "srv/staticfiles/site.css").write_text("body{}")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-keyout", str(prefix / "key.pem"),
            "-out", str(prefix / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    text = CONF.read_text()
    text = replace(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = replace(text, "listen [::]:80;\n", "")
    text = replace(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = replace(text, "listen [::]:443 ssl http2;\n", "")
    text = replace(text, "server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} ")
    text = replace(text, "server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} ")
    text = replace(text, "/var/cache/nginx/portal", str(prefix / "cache"))
    text = replace(text, "/srv/portal/", f"{prefix}/srv/")
    text = replace(text, "/var/www/letsencrypt", str(prefix / "www"))
    live = "/etc/letsencrypt/live/news.example.kz"
    text = replace(text, f"{live}/fullchain.pem", f"{prefix}/cert.pem")
    text = replace(text, f"{live}/privkey.pem", f"{prefix}/key.pem")
    (prefix / "portal.conf").write_text(text)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    main = prefix / "nginx.conf"
    main.write_text(
        f"""
        # Root's pytest folders are private; workers must read and write them.
        user root;
        worker_processes 1;
        pid {prefix}/nginx.pid;
        error_log {prefix}/error.log;
        events {{ worker_connections 64; }}
        http {{
            {mime}
            access_log {prefix}/access.log;
            client_body_temp_path {prefix}/temp/body;
            proxy_temp_path {prefix}/temp/proxy;
            fastcgi_temp_path {prefix}/temp/fastcgi;
            uwsgi_temp_path {prefix}/temp/uwsgi;
            scgi_temp_path {prefix}/temp/scgi;
            include {prefix}/portal.conf;
        }}
        """
    )
    return main


@pytest.fixture(scope="module")
def nginx():
    if NGINX is None or shutil.which("openssl") is None:
        message = "the nginx config tests need nginx and openssl (apt-get install nginx-light)"
        if required("REQUIRE_NGINX"):
            pytest.fail("REQUIRE_NGINX=1 but " + message)
        pytest.skip(message)
    return NGINX


def test_the_config_parses(nginx, tmp_path):
    main = render(tmp_path, http_port=8080, https_port=8443, upstreams=(8001, 8002))

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class App(BaseHTTPRequestHandler):
    """A stand-in app server: says what it received and how often it was asked."""

    hits: dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self):
        with self.lock:
            self.hits[self.path] = self.hits.get(self.path, 0) + 1
            count = self.hits[self.path]
        body = json.dumps(
            {
                "count": count,
                "cookie": self.headers.get("Cookie", ""),
                "forwarded_for": self.headers.get("X-Forwarded-For", ""),
                "real_ip": self.headers.get("X-Real-IP", ""),
                "proto": self.headers.get("X-Forwarded-Proto", ""),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Cookie")
        if self.path.startswith("/media/"):
            # What portal.views.media sends (SERVE_MEDIA=1).
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        elif self.path.startswith("/private/"):
            self.send_header("Cache-Control", "private, no-cache")
        elif not self.path.startswith("/nolifetime/"):
            # What the page cache middleware sends an anonymous reader.
            self.send_header("Cache-Control", "max-age=15, public, s-maxage=30")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def proxy(nginx, tmp_path_factory):
    prefix = tmp_path_factory.mktemp("nginx")
    dead, live, http_port, https_port = free_ports(4)
    app = ThreadingHTTPServer(("127.0.0.1", live), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    main = render(prefix, http_port=http_port, https_port=https_port, upstreams=(dead, live))
    process = subprocess.Popen(
        [nginx, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(main),
         "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield {"http": http_port, "https": https_port}
    finally:
        process.terminate()
        process.wait(timeout=10)
        app.shutdown()
        app.server_close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE
OPENER = urllib.request.build_opener(urllib.request.HTTPSHandler(context=UNVERIFIED), NoRedirect())


def get(proxy, path, *, cookie="", headers=None, scheme="https"):
    port = proxy[scheme]
    request = urllib.request.Request(f"{scheme}://127.0.0.1:{port}{path}", headers=headers or {})
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with OPENER.open(request, timeout=10) as response:
            body = response.read()
            return response.status, response.headers, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, error.headers, None


def test_plain_http_redirects_to_https(proxy):
    status, headers, _ = get(proxy, "/news/?page=2", scheme="http")

    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/news/?page=2"


def test_a_dead_app_server_is_skipped(proxy):
    # Round robin sends every other request to the dead server first; none may fail.
    statuses = [get(proxy, f"/failover/{i}/")[0] for i in range(6)]

    assert statuses == [200] * 6


def test_pages_are_cached_per_language_only(proxy):
    first = get(proxy, "/news/", cookie="pv_reader=a")
    again = get(proxy, "/news/", cookie="pv_reader=b; other=1")
    russian = get(proxy, "/news/", cookie="django_language=ru; pv_reader=a")
    by_header = get(proxy, "/news/", headers={"X-Requested-With": "XMLHttpRequest"})
    partial = get(proxy, "/news/?partial=1")

    assert first[1]["X-Cache-Status"] == "MISS"
    assert again[1]["X-Cache-Status"] == "HIT", "other cookies must not split the cache"
    assert again[2]["count"] == 1
    assert russian[1]["X-Cache-Status"] == "MISS"
    assert by_header[1]["X-Cache-Status"] == "HIT", "a header never makes another page"
    assert partial[1]["X-Cache-Status"] == "MISS"
    assert partial[2]["count"] == 1  # its own page, rendered once


def test_the_micro_cache_keeps_a_page_one_second_and_passes_s_maxage_on(proxy):
    first = get(proxy, "/micro/")
    again = get(proxy, "/micro/")
    # nginx counts lifetimes in whole seconds: "1s" is one to two seconds.
    time.sleep(2.1)
    later = get(proxy, "/micro/")

    assert (first[2]["count"], again[2]["count"]) == (1, 1)
    assert later[2]["count"] == 2
    assert "s-maxage=30" in again[1]["Cache-Control"]


def test_media_from_the_app_are_kept_past_the_pages_second(proxy):
    first = get(proxy, "/media/covers/a.jpg")
    time.sleep(2.1)
    later = get(proxy, "/media/covers/a.jpg")

    assert (first[2]["count"], later[2]["count"]) == (1, 1)
    assert later[1]["X-Cache-Status"] == "HIT"


def test_staff_sessions_bypass_the_cache(proxy):
    get(proxy, "/staff/")
    status, headers, body = get(proxy, "/staff/", cookie="sessionid=abc")

    assert headers["X-Cache-Status"] == "BYPASS"
    assert body["count"] == 2


@pytest.mark.parametrize("path", ["/pageviews/7/", "/admin/articles/", "/private/", "/nolifetime/"])
def test_never_cached(proxy, path):
    counts = [get(proxy, path)[2]["count"] for _ in range(3)]

    assert counts == [1, 2, 3]


def test_the_app_learns_the_client_address_and_scheme(proxy):
    _status, _headers, body = get(proxy, "/whoami/", headers={"X-Forwarded-For": "6.6.6.6"})

    # The app's PAGEVIEWS_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR reads the last entry: the
    # address nginx saw, not what the client claimed.
    assert body["forwarded_for"].split(",")[-1].strip() == "127.0.0.1"
    assert body["real_ip"] == "127.0.0.1"
    assert body["proto"] == "https"


def test_login_attempts_are_rate_limited(proxy):
    statuses = [get(proxy, "/admin/login/")[0] for _ in range(15)]

    assert statuses[:11] == [200] * 11  # the burst
    assert 429 in statuses[11:]


def test_static_files_are_served_from_disk_for_a_year(proxy):
    request = urllib.request.Request(f"https://127.0.0.1:{proxy['https']}/static/site.css")
    with OPENER.open(request, timeout=10) as response:
        assert response.read() == b"body{}"
        assert "max-age=31536000" in response.headers["Cache-Control"]
