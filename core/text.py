"""Latin slugs for Kazakh and Russian text.

Django's slugify drops Cyrillic (or keeps it with allow_unicode, which gives percent-encoded
URLs), so titles and tags are transliterated first. The table follows the Kazakh Latin
alphabet in plain ASCII (қ -> q, ғ -> g, ы -> y, і -> i), and Russian letters that Kazakh
shares keep their usual readings.
"""

import re

from django.utils.text import slugify

CYRILLIC_TO_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip

_TRANSLATION = str.maketrans(CYRILLIC_TO_LATIN)


def collapse_whitespace(text: str) -> str:
    """One space between words, none around them (names typed or pasted by people)."""
    return " ".join(text.split())


def transliterate(text: str) -> str:
    return text.lower().translate(_TRANSLATION)


def latin_slugify(text: str, *, max_length: int = 80, fallback: str = "item") -> str:
    """Return a readable ASCII slug, cut at a word boundary, never empty."""
    slug = slugify(transliterate(text))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    slug = re.sub(r"-+", "-", slug).strip("-")
    return slug or fallback


def unique_slug(model, text: str, *, max_length: int = 80, fallback: str = "item", pk=None):
    """Return a slug for ``text`` not yet used by another row of ``model``."""
    base = latin_slugify(text, max_length=max_length - 6, fallback=fallback)
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
