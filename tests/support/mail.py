"""Reading the emails the app sent (the outbox) for the links in them."""

from __future__ import annotations

import re

from sqlalchemy import select

from engage.extensions import db
from engage.mail.models import OutboxMessage

LINK_RE = re.compile(r"http://localhost(/\S+)")


def last_link_to(email: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email to {email}"
    return LINK_RE.search(message.body_text).group(1)
