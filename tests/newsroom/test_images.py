import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from PIL import Image

from articles import images
from articles.models import Article
from tests.factories import make_article
from tests.helpers.images import GPS_IFD, image_bytes, upload
from tests.helpers.newsroom import ADD_URL, article_post

pytestmark = pytest.mark.django_db


def post_cover(client, file):
    return client.post(ADD_URL, {**article_post(), "cover_image": file})


def cover_error(response) -> str:
    return " ".join(response.context["adminform"].form.errors.get("cover_image", []))


def test_a_text_file_named_jpg_is_refused_with_a_clear_message(editor_client, media_root):
    response = post_cover(editor_client, upload(b"not an image at all", "photo.jpg"))

    assert response.status_code == 200
    assert cover_error(response)
    assert not Article.objects.exists()


def test_a_gif_is_refused(editor_client, media_root):
    response = post_cover(editor_client, upload(image_bytes("GIF"), "anim.gif", "image/gif"))

    assert "GIF" in cover_error(response)
    assert not Article.objects.exists()


def test_an_image_over_forty_megapixels_is_refused_before_decoding(media_root):
    # A PNG of one colour compresses to almost nothing: the classic decompression bomb.
    bomb = upload(image_bytes("PNG", size=(8000, 5001)), "bomb.png", "image/png")

    with pytest.raises(ValidationError) as caught:
        images.validate_cover_image(bomb)
    assert caught.value.code == "too_many_pixels"


def test_an_image_over_ten_megabytes_is_refused(settings, media_root):
    big = upload(image_bytes() + b"\0" * (images.MAX_BYTES + 1))

    with pytest.raises(ValidationError) as caught:
        images.validate_cover_image(big)
    assert caught.value.code == "too_large"


def test_gps_exif_is_stripped_and_renditions_are_made(editor_client, media_root):
    response = post_cover(editor_client, upload(image_bytes(exif_gps=True), "фото.jpg"))

    assert response.status_code == 302
    article = Article.objects.get()
    with Image.open(article.cover_image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif().get_ifd(GPS_IFD)
        assert "exif" not in stored.info
    assert [r["width"] for r in article.cover_renditions] == [400, 800, 1200]
    for rendition in article.cover_renditions:
        path = media_root / rendition["url"].removeprefix("/media/")
        with Image.open(path) as image:
            assert image.format == "WEBP"
            assert image.size == (rendition["width"], rendition["height"])
    assert article.cover_renditions[0]["height"] == 225


def test_renditions_never_upscale_a_small_cover(media_root):
    article = make_article(cover_image=upload(image_bytes("PNG", size=(600, 300)), "small.png"))

    assert [(r["width"], r["height"]) for r in article.cover_renditions] == [(400, 200), (600, 300)]


def test_rendition_urls_are_computed_without_io(media_root, monkeypatch, django_assert_num_queries):
    make_article(cover_image=upload(image_bytes("WEBP"), "Мұқаба.webp"))
    article = Article.objects.get()

    def no_disk(*args, **kwargs):
        raise AssertionError("cover_renditions touched the disk")

    for method in ("open", "exists", "size", "path", "listdir"):
        monkeypatch.setattr(FileSystemStorage, method, no_disk)
    with django_assert_num_queries(0):
        renditions = article.cover_renditions
    # Stored names end in a random part (tests/security/test_media.py); the rest is fixed.
    names = [re.sub(r"-[0-9a-f]{8}\.", ".", r["url"].rsplit("/", 1)[1]) for r in renditions]
    assert names == [
        "muqaba.400w.webp",
        "muqaba.800w.webp",
        "muqaba.1200w.webp",
    ]


def test_model_save_refuses_a_fake_image(media_root):
    with pytest.raises(ValidationError):
        make_article(cover_image=upload(b"<?php evil ?>", "x.jpg"))
    assert not Article.objects.exists()


def test_replacing_and_clearing_a_cover_does_not_fail(editor_client, media_root):
    article = make_article(cover_image=upload(image_bytes(), "old.jpg"))
    url = f"/admin/articles/article/{article.pk}/change/"
    base = article_post(status="published", title=article.title, slug=article.slug)

    replaced = editor_client.post(url, {**base, "cover_image": upload(image_bytes(), "new.jpg")})
    assert replaced.status_code == 302
    article.refresh_from_db()
    assert "new" in article.cover_image.name

    cleared = editor_client.post(url, {**base, "cover_image-clear": "on"})
    assert cleared.status_code == 302
    article.refresh_from_db()
    assert not article.cover_image and article.cover_renditions == []


@pytest.mark.parametrize("progressive", [False, True])
def test_an_upright_jpeg_loses_its_metadata_without_being_re_encoded(progressive):
    picture = Image.new("RGB", (320, 200), (10, 200, 30))
    for x in range(0, 320, 37):
        picture.paste((x % 255, 90, 200), (x, 0, x + 17, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 15.0, 0.0)})
    out = io.BytesIO()
    picture.save(out, "JPEG", progressive=progressive, exif=exif, comment=b"source: secret")
    # Phones append more pictures (with their own EXIF) after the end-of-image marker.
    data = out.getvalue() + b"\xff\xd8\xff\xe1 Exif PhoneMaker trailer"

    stripped = images.strip_metadata(upload(data, "photo.jpg")).read()

    for leak in (b"PhoneMaker", b"secret", b"trailer"):
        assert leak not in stripped
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert not after.getexif()
        assert after.tobytes() == before.tobytes()  # not one pixel re-encoded


def test_a_turned_jpeg_is_re_encoded_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # shot with the phone held upright: turn a quarter to view
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 10, 10)).save(out, "JPEG", exif=exif)

    stripped = images.strip_metadata(upload(out.getvalue(), "turned.jpg")).read()

    with Image.open(io.BytesIO(stripped)) as after:
        assert after.size == (100, 300)
        assert not after.getexif().get(0x0112)


def test_a_truncated_big_jpeg_is_refused():
    data = image_bytes(size=(2000, 1500))

    with pytest.raises(ValidationError) as caught:
        images.validate_cover_image(upload(data[: len(data) // 2]))
    assert caught.value.code == "damaged"
