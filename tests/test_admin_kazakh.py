"""The admin speaks Kazakh: no English left from Django's and the apps' incomplete catalogs.

The project's catalogs (locale/kk, locale/ru) carry the strings that Django, simple_history,
taggit and django_prose_editor leave untranslated; locale/missing_admin_strings.py lists
what is still missing, and the last tests here fail with that list after an upgrade.
"""

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from tests.factories import make_article
from tests.helpers.html import Element, parse

SCRIPT = Path(settings.BASE_DIR) / "locale" / "missing_admin_strings.py"

# Formerly English on these pages, and what the newsroom reads instead.
KAZAKH = {
    "Recent actions": "Соңғы әрекеттер",
    "View site": "Сайтқа өту",
    "By status": "күйі бойынша",
    "Log out": "Шығу",
    "Change password": "Құпия сөзді өзгерту",
    "Save and continue editing": "Сақтап, өңдеуді жалғастыру",
    "History": "Тарих",
    "Filter": "Сүзгі",
    "Show counts": "Сандарды көрсету",
    "Clear all filters": "Барлық сүзгілерді тазарту",
    "Skip to main content": "Негізгі мазмұнға өту",
}
ON_EVERY_PAGE = ["View site", "Log out", "Change password", "Skip to main content"]
ON_PAGE = {
    "index": ["Recent actions"],
    "changelist": ["By status", "Filter", "Show counts", "Clear all filters"],
    "change": ["Save and continue editing", "History"],
}
# Attributes whose words a reader sees or hears (buttons are <input value="...">).
READ_ATTRIBUTES = ("value", "title", "aria-label", "placeholder", "alt")


def load_script():
    spec = importlib.util.spec_from_file_location("missing_admin_strings", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def readable(root: Element) -> str:
    """The page's text plus the attribute words a reader meets, white space folded."""
    words = [root.text]
    for element in root.iter():
        if element.tag == "input" and element.attrs.get("type") == "hidden":
            continue
        words += [element.attrs[name] or "" for name in READ_ATTRIBUTES if name in element.attrs]
    return " ".join(" ".join(words).split())


@pytest.fixture
def kazakh_admin(client, db):
    boss = User.objects.create_superuser("boss", "boss@example.com", "pass-12345")
    client.force_login(boss)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    return client


@pytest.mark.django_db
def test_the_admin_pages_read_kazakh(kazakh_admin):
    article = make_article(tags=["Алматы"])
    pages = {
        "index": "/admin/",
        # An active filter, so that "Clear all filters" shows too.
        "changelist": "/admin/articles/article/?status__exact=published",
        "change": f"/admin/articles/article/{article.pk}/change/",
    }
    for page, url in pages.items():
        response = kazakh_admin.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "kk", url
        text = readable(parse(response.content.decode()))
        for english in ON_EVERY_PAGE + ON_PAGE[page]:
            assert english not in text, f"{url}: {english!r} is still English"
            assert KAZAKH[english] in text, f"{url}: {KAZAKH[english]!r} missing"


@pytest.mark.django_db
def test_the_admin_javascript_catalog_reads_kazakh(kazakh_admin):
    script = kazakh_admin.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\n  \});", script, re.S).group(1))

    assert catalog["January"] == "Қаңтар"
    assert catalog["Choose a Time"] == "Уақытты таңдаңыз"
    assert catalog["%(sel)s of %(cnt)s selected"][0] == "%(cnt)s ішінен %(sel)s таңдалды"
    assert catalog["Insert Table"] == "Кесте кірістіру"  # the prose editor's


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_admin_string_is_left_untranslated(language):
    """Russian too: a string its catalogs lack would fall back to Kazakh, not English."""
    script = load_script()

    missing = [
        f"{package} {domain}: {entry.msgid!r}"
        for package, domain, entry in script.missing_strings(language)
    ]

    assert missing == [], (
        f"{len(missing)} string(s) untranslated in {language}; translate them in "
        f"locale/{language}/LC_MESSAGES (python locale/missing_admin_strings.py "
        f"{language} --po lists them as PO entries):\n" + "\n".join(missing)
    )
