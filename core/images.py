"""Uploaded photos (story covers, author portraits): what the newsroom may upload, and the
copy that is stored.

An upload is checked from its header before any pixel is decoded, so a decompression bomb is
refused without being expanded. What is stored is the picture re-encoded with none of the
file's metadata: EXIF carries the GPS position of a reporter or a source, JPEG comments and
XMP carry names and notes. Stored names are Latin, with a random part, so the address of a
file is never guessable from a story's title.
"""

import io
import posixpath
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.text import latin_slugify

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Image info a re-encode may carry over: pixels' meaning only, nothing about who or where.
KEPT_INFO = ("transparency",)


def _open_header(file) -> Image.Image:
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow warns on large images before we get to compare them with our own limit.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(file)


def validate_image(file) -> None:
    """Refuse anything but a real JPEG, PNG or WebP within the size and pixel limits.

    Files already stored (``_committed``) were checked when they came in; they are not
    re-read on every save.
    """
    if file is None or getattr(file, "_committed", False):
        return
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)},
        )
    try:
        image = _open_header(file)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image, or it is damaged. Upload a JPEG, PNG or WebP photo."),
            code="not_an_image",
        ) from None
    finally:
        file.seek(0)
    if image.format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP photo."),
            code="bad_format",
            params={"format": image.format or _("This kind of")},
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _(
                "The image is %(width)s×%(height)s pixels (%(mp)s megapixels); the limit is "
                "40 megapixels. Make it smaller and upload it again."
            ),
            code="too_many_pixels",
            params={"width": width, "height": height, "mp": round(width * height / 1e6, 1)},
        )
    try:
        image.load()
    except Exception:  # Pillow raises many kinds for truncated or corrupt data.
        raise ValidationError(
            _("This image is damaged and cannot be read. Export it again and upload it."),
            code="damaged",
        ) from None
    finally:
        file.seek(0)


def strip_metadata(file, *, fallback: str = "image") -> ContentFile:
    """Return the image re-encoded in its own format, upright, without EXIF, XMP or comments."""
    image = _open_header(file)
    image_format = image.format
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    # Pillow writes a JPEG's comment (and, by format, more of ``info``) back on save unless
    # it is gone from ``info``: keep only what the pixels need.
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    out = io.BytesIO()
    options: dict = {}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options = {"quality": 90, "optimize": True}
    elif image_format == "WEBP":
        options = {"quality": 90}
    if icc:
        options["icc_profile"] = icc  # colours, not people: photos look wrong without it
    image.save(out, format=image_format, **options)
    file.seek(0)
    return ContentFile(out.getvalue(), name=latin_file_name(file.name, image_format, fallback))


def latin_file_name(name: str, image_format: str, fallback: str = "image") -> str:
    """``<latin-slug>-<8 hex>.<ext>``: ASCII, because Cyrillic names give percent-encoded
    URLs; random, because a name made from the title alone is guessable before publication."""
    root = posixpath.splitext(posixpath.basename(name or ""))[0]
    slug = latin_slugify(root, max_length=60, fallback=fallback)
    return f"{slug}-{secrets.token_hex(4)}.{EXTENSIONS[image_format]}"


def clean_upload(field_file, *, fallback: str = "image") -> bool:
    """Validate a newly assigned image and replace it with its metadata-free copy.

    Returns whether there was a new upload. A file already stored is left alone.
    """
    if not field_file or field_file._committed:
        return False
    validate_image(field_file.file)
    clean = strip_metadata(field_file.file, fallback=fallback)
    field_file.save(clean.name, clean, save=False)
    return True
