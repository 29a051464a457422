""""You said, we did" explanations offered to translators, and read in the reader's language
(see `engage.translation`)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..i18n import content_language
from ..plans.translation import plan_scope
from ..themes.translatable import theme_scope
from ..translation.services import Localizer
from ..translation.sources import Document, Passage, TranslatableKind
from .models import FeedbackOutcome


_TITLE_WORDS = 10


def outcome_scope(outcome_id: int) -> str:
    return f"outcome:{outcome_id}"


def outcome_document(outcome: FeedbackOutcome) -> Document:
    words = outcome.explanation.split()
    # Its first words, as written: the list already says these are "You said, we did".
    title = " ".join(words[:_TITLE_WORDS]) if len(words) <= _TITLE_WORDS else (
        " ".join(words[:_TITLE_WORDS]).rstrip(".,;:") + "…")
    return Document(outcome_scope(outcome.id), title, content_language(),
                    [Passage("explanation", _l("What we did, and why"), outcome.explanation, "outcome", title, True)])


def _documents() -> list[Document]:
    return [outcome_document(outcome) for outcome in db.session.scalars(
        select(FeedbackOutcome).order_by(FeedbackOutcome.created_at.desc()))]


def _find(key: str) -> Document | None:
    outcome = db.session.get(FeedbackOutcome, int(key)) if key.isdigit() else None
    return outcome_document(outcome) if outcome else None


def _public_url(key: str) -> str | None:
    outcome = db.session.get(FeedbackOutcome, int(key)) if key.isdigit() else None
    return url_for("plans.show", plan_id=outcome.plan_id, _anchor=f"outcome-{outcome.id}") if outcome else None


OUTCOMES = TranslatableKind("outcome", _l("You said, we did"), _documents, _find, public_url=_public_url, order=25)


def outcome_texts(outcomes: Iterable[FeedbackOutcome], plan_ids: Iterable[int] = (), reader: str | None = None,
                  theme_ids: Iterable[int] = ()) -> Localizer:
    """A Localizer for the outcomes' explanations, their plans' words and their themes' names, in one query."""
    return Localizer([*(outcome_scope(o.id) for o in outcomes), *map(plan_scope, plan_ids),
                      *map(theme_scope, theme_ids)], reader)
