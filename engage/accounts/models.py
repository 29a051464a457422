from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, Column, DateTime, ForeignKey, String, Table, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import utcnow
from ..permissions import Role

if TYPE_CHECKING:
    from ..orgs.models import Membership, School

NAME_MAX = 120


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.PARTICIPANT.value)
    locale: Mapped[str | None] = mapped_column(String(10))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(default=True)
    # Emails about replies to one's comments and official responses.
    notify_on_replies: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    profile: Mapped[ParticipantProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    # The token of the sign-in this object was loaded for or signed in with (see
    # accounts/sign_ins.py). Flask-Login keeps what get_id() returns in the session
    # and the remember-me cookie, so both name one revocable sign-in, never the
    # person: signing out ends that sign-in on the server.
    sign_in_token = None

    def get_id(self) -> str:
        if self.sign_in_token is None:
            raise RuntimeError("sign in through accounts.sign_ins.start_sign_in, which gives the user a token")
        return self.sign_in_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_host(self) -> bool:
        return any(m.organization.hosts_conversations for m in self.memberships)

    @property
    def is_office_member(self) -> bool:
        """A member of a district office, who posts progress on that office's actions."""
        from ..orgs.models import OrganizationKind

        return any(m.organization.kind == OrganizationKind.DISTRICT_OFFICE for m in self.memberships)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


class DistrictRelationship:
    """A person's main connection to the district (optional)."""

    PARENT = "parent"
    STUDENT = "student"
    STAFF = "staff"
    COMMUNITY = "community"


profile_schools = Table(
    "profile_schools",
    db.metadata,
    Column("profile_id", ForeignKey("participant_profiles.user_id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True),
)


class ParticipantProfile(db.Model):
    """Optional facts a person shares so the district can see who it hears from.

    Every field may be left empty, changed, or deleted by the person.
    """

    __tablename__ = "participant_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    relationship_to_district: Mapped[str | None] = mapped_column(String(20))
    preferred_language: Mapped[str | None] = mapped_column(String(20))
    preferred_language_other: Mapped[str | None] = mapped_column(String(80))
    race_ethnicity: Mapped[list[str]] = mapped_column(JSON, default=list)
    race_ethnicity_self_described: Mapped[str | None] = mapped_column(String(200))
    gender_self_described: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="profile")
    schools: Mapped[list[School]] = relationship(secondary=profile_schools, order_by="School.name")


class SignIn(db.Model):
    """One browser's sign-in: what its session and remember-me cookie carry.

    The cookie holds a random token; only its SHA-256 is stored, so a copy of
    this table opens no session. Signing out revokes the row, and a revoked,
    expired or unknown token signs nobody in, whatever cookie comes back.
    """

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
