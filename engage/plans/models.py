"""A plan is edited as a draft (sections, actions, indicators) and published as
immutable versions (a JSON snapshot each). Readers always see a version."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..orgs.models import School


def new_key() -> str:
    """Stable id of a section or action across versions (comments and diffs use it)."""
    return secrets.token_hex(5)


class PlanStatus:
    DRAFT = "draft"  # draft open for feedback
    UNDER_REVISION = "under_revision"
    REVISED_DRAFT = "revised_draft"
    FINAL = "final"
    ARCHIVED = "archived"
    ORDER = (DRAFT, UNDER_REVISION, REVISED_DRAFT, FINAL, ARCHIVED)
    # Feedback is taken only in these states, and only inside the window.
    OPEN_FOR_FEEDBACK = (DRAFT, REVISED_DRAFT)


# A school's plan implements actions of the district's plan.
plan_implements = Table(
    "plan_implements",
    db.metadata,
    Column("plan_id", ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("plan_actions.id", ondelete="CASCADE"), primary_key=True),
)


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # None: the district's own plan; otherwise the school that wrote it.
    owner_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT)
    feedback_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    feedback_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    timeline_months: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    owner_school: Mapped[School | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    sections: Mapped[list[PlanSection]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanSection.position"
    )
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanVersion.number"
    )
    implements: Mapped[list[PlanAction]] = relationship(secondary=plan_implements)

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.title!r}>"


class PlanSection(db.Model):
    __tablename__ = "plan_sections"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_plan_sections_plan_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20), default=new_key)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    intro: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="sections")
    actions: Mapped[list[PlanAction]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="PlanAction.position"
    )


class PlanAction(db.Model):
    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("plan_sections.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20), default=new_key, index=True)
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    responsible_office: Mapped[str] = mapped_column(String(200), default="")
    months: Mapped[list[int]] = mapped_column(JSON, default=list)

    section: Mapped[PlanSection] = relationship(back_populates="actions")
    indicators: Mapped[list[PlanIndicator]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="PlanIndicator.position"
    )


class PlanIndicator(db.Model):
    """An interim indicator of success, with its target deadline and performance metric."""

    __tablename__ = "plan_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    deadline_text: Mapped[str] = mapped_column(String(100), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[PlanAction] = relationship(back_populates="indicators")


class PlanVersion(db.Model):
    """A published, immutable copy of the plan: what readers read and comment on."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    change_note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict] = mapped_column(JSON)
    # Languages whose translation was not ready when it was published: readers are told it is coming.
    translation_coming: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()
