"""Configuration classes for Engage.

Everything a deployment changes comes from the environment, so the same code
runs on a laptop (SQLite, in-process defaults) and on several app servers
sharing PostgreSQL and Redis.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from babel import Locale

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ENGAGE_INSTANCE_PATH", BASE_DIR / "instance"))


def language_names(codes: str) -> dict[str, str]:
    """"en,es" -> {"en": "English", "es": "Español"}: each language named in itself (Babel's data)."""
    names = {}
    for code in (part.strip() for part in codes.replace(" ", ",").split(",")):
        if code:
            name = Locale.parse(code).get_display_name(code) or code
            names[code] = name[:1].upper() + name[1:]
    return names


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def with_psycopg_driver(url: str) -> str:
    """Point a PostgreSQL URL at the psycopg 3 driver; leave others alone."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url_from_env(default: str) -> str:
    return with_psycopg_driver(os.environ.get("DATABASE_URL", default))


class Config:
    ENV_NAME = "production"
    DEBUG = False
    TESTING = False

    SECRET_KEY = os.environ.get("SECRET_KEY")

    # The feature packages the app is made of, lowest layer first (see engage/components.py).
    # A component's own settings are in its component.py.
    COMPONENTS = (
        "engage.audit", "engage.mail", "engage.accounts", "engage.orgs", "engage.translation", "engage.plans", "engage.comments",
        "engage.surveys", "engage.conversations", "engage.themes", "engage.tracker", "engage.outcomes",
        "engage.leadership", "engage.main", "engage.admin", "engage.host",
    )

    SQLALCHEMY_DATABASE_URI = database_url_from_env(
        f"sqlite:///{INSTANCE_DIR / 'engage.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    REDIS_URL = os.environ.get("REDIS_URL")
    # How long a page stored for people who are not signed in may be served (engage/page_cache.py):
    # it is made again at once when data it shows changes; this bounds only what the clock changes
    # ("happening now"). 0 turns the page cache off.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
    # Background jobs (emails, reminders): Huey on Redis when REDIS_URL is set,
    # else on this SQLite file. QUEUE_IMMEDIATE runs each job at once, in the
    # process that asks for it (tests; or a site with no consumer running).
    QUEUE_SQLITE_PATH = os.environ.get("QUEUE_SQLITE_PATH", str(INSTANCE_DIR / "queue.sqlite3"))
    QUEUE_IMMEDIATE = _env_bool("QUEUE_IMMEDIATE", False)
    # Uploaded files (hosts' toolkit, evidence of progress).
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))

    DISTRICT_NAME = os.environ.get("DISTRICT_NAME", "Riverbend Unified School District")
    DISTRICT_TIMEZONE = os.environ.get("DISTRICT_TIMEZONE", "America/Chicago")

    # The interface's languages, each named in itself for the switcher ("es" -> "Español"): each has a
    # catalog under engage/translations/. LANGUAGES=en,es,vi,so in the environment sets them.
    LANGUAGES = language_names(os.environ.get("LANGUAGES", "en,es,vi"))
    BABEL_DEFAULT_LOCALE = "en"
    # The language leaders, offices and hosts write in: plans, updates, descriptions. Readers of
    # another language see it tagged as such, with a notice that it is not translated yet.
    CONTENT_LANGUAGE = os.environ.get("CONTENT_LANGUAGE", "en")

    # Mail: when MAIL_SERVER is empty, messages are kept in the outbox only.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "engage@localhost")

    # Signed links sent by email.
    EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600
    PASSWORD_RESET_MAX_AGE = 2 * 3600
    # A registration's cancel link works until the session starts, and never
    # longer than this.
    REGISTRATION_CANCEL_MAX_AGE = 180 * 24 * 3600
    # The link that finishes signing in to an account under attack (see below).
    SIGN_IN_LINK_MAX_AGE = 30 * 60

    # werkzeug's strong default (scrypt); only the test suite picks a faster one.
    PASSWORD_HASH_METHOD = "scrypt"

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Signing in: only attempts that do not sign in count, so many people can
    # sign in from one school's network. Per network address (any account):
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    # Per network address and account: one guesser slows down; the owner elsewhere does not.
    RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS = os.environ.get(
        "RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS", "5 per minute;20 per hour"
    )
    # Per account, from every address: past this, the right password alone does
    # not sign in; the owner is emailed a link to finish (never refused outright).
    RATELIMIT_LOGIN_PER_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_PER_ACCOUNT", "20 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "10 per hour")
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per 15 minutes")
    # Sending a confirmation link (again, or to a new address); and, per account,
    # links to finish signing in.
    RATELIMIT_SEND_LINK = os.environ.get("RATELIMIT_SEND_LINK", "5 per 15 minutes")

    # Links in emails are built on this address, never on the request's Host
    # header (which a stranger controls). Required in production.
    BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
    # Optional: comma-separated host names this server answers to.
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Also how long a remembered sign-in lasts on the server; one not remembered
    # ends with its session cookie (PERMANENT_SESSION_LIFETIME, 31 days at most).
    # Signing out ends either at once (accounts/sign_ins.py).
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Redirect http:// to https:// in the app; leave off when a proxy does it.
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", False)
    # Number of reverse proxies in front of the app whose X-Forwarded-* we trust.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

    WTF_CSRF_TIME_LIMIT = None  # tied to the session, so long forms don't expire
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    @property
    def RATELIMIT_STORAGE_URI(self) -> str:
        return self.REDIS_URL or "memory://"


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Someone trying the demo signs in and out as one role after another: production's sign-in
    # limits (against guessing passwords) would lock them out after ten.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "120 per minute")
    RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS = os.environ.get("RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS", "60 per minute")
    RATELIMIT_LOGIN_PER_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_PER_ACCOUNT", "600 per hour")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-not-secret"
    BASE_URL = "http://localhost"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast: tests hash hundreds of passwords
    MAIL_SERVER = ""
    REDIS_URL = None
    SERVER_NAME = None
    QUEUE_IMMEDIATE = True
    THEMES_REPRESENTATION = "tfidf"


class ProductionConfig(Config):
    pass


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the config class from ENGAGE_ENV (default: production, the safe choice)."""
    name = os.environ.get("ENGAGE_ENV", "production").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"ENGAGE_ENV={name!r} is not one of: {', '.join(CONFIGS)}"
        ) from None
