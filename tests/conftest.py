"""Fixtures: the app on a real database, clients, and one person per role.

The suite runs on SQLite by default. With TEST_DATABASE_URL set it runs on
PostgreSQL, in a database created for this run and dropped afterwards. The
schema is built by the Alembic migrations, so they are tested too.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from flask import g, request_started
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import TestingConfig
from engage import create_app, queue
from engage.accounts.models import User
from engage.extensions import db, limiter
from engage.queue import huey
from engage.permissions import Role
from tests.support.environment import postgres_test_database, redis_test_url, require_or_skip
from tests.support.people import make_organization, make_user
from tests.support.web import log_in


@pytest.fixture
def app_servers(tmp_path):
    """Runs a script as separate app-server processes sharing one Redis (this process's database,
    emptied before and after) and one SQLite file: `app_servers(script, *args)` gives the lines it printed."""
    import redis

    url = redis_test_url()
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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        with postgres_test_database(os.environ["TEST_DATABASE_URL"]) as url:
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


class WholeResponseClient(FlaskClient):
    """Reads each response whole as it comes, as a server sends it: a streamed file (a CSV export)
    left unread would keep its request's context open until it is collected, in another test.
    `buffered=False` reads a stream piece by piece."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = WholeResponseClient
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


@pytest.fixture
def users(app) -> dict[str, User]:
    """One person per role; the host belongs to a hosting organization."""
    pto = make_organization("Hosting PTO")
    return {
        "participant": make_user(email="participant@example.org", name="Pat"),
        "host": make_user(email="host@example.org", name="Hana", organization=pto),
        "moderator": make_user(email="moderator@example.org", role=Role.MODERATOR, name="Mo"),
        "translator": make_user(email="translator@example.org", role=Role.TRANSLATOR, name="Tran"),
        "leader": make_user(email="leader@example.org", role=Role.LEADER, name="Lee"),
        "admin": make_user(email="admin@example.org", role=Role.ADMIN, name="Ari"),
    }


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


@pytest.fixture
def queued_app(app, database_url, tmp_path):
    """An app on the suite's database whose jobs wait in a real SQLite queue, for a worker."""
    queued = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "QUEUE_IMMEDIATE": False,
                                        "QUEUE_SQLITE_PATH": str(tmp_path / "queue.sqlite3")})
    yield queued
    with queued.app_context():
        huey.flush()
        db.engine.dispose()
    queue.init_app(app)  # the queue the rest of the suite uses
