import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_reading import site  # noqa: F401  (the shared demo site fixture)

pytestmark = pytest.mark.e2e

# Off in axe's default run (experimental), and what a screen-reader user who speaks the
# visible words to voice control needs: the accessible name contains the visible text.
RULE = "label-content-name-mismatch"


@pytest.mark.parametrize("width", [390, 1280])
def test_links_and_buttons_are_named_by_their_visible_words(page, site, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    for url in ("/", site[0].get_absolute_url(), "/news/"):
        page.goto(url)
        results = Axe().run(page, options={"runOnly": {"type": "rule", "values": [RULE]}})
        assert results.response["violations"] == [], url
