"""Record and read the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..permissions import Permission, require
from .models import AuditEvent


def record(actor, action: str, target_type: str, target_id: int | None, **details: Any) -> AuditEvent:
    """Add an audit row to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(event)
    return event


def list_events(actor, *, page: int = 1, per_page: int = 50):
    require(actor, Permission.VIEW_AUDIT_LOG)
    query = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
