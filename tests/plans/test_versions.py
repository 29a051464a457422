"""Publishing immutable versions, reading them, and comparing two."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engage.extensions import db
from engage.models import utcnow
from engage.permissions import PermissionDenied
from engage.plans import services
from engage.plans.models import PlanStatus
from tests.plans.factories import make_plan
from tests.support.queries import count_queries
from tests.support.web import post_form


def publish(users, plan, status=PlanStatus.DRAFT, note=""):
    return services.publish_version(users["leader"], plan, status=status, change_note=note)


def test_publishing_freezes_the_draft_as_version_one(users):
    plan = make_plan()
    version = publish(users, plan, note="First draft")
    assert (version.number, version.status, version.change_note) == (1, "draft", "First draft")
    assert [s["title"] for s in version.snapshot["sections"]] == ["Goal 1", "Goal 2"]
    plan.sections[0].actions[0].title = "Changed later"
    db.session.commit()
    db.session.refresh(version)
    assert version.snapshot["sections"][0]["actions"][0]["title"] == "Action 1.1"


def test_versions_count_up_and_set_the_plan_status(users):
    plan = make_plan()
    publish(users, plan)
    second = publish(users, plan, status=PlanStatus.REVISED_DRAFT)
    assert second.number == 2 and plan.status == PlanStatus.REVISED_DRAFT


def test_only_plan_managers_publish(users):
    plan = make_plan()
    for role in ("participant", "host", "moderator"):
        with pytest.raises(PermissionDenied):
            services.publish_version(users[role], plan, status=PlanStatus.DRAFT)


def test_a_plan_without_actions_cannot_be_published(users):
    plan = make_plan(actions_per_section=0)
    with pytest.raises(services.NothingToPublish):
        publish(users, plan)


def test_the_plan_page_shows_the_latest_version_and_older_ones_on_request(client, users):
    plan = make_plan()
    publish(users, plan)
    plan.sections[0].actions[0].title = "Free bus passes for every family"
    db.session.commit()
    publish(users, plan)
    latest = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Free bus passes for every family" in latest and "older version" not in latest
    older = client.get(f"/plans/{plan.id}?version=1").get_data(as_text=True)
    assert "Action 1.1" in older and "You are reading an older version" in older
    assert client.get(f"/plans/{plan.id}?version=9").status_code == 404


def test_the_plan_page_lists_indicators_timeline_and_contents(client, users):
    plan = make_plan()
    publish(users, plan)
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    for expected in ("Contents", "Passes handed out", "June 2026", "Number of passes", "Timeline",
                     "Transportation", 'href="#section-'):
        assert expected in html, expected


def test_an_unpublished_plan_is_hidden_from_readers_and_previewed_for_leaders(client, client_as, users):
    plan = make_plan()
    assert client.get(f"/plans/{plan.id}").status_code == 404
    leader = client_as("leader")
    assert leader.get(f"/plans/{plan.id}").headers["Location"].endswith(f"/plans/{plan.id}/preview")
    assert "Publish version 1" in leader.get(f"/plans/{plan.id}/preview").get_data(as_text=True)
    assert client_as("participant").get(f"/plans/{plan.id}/preview").status_code == 403


def test_a_leader_publishes_from_the_preview(client_as, users):
    plan = make_plan()
    leader = client_as("leader")
    response = post_form(leader, f"/plans/{plan.id}/publish", {"status": "draft", "change_note": "Ready"},
                         form_page=f"/plans/{plan.id}/preview")
    assert response.status_code == 302
    assert [v.number for v in services.get_plan(plan.id).versions] == [1]
    denied = post_form(client_as("participant"), f"/plans/{plan.id}/publish", {"status": "draft"})
    assert denied.status_code == 403


def test_comparing_versions_marks_added_removed_and_changed_words(client, users):
    plan = make_plan()
    publish(users, plan)
    first_action = plan.sections[0].actions[0]
    first_action.description = "Offer free bus passes to every family that asks."
    db.session.delete(plan.sections[1].actions[1])
    db.session.commit()
    publish(users, plan)
    html = client.get(f"/plans/{plan.id}/compare?from=1&to=2").get_data(as_text=True)
    assert "<ins>" in html and " free<" in html
    assert "action removed" in html and "Action 2.2" in html
    same = client.get(f"/plans/{plan.id}/compare?from=2&to=2").get_data(as_text=True)
    assert "These two versions are the same." in same
    assert client.get(f"/plans/{plan.id}/compare?from=1&to=7").status_code == 404


def test_feedback_window_follows_status_and_dates(app):
    now = utcnow()
    plan = make_plan(feedback_opens_at=now - timedelta(days=1), feedback_closes_at=now + timedelta(days=1))
    assert services.feedback_window_state(plan, now) == "open"
    assert services.feedback_window_state(plan, now - timedelta(days=2)) == "not_yet_open"
    assert services.feedback_window_state(plan, now + timedelta(days=2)) == "closed"
    plan.status = PlanStatus.FINAL
    assert services.feedback_window_state(plan, now) == "not_collecting"


def test_published_plans_are_listed_and_linked_from_home(client, users):
    plan = make_plan(title="Reading Together Plan")
    make_plan(title="Unpublished Plan")
    publish(users, plan)
    for page in ("/plans/", "/"):
        html = client.get(page).get_data(as_text=True)
        assert "Reading Together Plan" in html and "Unpublished Plan" not in html


@pytest.mark.parametrize("path", ["/plans/{id}", "/plans/", "/plans/{id}/compare?from=1&to=2"])
def test_plan_pages_run_the_same_queries_however_big_the_plan(client, users, path):
    def queries(sections: int) -> int:
        plan = make_plan(sections=sections, actions_per_section=sections)
        publish(users, plan)
        publish(users, plan)
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(path.format(id=plan.id)).status_code == 200
        return counter.count

    assert queries(2) == queries(12)
