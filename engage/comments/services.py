"""Comments: posting, threads, editing, support, flags, moderation and notices.

Every function takes the acting person and plain values, checks what that
person may do, and commits its own transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..audit import services as audit
from ..extensions import db
from ..mail.services import send_email
from ..models import utcnow
from ..permissions import Permission, PermissionDenied, can, require
from ..plans.models import Plan, PlanVersion
from ..plans.services import FeedbackWindow, feedback_window_state
from ..urls import external_url
from .models import Comment, CommentFlag, CommentStatus, CommentSupport

MAX_DEPTH = 3  # replies nest this deep; a reply to the deepest level joins it
EDIT_WINDOW = timedelta(minutes=15)
BODY_MAX = 5000
SORTS = ("newest", "oldest", "replies", "support")


class CommentsClosed(Exception):
    """The plan is not taking comments now."""


class EmailNotConfirmed(Exception):
    """Only people who confirmed their email address may comment."""


class BadAnchor(Exception):
    """The section or action is not part of this plan's current version."""


class EditWindowPassed(Exception):
    pass


# Posting -----------------------------------------------------------------------


def _anchor_exists(version: PlanVersion, section_key: str | None, action_key: str | None) -> bool:
    if section_key is None:
        return action_key is None
    for section in version.snapshot.get("sections", []):
        if section["key"] == section_key:
            return action_key is None or any(a["key"] == action_key for a in section["actions"])
    return False


def post_comment(
    author: User,
    plan: Plan,
    *,
    body: str,
    submission_token: str,
    section_key: str | None = None,
    action_key: str | None = None,
    parent: Comment | None = None,
    anonymous: bool = False,
    official: bool = False,
    language: str | None = None,
) -> Comment:
    """Add a comment (or a reply, when parent is given) to the plan's latest version.

    Sending the same form twice returns the first comment instead of a copy.
    Official responses (hosts and leaders) may be posted after the window closes.
    """
    if not author.is_authenticated:
        raise PermissionDenied("comment")
    if not author.is_verified:
        raise EmailNotConfirmed()
    if official and (parent is None or not can(author, Permission.HOST)):
        raise PermissionDenied(Permission.HOST)
    if not official and feedback_window_state(plan) != FeedbackWindow.OPEN:
        raise CommentsClosed()
    existing = db.session.scalar(
        select(Comment).where(Comment.author_id == author.id, Comment.submission_token == submission_token)
    )
    if existing is not None:
        return existing
    version = plan.versions[-1] if plan.versions else None
    if version is None:
        raise CommentsClosed()
    if parent is not None:
        if parent.plan_id != plan.id or parent.status != CommentStatus.VISIBLE:
            raise BadAnchor()
        section_key, action_key = parent.section_key, parent.action_key
        attach_to = parent if parent.depth < MAX_DEPTH else parent.parent
    elif not _anchor_exists(version, section_key, action_key):
        raise BadAnchor()
    else:
        attach_to = None
    comment = Comment(
        plan_id=plan.id,
        version_id=version.id,
        section_key=section_key,
        action_key=action_key,
        parent_id=attach_to.id if attach_to else None,
        root_id=(attach_to.root_id or attach_to.id) if attach_to else None,
        depth=attach_to.depth + 1 if attach_to else 0,
        author_id=author.id,
        body=body.strip()[:BODY_MAX],
        language=language,
        anonymous=anonymous and not official,
        official=official,
        submission_token=submission_token,
    )
    db.session.add(comment)
    try:
        db.session.flush()
    except IntegrityError:  # the same submission raced in from a second request
        db.session.rollback()
        return db.session.scalar(
            select(Comment).where(Comment.author_id == author.id, Comment.submission_token == submission_token)
        )
    if attach_to is not None:
        db.session.execute(
            update(Comment).where(Comment.id == attach_to.id).values(reply_count=Comment.reply_count + 1)
        )
    if official:
        audit.record(author, "comment.official_response", "comment", comment.id, reply_to=parent.id)
    db.session.commit()
    if parent is not None:
        _notify_reply(parent, comment)
    return comment


def _notify_reply(parent: Comment, reply: Comment) -> None:
    recipient = parent.author
    if recipient.id == reply.author_id or not recipient.notify_on_replies or not recipient.active:
        return
    link = external_url("comments.thread", plan_id=parent.plan_id, comment_id=reply.root_id or reply.id)
    send_email(recipient.email, "comment_official_response" if reply.official else "comment_reply",
               locale=recipient.locale, user=recipient, reply=reply, link=link,
               settings_link=external_url("accounts.account"))


# Editing and deleting ----------------------------------------------------------


def can_edit(user, comment: Comment) -> bool:
    """Authors may fix a visible comment for 15 minutes, while the plan takes comments."""
    created = comment.created_at if comment.created_at.tzinfo else comment.created_at.replace(tzinfo=UTC)
    return (
        getattr(user, "id", None) == comment.author_id
        and comment.status == CommentStatus.VISIBLE
        and utcnow() - created <= EDIT_WINDOW
        and (comment.official or feedback_window_state(comment.plan) == FeedbackWindow.OPEN)
    )


def edit_comment(user, comment: Comment, *, body: str) -> Comment:
    if getattr(user, "id", None) != comment.author_id:
        raise PermissionDenied("edit comment")
    if not can_edit(user, comment):
        raise EditWindowPassed()
    comment.body = body.strip()[:BODY_MAX]
    comment.edited_at = utcnow()
    db.session.commit()
    return comment


def can_delete(user, comment: Comment) -> bool:
    """Only its author takes a comment back, and only while it shows."""
    return getattr(user, "id", None) == comment.author_id and comment.status == CommentStatus.VISIBLE


def delete_comment(user, comment: Comment) -> None:
    """The author takes their comment back; the words are erased, replies stay."""
    if not can_delete(user, comment):
        raise PermissionDenied("delete comment")
    comment.status = CommentStatus.DELETED
    comment.body = ""
    _recount_replies(comment.parent_id)
    db.session.commit()


def _recount_replies(comment_id: int | None) -> None:
    """A comment's reply count covers its visible replies only."""
    if comment_id is None:
        return
    visible = select(func.count()).where(Comment.parent_id == comment_id, Comment.status == CommentStatus.VISIBLE)
    db.session.execute(update(Comment).where(Comment.id == comment_id).values(reply_count=visible.scalar_subquery()))


# Support -----------------------------------------------------------------------


def toggle_support(user, comment: Comment) -> bool:
    """Mark or unmark "I agree". Returns whether the person supports it now."""
    if not user.is_authenticated or comment.status != CommentStatus.VISIBLE:
        raise PermissionDenied("support")
    removed = db.session.execute(
        delete(CommentSupport).where(CommentSupport.comment_id == comment.id, CommentSupport.user_id == user.id)
    ).rowcount
    if not removed:
        db.session.add(CommentSupport(comment_id=comment.id, user_id=user.id))
        try:
            db.session.flush()
        except IntegrityError:  # a second click arrived first
            db.session.rollback()
            return True
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(support_count=select(func.count()).where(CommentSupport.comment_id == comment.id).scalar_subquery())
    )
    db.session.commit()
    return not removed


# Flags and moderation ----------------------------------------------------------


def flag_comment(user, comment: Comment, *, reason: str) -> CommentFlag:
    if not user.is_authenticated or user.id == comment.author_id or comment.status == CommentStatus.DELETED:
        raise PermissionDenied("flag")
    existing = db.session.scalar(
        select(CommentFlag).where(CommentFlag.comment_id == comment.id, CommentFlag.user_id == user.id)
    )
    if existing is not None:
        existing.reason, existing.resolved_at = reason.strip(), None
        db.session.commit()
        return existing
    flag = CommentFlag(comment_id=comment.id, user_id=user.id, reason=reason.strip())
    db.session.add(flag)
    db.session.commit()
    return flag


def _moderate(moderator, comment: Comment, *, status: str, reason: str, action: str) -> Comment:
    require(moderator, Permission.MODERATE)
    if comment.status != CommentStatus.DELETED:  # the author's own removal stands
        comment.status = status
        comment.moderation_reason = reason.strip() or None
        _recount_replies(comment.parent_id)
    db.session.execute(
        update(CommentFlag)
        .where(CommentFlag.comment_id == comment.id, CommentFlag.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    audit.record(moderator, action, "comment", comment.id, reason=reason.strip())
    db.session.commit()
    return comment


def hide_comment(moderator, comment: Comment, *, reason: str) -> Comment:
    """Hide a comment from everyone; the reason is shown in its place."""
    return _moderate(moderator, comment, status=CommentStatus.HIDDEN, reason=reason, action="comment.hidden")


def restore_comment(moderator, comment: Comment, *, reason: str) -> Comment:
    return _moderate(moderator, comment, status=CommentStatus.VISIBLE, reason=reason, action="comment.restored")


def dismiss_flags(moderator, comment: Comment, *, reason: str = "") -> None:
    """Keep the comment as it is and close its flags."""
    _moderate(moderator, comment, status=comment.status, reason=comment.moderation_reason or "",
              action="comment.flags_dismissed")


@dataclass
class FlaggedComment:
    comment: Comment
    reasons: list[str]


def moderation_queue(moderator) -> list[FlaggedComment]:
    """Comments with open flags, most flagged first, in a fixed number of queries."""
    require(moderator, Permission.MODERATE)
    flags = db.session.scalars(
        select(CommentFlag)
        .where(CommentFlag.resolved_at.is_(None))
        .options(selectinload(CommentFlag.comment).selectinload(Comment.author))
        .order_by(CommentFlag.created_at)
    ).all()
    grouped: dict[int, FlaggedComment] = {}
    for flag in flags:
        entry = grouped.setdefault(flag.comment_id, FlaggedComment(flag.comment, []))
        entry.reasons.append(flag.reason)
    return sorted(grouped.values(), key=lambda item: -len(item.reasons))


# Reading -----------------------------------------------------------------------


@dataclass
class ThreadNode:
    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)


@dataclass
class ThreadPage:
    threads: list[ThreadNode]
    page: int
    pages: int
    total: int  # threads, for paging
    comment_total: int  # threads and their replies
    supported_ids: set[int]


def _listed():
    """Deleted comments without replies disappear; with replies they say so."""
    return (Comment.status != CommentStatus.DELETED) | (Comment.reply_count > 0)


def list_threads(plan: Plan, viewer, *, section_key: str | None = None, action_key: str | None = None,
                 sort: str = "newest", page: int = 1, per_page: int = 20) -> ThreadPage:
    """A page of top-level comments with all their replies, in five queries."""
    anchored = [Comment.plan_id == plan.id]
    if section_key:
        anchored.append(Comment.section_key == section_key)
    if action_key:
        anchored.append(Comment.action_key == action_key)
    where = [*anchored, Comment.parent_id.is_(None), _listed()]
    order = {
        "oldest": [Comment.created_at.asc()],
        "replies": [Comment.reply_count.desc(), Comment.created_at.desc()],
        "support": [Comment.support_count.desc(), Comment.created_at.desc()],
    }.get(sort, [Comment.created_at.desc()])
    total = db.session.scalar(select(func.count()).select_from(Comment).where(*where)) or 0
    comment_total = db.session.scalar(
        select(func.count()).select_from(Comment).where(*anchored, Comment.status == CommentStatus.VISIBLE)
    ) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    roots = db.session.scalars(
        select(Comment).where(*where).options(selectinload(Comment.author), selectinload(Comment.version))
        .order_by(*order, Comment.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    root_ids = [c.id for c in roots]
    replies = db.session.scalars(
        select(Comment).where(Comment.root_id.in_(root_ids), _listed())
        .options(selectinload(Comment.author), selectinload(Comment.version))
        .order_by(Comment.created_at.asc(), Comment.id.asc())
    ).all() if root_ids else []
    supported = supported_ids(viewer, root_ids)
    nodes = {c.id: ThreadNode(c) for c in [*roots, *replies]}
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.replies.append(nodes[reply.id])
    return ThreadPage([nodes[c.id] for c in roots], page, pages, total, comment_total, supported)


def supported_ids(viewer, root_ids: list[int]) -> set[int]:
    """Which comments in these threads the viewer marked "I agree"."""
    if viewer is None or not viewer.is_authenticated or not root_ids:
        return set()
    return set(db.session.scalars(
        select(CommentSupport.comment_id).join(Comment, Comment.id == CommentSupport.comment_id)
        .where(CommentSupport.user_id == viewer.id, Comment.id.in_(root_ids) | Comment.root_id.in_(root_ids))
    ))


def get_comment(comment_id: int | None) -> Comment | None:
    if comment_id is None:
        return None
    return db.session.get(Comment, comment_id)


def thread_for(comment_id: int) -> tuple[Comment, ThreadNode] | None:
    """One whole thread, for links from emails."""
    root = db.session.get(Comment, comment_id)
    if root is None:
        return None
    if root.root_id is not None:
        root = db.session.get(Comment, root.root_id)
    replies = db.session.scalars(
        select(Comment).where(Comment.root_id == root.id, _listed()).options(selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    nodes = {c.id: ThreadNode(c) for c in [root, *replies]}
    for reply in replies:
        if reply.parent_id in nodes:
            nodes[reply.parent_id].replies.append(nodes[reply.id])
    return root, nodes[root.id]


def comment_counts(plan_id: int) -> dict[tuple[str | None, str | None], int]:
    """Visible comments per (section key, action key), None for the plan or the section as a whole:
    one query."""
    rows = db.session.execute(
        select(Comment.section_key, Comment.action_key, func.count())
        .where(Comment.plan_id == plan_id, Comment.status == CommentStatus.VISIBLE)
        .group_by(Comment.section_key, Comment.action_key)
    )
    return defaultdict(int, {(section_key, action_key): count for section_key, action_key, count in rows})



@dataclass(frozen=True)
class MyComments:
    recent: list[Comment]  # newest first, their plans loaded
    total: int


def my_comments(user, *, limit: int = 10) -> MyComments:
    """The comments a person wrote and has not taken back, newest first: two queries."""
    if not getattr(user, "is_authenticated", False):
        return MyComments([], 0)
    mine = select(Comment).where(Comment.author_id == user.id, Comment.status != CommentStatus.DELETED)
    total = db.session.scalar(select(func.count()).select_from(mine.subquery()))
    recent = db.session.scalars(mine.options(joinedload(Comment.plan))
                                .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)).all()
    return MyComments(list(recent), total)


@dataclass(frozen=True)
class NewComments:
    plan_id: int
    plan_title: str
    count: int


def new_comments_since(since: datetime) -> list[NewComments]:
    """Comments posted since then and still shown, per plan, the most first (one query)."""
    rows = db.session.execute(
        select(Comment.plan_id, Plan.title, func.count())
        .join(Plan, Plan.id == Comment.plan_id)
        .where(Comment.created_at >= since, Comment.status == CommentStatus.VISIBLE, Comment.official.is_(False))
        .group_by(Comment.plan_id, Plan.title)
        .order_by(func.count().desc(), Comment.plan_id)
    )
    return [NewComments(plan_id, title, count) for plan_id, title, count in rows]


def reported_comment_count(moderator) -> int:
    """Comments with a report no moderator has decided on yet."""
    require(moderator, Permission.MODERATE)
    return db.session.scalar(select(func.count(func.distinct(CommentFlag.comment_id)))
                             .where(CommentFlag.resolved_at.is_(None))) or 0
