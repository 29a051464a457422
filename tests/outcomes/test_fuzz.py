"""Review: fuzzed input to every "you said, we did" route, other plans' and unpublished things, escaping."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.outcomes.models import FeedbackOutcome
from engage.plans.models import PlanVersion
from tests.outcomes.factories import add_comment, add_theme, first_action, link, make_revised_plan
from tests.plans.factories import make_plan
from tests.support.web import csrf_token


@pytest.fixture
def plan(users):
    return make_revised_plan(users["leader"])


@pytest.fixture
def theme(plan):
    return add_theme(plan, "Late buses")


@pytest.fixture
def leader(client_as):
    return client_as("leader")


def outcome_count() -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackOutcome))


def form_data(plan, theme, **extra) -> dict:
    return {"theme_id": str(theme.id), "target": f"action:{first_action(plan).key}", "version_id": "",
            "explanation": "We added a late bus.", "submission_token": "fuzz", **extra}


GARBAGE_QUERIES = ["?theme=abc", "?theme=%EF%BC%91", "?theme=99999999999999999999", "?theme=-1", "?theme=0",
                   "?comment=%D9%A3", "?comment=1&comment=1&comment=x", "?comment=" + "9" * 5000,
                   "?theme=1&theme=2", "?comment=" + "&comment=".join(str(n) for n in range(1, 300))]


@pytest.mark.parametrize("query", GARBAGE_QUERIES)
def test_fuzzed_prefill_is_ignored(leader, plan, theme, query):
    assert leader.get(f"/outcomes/plans/{plan.id}/new{query}").status_code == 200


@pytest.mark.parametrize("path", ["/outcomes/plans/99999999999", "/outcomes/plans/%EF%BC%91", "/outcomes/plans/-1",
                                  "/outcomes/plans/0/new", "/outcomes/99999999999/edit", "/outcomes/abc/edit",
                                  "/plans/1/heard/99999999999", "/plans/99999999999/heard/1",
                                  "/plans/%EF%BC%91/heard/%EF%BC%91"])
def test_garbage_ids_in_paths_are_not_found(leader, path):
    assert leader.get(path).status_code == 404


def test_garbage_ids_to_delete_are_not_found(leader):
    for outcome_id in ("99999999999", "0", "abc"):
        assert leader.post(f"/outcomes/{outcome_id}/delete", data={"csrf_token": csrf_token(leader, "/"),
                                                                    "confirm": "yes"}).status_code == 404


FUZZ = [
    {"theme_id": ["", str(0)]}, {"version_id": ["", "x"]}, {"target": ["", "action:x"]},
    {"explanation": ["", "Two explanations"]}, {"theme_id": "１"}, {"comment_ids": "٣"},
    {"explanation": " \t\n "}, {"target": ":"}, {"target": "section:"}, {"version_id": "-0"},
]


@pytest.mark.parametrize("changes", FUZZ, ids=[str(i) for i in range(len(FUZZ))])
def test_fuzzed_edit_form_never_a_server_error(leader, users, plan, theme, changes):
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    data = {**form_data(plan, theme), **changes, "csrf_token": csrf_token(leader, "/")}
    response = leader.post(f"/outcomes/{outcome.id}/edit", data=data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "error-summary" in response.get_data(as_text=True)


@pytest.mark.parametrize("missing", ["theme_id", "version_id", "target", "explanation",
                                     "submission_token"])
def test_a_missing_field_is_never_a_server_error(leader, plan, theme, missing):
    data = {**form_data(plan, theme), "csrf_token": csrf_token(leader, "/")}
    del data[missing]
    response = leader.post(f"/outcomes/plans/{plan.id}/new", data=data)
    assert response.status_code in (200, 302)


def test_files_in_text_fields_are_not_read(leader, plan, theme):
    data = {**form_data(plan, theme), "csrf_token": csrf_token(leader, "/"),
            "explanation": (io.BytesIO(b"a file"), "x.txt"), "theme_id": (io.BytesIO(b"1"), "y.txt")}
    response = leader.post(f"/outcomes/plans/{plan.id}/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and outcome_count() == 0
    assert 'id="explanation-error"' in response.get_data(as_text=True)


def test_an_empty_post_shows_errors(leader, plan):
    response = leader.post(f"/outcomes/plans/{plan.id}/new", data={"csrf_token": csrf_token(leader, "/")})
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)


# Unpublished plans, other plans ---------------------------------------------------------------


def test_a_theme_of_a_plan_never_published_has_no_public_summary(client, users):
    plan = make_plan("Never published")
    theme = add_theme(plan, "Secret", published=True)
    assert not db.session.scalar(select(func.count()).select_from(PlanVersion).where(PlanVersion.plan_id == plan.id))
    assert client.get(f"/plans/{plan.id}/heard/{theme.id}").status_code == 404


def test_a_version_of_another_plan_cannot_be_linked_on_edit(leader, users, plan, theme):
    other = make_revised_plan(users["leader"], "Another plan")
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    data = {**form_data(plan, theme, version_id=str(other.versions[0].id), target=""),
            "csrf_token": csrf_token(leader, "/")}
    html = leader.post(f"/outcomes/{outcome.id}/edit", data=data).get_data(as_text=True)
    assert 'id="version_id-error"' in html
    db.session.refresh(outcome)
    assert outcome.version_id is None


def test_a_key_only_in_the_draft_cannot_be_linked(users, plan, theme):
    from engage.outcomes.services import OutcomeRefused
    from engage.plans import services as plans

    section = plan.sections[0]
    draft_action = plans.save_action(users["leader"], plan, section, None, number="9.9", title="Draft only",
                                     description="", responsible_office="", months=[], indicators=[])
    with pytest.raises(OutcomeRefused) as refused:
        link(users["leader"], plan, theme_id=theme.id, action_key=draft_action.key)
    assert refused.value.field == "target"


# Escaping in the email and on the leaders' pages -----------------------------------------------------


def test_the_email_is_plain_text_with_user_text_as_typed_and_a_fixed_subject(users, plan):
    from engage.mail.models import OutboxMessage
    from tests.support.people import make_user

    theme = add_theme(plan, "Buses & <vans>")
    author = make_user(email="parent@example.org", name="O'Brien <b>")
    comment = add_comment(plan, author=author)
    link(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id], action_key=first_action(plan).key,
         explanation="Line one.\nSubject: injected\n<script>x</script> & more")
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.subject == "Your comment made a difference"
    body = message.body_text
    # A text email: nothing to run, and nothing HTML-escaped into "&lt;" for the reader.
    assert "Hello O'Brien <b>," in body and "What we heard: Buses & <vans>" in body
    assert "<script>x</script> & more" in body and "&lt;" not in body and "&#39;" not in body


def test_user_text_is_escaped_on_the_leaders_pages(leader, users, plan):
    from tests.support.people import make_user

    theme = add_theme(plan, "<img src=x onerror=alert(1)>")
    comment = add_comment(plan, "<script>alert(2)</script>", author=make_user(name="<svg onload=alert(3)>"))
    outcome = link(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id],
                   action_key=first_action(plan).key, explanation="<iframe src=javascript:alert(4)>")
    for path in (f"/outcomes/plans/{plan.id}", f"/outcomes/{outcome.id}/edit",
                 f"/outcomes/plans/{plan.id}/new?theme={theme.id}&comment={comment.id}",
                 f"/themes/analyses/{theme.analysis_id}/themes/{theme.id}", f"/plans/{plan.id}",
                 f"/plans/{plan.id}/compare"):
        response = leader.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        for raw in ("<img src=x", "<script>alert(2)", "<svg onload", "<iframe src"):
            assert raw not in html, (path, raw)
    html = leader.post(f"/outcomes/{outcome.id}/delete", data={"csrf_token": csrf_token(leader, "/")}) \
        .get_data(as_text=True)
    assert "<iframe src" not in html and "<img src=x" not in html
