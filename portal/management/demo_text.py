"""Deterministic Kazakh-like text, names and pictures for demo and benchmark content."""

import re
from random import Random

from PIL import Image, ImageDraw, ImageOps

from portal.management.demo_data import seed_paragraphs

FIRST_NAMES = [
    "Айгерім", "Асқар", "Бауыржан", "Гүлнар", "Дәурен", "Ерлан", "Жанар", "Зарина", "Қайрат",
    "Ләззат", "Мадина", "Нұрлан", "Әлия", "Руслан", "Салтанат", "Талғат", "Ұлжан", "Шынар",
    "Ержан", "Динара", "Арман", "Әсем", "Бекзат", "Гаухар", "Дана", "Ілияс", "Камила", "Марат",
    "Меруерт", "Нұрсұлтан", "Самал", "Тимур", "Жандос", "Айдана", "Серік", "Мөлдір",
]  # fmt: skip
SURNAMES = [
    "Әбдірахманов", "Байжанов", "Жұмабаев", "Қасымов", "Оспанов", "Сейітов", "Төлеуов",
    "Нұрпейісов", "Есенов", "Мұқанов", "Ахметов", "Бекмұхамбетов", "Иманбаев", "Сәрсенбаев",
    "Тұрсынов", "Омаров", "Дүйсенов", "Құдайбергенов", "Шәріпов", "Әлиев", "Рахымов",
    "Сұлтанов", "Кенжебаев", "Жақыпов", "Мусин", "Әуезов", "Серікбаев", "Темірханов",
]  # fmt: skip

_WORD = re.compile(r"[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі-]{3,}")


def _vocabulary() -> list[str]:
    seen: dict[str, None] = {}
    for paragraph in seed_paragraphs():
        for word in _WORD.findall(paragraph):
            seen.setdefault(word.lower().strip("-"), None)
    return [word for word in seen if word]


VOCABULARY = _vocabulary()
# Longer words make better topics for tags.
TOPIC_WORDS = [word for word in VOCABULARY if len(word) >= 6]


class TextMaker:
    def __init__(self, rng: Random):
        self.rng = rng

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(VOCABULARY, k=self.rng.randint(low, high)))

    def sentence(self, low: int = 8, high: int = 16) -> str:
        text = self.words(low, high)
        return text[0].upper() + text[1:] + "."

    def title(self) -> str:
        text = self.words(4, 9)
        return text[0].upper() + text[1:]

    def body(self) -> str:
        paragraphs = []
        for _ in range(self.rng.randint(3, 5)):
            sentences = " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))
            paragraphs.append(f"<p>{sentences}</p>")
        return "".join(paragraphs)


def tag_names(count: int) -> list[str]:
    """``count`` distinct tag names: single topic words first, then two-word topics."""
    names: dict[str, str] = {}
    for word in TOPIC_WORDS:
        names.setdefault(word.casefold(), word.capitalize())
    rng = Random(7)
    while len(names) < count:
        first, second = rng.sample(TOPIC_WORDS, 2)
        name = f"{first.capitalize()} {second}"
        names.setdefault(name.casefold(), name)
    return list(names.values())[:count]


def person_names(count: int) -> list[str]:
    names = [f"{first} {last}" for last in SURNAMES for first in FIRST_NAMES]
    Random(11).shuffle(names)
    return names[:count]


PALETTES = [
    ("#0b3d59", "#4fb0c6"), ("#5a1e1e", "#e0a458"), ("#1f4d2b", "#b7d87a"),
    ("#2d1e5a", "#c89fe0"), ("#3b3b3b", "#d7d7d7"), ("#5a3d0b", "#f2d16b"),
    ("#0b4a3d", "#7fd6c2"), ("#47142f", "#f08fb0"),
]  # fmt: skip


def cover_image(index: int, *, size=(1200, 675)) -> Image.Image:
    """A simple abstract picture (gradient and shapes), different for each ``index``."""
    dark, light = PALETTES[index % len(PALETTES)]
    gradient = Image.linear_gradient("L").rotate(index * 37 % 360).resize(size)
    image = ImageOps.colorize(gradient, dark, light)
    draw = ImageDraw.Draw(image)
    rng = Random(index)
    width, height = size
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(40, 220)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=light, width=rng.randrange(4, 14))
    draw.rectangle((0, height - 90, width, height), fill=dark)
    return image
