"""Time a plan's page and its comments with thousands of comments in the database.

    .venv/bin/python bench/plan_page.py            # 5,000 comments, 200 requests each
    .venv/bin/python bench/plan_page.py --quick    # 1,000 comments, 50 requests each (for CI)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/plan_page.py

Seeds one plan (3 sections x 5 actions, 2 indicators each, timeline October to
June) with two published versions, open for feedback, and comments from about
500 people: three quarters top-level, spread over the plan and its sections and
actions; a quarter replies, nested as the app nests them (parent, root and depth
set, reply_count and support_count matching the rows), a few hundred "I agree"
marks, a few anonymous, hidden, deleted and official comments. Everything is
bulk inserted; every person shares one precomputed password hash.

Then, through the WSGI app with the Flask test client (cookies, redirects and
status codes as a browser sees them; CSRF and rate limits off), signed in as
one participant, it times N requests of each:

    plan page            GET  /plans/<id>
    comments, newest     GET  /plans/<id>/comments
    comments, support    GET  /plans/<id>/comments?sort=support
    section comments     GET  /plans/<id>/comments?section=<key>
    post a comment       POST /plans/<id>/comments  (fresh submission_token each
                         time; answers 302, the redirect is not followed)

and prints requests per second, median (p50) and 95th percentile latency in
milliseconds, and SQL statements per request (counted with a SQLAlchemy
before_cursor_execute listener; "a-b" when requests differ). One untimed
request per line warms the template cache first. Requests run outside the
set-up app context, each in its own, as on a server.

The database is a temporary SQLite file, or the PostgreSQL database DATABASE_URL
points at, which must be empty (the migrations build the schema; drop the
database afterwards).
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import aliased  # noqa: E402

from harness import HEADER, bench_app, count_statements, measure  # noqa: E402 - bench/ is on sys.path
from engage.accounts.models import User, hash_password  # noqa: E402
from engage.comments.models import Comment, CommentStatus, CommentSupport  # noqa: E402
from engage.comments.services import MAX_DEPTH  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import utcnow  # noqa: E402
from engage.plans import services as plans  # noqa: E402
from engage.plans.models import Plan, PlanAction, PlanIndicator, PlanSection, PlanStatus, PlanVersion  # noqa: E402

PASSWORD = "bench password 123"
VIEWER = "person1@example.org"  # the participant who reads and posts
SCHOOL_YEAR = [10, 11, 12, 1, 2, 3, 4, 5, 6]


@dataclass
class Size:
    people: int
    comments: int
    supports: int
    requests: int


FULL = Size(people=500, comments=5000, supports=600, requests=200)
QUICK = Size(people=500, comments=1000, supports=150, requests=50)


# Seeding -------------------------------------------------------------------------


def seed_people(count: int) -> list[int]:
    """People 0..count-1; person 0 is a leader (publishes, answers officially)."""
    password = hash_password(PASSWORD)
    now = utcnow()
    db.session.execute(insert(User), [
        {"email": f"person{i}@example.org", "display_name": f"Person {i}", "password_hash": password,
         "role": "leader" if i == 0 else "participant", "email_verified_at": now,
         "locale": "es" if i % 5 == 0 else "en"}
        for i in range(count)
    ])
    db.session.commit()
    return list(db.session.scalars(select(User.id).order_by(User.id)))


def seed_plan(leader: User) -> tuple[Plan, list[tuple[datetime, int]]]:
    """3 sections x 5 actions with 2 indicators each, published twice, open for feedback now.

    Returns the plan and (published at, version id) for each version, oldest first.
    """
    now = utcnow()
    plan = Plan(title="Family Engagement Plan 2025-26", summary="How schools and families work together.",
                status=PlanStatus.DRAFT, timeline_months=SCHOOL_YEAR, created_by_id=leader.id,
                feedback_opens_at=now - timedelta(days=90), feedback_closes_at=now + timedelta(days=30))
    for s in range(3):
        section = PlanSection(position=s, title=f"Goal {s + 1}: welcoming every family",
                              intro="Families are partners in their children's learning.")
        for a in range(5):
            action = PlanAction(
                position=a, number=f"{s + 1}.{a + 1}", title=f"Action {s + 1}.{a + 1}: family nights",
                description="Hold evening sessions at every school, with interpreters and childcare. " * 3,
                responsible_office="Family Engagement Office", months=SCHOOL_YEAR[a:a + 4],
            )
            action.indicators = [
                PlanIndicator(position=0, text="Sessions held at every school", deadline_text="December 2025",
                              deadline=date(2025, 12, 31), metric="Number of sessions"),
                PlanIndicator(position=1, text="Families who attended at least once", deadline_text="June 2026",
                              deadline=date(2026, 6, 30), metric="Share of families, from sign-in sheets"),
            ]
            section.actions.append(action)
        plan.sections.append(section)
    db.session.add(plan)
    db.session.commit()

    first = plans.publish_version(leader, plan, status=PlanStatus.DRAFT, change_note="First draft")
    plan = plans.get_plan(plan.id)
    plan.sections[0].actions[0].description = "Hold monthly evening sessions, with interpreters and childcare."
    plan.sections[1].title = "Goal 2: two-way communication"
    db.session.commit()
    second = plans.publish_version(leader, plan, status=PlanStatus.REVISED_DRAFT,
                                   change_note="Revised after the first round of feedback")
    published = [(now - timedelta(days=60), first.id), (now - timedelta(days=20), second.id)]
    first.published_at, second.published_at = published[0][0], published[1][0]
    db.session.commit()
    return plan, published


@dataclass
class Node:
    """A comment planned in memory, so counts are right before anything is inserted."""

    row: dict
    depth: int = 0
    parent: Node | None = None
    root: Node | None = None
    replies: int = 0
    supporters: set[int] = field(default_factory=set)
    id: int | None = None


def seed_comments(plan: Plan, published: list[tuple[datetime, int]], people: list[int], size: Size,
                  rng: random.Random) -> None:
    anchors = [(None, None)] * 4  # a few on the plan as a whole
    for section in plan.versions[-1].snapshot["sections"]:
        anchors += [(section["key"], None)] * 6 + [(section["key"], a["key"]) for a in section["actions"]]
    # A few people write most comments, as in any consultation.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(people) - 1)]
    writers = people[1:]
    now = utcnow()
    start = now - timedelta(days=60)

    def version_at(moment: datetime) -> int:
        return [version_id for at, version_id in published if at <= moment][-1]

    def row(author: int, created: datetime, section_key, action_key, **extra) -> dict:
        return {"plan_id": plan.id, "version_id": version_at(created), "section_key": section_key,
                "action_key": action_key, "author_id": author, "body": "We need later bus times. " * rng.randint(1, 8),
                "language": "es" if rng.random() < 0.2 else "en", "anonymous": rng.random() < 0.08,
                "submission_token": secrets.token_urlsafe(24), "created_at": created, "official": False,
                "status": CommentStatus.VISIBLE, "moderation_reason": None, **extra}

    top_level = round(size.comments * 0.76)
    nodes = [Node(row(rng.choices(writers, weights)[0], start + timedelta(seconds=rng.uniform(0, 60 * 86400 - 7200)),
                      *rng.choice(anchors)))
             for _ in range(top_level)]
    # Replies, each to a comment already planned; a reply to the deepest level joins it, as the app does.
    discussed = rng.sample(nodes, len(nodes) // 4)
    for _ in range(size.comments - top_level):
        target = rng.choice(discussed) if rng.random() < 0.6 else rng.choice(nodes[top_level:] or discussed)
        attach_to = target if target.depth < MAX_DEPTH else target.parent
        created = min(target.row["created_at"] + timedelta(minutes=rng.uniform(1, 3 * 1440)), now)
        created = max(created, attach_to.row["created_at"] + timedelta(seconds=1))
        official = rng.random() < 0.02
        node = Node(row(people[0] if official else rng.choices(writers, weights)[0], created,
                        attach_to.row["section_key"], attach_to.row["action_key"], official=official),
                    depth=attach_to.depth + 1, parent=attach_to, root=attach_to.root or attach_to)
        if official:
            node.row["anonymous"] = False
        attach_to.replies += 1
        nodes.append(node)
    # A few taken back by their authors, a few hidden by moderators.
    for node in rng.sample(nodes, len(nodes) // 100):
        node.row.update(status=CommentStatus.DELETED, body="")
    for node in rng.sample([n for n in nodes if n.row["status"] == CommentStatus.VISIBLE], len(nodes) // 100):
        node.row.update(status=CommentStatus.HIDDEN, moderation_reason="Personal attack")
    # "I agree": a skewed few get most; the viewer agrees with some of the newest.
    visible = [n for n in nodes if n.row["status"] == CommentStatus.VISIBLE]
    popular = rng.sample(visible, max(1, len(visible) // 20))
    while sum(len(n.supporters) for n in nodes) < size.supports:
        node = rng.choice(popular) if rng.random() < 0.7 else rng.choice(visible)
        node.supporters.add(rng.choice(people[2:]))
    for node in sorted(visible, key=lambda n: n.row["created_at"])[-30::3]:
        node.supporters.add(people[1])

    # Insert depth by depth, so every parent has its id before its replies go in.
    for depth in range(MAX_DEPTH + 1):
        wave = [n for n in nodes if n.depth == depth]
        if not wave:
            continue
        rows = [{**n.row, "depth": depth, "parent_id": n.parent.id if n.parent else None,
                 "root_id": n.root.id if n.root else None, "reply_count": n.replies,
                 "support_count": len(n.supporters)} for n in wave]
        ids = db.session.scalars(insert(Comment).returning(Comment.id, sort_by_parameter_order=True), rows).all()
        for node, comment_id in zip(wave, ids, strict=True):
            node.id = comment_id
    db.session.execute(insert(CommentSupport), [
        {"comment_id": n.id, "user_id": uid, "created_at": n.row["created_at"] + timedelta(hours=1)}
        for n in nodes for uid in sorted(n.supporters)
    ])
    db.session.commit()


def check_consistency() -> None:
    """Threads hang together and reply_count and support_count agree with the rows, as the app keeps them."""
    child, parent = aliased(Comment), aliased(Comment)
    replies = select(func.count()).where(child.parent_id == Comment.id).scalar_subquery()
    supports = select(func.count()).where(CommentSupport.comment_id == Comment.id).scalar_subquery()
    wrong = db.session.scalar(select(func.count()).select_from(Comment).where(
        (Comment.reply_count != replies) | (Comment.support_count != supports)))
    assert wrong == 0, f"{wrong} comments have counts that disagree with their rows"
    misplaced = db.session.scalar(select(func.count()).select_from(Comment).join(parent, Comment.parent_id == parent.id)
                                  .where((Comment.depth != parent.depth + 1)
                                         | (Comment.root_id != func.coalesce(parent.root_id, parent.id))
                                         | (Comment.section_key != parent.section_key)))
    orphans = db.session.scalar(select(func.count()).select_from(Comment).where(
        (Comment.parent_id.is_(None) & ((Comment.depth != 0) | Comment.root_id.is_not(None)))
        | (Comment.depth > MAX_DEPTH)))
    assert misplaced == orphans == 0, f"{misplaced} replies and {orphans} comments sit in the wrong place"


def row_counts() -> str:
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return (f"{count(User):,} people; {count(Plan)} plan, {count(PlanSection)} sections, {count(PlanAction)} actions, "
            f"{count(PlanIndicator)} indicators, {count(PlanVersion)} versions; "
            f"{count(Comment):,} comments ({count(Comment, Comment.parent_id.is_(None)):,} top-level, "
            f"{count(Comment, Comment.parent_id.is_not(None)):,} replies), {count(CommentSupport):,} supports")


# Timing ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 comments and 50 requests each, for CI")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        with app.app_context():
            started = time.perf_counter()
            people = seed_people(size.people)
            plan, published = seed_plan(db.session.get(User, people[0]))
            seed_comments(plan, published, people, size, rng)
            check_consistency()
            plan_id = plan.id
            section_key = plan.versions[-1].snapshot["sections"][1]["key"]
            print(f"database: {db.engine.url.get_backend_name()} (loaded in {time.perf_counter() - started:.1f}s)")
            print(row_counts())
            engine = db.engine

        client = app.test_client()
        response = client.post("/login", data={"email": VIEWER, "password": PASSWORD})
        assert response.status_code == 302, "could not sign in"
        queries = count_statements(engine)

        def get(path: str):
            def send(_i: int) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            return send

        def post_comment(i: int) -> None:
            response = client.post(f"/plans/{plan_id}/comments", data={
                "body": f"Benchmark comment {i}: please publish the meeting times earlier.",
                "submission_token": secrets.token_urlsafe(24), "section_key": section_key,
            })
            assert response.status_code == 302 and "/comments/" in response.location, response.status_code

        def drop_flash() -> None:
            # A browser would follow the redirect and show the flash; drop it so the cookie stays small.
            with client.session_transaction() as session:
                session.pop("_flashes", None)

        print(f"{size.requests} requests each, signed in as {VIEWER}")
        print(HEADER)
        measure("plan page", size.requests, get(f"/plans/{plan_id}"), queries)
        measure("comments, newest", size.requests, get(f"/plans/{plan_id}/comments"), queries)
        measure("comments, support", size.requests, get(f"/plans/{plan_id}/comments?sort=support"), queries)
        measure("section comments", size.requests, get(f"/plans/{plan_id}/comments?section={section_key}"), queries)
        measure("post a comment", size.requests, post_comment, queries, after=drop_flash)
        engine.dispose()


if __name__ == "__main__":
    main()
