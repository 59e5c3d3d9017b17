"""The counting endpoint's body rules hold for chunked bodies too (no Content-Length)."""

import io
import uuid

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def chunked_beacon(client, article, body: bytes):
    return client.generic(
        "POST",
        f"/pageviews/{article.pk}/",
        data=body,
        content_type="text/plain;charset=UTF-8",
        CONTENT_LENGTH="",
        # Like gunicorn's decoded chunked stream: read(n) returns what there is.
        **{"wsgi.input": io.BytesIO(body)},
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_USER_AGENT=BROWSER,
    )


def test_a_chunked_body_over_one_kilobyte_is_413_and_counts_nothing(client):
    article = make_article()
    assert chunked_beacon(client, article, b"x" * 3000).status_code == 413
    article.refresh_from_db()
    assert article.view_count == 0


def test_a_chunked_body_that_is_not_a_reader_id_is_400(client):
    article = make_article()
    assert chunked_beacon(client, article, b"not-a-reader-id").status_code == 400
    article.refresh_from_db()
    assert article.view_count == 0


def test_a_chunked_reader_id_counts_once(client):
    article = make_article()
    reader = str(uuid.uuid4()).encode()
    assert chunked_beacon(client, article, reader).status_code == 204
    assert chunked_beacon(client, article, reader).status_code == 204
    article.refresh_from_db()
    assert article.view_count == 1
