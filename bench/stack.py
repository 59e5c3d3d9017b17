"""A production-shaped stack on loopback, for bench/cluster.py and bench/nginx.py.

PostgreSQL (a fresh database on the server at 127.0.0.1:5432), two Redis servers of our own
(the cache, and the read-count buffer as docs/deploy.md configures them), SeaweedFS (`weed`,
an S3 server), gunicorn app servers each with its own temporary and media folders (media go
to one shared bucket), the task worker (`manage.py db_worker`) and nginx with
deploy/nginx/portal.conf rendered onto loopback ports and a temporary prefix.

Every process runs in a session of its own and is killed with its whole group on exit; the
databases and the temporary folder are dropped. Nothing listens beyond 127.0.0.1.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
NGINX_CONF = ROOT / "deploy" / "nginx" / "portal.conf"
PG_ADMIN_URL = os.environ.get("CLUSTER_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
S3_KEY, S3_SECRET = "portal-cluster", "portal-cluster-secret-key"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout:.0f} s")


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-X", "-q", "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def database_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


# --- HTTP ---------------------------------------------------------------------------------

UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE


class Response:
    def __init__(self, status: int, headers: dict, body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Http:
    """One keep-alive connection to one server, with a cookie jar (http.client, no deps)."""

    def __init__(self, port: int, *, tls: bool = False, timeout: float = 20):
        self.port, self.tls, self.timeout = port, tls, timeout
        self.cookies: dict[str, str] = {}
        self.connection = None

    def _connect(self):
        if self.tls:
            return http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=self.timeout, context=UNVERIFIED
            )
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def request(self, method, path, body=None, headers=None) -> Response:
        headers = {"User-Agent": BROWSER, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = self._connect()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                data = raw.read()
                break
            except (http.client.HTTPException, OSError):
                self.close()
                # A kept-alive connection the server closed meanwhile; a fresh one once.
                if attempt == 2 or method == "POST":
                    raise
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val and "max-age=0" not in value.lower():
                    self.cookies[key.strip()] = val.strip()
                else:
                    self.cookies.pop(key.strip(), None)
        headers_out = {k.lower(): v for k, v in raw.getheaders()}
        return Response(raw.status, headers_out, data, time.monotonic() - started)

    def get(self, path, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----portalcluster" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the stack ----------------------------------------------------------------------------


class Stack:
    def __init__(
        self, name: str = "portal_cluster", *, pageviews_rate: str = "20r/s", tasks="database"
    ):
        self.tag = f"{os.getpid()}"
        self.database = f"{name}_{self.tag}"
        self.databases: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="portal-cluster-"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.bucket = f"portal-cluster-{self.tag}"
        self.pageviews_rate = pageviews_rate
        self.tasks = tasks
        self.weed_ports: list[int] = []

    # environment shared by every Django process
    def env(self, **overrides) -> dict:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "DEBUG": "0",
            "SECRET_KEY": "cluster-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_PROXY_SSL_HEADER": "1",
            "PAGEVIEWS_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "SILENCED_SYSTEM_CHECKS": "",
            "DATABASE_URL": database_url(self.database),
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis_cache']}/0",
            "PAGEVIEWS_REDIS_URL": f"redis://127.0.0.1:{self.ports['redis_buffer']}/0",
            "TASKS_BACKEND": self.tasks,
            "STATIC_ROOT": str(self.folder / "static"),
            "MEDIA_ROOT": str(self.folder / "media"),
            "TMPDIR": str(self.folder / "tmp"),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "LOG_LEVEL": "ERROR",
            "GUNICORN_LOG_LEVEL": "warning",
            "PYTHONUNBUFFERED": "1",
        }
        if "s3" in self.ports:
            env.update(
                {
                    "AWS_STORAGE_BUCKET_NAME": self.bucket,
                    "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['s3']}",
                    "AWS_ACCESS_KEY_ID": S3_KEY,
                    "AWS_SECRET_ACCESS_KEY": S3_SECRET,
                    "AWS_S3_REGION_NAME": "us-east-1",
                    "AWS_S3_ADDRESSING_STYLE": "path",
                    "AWS_S3_URL_PROTOCOL": "http",
                }
            )
        env.update(overrides)
        Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
        return env

    def spawn(self, name: str, command: list[str], *, env=None, cwd=None) -> subprocess.Popen:
        log_file = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=cwd or ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def kill(self, name: str, sig=signal.SIGTERM, *, wait: float = 10) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def manage(self, *command: str, env=None, check=True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env or self.env(),
            capture_output=True,
            text=True,
            check=check,
        )

    # --- services ---
    def start_postgres_database(self, name: str | None = None) -> str:
        name = name or self.database
        psql(PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(PG_ADMIN_URL, f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        self.databases.append(name)
        return database_url(name)

    def start_redis(self, role: str) -> None:
        port = free_ports(1)[0]
        folder = self.folder / f"redis-{role}"
        folder.mkdir()
        if role == "cache":
            persistence = ["--save", "", "--appendonly", "no", "--maxmemory", "256mb",
                           "--maxmemory-policy", "allkeys-lru"]  # fmt: skip
        else:
            persistence = ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
                           "--maxmemory", "128mb", "--maxmemory-policy", "noeviction"]  # fmt: skip
        process = self.spawn(
            f"redis-{role}",
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
             *persistence],
        )  # fmt: skip
        wait_for_port(port, process, f"redis {role}")
        self.ports[f"redis_{role}"] = port

    def start_s3(self) -> None:
        weed = Path(PYTHON).with_name("weed")
        weed = str(weed) if weed.exists() else shutil.which("weed")
        if not weed:
            raise RuntimeError("weed (SeaweedFS) not found: make install-dev")
        folder = self.folder / "seaweedfs"
        (folder / "data").mkdir(parents=True)
        config = folder / "s3.json"
        identity = {
            "name": "portal",
            "credentials": [{"accessKey": S3_KEY, "secretKey": S3_SECRET}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        ports = free_ports(8)
        self.weed_ports = ports
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
        process = self.spawn(
            "weed",
            [weed, "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
             f"-master.port={master}", f"-master.port.grpc={master_grpc}",
             "-master.volumeSizeLimitMB=64", "-master.telemetry=false",
             f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=100",
             "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
             f"-filer.localSocket={folder / 'filer.sock'}",
             "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0",
             "-s3.port.lance=0", f"-s3.localSocket={folder / 's3.sock'}",
             f"-s3.config={config}"],
            cwd=folder,
        )  # fmt: skip
        self.ports["s3"] = s3
        wait_for_port(s3, process, "SeaweedFS S3", timeout=90)

    def s3_client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.ports['s3']}",
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        )

    def create_bucket(self, bucket: str) -> None:
        # deploy/s3sync.py creates it as a release would (public reads by bucket policy); the
        # S3 port answers before a volume server has joined, hence the retries.
        deadline = time.monotonic() + 60
        while True:
            result = subprocess.run(
                [PYTHON, "deploy/s3sync.py", "create-bucket"],
                cwd=ROOT,
                env=self.env(AWS_STORAGE_BUCKET_NAME=bucket),
                capture_output=True,
                text=True,
            )
            if result.returncode == 0:
                try:
                    self.s3_client().put_object(Bucket=bucket, Key="probe", Body=b"ok")
                    self.s3_client().delete_object(Bucket=bucket, Key="probe")
                    return
                except Exception as error:
                    result = error
            if time.monotonic() > deadline:
                raise RuntimeError(f"bucket {bucket} could not be created: {result}")
            time.sleep(1)

    def start_app(self, name: str, *, port: int = 0, workers: int = 2, env_overrides=None) -> int:
        port = port or free_ports(1)[0]
        own = self.folder / name
        env = self.env(
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            TMPDIR=str(own / "tmp"),
            MEDIA_ROOT=str(own / "media"),
            **(env_overrides or {}),
        )
        process = self.spawn(
            name, [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"], env=env
        )
        wait_for_port(port, process, f"gunicorn {name}")
        self.ports[name] = port
        # Preloaded app, so the port answers when the workers are ready to serve.
        http = Http(port)
        deadline = time.monotonic() + 60
        while http.get("/health/").status != 200:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} is not healthy")
            time.sleep(0.2)
        http.close()
        return port

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        return self.spawn(
            name,
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2", "--no-reload",
             "--no-startup-delay", "-v0"],
            env=self.env(TMPDIR=str(self.folder / "worker-tmp")),
        )  # fmt: skip

    def start_nginx(self, upstreams: list[int]) -> None:
        prefix = self.folder / "nginx"
        for sub in ("cache", "srv/staticfiles", "www", "temp"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-keyout", str(prefix / "key.pem"),
             "-out", str(prefix / "cert.pem")],
            check=True,
            capture_output=True,
        )  # fmt: skip
        http_port, https_port = free_ports(2)
        text = NGINX_CONF.read_text()

        def replace(old: str, new: str) -> None:
            nonlocal text
            if old not in text:
                raise RuntimeError(f"portal.conf no longer contains {old!r}: update bench/stack.py")
            text = text.replace(old, new)

        replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        replace("listen [::]:80;\n", "")
        replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        replace("listen [::]:443 ssl http2;\n", "")
        replace("server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} ")
        replace("server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} ")
        replace("/var/cache/nginx/portal", str(prefix / "cache"))
        replace("/srv/portal/", f"{prefix}/srv/")
        replace("/var/www/letsencrypt", str(prefix / "www"))
        live = "/etc/letsencrypt/live/news.example.kz"
        replace(f"{live}/fullchain.pem", f"{prefix}/cert.pem")
        replace(f"{live}/privkey.pem", f"{prefix}/key.pem")
        # One load generator on one address stands in for thousands of readers: the
        # per-address beacon limit would refuse it (it is tested in tests/deploy).
        replace(
            "zone=portal_pageviews:10m rate=20r/s",
            f"zone=portal_pageviews:10m rate={self.pageviews_rate}",
        )
        (prefix / "portal.conf").write_text(text)
        mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        user = "user root;" if os.getuid() == 0 else ""
        main = prefix / "nginx.conf"
        main.write_text(
            f"""
            {user}
            worker_processes 1;
            pid {prefix}/nginx.pid;
            error_log {prefix}/error.log;
            events {{ worker_connections 1024; }}
            http {{
                {mime}
                access_log off;
                client_body_temp_path {prefix}/temp/body;
                proxy_temp_path {prefix}/temp/proxy;
                fastcgi_temp_path {prefix}/temp/fastcgi;
                uwsgi_temp_path {prefix}/temp/uwsgi;
                scgi_temp_path {prefix}/temp/scgi;
                include {prefix}/portal.conf;
            }}
            """
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        process = self.spawn(
            "nginx",
            [nginx, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(main),
             "-g", "daemon off;"],
        )  # fmt: skip
        wait_for_port(https_port, process, "nginx")
        self.ports["nginx"] = https_port
        self.ports["nginx_http"] = http_port
        self.nginx_static = prefix / "srv" / "staticfiles"

    def prepare_site(self) -> None:
        """A fresh database, migrated; static files collected (whitenoise serves them)."""
        self.start_postgres_database()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    def close(self) -> None:
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 5
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=10)
        for name in self.databases:
            try:
                psql(PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except subprocess.CalledProcessError as error:
                log(f"could not drop database {name}: {error.stderr}")
        # weed puts gRPC sockets in /tmp whatever -dir says; they are named by port.
        for port in self.weed_ports:
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)
        if os.environ.get("CLUSTER_KEEP_LOGS"):
            log(f"logs kept in {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def exit_on_sigterm(*, deadline: int = 0) -> None:
    """SIGTERM, and ``deadline`` seconds passing, unwind like Ctrl-C, so the finally blocks
    stop every process whatever hangs."""

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    def too_long(signum, frame):
        raise TimeoutError(f"the run took longer than {deadline} s")

    signal.signal(signal.SIGTERM, stop)
    if deadline:
        signal.signal(signal.SIGALRM, too_long)
        signal.alarm(deadline)
