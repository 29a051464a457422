"""CSRF, security headers, cookies, rate limits and configuration safety."""

from __future__ import annotations

import pytest

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from engage import ConfigurationError, create_app
from tests.support.people import make_user
from tests.support.web import log_in, post_form


def test_every_form_post_without_a_csrf_token_is_refused_with_a_friendly_page(client, users):
    for path in ("/login", "/register", "/password/forgot", "/language", "/logout"):
        response = client.post(path, data={"email": "participant@example.org", "password": "x"})
        assert response.status_code == 400, path
        assert "This form had expired" in response.get_data(as_text=True)


def test_pages_send_a_strict_content_security_policy_and_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_templates_have_no_inline_scripts_or_styles(client):
    import re

    html = client.get("/register").get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all('src="/static/' in tag for tag in scripts)
    assert "style=" not in html and "<style" not in html


def test_session_cookies_are_secure_outside_development(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    app = create_app(ProductionConfig, {"SECRET_KEY": "x" * 64, "BASE_URL": "https://engage.example.org",
                                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    assert not app.debug


@pytest.mark.parametrize("secret", [None, "", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        create_app(ProductionConfig, {"SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_starts_without_a_secret_key():
    assert create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]


def test_unknown_engage_env_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ENGAGE_ENV", "staging-typo")
    with pytest.raises(RuntimeError, match="ENGAGE_ENV='staging-typo' is not one of"):
        create_app()


def test_database_url_uses_psycopg_3_and_redis_url_moves_rate_limits(monkeypatch):
    from config import Config, database_url_from_env

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/engage")
    assert database_url_from_env("sqlite://") == "postgresql+psycopg://u:p@db.internal/engage"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url_from_env("sqlite:///x") == "sqlite:///x"
    config = Config()
    config.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
    assert TestingConfig().RATELIMIT_STORAGE_URI == "memory://"


def test_the_default_database_is_sqlite_under_instance(monkeypatch):
    import importlib

    import config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
        assert reloaded.Config.SQLALCHEMY_DATABASE_URI.endswith("instance/engage.sqlite3")
    finally:
        importlib.reload(config)


def test_many_wrong_passwords_hit_a_friendly_rate_limit(app, client):
    make_user(email="pat@example.org")
    statuses = [log_in(client, "pat@example.org", "wrong password!").status_code for _ in range(12)]
    assert statuses[0] == 200 and statuses[-1] == 429
    limited = log_in(client, "pat@example.org", "wrong password!")
    assert "Signing in is paused for a while" in limited.get_data(as_text=True)
    assert "Retry-After" in limited.headers


def test_registration_and_reset_are_rate_limited(client):
    register = [post_form(client, "/register", {"email": f"p{i}@example.org"}, form_page="/register").status_code
                for i in range(11)]
    assert register[-1] == 429
    reset = [post_form(client, "/password/forgot", {"email": "a@example.org"}).status_code for _ in range(6)]
    assert reset[-1] == 429


APP_SERVER_SCRIPT = """
import sys
from flask_migrate import upgrade
from config import DevelopmentConfig
from engage import create_app
from tests.support.web import log_in

app = create_app(DevelopmentConfig, {"RATELIMIT_LOGIN": "2 per minute", "WTF_CSRF_ENABLED": False})
with app.app_context():
    upgrade()
client = app.test_client()
for _ in range(int(sys.argv[1])):
    print(client.post("/login", data={"email": "nobody@example.org", "password": "whatever pass"}).status_code)
"""


def test_rate_limits_are_shared_through_redis_by_separate_app_servers(app_servers):
    """Two processes (two app servers) with REDIS_URL count sign-in attempts together."""
    assert app_servers(APP_SERVER_SCRIPT, "2") == ["200", "200"]
    assert app_servers(APP_SERVER_SCRIPT, "1") == ["429"]


def test_trusted_hosts_refuse_other_host_headers_plainly(tmp_path):
    app = create_app(TestingConfig, {"TRUSTED_HOSTS": ["engage.example.org"],
                                     "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't.sqlite3'}"})
    client = app.test_client()
    assert client.get("/privacy", base_url="http://evil.example").status_code == 400
    assert client.get("/privacy", base_url="http://engage.example.org").status_code == 200


# A sample of the pages each role opens: their own account, leaders' data, admins' screens.
PAGES_BY_ROLE = {
    "participant": ["/account", "/account/profile", "/account/email"],
    "host": ["/host/", "/conversations/manage", "/conversations/toolkit"],
    "moderator": ["/moderation/"],
    "leader": ["/leadership/participation", "/leadership/participation.csv", "/plans/manage", "/surveys/manage"],
    "admin": ["/admin/users", "/admin/outbox", "/admin/audit", "/leadership/enrollment"],
}


def never_stored(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("role", PAGES_BY_ROLE)
def test_no_page_a_signed_in_person_sees_is_stored_by_browsers_or_proxies(client_as, role):
    client = client_as(role)
    # Public pages too: they show the person's name and a sign-out button.
    for path in ["/", "/privacy", *PAGES_BY_ROLE[role]]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert never_stored(response), path


def test_sign_in_pages_and_emailed_links_are_never_stored(client):
    from sqlalchemy import select

    from engage.extensions import db
    from engage.mail.models import OutboxMessage

    make_user(email="pat@example.org")
    client.get("/"), client.get("/privacy")  # the visitor already has their session cookie
    for path in ("/login", "/register", "/password/forgot", "/verify/damaged", "/password/reset/damaged"):
        assert never_stored(client.get(path)), path
    assert never_stored(post_form(client, "/password/forgot", {"email": "pat@example.org"}))
    body = db.session.scalar(select(OutboxMessage.body_text))
    reset_link = body.split("http://localhost", 1)[1].split()[0]
    page = client.get(reset_link)
    assert page.status_code == 200 and never_stored(page)


def test_static_files_and_public_pages_for_visitors_stay_cacheable(client_as):
    signed_in = client_as("participant")
    stylesheet = signed_in.get("/static/css/engage.css")
    stylesheet.close()
    assert stylesheet.status_code == 200 and not never_stored(stylesheet)
    visitor = client_as("anonymous")
    for path in ("/", "/privacy", "/plans/", "/", "/privacy", "/plans/"):
        response = visitor.get(path)
        # An answer that hands out or changes a cookie is this visitor's alone: no cache may keep it.
        assert response.status_code == 200, path
        assert never_stored(response) == ("Set-Cookie" in response.headers), path
    assert not never_stored(response)  # once the visitor has their cookie, public pages are cacheable
