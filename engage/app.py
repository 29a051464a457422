"""The application factory: configuration, extensions, blueprints, errors and the CLI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, request, session
from flask_login import current_user
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE_DIR, Config, config_from_env

from . import caching, components, page_cache, queue, static_files
from .extensions import csrf, db, limiter, login_manager, migrate, talisman
from .urls import IdConverter

PROJECT_DIR = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

_DEVELOPMENT_ENVS = {"development", "testing"}


class ConfigurationError(RuntimeError):
    """Raised at startup when the configuration cannot run safely."""


def create_app(config: type[Config] | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the Engage application.

    `config` is a config class (default: the one ENGAGE_ENV names); `overrides`
    are applied on top of it (tests use them to point at their database).
    """
    app = Flask(
        "engage",  # the package: its name is the app's (and its logger's), as when this was engage/__init__.py
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
    )
    app.config.from_object((config or config_from_env())())
    app.config.update(overrides or {})
    _check_configuration(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.url_map.converters["id"] = IdConverter
    _init_extensions(app)
    # Around the page cache's middleware (installed with the extensions): stored pages are found by
    # the address the visitor asked for.
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _configure_sqlite(app)
    components.install(app, components.load(app.config["COMPONENTS"]))

    from . import cli, errors, i18n, templating

    errors.register_error_handlers(app)
    i18n.init_app(app)
    templating.init_app(app)
    cli.register_commands(app)
    static_files.init_app(app)
    return app


def _check_configuration(app: Flask) -> None:
    env = app.config.get("ENV_NAME", "production")
    secret = app.config.get("SECRET_KEY")
    if env in _DEVELOPMENT_ENVS:
        return
    if not secret or len(secret) < 32:
        raise ConfigurationError(
            "SECRET_KEY must be set to a long random value outside development "
            "(ENGAGE_ENV is %r). Generate one with:\n"
            "  python -c 'import secrets; print(secrets.token_hex(32))'" % env
        )
    if not app.config.get("BASE_URL", "").startswith(("https://", "http://")):
        raise ConfigurationError(
            "BASE_URL must be set to the address people use to reach Engage, "
            "for example BASE_URL=https://engage.example-district.org (links in emails are built on it)."
        )


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    queue.init_app(app)
    caching.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    app.after_request(_keep_personal_responses_out_of_caches)
    page_cache.init_app(app)


@migrate.configure
def _read_the_components_migrations(config):
    """Alembic reads the revisions in migrations/versions and in each component's own folder, of
    every component, listed or not: the history is one line, so a revision stays readable when its
    component is left out (its tables stay, unused)."""
    folders = components.migration_folders(components.every_component())
    if folders:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join([str(PROJECT_DIR / "migrations" / "versions"),
                                                                      *folders]))
    return config


def _keep_personal_responses_out_of_caches(response: Response) -> Response:
    """`Cache-Control: no-store` on every response that belongs to one person.

    Neither the browser (a shared computer's, after its user signed out) nor a
    proxy may keep or replay it. One person's: anything a signed-in person sees
    (their account, leaders' dashboards and exports); pages reached by a link
    with a token in it; the answer to a sent form, which can show what was
    typed; and any response that sets a cookie. Static files, and the public
    pages people without an account read, stay cacheable.
    """
    if request.endpoint == "static" or "no-store" in response.headers.get("Cache-Control", ""):
        return response
    if (
        request.method not in ("GET", "HEAD")
        or any(name.endswith("token") for name in request.view_args or {})
        # The session cookie is written after this hook, when the session changed.
        or "Set-Cookie" in response.headers
        or session.modified
        or current_user.is_authenticated
    ):
        response.headers["Cache-Control"] = "no-store"
    return response


def _configure_sqlite(app: Flask) -> None:
    """Per connection: enforce ON DELETE rules (SQLite ignores them unless asked),
    let readers go on while one writer writes (WAL), and wait for a busy
    writer rather than fail at once (many people signing up at the same moment)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            dbapi_connection.execute("PRAGMA busy_timeout=30000")
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
