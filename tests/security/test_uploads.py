"""Anonymous endpoints take small bodies; admin uploads stream to disk, not memory."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from PIL import Image

from articles import images
from articles.models import Article
from tests.factories import make_user
from tests.helpers.newsroom import ADD_URL, article_post

MB = 1024 * 1024


def test_a_3_mb_form_post_to_the_language_switcher_is_refused_not_a_500(client):
    response = client.post(
        "/i18n/setlang/", {"language": "ru", "next": "/", "padding": "x" * (3 * MB)}
    )
    assert response.status_code in (400, 413)
    assert "django_language" not in response.cookies


def test_a_3_mb_file_posted_to_the_language_switcher_is_refused(client):
    upload = SimpleUploadedFile("big.bin", b"\0" * (3 * MB))
    response = client.post("/i18n/setlang/", {"language": "ru", "file": upload})
    assert response.status_code == 413


def test_the_language_switcher_still_works_with_a_normal_form(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"


@pytest.mark.django_db
def test_a_big_beacon_body_is_refused(client):
    response = client.post("/pageviews/1/", "x" * (64 * 1024), content_type="text/plain")
    assert response.status_code == 413


def test_form_fields_are_capped_at_djangos_default_or_less(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2621440


def test_a_two_megabyte_upload_goes_to_a_temporary_file_not_memory():
    data = {"cover_image": SimpleUploadedFile("c.jpg", b"\xff" * (2 * MB))}
    request = RequestFactory().post(ADD_URL, data)
    uploaded = request.FILES["cover_image"]
    assert isinstance(uploaded, TemporaryUploadedFile)
    uploaded.close()


def padded_jpeg(total_bytes: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 160)).save(out, format="JPEG")
    # Bytes after the JPEG's end marker are ignored by decoders: a 10 MB file, cheaply.
    return out.getvalue() + b"\0" * (total_bytes - out.tell())


@pytest.mark.django_db
def test_the_admin_still_takes_a_cover_just_under_ten_megabytes(client, media_root):
    client.force_login(make_user("Editor"))
    cover = padded_jpeg(images.MAX_BYTES - 1024)
    response = client.post(
        ADD_URL,
        {**article_post(), "cover_image": SimpleUploadedFile("big.jpg", cover, "image/jpeg")},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().cover_image
