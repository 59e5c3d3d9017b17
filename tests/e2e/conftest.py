"""Browser tests in the system's headless Chromium, never a downloaded browser.

Without /usr/bin/chromium they are skipped with the reason, unless REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure: a browser test must never pass by not running.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# tests themselves are still synchronous and safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if _required():
            pytest.fail("REQUIRE_BROWSER=1 but " + message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ")
    # Nothing may load from outside the site: fail loudly if a page tries.
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url)
            or route.request.url.startswith("data:")
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not outside, f"pages loaded outside resources: {outside}"
