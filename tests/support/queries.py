"""Counting the SQL statements a request runs (list pages must stay flat as rows grow)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from engage.extensions import db


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
