"""Leaders' pages and exports on a whole district (bench/district.py): each page's first view and
the p50/p95 of the views after it, and for each CSV export how soon its first bytes (the header) and
its first rows leave, how long the whole file takes, and the most memory Python held while sending it.

    .venv/bin/python bench/leader_pages.py                    # a medium district, on PostgreSQL
    .venv/bin/python bench/leader_pages.py --size large       # 100,000 accounts (builds in minutes)
    .venv/bin/python bench/leader_pages.py --size small --views 5

It creates a scratch database on the PostgreSQL server SERVER_URL names (default: the local one;
dropped afterwards), builds the district with its theme run, signs in as the district's leader
and requests each page through the app (the Flask test client: no HTTP server). The first view of
a page may fill caches or count (who we are hearing from); the others read them, as leaders do
all morning. The issue's target: every leader page's p95 within 300 ms; every export's first
bytes within 1 s, in constant memory.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from district import LEADER, PASSWORD, build_district  # noqa: E402
from harness import bench_app, count_statements  # noqa: E402
from signup_race import postgres_database  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from engage.conversations.models import ConversationSession, Registration  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.plans.models import Plan  # noqa: E402
from engage.surveys.models import Survey, SurveyResponse  # noqa: E402
from engage.themes.models import ThemeAnalysis  # noqa: E402

PAGE_TARGET_MS = 300
FIRST_BYTES_TARGET_S = 1.0


def targets() -> dict[str, int]:
    plan = db.session.scalar(select(Plan.id).order_by(Plan.id).limit(1))  # the district's, built first
    survey = db.session.scalar(select(Survey.id).join(SurveyResponse).group_by(Survey.id)
                               .order_by(func.count().desc()).limit(1))
    session = db.session.scalar(select(ConversationSession.id).join(Registration).group_by(ConversationSession.id)
                                .order_by(func.count().desc()).limit(1))
    analysis = db.session.scalar(select(ThemeAnalysis.id).where(ThemeAnalysis.plan_id == plan).limit(1))
    return {"plan": plan, "survey": survey, "session": session, "analysis": analysis}


def pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    return [
        ("leaders' home", "/leadership/"),
        ("who we are hearing from", "/leadership/participation"),
        ("  ... for the plan", f"/leadership/participation?plan={ids['plan']}"),
        ("survey results", f"/surveys/{ids['survey']}/results"),
        ("  ... parents only", f"/surveys/{ids['survey']}/results?relationship=parent"),
        ("themes of the plan", f"/themes/analyses/{ids['analysis']}"),
        ("moderation", "/moderation/"),
        ("conversation roster", f"/conversations/{ids['session']}/roster"),
    ]


def exports(ids: dict[str, int]) -> list[tuple[str, str]]:
    return [
        ("participation.csv", "/leadership/participation.csv"),
        ("survey responses.csv", f"/surveys/{ids['survey']}/export.csv"),
        ("themes items.csv", f"/themes/analyses/{ids['analysis']}/export.csv"),
        ("roster.csv", f"/conversations/{ids['session']}/roster.csv"),
    ]


def time_page(client, path: str, views: int, queries: list[int]) -> tuple[float, list[float], int]:
    started = time.perf_counter()
    response = client.get(path)
    first = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    timings = []
    queries[0] = 0
    for _view in range(views):
        started = time.perf_counter()
        client.get(path)
        timings.append(time.perf_counter() - started)
    return first, timings, queries[0]


def time_export(client, path: str) -> tuple[float, float, float, int, int]:
    """(seconds to the first piece, to the first rows, for the whole file, bytes, most memory held
    while sending it, measured in a second download: tracing memory slows Python down)."""
    def download() -> tuple[float, float, float, int]:
        started = time.perf_counter()
        response = client.get(path, buffered=False)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")
        pieces = iter(response.response)
        size = len(next(pieces, b""))
        first = time.perf_counter() - started
        size += len(next(pieces, b""))
        rows = time.perf_counter() - started
        for piece in pieces:
            size += len(piece)
        response.close()
        return first, rows, time.perf_counter() - started, size

    first, rows, whole, size = download()
    tracemalloc.start()
    download()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return first, rows, whole, size, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="medium", help="the district (bench/district.py): small, medium or large")
    parser.add_argument("--views", type=int, default=20, help="views of each page after the first (default: 20)")
    parser.add_argument("--server", default=os.environ.get("SERVER_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()

    with postgres_database(args.server) as database_url, tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = database_url
        app = bench_app(tmp, THEMES_REPRESENTATION="tfidf")
        with app.app_context():
            started = time.perf_counter()
            counts = build_district(args.size)
            print(f"district ({args.size}): {counts['users']:,} accounts, {counts['comments']:,} comments, "
                  f"{counts['survey_responses']:,} survey responses, built in {time.perf_counter() - started:.0f} s",
                  flush=True)
            ids = targets()
            queries = count_statements(db.engine)
            db.session.remove()
        # What building left in this process is no server's: keep it out of the garbage collector's
        # full passes, which would otherwise stop views for a tenth of a second now and then.
        gc.collect()
        gc.freeze()
        client = app.test_client()
        if client.post("/login", data={"email": LEADER, "password": PASSWORD}).status_code != 302:
            sys.exit("could not sign in as the leader")

        print(f"\n{'page':<28}{'first ms':>10}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}   target: p95 <= "
              f"{PAGE_TARGET_MS} ms")
        for label, path in pages(ids):
            first, timings, statements = time_page(client, path, args.views, queries)
            p95 = statistics.quantiles(timings, n=20)[-1] * 1000 if len(timings) > 1 else timings[0] * 1000
            print(f"{label:<28}{first * 1000:>10.0f}{statistics.median(timings) * 1000:>9.0f}{p95:>9.0f}"
                  f"{statements / max(args.views, 1):>9.0f}   {'met' if p95 <= PAGE_TARGET_MS else 'NOT MET'}",
                  flush=True)

        print(f"\n{'export':<24}{'first bytes s':>14}{'first rows s':>13}{'whole s':>9}{'size':>9}{'peak memory':>13}"
              f"   target: first bytes <= {FIRST_BYTES_TARGET_S:.0f} s")
        for label, path in exports(ids):
            first, rows, whole, size, peak = time_export(client, path)
            print(f"{label:<24}{first:>14.2f}{rows:>13.2f}{whole:>9.2f}{size / 1e6:>7.1f}MB{peak / 1e6:>11.1f}MB   "
                  f"{'met' if first <= FIRST_BYTES_TARGET_S else 'NOT MET'}", flush=True)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
