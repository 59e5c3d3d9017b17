"""seed_demo shows the photo library: inline photos, a gallery, a YouTube and a Telegram embed."""

import pytest
from django.core.management import call_command

from articles.models import Article
from photos.models import Photo
from portal.management.demo_data import LIBRARY_PHOTOS, MEDIA_STORIES

pytestmark = pytest.mark.django_db


def test_demo_photos_and_media_stories_are_made_once(client, media_root, settings):
    settings.DEBUG = True  # seed_demo refuses production settings
    call_command("seed_demo", articles=0, verbosity=0)
    call_command("seed_demo", articles=0, verbosity=0)

    assert Photo.objects.count() == len(LIBRARY_PHOTOS)
    photo = Photo.objects.get(alt=LIBRARY_PHOTOS[0][0])
    assert photo.caption and photo.credit and photo.uploaded_by.username == "editor"
    assert photo.image.storage.exists(photo.image.name)

    pages = {}
    for kind, (title, *_rest) in MEDIA_STORIES.items():
        story = Article.objects.get(title=title)
        assert story.is_published()
        pages[kind] = client.get(story.get_absolute_url()).content.decode()
    assert pages["photos"].count('class="story-photo"') == 2
    assert "data-gallery" in pages["gallery"] and pages["gallery"].count("<figure") == 4
    assert 'data-embed-provider="youtube"' in pages["youtube"]
    assert 'data-embed-provider="telegram"' in pages["telegram"]
    assert Article.objects.get(title=MEDIA_STORIES["gallery"][0]).photo_uses.count() == 4
