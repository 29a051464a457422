"""Fixtures: the app on a real database, clients, and one person per role.

The suite runs on SQLite by default. With TEST_DATABASE_URL set it runs on
PostgreSQL, in a database created for this run and dropped afterwards. The
schema is built by the Alembic migrations, so they are tested too.
"""

from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager

import pytest
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from config import TestingConfig, with_psycopg_driver
from engage import create_app
from engage.accounts.models import User
from engage.extensions import db, limiter
from engage.models import utcnow
from engage.orgs.models import Membership, Organization, OrganizationKind
from engage.permissions import Role

PASSWORD = "correct horse battery staple"
ROLES = ("anonymous", "participant", "host", "moderator", "leader", "admin")
IN_CI = bool(os.environ.get("CI"))


def require_or_skip(reason: str) -> None:
    """Skip locally; fail in CI, where every prerequisite must be present."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture
def app_servers(tmp_path):
    """Runs a script as separate app-server processes sharing one Redis (database 15, emptied
    before and after) and one SQLite file: `app_servers(script, *args)` gives the lines it printed."""
    import os
    import subprocess
    import sys

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        store = redis.Redis.from_url(url, socket_connect_timeout=1)
        store.flushdb()
    except redis.exceptions.ConnectionError:
        require_or_skip("Redis is not running at 127.0.0.1:6379")
    env = dict(os.environ, REDIS_URL=url, DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
               ENGAGE_INSTANCE_PATH=str(tmp_path))

    def run(script: str, *args: str) -> list[str]:
        result = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True,
                                timeout=120, check=True)
        return result.stdout.strip().splitlines()

    yield run
    store.flushdb()


@contextmanager
def _postgres_test_database(server_url: str):
    url = make_url(with_psycopg_driver(server_url))
    name = f"engage_test_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem means "no PostgreSQL"
        admin_engine.dispose()
        require_or_skip(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {exc}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        with _postgres_test_database(os.environ["TEST_DATABASE_URL"]) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'engage-test.sqlite3'}"


def _fresh_request_globals(sender, **_extra):
    # Tests hold an app context so they can use the database directly; Flask
    # then reuses it for test-client requests. A real server gives every
    # request its own `g` (signed-in user, language), so start each request
    # with an empty one.
    for name in list(g):
        g.pop(name)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    request_started.connect(_fresh_request_globals, app, weak=False)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts with empty tables and fresh rate limits."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


_CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    match = _CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, *, form_page: str | None = None, **kwargs):
    """POST like a browser: with the CSRF token from the page that shows the form."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, form_page or "/")
    return client.post(path, data=data, **kwargs)


def make_user(
    *,
    email: str | None = None,
    role: Role = Role.PARTICIPANT,
    name: str = "Test Person",
    verified: bool = True,
    password: str = PASSWORD,
    organization: Organization | None = None,
) -> User:
    user = User(
        email=email or f"person-{uuid.uuid4().hex[:8]}@example.org",
        display_name=name,
        role=role.value,
        email_verified_at=utcnow() if verified else None,
    )
    user.set_password(password)
    db.session.add(user)
    if organization is not None:
        db.session.add(Membership(user=user, organization=organization))
    db.session.commit()
    return user


def make_organization(name: str = "Test PTO", *, hosts: bool = True) -> Organization:
    org = Organization(name=name, kind=OrganizationKind.PTO, hosts_conversations=hosts)
    db.session.add(org)
    db.session.commit()
    return org


@pytest.fixture
def users(app) -> dict[str, User]:
    """One person per role; the host belongs to a hosting organization."""
    pto = make_organization("Hosting PTO")
    return {
        "participant": make_user(email="participant@example.org", name="Pat"),
        "host": make_user(email="host@example.org", name="Hana", organization=pto),
        "moderator": make_user(email="moderator@example.org", role=Role.MODERATOR, name="Mo"),
        "leader": make_user(email="leader@example.org", role=Role.LEADER, name="Lee"),
        "admin": make_user(email="admin@example.org", role=Role.ADMIN, name="Ari"),
    }


def log_in(client, email: str, password: str = PASSWORD, **extra):
    return post_form(client, "/login", {"email": email, "password": password, **extra}, form_page="/login")


@pytest.fixture
def client_as(app, users):
    """client_as("leader") -> a test client signed in as that role's person."""

    def make(role: str):
        client = app.test_client()
        if role != "anonymous":
            response = log_in(client, users[role].email)
            assert response.status_code == 302, f"could not sign in as {role}"
        return client

    return make


@contextmanager
def count_queries():
    """Count SQL statements run inside the block: `with count_queries() as q: ...; q.count`."""

    class Counter:
        count = 0

    counter = Counter()

    def on_execute(*_args, **_kwargs):
        counter.count += 1

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
