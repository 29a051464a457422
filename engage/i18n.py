"""Language and time zone selection.

The interface language is, in order: the signed-in person's saved choice,
the choice made with the language switcher this session, then the browser's
Accept-Language preference.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_login import current_user

from .extensions import babel

SESSION_LOCALE_KEY = "locale"


def supported_locales() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.locale in supported_locales():
        return current_user.locale
    chosen = session.get(SESSION_LOCALE_KEY)
    if chosen in supported_locales():
        return chosen
    return request.accept_languages.best_match(supported_locales()) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["DISTRICT_TIMEZONE"]


def remember_locale(locale: str) -> None:
    """Keep the switcher's choice for this browser session."""
    session[SESSION_LOCALE_KEY] = locale


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
