"""Signing up for a community conversation: capacity, waitlist, cancellation, check-in.

Every change to who holds a seat first locks the session's row (an UPDATE of
its lock_version, the first statement of the transaction). PostgreSQL then
holds a row lock and SQLite its single write lock until commit, so sign-ups
and cancellations for one session happen one at a time, and each sees the
seats the previous one took: a session is never overbooked, however many
people press "Sign up" at the same moment, on any number of app servers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..extensions import db
from ..models import as_utc, utcnow
from . import jobs
from .models import CancelledBy, ConversationSession, Registration, RegistrationStatus, SessionStatus
from .services import require_manage_session

MAX_PARTY_SIZE = 10


class SignupClosed(Exception):
    """The session takes no sign-ups: cancelled, completed, started, or past its deadline."""


class AlreadyRegistered(Exception):
    def __init__(self, registration: Registration):
        super().__init__(f"already registered: {registration.id}")
        self.registration = registration


class CannotCancel(Exception):
    """The registration is already cancelled, or the session has started."""


class CapacityTooSmall(Exception):
    """A host tried to lower capacity below the seats already taken."""

    def __init__(self, seats_taken: int):
        super().__init__(f"{seats_taken} seats are taken")
        self.seats_taken = seats_taken


@dataclass(frozen=True)
class Signup:
    """What a person gives when signing up (already validated by the form)."""

    name: str
    email: str
    party_size: int = 1
    phone: str = ""
    interpretation_language: str | None = None
    childcare_count: int = 0
    accessibility_needs: str = ""
    locale: str = "en"
    user_id: int | None = None


@dataclass(frozen=True)
class SeatChange:
    """What a locked change did, for the emails sent after commit."""

    registration: Registration | None
    promoted: list[Registration]


def lock_session(session_id: int) -> ConversationSession:
    """Start a transaction that holds the session's row until commit; return it fresh."""
    db.session.execute(
        update(ConversationSession)
        .where(ConversationSession.id == session_id)
        .values(lock_version=ConversationSession.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    session = db.session.get(ConversationSession, session_id, populate_existing=True)
    if session is None:
        raise LookupError(session_id)
    return session


def signup_state(session: ConversationSession, now: datetime | None = None) -> str | None:
    """None when sign-ups are open, else why not: 'cancelled', 'completed', 'closed'."""
    now = now or utcnow()
    if session.status == SessionStatus.CANCELLED:
        return "cancelled"
    if session.status == SessionStatus.COMPLETED:
        return "completed"
    deadline = as_utc(session.registration_deadline) or as_utc(session.starts_at)
    if now >= min(deadline, as_utc(session.starts_at)):
        return "closed"
    return None


def register_for_session(
    session_id: int, signup: Signup, *, submission_token: str | None = None, now: datetime | None = None
) -> Registration:
    """Sign a person (and their party) up: a seat if one is free, else the waitlist.

    Sending the same form twice (same session, same address) returns the first
    registration; the same email address cannot hold two places (AlreadyRegistered). The confirmation email
    goes out from the job queue after commit.
    """
    now = now or utcnow()
    email = signup.email.strip().lower()
    session = lock_session(session_id)
    try:
        earlier = _registration_with_token(submission_token)
        if earlier is not None:
            if earlier.session_id == session_id and earlier.email == email:
                db.session.rollback()
                return earlier
            # The same page sent again for someone else (Back on a shared computer): never
            # hand them the first person's place; sign them up, without the used token.
            submission_token = None
        if signup_state(session, now) is not None:
            raise SignupClosed(signup_state(session, now))
        existing = db.session.scalar(
            select(Registration).where(
                Registration.session_id == session_id,
                Registration.email == email,
                Registration.status.in_(RegistrationStatus.ACTIVE),
            )
        )
        if existing is not None:
            raise AlreadyRegistered(existing)
        registration = Registration(
            session_id=session_id,
            user_id=signup.user_id,
            name=signup.name.strip(),
            email=email,
            phone=signup.phone.strip(),
            party_size=max(1, min(signup.party_size, MAX_PARTY_SIZE)),
            interpretation_language=signup.interpretation_language or None,
            childcare_count=max(0, signup.childcare_count),
            accessibility_needs=signup.accessibility_needs.strip(),
            locale=signup.locale,
            consented_at=now,
            status=RegistrationStatus.WAITLISTED,
            waitlisted_at=now,
            created_at=now,
            submission_token=submission_token,
        )
        db.session.add(registration)
        db.session.flush()
        promoted = _fill_seats(session, now)
        emails = _emails_for(registration, [r for r in promoted if r.id != registration.id])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _send(emails)
    return registration


def _fill_seats(session: ConversationSession, now: datetime) -> list[Registration]:
    """Give free seats to the waitlist in order; a party that doesn't fit lets smaller ones behind it in.

    Call with the session locked. Returns the registrations given a seat.
    """
    if session.status not in SessionStatus.OPEN:
        return []
    if session.seats_taken >= session.capacity:
        _update_fullness(session)
        return []
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)
    ).all()
    promoted = []
    for registration in waiting:
        if session.seats_taken + registration.party_size <= session.capacity:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            session.seats_taken += registration.party_size
            promoted.append(registration)
    _update_fullness(session)
    return promoted


def _update_fullness(session: ConversationSession) -> None:
    if session.status in SessionStatus.OPEN:
        session.status = SessionStatus.FULL if session.seats_taken >= session.capacity else SessionStatus.SCHEDULED


def _release(session: ConversationSession, registration: Registration, by: str, now: datetime) -> None:
    if registration.status == RegistrationStatus.CONFIRMED and not registration.walk_in:
        session.seats_taken -= registration.party_size
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.cancelled_by = by


def cancel_registration(registration_id: int, *, by: str = CancelledBy.PARTICIPANT, actor=None,
                        now: datetime | None = None) -> SeatChange:
    """Give up a place; the freed seats go to the waitlist, who are emailed."""
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise LookupError(registration_id)
    session = lock_session(registration.session_id)
    try:
        db.session.refresh(registration)
        if by == CancelledBy.HOST:
            require_manage_session(actor, session)
        if registration.status == RegistrationStatus.CANCELLED:
            raise CannotCancel("already cancelled")
        # Checked with the row locked: the session may have started, or been
        # marked held, since the page was shown.
        if now >= as_utc(session.starts_at) or session.status not in SessionStatus.OPEN:
            raise CannotCancel("started")
        _release(session, registration, by, now)
        promoted = _fill_seats(session, now)
        if actor is not None:
            audit.record(actor, "conversation.registration_removed", "conversation_session", session.id,
                         registration=registration.id)
        emails = _emails_for(None, promoted)
        emails.append(("removed" if by == CancelledBy.HOST else "cancelled", registration.id))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _send(emails)
    return SeatChange(registration, promoted)


def change_capacity(session_id: int, capacity: int, *, now: datetime | None = None) -> list[Registration]:
    """Set a session's capacity (within an open transaction's caller's permission check)."""
    now = now or utcnow()
    session = lock_session(session_id)
    try:
        if capacity < session.seats_taken:
            raise CapacityTooSmall(session.seats_taken)
        session.capacity = capacity
        promoted = _fill_seats(session, now)
        emails = _emails_for(None, promoted)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _send(emails)
    return promoted


def cancel_session(actor, session_id: int, *, reason: str, now: datetime | None = None) -> ConversationSession:
    """The host calls the session off: every active registration is cancelled and emailed."""
    now = now or utcnow()
    session = lock_session(session_id)
    try:
        require_manage_session(actor, session)
        if session.status not in SessionStatus.OPEN:
            raise CannotCancel(session.status)
        session.status = SessionStatus.CANCELLED
        session.cancelled_at = now
        session.cancellation_reason = reason.strip()
        for registration in session.registrations:
            if registration.is_active:
                _release(session, registration, CancelledBy.SESSION, now)
        audit.record(actor, "conversation.cancelled", "conversation_session", session.id, reason=reason.strip())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    jobs.notify_session_cancelled(session_id)
    return session


def _emails_for(new: Registration | None, promoted: list[Registration]) -> list[tuple[str, int]]:
    """The emails a change calls for, worked out before commit: reading the
    rows again afterwards would hold a second connection while the jobs run."""
    emails = [("confirmation", new.id)] if new is not None else []
    return emails + [("promotion", registration.id) for registration in promoted]


def _send(emails: list[tuple[str, int]]) -> None:
    send = {
        "confirmation": jobs.send_registration_confirmation,
        "promotion": jobs.send_promotion_notice,
        "removed": jobs.send_removal_notice,
        "cancelled": jobs.send_cancellation_notice,
    }
    for kind, registration_id in emails:
        send[kind](registration_id)


def set_checked_in(actor, registration: Registration, attended: bool, *, now: datetime | None = None) -> None:
    require_manage_session(actor, registration.session)
    registration.checked_in_at = (now or utcnow()) if attended else None
    audit.record(actor, "conversation.checked_in" if attended else "conversation.check_in_undone",
                 "conversation_session", registration.session_id, registration=registration.id)
    db.session.commit()


def add_walk_in(actor, session: ConversationSession, *, name: str, email: str = "", party_size: int = 1,
                interpretation_language: str | None = None, childcare_count: int = 0,
                submission_token: str | None = None, now: datetime | None = None) -> Registration:
    """Someone who came without signing up: on the roster and checked in.

    Walk-ins are attendance, not bookings: they hold no seat, so they never
    push a signed-up person onto the waitlist. The same form sent twice adds
    them once.
    """
    require_manage_session(actor, session)
    earlier = _registration_with_token(submission_token)
    if earlier is not None:
        if earlier.session_id == session.id:
            return earlier
        submission_token = None  # a token used at another session names nothing of this one
    now = now or utcnow()
    registration = Registration(
        session_id=session.id,
        name=name.strip(),
        email=email.strip().lower() or None,
        party_size=max(1, min(party_size, MAX_PARTY_SIZE)),
        interpretation_language=interpretation_language or None,
        childcare_count=max(0, childcare_count),
        status=RegistrationStatus.CONFIRMED,
        walk_in=True,
        created_at=now,
        confirmed_at=now,
        checked_in_at=now,
        submission_token=submission_token,
    )
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        # The same form at the same moment from another tab: that one was saved.
        db.session.rollback()
        return _registration_with_token(submission_token)
    audit.record(actor, "conversation.walk_in_added", "conversation_session", session.id, registration=registration.id)
    db.session.commit()
    return registration


def _registration_with_token(submission_token: str | None) -> Registration | None:
    if not submission_token:
        return None
    return db.session.scalar(select(Registration).where(Registration.submission_token == submission_token))

