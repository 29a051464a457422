"""Time the public progress tracker with a large plan: 200 actions and 5,000 updates.

    .venv/bin/python bench/tracker.py            # 5,000 updates, 200 requests each
    .venv/bin/python bench/tracker.py --quick    # 1,000 updates, 30 requests each (for CI)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/tracker.py

Seeds one published plan of 8 sections x 25 actions, each with two indicators whose
deadlines run from last school year to next (so some are overdue), spread over six
responsible offices; then progress updates from those offices, spread unevenly over
the actions (a few busy ones get many), each with a value for both indicators (a
number with its unit for one, text for the other), a Spanish summary on a fifth and
an evidence link on a tenth; and each action's progress row as the app keeps it
(the latest update by as-of date, then by when it was written; update count).
Everything is bulk inserted.

Then, through the WSGI app with the Flask test client, signed out (these pages are
public), it times N requests of each:

    tracked plans        GET /progress/
    plan overview        GET /progress/plans/<id>
    overview, filtered   GET /progress/plans/<id>?office=...&status=at_risk
    action page          GET /progress/actions/<id>   (the busiest action)
    plan feed            GET /progress/plans/<id>/feed.atom
    action feed          GET /progress/actions/<id>/feed.atom

and prints requests per second, median (p50) and 95th percentile latency in
milliseconds, and SQL statements per request. One untimed request per line warms
the template cache first.

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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from harness import HEADER, bench_app, count_statements, measure  # noqa: E402 - bench/ is on sys.path
from engage.accounts.models import User, hash_password  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import utcnow  # noqa: E402
from engage.plans import services as plans  # noqa: E402
from engage.plans.models import Plan, PlanAction, PlanIndicator, PlanSection, PlanStatus  # noqa: E402
from engage.tracker.models import (  # noqa: E402
    ActionProgress,
    EvidenceKind,
    MetricValue,
    ProgressStatus,
    ProgressUpdate,
)

SECTIONS, ACTIONS_PER_SECTION = 8, 25
OFFICES = ["Family Engagement Office", "Transportation", "Multilingual Services", "Counseling",
           "Communications", "School Leadership"]


@dataclass
class Size:
    updates: int
    requests: int


FULL = Size(updates=5000, requests=200)
QUICK = Size(updates=1000, requests=30)


# Seeding -------------------------------------------------------------------------


def seed_leader() -> User:
    leader = User(email="leader@example.org", display_name="Lee", password_hash=hash_password("bench password 123"),
                  role="leader", email_verified_at=utcnow())
    db.session.add(leader)
    db.session.commit()
    return leader


def seed_plan(leader: User, rng: random.Random) -> Plan:
    """8 sections x 25 actions, two indicators each, published as the final plan."""
    plan = Plan(title="Family Engagement Plan 2025-26", summary="How schools and families work together.",
                status=PlanStatus.DRAFT, timeline_months=[10, 11, 12, 1, 2, 3, 4, 5, 6], created_by_id=leader.id)
    first_deadline = date.today().replace(day=1) - timedelta(days=365)
    for s in range(SECTIONS):
        section = PlanSection(position=s, title=f"Goal {s + 1}: families as partners", intro="")
        for a in range(ACTIONS_PER_SECTION):
            deadline = first_deadline + timedelta(days=rng.randint(0, 730))
            action = PlanAction(position=a, number=f"{s + 1}.{a + 1}", title="Family nights with interpreters",
                                description="Hold evening sessions at every school, with interpreters. " * 2,
                                responsible_office=rng.choice(OFFICES), months=[10, 11, 12])
            action.indicators = [
                PlanIndicator(position=0, text="Sessions held", deadline=deadline,
                              deadline_text=deadline.strftime("%B %Y"), metric="Number of sessions"),
                PlanIndicator(position=1, text="What families said", deadline=deadline + timedelta(days=90),
                              deadline_text="", metric="Summary of the exit cards"),
            ]
            section.actions.append(action)
        plan.sections.append(section)
    db.session.add(plan)
    db.session.commit()
    plans.publish_version(leader, plan, status=PlanStatus.FINAL, change_note="Adopted by the board")
    return plan


def seed_updates(plan: Plan, leader: User, size: Size, rng: random.Random) -> int:
    """The updates and their metric values in bulk, then each action's progress row. Returns the busiest action's id."""
    actions = list(db.session.execute(
        select(PlanAction.id, PlanAction.responsible_office).join(PlanSection).where(PlanSection.plan_id == plan.id)
        .order_by(PlanAction.id)))
    indicators: dict[int, list[int]] = {}
    for indicator_id, action_id in db.session.execute(
            select(PlanIndicator.id, PlanIndicator.action_id).order_by(PlanIndicator.position)):
        indicators.setdefault(action_id, []).append(indicator_id)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(actions))]
    start = utcnow() - timedelta(days=300)
    rows = []
    for n in range(size.updates):
        action_id, office = rng.choices(actions, weights)[0]
        created = start + timedelta(seconds=rng.uniform(0, 300 * 86400))
        status = rng.choice(ProgressStatus.ALL)
        link = rng.random() < 0.1
        rows.append({
            "action_id": action_id, "plan_id": plan.id, "author_id": leader.id, "office": office,
            "as_of": (created - timedelta(days=rng.randint(0, 10))).date(), "status": status,
            "percent_complete": 100 if status == ProgressStatus.DONE else rng.randint(0, 95),
            "summary": "We held two sessions this month; attendance grew.\nNext: more interpreters. " * rng.randint(1, 3),
            "evidence_kind": EvidenceKind.LINK if link else EvidenceKind.NONE,
            "evidence_url": f"https://example.org/minutes/{n}.pdf" if link else "",
            "evidence_title": "Meeting minutes" if link else "",
            "submission_token": secrets.token_urlsafe(16), "created_at": created,
        })
    ids = db.session.scalars(insert(ProgressUpdate).returning(ProgressUpdate.id, sort_by_parameter_order=True),
                             rows).all()
    values = []
    for update_id, row in zip(ids, rows, strict=True):
        number_id, text_id = indicators[row["action_id"]]
        values.append({"update_id": update_id, "indicator_id": number_id, "number": float(rng.randint(1, 40)),
                       "unit": "sessions", "text": ""})
        values.append({"update_id": update_id, "indicator_id": text_id, "number": None, "unit": "",
                       "text": "Families asked for more evening times."})
    db.session.execute(insert(MetricValue), values)

    latest: dict[int, tuple] = {}
    counts: dict[int, int] = {}
    for update_id, row in zip(ids, rows, strict=True):
        key = (row["as_of"], row["created_at"], update_id)
        counts[row["action_id"]] = counts.get(row["action_id"], 0) + 1
        if row["action_id"] not in latest or key > latest[row["action_id"]][0]:
            latest[row["action_id"]] = (key, row)
    db.session.execute(insert(ActionProgress), [
        {"action_id": action_id, "plan_id": plan.id, "status": row["status"], "percent_complete": row["percent_complete"],
         "update_count": counts[action_id], "last_update_id": key[2], "updated_at": row["created_at"]}
        for action_id, (key, row) in latest.items()
    ])
    db.session.commit()
    return max(counts, key=counts.get)


def row_counts() -> str:
    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return (f"{count(Plan)} plan, {count(PlanSection)} sections, {count(PlanAction)} actions, "
            f"{count(PlanIndicator)} indicators; {count(ProgressUpdate):,} updates, {count(MetricValue):,} metric values, "
            f"{count(ActionProgress)} actions with progress")


# Timing ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 updates and 30 requests each, for CI")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    rng = random.Random(8)

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        with app.app_context():
            started = time.perf_counter()
            leader = seed_leader()
            plan = seed_plan(leader, rng)
            busiest = seed_updates(plan, leader, size, rng)
            plan_id = plan.id
            busy_updates = db.session.scalar(select(ActionProgress.update_count).where(ActionProgress.action_id == busiest))
            print(f"database: {db.engine.url.get_backend_name()} (loaded in {time.perf_counter() - started:.1f}s)")
            print(row_counts())
            engine = db.engine
        started_at = datetime.now()

        client = app.test_client()
        queries = count_statements(engine)

        def get(path: str):
            def send(_i: int) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            return send

        office = OFFICES[0].replace(" ", "+")
        print(f"{size.requests} requests each, signed out; the action page's action has {busy_updates} updates")
        print(HEADER)
        measure("tracked plans", size.requests, get("/progress/"), queries)
        measure("plan overview", size.requests, get(f"/progress/plans/{plan_id}"), queries)
        measure("overview, filtered", size.requests,
                get(f"/progress/plans/{plan_id}?office={office}&status=at_risk"), queries)
        measure("action page", size.requests, get(f"/progress/actions/{busiest}"), queries)
        measure("plan feed", size.requests, get(f"/progress/plans/{plan_id}/feed.atom"), queries)
        measure("action feed", size.requests, get(f"/progress/actions/{busiest}/feed.atom"), queries)
        print(f"timed in {(datetime.now() - started_at).total_seconds():.1f}s")
        engine.dispose()


if __name__ == "__main__":
    main()
