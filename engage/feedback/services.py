"""Feedback items: what the theme analysis and leadership read, whatever the source.

Each source (plan comments, survey text answers, what hosts heard at
community conversations, and paper comment cards) has a function that turns
its rows into FeedbackItems in a constant number of queries. Sources depend on nothing
here; this module reads them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select

from .. import caching
from ..accounts.models import ParticipantProfile, profile_schools
from ..comments.models import Comment, CommentStatus
from ..conversations.models import ConversationNote, ConversationSession, NoteEntry, NoteEntryKind, NoteStatus
from ..extensions import db
from ..orgs.models import School
from ..surveys.disclosure import disclosures_for
from ..surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyStatus, survey_response_schools


#: The scope (see engage.caching) of every table feedback items are read from.
SCOPE = "feedback"
caching.watch(SCOPE, Comment, SurveyAnswer, SurveyResponse, SurveyQuestion, Survey, survey_response_schools,
              NoteEntry, ConversationNote, ConversationSession, ParticipantProfile, profile_schools, School)


class FeedbackSource:
    COMMENT = "comment"
    SURVEY_ANSWER = "survey_answer"
    CONVERSATION_NOTE = "conversation_note"  # something a host heard at a community conversation
    PAPER_CARD = "paper_card"  # a paper comment card from a conversation, typed in


class Visibility:
    PUBLIC = "public"  # anyone can read it where it was posted (plan comments)
    LEADERSHIP = "leadership"  # only people who read results (survey answers, conversation notes)


@dataclass(frozen=True)
class FeedbackItem:
    source: str  # a FeedbackSource
    source_id: int
    text: str
    language: str | None
    plan_id: int | None
    section_key: str | None
    action_key: str | None
    created_at: datetime
    visibility: str
    support_count: int = 0
    # Facts the person chose to share (profile or survey answers); only ever
    # shown as suppressed totals, never next to the text.
    relationship: str | None = None
    preferred_language: str | None = None
    school_ids: tuple[int, ...] = field(default_factory=tuple)
    official: bool = False
    # Where it came from, for links: the survey and question of a survey answer,
    # the conversation session of a note entry or paper card.
    survey_id: int | None = None
    question_id: int | None = None
    session_id: int | None = None
    # Who said it, as far as the source tells, for counting distinct people:
    # "user:<id>" (a comment's author), "response:<id>" (one survey response;
    # never linked to an account), "note:<id>" (one thing a host heard, counted
    # as one voice), "card:<id>" (one paper card).
    person_key: str = ""
    # The item it answers in a comment thread (a reply's parent comment), by `key`.
    reply_to: tuple[str, int] | None = None

    @property
    def key(self) -> tuple[str, int]:
        """(source, source_id): names the item in every source, for themes and exports."""
        return (self.source, self.source_id)


def comment_items(plan_id: int) -> list[FeedbackItem]:
    """Every visible comment on the plan, with its support count, in two queries.

    Columns, not ORM objects: a plan may have tens of thousands of comments.
    """
    rows = db.session.execute(
        select(Comment.id, Comment.body, Comment.language, Comment.plan_id, Comment.section_key,
               Comment.action_key, Comment.created_at, Comment.support_count, Comment.official,
               Comment.author_id, ParticipantProfile.relationship_to_district,
               ParticipantProfile.preferred_language, Comment.parent_id)
        .outerjoin(ParticipantProfile, ParticipantProfile.user_id == Comment.author_id)
        .where(Comment.plan_id == plan_id, Comment.status == CommentStatus.VISIBLE)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    schools: dict[int, list[int]] = defaultdict(list)
    for user_id, school_id in db.session.execute(
        select(profile_schools.c.profile_id, profile_schools.c.school_id)
        .join(School, School.id == profile_schools.c.school_id)
        .where(profile_schools.c.profile_id.in_(
            select(Comment.author_id).where(Comment.plan_id == plan_id, Comment.status == CommentStatus.VISIBLE)))
        .order_by(School.name)
    ):
        schools[user_id].append(school_id)
    return [
        FeedbackItem(
            source=FeedbackSource.COMMENT,
            source_id=comment_id,
            text=body,
            language=language,
            plan_id=comment_plan_id,
            section_key=section_key,
            action_key=action_key,
            created_at=created_at,
            visibility=Visibility.PUBLIC,
            support_count=support_count,
            relationship=relationship,
            preferred_language=preferred_language,
            school_ids=tuple(schools.get(author_id, ())),
            official=official,
            person_key=f"user:{author_id}",
            reply_to=(FeedbackSource.COMMENT, parent_id) if parent_id is not None else None,
        )
        for (comment_id, body, language, comment_plan_id, section_key, action_key, created_at, support_count,
             official, author_id, relationship, preferred_language, parent_id) in rows
    ]


def survey_answer_items(*, plan_id: int | None = None, survey_id: int | None = None) -> list[FeedbackItem]:
    """Text answers (and words typed for "Other") of published surveys, in five queries.

    Pass plan_id for every survey linked to that plan, or survey_id for one
    survey. The respondent's account is never read, so anonymous surveys give
    exactly what identified ones do: the text and the facts on the response.
    """
    if (plan_id is None) == (survey_id is None):
        raise ValueError("pass exactly one of plan_id and survey_id")
    scope = Survey.plan_id == plan_id if plan_id is not None else Survey.id == survey_id
    rows = db.session.execute(
        select(SurveyAnswer.id, SurveyAnswer.text, SurveyAnswer.response_id, SurveyQuestion.id,
               SurveyQuestion.section_key, SurveyQuestion.action_key, Survey.id, Survey.plan_id,
               SurveyResponse.language, SurveyResponse.relationship_to_district, SurveyResponse.submitted_at,
               SurveyResponse.facts_key)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(scope, Survey.status != SurveyStatus.DRAFT, func.length(func.trim(SurveyAnswer.text)) > 0)
        .order_by(SurveyResponse.submitted_at, SurveyAnswer.id)
    ).all()
    schools = _response_schools(scope)
    # The disclosure rule: a response brings only the facts it may show beside its answers.
    disclosures = disclosures_for({row[6] for row in rows})
    items = []
    for (answer_id, text, response_id, question_id, section_key, action_key, answer_survey_id, linked_plan_id,
         language, relationship, submitted_at, facts_key) in rows:
        shown = disclosures[answer_survey_id].mixes[facts_key].shown
        language = language if "language" in shown else None
        relationship = relationship if "relationship" in shown else None
        school_ids = schools.get(response_id, ()) if "school_id" in shown else ()
        items.append(FeedbackItem(
            source=FeedbackSource.SURVEY_ANSWER,
            source_id=answer_id,
            text=text.strip(),
            language=language,
            plan_id=linked_plan_id,
            section_key=section_key,
            action_key=action_key,
            created_at=submitted_at,
            visibility=Visibility.LEADERSHIP,
            relationship=relationship,
            preferred_language=language,
            school_ids=school_ids,
            survey_id=answer_survey_id,
            question_id=question_id,
            person_key=f"response:{response_id}",
        ))
    return items


def _response_schools(scope) -> dict[int, tuple[int, ...]]:
    """The schools on every response of the surveys in scope, in one query."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = db.session.execute(
        select(survey_response_schools.c.response_id, survey_response_schools.c.school_id)
        .join(SurveyResponse, SurveyResponse.id == survey_response_schools.c.response_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(scope)
        .order_by(survey_response_schools.c.school_id)
    ).all()
    for response_id, school_id in rows:
        found[response_id].append(school_id)
    return {response_id: tuple(ids) for response_id, ids in found.items()}


_ENTRY_SOURCES = {NoteEntryKind.HEARD: FeedbackSource.CONVERSATION_NOTE, NoteEntryKind.CARD: FeedbackSource.PAPER_CARD}


def conversation_items(plan_id: int) -> list[FeedbackItem]:
    """What hosts heard and the paper cards typed in, from every submitted note
    of the plan's conversation sessions, in one query. Drafts give nothing."""
    rows = db.session.execute(
        select(NoteEntry, ConversationNote.submitted_at, ConversationSession.id)
        .join(ConversationNote, ConversationNote.id == NoteEntry.note_id)
        .join(ConversationSession, ConversationSession.id == ConversationNote.session_id)
        .where(ConversationSession.plan_id == plan_id, ConversationNote.status == NoteStatus.SUBMITTED,
               func.length(func.trim(NoteEntry.text)) > 0)
        .order_by(ConversationNote.submitted_at, ConversationSession.id,
                  case((NoteEntry.kind == NoteEntryKind.HEARD, 0), else_=1), NoteEntry.position, NoteEntry.id)
    ).all()
    return [
        FeedbackItem(
            source=_ENTRY_SOURCES.get(entry.kind, FeedbackSource.CONVERSATION_NOTE),
            source_id=entry.id,
            text=entry.text.strip(),
            language=entry.language,
            plan_id=plan_id,
            section_key=entry.section_key,
            action_key=entry.action_key,
            created_at=submitted_at or entry.created_at,
            visibility=Visibility.LEADERSHIP,
            relationship=entry.relationship_to_district,
            preferred_language=entry.participant_language,
            school_ids=(entry.school_id,) if entry.school_id is not None else (),
            session_id=session_id,
            person_key=f"{'card' if entry.kind == NoteEntryKind.CARD else 'note'}:{entry.id}",
        )
        for entry, submitted_at, session_id in rows
    ]


def plan_feedback_items(plan_id: int) -> list[FeedbackItem]:
    """Everything heard about a plan, oldest first: comments, survey text answers,
    conversation notes and paper comment cards."""
    items = comment_items(plan_id) + survey_answer_items(plan_id=plan_id) + conversation_items(plan_id)
    return sorted(items, key=lambda item: item.created_at)
