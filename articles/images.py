"""Cover images: the sizes the public site serves, and the files a story leaves behind.

What may be uploaded and how metadata is stripped is ``core.images`` (author photos use it
too). Renditions have names derived from the original's name and the stored width, so
templates build their URLs without touching the disk or the database, and a rendition's
name leads back to its original (``original_candidates``).
"""

import io
import logging
import posixpath
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from core import images as core_images
from core.images import ALLOWED_FORMATS, MAX_BYTES, MAX_PIXELS, strip_metadata  # noqa: F401

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (400, 800, 1200)
RENDITION_FORMAT = "webp"
ORIGINAL_EXTENSIONS = tuple(core_images.EXTENSIONS.values())
_RENDITION = re.compile(r"^(?P<root>.+)\.(?P<width>\d+)w\." + RENDITION_FORMAT + "$")


def validate_cover_image(file) -> None:
    """The model field's validator (named in migrations): ``core.images.validate_image``."""
    core_images.validate_image(file)


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
    """A new cover validated and stripped (``core.images.clean_upload``); when it returns
    True, call ``make_renditions_or_log`` once the model is saved."""
    return core_images.clean_upload(field_file, fallback="cover")


def make_renditions_or_log(field_file) -> None:
    """Renditions of a stored image; a missing rendition must never cost the story its save."""
    try:
        make_renditions(field_file.name, storage=field_file.storage)
    except Exception:
        logger.exception("renditions of %s failed", field_file.name)


def original_candidates(name: str) -> list[str]:
    """The stored names a media path may be the cover of: itself, and for a rendition
    (``<root>.<width>w.webp``) the original under each extension an upload may have."""
    candidates = [name]
    match = _RENDITION.match(name)
    if match:
        candidates += [f"{match['root']}.{extension}" for extension in ORIGINAL_EXTENSIONS]
    return candidates


def cover_file_names(name: str, *, storage=default_storage) -> list[str]:
    """A stored cover and every rendition it may have.

    A cover narrower than the widest rendition has one at its own width, so the widths come
    from the original's header while it is still there.
    """
    widths = set(RENDITION_WIDTHS)
    try:
        with storage.open(name, "rb") as original:
            widths.update(width for width, _height in rendition_sizes(*Image.open(original).size))
    except Exception:  # gone or unreadable: the usual widths are all there is to try
        pass
    return [name, *(rendition_name(name, width) for width in sorted(widths))]


def delete_cover_files(name: str, *, storage=default_storage) -> None:
    """Remove a cover and its renditions; a file already gone is not an error."""
    for file_name in cover_file_names(name, storage=storage):
        try:
            storage.delete(file_name)
        except Exception:
            logger.exception("could not delete %s", file_name)
