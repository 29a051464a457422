"""Following an action or a plan by email: subscribing, confirming, stopping, and the update emails."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.accounts.tokens import make_token
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from engage.plans.models import PlanAction, PlanSection
from engage.plans.services import publish_version
from engage.tracker import subscriptions
from engage.tracker.models import ProgressStatus, ProgressUpdate, TrackerSubscription
from tests.plans.factories import make_plan
from tests.support.people import make_user
from tests.support.progress import translate_update
from tests.support.web import post_form

LINK_RE = re.compile(r"http://localhost(/progress/subscriptions/(?:confirm|stop)/\S+)")


@pytest.fixture
def plan(users):
    plan = make_plan("Family Engagement Plan")
    publish_version(users["leader"], plan, status="draft")
    return plan


@pytest.fixture
def action(plan) -> PlanAction:
    return plan.sections[0].actions[0]


def follow(client, plan, action=None, email="fan@example.org", **kwargs):
    data = {"plan_id": plan.id}
    if action is not None:
        data["action_id"] = action.id
    if email is not None:
        data["email"] = email
    return post_form(client, "/progress/subscribe", data, form_page="/", **kwargs)


def outbox(recipient: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


def rows() -> list[TrackerSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(select(TrackerSubscription).order_by(TrackerSubscription.id)))


def link_in(message: OutboxMessage) -> str:
    match = LINK_RE.search(message.body_text)
    assert match, message.body_text
    return match.group(1)


def add_update(action, *, status=ProgressStatus.ON_TRACK, percent=40, summary="Buses ordered.",
               summary_es="") -> ProgressUpdate:
    plan_id = db.session.scalar(select(PlanSection.plan_id).where(PlanSection.id == action.section_id))
    update = ProgressUpdate(action_id=action.id, plan_id=plan_id, office="Transportation", as_of=date(2026, 3, 2),
                            status=status, percent_complete=percent, summary=summary,
                            submission_token=f"t-{action.id}-{percent}-{status}")
    db.session.add(update)
    db.session.commit()
    translate_update(update, summary_es)
    return update


def confirmed(email, plan, action=None, language="en") -> TrackerSubscription:
    subscription = TrackerSubscription(email=email, plan_id=plan.id, action_id=action.id if action else None,
                                       language=language, confirmed_at=utcnow())
    db.session.add(subscription)
    db.session.commit()
    return subscription


# The partial ---------------------------------------------------------------------


def test_partial_renders_an_email_field_for_guests(app, plan, action):
    with app.test_request_context("/"):
        from flask import render_template_string

        html = render_template_string('{% include "tracker/_subscribe.html" %}', plan=plan, action=action)
    assert 'action="/progress/subscribe"' in html
    assert f'name="action_id" value="{action.id}"' in html
    assert 'type="email"' in html and 'name="csrf_token"' in html
    assert "when this action is updated" in html


def test_partial_for_a_whole_plan_has_no_action_id(app, plan):
    with app.test_request_context("/"):
        from flask import render_template_string

        html = render_template_string('{% include "tracker/_subscribe.html" %}', plan=plan, action=None)
    assert "action_id" not in html
    assert "any action of this plan" in html


def test_partial_hides_the_email_for_a_confirmed_account(client_as, users, plan, action):
    html = client_as("participant").get(f"/progress/actions/{action.id}").get_data(as_text=True)
    assert '<input type="hidden" name="email" value="participant@example.org">' in html


# Subscribing ---------------------------------------------------------------------


def test_guest_gets_a_confirmation_email_and_is_not_following_yet(client, plan, action):
    response = follow(client, plan, action, email="  Fan@Example.org ")
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    [subscription] = rows()
    assert subscription.email == "fan@example.org" and subscription.confirmed_at is None
    assert subscription.action_id == action.id and subscription.user_id is None
    [message] = outbox("fan@example.org")
    assert "Action 1.1" in message.subject
    # The link names the subscription, never the address.
    assert "fan" not in link_in(message).lower()


def test_confirmation_link_confirms(client, plan, action):
    follow(client, plan, action)
    response = client.get(link_in(outbox()[0]))
    assert response.status_code == 200
    assert "You're following this" in response.get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert rows()[0].confirmed_at is not None
    # Opened again: still fine.
    assert client.get(link_in(outbox()[0])).status_code == 200


def test_confirmed_account_follows_at_once_without_email(client_as, users, plan, action):
    client = client_as("participant")
    response = follow(client, plan, action, email="someone-else@example.org")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/progress/actions/{action.id}")
    [subscription] = rows()
    assert subscription.email == "participant@example.org"
    assert subscription.user_id == users["participant"].id
    assert subscription.confirmed_at is not None
    assert outbox() == []


def test_confirmed_account_needs_no_email_field(client_as, plan):
    response = follow(client_as("participant"), plan, email=None)
    assert response.status_code == 303
    assert rows()[0].action_id is None


def test_unconfirmed_account_confirms_by_email(app, client, plan):
    user = make_user(email="new@example.org", verified=False)
    from tests.support.web import log_in

    log_in(client, user.email)
    response = follow(client, plan, email="new@example.org")
    assert response.status_code == 200
    [subscription] = rows()
    assert subscription.confirmed_at is None and subscription.user_id == user.id
    assert len(outbox("new@example.org")) == 1


def test_following_twice_is_one_row_and_says_so(client_as, plan, action):
    client = client_as("participant")
    follow(client, plan, action)
    response = follow(client, plan, action)
    assert response.status_code == 200
    assert "already following this" in response.get_data(as_text=True)
    assert len(rows()) == 1


def test_whole_plan_twice_is_one_row(client_as, plan):
    # NULL action ids are all different to a unique constraint: the service keeps it to one row.
    client = client_as("participant")
    follow(client, plan)
    follow(client, plan)
    assert len(rows()) == 1


def test_guest_following_twice_before_confirming_gets_the_link_again(client, plan, action):
    follow(client, plan, action)
    follow(client, plan, action)
    assert len(rows()) == 1
    assert len(outbox("fan@example.org")) == 2


def test_guest_already_confirmed_is_told(client, plan, action):
    confirmed("fan@example.org", plan, action)
    response = follow(client, plan, action)
    assert "already following this" in response.get_data(as_text=True)
    assert len(rows()) == 1 and outbox() == []


def test_action_and_plan_are_separate_subscriptions(client_as, plan, action):
    client = client_as("participant")
    follow(client, plan, action)
    follow(client, plan)
    assert {row.action_id for row in rows()} == {action.id, None}


def test_language_is_remembered(client, plan, action):
    follow(client, plan, action, headers={"Accept-Language": "es"})
    assert rows()[0].language == "es"


# Bad input -----------------------------------------------------------------------


def test_unpublished_plan_cannot_be_followed(client, users):
    draft = make_plan("Not yet")
    assert follow(client, draft).status_code == 404
    assert rows() == []


def test_action_of_another_plan_cannot_be_followed(client, users, plan):
    other = make_plan("Other")
    publish_version(users["leader"], other, status="draft")
    assert follow(client, plan, other.sections[0].actions[0]).status_code == 404


def test_action_added_after_publishing_cannot_be_followed(client, plan):
    section = plan.sections[0]
    hidden = PlanAction(section=section, position=9, number="9", title="Secret draft action")
    db.session.add(hidden)
    db.session.commit()
    assert follow(client, plan, hidden).status_code == 404


def test_bad_email_is_shown_beside_the_field(client, plan, action):
    response = follow(client, plan, action, email="not an address")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please enter an email address like name@example.org." in html
    assert 'value="not an address"' in html
    assert rows() == []


def test_missing_email_is_an_error(client, plan):
    response = follow(client, plan, email="")
    assert response.status_code == 400
    assert "Please enter an email address." in response.get_data(as_text=True)


@pytest.mark.parametrize("data", [
    {},
    {"plan_id": "x"},
    {"plan_id": "99999999999999999999999999"},
    {"plan_id": "-1"},
    {"plan_id": "1", "action_id": "1e5"},
    {"plan_id": "１"},
    {"plan_id": "999999", "email": "a@example.org"},
])
def test_junk_ids_are_not_found(client, plan, data):
    response = post_form(client, "/progress/subscribe", data, form_page="/")
    assert response.status_code == 404


def test_junk_in_every_field_is_never_a_server_error(client, plan, action):
    for email in ["\x00", "a" * 5000 + "@example.org", "<script>@x.org", "a@b", ["a@example.org", "b@example.org"]]:
        response = follow(client, plan, action, email=email)
        assert response.status_code in (200, 400), (email, response.status_code)
    response = client.post("/progress/subscribe", json={"plan_id": plan.id})
    assert response.status_code in (400, 404)


def test_subscribe_needs_the_csrf_token(client, plan, action):
    response = client.post("/progress/subscribe",
                           data={"plan_id": plan.id, "action_id": action.id, "email": "fan@example.org"})
    assert response.status_code == 400
    assert "This form had expired" in response.get_data(as_text=True)
    assert rows() == []


def test_subscribing_is_rate_limited(app, client, plan):
    app.config["RATELIMIT_TRACKER_SUBSCRIBE"] = "2 per hour"
    try:
        assert follow(client, plan, email="a@example.org").status_code == 200
        assert follow(client, plan, email="b@example.org").status_code == 200
        assert follow(client, plan, email="c@example.org").status_code == 429
    finally:
        app.config["RATELIMIT_TRACKER_SUBSCRIBE"] = "10 per hour"
    assert len(outbox()) == 2


# Links ---------------------------------------------------------------------------


def test_expired_confirmation_link_is_410(app, client, plan, action):
    follow(client, plan, action)
    app.config["TRACKER_CONFIRM_MAX_AGE"] = -1
    try:
        response = client.get(link_in(outbox()[0]))
    finally:
        del app.config["TRACKER_CONFIRM_MAX_AGE"]
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert rows()[0].confirmed_at is None


@pytest.mark.parametrize("token", ["nonsense", "a.b.c", "x" * 600])
def test_bad_confirmation_link_is_404(client, token):
    response = client.get(f"/progress/subscriptions/confirm/{token}")
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)


def test_link_for_another_address_is_refused(client, plan, action):
    subscription = confirmed("fan@example.org", plan, action)
    forged = make_token(subscriptions.CONFIRM_PURPOSE, {"s": subscription.id, "a": "0" * 20})
    assert client.get(f"/progress/subscriptions/confirm/{forged}").status_code == 404


def test_confirmation_link_is_not_a_stop_link(client, plan, action):
    follow(client, plan, action)
    token = link_in(outbox()[0]).rsplit("/", 1)[1]
    assert client.get(f"/progress/subscriptions/stop/{token}").status_code == 404


def test_stop_link_asks_first_then_stops(client, plan, action):
    subscription = confirmed("fan@example.org", plan, action)
    path = f"/progress/subscriptions/stop/{subscriptions.unsubscribe_token(subscription)}"
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop emails about this action" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert len(rows()) == 1
    response = post_form(client, path, {}, form_page=path)
    assert response.status_code == 200
    assert "You will no longer get these emails" in response.get_data(as_text=True)
    assert rows() == []
    # The link again, after stopping: a kind page, not an error.
    again = client.get(path)
    assert again.status_code == 200 and "already stopped" in again.get_data(as_text=True)


def test_stop_without_csrf_does_nothing(client, plan, action):
    subscription = confirmed("fan@example.org", plan, action)
    response = client.post(f"/progress/subscriptions/stop/{subscriptions.unsubscribe_token(subscription)}")
    assert response.status_code == 400
    assert len(rows()) == 1


def test_stop_every_email_about_the_plan(client, users, plan, action):
    subscription = confirmed("fan@example.org", plan, action)
    confirmed("fan@example.org", plan)
    confirmed("fan@example.org", plan, plan.sections[1].actions[0])
    other = make_plan("Other")
    publish_version(users["leader"], other, status="draft")
    confirmed("fan@example.org", other)
    confirmed("someone@example.org", plan)
    path = f"/progress/subscriptions/stop/{subscriptions.unsubscribe_token(subscription)}"
    assert "Stop every email about this plan" in client.get(path).get_data(as_text=True)
    post_form(client, path, {"scope": "plan"}, form_page=path)
    assert {(row.email, row.plan_id) for row in rows()} == {("fan@example.org", other.id),
                                                            ("someone@example.org", plan.id)}


@pytest.mark.parametrize("token", ["nonsense", "x" * 600])
def test_bad_stop_link_is_404(client, token):
    assert client.get(f"/progress/subscriptions/stop/{token}").status_code == 404
    assert post_form(client, f"/progress/subscriptions/stop/{token}", {}, form_page="/").status_code == 404


# Signed-in people's list ---------------------------------------------------------


def test_list_shows_own_subscriptions_only(client_as, users, plan, action):
    confirmed("participant@example.org", plan, action)
    confirmed("someone@example.org", plan)
    html = client_as("participant").get("/progress/subscriptions").get_data(as_text=True)
    assert "Action 1.1" in html
    assert html.count("Stop emails") == 1


def test_list_needs_sign_in(client):
    response = client.get("/progress/subscriptions")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_stop_from_the_list(client_as, plan, action):
    mine = confirmed("participant@example.org", plan, action)
    client = client_as("participant")
    response = post_form(client, f"/progress/subscriptions/{mine.id}/stop", {}, form_page="/progress/subscriptions")
    assert response.status_code == 303
    assert rows() == []


def test_cannot_stop_someone_elses_from_the_list(client_as, plan, action):
    theirs = confirmed("someone@example.org", plan, action)
    client = client_as("participant")
    response = post_form(client, f"/progress/subscriptions/{theirs.id}/stop", {}, form_page="/progress/subscriptions")
    assert response.status_code == 404
    assert len(rows()) == 1


# Update emails -------------------------------------------------------------------


def test_update_emails_followers_of_the_action_and_of_the_plan_once_each(plan, action):
    confirmed("action-fan@example.org", plan, action)
    confirmed("plan-fan@example.org", plan)
    confirmed("both@example.org", plan, action)
    confirmed("both@example.org", plan)
    confirmed("other-action@example.org", plan, plan.sections[1].actions[0])
    db.session.add(TrackerSubscription(email="unconfirmed@example.org", plan_id=plan.id, action_id=action.id))
    db.session.commit()
    update = add_update(action)
    assert subscriptions.notify_update.call_local(update.id) == 3
    assert sorted(message.recipient for message in outbox()) == [
        "action-fan@example.org", "both@example.org", "plan-fan@example.org"]


def test_update_email_carries_the_news_and_a_stop_link(client, plan, action):
    subscription = confirmed("fan@example.org", plan, action)
    update = add_update(action, status=ProgressStatus.AT_RISK, percent=35, summary="Waiting for the buses.")
    subscriptions.notify_update.call_local(update.id)
    [message] = outbox()
    assert message.subject == "Update: Action 1.1"
    body = message.body_text
    assert "At risk" in body and "35%" in body and "Waiting for the buses." in body
    assert f"http://localhost/progress/actions/{action.id}" in body
    stop = link_in(message)
    assert client.get(stop).status_code == 200
    assert subscription.email not in stop
    assert message.headers == {"List-Unsubscribe": f"<http://localhost{stop}>"}


def test_update_email_is_in_the_followers_language(plan, action):
    confirmed("en@example.org", plan, action, language="en")
    confirmed("es@example.org", plan, action, language="es")
    update = add_update(action, status=ProgressStatus.NOT_STARTED, summary="Buses ordered.",
                        summary_es="Autobuses pedidos.")
    subscriptions.notify_update.call_local(update.id)
    english, spanish = outbox("en@example.org")[0], outbox("es@example.org")[0]
    assert "Buses ordered." in english.body_text and "Autobuses" not in english.body_text
    assert "Not started" in english.body_text
    assert "Autobuses pedidos." in spanish.body_text
    assert "Sin empezar" in spanish.body_text


def test_spanish_follower_gets_the_english_summary_when_there_is_no_spanish_one(plan, action):
    confirmed("es@example.org", plan, action, language="es")
    subscriptions.notify_update.call_local(add_update(action, summary="Buses ordered.").id)
    assert "Buses ordered." in outbox()[0].body_text


def test_update_on_an_unpublished_action_emails_nobody(plan):
    confirmed("plan-fan@example.org", plan)
    hidden = PlanAction(section=plan.sections[0], position=9, number="9", title="Secret draft action")
    db.session.add(hidden)
    db.session.commit()
    assert subscriptions.notify_update.call_local(add_update(hidden).id) == 0
    assert outbox() == []


def test_notify_missing_update_does_nothing(app):
    assert subscriptions.notify_update.call_local(123456) == 0


def test_notify_runs_as_a_queue_job(plan, action):
    confirmed("fan@example.org", plan, action)
    subscriptions.notify_update(add_update(action).id)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_stopped_follower_gets_no_more_emails(client, plan, action):
    subscription = confirmed("fan@example.org", plan, action)
    path = f"/progress/subscriptions/stop/{subscriptions.unsubscribe_token(subscription)}"
    post_form(client, path, {}, form_page=path)
    assert subscriptions.notify_update.call_local(add_update(action).id) == 0


def test_posting_an_update_emails_followers(users, plan, action):
    from engage.tracker.updates import post_update

    confirmed("fan@example.org", plan, action)
    confirmed("plan-fan@example.org", plan)
    post_update(users["leader"], action, as_of=date(2026, 3, 2), status=ProgressStatus.ON_TRACK,
                percent_complete=50, summary="Half the passes are out.", submission_token="end-to-end")
    assert sorted(message.recipient for message in outbox()) == ["fan@example.org", "plan-fan@example.org"]
    assert all("Half the passes are out." in message.body_text for message in outbox())


def test_unconfirmed_subscriptions_are_forgotten_once_their_link_expires(plan, action):
    kept = confirmed("fan@example.org", plan, action)
    db.session.add(TrackerSubscription(email="typo@example.org", plan_id=plan.id, action_id=action.id))
    db.session.commit()
    assert subscriptions.forget_unconfirmed(utcnow() + timedelta(days=6)) == 0
    assert subscriptions.forget_unconfirmed(utcnow() + timedelta(days=8)) == 1
    assert [row.id for row in rows()] == [kept.id]


def test_asking_again_keeps_an_unconfirmed_subscription_for_the_new_link(client, plan, action):
    follow(client, plan, action)
    db.session.execute(TrackerSubscription.__table__.update().values(created_at=utcnow() - timedelta(days=6)))
    db.session.commit()
    follow(client, plan, action)
    subscriptions.forget_unconfirmed(utcnow() + timedelta(days=2))
    assert len(rows()) == 1
