"""Uploaded photos (story covers, the photo library): what the newsroom may upload, and the
sizes the public site serves.

An upload is checked from its header before any pixel is decoded, so a decompression bomb
is refused without being expanded. Stored images are re-encoded without their metadata
(EXIF carries GPS positions of reporters and sources), except the colour profile, without
which colours shift. Renditions have names derived from
the original's name and the stored width, so templates build their URLs without touching
the disk or the database.
"""

import io
import logging
import posixpath
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.text import latin_slugify

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "MPO": "JPEG"}
# What each accepted format is stored as. Phones save MPO (a JPEG followed by depth or
# stereo frames); only its first frame is a photo a browser shows.
STORED_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "MPO": "JPEG"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
RENDITION_WIDTHS = (400, 800, 1200)
RENDITION_FORMAT = "webp"
# What of Pillow's ``info`` survives a re-encode: Pillow writes a JPEG's comment (and, by
# format, more of ``info``) back on save unless it is gone.
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
        if image.format in ("JPEG", "MPO"):
            # Decoded at an eighth of the size: every byte of the data is still read, so
            # damage shows, in a tenth of the time a 40-megapixel photo takes in full.
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        image.load()
    except Exception:  # Pillow raises many kinds for truncated or corrupt data.
        raise ValidationError(
            _("This image is damaged and cannot be read. Export it again and upload it."),
            code="damaged",
        ) from None
    finally:
        file.seek(0)


def strip_metadata(file, *, fallback: str = "image") -> ContentFile:
    """Return the image upright, in its own format, without EXIF, XMP or comments.

    An upright JPEG (or a phone's MPO) loses its metadata segments without being decoded: a
    40-megapixel photo would take seconds to re-encode, and would lose quality. Anything else
    is re-encoded.
    """
    image = _open_header(file)
    image_format = STORED_FORMAT.get(image.format, image.format)
    if image_format == "JPEG" and image.getexif().get(0x0112, 1) == 1:
        file.seek(0)
        stripped = jpeg_without_metadata(file.read())
        file.seek(0)
        if stripped is not None:
            name = latin_file_name(file.name, image_format, fallback)
            return ContentFile(stripped, name=name)
    image.seek(0)  # a phone's MPO: its first frame is the photo
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
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


_KEPT_APP = {0xE0: b"JFIF", 0xE2: b"ICC_PROFILE\0", 0xEE: b"Adobe"}


def jpeg_without_metadata(data: bytes) -> bytes | None:
    """The same JPEG without metadata, byte for byte otherwise; None if it cannot be parsed.

    Parses marker segments and skips entropy-coded data (where 0xFF is always followed by 0x00
    or a restart marker), and stops at the end-of-image marker, so pictures appended after
    it (phones store previews and depth maps there, with their own EXIF) are dropped too.
    """
    if data[:2] != b"\xff\xd8":
        return None
    out = [b"\xff\xd8"]
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > size:
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        end = pos + length
        if length < 2 or end > size:
            return None
        segment = data[pos - 2 : end]
        kept = marker not in _KEPT_APP and not (0xE0 <= marker <= 0xEF) and marker != 0xFE
        if marker in _KEPT_APP and data[pos + 2 : end].startswith(_KEPT_APP[marker]):
            kept = True
        if kept:
            out.append(segment)
        pos = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            scan = pos
            while True:
                scan = data.find(b"\xff", scan)
                if scan < 0 or scan + 1 >= size:
                    return None
                following = data[scan + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    scan += 1 if following == 0xFF else 2
                    continue
                break
            out.append(data[pos:scan])
            pos = scan
    return None


def latin_file_name(name: str, image_format: str, fallback: str = "image") -> str:
    """``<latin-slug>-<8 hex>.<ext>``: ASCII, because Cyrillic names give percent-encoded
    URLs; random, because a name made from the title alone is guessable before publication."""
    root = posixpath.splitext(posixpath.basename(name or ""))[0]
    slug = latin_slugify(root, max_length=60, fallback=fallback)
    return f"{slug}-{secrets.token_hex(4)}.{EXTENSIONS[image_format]}"


def rendition_name(name: str, width: int) -> str:
    root, _ext = posixpath.splitext(name)
    return f"{root}.{width}w.{RENDITION_FORMAT}"


def rendition_sizes(width: int | None, height: int | None) -> list[tuple[int, int]]:
    """The (width, height) of each rendition of an image this size; never upscaled."""
    if not width or not height:
        return []
    sizes = []
    for target in RENDITION_WIDTHS:
        target = min(target, width)
        if sizes and sizes[-1][0] == target:
            break
        sizes.append((target, max(1, round(height * target / width))))
    return sizes


def make_renditions(name: str, *, storage=default_storage) -> list[str]:
    """Write the renditions of the stored image ``name``; return their names."""
    with storage.open(name, "rb") as stored:
        image = Image.open(stored)
        image = ImageOps.exif_transpose(image)
        image.load()
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    written = []
    for width, height in rendition_sizes(*image.size):
        out = io.BytesIO()
        image.resize((width, height), Image.Resampling.LANCZOS).save(
            out, format="WEBP", quality=82, method=4
        )
        target = rendition_name(name, width)
        if storage.exists(target):
            storage.delete(target)
        storage.save(target, ContentFile(out.getvalue()))
        written.append(target)
    return written


def clean_upload(field_file, *, fallback: str = "image") -> bool:
    """Validate a newly assigned image and replace it with its metadata-free copy.

    Returns whether there was a new upload (then call ``make_renditions_or_log`` once the
    model is saved). A file already stored is left alone.
    """
    if not field_file or field_file._committed:
        return False
    validate_image(field_file.file)
    clean = strip_metadata(field_file.file, fallback=fallback)
    field_file.save(clean.name, clean, save=False)
    return True


def renditions(field_file, width: int | None, height: int | None) -> list[dict]:
    """``{url, width, height}`` per rendition, narrowest first, computed without I/O."""
    if not field_file:
        return []
    storage = field_file.storage
    return [
        {"url": storage.url(rendition_name(field_file.name, w)), "width": w, "height": h}
        for w, h in rendition_sizes(width, height)
    ]


def delete_with_renditions(name: str, *, storage=default_storage) -> None:
    """Remove a stored image and its renditions; a file already gone is not an error."""
    for target in [name, *(rendition_name(name, width) for width in RENDITION_WIDTHS)]:
        try:
            storage.delete(target)
        except Exception:
            logger.warning("could not delete %s", target, exc_info=True)


def make_renditions_or_log(field_file) -> None:
    """Renditions of a stored image; a missing rendition must never cost its owner the save."""
    try:
        make_renditions(field_file.name, storage=field_file.storage)
    except Exception:
        logger.exception("renditions of %s failed", field_file.name)


def image_size(file) -> tuple[int, int]:
    """Width and height upright (as stored covers are), from the header alone."""
    image = _open_header(file)
    width, height = image.size
    # EXIF orientations 5 to 8 turn the picture a quarter (make_renditions applies them).
    if image.getexif().get(0x0112) in (5, 6, 7, 8):
        return height, width
    return width, height
