"""Cached reads that are never stale: values kept under the version of the data they were read from.

A feature names the tables a cached read depends on as a *scope*
(`watch("themes", Comment, SurveyAnswer, ...)`). Every transaction that
writes one of those tables, through the ORM's unit of work or through an
`insert`/`update`/`delete` statement sent on the session, gives the scope a
new random token in the `data_versions` table when it commits, in the same
transaction. `cached_read` keys each value by the tokens of its scopes, read
in one query, so a change shows on the very next request, in every app
server, whatever cache they share or keep.

The values live in Flask-Caching: Redis when REDIS_URL is set (shared by the
app servers), otherwise a cache in each process (one machine). Tokens are
random, not counters, so a rolled-back transaction can never make a number
come back meaning other data. A value is stored only when the tokens did not
move while it was computed; a write that commits meanwhile makes the next
request compute again.

Every table is also a scope of its own, `table_scope(name)`, changed by every
write to it and by the deletes that cascade to it in the database: the page
cache (engage.page_cache) records the tables a page reads (`record_reads`)
and keeps the page under their versions.

Writes that do not go through the ORM session (a database console) are not
seen: scopes must watch the tables whose changes reach the data, and `bump`
exists for anything else.

With Redis, the versions are also mirrored there (`VersionMirror`), so a
cache hit asks Redis alone, not the database. Each version carries a counter
that the database raises under the row's lock, so it grows in commit order;
after its commit a transaction raises the mirror's entries to its counters,
and the mirror only moves forward, whatever order app servers' writes reach
it in. The mirror is read from the database again each minute (and whenever
Redis lost it), so a change whose mirroring failed, Redis being unreachable
for a moment, shows within a minute.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from functools import cache as memoize
from typing import TypeVar

import redis
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_caching import Cache
from sqlalchemy import BigInteger, String, TableClause, event, inspect, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column
from sqlalchemy.sql import visitors

from .extensions import db, dialect_insert

cache = Cache()

T = TypeVar("T")
_PENDING = "engage.caching.changed_scopes"
_COMMITTING = "engage.caching.committed_versions"
_MIRROR = "engage_versions_mirror"  # in app.extensions, when REDIS_URL is set
_READS = "engage_caching_reads"  # in flask.g while a request records what it reads
#: table name -> the scopes whose reads it feeds
_SCOPES_BY_TABLE: dict[str, set[str]] = {}


class DataVersion(db.Model):
    """The version of one scope's data: a new random token at every change."""

    __tablename__ = "data_versions"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")  # its changes, so far
    token: Mapped[str] = mapped_column(String(32))


def _version(counter: int, token: str) -> str:
    return f"{counter}:{token}"


class VersionMirror:
    """The scopes' versions, mirrored in Redis: a field per scope, and a mark that the mirror holds
    them all (it was read from the database within the minute)."""

    LIFETIME_SECONDS = 60
    _COMPLETE = "~complete"
    # Raises each scope's entry to the counter given, never lowers it; when filling the mirror from
    # the database, marks it complete for LIFETIME_SECONDS.
    _RAISE = """
    for i = 2, #ARGV, 3 do
      local old = redis.call('HGET', KEYS[1], ARGV[i])
      if (not old) or tonumber(string.match(old, '^%d+')) < tonumber(ARGV[i + 1]) then
        redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ':' .. ARGV[i + 2])
      end
    end
    if tonumber(ARGV[1]) > 0 then
      redis.call('HSET', KEYS[1], '~complete', '1')
      redis.call('EXPIRE', KEYS[1], ARGV[1])
    end
    """

    def __init__(self, url: str, key: str) -> None:
        self.key = key
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._raise = self.redis.register_script(self._RAISE)

    def read(self, scopes: list[str] | None = None) -> dict[str, str]:
        """The scopes' versions (every scope's, if None); read from the database (and the mirror
        filled) when Redis does not hold them all, or is out of reach."""
        try:
            if scopes is None:
                mirrored = {scope.decode(): version for scope, version in self.redis.hgetall(self.key).items()}
            else:
                mirrored = dict(zip([self._COMPLETE, *scopes], self.redis.hmget(self.key, [self._COMPLETE, *scopes])))
        except redis.RedisError as error:
            logging.getLogger(__name__).warning("Versions read from the database: Redis failed (%s)", error)
            return _versions_in_database()
        if mirrored.pop(self._COMPLETE, None):
            return {scope: version.decode() for scope, version in mirrored.items() if version is not None}
        rows = _version_rows()
        self.raise_to(rows, complete=True)
        return {scope: _version(counter, token) for scope, counter, token in rows}

    def raise_to(self, rows: Iterable[tuple[str, int, str]], complete: bool = False) -> None:
        arguments = [self.LIFETIME_SECONDS if complete else 0]
        for scope, counter, token in rows:
            arguments += [scope, counter, token]
        try:
            self._raise(keys=[self.key], args=arguments)
        except redis.RedisError as error:
            logging.getLogger(__name__).warning("Versions not mirrored in Redis (%s)", error)


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    defaults = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url} if redis_url else \
        {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 500}
    for name, value in {**defaults, "CACHE_KEY_PREFIX": "engage:cache:", "CACHE_DEFAULT_TIMEOUT": 3600}.items():
        app.config.setdefault(name, value)
    cache.init_app(app)
    if redis_url:
        app.extensions[_MIRROR] = VersionMirror(redis_url, app.config["CACHE_KEY_PREFIX"] + "versions")


def _mirror() -> VersionMirror | None:
    return current_app.extensions.get(_MIRROR) if has_app_context() else None


def watch(scope: str, *models) -> None:
    """Every change to the models' tables gives `scope` a new version."""
    for model in models:
        table = getattr(model, "__table__", model)
        _SCOPES_BY_TABLE.setdefault(table.name, set()).add(scope)


def table_scope(table_name: str) -> str:
    return f"table:{table_name}"


def all_versions() -> dict[str, str]:
    """Every scope's current version, by scope: from Redis, or in one query."""
    mirror = _mirror()
    return mirror.read() if mirror else _versions_in_database()


def _version_rows() -> list[tuple[str, int, str]]:
    return db.session.execute(select(DataVersion.scope, DataVersion.counter, DataVersion.token)).all()


def _versions_in_database() -> dict[str, str]:
    return {scope: _version(counter, token) for scope, counter, token in _version_rows()}


def record_reads() -> None:
    """From now until `recorded_reads()`, note the scopes this request reads: the tables of its
    ORM queries, and the scopes of its `cached_read`s."""
    setattr(g, _READS, set())


def recorded_reads() -> set[str] | None:
    """The scopes read since `record_reads()` (None if it was not called), and stop recording."""
    return g.pop(_READS, None)


def _reads_recorded() -> set[str] | None:
    return g.get(_READS) if has_request_context() else None


def _note_reads(scopes: Iterable[str]) -> None:
    reads = _reads_recorded()
    if reads is not None:
        reads.update(scopes)


def versions(scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes' current versions, in the order given ("" for a scope never changed)."""
    scopes = list(scopes)
    mirror = _mirror()
    if mirror is None:
        found = {scope: _version(counter, token) for scope, counter, token in db.session.execute(
            select(DataVersion.scope, DataVersion.counter, DataVersion.token).where(DataVersion.scope.in_(scopes)))}
    else:
        found = mirror.read(scopes)
    return tuple(found.get(scope, "") for scope in scopes)


def cached_read(key: str, scopes: Iterable[str], compute: Callable[[], T],
                keep: Callable[[T], bool] = lambda _value: True) -> T:
    """`compute()`'s value for `key` at the scopes' current versions: from the cache when it holds
    one, else computed now, and kept if `keep(value)` and the scopes did not change meanwhile."""
    scopes = list(scopes)
    _note_reads(scopes)
    before = versions(scopes)
    versioned_key = ":".join([key, *before])
    value = cache.get(versioned_key)
    if value is None:
        value = compute()
        if keep(value) and versions(scopes) == before:
            cache.set(versioned_key, value)
    return value


def bump(session: Session, scopes: Iterable[str]) -> None:
    """Give the scopes new versions when the session's transaction commits."""
    session.info.setdefault(_PENDING, set()).update(scopes)


def _note_tables(session: Session, tables: Iterable[str]) -> None:
    for table in tables:
        if not table or table == DataVersion.__tablename__:
            continue
        bump(session, _SCOPES_BY_TABLE.get(table, set()) | {table_scope(name) for name in _changed_with(table)})


@memoize
def _changed_with(table_name: str) -> frozenset[str]:
    """The table, and the tables whose rows the database changes when its rows go (ON DELETE
    CASCADE or SET NULL), and theirs."""
    changed, waiting = {table_name}, [table_name]
    while waiting:
        parent = waiting.pop()
        for table in db.metadata.tables.values():
            if table.name not in changed and any(
                    key.column.table.name == parent and (key.ondelete or "").upper() in ("CASCADE", "SET NULL")
                    for key in table.foreign_keys):
                changed.add(table.name)
                waiting.append(table.name)
    return frozenset(changed)


@event.listens_for(Session, "do_orm_execute")
def _note_tables_read(state: ORMExecuteState) -> None:
    reads = _reads_recorded()
    if reads is not None and state.is_select:
        reads.update(table_scope(element.name) for element in visitors.iterate(state.statement)
                     if isinstance(element, TableClause) and element.name)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _flush_context) -> None:
    # After a flush the session still lists what it wrote as new, dirty and deleted.
    _note_tables(session, {table for group in (session.new, session.dirty, session.deleted) for obj in group
                           for table in _tables_written_with(type(obj))})


@memoize
def _tables_written_with(model: type) -> tuple[str, ...]:
    """A model's tables, and the association tables its relationships write (`secondary`)."""
    mapper = inspect(model)
    return tuple({table.name for table in mapper.tables}
                 | {rel.secondary.name for rel in mapper.relationships if rel.secondary is not None})


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None:
            _note_tables(state.session, [table.name])


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(_PENDING, None)
        session.info.pop(_COMMITTING, None)


@event.listens_for(Session, "before_commit")
def _new_versions(session: Session) -> None:
    session.flush()  # what commit would flush next may belong to a scope too
    scopes = session.info.pop(_PENDING, None)
    if not scopes:
        return
    # One statement for them all; sorted, so two transactions lock the rows in one order and cannot
    # deadlock. The counter is raised under the row's lock: it grows in the order of the commits.
    upsert = dialect_insert(DataVersion).values([{"scope": scope, "counter": 1, "token": secrets.token_hex(16)}
                                                 for scope in sorted(scopes)])
    session.info[_COMMITTING] = session.execute(upsert.on_conflict_do_update(
        index_elements=["scope"], set_={"counter": DataVersion.counter + 1, "token": upsert.excluded.token},
    ).returning(DataVersion.scope, DataVersion.counter, DataVersion.token)).all()


@event.listens_for(Session, "after_commit")
def _mirror_new_versions(session: Session) -> None:
    committed = session.info.pop(_COMMITTING, None)
    mirror = _mirror()
    if committed and mirror:
        mirror.raise_to(committed)
