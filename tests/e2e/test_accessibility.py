import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_reading import site  # noqa: F401  (the shared demo site fixture)

pytestmark = pytest.mark.e2e


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_home_article_and_list_pages_have_no_serious_accessibility_violation(page, site, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    pages = [
        "/", site[0].get_absolute_url(), "/news/", "/regions/", "/regions/almaty/", "/top/",
        "/tags/qogam/", "/authors/ermek-sakhariev/", "/authors/", "/no-such-page/",
    ]  # fmt: skip
    for url in pages:
        page.goto(url)
        assert serious_violations(page) == [], url
