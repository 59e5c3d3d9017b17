"""An unpublished story stops being counted and ranked once the unpublish commits.

A read racing the unpublish sees the story still published (the transaction has not
committed) and marks it live; what the save did before the commit cannot undo that.
"""

import pytest

from articles import services
from core import cache
from pageviews import buffer
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_marks(settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # never dialled: the buffer is faked
    marks: set[int] = set()
    monkeypatch.setattr(buffer, "remember_live", marks.add)
    monkeypatch.setattr(buffer, "forget_live", marks.discard)
    return marks


def test_a_live_mark_set_while_the_unpublish_commits_is_dropped_after_commit(
    live_marks, editor, django_capture_on_commit_callbacks
):
    story = make_article()

    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=story, user=editor)
        buffer.remember_live(story.pk)  # the racing reader, before the commit

    assert story.pk not in live_marks


def test_most_read_rankings_are_stale_after_the_unpublish_commits(
    live_marks, editor, monkeypatch, django_capture_on_commit_callbacks
):
    story = make_article()
    bumps = []
    monkeypatch.setattr(cache, "bump_counts", lambda: bumps.append(1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.article_unpublish(article=story, user=editor)
        before_commit = len(bumps)
    for callback in callbacks:
        callback()

    assert before_commit >= 1
    assert len(bumps) > before_commit
