"""Browser tests: a page in a fresh context of the shared headless Chromium (tests/conftest.py)."""

import pytest


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
