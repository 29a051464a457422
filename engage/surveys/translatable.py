"""Surveys' wording offered to translators, and read in the reader's language
(see `engage.translation`).

A survey is one document: its title and introduction, then each question's prompt, help text
and options, grouped by question. Questions are found by id and options by their keys, which
never change. The standard wordings the builder starts from (the agreement scale, the rating's
ends, the profile questions) are in the interface's catalogs, so they read in every language of
the site and are not given to translators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import content_language
from ..translation.services import Localizer
from ..translation.sources import Document, Passage, TranslatableKind
from ..translation.texts import LocalizedText, Shown
from .models import Survey, SurveyQuestion, SurveyStatus
from .questions import STANDARD_WORDING

def survey_scope(survey_id: int) -> str:
    return f"survey:{survey_id}"


def question_path(question_id: int, field: str) -> str:
    """field: "prompt", "help_text" or "option:<key>"."""
    return f"question:{question_id}.{field}"


def survey_document(survey: Survey) -> Document:
    """A survey's wording as passages to translate, question by question."""
    about = _l("The survey")
    passages = [Passage("title", _l("Title"), survey.title, "survey", about),
                Passage("introduction", _l("Introduction"), survey.introduction or "", "survey", about, True)]
    for number, question in enumerate(survey.questions, start=1):
        group, title = f"question:{question.id}", " ".join(question.prompt.split())
        passages += [Passage(question_path(question.id, "prompt"), _l("Question %(number)d", number=number),
                             question.prompt, group, title, True),
                     Passage(question_path(question.id, "help_text"), _l("Question %(number)d: help text",
                                                                          number=number),
                             question.help_text or "", group, title, True)]
        passages += [Passage(question_path(question.id, f"option:{option['key']}"),
                             _l("Question %(number)d: option “%(option)s”", number=number, option=option["label"]),
                             option["label"], group, title)
                     for option in question.options if (option.get("label") or "").strip()]
    return Document(survey_scope(survey.id), survey.title, content_language(),
                    [p for p in passages if p.text.strip() and p.text.strip() not in STANDARD_WORDING])


def _surveys():
    # Closed surveys are history, as their results are; drafts are translated before they open.
    return (select(Survey).where(Survey.status != SurveyStatus.CLOSED)
            .options(selectinload(Survey.questions)).order_by(Survey.created_at))


def _documents() -> list[Document]:
    return [survey_document(survey) for survey in db.session.scalars(_surveys())]


def _find(key: str) -> Document | None:
    survey = db.session.scalar(_surveys().where(Survey.id == int(key))) if key.isdigit() else None
    return survey_document(survey) if survey else None


def _public_url(key: str) -> str | None:
    survey = db.session.get(Survey, int(key)) if key.isdigit() else None
    return url_for("surveys.respond", survey_id=survey.id) if survey and survey.status != SurveyStatus.DRAFT else None


SURVEYS = TranslatableKind("survey", _l("Surveys"), _documents, _find, public_url=_public_url, order=22)


class SurveyWording:
    """Surveys' titles, introductions, questions and options in the reader's language, in one query."""

    def __init__(self, surveys: Iterable[Survey], reader: str | None = None) -> None:
        self._texts = Localizer([survey_scope(survey.id) for survey in surveys], reader)
        self.language = self._texts.languages[0]

    def _text(self, survey_id: int, path: str, source: str | None) -> LocalizedText:
        source = (source or "").strip()
        if source in STANDARD_WORDING:
            with force_locale(self.language):
                return LocalizedText(str(STANDARD_WORDING[source]), self.language)
        return self._texts.text(survey_scope(survey_id), path, source)

    def title(self, survey: Survey) -> LocalizedText:
        return self._text(survey.id, "title", survey.title)

    def introduction(self, survey: Survey) -> LocalizedText:
        return self._text(survey.id, "introduction", survey.introduction)

    def prompt(self, question: SurveyQuestion) -> LocalizedText:
        return self._text(question.survey_id, question_path(question.id, "prompt"), question.prompt)

    def help(self, question: SurveyQuestion) -> LocalizedText:
        return self._text(question.survey_id, question_path(question.id, "help_text"), question.help_text)

    def option(self, question: SurveyQuestion, option: Mapping) -> LocalizedText:
        return self._text(question.survey_id, question_path(question.id, f"option:{option['key']}"),
                          option.get("label"))

    def shown(self, survey: Survey) -> str:
        """How the least well translated of a survey's texts is shown (`Shown`)."""
        texts = [self.title(survey), self.introduction(survey)]
        for question in survey.questions:
            texts += [self.prompt(question), self.help(question)]
            texts += [self.option(question, option) for option in question.options]
        return Shown.worst(text.shown for text in texts if text)
