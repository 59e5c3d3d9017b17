"""Cover images: the sizes the public site serves, and the files a story leaves behind.

What may be uploaded and how metadata is stripped is ``core.images`` (author photos use it
too). Renditions have names derived from the original's name and the stored width, so
templates build their URLs without touching the disk or the database, and a rendition's
name leads back to its original (``original_candidates``).
"""

import logging
import re

from django.core.files.storage import default_storage
from PIL import Image

from core import images as core_images
from core.images import (  # noqa: F401  (names the article form and migrations use)
    ALLOWED_FORMATS,
    MAX_BYTES,
    MAX_PIXELS,
    RENDITION_FORMAT,
    RENDITION_WIDTHS,
    image_size,
    make_renditions,
    make_renditions_or_log,
    rendition_name,
    rendition_sizes,
    renditions,
    strip_metadata,
)

logger = logging.getLogger(__name__)

ORIGINAL_EXTENSIONS = tuple(core_images.EXTENSIONS.values())
_RENDITION = re.compile(r"^(?P<root>.+)\.(?P<width>\d+)w\." + RENDITION_FORMAT + "$")


def validate_cover_image(file) -> None:
    """The model field's validator (named in migrations): ``core.images.validate_image``."""
    core_images.validate_image(file)


def clean_upload(field_file) -> bool:
    """A new cover validated and stripped (``core.images.clean_upload``); when it returns
    True, call ``make_renditions_or_log`` once the model is saved."""
    return core_images.clean_upload(field_file, fallback="cover")


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
