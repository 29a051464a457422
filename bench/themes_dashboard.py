"""Time the themes job and the leaders' theme pages on a plan with thousands of comments.

    .venv/bin/python bench/themes_dashboard.py            # 10,000 comments, 30 requests per page
    .venv/bin/python bench/themes_dashboard.py --quick    # 2,000 comments, 10 requests per page (for CI)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/themes_dashboard.py

Seeds a plan and comments from 500 people whose texts are sampled from the
labelled clinc150 set in ../shared/data (short requests on 150 topics), or,
without it, from a few dozen synthetic parent concerns. Then it prints:

- the job: seconds for a first run and for a re-run (warm-started from the first),
  with the number of themes, on the configured representation (THEMES_REPRESENTATION,
  TF-IDF/LSA unless set);
- "new since last run": seconds to place 200 new comments in their nearest theme;
- the pages, signed in as a leader through the Flask test client: requests per
  second, p50 / p95 latency in ms and SQL statements per request for the
  dashboard, one theme's drill-down, a search in it, the CSV export and the
  printable report. The dashboard's figures are cached until the feedback or
  the themes change, so it is timed twice: visits in a row (read from the
  cache), and visits each after one more comment (computed again, the new
  comment placed in its nearest theme).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from harness import HEADER, bench_app, count_statements, measure  # noqa: E402 - bench/ is on sys.path
from plan_page import PASSWORD, seed_people, seed_plan  # noqa: E402
from engage.accounts.models import User  # noqa: E402
from engage.comments.models import Comment, CommentStatus  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.plans.models import Plan  # noqa: E402
from engage.models import utcnow  # noqa: E402
from engage.themes import services  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150.csv"
SYNTHETIC = [
    "The {0} bus comes too late for {1}", "We need interpreters in {2} at {1}", "More counselors at {1} for {0} kids",
    "Advanced classes should be open to every student at {1}", "Discipline is not fair to {0} students",
    "Hire teachers who speak {2}", "Meetings at {3} are impossible for working parents", "Fix the heating at {1}",
]
FILLERS = (["young", "older", "new", "Black", "Latino", "disabled"], ["our school", "Lincoln", "Roosevelt", "the high school"],
           ["Spanish", "Somali", "Vietnamese", "Arabic"], ["noon", "2 pm", "9 am"])


def texts(count: int, rng: random.Random) -> list[str]:
    if DATA.exists():
        with DATA.open(newline="", encoding="utf-8") as handle:
            pool = [row["text"] for row in csv.DictReader(handle)]
    else:
        pool = [t.format(*(rng.choice(f) for f in FILLERS)) for t in SYNTHETIC for _ in range(40)]
    return [rng.choice(pool) for _ in range(count)]


def seed_comments(plan, version_id: int, people: list[int], bodies: list[str], rng: random.Random) -> None:
    now = utcnow()
    keys = [s.key for s in plan.sections]
    db.session.execute(insert(Comment), [
        {"plan_id": plan.id, "version_id": version_id, "section_key": rng.choice(keys), "action_key": None,
         "author_id": rng.choice(people[1:]), "body": body, "language": "en", "anonymous": False,
         "submission_token": secrets.token_urlsafe(24), "created_at": now - timedelta(minutes=rng.uniform(5, 86400)),
         "official": False, "status": CommentStatus.VISIBLE, "support_count": rng.choice([0, 0, 0, 1, 2])}
        for body in bodies
    ])
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 comments, 10 requests per page")
    parser.add_argument("--comments", type=int, default=None, help="comments before the run (default 10,000)")
    args = parser.parse_args()
    n_comments, requests = (2000, 10) if args.quick else (10_000, 30)
    n_comments = args.comments or n_comments
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        app.config["THEMES_REPRESENTATION"] = os.environ.get("THEMES_REPRESENTATION", "tfidf")
        app.config["QUEUE_IMMEDIATE"] = True
        with app.app_context():
            people = seed_people(500)
            leader = db.session.get(User, people[0])
            leader_email = leader.email
            plan, published = seed_plan(leader)
            seed_comments(plan, published[-1][1], people, texts(n_comments, rng), rng)
            analysis = services.default_analysis(leader, plan.id)
            analysis_id = analysis.id
            plan_id, version_id = plan.id, published[-1][1]
            for label in ("first run", "re-run"):
                started = time.perf_counter()
                run = services.run_analysis_now(None, services.get_analysis(None, analysis_id))
                print(f"themes job, {label}: {time.perf_counter() - started:.1f} s for {run.n_items} items, "
                      f"{run.n_themes} themes ({run.representation})")
            seed_comments(plan, published[-1][1], people, texts(200, rng), rng)
            started = time.perf_counter()
            placed = services.assign_new_items(services.get_analysis(None, analysis_id))
            print(f"new since last run: {placed} comments placed in {time.perf_counter() - started:.2f} s")
            theme = services.active_themes(services.get_analysis(None, analysis_id))[0]
            theme_id = theme.id
            word = (theme.top_terms or ["the"])[0].split()[0]

        client = app.test_client()
        client.post("/login", data={"email": leader_email, "password": PASSWORD})
        with app.app_context():
            queries = count_statements(db.engine)
        base = f"/themes/analyses/{analysis_id}"
        pages = [("dashboard", base), ("theme drill-down", f"{base}/themes/{theme_id}"),
                 ("theme search", f"{base}/themes/{theme_id}?q={word}"), ("CSV export", f"{base}/export.csv"),
                 ("printable report", f"{base}/report")]
        def one_more_comment():
            with app.app_context():
                seed_comments(db.session.get(Plan, plan_id), version_id, people, texts(1, rng), rng)

        print(f"\n{n_comments + 200} comments, {requests} requests each, as a leader")
        print(HEADER)
        for label, path in pages:
            def send(_i, path=path):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            measure(label, requests, send, queries)
            if path == base:
                # The figures are cached until the feedback or the themes change: time the visit after a change.
                measure("dashboard, new comment", requests, send, queries, after=one_more_comment)


if __name__ == "__main__":
    main()
