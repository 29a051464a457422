"""500 people press "Sign up" at the same moment for a 50-seat community conversation.

    .venv/bin/python bench/signup_race.py              # PostgreSQL: 500 sign-ups for 50 seats
    .venv/bin/python bench/signup_race.py --quick      # 100 sign-ups for 10 seats (for CI)
    .venv/bin/python bench/signup_race.py --sqlite     # the same against a SQLite file
    .venv/bin/python bench/signup_race.py --server postgresql://postgres@db:5432/postgres

On the PostgreSQL server --server names (default: BENCH_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/postgres), it creates a database of its
own (engage_bench_<random>), builds the schema with `flask db upgrade` and
drops the database at the end; with --sqlite, a file in a temporary folder.
It adds one session (no plan, in person, English) with 50 seats straight
through the app's models, and serves the app with gunicorn (4 gthread workers,
8 threads each) on a free local port, with production settings over plain
http: the sign-up rate limit is raised out of the way, and emails wait in a
SQLite job queue in the temporary folder (no consumer runs).

Then 500 people, each with a cookie jar of their own, in a pool of 100
threads and only the standard library:
    page      GET /conversations/<id>: the session cookie, the CSRF token and
              every hidden field of the sign-up form
    sign-up   POST /conversations/<id>/sign-up: a name, a unique email address,
              party size 1, consent; all 500 are released together

and prints, per step, requests per second (requests over the step's wall
time), median (p50) and 95th percentile latency in milliseconds, then what the
database says: accepted (confirmed), waitlisted, errors (a sign-up that did
not end in a registration), overbooked (seats taken beyond capacity, checked
against the sum of confirmed party sizes; must be 0) and the jobs queued (one
email per sign-up). Exits with status 1 when the session is overbooked or its
seat count is wrong, the one result here that is not just a figure.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from harness import HEADER  # noqa: E402 - bench/ is on sys.path
from config import ProductionConfig, with_psycopg_driver  # noqa: E402

GUNICORN_WORKERS, GUNICORN_THREADS = 4, 8
POOL = 100
DEFAULT_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Size:
    people: int
    seats: int


FULL = Size(people=500, seats=50)
QUICK = Size(people=100, seats=10)


def server_app(**overrides):
    """What gunicorn serves: production settings (read from the environment), except that
    cookies travel over plain http on this machine."""
    from engage import create_app

    return create_app(ProductionConfig, {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                                         **overrides})


# The database --------------------------------------------------------------------------


@contextmanager
def postgres_database(server_url: str):
    """A new, empty PostgreSQL database on the server; dropped afterwards."""
    url = make_url(with_psycopg_driver(server_url))
    name = f"engage_bench_{secrets.token_hex(5)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem ends the benchmark
        sys.exit(f"Cannot create a database on {url.render_as_string(hide_password=True)}: {exc}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def server_env(database_url: str, tmp: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RATELIMIT_", "QUEUE_"))}
    env.pop("REDIS_URL", None)
    env.update({
        "ENGAGE_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "ENGAGE_INSTANCE_PATH": tmp,
        "QUEUE_SQLITE_PATH": str(Path(tmp) / "queue.sqlite3"),
        "RATELIMIT_CONVERSATION_SIGNUP": "100000 per hour",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
    })
    return env


def migrate(env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "engage", "db", "upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def add_session(env: dict[str, str], seats: int) -> int:
    """One open session, made with the app's models as a host's form would leave it."""
    # This process read its config before env was made, so the server's settings are passed on.
    app = server_app(SECRET_KEY=env["SECRET_KEY"], BASE_URL=env["BASE_URL"],
                     SQLALCHEMY_DATABASE_URI=with_psycopg_driver(env["DATABASE_URL"]),
                     QUEUE_SQLITE_PATH=env["QUEUE_SQLITE_PATH"])
    from engage.conversations.models import ConversationSession, SessionLanguage
    from engage.extensions import db
    from engage.models import utcnow

    with app.app_context():
        starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)
        session = ConversationSession(
            title="Family conversation on the equity plan", description="Tell the district what you think.",
            starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), address="250 Main Street",
            room="Community Room", capacity=seats, languages=[SessionLanguage(code="en", position=0)],
        )
        db.session.add(session)
        db.session.commit()
        session_id = session.id
        db.engine.dispose()
    return session_id


def outcome(database_url: str, session_id: int) -> dict[str, int]:
    from engage.conversations.models import ConversationSession, Registration, RegistrationStatus

    engine = create_engine(with_psycopg_driver(database_url))
    with engine.connect() as conn:
        capacity, seats_taken = conn.execute(
            select(ConversationSession.capacity, ConversationSession.seats_taken)
            .where(ConversationSession.id == session_id)
        ).one()
        counts = dict(conn.execute(
            select(Registration.status, func.count()).where(Registration.session_id == session_id)
            .group_by(Registration.status)
        ).all())
        confirmed_seats = conn.execute(
            select(func.coalesce(func.sum(Registration.party_size), 0)).where(
                Registration.session_id == session_id, Registration.status == RegistrationStatus.CONFIRMED,
                Registration.walk_in.is_(False))
        ).scalar_one()
    engine.dispose()
    return {"capacity": capacity, "seats_taken": seats_taken, "confirmed_seats": confirmed_seats,
            "accepted": counts.get(RegistrationStatus.CONFIRMED, 0),
            "waitlisted": counts.get(RegistrationStatus.WAITLISTED, 0)}


def queued_jobs(queue_file: Path) -> int:
    if not queue_file.exists():
        return 0
    with sqlite3.connect(queue_file) as conn:
        return conn.execute("SELECT count(*) FROM task").fetchone()[0]


# The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], port: int, log_path: Path):
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(GUNICORN_WORKERS),
               "--worker-class", "gthread", "--threads", str(GUNICORN_THREADS), "--backlog", "2048",
               "--timeout", "120", "signup_race:server_app()"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT / "bench", env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(base: str, path: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + path, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer within a minute:\n{log_path.read_text()[-3000:]}")


# The people --------------------------------------------------------------------------------


class SignupFormParser(HTMLParser):
    """The sign-up form's action and every named field it would send as it stands."""

    def __init__(self):
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("action") or "").endswith("/sign-up"):
            self.action, self._inside = attrs["action"], True
        elif tag == "input" and self._inside and attrs.get("name"):
            if attrs.get("type") == "hidden":
                self.fields[attrs["name"]] = attrs.get("value") or ""
            elif attrs.get("type") not in ("checkbox", "radio", "submit"):
                self.fields.setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 after a sign-up is the answer; its page is not part of the race


@dataclass
class Person:
    number: int
    opener: urllib.request.OpenerDirector
    action: str = ""
    fields: dict | None = None
    status: int | None = None
    problem: str | None = None


def open_page(base: str, session_id: int, person: Person) -> float:
    started = time.perf_counter()
    with person.opener.open(f"{base}/conversations/{session_id}", timeout=120) as response:
        html = response.read().decode("utf-8")
    parser = SignupFormParser()
    parser.feed(html)
    if parser.action is None:
        raise RuntimeError("no sign-up form on the session page")
    person.action = urllib.parse.urljoin(base, parser.action)
    person.fields = {
        **parser.fields,
        "name": f"Bench Person {person.number}",
        "email": f"bench-{person.number}-{secrets.token_hex(3)}@example.org",
        "party_size": "1",
        "consent": "y",
    }
    return time.perf_counter() - started


def send_signup(person: Person) -> float:
    data = urllib.parse.urlencode(person.fields).encode()
    started = time.perf_counter()
    try:
        with person.opener.open(urllib.request.Request(person.action, data=data, method="POST"), timeout=120) as r:
            person.status = r.status
            r.read()
    except urllib.error.HTTPError as answer:
        person.status = answer.code
        answer.read()
    except OSError as exc:
        person.problem = type(exc).__name__
    if person.status != 303 and person.problem is None:
        person.problem = f"HTTP {person.status}"
    return time.perf_counter() - started


def figures(label: str, timings: list[float], wall: float) -> str:
    p50 = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1] * 1000
    return f"{label:<22}{len(timings) / wall:>9.1f}{p50:>9.1f}{p95:>9.1f}{'-':>10}"


def race(base: str, session_id: int, people_count: int) -> tuple[list[Person], list[str]]:
    people = [Person(n, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                    NoRedirects()))
              for n in range(people_count)]
    lines = []
    with ThreadPoolExecutor(max_workers=POOL) as pool:
        started = time.perf_counter()
        page_timings = list(pool.map(lambda person: open_page(base, session_id, person), people))
        lines.append(figures("page", page_timings, time.perf_counter() - started))

        # Everyone has the form; now they all press the button at once.
        go = threading.Event()

        def press(person: Person) -> float:
            go.wait()
            return send_signup(person)

        futures = [pool.submit(press, person) for person in people]
        started = time.perf_counter()
        go.set()
        signup_timings = [future.result() for future in futures]
        lines.append(figures("sign-up", signup_timings, time.perf_counter() - started))
    return people, lines


# Putting it together -----------------------------------------------------------------------


def run(database_url: str, tmp: str, size: Size) -> bool:
    port = free_port()
    env = server_env(database_url, tmp, port)
    started = time.perf_counter()
    migrate(env)
    session_id = add_session(env, size.seats)
    base = f"http://127.0.0.1:{port}"
    log_path = Path(tmp) / "gunicorn.log"
    with gunicorn(env, port, log_path) as server:
        wait_until_up(base, f"/conversations/{session_id}", server, log_path)
        print(f"database: {make_url(database_url).get_backend_name()}; gunicorn: {GUNICORN_WORKERS} gthread workers "
              f"x {GUNICORN_THREADS} threads (ready in {time.perf_counter() - started:.1f}s)")
        print(f"{size.people} people, {POOL} at a time, sign up for {size.seats} seats, party size 1")
        people, lines = race(base, session_id, size.people)
    print(HEADER)
    for line in lines:
        print(line)

    result = outcome(database_url, session_id)
    problems: dict[str, int] = {}
    for person in people:
        if person.problem:
            problems[person.problem] = problems.get(person.problem, 0) + 1
    errors = sum(problems.values())
    overbooked = max(result["seats_taken"], result["confirmed_seats"]) - result["capacity"]
    consistent = result["seats_taken"] == result["confirmed_seats"]
    print(f"accepted     {result['accepted']:>5}")
    print(f"waitlisted   {result['waitlisted']:>5}")
    print(f"errors       {errors:>5}" + (f"  ({', '.join(f'{k}: {v}' for k, v in sorted(problems.items()))})"
                                         if problems else ""))
    print(f"overbooked   {max(overbooked, 0):>5}  (capacity {result['capacity']}, seats taken {result['seats_taken']}, "
          f"confirmed party sizes {result['confirmed_seats']})")
    print(f"jobs queued  {queued_jobs(Path(tmp) / 'queue.sqlite3'):>5}  (a confirmation or waitlist email each)")
    if errors:
        print(f"The server's log ends with:\n{log_path.read_text()[-1500:]}")
    return overbooked <= 0 and consistent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 sign-ups for 10 seats, for CI")
    parser.add_argument("--sqlite", action="store_true", help="run against a SQLite file instead of PostgreSQL")
    parser.add_argument("--server", default=DEFAULT_SERVER,
                        help="PostgreSQL server to create the benchmark's database on (default: %(default)s)")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            ok = run(f"sqlite:///{tmp}/bench.sqlite3", tmp, size)
        else:
            with postgres_database(args.server) as url:
                ok = run(url, tmp, size)
    if not ok:
        sys.exit("The session was overbooked, or its seat count does not match its registrations.")


if __name__ == "__main__":
    main()
