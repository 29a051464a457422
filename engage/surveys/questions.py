"""What each kind of question offers: its label, default options, and the
options people see (in their language) when they answer or read results."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..vocabulary import LANGUAGE_CHOICES
from .models import OTHER_OPTION_KEY, QuestionKind, SurveyQuestion

if TYPE_CHECKING:
    from .translatable import SurveyWording

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
    {"key": "1", "label": "Strongly disagree"},
    {"key": "2", "label": "Disagree"},
    {"key": "3", "label": "Neither agree nor disagree"},
    {"key": "4", "label": "Agree"},
    {"key": "5", "label": "Strongly agree"},
]
# A rating question's options label its two ends.
DEFAULT_RATING_OPTIONS = [
    {"key": "0", "label": "Not at all"},
    {"key": "10", "label": "Completely"},
]
RATING_POINTS = [str(point) for point in range(11)]

PROFILE_PROMPTS = {
    QuestionKind.PROFILE_RELATIONSHIP: "What is your main connection to the district?",
    QuestionKind.PROFILE_SCHOOL: "Which schools are you connected to?",
    QuestionKind.PROFILE_LANGUAGE: "Which language do you prefer?",
}

# The standard wordings above in every language of the interface (surveys/translatable.py).
STANDARD_WORDING = {
    "Strongly disagree": _l("Strongly disagree"),
    "Disagree": _l("Disagree"),
    "Neither agree nor disagree": _l("Neither agree nor disagree"),
    "Agree": _l("Agree"),
    "Strongly agree": _l("Strongly agree"),
    "Not at all": _l("Not at all"),
    "Completely": _l("Completely"),
    "What is your main connection to the district?": _l("What is your main connection to the district?"),
    "Which schools are you connected to?": _l("Which schools are you connected to?"),
    "Which language do you prefer?": _l("Which language do you prefer?"),
}


def new_option_key() -> str:
    return secrets.token_hex(3)


def default_options(kind: str) -> list[dict]:
    if kind == QuestionKind.LIKERT:
        return [dict(option) for option in DEFAULT_LIKERT_OPTIONS]
    if kind == QuestionKind.RATING:
        return [dict(option) for option in DEFAULT_RATING_OPTIONS]
    return []


@dataclass(frozen=True)
class AnswerOption:
    key: str
    label: str


def answer_options(question: SurveyQuestion, wording: SurveyWording, schools=()) -> list[AnswerOption]:
    """The options a person picks from, in order; schools are (id, name) pairs.

    Choice questions with allow_other end with "Other"; rating questions list
    0 to 10 (the end labels are shown beside the scale, not as options).
    """
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.LIKERT):
        options = [AnswerOption(o["key"], wording.option(question, o)) for o in question.options]
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


def rating_end_labels(question: SurveyQuestion, wording: SurveyWording) -> tuple[str, str]:
    ends = {o["key"]: wording.option(question, o) for o in question.options}
    return ends.get("0", ""), ends.get("10", "")
