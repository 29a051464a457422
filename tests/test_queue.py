"""The job queue for real: jobs wait in SQLite or Redis until a worker runs them.

The rest of the suite runs jobs at once (QUEUE_IMMEDIATE). Here a second app
on the same database keeps its jobs in a real queue, and a worker takes them
out: a thread with no app context (what the consumer's worker threads are),
or `flask queue worker` in a process of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from config import TestingConfig
from engage import create_app, queue
from engage.conversations.jobs import send_reminders_job
from engage.conversations.registration import Signup, register_for_session
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from engage.queue import huey
from tests.conversations.factories import add_registration, make_session
from tests.support.environment import redis_test_url, require_or_skip
from tests.support.queue import pending_jobs, run_jobs_like_a_worker

ROOT = Path(__file__).resolve().parent.parent


def outbox(recipient: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)))


@pytest.fixture
def make_queued_app(app, database_url, tmp_path):
    """make_queued_app(**config) -> an app on the suite's database whose jobs wait in a real queue.

    Afterwards its queue is emptied and the suite's app is again the one
    threads without an app context use.
    """
    made = []

    def make(**config):
        queued = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "QUEUE_IMMEDIATE": False,
                                            "QUEUE_SQLITE_PATH": str(tmp_path / "queue.sqlite3"), **config})
        made.append(queued)
        if config.get("REDIS_URL"):
            with queued.app_context():
                huey.flush()  # whatever an earlier, interrupted run left
        return queued

    yield make
    for queued in made:
        with queued.app_context():
            huey.flush()
            db.engine.dispose()
    queue.init_app(app)


def sign_up_in(queued_app, email: str) -> int:
    """Sign someone up through the app whose queue is real; returns the registration's id."""
    with queued_app.app_context():
        session = make_session("Family night on the equity plan", capacity=5)
        registration = register_for_session(session.id, Signup(name="Rosa", email=email))
        return registration.id


def test_a_confirmation_waits_in_the_sqlite_queue_until_a_worker_runs_it(make_queued_app):
    queued_app = make_queued_app()
    sign_up_in(queued_app, "rosa@example.org")
    assert pending_jobs(queued_app) == ["send_registration_confirmation"]
    assert outbox("rosa@example.org") == []

    assert run_jobs_like_a_worker() == ["send_registration_confirmation"]
    [message] = outbox("rosa@example.org")
    assert message.subject == "You're signed up: Family night on the equity plan"
    assert message.attachments[0]["filename"].endswith(".ics")
    assert pending_jobs(queued_app) == []


def test_the_queue_is_a_file_that_outlives_the_app_that_filled_it(make_queued_app, tmp_path):
    first = make_queued_app()
    sign_up_in(first, "ana@example.org")
    assert (tmp_path / "queue.sqlite3").exists()
    # A worker process starting later builds its own app on the same file.
    make_queued_app()
    assert run_jobs_like_a_worker() == ["send_registration_confirmation"]
    assert len(outbox("ana@example.org")) == 1


def test_a_confirmation_waits_in_redis_until_a_worker_runs_it(make_queued_app):
    import redis

    try:
        redis.Redis.from_url(redis_test_url(), socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_or_skip(f"Redis at {redis_test_url()} is not reachable: {exc}")
    queued_app = make_queued_app(REDIS_URL=redis_test_url())
    with queued_app.app_context():
        assert type(huey.storage).__name__ == "RedisStorage"
    sign_up_in(queued_app, "amina@example.org")
    assert pending_jobs(queued_app) == ["send_registration_confirmation"]
    assert outbox("amina@example.org") == []

    assert run_jobs_like_a_worker() == ["send_registration_confirmation"]
    assert [m.subject for m in outbox("amina@example.org")] == [
        "You're signed up: Family night on the equity plan"
    ]


def test_each_app_keeps_its_own_queue(app, make_queued_app):
    queued_app = make_queued_app()
    # The suite's app still runs its jobs at once, though another app was made after it.
    session = make_session(capacity=5)
    register_for_session(session.id, Signup(name="Lena", email="lena@example.org"))
    assert len(outbox("lena@example.org")) == 1
    assert pending_jobs(queued_app) == []


def test_the_worker_command_sends_queued_emails_and_stops_on_sigterm(make_queued_app, database_url, tmp_path):
    queued_app = make_queued_app()
    sign_up_in(queued_app, "omar@example.org")
    env = {**os.environ, "ENGAGE_ENV": "development", "DATABASE_URL": database_url, "QUEUE_IMMEDIATE": "0",
           "QUEUE_SQLITE_PATH": str(tmp_path / "queue.sqlite3"), "ENGAGE_INSTANCE_PATH": str(tmp_path)}
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "engage", "queue", "worker", "--workers", "1"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not outbox("omar@example.org") and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        assert len(outbox("omar@example.org")) == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Job queue: the SQLite file" in output and "periodic jobs on" in output
    assert pending_jobs(queued_app) == []


def test_the_worker_command_refuses_to_start_when_jobs_run_immediately(app):
    result = app.test_cli_runner().invoke(args=["queue", "worker"])
    assert result.exit_code != 0
    assert "QUEUE_IMMEDIATE" in result.output


def test_reminders_are_a_periodic_job_every_quarter_hour(app):
    def due_at(hour: int, minute: int) -> set[str]:
        # The consumer's scheduler asks this every minute, with naive UTC times.
        return {task.name for task in huey.read_periodic(datetime(2026, 10, 6, hour, minute))}

    assert send_reminders_job.task_class in huey._registry._periodic_tasks
    assert all("send_reminders_job" in due_at(18, minute) for minute in (0, 15, 30, 45))
    assert "send_reminders_job" not in due_at(18, 7)


def test_run_reminders_command_sends_the_reminders_due_and_says_how_many(app):
    session = make_session("Reading night", capacity=5, starts_in=timedelta(hours=20))
    registration = add_registration(session, email="early@example.org")
    registration.confirmed_at = utcnow() - timedelta(days=3)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["queue", "run-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 1 reminder."
    assert [m.subject for m in outbox("early@example.org")] == ["Reminder: Reading night starts soon"]

    again = app.test_cli_runner().invoke(args=["queue", "run-reminders"])
    assert again.output.strip() == "Sent 0 reminders."
