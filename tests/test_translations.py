"""Every interface language's catalog covers every message in the source, and pages use it.

Many families read Engage in Spanish, Vietnamese or another language the district
sets (LANGUAGES), so an English string added without a translation is a bug. These
tests extract the messages afresh from the code and templates, the way
`make extract-messages` does, and compare them with each
engage/translations/<language>/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import html
import os
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from config import Config
from tests.support.web import post_form

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
# Every interface language but the source's.
TRANSLATED = [code for code in Config.LANGUAGES if code != "en"]


def catalog_path(language: str) -> Path:
    return ROOT / "engage" / "translations" / language / "LC_MESSAGES" / "messages.po"


SPANISH_PO = catalog_path("es")
SPANISH_MO = SPANISH_PO.with_suffix(".mo")

# The Makefile's extract-messages adds these to Babel's default keywords.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdif]")
HOW_TO_FIX = (
    "Run `make update-messages`, then translate the new entries in each "
    "engage/translations/<language>/LC_MESSAGES/messages.po and run `make translations`."
)


def _directory_is_searched(path: str) -> bool:
    # Unlike pybabel's default, this does not skip directories starting with
    # "_": templates/_macros holds strings every form shows.
    name = os.path.basename(path)
    return not name.startswith(".") and name not in {"__pycache__", "node_modules"}


@cache
def source_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every translatable message in engage/ and templates/, with where it is used."""
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(BABEL_CFG))
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_directory_is_searched,
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@cache
def catalog_of(language: str):
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def spanish_catalog():
    return catalog_of("es")


def forms_of(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER_RE.findall(text))


def spanish(msgid: str) -> str:
    """The Spanish text for an English message, as a page would escape it."""
    message = spanish_catalog().get(msgid)
    assert message is not None and message.string, f"{msgid!r} has no Spanish translation. {HOW_TO_FIX}"
    return html.escape(message.string, quote=False)


@pytest.fixture
def compiled_spanish():
    if not SPANISH_MO.exists():
        pytest.fail(f"{SPANISH_MO.relative_to(ROOT)} is missing: run `make translations` (or `make test`).")
    if SPANISH_MO.stat().st_mtime < SPANISH_PO.stat().st_mtime:
        pytest.fail(f"{SPANISH_MO.relative_to(ROOT)} is older than messages.po: run `make translations`.")


def test_extraction_finds_messages_in_code_templates_macros_and_emails():
    locations = " ".join(where for places in source_messages().values() for where in places)
    for place in ("engage/", "templates/base.html", "templates/_macros/", "templates/email/"):
        assert place in locations, f"no messages extracted from {place}; is babel.cfg still right?"


def test_spanish_and_a_third_language_are_interface_languages():
    assert {"en", "es"} < set(Config.LANGUAGES) and len(Config.LANGUAGES) >= 3


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation(language):
    catalog = catalog_of(language)
    missing = []
    for msgid, places in sorted(source_messages().items(), key=lambda item: forms_of(item[0])[0]):
        entry = catalog.get(msgid)
        if entry is None or "fuzzy" in entry.flags or not all(forms_of(entry.string)):
            missing.append(f"  {forms_of(msgid)[0]!r}  ({', '.join(places[:3])})")
    assert not missing, (
        f"{len(missing)} message(s) shown to users have no translation into {language}:\n"
        + "\n".join(missing)
        + f"\n{HOW_TO_FIX}\n"
        "If `make update-messages` does not add a message, pybabel is not reading its file "
        "(it skips directories whose names start with '_' or '.' unless told otherwise)."
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    wrong = []
    catalog = catalog_of(language)
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        english = forms_of(entry.id)
        for index, form in enumerate(forms_of(entry.string)):
            # msgstr[0] is the singular and msgstr[1] the plural, as in English; a language with
            # one form (Vietnamese) says it as English says the plural.
            said_as = english[-1] if catalog.num_plurals == 1 else english[min(index, len(english) - 1)]
            if placeholders(form) != placeholders(said_as):
                wrong.append(f"  {forms_of(entry.id)[0]!r} -> {form!r}")
    assert not wrong, "These translations lose or add a %(...)s placeholder:\n" + "\n".join(wrong)


def test_spanish_catalog_has_two_plural_forms():
    catalog = spanish_catalog()
    assert str(catalog.locale) == "es"
    assert catalog.num_plurals == 2
    for entry in catalog:
        if entry.pluralizable:
            assert len(entry.string) == 2 and all(entry.string), f"{entry.id[0]!r} needs both plural forms"


def test_home_page_is_in_spanish_for_a_spanish_browser(client, compiled_spanish):
    page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)

    assert '<html lang="es"' in page
    assert spanish("Help shape the plans for our schools") in page
    assert "Help shape the plans for our schools" not in page


def test_login_page_labels_the_email_field_in_spanish(client, compiled_spanish):
    page = client.get("/login", headers={"Accept-Language": "es"}).get_data(as_text=True)

    assert f'<label for="email">{spanish("Email address")}</label>' in page


def test_language_switcher_turns_pages_spanish(client, compiled_spanish):
    response = post_form(client, "/language", {"locale": "es", "next": "/"})
    assert response.status_code == 302

    page = client.get("/").get_data(as_text=True)

    assert '<html lang="es"' in page
    assert spanish("Help shape the plans for our schools") in page
