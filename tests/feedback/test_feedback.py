"""The feedback read model: comments, survey text answers, conversation notes and paper cards, with the facts people shared."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engage.accounts.models import ParticipantProfile
from engage.comments import services as comments
from engage.conversations import notes
from engage.conversations.models import ConversationNote, NoteEntry
from engage.extensions import db
from engage.feedback.services import (
    FeedbackSource,
    Visibility,
    comment_items,
    conversation_items,
    plan_feedback_items,
    survey_answer_items,
)
from engage.models import utcnow
from engage.plans import services as plans
from engage.surveys.models import OTHER_OPTION_KEY, QuestionKind, SurveyAnonymity, SurveyAnswer, SurveyStatus
from tests.conversations.factories import make_session
from tests.plans.factories import make_plan
from tests.support.queries import count_queries
from tests.surveys.factories import add_response, make_school, make_survey, question_of


def test_comment_items_carry_support_language_and_profile(users):
    plan = make_plan(feedback_opens_at=utcnow() - timedelta(days=1))
    plans.publish_version(users["leader"], plan, status="draft")
    db.session.add(ParticipantProfile(user_id=users["participant"].id, relationship_to_district="parent",
                                      preferred_language="es", race_ethnicity=[]))
    db.session.commit()
    liked = comments.post_comment(users["participant"], plan, body="Más autobuses", submission_token="a", language="es")
    hidden = comments.post_comment(users["host"], plan, body="Rude", submission_token="b")
    for role in ("host", "leader"):
        comments.toggle_support(users[role], liked)
    comments.hide_comment(users["moderator"], hidden, reason="rude")
    with count_queries() as counter:
        items = comment_items(plan.id)
    assert counter.count <= 3
    assert [(i.text, i.support_count, i.language, i.relationship, i.preferred_language) for i in items] == [
        ("Más autobuses", 2, "es", "parent", "es")]


def test_a_reply_names_the_comment_it_answers(users):
    plan = make_plan(feedback_opens_at=utcnow() - timedelta(days=1))
    plans.publish_version(users["leader"], plan, status="draft")
    parent = comments.post_comment(users["participant"], plan, body="The buses are late", submission_token="a")
    comments.post_comment(users["host"], plan, body="Same here", submission_token="b", parent=parent)
    items = {item.text: item for item in comment_items(plan.id)}
    assert items["The buses are late"].reply_to is None
    assert items["Same here"].reply_to == ("comment", parent.id) == items["The buses are late"].key


# Survey answers ------------------------------------------------------------------


def _plan_survey(**fields):
    plan = make_plan()
    survey = make_survey(plan_id=plan.id, **fields)
    long_text = question_of(survey, QuestionKind.LONG_TEXT)
    long_text.section_key, long_text.action_key = "sec1", "act1"
    db.session.commit()
    return plan, survey


def test_survey_text_answers_and_other_texts_become_leadership_items(users):
    plan, survey = _plan_survey()
    school = make_school()
    add_response(survey, {
        question_of(survey, QuestionKind.LONG_TEXT): "More buses, please",
        question_of(survey, QuestionKind.SHORT_TEXT): "   ",
        question_of(survey, QuestionKind.SINGLE_CHOICE): "a",
        question_of(survey, QuestionKind.MULTIPLE_CHOICE): ["a", (OTHER_OPTION_KEY, "Tutoring")],
    }, respondent=users["participant"], relationship="parent", language="es", schools=[school])
    for _ in range(9):  # ten responses share these facts, so they are tied to the answers (surveys.disclosure)
        add_response(survey, {}, relationship="parent", language="es", schools=[school])

    items = survey_answer_items(survey_id=survey.id)

    assert sorted(item.text for item in items) == ["More buses, please", "Tutoring"]
    buses = next(item for item in items if item.text == "More buses, please")
    assert (buses.source, buses.visibility, buses.plan_id, buses.section_key, buses.action_key) == (
        FeedbackSource.SURVEY_ANSWER, Visibility.LEADERSHIP, plan.id, "sec1", "act1")
    assert (buses.relationship, buses.language, buses.school_ids, buses.survey_id) == (
        "parent", "es", (school.id,), survey.id)


def test_a_survey_answer_whose_facts_are_rare_brings_none_of_them(users):
    _plan, survey = _plan_survey()
    school = make_school()
    text = question_of(survey, QuestionKind.LONG_TEXT)
    for _ in range(12):
        add_response(survey, {text: "More buses"}, relationship="parent", language="en", schools=[school])
    add_response(survey, {text: "Only I would say this"}, relationship="community", language="so", schools=[school])

    items = {item.text: item for item in survey_answer_items(survey_id=survey.id)}

    rare = items["Only I would say this"]
    assert (rare.relationship, rare.language, rare.preferred_language, rare.school_ids) == (None, None, None, ())
    # The next rarest combination is set aside with it, so the set-aside group is at least 10.
    assert items["More buses"].relationship is None


def test_draft_surveys_give_no_feedback_items(users):
    _, survey = _plan_survey(status=SurveyStatus.DRAFT)
    add_response(survey, {question_of(survey, QuestionKind.LONG_TEXT): "Not yet published"})
    assert survey_answer_items(survey_id=survey.id) == []


def test_anonymous_survey_items_carry_no_account(users):
    _, survey = _plan_survey(anonymity=SurveyAnonymity.ANONYMOUS)
    add_response(survey, {question_of(survey, QuestionKind.LONG_TEXT): "Anonymous idea"}, respondent=users["participant"])
    [item] = survey_answer_items(survey_id=survey.id)
    values = {getattr(item, name) for name in item.__dataclass_fields__}
    assert users["participant"].id not in values - {item.source_id, item.survey_id, item.question_id, item.plan_id}
    assert item.text == "Anonymous idea"


def test_plan_feedback_reads_comments_and_survey_answers_in_few_queries(users):
    plan, survey = _plan_survey()
    plan.feedback_opens_at = utcnow() - timedelta(days=1)
    plans.publish_version(users["leader"], plan, status="draft")
    comments.post_comment(users["participant"], plan, body="A comment", submission_token="c")
    schools = [make_school("North"), make_school("South")]
    long_text = question_of(survey, QuestionKind.LONG_TEXT)

    def count_for(responses: int) -> int:
        for n in range(responses):
            add_response(survey, {long_text: f"Idea {n}"}, schools=schools[: n % 3], commit=False)
        db.session.commit()
        with count_queries() as counter:
            items = plan_feedback_items(plan.id)
        assert len(items) == db.session.query(SurveyAnswer).count() + 1
        return counter.count

    assert count_for(3) == count_for(60) <= 8


# Conversation notes and paper cards ---------------------------------------------------


def _conversation(plan, **fields):
    """A session on the plan that began an hour ago, run by the leader (district-hosted)."""
    return make_session(starts_in=timedelta(hours=-1), plan_id=plan.id, **fields)


def _submitted_note(actor, session, *, heard=(), cards=()):
    notes.save_note_draft(actor, session, attendance_count=len(heard) + len(cards) + 5, entries=list(heard))
    if cards:
        notes.add_cards(actor, session, list(cards))
    notes.submit_note(actor, session)


def test_submitted_conversation_notes_and_cards_become_leadership_items(users):
    plan = make_plan()
    section, action = plan.sections[0], plan.sections[0].actions[0]
    school = make_school()
    session = _conversation(plan)
    _submitted_note(
        users["leader"], session,
        heard=[notes.EntryInput(text="Families want later buses", language="en", section_key=section.key,
                                action_key=action.key, relationship_to_district="parent",
                                participant_language="es")],
        cards=[notes.EntryInput(text="Más tutoría", language="es", section_key=section.key,
                                relationship_to_district="student", participant_language="es",
                                school_id=school.id)],
    )
    note = db.session.scalar(select(ConversationNote))

    heard, card = conversation_items(plan.id)

    assert (heard.source, heard.text, heard.visibility, heard.plan_id, heard.section_key, heard.action_key) == (
        FeedbackSource.CONVERSATION_NOTE, "Families want later buses", Visibility.LEADERSHIP, plan.id,
        section.key, action.key)
    assert (heard.language, heard.relationship, heard.preferred_language, heard.school_ids, heard.session_id) == (
        "en", "parent", "es", (), session.id)
    assert (card.source, card.text, card.language, card.relationship, card.school_ids, card.section_key) == (
        FeedbackSource.PAPER_CARD, "Más tutoría", "es", "student", (school.id,), section.key)
    assert heard.created_at == card.created_at == note.submitted_at


def test_draft_conversation_notes_give_no_feedback_items(users):
    plan = make_plan()
    session = _conversation(plan)
    notes.save_note_draft(users["leader"], session, attendance_count=4,
                          entries=[notes.EntryInput(text="Not submitted yet")])
    notes.add_cards(users["leader"], session, [notes.EntryInput(text="A card in a draft")])
    assert conversation_items(plan.id) == []
    assert plan_feedback_items(plan.id) == []


def test_conversation_items_come_only_from_sessions_on_that_plan(users):
    plan, other_plan = make_plan(), make_plan("Another plan")
    _submitted_note(users["leader"], _conversation(other_plan),
                    heard=[notes.EntryInput(text="About the other plan")])
    _submitted_note(users["leader"], _conversation(plan), heard=[notes.EntryInput(text="Ours")])
    assert [item.text for item in conversation_items(plan.id)] == ["Ours"]


def test_plan_feedback_includes_conversation_notes_and_cards(users):
    plan = make_plan()
    _submitted_note(users["leader"], _conversation(plan),
                    heard=[notes.EntryInput(text="Heard")], cards=[notes.EntryInput(text="Card")])
    assert sorted((item.source, item.text) for item in plan_feedback_items(plan.id)) == [
        (FeedbackSource.CONVERSATION_NOTE, "Heard"), (FeedbackSource.PAPER_CARD, "Card")]


def test_conversation_items_take_one_query_however_many_notes_and_entries(users):
    plan = make_plan()
    plan_id = plan.id
    schools = [make_school("North"), make_school("South")]

    def count_for(sessions: int, entries: int) -> int:
        for n in range(sessions):
            session = _conversation(plan, title=f"Conversation {n}")
            _submitted_note(
                users["leader"], session,
                heard=[notes.EntryInput(text=f"Heard {n}.{i}", relationship_to_district="parent")
                       for i in range(entries)],
                cards=[notes.EntryInput(text=f"Card {n}.{i}", school_id=schools[i % 2].id) for i in range(entries)],
            )
        db.session.expire_all()
        with count_queries() as counter:
            items = conversation_items(plan_id)
        assert len(items) == db.session.query(NoteEntry).count()
        return counter.count

    assert count_for(1, 2) == count_for(6, 20) == 1
