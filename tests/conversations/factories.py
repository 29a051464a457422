"""Conversation sessions and registrations built directly in the database for tests."""

from __future__ import annotations

import uuid
from datetime import timedelta

from engage.conversations.models import (
    ConversationSession,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionLanguage,
    SessionStatus,
)
from engage.extensions import db
from engage.models import utcnow


def make_session(title: str = "Family conversation on the equity plan", *, organization=None, capacity: int = 20,
                 starts_in: timedelta = timedelta(days=7), hours: float = 2, languages=("en",),
                 status: str = SessionStatus.SCHEDULED, format: str = SessionFormat.IN_PERSON,
                 **fields) -> ConversationSession:
    starts_at = utcnow().replace(microsecond=0) + starts_in
    fields.setdefault("address", "1200 River Road, Riverbend")
    fields.setdefault("description", "Share what you think of the draft plan.")
    session = ConversationSession(
        title=title,
        organization_id=organization.id if organization is not None else None,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        status=status,
        format=format,
        languages=[SessionLanguage(code=code, position=i) for i, code in enumerate(languages)],
        **fields,
    )
    db.session.add(session)
    db.session.commit()
    return session


def add_registration(session: ConversationSession, *, name: str = "Rosa Parent", email: str | None = None,
                     party_size: int = 1, status: str = RegistrationStatus.CONFIRMED, **fields) -> Registration:
    """A registration written straight to the table; keeps the session's seat count right."""
    now = utcnow()
    registration = Registration(
        session_id=session.id,
        name=name,
        email=email or f"family-{uuid.uuid4().hex[:8]}@example.org",
        party_size=party_size,
        status=status,
        consented_at=now,
        waitlisted_at=now if status == RegistrationStatus.WAITLISTED else None,
        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
        **fields,
    )
    if status == RegistrationStatus.CONFIRMED and not fields.get("walk_in"):
        session.seats_taken += party_size
    db.session.add(registration)
    db.session.commit()
    return registration
