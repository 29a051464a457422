"""What the suite needs from the machine: a database server, Redis, a browser. Missing ones skip a
test locally and fail it in CI."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import with_psycopg_driver

IN_CI = bool(os.environ.get("CI"))


def require_or_skip(reason: str) -> None:
    """Skip locally; fail in CI, where every prerequisite must be present."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def redis_test_url() -> str:
    """A Redis database of this test process's own: 15, or 15 - n for pytest-xdist's worker n,
    so processes running side by side never empty each other's."""
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{15 - int(worker.removeprefix('gw'))}"


@contextmanager
def postgres_test_database(server_url: str):
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
