"""Offices post dated progress updates on their actions: who may, what is checked, and how
the action's current progress follows its latest update."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.permissions import PermissionDenied
from engage.tracker import services, updates
from engage.tracker.models import ActionProgress, MetricValue, ProgressStatus, ProgressUpdate
from tests.plans.factories import make_plan
from tests.support.people import make_user
from tests.support.queries import count_queries
from tests.support.web import log_in, post_form
from tests.tracker.factories import first_action, make_office, make_tracked_plan, make_update

TODAY_FORM = "2026-01-15"


@pytest.fixture
def plan(app):
    return make_tracked_plan()


@pytest.fixture
def action(plan):
    return first_action(plan)


@pytest.fixture
def office_member(app):
    """A member of the office every test plan action names ("Transportation"), written differently."""
    return make_user(email="office@example.org", name="Otto", organization=make_office("  transportation "))


@pytest.fixture
def other_office_member(app):
    return make_user(email="budget@example.org", name="Bea", organization=make_office("Budget Office"))


def signed_in(app, user):
    client = app.test_client()
    assert log_in(client, user.email).status_code == 302
    return client


def form_data(action, **overrides):
    data = {"status": ProgressStatus.ON_TRACK, "percent_complete": "40", "as_of": TODAY_FORM,
            "summary": "Bus passes went to 120 families.", "evidence_url": "",
            "evidence_title": "", "submission_token": "token-1"}
    for indicator in action.indicators:
        data.update({f"metric_{indicator.id}_number": "", f"metric_{indicator.id}_unit": "",
                     f"metric_{indicator.id}_text": ""})
    data.update(overrides)
    return data


def update_path(action):
    return f"/progress/actions/{action.id}/update"


def post_update_form(client, action, **overrides):
    return post_form(client, update_path(action), form_data(action, **overrides), form_page=update_path(action),
                     content_type="multipart/form-data")


# Who may post ----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [("participant", False), ("moderator", False), ("host", False),
                                               ("leader", True), ("admin", True)])
def test_update_form_is_open_to_leaders_and_admins_only_among_roles(client_as, action, role, allowed):
    response = client_as(role).get(update_path(action))
    assert response.status_code == (200 if allowed else 403)


def test_update_form_sends_anonymous_people_to_sign_in(client, action):
    response = client.get(update_path(action))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_member_of_the_responsible_office_may_post(app, action, office_member):
    assert services.can_update_action(office_member, action)
    response = post_update_form(signed_in(app, office_member), action)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 1


def test_member_of_another_office_may_not_post(app, action, other_office_member):
    assert not services.can_update_action(other_office_member, action)
    client = signed_in(app, other_office_member)
    assert client.get(update_path(action)).status_code == 403
    with pytest.raises(PermissionDenied):
        make_update(other_office_member, action)


def test_member_of_a_non_office_organization_with_the_same_name_may_not_post(app, action):
    from tests.support.people import make_organization

    member = make_user(organization=make_organization("Transportation"))
    assert not services.can_update_action(member, action)


def test_an_action_without_responsible_office_is_for_leaders_only(app, users, plan, office_member):
    action = first_action(plan)
    action.responsible_office = ""
    db.session.commit()
    assert not services.can_update_action(office_member, action)
    assert services.can_update_action(users["leader"], action)


def test_signed_out_person_may_not_update(app, action):
    class Anonymous:
        is_authenticated = False

    assert not services.can_update_action(Anonymous(), action)
    assert not services.can_update_action(None, action)


def test_actions_of_unpublished_plans_have_no_update_form(client_as, app):
    draft = make_plan("Draft plan")
    assert client_as("leader").get(update_path(first_action(draft))).status_code == 404


def test_unknown_action_is_404(client_as):
    assert client_as("leader").get("/progress/actions/999999/update").status_code == 404


# "Your actions" -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["participant", "moderator", "host"])
def test_office_page_is_closed_to_people_without_an_office(client_as, role):
    assert client_as(role).get("/progress/office").status_code == 403


def test_the_menu_links_office_members_to_their_page_and_no_one_else(app, client_as, office_member):
    menu_link = 'href="/progress/office"'
    assert menu_link in signed_in(app, office_member).get("/").get_data(as_text=True)
    assert menu_link in client_as("leader").get("/").get_data(as_text=True)
    for role in ("participant", "host", "moderator"):
        assert menu_link not in client_as(role).get("/").get_data(as_text=True)


def test_office_page_lists_only_the_offices_own_actions(app, office_member):
    plan = make_tracked_plan()
    other = first_action(plan)
    other.responsible_office = "Budget Office"
    other.title = "Balance the budget"
    db.session.commit()
    html = unescape(signed_in(app, office_member).get("/progress/office").get_data(as_text=True))
    assert "Action 1.2" in html and "Action 2.1" in html
    assert "Balance the budget" not in html


def test_office_page_shows_leaders_every_action(client_as, app):
    make_tracked_plan()
    html = unescape(client_as("leader").get("/progress/office").get_data(as_text=True))
    for title in ("Action 1.1", "Action 1.2", "Action 2.1", "Action 2.2"):
        assert title in html


def test_office_page_shows_overdue_indicators(client_as, app, users):
    make_tracked_plan()  # indicators are due 30 June 2026, before today
    html = client_as("leader").get("/progress/office").get_data(as_text=True)
    assert "indicator is overdue" in html


def test_office_member_with_nothing_to_update_sees_an_empty_page(app, other_office_member):
    make_tracked_plan()
    response = signed_in(app, other_office_member).get("/progress/office")
    assert response.status_code == 200
    assert "no actions for you to update yet" in response.get_data(as_text=True)


def test_office_page_query_count_does_not_grow_with_actions(client_as, app):
    client = client_as("leader")
    make_tracked_plan("Small", sections=1, actions_per_section=1)
    client.get("/progress/office")
    with count_queries() as small:
        client.get("/progress/office")
    make_tracked_plan("Large", sections=4, actions_per_section=5)
    with count_queries() as large:
        client.get("/progress/office")
    assert large.count == small.count


# Checking what is posted ---------------------------------------------------------------------


@pytest.mark.parametrize(("field", "overrides"), [
    ("as_of", {"as_of": date.today() + timedelta(days=3)}),
    ("as_of", {"as_of": date(1999, 12, 31)}),
    ("as_of", {"as_of": "2026-01-15"}),
    ("percent_complete", {"percent_complete": 101}),
    ("percent_complete", {"percent_complete": -1}),
    ("percent_complete", {"percent_complete": 50.5}),
    ("percent_complete", {"status": ProgressStatus.DONE, "percent_complete": 90}),
    ("status", {"status": "finished"}),
    ("summary", {"summary": "   "}),
    ("summary", {"summary": "x" * (updates.SUMMARY_MAX + 1)}),
    ("evidence_url", {"evidence_url": "javascript:alert(1)"}),
    ("evidence_url", {"evidence_url": "ftp://example.org/report.pdf"}),
    ("evidence_url", {"evidence_url": "data:text/html,<script>alert(1)</script>"}),
])
def test_invalid_updates_are_refused_beside_their_field(app, users, action, field, overrides):
    with pytest.raises(updates.UpdateRefused) as refusal:
        make_update(users["leader"], action, **overrides)
    assert refusal.value.field == field
    with app.test_request_context():
        assert str(refusal.value.message)
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0


def test_refusal_is_a_value_error(users, action):
    with pytest.raises(ValueError):
        make_update(users["leader"], action, percent_complete=400)


def test_today_is_accepted_as_the_date(users, action):
    update = make_update(users["leader"], action, as_of=services.district_today())
    assert update.as_of == services.district_today()


def test_done_means_complete(users, action):
    update = make_update(users["leader"], action, status=ProgressStatus.DONE, percent_complete=100)
    assert update.status == ProgressStatus.DONE


def test_evidence_link_is_kept(users, action):
    update = make_update(users["leader"], action, evidence_url="https://example.org/minutes",
                         evidence_title="Board minutes")
    assert (update.evidence_kind, update.evidence_url, update.evidence_title) == (
        "link", "https://example.org/minutes", "Board minutes")


def test_update_speaks_for_the_actions_office(users, action):
    assert make_update(users["leader"], action).office == "Transportation"


# Metric values ------------------------------------------------------------------------------


def test_metric_values_are_kept_as_number_and_unit_or_text(users, plan):
    action = first_action(plan)
    indicator = action.indicators[0]
    update = make_update(users["leader"], action, metric_values={indicator.id: (120, " passes ", "")})
    assert [(v.indicator_id, v.number, v.unit, v.text) for v in update.metric_values] == [
        (indicator.id, 120.0, "passes", "")]
    later = make_update(users["leader"], action, as_of=date(2026, 2, 1),
                        metric_values={indicator.id: (None, "", "Most families who asked")})
    assert later.metric_values[0].text == "Most families who asked"
    tracked = services.plan_actions(plan.id)[0]
    assert tracked.indicators[0].latest_value.id == later.metric_values[0].id


def test_empty_metric_entries_are_skipped(users, action):
    update = make_update(users["leader"], action, metric_values={action.indicators[0].id: (None, "", "  ")})
    assert update.metric_values == []


@pytest.mark.parametrize("entry", [(5, "", "five"), (None, "passes", ""), (float("nan"), "", ""),
                                   (float("inf"), "", ""), ("12", "", ""), (True, "", ""), ("bad",)])
def test_bad_metric_values_are_refused_beside_their_indicator(users, action, entry):
    indicator = action.indicators[0]
    with pytest.raises(updates.UpdateRefused) as refusal:
        make_update(users["leader"], action, metric_values={indicator.id: entry})
    assert refusal.value.field == f"metric_{indicator.id}"


def test_metric_value_of_another_actions_indicator_is_refused(users, plan):
    action, other = plan.sections[0].actions
    with pytest.raises(updates.UpdateRefused):
        make_update(users["leader"], action, metric_values={other.indicators[0].id: (1, "", "")})


def test_metric_values_are_posted_through_the_form(client_as, action):
    indicator = action.indicators[0]
    response = post_update_form(client_as("leader"), action, **{f"metric_{indicator.id}_number": "1,234.5",
                                                              f"metric_{indicator.id}_unit": "passes"})
    assert response.status_code == 302
    value = db.session.scalar(select(MetricValue))
    assert (value.number, value.unit) == (1234.5, "passes")


def test_metric_number_that_is_not_a_number_is_shown_beside_it(client_as, action):
    indicator = action.indicators[0]
    response = post_update_form(client_as("leader"), action, **{f"metric_{indicator.id}_number": "lots"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert f'id="metric_{indicator.id}_number-error"' in html
    assert 'value="lots"' in html


# Double submit ----------------------------------------------------------------------------


def test_same_form_sent_twice_makes_one_update(users, action):
    first = make_update(users["leader"], action, submission_token="same")
    second = make_update(users["leader"], action, submission_token="same", summary="Sent again")
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 1
    assert db.session.scalar(select(ActionProgress.update_count)) == 1


def test_same_form_posted_twice_over_http_makes_one_update(client_as, action):
    client = client_as("leader")
    assert post_update_form(client, action, submission_token="abc").status_code == 302
    assert post_update_form(client, action, submission_token="abc").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 1


def test_two_people_may_use_the_same_token(users, action):
    make_update(users["leader"], action, submission_token="same")
    make_update(users["admin"], action, submission_token="same")
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 2


# Current progress ---------------------------------------------------------------------------


def progress_of(action) -> ActionProgress:
    db.session.expire_all()
    return db.session.scalar(select(ActionProgress).where(ActionProgress.action_id == action.id))


def test_action_without_updates_is_not_started(plan):
    tracked = services.plan_actions(plan.id)[0]
    assert (tracked.status, tracked.percent_complete, tracked.update_count, tracked.updated_at) == (
        ProgressStatus.NOT_STARTED, 0, 0, None)


def test_progress_follows_the_latest_update_by_its_date(users, action):
    latest = make_update(users["leader"], action, as_of=date(2026, 3, 1), status=ProgressStatus.AT_RISK,
                         percent_complete=60)
    make_update(users["leader"], action, as_of=date(2026, 2, 1), status=ProgressStatus.DELAYED,
                percent_complete=30)
    progress = progress_of(action)
    assert (progress.status, progress.percent_complete, progress.update_count, progress.last_update_id) == (
        ProgressStatus.AT_RISK, 60, 2, latest.id)


def test_on_the_same_date_the_update_written_last_counts(users, action):
    make_update(users["leader"], action, status=ProgressStatus.DELAYED)
    make_update(users["leader"], action, status=ProgressStatus.ON_TRACK, percent_complete=70)
    assert progress_of(action).status == ProgressStatus.ON_TRACK


def test_deleting_the_latest_update_goes_back_to_the_one_before(users, action):
    earlier = make_update(users["leader"], action, as_of=date(2026, 2, 1), status=ProgressStatus.DELAYED,
                          percent_complete=30)
    latest = make_update(users["leader"], action, as_of=date(2026, 3, 1), status=ProgressStatus.AT_RISK)
    updates.delete_update(users["leader"], latest)
    progress = progress_of(action)
    assert (progress.status, progress.percent_complete, progress.update_count, progress.last_update_id) == (
        ProgressStatus.DELAYED, 30, 1, earlier.id)
    updates.delete_update(users["leader"], db.session.get(ProgressUpdate, earlier.id))
    progress = progress_of(action)
    assert (progress.status, progress.percent_complete, progress.update_count, progress.last_update_id) == (
        ProgressStatus.NOT_STARTED, 0, 0, None)


def test_editing_the_date_can_change_which_update_counts(users, action):
    first = make_update(users["leader"], action, as_of=date(2026, 2, 1), status=ProgressStatus.DELAYED,
                        percent_complete=30)
    make_update(users["leader"], action, as_of=date(2026, 3, 1), status=ProgressStatus.AT_RISK)
    updates.edit_update(users["leader"], first, as_of=date(2026, 4, 1), status=ProgressStatus.DONE,
                        percent_complete=100, summary="All passes handed out.")
    assert (progress_of(action).status, progress_of(action).percent_complete) == (ProgressStatus.DONE, 100)


def test_done_action_has_no_overdue_indicators(users, plan):
    action = first_action(plan)
    assert services.plan_actions(plan.id)[0].indicators[0].overdue  # due 30 June 2026
    make_update(users["leader"], action, status=ProgressStatus.DONE, percent_complete=100)
    assert not services.plan_actions(plan.id)[0].indicators[0].overdue


def test_indicator_due_in_the_future_is_not_overdue(users, plan):
    action = first_action(plan)
    action.indicators[0].deadline = services.district_today() + timedelta(days=1)
    db.session.commit()
    assert not services.plan_actions(plan.id)[0].indicators[0].overdue


def test_plan_actions_query_count_does_not_grow_with_actions(users):
    small = make_tracked_plan("Small", sections=1, actions_per_section=1)
    large = make_tracked_plan("Large", sections=4, actions_per_section=5)
    for tracked in services.plan_actions(large.id)[:3]:
        make_update(users["leader"], tracked.action, metric_values={tracked.action.indicators[0].id: (1, "", "")})
    db.session.expire_all()
    with count_queries() as few:
        services.plan_actions(small.id)
    db.session.expire_all()
    with count_queries() as many:
        rows = services.plan_actions(large.id)
        [(row.section.title, [i.latest_value for i in row.indicators]) for row in rows]
    assert many.count == few.count


def test_action_history_is_newest_first_in_constant_queries(users, action):
    older = make_update(users["leader"], action, as_of=date(2026, 1, 1),
                        metric_values={action.indicators[0].id: (1, "", "")})
    newer = make_update(users["leader"], action, as_of=date(2026, 2, 1),
                        metric_values={action.indicators[0].id: (2, "", "")})
    action_id = action.id
    db.session.expire_all()
    with count_queries() as queries:
        history = services.action_history(action_id)
        [(u.author and u.author.display_name, [v.indicator.text for v in u.metric_values]) for u in history]
    assert [u.id for u in history] == [newer.id, older.id]
    assert queries.count <= 4


def test_recent_updates_leave_out_unpublished_plans(users, action):
    draft_action = first_action(make_plan("Draft"))
    shown = make_update(users["leader"], action)
    make_update(users["leader"], draft_action)
    assert [u.id for u in services.recent_updates()] == [shown.id]


def test_tracked_plans_are_the_published_ones(plan):
    make_plan("Draft")
    assert services.tracked_plans() == [plan]


# Audit and notification -------------------------------------------------------------------------


def test_posting_editing_and_deleting_leave_audit_rows(users, action):
    update = make_update(users["leader"], action)
    updates.edit_update(users["leader"], update, as_of=date(2026, 1, 15), status=ProgressStatus.AT_RISK,
                        percent_complete=40, summary="Fewer passes than hoped.")
    updates.delete_update(users["leader"], update)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.target_type, e.target_id, e.actor_id) for e in events] == [
        ("progress.update_posted", "progress_update", update.id, users["leader"].id),
        ("progress.update_edited", "progress_update", update.id, users["leader"].id),
        ("progress.update_deleted", "progress_update", update.id, users["leader"].id),
    ]
    assert events[1].details["changes"] == {"status": {"old": "on_track", "new": "at_risk"}}


def test_audit_labels_exist_for_progress_actions():
    from engage.tracker.audit_labels import ACTION_LABELS

    for action in ("progress.update_posted", "progress.update_edited", "progress.update_deleted"):
        assert action in ACTION_LABELS


def _followers_emails(users, action) -> list:
    from engage.mail.models import OutboxMessage
    from engage.tracker import subscriptions

    # A participant with a confirmed address follows at once.
    subscriptions.subscribe(plan_id=action.section.plan_id, action_id=action.id, email=None, language="en",
                            user=users["participant"])
    return lambda: db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == users["participant"].email)).all()


def test_posting_tells_the_people_following_the_action(users, action):
    emails = _followers_emails(users, action)
    make_update(users["leader"], action)
    assert len(emails()) == 1


def test_sending_the_same_form_again_does_not_tell_followers_twice(users, action):
    emails = _followers_emails(users, action)
    make_update(users["leader"], action, submission_token="same")
    make_update(users["leader"], action, submission_token="same")
    assert len(emails()) == 1


# Editing and deleting --------------------------------------------------------------------------


def test_author_may_correct_their_update(app, action, office_member):
    update = make_update(office_member, action)
    client = signed_in(app, office_member)
    path = f"/progress/updates/{update.id}/edit"
    response = post_form(client, path, form_data(action, summary="Corrected summary."), form_page=path,
                         content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, update.id).summary == "Corrected summary."


def test_edit_form_shows_the_update_as_it_is(client_as, users, action):
    indicator = action.indicators[0]
    update = make_update(users["leader"], action, summary="Half the passes are out.",
                         metric_values={indicator.id: (60, "passes", "")})
    html = unescape(client_as("leader").get(f"/progress/updates/{update.id}/edit").get_data(as_text=True))
    assert "Half the passes are out." in html
    assert 'value="60"' in html and 'value="passes"' in html


def test_someone_elses_update_is_not_theirs_to_correct(app, users, action, office_member):
    update = make_update(users["leader"], action)
    client = signed_in(app, office_member)
    assert client.get(f"/progress/updates/{update.id}/edit").status_code == 403
    assert post_form(client, f"/progress/updates/{update.id}/delete", {}).status_code == 403
    assert db.session.get(ProgressUpdate, update.id) is not None


def test_author_who_left_the_office_may_no_longer_correct(app, action, office_member):
    update = make_update(office_member, action)
    for membership in list(office_member.memberships):
        db.session.delete(membership)
    db.session.commit()
    assert not updates.can_change_update(office_member, update)


@pytest.mark.parametrize("role", ["participant", "moderator", "host"])
def test_other_roles_may_not_correct_or_delete(client_as, users, action, role):
    update = make_update(users["leader"], action)
    client = client_as(role)
    assert client.get(f"/progress/updates/{update.id}/edit").status_code == 403
    assert post_form(client, f"/progress/updates/{update.id}/delete", {}).status_code == 403


def test_leader_may_delete_an_update_over_http(client_as, app, action, office_member):
    update = make_update(office_member, action)
    response = post_form(client_as("leader"), f"/progress/updates/{update.id}/delete", {})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0


def test_edit_of_unknown_update_is_404(client_as):
    assert client_as("leader").get("/progress/updates/424242/edit").status_code == 404


# The form --------------------------------------------------------------------------------------


def test_form_shows_each_indicator_with_its_target(client_as, action):
    html = unescape(client_as("leader").get(update_path(action)).get_data(as_text=True))
    assert "Passes handed out" in html and "Number of passes" in html
    assert f'name="metric_{action.indicators[0].id}_number"' in html
    assert 'type="radio"' in html and 'name="percent_complete"' in html


def test_form_errors_are_beside_fields_and_values_are_kept(client_as, action):
    response = post_update_form(client_as("leader"), action, percent_complete="150",
                                summary="Kept summary text", evidence_url="javascript:alert(1)")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert 'id="percent_complete-error"' in html and 'id="evidence_url-error"' in html
    assert "Kept summary text" in html
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0


def test_future_date_is_refused_in_the_form(client_as, action):
    future = (services.district_today() + timedelta(days=2)).isoformat()
    response = post_update_form(client_as("leader"), action, as_of=future)
    assert 'id="as_of-error"' in response.get_data(as_text=True)


def test_done_with_less_than_100_percent_is_refused_in_the_form(client_as, action):
    response = post_update_form(client_as("leader"), action, status="done", percent_complete="80")
    assert 'id="percent_complete-error"' in response.get_data(as_text=True)


def test_posted_update_redirects_to_the_actions_page(client_as, action):
    response = post_update_form(client_as("leader"), action)
    update = db.session.scalar(select(ProgressUpdate))
    assert response.headers["Location"].endswith(f"/progress/actions/{action.id}#update-{update.id}")
