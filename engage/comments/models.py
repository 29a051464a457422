"""Comments on a plan version, anchored to the plan, a section or an action."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..plans.models import Plan, PlanVersion


class CommentStatus:
    VISIBLE = "visible"
    HIDDEN = "hidden"  # by a moderator, with a reason shown in its place
    DELETED = "deleted"  # by its author


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        # The same form sent twice (double click, reload) makes one comment.
        UniqueConstraint("author_id", "submission_token", name="uq_comments_author_submission"),
        Index("ix_comments_plan_parent_created", "plan_id", "parent_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    section_key: Mapped[str | None] = mapped_column(String(20), index=True)
    action_key: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    # The top-level comment of the thread (None for a top-level comment), so a
    # page of threads loads all its replies in one query.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    anonymous: Mapped[bool] = mapped_column(default=False)
    official: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=CommentStatus.VISIBLE)
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    submission_token: Mapped[str] = mapped_column(String(64))
    reply_count: Mapped[int] = mapped_column(default=0)
    support_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[User] = relationship()
    plan: Mapped[Plan] = relationship()
    version: Mapped[PlanVersion] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    @property
    def is_removed(self) -> bool:
        return self.status != CommentStatus.VISIBLE


class CommentSupport(db.Model):
    """One person's "I agree" on a comment."""

    __tablename__ = "comment_supports"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CommentFlag(db.Model):
    """Someone asked moderators to look at a comment."""

    __tablename__ = "comment_flags"
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_comment_flags_comment_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    comment: Mapped[Comment] = relationship()
    user: Mapped[User] = relationship()
