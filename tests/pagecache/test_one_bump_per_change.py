"""A change moves the content generation once, when readers can see it."""

import pytest
from django.db import transaction

from core import cache as page_cache
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def bumps(monkeypatch):
    """Every move of the content generation, whichever store holds it."""
    moved = []
    monkeypatch.setattr(page_cache, "_touch", lambda path: None)  # the local cache's store
    real_bump = page_cache._bump

    def bump(*keys):
        moved.extend(key for key in keys if key == page_cache.CONTENT_KEY)
        real_bump(*keys)

    monkeypatch.setattr(page_cache, "_bump", bump)
    return moved


def test_a_story_saved_with_bylines_and_tags_moves_the_generation_once(
    bumps, django_capture_on_commit_callbacks
):
    authors = [make_author(), make_author()]
    bumps.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            make_article(authors=authors, tags=["су", "жол", "мектеп"])
        assert bumps == []  # nothing before the commit: readers still see the old rows

    assert len(bumps) == 1
    assert len([c for c in callbacks if isinstance(c, page_cache._PendingBump)]) == 1


def test_a_rolled_back_change_moves_nothing(bumps, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_article(tags=["су"])
            raise RuntimeError("the save failed")

    assert bumps == []


def test_a_change_outside_a_transaction_moves_the_generation_at_once(bumps):
    make_article()

    assert bumps  # each statement commits by itself, so each save bumps when it is made
