"""Time the foundation's pages with many people in the database.

    .venv/bin/python bench/pages.py            # 5,000 people, 200 requests a page
    .venv/bin/python bench/pages.py --quick    # 1,000 people, 50 requests a page

Runs the real app (TestingConfig with CSRF off, scrypt replaced by the test
hash) on a temporary SQLite file, or on PostgreSQL with DATABASE_URL set to
an empty database. Prints milliseconds per request (median, 95th percentile)
and the number of SQL queries per request.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from engage.accounts.models import ParticipantProfile, User, hash_password, profile_schools  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.orgs.models import Membership, Organization, School  # noqa: E402
from harness import bench_app, count_statements  # noqa: E402 - bench/ is on sys.path

PAGES = ["/", "/privacy", "/admin/users", "/admin/users?q=person 1", "/admin/organizations",
         "/leadership/participation", "/host/"]


def populate(people: int) -> None:
    rng = random.Random(7)
    schools = [School(name=f"School {i}") for i in range(20)]
    orgs = [Organization(name=f"Organization {i}", kind="pto") for i in range(50)]
    db.session.add_all(schools + orgs)
    db.session.flush()
    password = hash_password("bench password 123")
    db.session.execute(insert(User), [
        {"email": f"person{i}@example.org", "display_name": f"Person {i}", "password_hash": password,
         "role": "admin" if i == 0 else "participant"}
        for i in range(people)
    ])
    ids = [row[0] for row in db.session.execute(db.select(User.id).order_by(User.id))]
    db.session.execute(insert(ParticipantProfile), [
        {"user_id": uid, "relationship_to_district": rng.choice(["parent", "student", "staff", "community"]),
         "preferred_language": rng.choice(["en", "es", "vi"]), "race_ethnicity": []}
        for uid in ids if rng.random() < 0.8
    ])
    profile_ids = [row[0] for row in db.session.execute(db.select(ParticipantProfile.user_id))]
    db.session.execute(insert(profile_schools), [
        {"profile_id": pid, "school_id": rng.choice(schools).id} for pid in profile_ids
    ])
    db.session.execute(insert(Membership), [
        {"user_id": ids[0] if i < 10 else rng.choice(ids), "organization_id": org.id}
        for i, org in enumerate(orgs)
    ])
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    people, requests = (1000, 50) if args.quick else (5000, 200)

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        with app.app_context():
            started = time.perf_counter()
            populate(people)
            print(f"database: {db.engine.url.get_backend_name()}, {people:,} people "
                  f"(loaded in {time.perf_counter() - started:.1f}s)")
            engine = db.engine
        # Requests run outside the set-up context, each with its own, as on a server.
        client = app.test_client()
        client.post("/login", data={"email": "person0@example.org", "password": "bench password 123"})
        queries = count_statements(engine)
        print(f"{'page':<32}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for page in PAGES:
            timings = []
            for _ in range(requests):
                queries[0] = 0
                start = time.perf_counter()
                response = client.get(page)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"{page:<32}{statistics.median(timings):>10.1f}{p95:>10.1f}{queries[0]:>9}")
        engine.dispose()


if __name__ == "__main__":
    main()
