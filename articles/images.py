"""Story covers use the site's one image pipeline (``core.images``).

The names stay here because migrations and the article form refer to them.
"""

from core.images import (
    MAX_BYTES,
    MAX_PIXELS,
    RENDITION_FORMAT,
    RENDITION_WIDTHS,
    clean_upload,
    make_renditions,
    make_renditions_or_log,
    rendition_name,
    rendition_sizes,
    renditions,
    strip_metadata,
)
from core.images import validate_image as validate_cover_image

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "RENDITION_FORMAT",
    "RENDITION_WIDTHS",
    "clean_upload",
    "make_renditions",
    "make_renditions_or_log",
    "rendition_name",
    "rendition_sizes",
    "renditions",
    "strip_metadata",
    "validate_cover_image",
]
