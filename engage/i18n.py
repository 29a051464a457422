"""Language and time zone selection.

The interface language is, in order: the signed-in person's saved choice,
the choice made with the language switcher this session, then the browser's
Accept-Language preference.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from .extensions import babel
from .models import utcnow

SESSION_LOCALE_KEY = "locale"


def supported_locales() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.locale in supported_locales():
        return current_user.locale
    return visitor_locale()


def visitor_locale() -> str:
    """The language of someone not signed in: the switcher's choice, else the browser's preference."""
    chosen = session.get(SESSION_LOCALE_KEY)
    if chosen in supported_locales():
        return chosen
    return request.accept_languages.best_match(supported_locales()) or current_app.config["BABEL_DEFAULT_LOCALE"]


def reading_language() -> str:
    """The language the page being built is read in ("en" outside a request: jobs, commands)."""
    return str(get_locale() or "en") if has_request_context() else "en"


def select_timezone() -> str:
    return current_app.config["DISTRICT_TIMEZONE"]


def remember_locale(locale: str) -> None:
    """Keep the switcher's choice for this browser session."""
    session[SESSION_LOCALE_KEY] = locale


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)


def local_to_utc(moment: datetime | None) -> datetime | None:
    """A time typed in the district's time zone (naive), as aware UTC for storing."""
    if moment is None:
        return None
    return moment.replace(tzinfo=ZoneInfo(select_timezone())).astimezone(UTC)


def utc_to_local(moment: datetime | None) -> datetime | None:
    """A stored UTC time as the naive district-local time a form field shows."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(select_timezone())).replace(tzinfo=None)


def district_today(now: datetime | None = None) -> date:
    """Today's date in the district's time zone."""
    return utc_to_local(now or utcnow()).date()


def content_language() -> str:
    """The language people at the district write content in (`CONTENT_LANGUAGE`)."""
    return current_app.config["CONTENT_LANGUAGE"]


def language_name(code: str) -> str:
    """A language's name in the reader's language: "inglés" for "en" to a Spanish reader."""
    return _language_name(code, reading_language())


@cache
def _language_name(code: str, reader: str) -> str:
    try:
        return Locale.parse(code).get_display_name(reader) or code
    except (ValueError, UnknownLocaleError):
        return code


def text_direction(code: str) -> str:
    """"rtl" for a language written right to left (Arabic, Somali in Arabic script...), else "ltr"."""
    try:
        return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"
    except (ValueError, UnknownLocaleError):
        return "ltr"
