"""Surveys: answering one.

People answer once: once per account when signed in, once per browser
otherwise (a random token in a cookie, which is all a visitor without an
account can honestly be held to). Who has answered is kept in
SurveyParticipation; on anonymous surveys the response itself keeps no
account and only the day it came in.

Every function takes the acting person and plain values and commits its own
transaction; submit_response checks everything the form checked, again.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..extensions import db
from ..i18n import content_language
from ..models import SUBMISSION_TOKEN_MAX, utcnow
from ..orgs.models import School
from ..permissions import PermissionDenied
from ..plans.translation import localized, plan_scope
from ..translation.services import Localizer
from ..translation.texts import LocalizedText, Shown
from ..vocabulary import LANGUAGE_CHOICES
from . import services
from .models import (
    OTHER_OPTION_KEY,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyDraft,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from .questions import RATING_POINTS, takes_many

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
OTHER_TEXT_MAX = 500
# A saved draft keeps what was typed (errors are shown when it is sent), within reason.
DRAFT_VALUE_MAX = 2 * LONG_TEXT_MAX
DRAFT_VALUES_PER_FIELD = 200

# What to do about a required question left unanswered, by kind: said beside it and in the summary.
ANSWER_REQUIRED = {
    QuestionKind.SINGLE_CHOICE: _l("Choose an answer."),
    QuestionKind.MULTIPLE_CHOICE: _l("Choose at least one answer."),
    QuestionKind.LIKERT: _l("Choose how much you agree."),
    QuestionKind.RATING: _l("Choose a number from 0 to 10."),
    QuestionKind.SHORT_TEXT: _l("Write your answer in the box."),
    QuestionKind.LONG_TEXT: _l("Write your answer in the box."),
    QuestionKind.PROFILE_RELATIONSHIP: _l("Choose your main connection to the district."),
    QuestionKind.PROFILE_SCHOOL: _l("Choose at least one school."),
    QuestionKind.PROFILE_LANGUAGE: _l("Choose the language you prefer."),
}
CHOOSE_AN_OPTION = _l("Please choose one of the options.")
CHOOSE_ONLY_ONE = _l("Please choose only one answer.")
CHOOSE_A_RATING = _l("Please choose a number from 0 to 10.")
CHOOSE_LISTED_SCHOOLS = _l("Please choose schools from the list.")
SAY_WHAT_OTHER_IS = _l("Please say what “Other” is, or choose another answer.")

# SQLite lets one writer in at a time; a second one may be told "database is
# locked" at once (when waiting could deadlock). Trying again is then safe.
_BUSY_RETRIES = 10


class SurveyNotOpen(Exception):
    """The survey is not taking responses (a draft, not open yet, or closed)."""

    def __init__(self, state: str):
        super().__init__(f"survey is {state}")
        self.state = state


class AlreadyResponded(Exception):
    """This account or browser has answered this survey already.

    same_submission is True when this very form was received before (a double
    click, or the form sent again), so the sender can simply be thanked.
    """

    def __init__(self, *, same_submission: bool):
        super().__init__("already responded")
        self.same_submission = same_submission


class AnswerErrors(Exception):
    """Some answers are missing or not allowed: {question id: message (a lazy translation)}."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(f"{len(errors)} answer errors")
        self.errors = errors


# Who is answering -------------------------------------------------------------


def _is_signed_in(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def participant_key(actor, browser_token: str | None) -> str | None:
    """"user:<id>" when signed in, else "browser:<sha256 of the token>"; None without either."""
    if _is_signed_in(actor):
        return f"user:{actor.id}"
    if browser_token:
        return "browser:" + hashlib.sha256(browser_token.encode()).hexdigest()
    return None


def has_responded(actor, survey: Survey, browser_token: str | None) -> bool:
    key = participant_key(actor, browser_token)
    if key is None:
        return False
    return db.session.scalar(
        select(SurveyParticipation.participant_key)
        .where(SurveyParticipation.survey_id == survey.id, SurveyParticipation.participant_key == key)
    ) is not None


def answered_survey_ids(actor, browser_token: str | None, survey_ids: Iterable[int]) -> set[int]:
    """Which of these surveys this account (or browser) has answered, in one query."""
    key, survey_ids = participant_key(actor, browser_token), list(survey_ids)
    if key is None or not survey_ids:
        return set()
    return set(db.session.scalars(
        select(SurveyParticipation.survey_id)
        .where(SurveyParticipation.participant_key == key, SurveyParticipation.survey_id.in_(survey_ids))
    ))


def submission_received(survey: Survey, submission_token: str | None) -> bool:
    """Whether this form (by its hidden token) has been turned into a response already."""
    if not submission_token or len(submission_token) > SUBMISSION_TOKEN_MAX:
        return False
    return _token_used(survey.id, submission_token)


def _token_used(survey_id: int, submission_token: str) -> bool:
    return db.session.scalar(
        select(SurveyResponse.id)
        .where(SurveyResponse.survey_id == survey_id, SurveyResponse.submission_token == submission_token)
    ) is not None


def _require_open(actor, survey: Survey) -> None:
    state = services.survey_state(survey)
    if state != services.SurveyState.OPEN:
        raise SurveyNotOpen(state)
    services.require_audience(actor, survey)


# What the form shows ----------------------------------------------------------


def survey_pages(survey: Survey) -> list[list[SurveyQuestion]]:
    """The questions page by page: on paged surveys each section heading starts a page."""
    questions = list(survey.questions)
    if not survey.paged:
        return [questions]
    pages: list[list[SurveyQuestion]] = []
    for question in questions:
        if not pages or (question.kind == QuestionKind.SECTION and pages[-1]):
            pages.append([])
        pages[-1].append(question)
    return pages or [[]]


def school_choices(survey: Survey) -> list[tuple[int, str]]:
    """(id, name) of the schools people may pick, when the survey asks; else no query."""
    if not any(q.kind == QuestionKind.PROFILE_SCHOOL for q in survey.questions):
        return []
    return list(db.session.execute(select(School.id, School.name).where(School.active).order_by(School.name)))


def question_topics(survey: Survey) -> dict[int, LocalizedText]:
    """"Goal 1 › Action 1.2" for questions linked to a part of the survey's plan, in the reader's language
    where the plan is translated.

    Titles come from the plan's latest published version; parts that version
    no longer has are left out.
    """
    linked = [q for q in survey.questions if q.section_key]
    if not linked or survey.plan is None or not survey.plan.versions:
        return {}
    scope = plan_scope(survey.plan.id)
    content, _notes, _summary = localized(survey.plan.versions[-1].snapshot, scope, Localizer([scope]))
    sections = {s["key"]: s for s in content.get("sections", [])}
    topics = {}
    for question in linked:
        section = sections.get(question.section_key)
        if section is None:
            continue
        parts = [section["title"]]
        action = next((a for a in section.get("actions", []) if a["key"] == question.action_key), None)
        if action is not None:
            parts.append(action.get("title") or action.get("number") or "")
        parts = [part for part in parts if part]
        topics[question.id] = LocalizedText(" › ".join(parts), getattr(parts[0], "language", content_language()),
                                            Shown.worst(getattr(part, "shown", Shown.AS_WANTED) for part in parts))
    return topics


def profile_prefill(actor, survey: Survey) -> dict[int, list[str]]:
    """Answers to the survey's profile questions taken from the person's profile."""
    profile_questions = [q for q in survey.questions if q.kind in QuestionKind.PROFILE_KINDS]
    if not profile_questions or not _is_signed_in(actor) or actor.profile is None:
        return {}
    profile = actor.profile
    prefill = {}
    for question in profile_questions:
        if question.kind == QuestionKind.PROFILE_RELATIONSHIP and profile.relationship_to_district:
            prefill[question.id] = [profile.relationship_to_district]
        elif question.kind == QuestionKind.PROFILE_LANGUAGE and profile.preferred_language:
            prefill[question.id] = [profile.preferred_language]
        elif question.kind == QuestionKind.PROFILE_SCHOOL and profile.schools:
            prefill[question.id] = [str(school.id) for school in profile.schools if school.active]
    return prefill


# Checking answers -------------------------------------------------------------


@dataclass(frozen=True)
class CheckedAnswer:
    """One question's answer, tidied, and what is wrong with it if anything.

    values: option keys (school ids on school questions), or [text]; other_text:
    the words for "Other" when Other is chosen. error: a message, translated
    when shown (so services can run outside a request). error_on_other: the
    message belongs beside the "Other" text box rather than the question.
    """

    values: list[str]
    other_text: str | None = None
    error: LazyString | str | None = None
    error_on_other: bool = False


def _too_long(limit: int):
    return _l("Please keep this under %(max)d characters.", max=limit)


def _option_keys(question: SurveyQuestion) -> set[str]:
    """The keys a question accepts (not schools), without translating any label."""
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.LIKERT):
        keys = {str(option["key"]) for option in question.options or []}
        if kind in QuestionKind.CHOICE_KINDS and question.allow_other:
            keys.add(OTHER_OPTION_KEY)
        return keys
    if kind == QuestionKind.RATING:
        return set(RATING_POINTS)
    if kind == QuestionKind.PROFILE_RELATIONSHIP:
        return {key for key, _label in RELATIONSHIP_CHOICES}
    if kind == QuestionKind.PROFILE_LANGUAGE:
        return {key for key, _label in LANGUAGE_CHOICES}
    return set()


def check_answer(question: SurveyQuestion, values: Iterable[str], other_text: str | None = None, *,
                 school_ids: Collection[str] = ()) -> CheckedAnswer:
    """Tidy one answer and say what is wrong with it (the form and submit_response share this).

    Typing in "Other" without choosing it counts as choosing it (unless a
    single-choice question already has another answer, which then stands).
    """
    kind = question.kind
    if kind == QuestionKind.SECTION:
        return CheckedAnswer([])
    values = [value.strip() for value in values if isinstance(value, str) and value.strip()]
    if kind in QuestionKind.TEXT_KINDS:
        text = values[0] if values else ""
        limit = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            return CheckedAnswer([text], error=_too_long(limit))
        if question.required and not text:
            return CheckedAnswer([], error=ANSWER_REQUIRED[kind])
        return CheckedAnswer([text] if text else [])

    values = list(dict.fromkeys(values))
    other_text = (other_text or "").strip() if isinstance(other_text, str) else ""
    other_allowed = kind in QuestionKind.CHOICE_KINDS and question.allow_other
    if other_allowed and other_text and OTHER_OPTION_KEY not in values and (takes_many(question) or not values):
        values.append(OTHER_OPTION_KEY)
    if not other_allowed or OTHER_OPTION_KEY not in values:
        other_text = ""
    if kind == QuestionKind.PROFILE_SCHOOL:
        allowed, wrong_choice = set(school_ids), CHOOSE_LISTED_SCHOOLS
    else:
        allowed = _option_keys(question)
        wrong_choice = CHOOSE_A_RATING if kind == QuestionKind.RATING else CHOOSE_AN_OPTION
    if any(value not in allowed for value in values):
        return CheckedAnswer(values, other_text or None, wrong_choice)
    if len(values) > 1 and not takes_many(question):
        return CheckedAnswer(values, other_text or None, CHOOSE_ONLY_ONE)
    if question.required and not values and allowed:
        return CheckedAnswer(values, None, ANSWER_REQUIRED[kind])
    if OTHER_OPTION_KEY in values and not other_text:
        return CheckedAnswer(values, None, SAY_WHAT_OTHER_IS, error_on_other=True)
    if len(other_text) > OTHER_TEXT_MAX:
        return CheckedAnswer(values, other_text, _too_long(OTHER_TEXT_MAX), error_on_other=True)
    return CheckedAnswer(values, other_text or None)


def active_school_ids() -> set[str]:
    return {str(school_id) for school_id in db.session.scalars(select(School.id).where(School.active))}


def check_answers(survey: Survey, answers: dict[int, list[str]], other_texts: dict[int, str], *,
                  school_ids: Collection[str]) -> tuple[dict[int, CheckedAnswer], dict[int, str]]:
    """Every question's checked answer, and {question id: message} for those with a problem.

    Answers to questions that are not in the survey are ignored.
    """
    checked, errors = {}, {}
    for question in survey.questions:
        if question.kind == QuestionKind.SECTION:
            continue
        result = check_answer(question, answers.get(question.id) or [], other_texts.get(question.id),
                              school_ids=school_ids)
        checked[question.id] = result
        if result.error is not None:
            errors[question.id] = result.error
    return checked, errors


# Saving for later -------------------------------------------------------------


def get_draft(actor, survey: Survey) -> SurveyDraft | None:
    if not _is_signed_in(actor):
        return None
    return db.session.get(SurveyDraft, (survey.id, actor.id))


def _clean_draft(answers: dict) -> dict[str, list[str]]:
    cleaned = {}
    for name, values in (answers or {}).items():
        if not isinstance(name, str) or len(name) > 40:
            continue
        values = [values] if isinstance(values, str) else list(values or [])
        kept = [v[:DRAFT_VALUE_MAX] for v in values if isinstance(v, str) and v != ""][:DRAFT_VALUES_PER_FIELD]
        if kept:
            cleaned[name] = kept
    return cleaned


def save_draft(actor, survey: Survey, *, answers: dict[str, list[str]], page: int = 1) -> SurveyDraft:
    """Keep a signed-in person's unfinished answers (form field name -> values) to finish later.

    Nothing is checked except size: mistakes are shown when the survey is sent.
    """
    if not _is_signed_in(actor):
        raise PermissionDenied("save survey answers")
    _require_open(actor, survey)
    if has_responded(actor, survey, None):
        raise AlreadyResponded(same_submission=False)
    survey_id, user_id = survey.id, actor.id
    cleaned, page = _clean_draft(answers), max(1, int(page))
    for attempt in range(_BUSY_RETRIES):
        try:
            draft = db.session.get(SurveyDraft, (survey_id, user_id))
            if draft is None:
                draft = SurveyDraft(survey_id=survey_id, user_id=user_id)
                db.session.add(draft)
            draft.answers, draft.page, draft.updated_at = cleaned, page, utcnow()
            db.session.commit()
            return draft
        except IntegrityError:  # saved from two tabs at once: the other one made the row
            db.session.rollback()
        except OperationalError as exc:
            db.session.rollback()
            if not _database_busy(exc):
                raise
            _back_off(attempt)
    raise RuntimeError("could not save the survey draft")


def discard_draft(actor, survey: Survey) -> None:
    if _is_signed_in(actor):
        db.session.execute(delete(SurveyDraft).where(SurveyDraft.survey_id == survey.id,
                                                     SurveyDraft.user_id == actor.id))
        db.session.commit()


# Sending ----------------------------------------------------------------------


def _database_busy(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def _back_off(attempt: int) -> None:
    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))


def _start_of_day(moment):
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def submit_response(actor, survey: Survey, *, answers: dict[int, list[str]], other_texts: dict[int, str],
                    submission_token: str, browser_token: str | None, locale: str) -> SurveyResponse:
    """Store one person's answers: question id -> option keys (school ids) or [text].

    Checks the survey is open (SurveyNotOpen) and open to this person
    (PermissionDenied), checks every answer again (AnswerErrors), and allows
    one response per account, or per browser for visitors who are not signed
    in (AlreadyResponded). The participation, the response and its answers are
    written in one transaction; a second copy of the same form, even one sent
    at the same moment, raises AlreadyResponded(same_submission=True).

    Anonymous surveys store no account on the response and only the day it
    was sent. The response's relationship, language and schools come from the
    survey's profile questions; on identified surveys without them, from the
    person's profile; the language last of all from the page's language.
    """
    _require_open(actor, survey)
    if not submission_token or len(submission_token) > SUBMISSION_TOKEN_MAX:
        raise ValueError("a submission token of 1 to 64 characters is needed")
    key = participant_key(actor, browser_token)
    if key is None:
        raise ValueError("a visitor who is not signed in needs a browser token")
    questions = {q.id: q for q in survey.questions}
    school_ids = active_school_ids() if any(q.kind == QuestionKind.PROFILE_SCHOOL for q in questions.values()) else set()
    checked, errors = check_answers(survey, answers, other_texts, school_ids=school_ids)
    if errors:
        raise AnswerErrors(errors)
    if has_responded(actor, survey, browser_token):
        raise AlreadyResponded(same_submission=submission_received(survey, submission_token))

    # Everything the rows need, as plain values, so a retry needs no reloading.
    signed_in = _is_signed_in(actor)
    user_id = actor.id if signed_in else None
    anonymous = survey.is_anonymous
    survey_id = survey.id
    answer_rows: list[tuple[int, str | None, str | None]] = []
    relationship = language = None
    chosen_school_ids: list[int] | None = None
    for question_id, result in checked.items():
        kind = questions[question_id].kind
        for value in result.values:
            if kind in QuestionKind.TEXT_KINDS:
                answer_rows.append((question_id, None, value))
            else:
                text = result.other_text if value == OTHER_OPTION_KEY else None
                answer_rows.append((question_id, value, text))
        if kind == QuestionKind.PROFILE_RELATIONSHIP:
            relationship = result.values[0] if result.values else None
        elif kind == QuestionKind.PROFILE_LANGUAGE:
            language = result.values[0] if result.values else None
        elif kind == QuestionKind.PROFILE_SCHOOL:
            chosen_school_ids = [int(value) for value in result.values]
    kinds = {q.kind for q in questions.values()}
    if signed_in and not anonymous and actor.profile is not None:
        profile = actor.profile
        if QuestionKind.PROFILE_RELATIONSHIP not in kinds:
            relationship = profile.relationship_to_district
        if QuestionKind.PROFILE_LANGUAGE not in kinds:
            language = profile.preferred_language
        if QuestionKind.PROFILE_SCHOOL not in kinds:
            chosen_school_ids = [school.id for school in profile.schools]
    language = language or locale or None
    submitted_at = _start_of_day(utcnow()) if anonymous else utcnow()

    for attempt in range(_BUSY_RETRIES):
        try:
            # The participation goes in first: a second copy of this form
            # stops at its primary key before anything else is written.
            db.session.add(SurveyParticipation(survey_id=survey_id, participant_key=key, user_id=user_id))
            db.session.flush()
            response = SurveyResponse(
                survey_id=survey_id,
                respondent_id=None if anonymous else user_id,
                submission_token=submission_token,
                relationship_to_district=relationship,
                language=language,
                submitted_at=submitted_at,
            )
            if chosen_school_ids:
                response.schools = list(db.session.scalars(select(School).where(School.id.in_(chosen_school_ids))))
            response.answers = [SurveyAnswer(question_id=question_id, option_key=option_key, text=text)
                                for question_id, option_key, text in answer_rows]
            db.session.add(response)
            if signed_in:
                db.session.execute(delete(SurveyDraft).where(SurveyDraft.survey_id == survey_id,
                                                             SurveyDraft.user_id == user_id))
            db.session.commit()
            return response
        except IntegrityError:
            db.session.rollback()
            raise AlreadyResponded(same_submission=_token_used(survey_id, submission_token)) from None
        except OperationalError as exc:
            db.session.rollback()
            if not _database_busy(exc) or attempt == _BUSY_RETRIES - 1:
                raise
            _back_off(attempt)
    raise AssertionError("unreachable")



def my_surveys(actor) -> list[Survey]:
    """The surveys a signed-in person answered, newest first (what they answered stays private:
    participation records who took part, never which response is theirs)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        select(Survey).join(SurveyParticipation, SurveyParticipation.survey_id == Survey.id)
        .where(SurveyParticipation.user_id == actor.id)
        .order_by(Survey.published_at.desc(), Survey.id.desc())
    ))
