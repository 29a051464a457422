"""Feedback items: what the theme analysis and leadership read, whatever the source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import ParticipantProfile, User
from ..comments.models import Comment, CommentStatus
from ..extensions import db


@dataclass(frozen=True)
class FeedbackItem:
    source: str  # "comment", later "survey_answer", "conversation_note", "paper_card"
    source_id: int
    text: str
    language: str | None
    plan_id: int | None
    section_key: str | None
    action_key: str | None
    created_at: datetime
    support_count: int
    # Profile facts the person chose to share; only ever shown as suppressed totals.
    relationship: str | None = None
    preferred_language: str | None = None
    school_ids: tuple[int, ...] = field(default_factory=tuple)
    official: bool = False


def comment_items(plan_id: int) -> list[FeedbackItem]:
    """Every visible comment on the plan, with its support count, in three queries."""
    rows = db.session.execute(
        select(Comment, ParticipantProfile)
        .join(User, User.id == Comment.author_id)
        .outerjoin(ParticipantProfile, ParticipantProfile.user_id == User.id)
        .where(Comment.plan_id == plan_id, Comment.status == CommentStatus.VISIBLE)
        .options(selectinload(ParticipantProfile.schools))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    return [
        FeedbackItem(
            source="comment",
            source_id=comment.id,
            text=comment.body,
            language=comment.language,
            plan_id=comment.plan_id,
            section_key=comment.section_key,
            action_key=comment.action_key,
            created_at=comment.created_at,
            support_count=comment.support_count,
            relationship=profile.relationship_to_district if profile else None,
            preferred_language=profile.preferred_language if profile else None,
            school_ids=tuple(school.id for school in profile.schools) if profile else (),
            official=comment.official,
        )
        for comment, profile in rows
    ]
