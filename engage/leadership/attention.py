"""A leader's home: what needs their attention now, each one click away.

Every component says what it has (page "attention" of `engage.slots`, given `since`: the
leader's last visit, or a week ago on their first); this module remembers the visits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..extensions import db
from ..models import as_utc, utcnow
from ..permissions import Permission, require
from .models import AttentionVisit

# A first visit counts what is new over the last week.
FIRST_VISIT_LOOKBACK = timedelta(days=7)


def last_visit(actor) -> datetime | None:
    """When this leader last opened their home (None: never)."""
    require(actor, Permission.VIEW_PARTICIPATION)
    visit = db.session.get(AttentionVisit, actor.id)
    return as_utc(visit.seen_at) if visit is not None else None


def since_for(last: datetime | None, now: datetime | None = None) -> datetime:
    return last or (now or utcnow()) - FIRST_VISIT_LOOKBACK


def record_visit(actor, now: datetime | None = None) -> None:
    """Remember this visit: the next one says what is new since now."""
    require(actor, Permission.VIEW_PARTICIPATION)
    visit = db.session.get(AttentionVisit, actor.id) or AttentionVisit(user_id=actor.id)
    visit.seen_at = now or utcnow()
    db.session.add(visit)
    db.session.commit()
