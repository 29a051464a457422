from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import utcnow

if TYPE_CHECKING:  # pragma: no cover
    from ..accounts.models import User


class ContentTranslation(db.Model):
    """One text in one language, made from one source text.

    `scope` names what the text belongs to ("plan:12", "session:4"), `path` where in it
    ("action:9f3a.title"); `source_hash` the source it translates, so a changed source
    leaves this row as the out-of-date translation of the old words, and a published
    version whose words are those old words still finds it.
    """

    __tablename__ = "content_translations"
    __table_args__ = (
        UniqueConstraint("scope", "path", "language", "source_hash", name="uq_content_translations_source"),
        Index("ix_content_translations_scope_language", "scope", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(60))
    path: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(12))
    source_hash: Mapped[str] = mapped_column(String(16))
    # The source as it was, shown to a translator updating an out-of-date translation.
    source_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    # Drafted by a machine-translation service and not edited by a person since.
    machine: Mapped[bool] = mapped_column(default=False)
    # None while it is a draft: readers see only published translations.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    translated_by: Mapped[User | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
