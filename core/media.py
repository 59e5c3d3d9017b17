"""Facts about stored media that a page needs without asking the storage on every render.

On object storage every question is a network round trip (a HEAD request), so a feed of 30
stories asking each cover's size would cost 30 of them per render. A stored name never
changes its content (uploads never overwrite), so the answer can be kept for a long time.
"""

import hashlib

from django.core.cache import cache

SIZE_CACHE_SECONDS = 30 * 24 * 3600


def stored_size(field_file) -> int:
    """The byte size of a stored file, 0 if it went missing; asked of storage once per name."""
    key = "media-size:" + hashlib.sha256(field_file.name.encode()).hexdigest()
    size = cache.get(key)
    if size is None:
        try:
            size = field_file.storage.size(field_file.name)
        except OSError:  # the file went missing from storage; the story is still news
            return 0
        cache.set(key, size, SIZE_CACHE_SECONDS)
    return size
