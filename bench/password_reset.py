"""Time "Forgot your password?" for an address with an account and for one without.

    .venv/bin/python bench/password_reset.py            # 1,000 people, 1,000 requests a path
    .venv/bin/python bench/password_reset.py --quick    # 1,000 people, 200 requests a path
    .venv/bin/python bench/password_reset.py --redis redis://127.0.0.1:6379/15   # jobs wait in Redis
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/password_reset.py

The page must answer as fast for a stranger's address as for a member's, or its
speed tells who has an account. The app runs as a production server would for
this page: a mail server is configured (never reached: delivery is a job) and
jobs wait in a SQLite queue in a temporary folder (or, with --redis, in Redis,
as with several app servers), where no worker takes them.
Through the WSGI app with the Flask test client, signed out, it sends
POST /password/forgot alternately with a member's address and with an unknown
one (so both see the same machine), and prints for each requests per second,
median (p50) and 95th percentile latency in milliseconds and SQL statements per
request, then the difference of the two medians.

The database is a temporary SQLite file, or the PostgreSQL database DATABASE_URL
points at, which must be empty (the migrations build the schema; drop the
database afterwards).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from engage.accounts.models import User, hash_password  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.queue import describe_storage, huey  # noqa: E402
from harness import HEADER, bench_app, count_statements  # noqa: E402 - bench/ is on sys.path

PEOPLE = 1000
MEMBER = "person7@example.org"
STRANGER = "nobody-here@example.org"


def populate() -> None:
    password = hash_password("bench password 123")
    db.session.execute(insert(User), [
        {"email": f"person{i}@example.org", "display_name": f"Person {i}", "password_hash": password,
         "role": "participant"}
        for i in range(PEOPLE)
    ])
    db.session.commit()


def figures(label: str, timings: list[float], statements: list[int]) -> float:
    p50 = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1] * 1000
    low, high = min(statements), max(statements)
    per_request = str(low) if low == high else f"{low}-{high}"
    print(f"{label:<22}{len(timings) / sum(timings):>9.1f}{p50:>9.1f}{p95:>9.1f}{per_request:>10}")
    return p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 requests a path")
    parser.add_argument("--redis", metavar="URL", help="jobs wait in Redis at URL (its queue is emptied afterwards)")
    args = parser.parse_args()
    requests = 200 if args.quick else 1000

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp, QUEUE_IMMEDIATE=False, QUEUE_SQLITE_PATH=f"{tmp}/queue.sqlite3", REDIS_URL=args.redis,
                        MAIL_SERVER="smtp.invalid")
        with app.app_context():
            populate()
            print(f"database: {db.engine.url.get_backend_name()}, {PEOPLE:,} people; jobs wait in "
                  f"{describe_storage(app)}; {requests} requests a path, alternating")
            engine = db.engine
        client = app.test_client()
        queries = count_statements(engine)

        def send(email: str) -> tuple[float, int]:
            queries[0] = 0
            started = time.perf_counter()
            response = client.post("/password/forgot", data={"email": email})
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            return elapsed, queries[0]

        send(MEMBER), send(STRANGER)  # warm up: compile templates, fill caches
        results = {MEMBER: ([], []), STRANGER: ([], [])}
        for i in range(requests):
            for email in (MEMBER, STRANGER) if i % 2 else (STRANGER, MEMBER):
                elapsed, statements = send(email)
                results[email][0].append(elapsed)
                results[email][1].append(statements)

        print(HEADER)
        member = figures("account exists", *results[MEMBER])
        stranger = figures("no account", *results[STRANGER])
        print(f"difference of the medians: {member - stranger:+.2f} ms")
        with app.app_context():
            huey.flush()
        engine.dispose()


if __name__ == "__main__":
    main()
