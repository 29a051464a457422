"""Progress updates offered to translators, and read in the reader's language
(see `engage.translation`)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import content_language, reading_language
from ..translation.services import RecordTexts
from ..translation.sources import Document, Passage, TranslatableKind
from .models import ProgressUpdate


def update_scope(update_id: int) -> str:
    return f"update:{update_id}"


def update_document(update: ProgressUpdate) -> Document:
    """An update's words as passages to translate."""
    action = update.action
    name = _l("Action %(number)s", number=action.number) if action.number else _l("Action")
    title = _l("%(action)s: update of %(date)s", action=name, date=format_date(update.as_of, "medium", locale=reading_language()))
    passages = [Passage(field, label, getattr(update, field), "update", title, multiline)
                for field, label, multiline in (("summary", _l("What has happened"), True),
                                                ("evidence_title", _l("Title of the evidence"), False))
                if getattr(update, field).strip()]
    return Document(update_scope(update.id), title, content_language(), passages)


def _updates():
    return select(ProgressUpdate).options(selectinload(ProgressUpdate.action)).order_by(ProgressUpdate.as_of.desc(),
                                                                                        ProgressUpdate.id.desc())


def _documents() -> list[Document]:
    return [document for document in map(update_document, db.session.scalars(_updates())) if document.passages]


def _find(key: str) -> Document | None:
    update = db.session.scalar(_updates().where(ProgressUpdate.id == int(key))) if key.isdigit() else None
    return update_document(update) if update else None


def _public_url(key: str) -> str | None:
    update = db.session.get(ProgressUpdate, int(key)) if key.isdigit() else None
    return url_for("tracker.show_action", action_id=update.action_id, _anchor=f"update-{update.id}") if update else None


UPDATES = TranslatableKind("update", _l("Progress updates"), _documents, _find, public_url=_public_url, order=30)


def update_texts(updates: Iterable[ProgressUpdate], reader: str | None = None) -> RecordTexts:
    """The summaries (and evidence titles) of some updates in the reader's language, in one query."""
    return RecordTexts(updates, lambda update: update_scope(update.id), reader, field="summary")
