"""Community conversation sessions: who may run them, and finding them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..orgs.models import Membership, Organization
from ..permissions import Permission, PermissionDenied, can
from .models import ConversationSession


def hosting_organization_ids(actor) -> set[int]:
    """The hosting organizations the person belongs to."""
    if actor is None or not actor.is_authenticated:
        return set()
    return set(
        db.session.scalars(
            select(Membership.organization_id)
            .join(Organization)
            .where(Membership.user_id == actor.id, Organization.hosts_conversations.is_(True))
        )
    )


def can_manage_all_sessions(actor) -> bool:
    return can(actor, Permission.MANAGE_CONVERSATIONS)


def can_manage_session(actor, session: ConversationSession) -> bool:
    """Leaders and admins run every session; hosts, their own organization's."""
    if can_manage_all_sessions(actor):
        return True
    if not can(actor, Permission.HOST) or session.organization_id is None:
        return False
    return session.organization_id in hosting_organization_ids(actor)


def require_manage_session(actor, session: ConversationSession) -> None:
    if not can_manage_session(actor, session):
        raise PermissionDenied(Permission.HOST)


def organizations_for_new_session(actor) -> list[Organization]:
    """Organizations the person may host a session for (every hosting one, for leaders)."""
    query = select(Organization).where(Organization.hosts_conversations.is_(True)).order_by(Organization.name)
    if not can_manage_all_sessions(actor):
        if not can(actor, Permission.HOST):
            raise PermissionDenied(Permission.HOST)
        query = query.where(Organization.id.in_(hosting_organization_ids(actor) or {-1}))
    return list(db.session.scalars(query))


def get_session(session_id: int) -> ConversationSession | None:
    return db.session.get(
        ConversationSession,
        session_id,
        options=[
            selectinload(ConversationSession.languages),
            selectinload(ConversationSession.organization),
            selectinload(ConversationSession.school),
            selectinload(ConversationSession.plan),
        ],
    )

