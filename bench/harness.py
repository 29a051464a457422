"""What every benchmark shares: a freshly migrated app, a SQL statement
counter, and the timing loop with its figures (requests per second, p50 and
p95 latency, statements per request)."""

from __future__ import annotations

import statistics
import sys
import time

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from config import TestingConfig, database_url_from_env
from engage import create_app
from engage.accounts.models import User
from engage.extensions import db

HEADER = f"{'':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>10}"


def bench_app(tmp_dir: str, **overrides) -> Flask:
    """The app on a temporary SQLite file, or on the empty database DATABASE_URL names, migrated.

    CSRF and rate limits are off: the benchmarks time pages, not those checks.
    `overrides` are further config values (a real job queue, say).
    """
    url = database_url_from_env(f"sqlite:///{tmp_dir}/bench.sqlite3")
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                                     "RATELIMIT_ENABLED": False, **overrides})
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count()).select_from(User)):
            sys.exit("DATABASE_URL must point at an empty database")
    return app


def count_statements(engine) -> list[int]:
    """A one-item list that every SQL statement on the engine adds one to; reset it to 0 to start counting."""
    queries = [0]
    event.listen(engine, "before_cursor_execute", lambda *a, **k: queries.__setitem__(0, queries[0] + 1))
    return queries


def measure(label: str, count: int, send, queries: list[int], after=None) -> None:
    """Call send(i) count times after one warm-up call, and print one line of figures.

    after, when given, runs after each call, outside the timing.
    """
    send(-1)  # warm up: compile templates, fill caches
    if after:
        after()
    timings, statements = [], []
    for i in range(count):
        queries[0] = 0
        started = time.perf_counter()
        send(i)
        timings.append(time.perf_counter() - started)
        statements.append(queries[0])
        if after:
            after()
    p50 = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1] * 1000
    low, high = min(statements), max(statements)
    per_request = str(low) if low == high else f"{low}-{high}"
    print(f"{label:<22}{count / sum(timings):>9.1f}{p50:>9.1f}{p95:>9.1f}{per_request:>10}")
