"""Production settings come from the environment alone; each case runs in a clean process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "news.example.kz",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.kz",
}


def run(args, env, tmp_path):
    clean = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    clean.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def settings_of(tmp_path, names, **env):
    code = (
        "import json; from portal import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = run(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_check_deploy_without_a_warning(tmp_path):
    # Shared state (portal/checks.py) is part of a warning-free production setup.
    env = {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0", "AWS_STORAGE_BUCKET_NAME": "m"}
    result = run(["manage.py", "check", "--deploy"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_missing_secret_key_with_debug_off_stops_with_a_clear_message(tmp_path):
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = run(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


SWITCHES = ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]


def test_https_switches_are_on_by_default_in_production(tmp_path):
    values = settings_of(tmp_path, [*SWITCHES, "SECURE_HSTS_SECONDS"], **PRODUCTION)
    assert all(values[name] is True for name in SWITCHES)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


@pytest.mark.parametrize("name", SWITCHES)
def test_each_https_switch_can_be_turned_off(tmp_path, name):
    values = settings_of(tmp_path, [*SWITCHES], **PRODUCTION, **{name: "0"})
    assert values[name] is False
    assert all(values[other] is True for other in SWITCHES if other != name)


def test_hsts_can_be_turned_off_for_plain_http_on_loopback(tmp_path):
    values = settings_of(tmp_path, ["SECURE_HSTS_SECONDS"], **PRODUCTION, SECURE_HSTS_SECONDS="0")
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_csrf_trusted_origins_and_hosts_are_comma_separated_lists(tmp_path):
    env = {
        **PRODUCTION,
        "ALLOWED_HOSTS": "a.kz, b.kz",
        "CSRF_TRUSTED_ORIGINS": "https://a.kz,https://b.kz",
    }
    values = settings_of(tmp_path, ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"], **env)
    assert values == {
        "ALLOWED_HOSTS": ["a.kz", "b.kz"],
        "CSRF_TRUSTED_ORIGINS": ["https://a.kz", "https://b.kz"],
    }


def test_sqlite_waits_for_writers_instead_of_failing(tmp_path):
    databases = settings_of(tmp_path, ["DATABASES"], DEBUG="1")["DATABASES"]
    options = databases["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_production_static_files_are_fingerprinted_and_compressed(tmp_path):
    storages = settings_of(tmp_path, ["STORAGES"], **PRODUCTION)["STORAGES"]
    backend = storages["staticfiles"]["BACKEND"]
    assert backend == "portal.storage.StaticFilesStorage"


def test_collectstatic_works_with_no_set_up(tmp_path):
    env = {**PRODUCTION, "STATIC_ROOT": str(tmp_path / "static")}
    result = run(["manage.py", "collectstatic", "--noinput", "-v0"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    assert (tmp_path / "static" / (hashed + ".gz")).exists()


def test_gunicorn_config_accepts_a_long_search_url_and_bounds_memory(tmp_path):
    code = (
        "import runpy, json; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps({k: c[k] for k in ['workers', 'limit_request_line', 'max_requests',"
        " 'max_requests_jitter', 'keepalive', 'bind', 'accesslog']}))"
    )
    result = run(["-c", code], {"WEB_CONCURRENCY": "3", "PORT": "9001"}, tmp_path)
    config = json.loads(result.stdout)
    assert config["workers"] == 3
    assert config["bind"] == "0.0.0.0:9001"
    assert config["limit_request_line"] == 0  # any positive value is capped at 8,190 bytes
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["keepalive"] > 0
    assert config["accesslog"] is None
