"""List the admin's strings (Django and third-party apps) that a language leaves untranslated.

The admin speaks through the catalogs of Django (core and contrib admin, auth, contenttypes,
humanize, sessions) and of simple_history, taggit and django_prose_editor. Their Kazakh
catalogs are incomplete, so the project's own catalogs (``locale/<lang>/LC_MESSAGES``, which
Django consults first because of ``LOCALE_PATHS``) carry the missing translations.

A string counts as missing for a language when the catalog Django would load for that
language (found the way Django finds it, with ``gettext.find``) has no translation for it,
or only an empty or fuzzy one, and neither the project's own catalog of the same domain
(``django`` or ``djangojs``) nor another package's catalog of that domain translates it:
Django merges a domain's catalogs into one. The strings to check are those of the package's
source catalog: its ``en`` catalog where it ships one (Django, taggit), otherwise every
msgid of every catalog it ships.

Run it with the project's virtualenv, from the repository root:

    .venv/bin/python locale/missing_admin_strings.py            # kk
    .venv/bin/python locale/missing_admin_strings.py kk ru
    .venv/bin/python locale/missing_admin_strings.py kk --po    # PO entries to translate

Russian matters as much as Kazakh: with ``LANGUAGE_CODE = "kk"`` Django falls back to the
Kazakh catalogs for a string the Russian ones lack, so a Russian page would show Kazakh.

It exits with status 1 when something is missing. ``tests/test_admin_kazakh.py`` runs
``missing_strings("kk")`` and ``missing_strings("ru")``, so a Django or app upgrade that adds
strings fails the tests with the list.

``manage.py makemessages`` marks every entry it does not find in the project's sources as
obsolete (``#~``), these ones included; ``make messages`` therefore runs this script with
``--restore kk ru``, which makes them active again, and then lists what is still missing
(msgmerge may also have reused one of them as a fuzzy guess for a new project string).
"""

from __future__ import annotations

import argparse
import ast
import gettext
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_LOCALE = Path(__file__).resolve().parent

# Import names of the packages whose catalogs the admin uses.
PACKAGES = [
    "django",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "simple_history",
    "taggit",
    "django_prose_editor",
]
DOMAINS = ["django", "djangojs"]


@dataclass
class Entry:
    """One PO entry; ``msgstr`` holds one string, or one per plural form."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return (
            not self.obsolete
            and "fuzzy" not in self.flags
            and bool(self.msgstr)
            and all(self.msgstr)
        )


def read_po(path: Path) -> dict[tuple[str | None, str], Entry]:
    """The entries of a PO file by (msgctxt, msgid), header excluded, obsolete ones included."""
    return parse_po(path.read_text(encoding="utf-8"), str(path))


def parse_po(text: str, name: str = "<po>") -> dict[tuple[str | None, str], Entry]:
    entries: dict[tuple[str | None, str], Entry] = {}
    current: dict = {}
    flags: set[str] = set()
    obsolete = False
    last: tuple[str, int | None] | None = None

    def finish():
        nonlocal current, flags, obsolete, last
        if "msgid" in current and current["msgid"] != "":
            forms = current.get("msgstr", {})
            entry = Entry(
                msgid=current["msgid"],
                msgctxt=current.get("msgctxt"),
                msgid_plural=current.get("msgid_plural"),
                msgstr=[forms[i] for i in sorted(forms)],
                flags=flags,
                obsolete=obsolete,
            )
            entries[entry.key] = entry
        current, flags, obsolete, last = {}, set(), False, None

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            line = line[2:].strip()
            if not line or line.startswith("|"):
                continue
            if line.startswith(("msgid ", "msgctxt ")) and "msgstr" in current:
                finish()
            obsolete = True
        elif line.startswith("#,"):
            if "msgstr" in current:
                finish()
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif not line or line.startswith("#"):
            if "msgstr" in current:
                finish()
            continue
        if line.startswith('"'):
            if last is None:
                raise ValueError(f"{name}: stray string line {raw!r}")
            keyword, index = last
            text = ast.literal_eval(line)
            if keyword == "msgstr":
                current["msgstr"][index] += text
            else:
                current[keyword] += text
            continue
        keyword, _, value = line.partition(" ")
        text = ast.literal_eval(value)
        if keyword in ("msgctxt", "msgid") and "msgstr" in current:
            finish()
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.setdefault("msgstr", {})[index] = text
            last = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            current[keyword] = text
            last = (keyword, None)
        else:
            raise ValueError(f"{name}: unknown line {raw!r}")
    finish()
    return entries


def locale_dir(package: str) -> Path:
    """Where a package keeps its catalogs (Django's own live in django/conf/locale)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(package)
    root = Path(list(spec.submodule_search_locations)[0])
    return root / "conf" / "locale" if package == "django" else root / "locale"


def to_locale(language: str) -> str:
    """Django's language-code to locale-name rule, e.g. pt-br -> pt_BR (no Django import)."""
    lang, _, country = language.lower().partition("-")
    if not country:
        return lang
    return f"{lang}_{country.upper() if len(country) <= 2 else country.title()}"


def source_entries(localedir: Path, domain: str) -> dict[tuple[str | None, str], Entry]:
    """The strings a package's catalogs are translations of."""
    english = localedir / "en" / "LC_MESSAGES" / f"{domain}.po"
    catalogs = (
        [english] if english.exists() else sorted(localedir.glob(f"*/LC_MESSAGES/{domain}.po"))
    )
    entries: dict[tuple[str | None, str], Entry] = {}
    for catalog in catalogs:
        for key, entry in read_po(catalog).items():
            if not entry.obsolete:
                entries.setdefault(key, entry)
    return entries


def package_translations(localedir: Path, domain: str, language: str) -> set:
    """Keys that the catalogs Django loads for ``language`` translate."""
    found = gettext.find(domain, str(localedir), [to_locale(language)], all=True)
    keys = set()
    for mo in found:
        po = Path(mo).with_suffix(".po")
        if po.exists():
            keys |= {key for key, entry in read_po(po).items() if entry.translated}
        else:  # Only the compiled catalog is shipped: it holds translated strings only.
            with open(mo, "rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog
            for msgid, msgstr in catalog.items():
                msgid = msgid[0] if isinstance(msgid, tuple) else msgid
                if msgid and msgstr:
                    context, _, text = msgid.rpartition("\x04")
                    keys.add((context or None, text))
    return keys


def project_translations(language: str, domain: str) -> set:
    po = PROJECT_LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    if not po.exists():
        return set()
    return {key for key, entry in read_po(po).items() if entry.translated}


def missing_strings(language: str = "kk") -> list[tuple[str, str, Entry]]:
    """(package, domain, source entry) for every string ``language`` leaves untranslated."""
    missing = []
    for domain in DOMAINS:
        # Django merges the catalogs of one domain into one: a translation anywhere counts.
        translated = project_translations(language, domain)
        for package in PACKAGES:
            translated |= package_translations(locale_dir(package), domain, language)
        for package in PACKAGES:
            for key, entry in source_entries(locale_dir(package), domain).items():
                if key not in translated:
                    translated.add(key)  # listed once, under the first package
                    missing.append((package, domain, entry))
    return missing


def po_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\n", "\\n") + '"'


def as_po(package: str, entry: Entry, nplurals: int = 2, msgstr: list[str] = ()) -> str:
    """A PO entry with the source's format flags; empty unless ``msgstr`` is given."""
    lines = [f"#. {package}"]
    flags = sorted(entry.flags - {"fuzzy"})
    if flags:
        lines.append("#, " + ", ".join(flags))
    if entry.msgctxt is not None:
        lines.append("msgctxt " + po_quote(entry.msgctxt))
    lines.append("msgid " + po_quote(entry.msgid))
    if entry.msgid_plural is not None:
        lines.append("msgid_plural " + po_quote(entry.msgid_plural))
        forms = list(msgstr) or [""] * nplurals
        lines += [f"msgstr[{i}] " + po_quote(form) for i, form in enumerate(forms)]
    else:
        lines.append("msgstr " + po_quote(msgstr[0] if msgstr else ""))
    return "\n".join(lines)


def project_nplurals(language: str) -> int:
    """The number of plural forms in the header of the project's catalog."""
    po = PROJECT_LOCALE / language / "LC_MESSAGES" / "django.po"
    match = re.search(r"nplurals\s*=\s*(\d+)", po.read_text(encoding="utf-8"))
    return int(match.group(1)) if match else 2


def restore_obsolete(language: str) -> int:
    """Make the packages' strings active again where makemessages marked them obsolete.

    ``makemessages`` only knows the project's sources, so it turns every entry of this
    kind into an obsolete ``#~`` one; ``make messages`` calls this right after it. Returns
    the number of entries restored.
    """
    restored = 0
    for domain in DOMAINS:
        po = PROJECT_LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
        if not po.exists():
            continue
        sources = {}
        for package in PACKAGES:
            for key, entry in source_entries(locale_dir(package), domain).items():
                sources.setdefault(key, (package, entry))
        kept, revived = [], []
        for block in po.read_text(encoding="utf-8").rstrip("\n").split("\n\n"):
            entries = list(parse_po(block, str(po)).values())
            if len(entries) == 1 and entries[0].obsolete and entries[0].key in sources:
                package, source = sources[entries[0].key]
                revived.append(as_po(package, source, msgstr=entries[0].msgstr))
            else:
                kept.append(block)
        if revived:
            po.write_text("\n\n".join(kept + revived) + "\n", encoding="utf-8")
            restored += len(revived)
    return restored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", default=["kk"], help="language codes (kk)")
    parser.add_argument("--po", action="store_true", help="print PO entries to translate")
    parser.add_argument(
        "--restore",
        action="store_true",
        help="make entries that makemessages marked obsolete active again, then stop",
    )
    args = parser.parse_args(argv)
    total = 0
    if args.restore:
        for language in args.languages:
            print(f"{language}: {restore_obsolete(language)} obsolete entries restored")
        return 0
    for language in args.languages:
        missing = missing_strings(language)
        total += len(missing)
        if args.po:
            for domain in DOMAINS:
                nplurals = project_nplurals(language)
                entries = [as_po(p, e, nplurals) for p, d, e in missing if d == domain]
                if entries:
                    print(f"# ==== {language} {domain}.po ====\n")
                    print("\n\n".join(entries) + "\n")
            continue
        print(f"{language}: {len(missing)} untranslated string(s)")
        for package, domain, entry in missing:
            context = f" [{entry.msgctxt}]" if entry.msgctxt is not None else ""
            print(f"  {package} {domain}{context}: {entry.msgid!r}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
