"""You said, we did: a theme of feedback and/or particular comments, linked by a
leader to the plan change (a published version) or the action they led to,
with a short explanation. The public plan page, the theme's public summary and
the version comparison all read these links; nothing in plans, comments or
themes points back here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..comments.models import Comment
    from ..plans.models import Plan, PlanVersion
    from ..themes.models import Theme


class FeedbackOutcome(db.Model):
    """What a theme (and/or comments) led to.

    The target is a published version in which the plan changed (version_id),
    an action (action_key) or a section (section_key) of the plan, or a
    version together with the section or action that changed in it. Keys are
    the stable keys of sections and actions across versions.
    """

    __tablename__ = "feedback_outcomes"
    __table_args__ = (
        # The same form sent twice (double click, reload) makes one link.
        UniqueConstraint("created_by_id", "submission_token", name="uq_feedback_outcomes_author_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id", ondelete="SET NULL"), index=True)
    section_key: Mapped[str | None] = mapped_column(String(20))
    action_key: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship()
    theme: Mapped[Theme | None] = relationship()
    version: Mapped[PlanVersion | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    comment_links: Mapped[list[OutcomeComment]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="OutcomeComment.comment_id"
    )


class OutcomeComment(db.Model):
    """A comment named in a "you said, we did" link. Its author is emailed once."""

    __tablename__ = "feedback_outcome_comments"

    outcome_id: Mapped[int] = mapped_column(ForeignKey("feedback_outcomes.id", ondelete="CASCADE"),
                                            primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    outcome: Mapped[FeedbackOutcome] = relationship(back_populates="comment_links")
    comment: Mapped[Comment] = relationship()
