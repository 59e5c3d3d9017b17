import re

import pytest


@pytest.fixture(autouse=True)
def _own_content_generation(settings, tmp_path_factory):
    """A stamp of our own: other test runs on the machine bump the shared one mid-request."""
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path_factory.getbasetemp() / "pages.stamp")


@pytest.fixture(autouse=True)
def _kazakh_interface(settings):
    """Pages speak the default language unless a test asks otherwise."""
    settings.LANGUAGE_CODE = "kk"
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["testserver", "news.example.kz"]


def section(html: str, heading: str) -> str:
    """The HTML of the <section> whose <h2> reads ``heading``."""
    for match in re.finditer(r"<section\b.*?</section>", html, re.S):
        block = match.group(0)
        if re.search(rf"<h2[^>]*>\s*{re.escape(heading)}\s*</h2>", block):
            return block
    raise AssertionError(f"no <section> headed {heading!r}")


def items(html: str) -> list[str]:
    return re.findall(r"<li\b.*?</li>", html, re.S)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def last_number(html: str) -> int:
    return int(re.findall(r"\d+", text(html))[-1])


def titles(html: str) -> list[str]:
    return [text(m) for m in re.findall(r'class="card__title"><a [^>]*>(.*?)</a>', html, re.S)]
