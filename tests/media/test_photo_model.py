"""The photo library's model: the same checks and clean-up as story covers."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image, ImageCms

from photos.models import Photo

from .helpers import image_bytes, make_photo, mpo_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_photo_stores_its_size_and_a_latin_unique_name(media_root):
    first = make_photo(data=image_bytes(size=(1600, 900)), name="Алматы фото.jpg")
    second = make_photo(name="Алматы фото.jpg")

    assert (first.width, first.height) == (1600, 900)
    assert re.fullmatch(r"photos/\d{4}/\d{2}/almaty-foto-[0-9a-f]{8}\.jpg", first.image.name)
    assert first.image.name != second.image.name


def test_renditions_are_written_and_their_urls_need_no_io(media_root, django_assert_num_queries):
    photo = make_photo(data=image_bytes(size=(1600, 900)))
    photo = Photo.objects.get(pk=photo.pk)

    with django_assert_num_queries(0):
        renditions = photo.renditions
    assert [(r["width"], r["height"]) for r in renditions] == [(400, 225), (800, 450), (1200, 675)]
    for rendition in renditions:
        assert rendition["url"].endswith(f".{rendition['width']}w.webp")
        name = rendition["url"].removeprefix("/media/")
        with default_storage.open(name) as stored:
            assert Image.open(stored).format == "WEBP"


def test_gps_is_stripped_and_the_colour_profile_kept(media_root):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = make_photo(data=image_bytes(exif_gps=True, icc=icc))

    with default_storage.open(photo.image.name) as stored:
        image = Image.open(stored)
        assert not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info
        assert image.info.get("icc_profile") == icc


def test_an_mpo_keeps_its_first_frame_as_a_plain_jpeg(media_root):
    photo = make_photo(data=mpo_bytes(), name="camera.jpg")

    with default_storage.open(photo.image.name) as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
        red, green, _blue = image.convert("RGB").getpixel((5, 5))
    assert red > 200 and green < 50


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"not an image at all", "photo.jpg", "not_an_image"),
        (image_bytes("GIF"), "anim.gif", "bad_format"),
        (image_bytes("PNG", size=(8000, 5001)), "bomb.png", "too_many_pixels"),
        (image_bytes() + b"\0" * (10 * 1024 * 1024 + 1), "big.jpg", "too_large"),
    ],
)
def test_what_is_not_a_real_small_photo_is_refused(media_root, data, name, code):
    photo = Photo(image=upload(data, name), alt="Сурет")

    with pytest.raises(ValidationError) as caught:
        photo.full_clean()
    assert code in {error.code for error in caught.value.error_dict["image"]}


def test_alt_text_is_required(media_root):
    photo = Photo(image=upload(image_bytes()), alt="   ")

    with pytest.raises(ValidationError) as caught:
        photo.full_clean()
    assert "alt" in caught.value.error_dict


def test_cyrillic_search_ignores_letter_case_on_every_database(media_root):
    wanted = make_photo(caption="Шымкенттегі фестиваль", credit="Ә. Нұров")
    make_photo(caption="Басқа сурет", credit="Агенттік", alt="Тау")

    assert list(Photo.objects.matching("фестиваль")) == [wanted]
    assert list(Photo.objects.matching("ШЫМКЕНТ")) == [wanted]
    assert list(Photo.objects.matching("нұров")) == [wanted]


def test_deleting_a_photo_removes_its_files(media_root, django_capture_on_commit_callbacks):
    photo = make_photo()
    names = [photo.image.name, *(r["url"].removeprefix("/media/") for r in photo.renditions)]
    assert all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()

    assert not any(default_storage.exists(name) for name in names)
