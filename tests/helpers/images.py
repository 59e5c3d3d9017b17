"""Image uploads built in memory, so tests need no fixture files and can vary what matters."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def image_bytes(
    fmt="JPEG", size=(1600, 900), exif_gps=False, *, icc=None, color=(200, 120, 40)
) -> bytes:
    """A real image; ``exif_gps`` adds the camera and location data uploads must lose,
    ``icc`` a colour profile they must keep."""
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


def upload(data: bytes, name="cover.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    """Any bytes under any name and type: the upload checks must not trust either."""
    return SimpleUploadedFile(name, data, content_type=content_type)
