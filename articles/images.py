"""Cover images: what the newsroom may upload, and the sizes the public site serves.

An upload is checked from its header before any pixel is decoded, so a decompression bomb
is refused without being expanded. Stored covers are re-encoded without their metadata
(EXIF carries GPS positions of reporters and sources). Renditions have names derived from
the original's name and the stored width, so templates build their URLs without touching
the disk or the database.
"""

import io
import posixpath
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.text import latin_slugify

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
RENDITION_WIDTHS = (400, 800, 1200)
RENDITION_FORMAT = "webp"


def _open_header(file) -> Image.Image:
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow warns on large images before we get to compare them with our own limit.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(file)


def validate_cover_image(file) -> None:
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
        if image.format == "JPEG":
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


def strip_metadata(file) -> ContentFile:
    """Return the image upright, in its own format, without EXIF or comments.

    An upright JPEG loses its metadata segments without being decoded (a 40-megapixel photo
    would take seconds to re-encode, and would lose quality); anything else is re-encoded.
    """
    image = _open_header(file)
    image_format = image.format
    if image_format == "JPEG" and image.getexif().get(0x0112, 1) == 1:
        file.seek(0)
        stripped = jpeg_without_metadata(file.read())
        file.seek(0)
        if stripped is not None:
            return ContentFile(stripped, name=latin_file_name(file.name, image_format))
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    options: dict = {}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options = {"quality": 90, "optimize": True}
    elif image_format == "WEBP":
        options = {"quality": 90}
    if icc := image.info.get("icc_profile"):
        options["icc_profile"] = icc
    image.save(out, format=image_format, **options)
    file.seek(0)
    return ContentFile(out.getvalue(), name=latin_file_name(file.name, image_format))


# JPEG segments kept by jpeg_without_metadata: JFIF (APP0), the ICC colour profile (APP2)
# and Adobe's colour transform (APP14) change how the picture looks; other APPn segments
# (EXIF with GPS, XMP, IPTC, maker notes, MPF with more pictures) and comments are dropped.
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


def latin_file_name(name: str, image_format: str) -> str:
    """A plain ASCII name: Cyrillic file names would give percent-encoded media URLs."""
    root = posixpath.splitext(posixpath.basename(name or ""))[0]
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    return f"{latin_slugify(root, max_length=60, fallback='cover')}.{extension}"


def rendition_name(name: str, width: int) -> str:
    root, _ext = posixpath.splitext(name)
    return f"{root}.{width}w.{RENDITION_FORMAT}"


def rendition_sizes(width: int | None, height: int | None) -> list[tuple[int, int]]:
    """The (width, height) of each rendition of a cover this size; never upscaled."""
    if not width or not height:
        return []
    sizes = []
    for target in RENDITION_WIDTHS:
        target = min(target, width)
        if sizes and sizes[-1][0] == target:
            break
        sizes.append((target, max(1, round(height * target / width))))
    return sizes


def image_size(file) -> tuple[int, int]:
    """Width and height upright (as stored covers are), from the header alone."""
    image = _open_header(file)
    width, height = image.size
    # EXIF orientations 5 to 8 turn the picture a quarter (make_renditions applies them).
    if image.getexif().get(0x0112) in (5, 6, 7, 8):
        return height, width
    return width, height


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


def clean_upload(field_file) -> bool:
    """Validate a newly assigned image and replace it with its metadata-free copy.

    Returns whether there was a new upload (then make its renditions once the model is
    saved: ``Article.save``). A file already stored is left alone.
    """
    if not field_file or field_file._committed:
        return False
    validate_cover_image(field_file.file)
    clean = strip_metadata(field_file.file)
    field_file.save(clean.name, clean, save=False)
    return True
