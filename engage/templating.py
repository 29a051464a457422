"""What every template can use."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request
from babel.dates import get_datetime_format
from flask_babel import format_date, format_time, get_locale
from flask_login import current_user
from markupsafe import Markup

from .i18n import content_language, language_name, reading_language, text_direction
from .permissions import Permission, can
from .text import formatted_text_to_html, plain_text_to_html


def _current_path() -> str:
    """Where the language switcher returns to (checked again by safe_next_url)."""
    return request.full_path.rstrip("?") if request else "/"


def aria_for(field) -> dict[str, str]:
    """Attributes tying an input to its hint and error message."""
    described_by = [f"{field.id}-hint"] if field.description else []
    attrs = {}
    if field.errors:
        described_by.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return attrs


def format_when(moment) -> str:
    """A date and time people read: "December 23, 2026, 8:00 AM" in the district's time zone.

    Babel's long date-and-time format adds seconds and the UTC offset, which
    nobody needs to see on a closing time.
    """
    if moment is None:
        return ""
    pattern = get_datetime_format("long", locale=get_locale()).replace("'", "")
    return pattern.format(format_time(moment, "short"), format_date(moment, "long"))


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["aria_for"] = aria_for
    # Globals, not context: macros imported without context use them.
    app.jinja_env.globals.update(lang_attr=_lang_attr, lang_of=lang_of, in_language=_in_language,
                                 in_own_language=in_own_language,
                                 content_language=content_language, language_name=language_name,
                                 reading_language=reading_language, text_direction=text_direction)
    app.jinja_env.filters["formatted"] = formatted_text_to_html
    app.jinja_env.filters["plain"] = plain_text_to_html
    app.jinja_env.filters["when"] = format_when

    @app.context_processor
    def inject_globals():
        return {
            "district_name": current_app.config["DISTRICT_NAME"],
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "current_path": _current_path(),
            "can": can,
            "Permission": Permission,
            "main_menu": _main_menu,
        }


@dataclass(frozen=True)
class MainMenu:
    """The components' menu entries the signed-in person (or visitor) may see, in order: the pages
    for everyone, and the tools of people with a role, grouped under one entry."""

    public: list
    tools: list

    def is_current(self, endpoint: str | None) -> bool:
        return any(entry.is_current(endpoint) for entry in self.tools)


def _main_menu() -> MainMenu:
    shown = [entry for entry, shown_if in current_app.extensions["engage.menu"]
             if (entry.permission is None or can(current_user, entry.permission))
             and (shown_if is None or shown_if(current_user))]
    return MainMenu(public=[entry for entry in shown if entry.permission is None and entry.shown_if is None],
                    tools=[entry for entry in shown if entry.permission is not None or entry.shown_if is not None])


def _lang_attr(language: str | None) -> Markup:
    """` lang="xx"` for a fragment in another language than the page's (WCAG 3.1.2), else nothing."""
    if not language or language == str(get_locale()):
        return Markup("")
    return Markup(' lang="{}"').format(language)


def lang_of(text: str) -> Markup:
    """`lang_attr` for a text the district wrote: its own language when it knows it (a text shown
    in the reader's language, engage.translation), else the content language."""
    return _lang_attr(_language_of(text) or content_language())


def _language_of(text) -> str | None:
    # Not getattr alone: a jinja Undefined (a missing key) raises on any attribute.
    return text.language if isinstance(text, str) and hasattr(text, "language") else None


def in_own_language(text) -> Markup | str:
    """A text that knows its language (engage.translation) in a span with its `lang` when the page is
    in another; any other text (the interface's own words) as it is. For labels and options."""
    language = _language_of(text)
    return _in_language(text, language) if language else text


def _in_language(text: str, language: str | None = None) -> Markup | str:
    """Text in `language` (its own, else the content language, unless given), wrapped in a span with
    its `lang` when the page is in another: for a fragment inside a sentence of the page's language."""
    attribute = _lang_attr(language or _language_of(text) or content_language())
    return Markup("<span{}>{}</span>").format(attribute, text) if attribute else text
