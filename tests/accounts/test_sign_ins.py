"""Signing out ends the session on the server: copied session and remember-me cookies stop working."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from engage.accounts.models import SignIn
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.models import utcnow
from tests.support.mail import last_link_to
from tests.support.people import PASSWORD, make_user
from tests.support.web import log_in, post_form

COOKIES = ("session", "remember_token")


def signed_in(app, email: str = "pat@example.org", *, remember: bool = True):
    client = app.test_client()
    extra = {"remember": "y"} if remember else {}
    assert log_in(client, email, **extra).status_code == 302
    return client


def copied_cookies(client, names=COOKIES) -> dict[str, str]:
    cookies = {name: client.get_cookie(name).value for name in names}
    assert all(cookies.values())
    return cookies


def replayed(app, cookies: dict[str, str]):
    """A fresh browser holding copies of another's cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def sends_to_sign_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_copied_cookies_open_the_account_until_sign_out(app):
    make_user(email="pat@example.org")
    client = signed_in(app)
    cookies = copied_cookies(client)
    assert replayed(app, cookies).get("/account").status_code == 200
    assert replayed(app, {"remember_token": cookies["remember_token"]}).get("/account").status_code == 200
    post_form(client, "/logout")
    assert sends_to_sign_in(replayed(app, cookies))


def test_signing_out_ends_the_remember_me_cookie_on_the_server(app):
    make_user(email="pat@example.org")
    client = signed_in(app)
    remember_cookie = copied_cookies(client, ["remember_token"])
    post_form(client, "/logout")
    assert sends_to_sign_in(replayed(app, remember_cookie))


def test_signing_out_ends_a_session_that_was_not_remembered(app):
    make_user(email="pat@example.org")
    client = signed_in(app, remember=False)
    cookies = copied_cookies(client, ["session"])
    post_form(client, "/logout")
    assert sends_to_sign_in(replayed(app, cookies))


def test_signing_out_on_one_device_leaves_the_others_signed_in(app):
    make_user(email="pat@example.org")
    laptop, phone = signed_in(app), signed_in(app)
    post_form(laptop, "/logout")
    assert sends_to_sign_in(laptop)
    assert phone.get("/account").status_code == 200


def test_sign_out_everywhere_ends_every_sign_in_and_is_audited(app):
    user = make_user(email="pat@example.org")
    laptop, phone = signed_in(app), signed_in(app, remember=False)
    laptop_cookies, phone_cookies = copied_cookies(laptop), copied_cookies(phone, ["session"])
    page = laptop.get("/account").get_data(as_text=True)
    assert "You are signed in on 2 devices or browsers" in page
    response = post_form(laptop, "/account/sign-out-everywhere", form_page="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You are signed out on every device" in laptop.get("/login").get_data(as_text=True)
    for client in (laptop, phone, replayed(app, laptop_cookies), replayed(app, phone_cookies),
                   replayed(app, {"remember_token": laptop_cookies["remember_token"]})):
        assert sends_to_sign_in(client)
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_id, event.target_id) == ("user.signed_out_everywhere", user.id, user.id)
    assert signed_in(app).get("/account").status_code == 200


def test_sign_out_everywhere_needs_a_post_with_a_csrf_token(app):
    make_user(email="pat@example.org")
    client = signed_in(app)
    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert client.get("/account/sign-out-everywhere").status_code == 405
    assert client.get("/account").status_code == 200


def test_changing_the_password_ends_the_other_sign_ins_but_not_this_one(app):
    make_user(email="pat@example.org")
    client, other = signed_in(app), signed_in(app)
    other_cookies = copied_cookies(other)
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "another long password", "confirm": "another long password",
    }, form_page="/account/password")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert replayed(app, copied_cookies(client)).get("/account").status_code == 200
    assert sends_to_sign_in(other)
    assert sends_to_sign_in(replayed(app, other_cookies))


def test_resetting_the_password_ends_every_sign_in(app, client):
    make_user(email="pat@example.org")
    phone = signed_in(app)
    cookies = copied_cookies(phone)
    post_form(client, "/password/forgot", {"email": "pat@example.org"})
    link = last_link_to("pat@example.org")
    assert "signs you out on every device" in client.get(link).get_data(as_text=True)
    data = {"password": "my brand new password", "confirm": "my brand new password"}
    assert post_form(client, link, data, form_page=link).status_code == 302
    assert sends_to_sign_in(phone)
    assert sends_to_sign_in(replayed(app, cookies))


def test_turning_an_account_off_ends_its_copied_cookies_too(app, client_as, users):
    participant = signed_in(app, users["participant"].email)
    cookies = copied_cookies(participant)
    admin = client_as("admin")
    post_form(admin, f"/admin/users/{users['participant'].id}/active", {"active": "0"}, form_page="/admin/")
    assert sends_to_sign_in(replayed(app, cookies))
    # Turned on again, the account needs a new sign-in: the old cookies stay dead.
    post_form(admin, f"/admin/users/{users['participant'].id}/active", {"active": "1"}, form_page="/admin/")
    assert sends_to_sign_in(replayed(app, cookies))


def test_a_sign_in_past_its_end_opens_nothing(app):
    make_user(email="pat@example.org")
    client = signed_in(app)
    cookies = copied_cookies(client)
    db.session.scalars(select(SignIn)).one().expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sends_to_sign_in(replayed(app, cookies))


def test_a_remembered_sign_in_lasts_as_long_as_its_cookie_and_another_as_long_as_flask_accepts_the_session(app):
    make_user(email="pat@example.org")
    signed_in(app, remember=True)
    signed_in(app, remember=False)
    remembered, not_remembered = db.session.scalars(select(SignIn).order_by(SignIn.id)).all()
    assert remembered.expires_at - remembered.created_at == app.config["REMEMBER_COOKIE_DURATION"]
    assert not_remembered.expires_at - not_remembered.created_at == app.config["PERMANENT_SESSION_LIFETIME"]


def test_the_database_keeps_only_a_hash_of_each_sign_in_token(app):
    make_user(email="pat@example.org")
    client = signed_in(app)
    token = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)["_user_id"]
    stored = db.session.scalars(select(SignIn)).one()
    assert len(token) >= 40 and token not in stored.token_hash
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_a_new_sign_in_clears_away_the_persons_ended_ones(app):
    make_user(email="pat@example.org")
    old = signed_in(app)
    db.session.scalars(select(SignIn)).one().expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    post_form(old, "/logout")
    signed_in(app)
    assert len(db.session.scalars(select(SignIn)).all()) == 1


def test_limits_counted_per_person_follow_the_person_to_a_new_sign_in(app, client_as, users):
    # Each sign-in has its own token: a fresh sign-in must not start a fresh count.
    from engage.plans import services as plans
    from engage.plans.models import PlanStatus
    from tests.plans.factories import make_plan
    from tests.support.comments import comment_form

    plan = make_plan(feedback_opens_at=utcnow() - timedelta(days=1), feedback_closes_at=utcnow() + timedelta(days=7))
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    first_device = client_as("participant")
    statuses = [comment_form(first_device, plan, f"Comment number {n}").status_code for n in range(10)]
    assert statuses == [302] * 10
    second_device = client_as("participant")
    assert comment_form(second_device, plan, "One more from my phone").status_code == 429
