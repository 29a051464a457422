"""Answered themes offered to translators (a leader's name for the theme, and the published answer),
and read in the reader's language (see `engage.translation`). A name the pipeline gave is its own
in each language it names themes in."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..i18n import content_language
from ..translation.services import Localizer, RecordTexts
from ..translation.sources import Document, Passage, TranslatableKind
from ..translation.texts import LocalizedText
from .models import Theme, ThemeAnalysis, ThemeStatus

FIELDS = (("custom_label", _l("Name"), False), ("response_heard", _l("What we heard"), True),
          ("response_will_do", _l("What we will do"), True))


def theme_scope(theme_id: int) -> str:
    return f"theme:{theme_id}"


def theme_document(theme: Theme) -> Document:
    title = theme.label_in(content_language()) or theme.key
    passages = [Passage(field, label, getattr(theme, field) or "", "response", title, multiline)
                for field, label, multiline in FIELDS if (getattr(theme, field) or "").strip()]
    return Document(theme_scope(theme.id), title, content_language(), passages)


def _answered():
    return select(Theme).where(Theme.status != ThemeStatus.MERGED, Theme.response_published_at.is_not(None))


def _documents() -> list[Document]:
    return [theme_document(theme) for theme in db.session.scalars(_answered().order_by(Theme.response_published_at))]


def _find(key: str) -> Document | None:
    theme = db.session.scalar(_answered().where(Theme.id == int(key))) if key.isdigit() else None
    return theme_document(theme) if theme else None


def _public_url(key: str) -> str | None:
    row = db.session.execute(select(Theme.id, ThemeAnalysis.plan_id).join(ThemeAnalysis)
                             .where(Theme.id == int(key))).first() if key.isdigit() else None
    return url_for("plans.show", plan_id=row.plan_id, _anchor="what-we-heard") if row else None


RESPONSES = TranslatableKind("theme", _l("Answers to themes"), _documents, _find, public_url=_public_url, order=20)


def theme_name(theme: Theme, texts: Localizer) -> LocalizedText:
    """A theme's name in the reader's language: a leader's name as translated, else the pipeline's
    in that language where it named the theme in it. `texts` must cover the theme's scope."""
    if theme.custom_label:
        return texts.text(theme_scope(theme.id), "custom_label", theme.custom_label)
    reader = texts.languages[0]
    generated = theme.generated_label_in(reader)
    own = reader == content_language() or generated != theme.generated_label
    return LocalizedText(generated or theme.key, reader if own else content_language())


class ThemeTexts(RecordTexts):
    def name(self, theme: Theme) -> LocalizedText:
        return theme_name(theme, self._texts)


def response_texts(themes: Iterable[Theme], reader: str | None = None) -> ThemeTexts:
    """Some themes' names and published answers in the reader's language, in one query."""
    return ThemeTexts(themes, lambda theme: theme_scope(theme.id), reader)
