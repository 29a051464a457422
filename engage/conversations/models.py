"""Community conversations: sessions, registrations, hosts' notes and the toolkit."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import SUBMISSION_TOKEN_MAX, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..orgs.models import Organization, School
    from ..plans.models import Plan


class SessionStatus:
    SCHEDULED = "scheduled"
    FULL = "full"
    CANCELLED = "cancelled"
    COMPLETED = "completed"

    ALL = (SCHEDULED, FULL, CANCELLED, COMPLETED)
    OPEN = (SCHEDULED, FULL)  # still taking sign-ups or a waitlist


class SessionFormat:
    IN_PERSON = "in_person"
    ONLINE = "online"


class ConversationSession(db.Model):
    """One community conversation: when, where, in which languages, for how many people."""

    __tablename__ = "conversation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: hosted by the district itself (a leader created it without an organization).
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"), index=True)
    # Keys of the plan sections to discuss (PlanSection.key), in the host's order.
    section_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"), index=True)

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The language the host wrote the title, description and notes in (translators translate from it).
    written_in: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # None: sign-ups close when the session starts.
    registration_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    format: Mapped[str] = mapped_column(String(20), default=SessionFormat.IN_PERSON)
    address: Mapped[str] = mapped_column(String(300), default="")
    room: Mapped[str] = mapped_column(String(120), default="")
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    # Shown only to people registered (and to hosts).
    online_url: Mapped[str] = mapped_column(String(500), default="")

    interpretation_available: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    childcare_offered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    food_offered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    capacity: Mapped[int] = mapped_column(Integer)
    # Seats held by confirmed registrations (sum of party sizes, walk-ins
    # included). Changed only while the session row is locked; see
    # registration.lock_session.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lock_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.SCHEDULED, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancellation_reason: Mapped[str] = mapped_column(Text, default="")

    submission_token: Mapped[str | None] = mapped_column(String(SUBMISSION_TOKEN_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    plan: Mapped[Plan | None] = relationship()
    school: Mapped[School | None] = relationship()
    languages: Mapped[list[SessionLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="SessionLanguage.position"
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )
    note: Mapped[ConversationNote | None] = relationship(
        back_populates="session", cascade="all, delete-orphan", uselist=False, passive_deletes=True
    )

    @property
    def language_codes(self) -> list[str]:
        return [language.code for language in self.languages]

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    def __repr__(self) -> str:
        return f"<ConversationSession {self.id} {self.title!r} {self.status}>"


class SessionLanguage(db.Model):
    """A language the conversation is held in (a row each, so the listing can filter on it)."""

    __tablename__ = "conversation_session_languages"
    __table_args__ = (UniqueConstraint("session_id", "code", name="uq_conversation_session_languages_session_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("conversation_sessions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10), index=True)
    position: Mapped[int] = mapped_column(default=0)


class RegistrationStatus:
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    ACTIVE = (CONFIRMED, WAITLISTED)


class CancelledBy:
    PARTICIPANT = "participant"  # by the cancel link or from their account
    HOST = "host"  # removed from the roster
    SESSION = "session"  # the whole session was cancelled


class Registration(db.Model):
    """A person (and their party) signed up for a session, on its waitlist, or cancelled; or a walk-in."""

    __tablename__ = "conversation_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased; None only for walk-ins who gave none.
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    interpretation_language: Mapped[str | None] = mapped_column(String(10))
    childcare_count: Mapped[int] = mapped_column(Integer, default=0)
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    # Language for emails about this registration.
    locale: Mapped[str] = mapped_column(String(10), default="en")
    consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    status: Mapped[str] = mapped_column(String(20), index=True)
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Waitlist order: earliest first (ties broken by id).
    waitlisted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submission_token: Mapped[str | None] = mapped_column(String(SUBMISSION_TOKEN_MAX), unique=True)

    session: Mapped[ConversationSession] = relationship(back_populates="registrations")
    user: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in RegistrationStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Registration {self.id} session={self.session_id} {self.status} x{self.party_size}>"


class NoteStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"


class NoteEntryKind:
    HEARD = "heard"  # a "what we heard" entry written by the host
    CARD = "card"  # a paper comment card typed in


class ConversationNote(db.Model):
    """What the host reports after the session; a draft until submitted."""

    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_sessions.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20), default=NoteStatus.DRAFT)
    attendance_count: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[ConversationSession] = relationship(back_populates="note")
    submitted_by: Mapped[User | None] = relationship()
    entries: Mapped[list[NoteEntry]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by=lambda: [NoteEntry.kind, NoteEntry.position, NoteEntry.id]
    )

    @property
    def heard(self) -> list[NoteEntry]:
        return [entry for entry in self.entries if entry.kind == NoteEntryKind.HEARD]

    @property
    def cards(self) -> list[NoteEntry]:
        return [entry for entry in self.entries if entry.kind == NoteEntryKind.CARD]


class NoteEntry(db.Model):
    """One thing heard at a session, or one paper comment card, optionally tied to the plan."""

    __tablename__ = "conversation_note_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("conversation_notes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=NoteEntryKind.HEARD)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    # The language the text is written in (a host may type notes in Spanish).
    language: Mapped[str | None] = mapped_column(String(10))
    section_key: Mapped[str | None] = mapped_column(String(20))
    action_key: Mapped[str | None] = mapped_column(String(20))
    # Who said it, where known: their connection to the district and the language they spoke.
    relationship_to_district: Mapped[str | None] = mapped_column(String(20))
    participant_language: Mapped[str | None] = mapped_column(String(10))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    note: Mapped[ConversationNote] = relationship(back_populates="entries")


class ResourceKind:
    LINK = "link"
    FILE = "file"


class ToolkitResource(db.Model):
    """A file or link leaders share with every host (flyer templates, facilitation tips...)."""

    __tablename__ = "toolkit_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(500), default="")
    # For files: a random name under the upload folder; the original name for downloads.
    stored_name: Mapped[str] = mapped_column(String(100), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_token: Mapped[str | None] = mapped_column(String(SUBMISSION_TOKEN_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    created_by: Mapped[User | None] = relationship()
