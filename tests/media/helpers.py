"""Pictures made in memory, and library photos made from them."""

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from photos.models import Photo
from tests.helpers import images

# Library photos are smaller and bluer than covers by default; the rest is the shared maker.
image_bytes = functools.partial(images.image_bytes, size=(1200, 675), color=(30, 120, 200))


def mpo_bytes(size=(1200, 800)) -> bytes:
    """A two-frame MPO as phones write it: the first frame is the photo."""
    out = io.BytesIO()
    first = Image.new("RGB", size, (250, 10, 10))
    second = Image.new("RGB", size, (10, 250, 10))
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_photo(*, data=None, name="сурет.jpg", **fields) -> Photo:
    values = {"alt": "Алматыдағы жаңа саябақ", "caption": "Саябақ ашылды", "credit": "Ә. Нұров"}
    values.update(fields)
    photo = Photo(image=upload(data or image_bytes(), name), **values)
    photo.save()
    return photo
