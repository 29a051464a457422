"""The job queue: Huey, with its storage chosen by the app's config.

Redis when REDIS_URL is set (several app servers and workers share it), else a
SQLite file under instance/ (one machine, no server). Run a consumer with
`flask --app engage queue worker`. With QUEUE_IMMEDIATE (the test suite) each
job runs at once in the process that enqueues it, with its own app context
and database session, as it would in a worker.

`huey` is one object for the whole process, because jobs are registered on it
when their modules are imported; but its storage and immediate mode belong to
each app (kept in app.extensions by init_app). A process may hold several
apps (the test suite builds some with production settings beside its own),
and each one's jobs go to its own queue. Threads with no app context, such as
the consumer's workers and scheduler, use the app configured last: the only
one in a worker or app server process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import BaseStorage, MemoryStorage, RedisStorage, SqliteStorage

EXTENSION_KEY = "engage.queue"


@dataclass
class QueueSettings:
    storage: BaseStorage
    immediate: bool


_app: Flask | None = None


def _settings() -> QueueSettings | None:
    app = current_app._get_current_object() if has_app_context() else _app
    return app.extensions.get(EXTENSION_KEY) if app is not None else None


class AppHuey(Huey):
    """A Huey whose storage and immediate mode are those of the app in use."""

    _own_storage: BaseStorage | None = None
    _own_immediate: bool = False

    @property
    def storage(self) -> BaseStorage:
        settings = _settings()
        return settings.storage if settings is not None else self._own_storage

    @storage.setter
    def storage(self, value: BaseStorage) -> None:
        settings = _settings()
        if settings is not None:
            settings.storage = value
        else:
            self._own_storage = value

    @property
    def _immediate(self) -> bool:
        settings = _settings()
        return settings.immediate if settings is not None else self._own_immediate

    @_immediate.setter
    def _immediate(self, value: bool) -> None:
        settings = _settings()
        if settings is not None:
            settings.immediate = value
        else:
            self._own_immediate = value


huey = AppHuey("engage", results=False, utc=True, storage_class=MemoryStorage)


def create_storage(app: Flask) -> BaseStorage:
    """The queue's storage for this app's config (memory when jobs run immediately)."""
    if app.config["QUEUE_IMMEDIATE"]:
        return MemoryStorage(huey.name)
    if app.config.get("REDIS_URL"):
        return RedisStorage(huey.name, url=app.config["REDIS_URL"])
    # A busy SQLite file (many app server processes adding jobs at once) waits
    # rather than failing the request that sends an email.
    return SqliteStorage(huey.name, filename=app.config["QUEUE_SQLITE_PATH"], timeout=30)


def init_app(app: Flask) -> None:
    """Give the app its queue, and make it the one context-less threads use."""
    global _app
    app.extensions[EXTENSION_KEY] = QueueSettings(
        storage=create_storage(app), immediate=bool(app.config["QUEUE_IMMEDIATE"])
    )
    app.extensions["huey"] = huey
    _app = app


def describe_storage(app: Flask) -> str:
    """Where the app's jobs wait, for people reading a log (no password shown)."""
    if app.config["QUEUE_IMMEDIATE"]:
        return "nowhere: QUEUE_IMMEDIATE runs each job at once"
    if app.config.get("REDIS_URL"):
        url = urlsplit(app.config["REDIS_URL"])
        return f"Redis at {url.hostname or 'localhost'}:{url.port or 6379}{url.path or '/0'}"
    return f"the SQLite file {app.config['QUEUE_SQLITE_PATH']}"


def _in_app_context(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _app
        if app is None:
            raise RuntimeError("the job queue was used before create_app() configured it")
        with app.app_context():
            return func(*args, **kwargs)

    return run


def job(**options):
    """Like huey.task: the function runs later, in a worker, inside the app context."""
    return lambda func: huey.task(**options)(_in_app_context(func))


def periodic_job(schedule, **options):
    """Like huey.periodic_task (schedule is a huey.crontab), inside the app context."""
    return lambda func: huey.periodic_task(schedule, **options)(_in_app_context(func))
