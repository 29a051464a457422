"""What each kind of question offers: its label, default options, and the
options people see (in their language) when they answer or read results."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..vocabulary import LANGUAGE_CHOICES
from .models import OTHER_OPTION_KEY, QuestionKind, SurveyQuestion

KIND_LABELS = {
    QuestionKind.SECTION: _l("Section heading (starts a new page on paged surveys)"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.LIKERT: _l("Agreement scale (5 points)"),
    QuestionKind.RATING: _l("Rating from 0 to 10"),
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.PROFILE_RELATIONSHIP: _l("Profile: relationship to the district"),
    QuestionKind.PROFILE_SCHOOL: _l("Profile: schools"),
    QuestionKind.PROFILE_LANGUAGE: _l("Profile: preferred language"),
}

# Stored in each Likert question's options, so leaders can edit the wording.
DEFAULT_LIKERT_OPTIONS = [
    {"key": "1", "label": "Strongly disagree", "label_es": "Totalmente en desacuerdo"},
    {"key": "2", "label": "Disagree", "label_es": "En desacuerdo"},
    {"key": "3", "label": "Neither agree nor disagree", "label_es": "Ni de acuerdo ni en desacuerdo"},
    {"key": "4", "label": "Agree", "label_es": "De acuerdo"},
    {"key": "5", "label": "Strongly agree", "label_es": "Totalmente de acuerdo"},
]
# A rating question's options label its two ends.
DEFAULT_RATING_OPTIONS = [
    {"key": "0", "label": "Not at all", "label_es": "Nada"},
    {"key": "10", "label": "Completely", "label_es": "Completamente"},
]
RATING_POINTS = [str(point) for point in range(11)]

PROFILE_PROMPTS = {
    QuestionKind.PROFILE_RELATIONSHIP: ("What is your main connection to the district?",
                                        "¿Cuál es su relación principal con el distrito?"),
    QuestionKind.PROFILE_SCHOOL: ("Which schools are you connected to?", "¿Con qué escuelas tiene relación?"),
    QuestionKind.PROFILE_LANGUAGE: ("Which language do you prefer?", "¿Qué idioma prefiere?"),
}


def new_option_key() -> str:
    return secrets.token_hex(3)


def default_options(kind: str) -> list[dict]:
    if kind == QuestionKind.LIKERT:
        return [dict(option) for option in DEFAULT_LIKERT_OPTIONS]
    if kind == QuestionKind.RATING:
        return [dict(option) for option in DEFAULT_RATING_OPTIONS]
    return []


def option_label(option: dict, locale: str) -> str:
    return (option.get("label_es") if locale == "es" else None) or option.get("label", "")


@dataclass(frozen=True)
class AnswerOption:
    key: str
    label: str


def answer_options(question: SurveyQuestion, locale: str, schools=()) -> list[AnswerOption]:
    """The options a person picks from, in order; schools are (id, name) pairs.

    Choice questions with allow_other end with "Other"; rating questions list
    0 to 10 (the end labels are shown beside the scale, not as options).
    """
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.LIKERT):
        options = [AnswerOption(o["key"], option_label(o, locale)) for o in question.options]
        if kind in QuestionKind.CHOICE_KINDS and question.allow_other:
            options.append(AnswerOption(OTHER_OPTION_KEY, str(_l("Other"))))
        return options
    if kind == QuestionKind.RATING:
        return [AnswerOption(point, point) for point in RATING_POINTS]
    if kind == QuestionKind.PROFILE_RELATIONSHIP:
        return [AnswerOption(key, str(label)) for key, label in RELATIONSHIP_CHOICES]
    if kind == QuestionKind.PROFILE_LANGUAGE:
        return [AnswerOption(key, str(label)) for key, label in LANGUAGE_CHOICES]
    if kind == QuestionKind.PROFILE_SCHOOL:
        return [AnswerOption(str(school_id), name) for school_id, name in schools]
    return []


def takes_many(question: SurveyQuestion) -> bool:
    return question.kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.PROFILE_SCHOOL)


def rating_end_labels(question: SurveyQuestion, locale: str) -> tuple[str, str]:
    ends = {o["key"]: option_label(o, locale) for o in question.options}
    return ends.get("0", ""), ends.get("10", "")
