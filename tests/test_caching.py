"""Cached reads: every write to a watched table, however it is sent, gives its scope a new version,
so a cached value is never read after what it was computed from changed."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import delete, insert, select, update

from datetime import timedelta

from engage import caching
from engage.comments import services as comments
from engage.comments.models import Comment, CommentStatus
from engage.extensions import db
from engage.models import utcnow
from engage.plans import services as plans
from engage.themes.models import ThemeAnalysis
from tests.plans.factories import make_plan
from tests.support.environment import redis_test_url, require_or_skip
from tests.support.queries import count_queries

FEEDBACK = "feedback"


def open_plan(leader):
    plan = make_plan(feedback_opens_at=utcnow() - timedelta(days=1))
    plans.publish_version(leader, plan, status="draft")
    return plan


def make_comment(plan, author, body: str) -> Comment:
    return comments.post_comment(author, plan, body=body, submission_token=body[:60])


def version() -> str:
    db.session.expire_all()
    return caching.versions([FEEDBACK])[0]


def test_every_kind_of_write_to_a_watched_table_gives_a_new_version(users):
    plan = open_plan(users["leader"])
    seen = [version()]

    def changed() -> bool:
        seen.append(version())
        return seen[-1] != seen[-2]

    comment = make_comment(plan, users["participant"], "The buses are late")
    assert changed()
    comment.status = CommentStatus.HIDDEN  # the unit of work
    db.session.commit()
    assert changed()
    db.session.execute(update(Comment).where(Comment.id == comment.id).values(support_count=3))
    db.session.commit()
    assert changed()
    db.session.execute(insert(Comment), [{
        "plan_id": plan.id, "version_id": comment.version_id, "author_id": users["participant"].id,
        "body": "More interpreters", "submission_token": "bulk-1"}])
    db.session.commit()
    assert changed()
    db.session.execute(delete(Comment).where(Comment.submission_token == "bulk-1"))
    db.session.commit()
    assert changed()
    db.session.delete(comment)
    db.session.commit()
    assert changed()


def test_a_write_rolled_back_or_to_another_scope_keeps_the_version(users):
    plan = open_plan(users["leader"])
    make_comment(plan, users["participant"], "The buses are late")
    before = version()
    db.session.execute(update(Comment).values(support_count=9))
    db.session.rollback()
    assert version() == before
    db.session.add(ThemeAnalysis(plan_id=plan.id, title="Another look", created_by_id=users["leader"].id))  # the "themes" scope
    db.session.commit()
    assert version() == before
    assert caching.versions(["themes"])[0] != ""


def test_a_cached_read_is_computed_again_after_a_change_and_only_then(users):
    plan = open_plan(users["leader"])
    calls = []

    def bodies() -> list[str]:
        calls.append(1)
        return list(db.session.scalars(select(Comment.body).where(Comment.plan_id == plan.id).order_by(Comment.id)))

    def read() -> list[str]:
        return caching.cached_read(f"test:bodies:{plan.id}", [FEEDBACK], bodies)

    assert read() == [] and read() == [] and len(calls) == 1
    make_comment(plan, users["participant"], "The buses are late")
    assert read() == ["The buses are late"] and read() == ["The buses are late"] and len(calls) == 2


def test_a_value_is_not_kept_when_asked_or_when_the_data_changed_while_it_was_computed(users):
    plan = open_plan(users["leader"])
    calls = []

    def write_while_computing() -> int:
        calls.append(1)
        if len(calls) == 1:
            make_comment(plan, users["participant"], f"Comment {len(calls)}")
        return len(calls)

    key, scopes = f"test:racing:{plan.id}", [FEEDBACK]
    assert caching.cached_read(key, scopes, write_while_computing) == 1  # computed before the write showed
    assert caching.cached_read(key, scopes, write_while_computing) == 2
    assert caching.cached_read(key, scopes, write_while_computing) == 2
    assert caching.cached_read("test:unkept", scopes, lambda: len(calls), keep=lambda _value: False) == 2
    calls.append(1)
    assert caching.cached_read("test:unkept", scopes, lambda: len(calls), keep=lambda _value: False) == 3


APP_SERVER_SCRIPT = """
import sys
from flask_migrate import upgrade
from sqlalchemy import func, select
from config import DevelopmentConfig
from engage import caching, create_app
from engage.extensions import db

app = create_app(DevelopmentConfig)
from engage.audit.models import AuditEvent
caching.watch("test-audit", AuditEvent)
assert app.config["CACHE_TYPE"] == "RedisCache"
with app.app_context():
    upgrade()
    if sys.argv[1] == "write":
        db.session.add(AuditEvent(action="test.cached", target_type="test"))
        db.session.commit()
    count = lambda: db.session.scalar(select(func.count()).select_from(AuditEvent))
    print(caching.cached_read("test:audit-count", ["test-audit"], count), caching.cache.get("test:seen") or 0)
    caching.cache.set("test:seen", 1)
"""


def test_separate_app_servers_share_the_cache_and_never_read_a_stale_value(app_servers):
    assert app_servers(APP_SERVER_SCRIPT, "read") == ["0 0"]
    assert app_servers(APP_SERVER_SCRIPT, "read") == ["0 1"]  # the second server reads the first's cache
    assert app_servers(APP_SERVER_SCRIPT, "write") == ["1 1"]
    assert app_servers(APP_SERVER_SCRIPT, "read") == ["1 1"]


@pytest.fixture
def mirror(app):
    """The versions' mirror on this test process's Redis database, emptied before and after."""
    url = redis_test_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        require_or_skip("Redis is not running at 127.0.0.1:6379")
    mirror = caching.VersionMirror(url, "test:versions")
    app.extensions["engage_versions_mirror"] = mirror
    yield mirror
    del app.extensions["engage_versions_mirror"]
    mirror.redis.flushdb()


def test_the_mirror_holds_what_each_commit_wrote_and_only_moves_forward(users, mirror):
    plan = open_plan(users["leader"])
    make_comment(plan, users["participant"], "The buses are late")
    assert mirror.read() == caching._versions_in_database()  # filled from the database: it was empty
    with count_queries() as counted:
        assert mirror.read() == caching._versions_in_database()
    assert counted.count == 1  # the comparison's: the mirror, now complete, answered alone
    make_comment(plan, users["participant"], "More interpreters")
    in_database = caching._versions_in_database()
    assert mirror.read([FEEDBACK]) == {FEEDBACK: in_database[FEEDBACK]}

    counter, token = in_database[FEEDBACK].split(":")
    mirror.raise_to([(FEEDBACK, int(counter) - 1, "older")])  # a commit that came before, mirrored late
    assert mirror.read([FEEDBACK])[FEEDBACK] == in_database[FEEDBACK]
    mirror.raise_to([(FEEDBACK, int(counter) + 1, "newer")])
    assert mirror.read([FEEDBACK])[FEEDBACK] == f"{int(counter) + 1}:newer"


def test_a_lost_mirror_is_filled_again_and_redis_out_of_reach_falls_back_to_the_database(app, users, mirror):
    plan = open_plan(users["leader"])
    make_comment(plan, users["participant"], "The buses are late")
    mirror.redis.flushdb()  # Redis restarted empty, or the mirror's minute ran out
    assert caching.versions([FEEDBACK]) == (caching._versions_in_database()[FEEDBACK],)
    assert mirror.redis.hget(mirror.key, FEEDBACK) is not None

    app.extensions["engage_versions_mirror"] = caching.VersionMirror("redis://127.0.0.1:1/0", "test:versions")
    assert caching.versions([FEEDBACK]) == (caching._versions_in_database()[FEEDBACK],)
    make_comment(plan, users["participant"], "Written while Redis is away")  # the commit still goes through
