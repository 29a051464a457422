"""A load test of the whole journey (bench/load/journey.py) with Locust, on this machine: how many
people at once Engage holds with every page's p95 within 500 ms and no error, now and before the
caching work (issue 20), on the same data.

    .venv/bin/python bench/load/run.py                       # a small district, 10 s a stage
    .venv/bin/python bench/load/run.py --size medium --seconds 30
    .venv/bin/python bench/load/run.py --baseline none       # this code only

It builds a district (bench/district.py) in a scratch PostgreSQL database, then serves it with
gunicorn (2 workers x 4 threads, production settings, Redis for the cache, limits and queue) from
the code at BASELINE (a git worktree; "before") and from this checkout ("now"), in turn. Locust
(bench/load/swarm.py) ramps the users, doubling each stage, until a stage's p95 passes 500 ms or
a request fails; between the last stage that held and the first that did not, one more is tried.
Rate limits are raised: the whole load comes from one address. Locust runs on the same two
cores as the servers, PostgreSQL and Redis, so the counts are what this machine holds, load
generator included.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import redis

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(BENCH_DIR))

import serving  # noqa: E402
from district import PASSWORD  # noqa: E402
from serving import HOST, PORT, REDIS_URL, get, serve, stop  # noqa: E402
from signup_race import postgres_database  # noqa: E402
from sqlalchemy import func, or_, select  # noqa: E402

from engage.accounts.models import User  # noqa: E402
from engage.comments.models import Comment  # noqa: E402
from engage.conversations.models import ConversationSession, SessionStatus  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import utcnow  # noqa: E402
from engage.plans.models import Plan  # noqa: E402
from engage.surveys.models import Survey, SurveyStatus  # noqa: E402

#: The last commit before the caching work of issue 20 (the page cache came in the next one).
BASELINE = "8799127"
RAISED_LIMITS = {name: "1000000 per minute" for name in (
    "RATELIMIT_LOGIN", "RATELIMIT_LOGIN_PER_ACCOUNT", "RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS", "RATELIMIT_COMMENT",
    "RATELIMIT_SURVEY_RESPONSE", "RATELIMIT_CONVERSATION_SIGNUP")}


def build(database_url: str, size: str, targets_file: Path) -> None:
    """The district, and what the journey loads (journey.py's ENGAGE_LOAD_TARGETS)."""
    targets = serving.build(database_url, size, read=read_targets)
    targets_file.write_text(json.dumps({**targets, "password": PASSWORD}))


def read_targets() -> dict:
    now = utcnow()
    plans = list(db.session.scalars(select(Plan.id).order_by(Plan.id).limit(3)))  # the district's first
    comments = {str(plan): list(db.session.scalars(
        select(Comment.id).where(Comment.plan_id == plan, Comment.parent_id.is_(None)).limit(300)))
        for plan in plans}
    surveys = list(db.session.scalars(select(Survey.id).where(
        Survey.status == SurveyStatus.PUBLISHED, or_(Survey.opens_at.is_(None), Survey.opens_at <= now),
        or_(Survey.closes_at.is_(None), Survey.closes_at > now))))
    # People sign up for conversations still to come: a small district may have none left.
    coming = db.session.scalars(select(ConversationSession).where(
        ConversationSession.status != SessionStatus.CANCELLED).order_by(ConversationSession.starts_at.desc())
        .limit(10)).all()
    for days, session in enumerate(coming, start=7):
        if session.starts_at <= now:
            session.starts_at, session.ends_at = now + timedelta(days=days), now + timedelta(days=days, hours=2)
            session.status, session.capacity = SessionStatus.SCHEDULED, session.capacity + 500
    db.session.commit()
    sessions = list(db.session.scalars(select(ConversationSession.id).where(
        ConversationSession.status.in_((SessionStatus.SCHEDULED, SessionStatus.FULL)),  # full: the waitlist
        ConversationSession.starts_at > now)))
    families = db.session.scalar(select(func.count()).select_from(User).where(User.email.like("person%")))
    return {"plans": [plan for plan in plans if comments[str(plan)]], "comments": comments, "surveys": surveys,
            "sessions": random.Random(1).sample(sessions, min(len(sessions), 40)), "families": families}


def baseline_checkout(commit: str, folder: Path) -> Path:
    """The code at `commit` in a worktree, its translations compiled (they are built, not committed)."""
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(folder), commit], cwd=PROJECT_DIR,
                   check=True, capture_output=True)
    subprocess.run([str(PROJECT_DIR / ".venv/bin/pybabel"), "compile", "-d", str(folder / "engage/translations")],
                   check=True, capture_output=True)
    return folder


def swarm(database_url: str, code: Path, targets_file: Path, stages: list[int], seconds: float) -> list[dict]:
    """Serve the code and ramp users against it; each stage's figures, the last one failing (or the last stage)."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {"ENGAGE_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "BASE_URL": f"http://{HOST}:{PORT}",
           "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "PYTHONPATH": str(code), **RAISED_LIMITS}
    server = serve("engage:create_app()", env, directory=code)
    consumer = subprocess.Popen([str(PROJECT_DIR / ".venv/bin/flask"), "--app", "engage", "queue", "worker"],
                                cwd=code, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        get("/")
        output = subprocess.run(
            [sys.executable, str(HERE / "swarm.py"), f"http://{HOST}:{PORT}", "--seconds", str(seconds),
             "--stages", ",".join(map(str, stages))],
            env={**os.environ, "ENGAGE_LOAD_TARGETS": str(targets_file)}, capture_output=True, text=True, check=True)
        return [json.loads(line) for line in output.stdout.splitlines() if line.startswith("{")]
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
        stop(server)


def held(stage: dict) -> bool:
    return not stage["total"]["errors"] and stage["total"]["p95"] <= 500


def highest_held(database_url: str, code: Path, targets_file: Path, first: int, seconds: float,
                 most: int) -> tuple[dict | None, dict | None]:
    """The largest stage that held, and the first that did not (None if every stage held)."""
    stages = []
    users = first
    while users <= most:
        stages.append(users)
        users *= 2
    figures = swarm(database_url, code, targets_file, stages, seconds)
    passed = [stage for stage in figures if held(stage)]
    failed = next((stage for stage in figures if not held(stage)), None)
    best = passed[-1] if passed else None
    if best and failed:  # one more between them
        middle = (best["users"] + failed["users"]) // 2
        retry = swarm(database_url, code, targets_file, [middle], seconds)
        if retry and held(retry[0]):
            best = retry[0]
        elif retry:
            failed = retry[0]
    return best, failed


def report(label: str, best: dict | None, failed: dict | None) -> None:
    if failed:
        for error in failed["errors"]:
            print(f"  at {failed['users']} users: {error}")
    if best is None:
        print(f"\n{label}: not even {failed['users']} users held (p95 {failed['total']['p95']:.0f} ms, "
              f"{failed['total']['errors']} errors)")
        stage = failed
    else:
        beyond = (f"; {failed['users']} users did not (p95 {failed['total']['p95']:.0f} ms, "
                  f"{failed['total']['errors']} errors)") if failed else "; the last stage tried"
        print(f"\n{label}: {best['users']} users held{beyond}")
        stage = best
    print(f"  {'page':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, page in [*stage["pages"].items(), ("all", stage["total"])]:
        print(f"  {name:<26}{page['per_second']:>9.1f}{page['p50']:>9.0f}{page['p95']:>9.0f}{page['p99']:>9.0f}"
              f"{page['errors']:>8}")
    for error in stage["errors"]:
        print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="small", help="the district (bench/district.py): small, medium or large")
    parser.add_argument("--seconds", type=float, default=10, help="how long each stage is measured (default: 10)")
    parser.add_argument("--first", type=int, default=25, help="users in the first stage; each next doubles it")
    parser.add_argument("--most", type=int, default=3200, help="the most users tried")
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default: {BASELINE}, "
                                                               "before the caching work), or 'none'")
    parser.add_argument("--server", default=os.environ.get("SERVER_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, postgres_database(args.server) as database_url:
        targets_file = Path(tmp) / "targets.json"
        build(database_url, args.size, targets_file)
        runs = []
        if args.baseline != "none" and subprocess.run(["git", "cat-file", "-e", f"{args.baseline}^{{commit}}"],
                                                      cwd=PROJECT_DIR, capture_output=True).returncode != 0:
            print(f"the commit {args.baseline} is not in this clone (a shallow one?): no figures from before")
            args.baseline = "none"
        if args.baseline != "none":
            code = baseline_checkout(args.baseline, Path(tmp) / "baseline")
            try:
                runs.append((f"before (the code at {args.baseline})",
                             highest_held(database_url, code, targets_file, args.first, args.seconds, args.most)))
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(code)], cwd=PROJECT_DIR, check=False)
        runs.append(("now (this checkout)",
                     highest_held(database_url, PROJECT_DIR, targets_file, args.first, args.seconds, args.most)))

    print(f"\nLocust: Readers 85%, Participants 15% (signed in), 1-3 s between pages; stages from {args.first} users, "
          f"doubling, {args.seconds:.0f} s each; held = p95 of all requests <= 500 ms and no error")
    for label, (best, failed) in runs:
        report(label, best, failed)
    if runs[-1][1][0] is None:
        sys.exit(f"this checkout did not hold even {args.first} users")


if __name__ == "__main__":
    main()
