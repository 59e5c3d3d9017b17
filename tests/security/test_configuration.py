"""DEBUG is off unless asked for, and secrets inside URLs never reach an error page."""

import sys

from django.test import RequestFactory
from django.views.debug import technical_500_response

from tests.test_settings import PRODUCTION, run, settings_of


def test_debug_is_off_when_the_environment_says_nothing(tmp_path):
    values = settings_of(tmp_path, ["DEBUG"], SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert values["DEBUG"] is False


def test_without_debug_or_secret_key_the_start_stops_with_a_clear_message(tmp_path):
    result = run(["manage.py", "check"], {}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_1_is_the_development_set_up_with_no_secret_key(tmp_path):
    values = settings_of(tmp_path, ["DEBUG", "SECRET_KEY"], DEBUG="1")
    assert values["DEBUG"] is True and values["SECRET_KEY"]


def test_make_run_turns_debug_on_for_itself():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "run demo: export DEBUG ?= 1" in makefile


# Built, not written out: the error page shows the source lines around the failing frame.
REDIS_PASSWORD = "redis" + "-s3cret-" + "pw"
DATABASE_PASSWORD = "db" + "-s3cret-" + "pw"
REDIS_URL = f"redis://:{REDIS_PASSWORD}@cache.internal:6379/0"
DATABASE_URL = f"postgres://portal:{DATABASE_PASSWORD}@db.internal:5432/portal"


def test_passwords_inside_urls_are_absent_from_the_debug_error_page(settings):
    settings.DEBUG = True
    settings.REDIS_URL = REDIS_URL
    settings.DATABASE_URL = DATABASE_URL
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
    }
    request = RequestFactory().get("/broken/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = technical_500_response(request, *sys.exc_info())
    page = response.content.decode()
    assert "boom" in page and "REDIS_URL" in page  # the page did render the settings
    assert REDIS_PASSWORD not in page
    assert DATABASE_PASSWORD not in page
    assert "cache.internal:6379" in page  # only the password is hidden, not where it points


def connect_to(url):
    raise ConnectionError("cache unreachable")


def test_a_url_with_a_password_in_a_traceback_variable_is_hidden_too(settings):
    settings.DEBUG = True
    request = RequestFactory().get("/broken/")
    try:
        location = REDIS_URL  # noqa: F841  (a frame variable the error page lists)
        connect_to(REDIS_URL)
    except ConnectionError:
        response = technical_500_response(request, *sys.exc_info())
    page = response.content.decode()
    assert "cache unreachable" in page and "cache.internal:6379" in page
    assert REDIS_PASSWORD not in page
