"""`flask --app engage demo` loads a fictional district once, and never in production."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from config import ProductionConfig
from engage import create_app
from engage.accounts.models import User
from engage.comments.models import Comment, CommentFlag, CommentSupport
from engage.comments.services import post_comment
from engage.demo.comment_writer import Person, write_comments
from engage.demo.data import DEMO_PASSWORD, ROLE_USERS, load_demo_data
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from engage.orgs.models import Organization, School
from engage.permissions import Permission, can
from engage.plans.models import Plan, PlanVersion
from engage.plans.services import FeedbackWindow, feedback_window_state
from engage.feedback.services import survey_answer_items
from engage.surveys.models import QuestionKind, Survey, SurveyParticipation, SurveyResponse
from engage.surveys.services import SurveyState, survey_state

DEMO_MODELS = (User, School, Organization, Plan, PlanVersion, Comment, CommentSupport, CommentFlag, OutboxMessage,
               Survey, SurveyResponse)


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in DEMO_MODELS)


@pytest.fixture
def demo(app):
    """The demo district, loaded as `flask --app engage demo` loads it."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output


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
    assert after_first[1] >= 5 and after_first[2] >= 5
    assert after_first[3] == 2 and after_first[5] > 0
    assert not any(load_demo_data().values())


def test_every_demo_login_works_with_its_role(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    from tests.conftest import log_in, post_form

    for email, _name, role, _org in ROLE_USERS:
        assert log_in(client, email, DEMO_PASSWORD).status_code == 302, email
        post_form(client, "/logout")
    host = db.session.scalar(select(User).where(User.email == "host@example.org"))
    assert can(host, Permission.HOST)


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
    assert now - timedelta(days=11) < aware(plan.feedback_opens_at) < now - timedelta(days=9)
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
    assert max(times) <= utcnow() and max(times) - min(times) > timedelta(days=8)
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
    from tests.conftest import log_in

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
    assert len(texts) > 100 and {item.language for item in texts} == {"en", "es"}
