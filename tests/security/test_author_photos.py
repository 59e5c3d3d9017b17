"""Author photos get the cover's checks and clean copy; no upload keeps its comments."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from authors.models import Author
from core import images
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
COMMENT = b"Source: Askar B., akimat, +7 701 000 00 00"
COM_MARKER = b"\xff\xfe"


def tattletale_jpeg(size=(640, 480)) -> bytes:
    """A phone photo with a GPS position and a JPEG comment naming a source."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 57.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (90, 60, 30)).save(out, "JPEG", exif=exif, comment=COMMENT)
    data = out.getvalue()
    assert COMMENT in data and COM_MARKER in data  # the fixture really carries both
    return data


def upload(data: bytes, name="portrait.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def assert_clean(path) -> None:
    data = path.read_bytes()
    assert COMMENT not in data
    assert b"PhoneMaker" not in data
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert "comment" not in stored.info
        assert "exif" not in stored.info
        assert not stored.getexif().get_ifd(GPS_IFD)
    # No COM segment between the start of the image and the start of the scan.
    header = data[: data.index(b"\xff\xda")]
    assert COM_MARKER not in header


def test_strip_metadata_drops_the_jpeg_comment_and_gps():
    clean = images.strip_metadata(upload(tattletale_jpeg())).read()

    assert COMMENT not in clean
    assert COM_MARKER not in clean[: clean.index(b"\xff\xda")]
    with Image.open(io.BytesIO(clean)) as image:
        assert "comment" not in image.info
        assert not image.getexif().get_ifd(GPS_IFD)


def test_a_cover_loses_its_comment_and_gps(media_root):
    story = make_article(cover_image=upload(tattletale_jpeg(), "cover.jpg"))

    assert_clean(media_root / story.cover_image.name)


def test_an_author_photo_loses_its_comment_and_gps(media_root):
    author = make_author(photo=upload(tattletale_jpeg()))

    assert re.fullmatch(r"authors/portrait-[0-9a-f]{8}\.jpg", author.photo.name)
    assert_clean(media_root / author.photo.name)


def test_an_author_photo_that_is_not_an_image_is_refused(media_root):
    with pytest.raises(ValidationError):
        make_author(photo=upload(b"<?php system($_GET['c']); ?>", "me.jpg"))
    assert not Author.objects.exists()


def test_an_oversized_author_photo_is_refused_before_decoding(media_root):
    out = io.BytesIO()
    Image.new("L", (8000, 5001)).save(out, "PNG")
    with pytest.raises(ValidationError) as caught:
        make_author(photo=upload(out.getvalue(), "bomb.png"))
    assert caught.value.code == "too_many_pixels"


def test_the_author_admin_form_refuses_a_fake_photo(media_root, editor_client):
    response = editor_client.post(
        "/admin/authors/author/add/",
        {"name": "Ермек Сахариев", "slug": "", "photo": upload(b"GIF89a not really", "x.jpg")},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("photo")
    assert not Author.objects.exists()


def test_the_author_admin_stores_a_clean_photo(media_root, editor_client):
    response = editor_client.post(
        "/admin/authors/author/add/",
        {
            "name": "Ермек Сахариев",
            "slug": "",
            "bio": "",
            "url": "",
            "photo": upload(tattletale_jpeg()),
        },
    )

    assert response.status_code == 302
    assert_clean(media_root / Author.objects.get().photo.name)
