"""Progress tracker: each action's current status, its dated progress updates with
evidence and metric values, and people following an action or a plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import SUBMISSION_TOKEN_MAX, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..plans.models import PlanAction, PlanIndicator


class ProgressStatus:
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    DELAYED = "delayed"
    DONE = "done"

    ALL = (NOT_STARTED, ON_TRACK, AT_RISK, DELAYED, DONE)


class ActionProgress(db.Model):
    """Where an action stands now: the latest update's status and percent, kept on one
    row per action so the tracker lists hundreds of actions in one query."""

    __tablename__ = "action_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ProgressStatus.NOT_STARTED, index=True)
    percent_complete: Mapped[int] = mapped_column(Integer, default=0)
    update_count: Mapped[int] = mapped_column(Integer, default=0)
    last_update_id: Mapped[int | None] = mapped_column(ForeignKey("progress_updates.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    action: Mapped[PlanAction] = relationship()


class EvidenceKind:
    NONE = ""
    LINK = "link"
    FILE = "file"


class ProgressUpdate(db.Model):
    """A dated note from the responsible office on an action, with evidence and metric values."""

    __tablename__ = "progress_updates"
    __table_args__ = (
        # The same form sent twice makes one update.
        UniqueConstraint("author_id", "submission_token", name="uq_progress_updates_author_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The office the update speaks for (the action's responsible office when written).
    office: Mapped[str] = mapped_column(String(200), default="")
    # The day the update is about (may be earlier than when it was typed in).
    as_of: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20))
    percent_complete: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")

    evidence_kind: Mapped[str] = mapped_column(String(10), default=EvidenceKind.NONE)
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    evidence_title: Mapped[str] = mapped_column(String(200), default="")
    # For files: a random name under UPLOAD_FOLDER/evidence/, the original name for downloads.
    evidence_stored_name: Mapped[str] = mapped_column(String(100), default="")
    evidence_filename: Mapped[str] = mapped_column(String(200), default="")
    evidence_content_type: Mapped[str] = mapped_column(String(100), default="")
    evidence_size_bytes: Mapped[int] = mapped_column(Integer, default=0)

    submission_token: Mapped[str] = mapped_column(String(SUBMISSION_TOKEN_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    author: Mapped[User | None] = relationship()
    action: Mapped[PlanAction] = relationship()
    metric_values: Mapped[list[MetricValue]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="MetricValue.id"
    )


class MetricValue(db.Model):
    """A measured value of one indicator in an update: a number with its unit, or text."""

    __tablename__ = "metric_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("plan_indicators.id", ondelete="CASCADE"), index=True)
    number: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    update: Mapped[ProgressUpdate] = relationship(back_populates="metric_values")
    indicator: Mapped[PlanIndicator] = relationship()


class TrackerSubscription(db.Model):
    """Someone who asked to be emailed when an action (or any action of a plan) gets an update."""

    __tablename__ = "tracker_subscriptions"
    __table_args__ = (UniqueConstraint("email", "plan_id", "action_id", name="uq_tracker_subscriptions_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    # None: every action of the plan.
    action_id: Mapped[int | None] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(10), default="en")
    # Guests confirm by email first; people signed in with a confirmed address do not need to.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
