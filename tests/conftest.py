import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from core import memo
from tests.factories import make_user
from tests.helpers.environment import required


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.forget_all()  # cards hold media URLs, which some tests point elsewhere
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Skip PostgreSQL tests on SQLite, loudly, and fail them where CI demands PostgreSQL."""
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        if required("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


# --- Newsroom people ------------------------------------------------------------------------
@pytest.fixture
def editor(db):
    return make_user("Editor", first_name="Айгүл", last_name="Редактор")


@pytest.fixture
def journalist(db):
    return make_user("Journalist", first_name="Ермек", last_name="Сахариев")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def journalist_client(client, journalist):
    client.force_login(journalist)
    return client


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- Browser tests ------------------------------------------------------------------------
# One headless Chromium for the whole run: Playwright's sync API allows one instance per
# thread, so every browser test (tests/e2e and the beacon test) shares this fixture. It is
# the system's Chromium, never a downloaded browser; without it the tests are skipped with
# the reason, unless REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if required("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER=1 but " + message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # themselves are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
