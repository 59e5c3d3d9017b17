"""Per-process memos of rendered markup, keyed by everything the markup shows.

A key that holds every fact a rendering shows changes exactly when the rendering would, so
nothing has to be invalidated: no save, flush or deploy has to remember to throw anything
away, and a key never asked for again simply ages out. That is also why a memo local to
the process is safe with several workers and servers.

``STORY_CARD_MEMO_SIZE`` sizes the story cards' memo; 0 (the default with ``DEBUG=1``)
turns every memo off, so a template edited under ``runserver`` shows at once.
"""

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings

_memos: list["Memo"] = []


def slot(name: str) -> str:
    """A placeholder for a per-request value. A private-use character: no story text can
    produce it, and escaping leaves it alone."""
    return f"\ue000{name}\ue000"


class Memo:
    """A small least-recently-used map, safe for a threaded worker."""

    def __init__(self):
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        _memos.append(self)

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value, size: int) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > size:
                self._items.popitem(last=False)

    def remember(self, key, build: Callable[[], str], size: int) -> str:
        """``build()``'s value under ``key``; built every time when ``size`` is 0."""
        if size <= 0:
            return build()
        value = self.get(key)
        if value is None:
            value = build()
            self.put(key, value, size)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def enabled() -> bool:
    return settings.STORY_CARD_MEMO_SIZE > 0


def fill(html: str, slots: dict[str, str]) -> str:
    """``html`` with each of ``slots``' placeholders replaced, in one pass, so nothing a
    value contains is taken for a placeholder."""
    return _pattern(tuple(slots)).sub(lambda match: slots[match.group()], html)


@functools.lru_cache(maxsize=64)
def _pattern(names: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, names)))


def forget_all() -> None:
    """Empty every memo of this process (tests, and a template edited under ``runserver``)."""
    for memo in _memos:
        memo.clear()
