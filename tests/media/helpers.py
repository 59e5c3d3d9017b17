"""Pictures made in memory, and library photos made from them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from photos.models import Photo

GPS_IFD = 0x8825


def image_bytes(fmt="JPEG", size=(1200, 675), *, exif_gps=False, icc=None, color=(30, 120, 200)):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    options = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 57.0, 0.0)})
        options["exif"] = exif
    if icc:
        options["icc_profile"] = icc
    image.save(out, format=fmt, **options)
    return out.getvalue()


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
