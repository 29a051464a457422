from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class OutboxMessage(db.Model):
    """Every email Engage sends. Without SMTP this is the only delivery."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # Text attachments (calendar invitations): [{filename, content_type, content}].
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Extra headers, such as List-Unsubscribe on emails people can stop: {name: value}.
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
