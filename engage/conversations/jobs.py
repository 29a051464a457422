"""Background work for conversations: confirmation, waitlist, cancellation and reminder emails."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from huey import crontab
from icalendar import Calendar, Event
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..mail.services import Attachment, send_email
from ..models import as_utc, utcnow
from ..queue import job, periodic_job
from ..urls import external_url
from .models import CancelledBy, ConversationSession, Registration, RegistrationStatus, SessionFormat, SessionStatus
from .registration_links import cancel_token, waitlist_position
from .translatable import session_texts

REMINDER_LEAD = timedelta(hours=24)


def calendar_invitation(session: ConversationSession, *, for_registrant: bool, cancelled: bool = False,
                        language: str | None = None) -> str:
    """The session as an iCalendar file, worded in `language` where translated (the reader's by default);
    the online link only goes to people registered."""
    text = session_texts([session], language)
    calendar = Calendar()
    calendar.add("prodid", "-//Engage//Community conversations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"conversation-{session.id}@{urlsplit(current_app.config['BASE_URL']).hostname or 'engage'}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", as_utc(session.starts_at))
    event.add("dtend", as_utc(session.ends_at))
    summary = text(session)
    event.add("summary", summary, parameters={"LANGUAGE": summary.language})
    event.add("sequence", session.lock_version)
    event.add("url", external_url("conversations.session_page", session_id=session.id))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if session.format == SessionFormat.ONLINE:
        if for_registrant and session.online_url:
            event.add("location", session.online_url)
    else:
        event.add("location", ", ".join(part for part in (session.room, session.address) if part))
    if session.description:
        description = text(session, "description")
        event.add("description", description, parameters={"LANGUAGE": description.language})
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _invitation(session: ConversationSession, language: str, *, cancelled: bool = False) -> Attachment:
    return Attachment(
        filename="conversation.ics",
        content_type=f"text/calendar; method={'CANCEL' if cancelled else 'PUBLISH'}",
        content=calendar_invitation(session, for_registrant=True, cancelled=cancelled, language=language),
    )


def _load_registration(registration_id: int) -> Registration | None:
    return db.session.get(
        Registration,
        registration_id,
        options=[joinedload(Registration.session)],
    )


def email_registration(registration: Registration, template: str, *, attach: bool = True,
                        cancelled: bool = False, **context) -> None:
    session = registration.session
    language = registration.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    send_email(
        registration.email,
        template,
        locale=registration.locale,
        attachments=[_invitation(session, language, cancelled=cancelled)] if attach else [],
        registration=registration,
        session=session,
        session_title=session_texts([session], language)(session),
        waitlist_position=waitlist_position(registration),
        session_url=external_url("conversations.session_page", session_id=session.id),
        manage_url=external_url("conversations.manage_registration", token=cancel_token(registration)),
        **context,
    )


@job()
def send_registration_confirmation(registration_id: int) -> None:
    """'You're signed up' with the calendar file, or 'you're on the waitlist'."""
    registration = _load_registration(registration_id)
    if registration is None or not registration.email:
        return
    if registration.status == RegistrationStatus.CONFIRMED:
        email_registration(registration, "conversation_confirmed")
    elif registration.status == RegistrationStatus.WAITLISTED:
        email_registration(registration, "conversation_waitlisted", attach=False)


@job()
def send_promotion_notice(registration_id: int) -> None:
    """A seat opened up and the person on the waitlist now has it."""
    registration = _load_registration(registration_id)
    if registration is not None and registration.email and registration.status == RegistrationStatus.CONFIRMED:
        email_registration(registration, "conversation_promoted")


@job()
def send_removal_notice(registration_id: int) -> None:
    """The host took the person off the roster (their place goes to the waitlist)."""
    registration = _load_registration(registration_id)
    if registration is not None and registration.email and not registration.walk_in:
        email_registration(registration, "conversation_removed", attach=False,
                           listing_url=external_url("conversations.list_sessions"))


@job()
def send_cancellation_notice(registration_id: int) -> None:
    """The person cancelled their own place (or left the waitlist): a note that it is done, a way back
    while there is room, and the calendar entry withdrawn."""
    registration = _load_registration(registration_id)
    if registration is not None and registration.email and registration.status == RegistrationStatus.CANCELLED:
        email_registration(registration, "conversation_place_cancelled", cancelled=True,
                           listing_url=external_url("conversations.list_sessions"))


@job()
def notify_session_changed(session_id: int, changed: list[str]) -> None:
    """Tell everyone signed up or waiting that the time or place changed ("time", "place" in `changed`)."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status.in_(RegistrationStatus.ACTIVE),
               Registration.email.is_not(None))
        .options(joinedload(Registration.session))
        .order_by(Registration.id)
    ).all()
    for registration in registrations:
        email_registration(registration, "conversation_changed",
                           attach=registration.status == RegistrationStatus.CONFIRMED, changed=changed)


@job()
def notify_session_cancelled(session_id: int) -> None:
    """Tell everyone who was registered (or waiting) that the host called the session off."""
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.session_id == session_id,
            Registration.cancelled_by == CancelledBy.SESSION,
            Registration.email.is_not(None),
        )
        .options(joinedload(Registration.session))
    ).all()
    for registration in registrations:
        email_registration(registration, "conversation_cancelled", cancelled=True,
                            listing_url=external_url("conversations.list_sessions"))


def send_due_reminders(now: datetime | None = None) -> int:
    """Email a reminder to everyone with a seat at a session starting within a day, once.

    People who signed up less than a day before the start already have every
    detail in their confirmation, so they get none. Returns how many were sent.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Registration)
        .join(ConversationSession)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminder_sent_at.is_(None),
            Registration.walk_in.is_(False),
            Registration.email.is_not(None),
            ConversationSession.status.in_(SessionStatus.OPEN),
            ConversationSession.starts_at > now,
            ConversationSession.starts_at <= now + REMINDER_LEAD,
        )
        .options(joinedload(Registration.session))
    ).all()
    sent = 0
    for registration in due:
        # Claimed row by row, so two runs at once (cron and a worker, say) never send one twice.
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if not claimed or as_utc(registration.confirmed_at) > as_utc(registration.session.starts_at) - REMINDER_LEAD:
            continue
        email_registration(registration, "conversation_reminder")
        sent += 1
    return sent


@periodic_job(crontab(minute="*/15"))
def send_reminders_job() -> None:
    send_due_reminders()
