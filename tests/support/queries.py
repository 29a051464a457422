"""Counting the SQL statements a request runs (list pages must stay flat as rows grow)."""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app
from sqlalchemy import event

from engage.extensions import db


@contextmanager
def count_queries(*, page_cache: bool = False):
    """Count SQL statements run inside the block: `with count_queries() as q: ...; q.count`.

    The page cache is off inside the block (unless `page_cache`): a page's queries are counted as
    it is made, not as it is served from the cache (tests/test_page_cache.py counts those).
    """

    class Counter:
        count = 0

    counter = Counter()

    def on_execute(*_args, **_kwargs):
        counter.count += 1

    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if not page_cache:
        current_app.config["PAGE_CACHE_SECONDS"] = 0
    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
        current_app.config["PAGE_CACHE_SECONDS"] = seconds
