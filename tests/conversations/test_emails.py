"""Emails about a registration: confirmation with a calendar file, waitlist, reminders."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from engage.conversations.jobs import calendar_invitation, send_due_reminders, send_reminders_job
from engage.conversations.models import Registration, RegistrationStatus, SessionFormat, SessionStatus
from engage.conversations.registration import Signup, register_for_session
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import as_utc, utcnow
from engage.queue import huey
from tests.conversations.factories import add_registration, make_session


def outbox(recipient: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


def test_confirmation_carries_a_calendar_file_for_the_session(app):
    session = make_session("Tuesday family night", capacity=5, room="Library")
    register_for_session(session.id, Signup(name="Ana", email="ana@example.org"))
    [message] = outbox("ana@example.org")
    assert message.subject == "You're signed up: Tuesday family night"
    [attachment] = message.attachments
    assert attachment["filename"].endswith(".ics") and attachment["content_type"].startswith("text/calendar")
    event = Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]
    assert str(event["summary"]) == "Tuesday family night"
    assert event.decoded("dtstart") == as_utc(session.starts_at)
    assert "Library" in str(event["location"])
    assert "/conversations/registration/" in message.body_text


def test_confirmation_is_written_in_the_language_the_person_used(app):
    session = make_session(capacity=5)
    register_for_session(session.id, Signup(name="Ana", email="ana@example.org", locale="es"))
    [message] = outbox("ana@example.org")
    assert message.subject == f"Tiene un lugar: {session.title}"


def test_the_online_link_goes_only_to_people_with_a_seat(app):
    session = make_session(capacity=1, format=SessionFormat.ONLINE, address="",
                           online_url="https://meet.example.org/equity-night")
    register_for_session(session.id, Signup(name="Ana", email="ana@example.org"))
    register_for_session(session.id, Signup(name="Ben", email="ben@example.org"))
    [confirmed] = outbox("ana@example.org")
    [waitlisted] = outbox("ben@example.org")
    assert "https://meet.example.org/equity-night" in confirmed.body_text
    assert "meet.example.org" in confirmed.attachments[0]["content"]
    assert "meet.example.org" not in waitlisted.body_text
    assert "number 1 in line" in waitlisted.body_text
    assert "meet.example.org" not in calendar_invitation(session, for_registrant=False)


def test_reminders_go_once_to_people_with_a_seat_the_day_before(app):
    session = make_session(capacity=5, starts_in=timedelta(hours=20))
    early = add_registration(session, email="early@example.org")
    early.confirmed_at = utcnow() - timedelta(days=3)
    add_registration(session, email="waiting@example.org", status=RegistrationStatus.WAITLISTED)
    add_registration(session, email="gone@example.org", status=RegistrationStatus.CANCELLED)
    db.session.commit()
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    [reminder] = outbox("early@example.org")
    assert reminder.subject.startswith("Reminder:")
    assert outbox("waiting@example.org") == [] and outbox("gone@example.org") == []


def test_no_reminder_for_a_session_more_than_a_day_away(app):
    session = make_session(capacity=5, starts_in=timedelta(hours=30))
    registration = add_registration(session)
    registration.confirmed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    assert send_due_reminders() == 0


def test_no_reminder_for_people_who_signed_up_within_the_day(app):
    session = make_session(capacity=5, starts_in=timedelta(hours=5))
    add_registration(session, email="late@example.org")
    assert send_due_reminders() == 0
    assert outbox("late@example.org") == []
    db.session.expire_all()
    assert db.session.scalar(select(Registration.reminder_sent_at)) is not None


def test_no_reminder_for_a_cancelled_session(app):
    session = make_session(capacity=5, starts_in=timedelta(hours=20), status=SessionStatus.CANCELLED)
    registration = add_registration(session)
    registration.confirmed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    assert send_due_reminders() == 0


def test_the_reminder_job_runs_every_quarter_hour_on_the_queue(app):
    assert send_reminders_job.task_class in huey._registry._periodic_tasks
    session = make_session(capacity=5, starts_in=timedelta(hours=20))
    registration = add_registration(session, email="early@example.org")
    registration.confirmed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    send_reminders_job()
    assert len(outbox("early@example.org")) == 1


def test_two_reminder_runs_at_once_send_each_reminder_once(app):
    session = make_session(capacity=20, starts_in=timedelta(hours=20))
    for i in range(8):
        registration = add_registration(session, email=f"family{i}@example.org")
        registration.confirmed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    barrier = threading.Barrier(2)

    def run(_i):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                return send_due_reminders()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(run, range(2)))
    assert sum(counts) == 8
    assert len(outbox()) == 8
