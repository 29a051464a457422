"""Surveys and responses built directly in the database for tests."""

from __future__ import annotations

import uuid

from engage.extensions import db
from engage.models import utcnow
from engage.orgs.models import School
from engage.surveys.models import (
    QuestionKind,
    Survey,
    SurveyAnonymity,
    SurveyAnswer,
    SurveyAudience,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from engage.surveys.questions import default_options
from engage.surveys.translatable import question_path, survey_document
from engage.translation.services import save_translations

HIDDEN_VIEW = "Fewer than 10 people match these filters, so results are hidden to protect their privacy."


def _question(kind: str, prompt: str, **fields) -> SurveyQuestion:
    """A question; make_survey translates its prompt into Spanish as "ES: <prompt>" and its options
    "Option X" as "Opción X"."""
    fields.setdefault("options", default_options(kind))
    question = SurveyQuestion(kind=kind, prompt=prompt, **fields)
    question.test_spanish = {"prompt": f"ES: {prompt}",
                             **{f"option:{o['key']}": o["label"].replace("Option", "Opción") for o in question.options
                                if o["label"].startswith("Option")}}
    return question


def every_kind_of_question() -> list[SurveyQuestion]:
    """One question of each kind, keyed options "a", "b", "c" on the choice questions."""
    choices = [{"key": k, "label": f"Option {k.upper()}"} for k in "abc"]
    return [
        _question(QuestionKind.SECTION, "About the plan", help_text="Questions on the draft plan."),
        _question(QuestionKind.SINGLE_CHOICE, "Which goal matters most?", options=choices, required=True),
        _question(QuestionKind.MULTIPLE_CHOICE, "Which supports have you used?", options=choices, allow_other=True),
        _question(QuestionKind.LIKERT, "Action 3 addresses my school's needs.", required=True),
        _question(QuestionKind.RATING, "How likely are you to recommend the plan?"),
        _question(QuestionKind.SHORT_TEXT, "One word for the plan"),
        _question(QuestionKind.LONG_TEXT, "What should we change?"),
        _question(QuestionKind.SECTION, "About you"),
        _question(QuestionKind.PROFILE_RELATIONSHIP, "Your connection to the district"),
        _question(QuestionKind.PROFILE_SCHOOL, "Your schools"),
        _question(QuestionKind.PROFILE_LANGUAGE, "Your language"),
    ]


def make_survey(title: str = "Draft plan survey", *, questions: list[SurveyQuestion] | None = None,
                status: str = SurveyStatus.PUBLISHED, anonymity: str = SurveyAnonymity.IDENTIFIED,
                audience: str = SurveyAudience.ANYONE, **fields) -> Survey:
    survey = Survey(title=title, introduction="Tell us what you think.",
                    status=status, anonymity=anonymity, audience=audience,
                    published_at=utcnow() if status != SurveyStatus.DRAFT else None, **fields)
    questions = every_kind_of_question() if questions is None else questions
    for position, question in enumerate(questions):
        question.position = position
        survey.questions.append(question)
    db.session.add(survey)
    db.session.commit()
    spanish = {"title": f"ES: {title}"}
    spanish.update((question_path(question.id, field), text) for question in questions
                   for field, text in getattr(question, "test_spanish", {}).items())
    save_translations(None, survey_document(survey), "es", spanish, publish=True)
    return survey


def question_of(survey: Survey, kind: str) -> SurveyQuestion:
    return next(q for q in survey.questions if q.kind == kind)


def make_school(name: str = "Lincoln Elementary") -> School:
    school = School(name=name)
    db.session.add(school)
    db.session.commit()
    return school


def add_response(survey: Survey, answers: dict[SurveyQuestion, str | list[str] | tuple[str, str]] | None = None, *,
                 respondent=None, relationship: str | None = None, language: str | None = "en",
                 schools: list[School] = (), commit: bool = True) -> SurveyResponse:
    """Store a response as the responding service would, without its checks.

    Answer values: an option key, a list of option keys, ("other", "typed
    words"), or the text of a text question.
    """
    response = SurveyResponse(
        survey_id=survey.id,
        respondent_id=None if survey.is_anonymous or respondent is None else respondent.id,
        submission_token=uuid.uuid4().hex,
        relationship_to_district=relationship,
        language=language,
    )
    response.schools = list(schools)
    for question, value in (answers or {}).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, tuple):
                response.answers.append(SurveyAnswer(question_id=question.id, option_key=item[0], text=item[1]))
            elif question.kind in QuestionKind.TEXT_KINDS:
                response.answers.append(SurveyAnswer(question_id=question.id, text=item))
            else:
                response.answers.append(SurveyAnswer(question_id=question.id, option_key=item))
    db.session.add(response)
    if respondent is not None:
        db.session.add(SurveyParticipation(survey_id=survey.id, participant_key=f"user:{respondent.id}",
                                           user_id=respondent.id))
    if commit:
        db.session.commit()
    return response
