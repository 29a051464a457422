from __future__ import annotations

import secrets
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


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.PARTICIPANT.value)
    locale: Mapped[str | None] = mapped_column(String(10))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Rotated when the password changes, which signs out every other session
    # and every "remember me" cookie.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
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

    def get_id(self) -> str:
        return self.session_token

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
        self.session_token = new_session_token()

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
