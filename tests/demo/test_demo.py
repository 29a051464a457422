"""`flask --app engage demo` loads a fictional district once, and never in production."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select, text

from config import DevelopmentConfig, ProductionConfig
from engage import create_app
from engage.accounts.models import User
from engage.comments.models import Comment, CommentFlag, CommentSupport
from engage.comments.services import post_comment
from engage.conversations.models import (
    ConversationNote,
    ConversationSession,
    NoteEntry,
    NoteStatus,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionStatus,
)
from engage.conversations.services import can_manage_session
from engage.conversations.translatable import session_texts
from engage.demo.comment_writer import Person, write_comments
from engage.demo.data import DEMO_PASSWORD, ROLE_USERS, load_demo_data
from engage.demo.feedback import CONCERNS, OFF_TOPIC, FeedbackWriter
from engage.extensions import db
from engage.feedback.services import FeedbackSource, conversation_items, plan_feedback_items, survey_answer_items
from engage.i18n import district_today
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from engage.orgs.models import Organization, School
from engage.permissions import Permission, can
from tests.support.people import make_user
from engage.plans.models import Plan, PlanVersion
from engage.plans.services import FeedbackWindow, feedback_window_state
from engage.surveys.models import QuestionKind, Survey, SurveyParticipation, SurveyResponse
from engage.surveys.services import SurveyState, survey_state
from engage.themes import services as theme_services
from engage.themes.models import RunStatus, Theme, ThemeAssignment, ThemeRun
from engage.translation.models import ContentTranslation
from engage.tracker.component import UPDATE_PROGRESS
from engage.tracker.models import ActionProgress, MetricValue, ProgressStatus, ProgressUpdate
from engage.tracker.services import can_update_action, tracked_actions_of_plans
from engage.tracker.updates import post_update

DEMO_MODELS = (User, School, Organization, Plan, PlanVersion, Comment, CommentSupport, CommentFlag, OutboxMessage,
               Survey, SurveyResponse, ConversationSession, Registration, ConversationNote, NoteEntry,
               ThemeRun, Theme, ThemeAssignment, ProgressUpdate, MetricValue, ActionProgress)


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in DEMO_MODELS)


# The demo's tables as `flask demo` left them, and what it printed: loading the demo takes
# seconds, copying its rows back into the emptied tables a fraction of one.
_loaded: dict = {}


@pytest.fixture
def demo(app) -> str:
    """The demo district, loaded as `flask --app engage demo` loads it; returns what the command printed.

    The command runs once per test run; later tests get a copy of the rows it wrote.
    """
    if not _loaded:
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        _loaded["output"] = result.output
        # In key order: a reply's row comes after the comment it answers.
        _loaded["tables"] = [
            (table, [dict(row._mapping)
                     for row in db.session.execute(table.select().order_by(*table.primary_key.columns))])
            for table in db.metadata.sorted_tables
        ]
        return result.output
    with db.engine.begin() as connection:
        for table, rows in _loaded["tables"]:
            if rows:
                connection.execute(table.insert(), rows)
        if connection.dialect.name == "postgresql":  # ids were given, so move each sequence past them
            for table, rows in _loaded["tables"]:
                if rows and "id" in table.c:
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                            f"(SELECT MAX(id) FROM {table.name}))"))
    return _loaded["output"]


def aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives back naive UTC times


def open_plan() -> Plan:
    return db.session.scalar(select(Plan).where(Plan.owner_school_id.is_(None)))


def school_plan() -> Plan:
    return db.session.scalar(select(Plan).where(Plan.owner_school_id.is_not(None)))


def test_demo_data_loads_once_and_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.org" in first.output and DEMO_PASSWORD in first.output
    after_first = counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert counts() == after_first
    assert "The demo district is already loaded: nothing was added." in second.output
    assert "Demo data ready" not in second.output and DEMO_PASSWORD in second.output
    assert after_first[1] >= 5 and after_first[2] >= 5
    assert after_first[3] == 2 and after_first[5] > 0
    assert 8 <= after_first[11] <= 12 and after_first[12] > 50 and after_first[14] > 50
    assert not any(load_demo_data().values())


def test_every_demo_login_works_with_its_role(demo, client):
    from tests.support.web import log_in, post_form

    for email, _name, role, _org in ROLE_USERS:
        assert log_in(client, email, DEMO_PASSWORD).status_code == 302, email
        post_form(client, "/logout")
    host = db.session.scalar(select(User).where(User.email == "host@example.org"))
    assert can(host, Permission.HOST)


@pytest.mark.parametrize("environment, links_to", [({}, "http://127.0.0.1:5110"),
                                                    ({"BASE_URL": "https://demo.example.org"}, "https://demo.example.org")])
def test_make_demo_on_another_port_sends_emails_linking_to_that_port(environment, links_to):
    """`make demo PORT=5110` gives the demo's commands (the app, its job consumer) BASE_URL, unless it is set."""
    root = Path(__file__).parents[2]
    env = {key: value for key, value in os.environ.items() if key != "BASE_URL"} | environment
    dry_run = subprocess.run(["make", "-n", "demo", "PORT=5110"], cwd=root, env=env, capture_output=True, text=True,
                             check=True)
    assert f"its emails link to {links_to})" in dry_run.stdout


def test_the_demo_lets_someone_sign_in_as_one_role_after_another(tmp_path):
    """Production's limits against guessing passwords (ten sign-ins a minute from one address) would
    lock out someone clicking around the demo."""
    app = create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite3'}",
                                         "RATELIMIT_STORAGE_URI": "memory://", "QUEUE_IMMEDIATE": True})
    from tests.support.web import log_in, post_form

    with app.app_context():
        db.create_all()
        people = [make_user(email=f"role{n}@example.org") for n in range(3)]
        client = app.test_client()
        for attempt in range(15):
            assert log_in(client, people[attempt % 3].email).status_code == 302, attempt
            post_form(client, "/logout")
        db.session.remove()
        db.drop_all()
    assert int(ProductionConfig.RATELIMIT_LOGIN.split()[0]) < 15  # where production would have refused


def test_demo_is_refused_in_production(tmp_path):
    app = create_app(ProductionConfig, {"SECRET_KEY": "y" * 64, "BASE_URL": "https://engage.example.org",
                                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refused in production" in result.output


def test_create_admin_command_makes_an_administrator(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "boss@example.org", "--password", "a strong passphrase"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role == "admin" and user.check_password("a strong passphrase")


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "boss@example.org", "--password", "short"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User)) is None


def test_demo_has_a_district_plan_with_two_versions_and_a_school_plan(demo):
    district, school = open_plan(), school_plan()
    assert school.owner_school.name == "Cedar Grove Elementary School"
    assert {action.number for action in school.implements} == {"2", "5"}
    assert [v.status for v in school.versions] == ["draft"]
    assert len(school.versions[0].snapshot["sections"]) == 2
    assert [v.status for v in district.versions] == ["draft", "revised_draft"]
    first, second = (v.snapshot["sections"][0]["actions"] for v in district.versions)
    assert len(first) == len(second) == 6
    assert first[4]["description"] != second[4]["description"]
    assert len(second[2]["indicators"]) == len(first[2]["indicators"]) + 1
    assert district.versions[1].change_note


def test_demo_district_plan_is_open_for_feedback(demo):
    plan = open_plan()
    now = utcnow()
    assert feedback_window_state(plan) == FeedbackWindow.OPEN
    assert now - timedelta(days=57) < aware(plan.feedback_opens_at) < now - timedelta(days=55)
    assert now + timedelta(days=29) < aware(plan.feedback_closes_at) < now + timedelta(days=31)
    person = db.session.scalar(select(User).where(User.email == "participant@example.org"))
    comment = post_comment(person, plan, body="Will there be a meeting at Westfield?", submission_token="t-1")
    assert comment.version_id == plan.versions[-1].id


def test_demo_comments_read_like_a_real_conversation(demo):
    plan = open_plan()
    all_comments = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)).all()
    assert 300 <= len(all_comments) <= 600
    assert {c.language for c in all_comments} == {"en", "es"}
    assert all(c.author.locale == "es" for c in all_comments if c.language == "es" and not c.official)
    replies = [c for c in all_comments if c.parent_id is not None]
    assert 0.15 < len(replies) / len(all_comments) < 0.35
    assert any(c.depth == 2 for c in replies)
    assert 0.05 < sum(c.anonymous for c in all_comments) / len(all_comments) < 0.15
    officials = [c for c in all_comments if c.official]
    assert 3 <= len(officials) <= 5
    assert {c.author.email for c in officials} == {"host@example.org", "leader@example.org"}
    flagged = db.session.scalar(select(func.count(func.distinct(CommentFlag.comment_id))))
    assert 2 <= flagged <= 3


def test_demo_comments_are_anchored_spread_over_time_and_unevenly_supported(demo):
    plan = open_plan()
    all_comments = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)).all()
    section = plan.versions[-1].snapshot["sections"][0]
    action_keys = {action["key"] for action in section["actions"]}
    top_level = [c for c in all_comments if c.parent_id is None]
    assert sum(c.action_key in action_keys for c in top_level) > len(top_level) / 2
    assert any(c.section_key is None for c in top_level)
    assert any(c.section_key == section["key"] and c.action_key is None for c in top_level)
    times = [aware(c.created_at) for c in all_comments]
    assert max(times) <= utcnow() and max(times) - min(times) > timedelta(weeks=7)
    assert all(aware(c.created_at) >= aware(c.parent.created_at) for c in all_comments if c.parent)
    assert {c.version.number for c in all_comments} == {1, 2}
    supports = sorted(c.support_count for c in all_comments)
    assert statistics.median(supports) <= 1 and supports[-5] >= 10
    assert db.session.scalar(select(func.count()).select_from(CommentSupport)) == sum(supports)


def test_demo_comments_are_the_same_whenever_the_demo_is_loaded():
    people = [Person(key=n, spanish=n % 3 == 0) for n in range(40)]

    def write(now):
        drafts = write_comments(random.Random(2026), people, start=now - timedelta(days=10), end=now,
                                leader="leader", host="host")
        return sorted(((d.author, d.body, d.language, d.anonymous, tuple(d.supporters)) for d in drafts), key=repr)

    assert write(utcnow()) == write(utcnow() + timedelta(hours=7, minutes=13))


def test_every_demo_page_answers(demo, client):
    from tests.support.web import log_in

    paths = ["/", "/plans/"]
    for plan in (open_plan(), school_plan()):
        paths += [f"/plans/{plan.id}", f"/plans/{plan.id}?version=1", f"/plans/{plan.id}/compare",
                  f"/plans/{plan.id}/comments"]
    plan = open_plan()
    popular = db.session.scalar(select(Comment).where(Comment.plan_id == plan.id).order_by(Comment.support_count.desc()))
    paths += [f"/plans/{plan.id}/comments?sort=support", f"/plans/{plan.id}/comments?page=2",
              f"/plans/{plan.id}/comments/{popular.id}"]
    for path in paths:
        assert client.get(path).status_code == 200, path
    compare = client.get(f"/plans/{plan.id}/compare").get_data(as_text=True)
    assert "Vietnamese" in compare
    log_in(client, "moderator@example.org", DEMO_PASSWORD)
    assert "555-0147" in client.get("/moderation/").get_data(as_text=True)


def test_demo_survey_on_the_open_plan_has_hundreds_of_anonymous_responses(demo):
    survey = db.session.scalar(select(Survey))
    assert survey.plan_id == open_plan().id and survey.is_anonymous and survey.paged
    assert survey_state(survey) == SurveyState.OPEN
    assert {q.kind for q in survey.questions} == set(QuestionKind.ALL)
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert 250 <= len(responses) <= 400
    assert all(r.respondent_id is None for r in responses)
    assert {r.language for r in responses} >= {"en", "es"}
    signed_in = db.session.scalar(select(func.count()).select_from(SurveyParticipation)
                                  .where(SurveyParticipation.user_id.is_not(None)))
    assert 50 <= signed_in < len(responses)
    texts = survey_answer_items(survey_id=survey.id)
    # A response shows its language only when 10 or more show it alike (surveys.disclosure).
    assert len(texts) > 100 and {item.language for item in texts} <= {"en", "es", None}
    assert {"en", "es"} <= {item.language for item in texts}


def demo_sessions() -> list[ConversationSession]:
    return list(db.session.scalars(select(ConversationSession).order_by(ConversationSession.starts_at)))


def confirmed_seats(session: ConversationSession) -> int:
    return sum(r.party_size for r in session.registrations
               if r.status == RegistrationStatus.CONFIRMED and not r.walk_in)


def test_demo_conversations_are_hosted_by_several_organizations_and_the_district(demo):
    sessions = demo_sessions()
    assert 8 <= len(sessions) <= 12
    hosts = {session.organization.name for session in sessions if session.organization}
    assert {"Familias Unidas de Riverbend", "Somali Parents Association of Riverbend", "Cedar Grove PTO",
            "Riverbend High Student Equity Council", "Riverbend Staff Equity Team"} <= hosts
    assert any(session.organization_id is None for session in sessions)
    for session in sessions:
        assert can_manage_session(session.created_by, session), session.title
        plan_sections = {section.key for section in session.plan.sections}
        assert session.section_keys and set(session.section_keys) <= plan_sections


def test_demo_upcoming_conversations_vary_and_one_is_full_with_a_waitlist(demo):
    now = utcnow()
    upcoming = [s for s in demo_sessions() if aware(s.starts_at) > now]
    assert len(upcoming) >= 6
    assert {s.format for s in upcoming} == {SessionFormat.IN_PERSON, SessionFormat.ONLINE}
    assert {code for s in upcoming for code in s.language_codes} >= {"en", "es", "so"}
    assert any(s.language_codes == ["es"] for s in upcoming) and any(len(s.language_codes) == 2 for s in upcoming)
    assert any(s.childcare_offered for s in upcoming) and any(s.food_offered for s in upcoming)
    assert all(s.online_url for s in upcoming if s.format == SessionFormat.ONLINE)
    [full] = [s for s in upcoming if s.status == SessionStatus.FULL]
    assert full.seats_taken == full.capacity
    assert sum(r.status == RegistrationStatus.WAITLISTED for r in full.registrations) == 3
    assert any(s.status == SessionStatus.SCHEDULED and 0 < s.seats_left <= 3 for s in upcoming)
    for session in demo_sessions():
        assert session.seats_taken == confirmed_seats(session) <= session.capacity, session.title


def test_demo_sign_ups_were_confirmed_by_email_through_the_queue(demo):
    now = utcnow()
    upcoming = [s for s in demo_sessions() if aware(s.starts_at) > now]
    registrations = [r for s in upcoming for r in s.registrations]
    assert all(r.is_active for r in registrations)
    messages = db.session.scalars(select(OutboxMessage)).all()
    for registration in registrations:
        subject = ("You're on the waitlist: %(title)s" if registration.status == RegistrationStatus.WAITLISTED
                   else "You're signed up: %(title)s")
        # The email is in the language of the person who signed up, the session's title too where translated.
        title = session_texts([registration.session], registration.locale)(registration.session)
        with force_locale(registration.locale):
            expected = gettext(subject, title=title)
        assert any(m.recipient == registration.email and m.subject == expected for m in messages), expected
    titles = {session_texts([s], language)(s) for s in demo_sessions() for language in ("en", "es")}
    conversation_emails = [m for m in messages if any(title in m.subject for title in titles)]
    assert len(conversation_emails) == len(registrations) < 80
    spanish = next(s for s in upcoming if s.language_codes == ["es"])
    assert {r.locale for r in spanish.registrations} == {"es"}
    parent = db.session.scalar(select(User).where(User.email == "participant@example.org"))
    assert any(r.user_id == parent.id for r in registrations)


def test_demo_held_conversations_have_check_ins_walk_ins_and_submitted_notes(demo):
    held = [s for s in demo_sessions() if s.status == SessionStatus.COMPLETED]
    assert 3 <= len(held) <= 4
    assert all(aware(s.ends_at) < utcnow() for s in held)
    for session in held:
        note = session.note
        assert note.status == NoteStatus.SUBMITTED and note.submitted_at is not None
        assert aware(note.submitted_at) > aware(session.ends_at)
        assert can_manage_session(note.submitted_by, session)
        came = [r for r in session.registrations if r.checked_in_at]
        assert note.attendance_count == sum(r.party_size for r in came)
        assert any(r.walk_in for r in came) and any(not r.walk_in for r in came)
        assert any(r.status == RegistrationStatus.CONFIRMED and not r.checked_in_at for r in session.registrations)
        assert 5 <= len(note.heard) <= 15 and 10 <= len(note.cards) <= 60
        actions = {action.key for section in session.plan.sections for action in section.actions}
        anchored = [e for e in note.entries if e.action_key]
        assert len(anchored) > len(note.entries) / 2
        assert all(e.action_key in actions and e.section_key in session.section_keys for e in anchored)
    entries = [e for s in held for e in s.note.entries]
    assert {e.language for e in entries} == {"en", "es"}
    assert {e.relationship_to_district for e in entries} >= {"parent", "student", "staff"}
    assert {e.participant_language for e in entries} >= {"es", "so"}
    assert any(e.school_id for e in entries)


def test_demo_host_has_a_past_conversation_with_notes_still_to_submit(demo):
    host = db.session.scalar(select(User).where(User.email == "host@example.org"))
    [draft] = db.session.scalars(select(ConversationNote).where(ConversationNote.status == NoteStatus.DRAFT)).all()
    assert can_manage_session(host, draft.session)
    assert aware(draft.session.ends_at) < utcnow() and draft.session.status == SessionStatus.SCHEDULED
    assert draft.heard and draft.submitted_at is None


def test_demo_conversation_notes_are_feedback_on_the_plans(demo):
    items = conversation_items(open_plan().id) + conversation_items(school_plan().id)
    submitted = db.session.scalars(select(NoteEntry).join(ConversationNote)
                                   .where(ConversationNote.status == NoteStatus.SUBMITTED)).all()
    assert len(items) == len(submitted)
    assert {item.source for item in items} == {FeedbackSource.CONVERSATION_NOTE, FeedbackSource.PAPER_CARD}
    assert {item.language for item in items} == {"en", "es"}


def test_every_demo_conversation_page_answers(demo, client):
    from tests.support.web import log_in

    sessions = demo_sessions()
    paths = ["/conversations/", "/conversations/calendar"] + [f"/conversations/{s.id}" for s in sessions]
    for path in paths:
        assert client.get(path).status_code == 200, path
    log_in(client, "leader@example.org", DEMO_PASSWORD)
    paths = ["/conversations/manage", "/conversations/toolkit"]
    for session in sessions:
        paths += [f"/conversations/{session.id}/{page}" for page in ("roster", "check-in", "notes", "notes/cards",
                                                                    "toolkit/guide", "toolkit/sign-in-sheet",
                                                                    "toolkit/comment-cards")]
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_demo_feedback_comes_from_every_channel_in_both_languages_over_eight_weeks(demo):
    items = plan_feedback_items(open_plan().id)
    assert 600 <= len(items) <= 1200
    by_source = {source: sum(item.source == source for item in items)
                 for source in (FeedbackSource.COMMENT, FeedbackSource.SURVEY_ANSWER,
                                FeedbackSource.CONVERSATION_NOTE, FeedbackSource.PAPER_CARD)}
    assert min(by_source.values()) >= 20, by_source
    assert 0.2 <= sum(item.language == "es" for item in items) / len(items) <= 0.35
    times = [aware(item.created_at) for item in items]
    assert max(times) - min(times) > timedelta(weeks=7)
    # Every week of the eight has feedback, and not the same amount each week: a trend.
    weeks = [sum((utcnow() - moment).days // 7 == week for moment in times) for week in range(8)]
    assert min(weeks) > 0 and max(weeks) > 1.5 * min(weeks), weeks
    groups = [sum(item.relationship == r for item in items) for r in ("parent", "student", "staff", "community")]
    groups += [sum(item.preferred_language == code for item in items) for code in ("en", "es", "so", "vi", "zh")]
    assert all(n >= 10 for n in groups), groups
    assert sum(bool(item.school_ids) for item in items) > len(items) / 2
    off_topic = {text for texts in OFF_TOPIC.values() for text in texts}
    assert 0 < sum(item.text in off_topic for item in items) < len(items) * 0.05


def test_demo_runs_the_theme_analysis_once_per_plan_and_finds_meaningful_themes(demo):
    assert "Themes: " in demo and " feedback items on 2 plans in " in demo
    plan = open_plan()
    analysis = theme_services.default_analysis(None, plan.id)
    [run] = analysis.runs
    assert run.status == RunStatus.DONE and run.representation == "tfidf-lsa"
    themes = theme_services.active_themes(analysis)
    assert len(themes) >= 10 and all(theme.label.strip() for theme in themes)
    themed = theme_services.themed_items(analysis)
    assert run.n_items == len(themed) > 600
    in_themes = [t for t in themed if t.theme_id is not None]
    assert len(in_themes) > 0.8 * len(themed)
    assert {t.item.source for t in in_themes} == {FeedbackSource.COMMENT, FeedbackSource.SURVEY_ANSWER,
                                                  FeedbackSource.CONVERSATION_NOTE, FeedbackSource.PAPER_CARD}
    labels = " ".join(theme.label.lower() for theme in themes)
    assert sum(word in labels for word in ("bus", "interpret", "teacher", "counsel", "lunch", "budget")) >= 3, labels
    # The largest theme's breakdown by relationship has groups to show and groups to suppress (under 10).
    largest = max(themes, key=lambda theme: sum(t.theme_id == theme.id for t in themed))
    members = [t.item for t in themed if t.theme_id == largest.id]
    groups = [sum(item.relationship == r for item in members) for r in ("parent", "student", "staff", "community")]
    assert max(groups) >= 10 and any(0 < n < 10 for n in groups), groups
    [school_run] = theme_services.default_analysis(None, school_plan().id).runs
    assert school_run.status == RunStatus.DONE and school_run.n_themes >= 2


def test_demo_publishes_the_districts_responses_on_the_themes_they_answer(demo):
    analysis = theme_services.default_analysis(None, open_plan().id)
    published = theme_services.published_responses(open_plan().id)
    assert 2 <= len(published) <= 3
    assert all(theme.response_heard and theme.response_will_do for theme in published)
    texts = {}
    for themed in theme_services.themed_items(analysis):
        texts.setdefault(themed.theme_id, []).append(themed.item.text.lower())
    bus = next(theme for theme in published if "bus" in theme.response_will_do)
    assert sum("bus" in text or "autob" in text for text in texts[bus.id]) > len(texts[bus.id]) / 2
    sizes = sorted((len(members) for theme_id, members in texts.items() if theme_id is not None), reverse=True)
    assert len(texts[bus.id]) >= sizes[len(sizes) // 4]  # among the largest quarter of themes


def test_demo_feedback_says_each_concern_in_many_ways_the_same_every_time():
    def write(seed):
        writer = FeedbackWriter(random.Random(seed))
        return [writer.comment(CONCERNS["transportation"], "en", "parent") for _ in range(150)]

    texts = write(7)
    assert texts == write(7)
    assert len(set(texts)) == len(texts)
    assert sum(len(text) < 40 for text in texts) > 5 and sum(len(text) > 150 for text in texts) > 5
    spanish = FeedbackWriter(random.Random(7))
    for concern in CONCERNS.values():
        assert spanish.comment(concern, "es") and spanish.card(concern, "es") and spanish.survey_answer(concern, "es")
    assert 12 <= len(CONCERNS) <= 18


def demo_tracked_actions():
    return tracked_actions_of_plans([open_plan().id, school_plan().id])


def test_demo_progress_updates_cover_most_actions_over_ten_weeks(demo):
    tracked = demo_tracked_actions()
    updated = [t for t in tracked if t.update_count]
    assert 0.6 <= len(updated) / len(tracked) < 1
    assert {t.action.section.plan_id for t in updated} == {open_plan().id, school_plan().id}
    updates = db.session.scalars(select(ProgressUpdate)).all()
    assert f" {len(updates)} progress updates," in demo and 20 <= len(updates) <= 40
    assert all(1 <= t.update_count <= 5 for t in updated)
    today = district_today()
    assert all(today - timedelta(weeks=11) <= u.as_of < today for u in updates)
    assert max(today - u.as_of for u in updates) > timedelta(weeks=8)
    for t in updated:  # the latest update decides, and work only moves forward
        history = sorted((u for u in updates if u.action_id == t.action.id), key=lambda u: u.as_of)
        assert [u.percent_complete for u in history] == sorted(u.percent_complete for u in history)
        assert (t.status, t.percent_complete) == (history[-1].status, history[-1].percent_complete)
        assert aware(t.updated_at) < utcnow() - timedelta(hours=1)
    assert {t.status for t in tracked} == set(ProgressStatus.ALL)
    in_spanish = set(db.session.scalars(select(ContentTranslation.scope).where(
        ContentTranslation.scope.like("update:%"), ContentTranslation.language == "es",
        ContentTranslation.published_at.is_not(None))))
    assert 3 <= sum(f"update:{u.id}" in in_spanish for u in updates) < len(updates) / 2
    links = [u.evidence_url for u in updates if u.evidence_url]
    assert 4 <= len(links) < len(updates) and all(link.startswith("https://example.org/") for link in links)


def test_demo_tracker_has_metric_values_and_overdue_indicators(demo):
    tracked = demo_tracked_actions()
    indicators = [i for t in tracked for i in t.indicators]
    values = [i.latest_value for i in indicators if i.latest_value is not None]
    assert len(values) >= 5
    assert any(v.number is not None and v.unit == "%" for v in values)
    assert any(v.number is not None and v.unit not in ("", "%") for v in values)
    assert any(v.text and v.number is None for v in values)
    overdue = [t for t in tracked if t.overdue]
    assert 1 <= len(overdue) <= 3
    assert all(t.status not in (ProgressStatus.DONE, ProgressStatus.NOT_STARTED) for t in overdue)
    # The public plan page (the published version) shows the same deadlines and offices as the tracker.
    published = {a["key"]: a for s in open_plan().versions[-1].snapshot["sections"] for a in s["actions"]}
    for t in tracked:
        if t.section.plan_id == open_plan().id:
            shown = published[t.action.key]
            assert shown["responsible_office"] == t.action.responsible_office != ""
            assert [i["deadline"] for i in shown["indicators"]] == [
                i.deadline.isoformat() if i.deadline else None for i in t.action.indicators]


def test_demo_office_account_updates_only_its_offices_actions(demo):
    office = db.session.scalar(select(User).where(User.email == "office@example.org"))
    assert any(email == office.email for email, *_ in ROLE_USERS)
    assert not can(office, UPDATE_PROGRESS)
    actions = [t.action for t in demo_tracked_actions() if t.section.plan_id == open_plan().id]
    mine = [a for a in actions if can_update_action(office, a)]
    assert 0 < len(mine) < len(actions)
    assert {a.responsible_office for a in mine} == {"Office of Equity and Family Engagement"}
    assert any(u.author_id == office.id for u in db.session.scalars(select(ProgressUpdate)))
    update = post_update(office, mine[0], as_of=district_today(), status=ProgressStatus.ON_TRACK,
                         percent_complete=80, summary="Trying the tracker.", submission_token="try-1")
    assert update.office == "Office of Equity and Family Engagement"
