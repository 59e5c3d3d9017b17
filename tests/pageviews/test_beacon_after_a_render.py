"""A story page rendered for a reader tells the read buffer the story is live."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import make_article
from tests.helpers.beacons import beacon, new_reader

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def test_the_beacon_after_a_rendered_page_asks_the_database_nothing(client):
    story = make_article()
    assert client.get(story.get_absolute_url()).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        assert beacon(client, story, new_reader()).status_code == 204

    assert not [q for q in queries if Article._meta.db_table in q["sql"]]


def test_a_preview_marks_nothing_live(editor_client, redis_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    preview = editor_client.get(f"/admin/articles/article/{draft.pk}/preview/")

    assert preview.status_code == 200 and b"preview-note" in preview.content
    assert not [key for key in redis_client.scan_iter() if b"live" in key]
