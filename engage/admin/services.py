"""The administrator's overview."""

from __future__ import annotations

from sqlalchemy import func, select

from ..accounts.models import User
from ..extensions import db
from ..mail.models import OutboxMessage
from ..orgs.models import Organization, School
from ..permissions import Permission, require


def overview(actor) -> dict[str, int]:
    require(actor, Permission.MANAGE_USERS)

    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "users": count(User),
        "organizations": count(Organization),
        "schools": count(School),
        "outbox": count(OutboxMessage),
    }
