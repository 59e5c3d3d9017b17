"""A story with inline photos, a gallery and two embeds, as a reader's browser gets it."""

import pytest

from tests.e2e.test_accessibility import serious_violations
from tests.factories import make_article
from tests.media.helpers import make_photo

pytestmark = pytest.mark.e2e


@pytest.fixture
def media_story(media_root):
    photos = [make_photo(caption=f"Суреттің жазуы {i}", alt=f"Ауыл көрінісі {i}") for i in range(4)]
    body = (
        f'<p>Кіріспе.</p><figure data-photo="{photos[0].pk}"></figure><p>Жалғасы.</p>'
        f'<figure data-gallery="{photos[1].pk},{photos[2].pk},{photos[3].pk}"></figure>'
        '<figure data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'
        '<figure data-embed="https://t.me/durov/142"></figure><p>Соңы.</p>'
    )
    return make_article(title="Суреттері бар жаңалық", body=body, region=None)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_story_with_photos_gallery_and_embeds_has_no_serious_violation(page, media_story, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(media_story.get_absolute_url())
    page.wait_for_load_state("networkidle")

    assert page.locator("[data-story-body] figure img").count() == 4
    assert page.locator("iframe").count() == 0  # nothing from YouTube or Telegram yet
    assert serious_violations(page) == []
    # The page fixture fails the test if anything was requested from another host.
