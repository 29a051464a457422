"""Surveys: questions a leader writes, and the responses people send.

Answers are stored one row per chosen option (or per text), so results are a
few GROUP BY queries however many responses there are.

Anonymous surveys keep no link from a response to an account: the response
row has no respondent, and who has answered (to allow one response per
account) is kept apart in SurveyParticipation, with no time and no response id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from ..models import SUBMISSION_TOKEN_MAX, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..orgs.models import School
    from ..plans.models import Plan


class SurveyStatus:
    DRAFT = "draft"  # being written; only its editors see it
    PUBLISHED = "published"  # takes responses inside its window
    CLOSED = "closed"  # closed by a leader; results stay


class SurveyAudience:
    ANYONE = "anyone"  # anyone with the link, signed in or not
    SIGNED_IN = "signed_in"


class SurveyAnonymity:
    IDENTIFIED = "identified"
    ANONYMOUS = "anonymous"


class QuestionKind:
    SECTION = "section"  # a heading and text; starts a new page on paged surveys
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    LIKERT = "likert"  # five points, labels editable; option keys "1".."5"
    RATING = "rating"  # 0 to 10; option keys "0".."10"; options hold the end labels
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    PROFILE_RELATIONSHIP = "profile_relationship"  # prefilled from the person's profile
    PROFILE_SCHOOL = "profile_school"
    PROFILE_LANGUAGE = "profile_language"

    CHOICE_KINDS = (SINGLE_CHOICE, MULTIPLE_CHOICE)
    SCALE_KINDS = (LIKERT, RATING)
    TEXT_KINDS = (SHORT_TEXT, LONG_TEXT)
    PROFILE_KINDS = (PROFILE_RELATIONSHIP, PROFILE_SCHOOL, PROFILE_LANGUAGE)
    ALL = (SECTION, SINGLE_CHOICE, MULTIPLE_CHOICE, LIKERT, RATING, SHORT_TEXT, LONG_TEXT,
           PROFILE_RELATIONSHIP, PROFILE_SCHOOL, PROFILE_LANGUAGE)


OTHER_OPTION_KEY = "other"  # a choice question's "Other (please say)" answer


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=SurveyStatus.DRAFT)
    audience: Mapped[str] = mapped_column(String(10), default=SurveyAudience.ANYONE)
    anonymity: Mapped[str] = mapped_column(String(12), default=SurveyAnonymity.IDENTIFIED)
    # True: one page per section heading; False: every question on one page.
    paged: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The "new survey" or "make a copy" form that made it: sent twice, it makes one.
    submission_token: Mapped[str | None] = mapped_column(String(SUBMISSION_TOKEN_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan | None] = relationship()
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.position"
    )

    @property
    def is_anonymous(self) -> bool:
        return self.anonymity == SurveyAnonymity.ANONYMOUS


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(30))
    prompt: Mapped[str] = mapped_column(Text)
    help_text: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    # Choice questions: also offer "Other" with a text box.
    allow_other: Mapped[bool] = mapped_column(default=False)
    # [{"key": "a1b2", "label": "..."}]; keys never change, so answers keep their
    # meaning when a label's typo is fixed (and translations find their option).
    options: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # The part of the linked plan this question asks about.
    section_key: Mapped[str | None] = mapped_column(String(20))
    action_key: Mapped[str | None] = mapped_column(String(20))
    # The "add a question" form that made it: sent twice, it adds one.
    submission_token: Mapped[str | None] = mapped_column(String(SUBMISSION_TOKEN_MAX), unique=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")


survey_response_schools = Table(
    "survey_response_schools",
    db.metadata,
    Column("response_id", ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class SurveyResponse(db.Model):
    """One person's submitted answers, with the facts results are filtered by."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        # The same form sent twice makes one response.
        UniqueConstraint("survey_id", "submission_token", name="uq_survey_responses_submission"),
        # One response per account on identified surveys (NULLs are distinct).
        UniqueConstraint("survey_id", "respondent_id", name="uq_survey_responses_respondent"),
        Index("ix_survey_responses_survey_facts", "survey_id", "facts_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # Always None on anonymous surveys.
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_token: Mapped[str] = mapped_column(String(64))
    # From the profile questions when asked; on identified surveys without
    # them, copied from the profile. language falls back to the page language.
    relationship_to_district: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(20))
    # Anonymous surveys keep the day only, so the time cannot be matched to a sign-in.
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The combination of the facts above and the schools, as one key
    # (response_facts_key), kept up to date on every flush: the disclosure rule
    # (surveys/disclosure.py) counts responses by it.
    facts_key: Mapped[str] = mapped_column(String(64), default="", server_default="")

    respondent: Mapped[User | None] = relationship()
    schools: Mapped[list[School]] = relationship(secondary=survey_response_schools, order_by="School.name")
    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")


def response_facts_key(relationship: str | None, language: str | None, school_ids: Iterable[int]) -> str:
    """One key for a response's relationship, language and set of schools."""
    canonical = "|".join([relationship or "", language or "", ",".join(str(i) for i in sorted(set(school_ids)))])
    return hashlib.sha256(canonical.encode()).hexdigest()


@event.listens_for(Session, "before_flush")
def _keep_facts_keys(session: Session, _context, _instances) -> None:
    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, SurveyResponse)]
    if not changed:
        return
    with session.no_autoflush:
        for response in changed:
            response.facts_key = response_facts_key(response.relationship_to_district, response.language,
                                                    (school.id for school in response.schools))


class SurveyAnswer(db.Model):
    """One chosen option, one scale point, or one text, for one question."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_question_option", "question_id", "option_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    # Choice and scale answers: the option key ("other" for Other); school
    # questions: the school id. Text answers: None.
    option_key: Mapped[str | None] = mapped_column(String(40))
    # Text answers, and the words typed for "Other".
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()


class SurveyParticipation(db.Model):
    """Who has answered a survey, to allow one response each, and nothing more.

    participant_key is "user:<id>" or "browser:<sha256 of the browser token>".
    There is deliberately no response id and no time here.
    """

    __tablename__ = "survey_participations"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    participant_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class SurveyDraft(db.Model):
    """Answers a signed-in person saved to finish later; deleted when they submit."""

    __tablename__ = "survey_drafts"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # The form as sent: field name -> list of values.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    page: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
