"""Registration, email verification, sign-in, password reset and the account pages."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import select

from engage import queue
from engage.accounts.models import User, find_user_by_email
from engage.extensions import db, limiter
from engage.mail.models import OutboxMessage
from engage.queue import huey
from tests.support.mail import last_link_to
from tests.support.people import PASSWORD, make_user
from tests.support.queries import count_queries
from tests.support.web import csrf_token, log_in, post_form


def register(client, **fields):
    data = {
        "display_name": "Rosa Diaz",
        "email": "rosa@example.org",
        "password": "a long enough password",
        "confirm": "a long enough password",
    }
    data.update(fields)
    return post_form(client, "/register", data, form_page="/register")


def test_registering_creates_an_unverified_participant_and_emails_a_link(client):
    response = register(client)
    assert response.status_code == 200
    assert b"Check your email" in response.data
    user = find_user_by_email("rosa@example.org")
    assert user.role == "participant" and not user.is_verified
    assert user.password_hash != "a long enough password"
    assert last_link_to("rosa@example.org").startswith("/verify/")


def test_following_the_verification_link_verifies_the_address_and_offers_to_carry_on_signed_in(client):
    register(client)
    link = last_link_to("rosa@example.org")
    page = client.get(link)
    assert page.status_code == 200 and "Your email address is confirmed" in page.get_data(as_text=True)
    assert find_user_by_email("rosa@example.org").is_verified
    assert client.get("/account").status_code == 302  # opening the link signs nobody in (mail scanners open links)
    response = post_form(client, link, form_page=link)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_registering_from_a_page_comes_back_to_it_signed_in(client):
    register_page = "/register?next=/plans/"
    assert 'href="/login?next=/plans/"' in client.get(register_page).get_data(as_text=True)
    post_form(client, register_page, {"display_name": "Rosa Diaz", "email": "rosa@example.org",
                                      "password": "a long enough password", "confirm": "a long enough password"},
              form_page=register_page)
    link = last_link_to("rosa@example.org")
    response = post_form(client, link, form_page=link)
    assert response.headers["Location"] == "/plans/"
    assert "Welcome, Rosa Diaz" in client.get("/plans/").get_data(as_text=True)


def test_a_verification_link_never_sends_anyone_to_another_site(client):
    post_form(client, "/register?next=https://evil.example.com/", {
        "display_name": "Rosa Diaz", "email": "rosa@example.org", "password": "a long enough password",
        "confirm": "a long enough password"}, form_page="/register")
    link = last_link_to("rosa@example.org")
    assert post_form(client, link, form_page=link).headers["Location"] == "/"


def test_the_nav_s_sign_in_and_register_links_come_back_to_the_page(client):
    html = client.get("/plans/").get_data(as_text=True)
    assert 'href="/login?next=/plans/"' in html and 'href="/register?next=/plans/"' in html


def test_a_tampered_verification_link_gets_a_friendly_page(client):
    register(client)
    response = client.get(last_link_to("rosa@example.org") + "x")
    assert response.status_code == 400
    assert b"This link does not work" in response.data
    assert not find_user_by_email("rosa@example.org").is_verified


def test_an_expired_verification_link_says_it_expired(app, client):
    register(client)
    link = last_link_to("rosa@example.org")
    app.config["EMAIL_VERIFICATION_MAX_AGE"] = -1
    try:
        response = client.get(link)
    finally:
        app.config["EMAIL_VERIFICATION_MAX_AGE"] = 3 * 24 * 3600
    assert response.status_code == 400
    assert b"This link has expired" in response.data


def test_registration_errors_show_beside_the_field_and_keep_what_was_typed(client):
    response = register(client, email="not-an-email", password="short", confirm="different")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in html and "name@example.org" in html
    assert 'id="password-error"' in html and "10 to 128 characters" in html
    assert 'aria-invalid="true"' in html
    assert 'value="Rosa Diaz"' in html and 'value="not-an-email"' in html
    assert db.session.scalar(select(User)) is None


def test_registration_with_empty_fields_names_each_missing_field(client):
    html = register(client, display_name="", email="", password="", confirm="").get_data(as_text=True)
    for message in ("Please enter your name.", "Please enter your email address.", "Please choose a password."):
        assert message in html


def test_overlong_input_gets_a_message_not_an_error(client):
    response = register(client, display_name="x" * 5000, email="a" * 300 + "@example.org")
    assert response.status_code == 200
    assert "Please keep this under 120 characters." in response.get_data(as_text=True)


def test_a_registered_email_cannot_register_again_whatever_its_case(client):
    make_user(email="rosa@example.org")
    response = register(client, email="  ROSA@Example.org ")
    assert b"Check your email" in response.data
    assert len(db.session.scalars(select(User)).all()) == 1


def test_a_double_submitted_registration_creates_one_account(client):
    first, second = register(client), register(client)
    assert b"Check your email" in first.data and b"Check your email" in second.data
    assert len(db.session.scalars(select(User)).all()) == 1


def same_page(html: str, email: str) -> str:
    """The page with the typed address and the CSRF token (it carries the second it was made) taken out."""
    return re.sub(r'(name="csrf_token"[^>]*?value=")[^"]+', r"\1", html.replace(email, "X"))


def test_registering_a_taken_address_answers_exactly_as_a_new_registration_does(app):
    make_user(email="taken@example.org")
    answers = {}
    for email in ("fresh@example.org", "taken@example.org"):
        limiter.reset()
        client = app.test_client()
        response = register(client, email=email)
        # The limiter's clock headers differ by the second the two requests straddle.
        headers = sorted((name, value) for name, value in response.headers.items()
                         if name not in ("Content-Length", "Set-Cookie", "X-RateLimit-Reset", "Retry-After"))
        # A flash message would show on the next page.
        answers[email] = (response.status_code, headers, same_page(response.get_data(as_text=True), email),
                          same_page(client.get("/privacy").get_data(as_text=True), email))
    assert answers["fresh@example.org"] == answers["taken@example.org"]
    assert answers["taken@example.org"][0] == 200 and "Check your email" in answers["taken@example.org"][2]
    assert "already" not in answers["taken@example.org"][2]


def test_the_owner_of_a_taken_address_hears_by_email_in_their_language(client):
    owner = make_user(email="rosa@example.org", name="Rosa")
    owner.locale = "es"
    db.session.commit()
    register(client, email="Rosa@example.org", display_name="Someone Else")
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "rosa@example.org")).all()
    assert "Hola, Rosa:" in message.body_text
    assert "http://localhost/login" in message.body_text
    reset_link = re.search(r"http://localhost(/password/reset/\S+)", message.body_text).group(1)
    assert client.get(reset_link).status_code == 200
    assert find_user_by_email("rosa@example.org").display_name == "Rosa"


def test_a_turned_off_account_hears_nothing_when_its_address_registers(client):
    owner = make_user(email="rosa@example.org")
    owner.active = False
    db.session.commit()
    assert b"Check your email" in register(client, email="rosa@example.org").data
    assert db.session.scalar(select(OutboxMessage)) is None


def test_a_password_equal_to_the_email_is_refused(client):
    response = register(client, email="longaddress@example.org", password="longaddress@example.org",
                        confirm="longaddress@example.org")
    assert "cannot be your email address" in response.get_data(as_text=True)


def test_signing_in_with_the_right_password_works(client):
    make_user(email="pat@example.org")
    response = log_in(client, "pat@example.org")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    make_user(email="pat@example.org")
    wrong_password = log_in(client, "pat@example.org", "not the password").get_data(as_text=True)
    unknown_email = log_in(client, "nobody@example.org", "not the password").get_data(as_text=True)
    message = "That email and password do not match an account."
    assert message in wrong_password and message in unknown_email
    assert client.get("/account").status_code == 302


def test_remember_me_sets_a_lasting_cookie(client):
    make_user(email="pat@example.org")
    log_in(client, "pat@example.org", remember="y")
    assert client.get_cookie("remember_token") is not None


def test_a_turned_off_account_cannot_sign_in(client):
    user = make_user(email="pat@example.org")
    user.active = False
    db.session.commit()
    assert log_in(client, "pat@example.org").status_code == 200
    assert client.get("/account").status_code == 302


def test_sign_in_only_redirects_to_pages_on_this_site(client):
    make_user(email="pat@example.org")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = post_form(client, f"/login?next={target}",
                             {"email": "pat@example.org", "password": PASSWORD, "next": target}, form_page="/login")
        assert response.headers["Location"] == "/", target
        post_form(client, "/logout")
    response = post_form(client, "/login", {"email": "pat@example.org", "password": PASSWORD, "next": "/account"},
                         form_page="/login")
    assert response.headers["Location"] == "/account"


def test_signing_out_needs_a_post_with_a_csrf_token(client):
    make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    post_form(client, "/logout")
    assert client.get("/account").status_code == 302


def test_password_reset_answers_the_same_for_unknown_addresses_and_sends_nothing(client):
    make_user(email="pat@example.org")
    known = post_form(client, "/password/forgot", {"email": "pat@example.org"}).get_data(as_text=True)
    unknown = post_form(client, "/password/forgot", {"email": "who@example.org"}).get_data(as_text=True)
    # CSRF tokens carry the second they were made, so two pages can differ there and only there.

    def same_page(html: str, email: str) -> str:
        return re.sub(r'(name="csrf_token"[^>]*?value=")[^"]+', r"\1", html.replace(email, "X"))

    assert same_page(known, "pat@example.org") == same_page(unknown, "who@example.org")
    recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert recipients == ["pat@example.org"]


@contextmanager
def jobs_wait_in_the_queue(app):
    """Jobs wait in the (in-memory) queue, as they do for a worker, instead of running at once.

    Yields a function that runs the waiting jobs, as a worker would.
    """
    settings = app.extensions[queue.EXTENSION_KEY]
    settings.immediate = False

    def run_jobs() -> None:
        while (task := huey.dequeue()) is not None:
            huey.execute(task)

    try:
        yield run_jobs
    finally:
        settings.immediate = True
        huey.flush()


def test_password_reset_does_the_same_work_while_the_page_waits_for_any_address(app, client):
    make_user(email="pat@example.org")
    work = {}
    with jobs_wait_in_the_queue(app) as run_jobs:
        for email in ("pat@example.org", "who@example.org"):
            token = csrf_token(client, "/password/forgot")
            with count_queries() as queries:
                response = client.post("/password/forgot", data={"email": email, "csrf_token": token})
            assert response.status_code == 200
            work[email] = (queries.count, [task.name for task in huey.pending()])
            run_jobs()
    assert work["pat@example.org"] == work["who@example.org"]
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["pat@example.org"]


def test_a_reset_email_is_in_the_language_of_the_page_for_people_who_chose_none(app, client):
    make_user(email="pat@example.org", name="Pat")
    with jobs_wait_in_the_queue(app) as run_jobs:
        post_form(client, "/password/forgot", {"email": "pat@example.org"}, headers={"Accept-Language": "es"})
        run_jobs()  # after the request, as a worker would
    assert "Hola, Pat:" in db.session.scalar(select(OutboxMessage.body_text))


def test_a_reset_link_sets_a_new_password_once(client):
    make_user(email="pat@example.org")
    post_form(client, "/password/forgot", {"email": "pat@example.org"})
    link = last_link_to("pat@example.org")
    data = {"password": "my brand new password", "confirm": "my brand new password"}
    assert post_form(client, link, data, form_page=link).status_code == 302
    assert log_in(client, "pat@example.org", "my brand new password").status_code == 302
    post_form(client, "/logout")
    again = client.get(link)
    assert again.status_code == 400 and b"This link does not work" in again.data


def test_an_expired_reset_link_offers_a_new_one(app, client):
    make_user(email="pat@example.org")
    post_form(client, "/password/forgot", {"email": "pat@example.org"})
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(last_link_to("pat@example.org"))
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 2 * 3600
    assert response.status_code == 400
    assert b"Ask for a new password link" in response.data


def test_changing_the_password_signs_out_other_devices(app, client):
    make_user(email="pat@example.org")
    other_device = app.test_client()
    log_in(client, "pat@example.org")
    log_in(other_device, "pat@example.org", remember="y")
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "another long password", "confirm": "another long password",
    }, form_page="/account/password")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    other_device.delete_cookie("session")
    assert other_device.get("/account").status_code == 302


def test_changing_the_password_needs_the_current_one(client):
    make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    response = post_form(client, "/account/password", {
        "current_password": "wrong wrong wrong", "new_password": "another long password", "confirm": "another long password",
    }, form_page="/account/password")
    assert "That is not your current password." in response.get_data(as_text=True)


def test_changing_email_takes_effect_when_the_new_address_confirms(client):
    make_user(email="pat@example.org")
    make_user(email="taken@example.org")
    log_in(client, "pat@example.org")
    taken = post_form(client, "/account/email", {"new_email": "taken@example.org", "current_password": PASSWORD},
                      form_page="/account/email")
    assert "Another account already uses this email address." in taken.get_data(as_text=True)
    post_form(client, "/account/email", {"new_email": "pat.new@example.org", "current_password": PASSWORD},
              form_page="/account/email")
    assert find_user_by_email("pat@example.org") is not None
    client.get(last_link_to("pat.new@example.org"))
    assert find_user_by_email("pat.new@example.org") is not None
    assert find_user_by_email("pat@example.org") is None
    notice = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "pat@example.org")).all()
    assert any("pat.new@example.org" in m.body_text for m in notice)


def test_the_account_page_saves_name_and_language(client):
    user = make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    post_form(client, "/account", {"display_name": "Patricia", "locale": "es"}, form_page="/account")
    db.session.refresh(user)
    assert (user.display_name, user.locale) == ("Patricia", "es")
    assert 'lang="es"' in client.get("/").get_data(as_text=True)


def test_resending_verification_sends_a_new_link(client):
    make_user(email="pat@example.org", verified=False)
    log_in(client, "pat@example.org")
    assert "Please confirm your email address" in client.get("/account").get_data(as_text=True)
    post_form(client, "/verify/resend", form_page="/account")
    assert last_link_to("pat@example.org").startswith("/verify/")


def test_emailed_links_use_base_url_not_the_requests_host_header(client):
    make_user(email="pat@example.org")
    evil = {"base_url": "http://evil.example"}
    html = client.get("/password/forgot", **evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/password/forgot", data={"email": "pat@example.org", "csrf_token": token}, **evil)
    assert response.status_code == 200
    body = db.session.scalar(select(OutboxMessage.body_text))
    assert "evil.example" not in body
    assert "http://localhost/password/reset/" in body


def test_an_old_email_change_link_dies_when_the_address_changes_again(client):
    make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    for address in ("typo@example.org", "right@example.org"):
        post_form(client, "/account/email", {"new_email": address, "current_password": PASSWORD},
                  form_page="/account/email")
    stale = last_link_to("typo@example.org")
    client.get(last_link_to("right@example.org"))
    assert client.get(stale).status_code == 400
    assert find_user_by_email("right@example.org") is not None
    assert find_user_by_email("typo@example.org") is None


def test_an_email_change_link_dies_when_the_password_changes(client):
    make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    post_form(client, "/account/email", {"new_email": "new@example.org", "current_password": PASSWORD},
              form_page="/account/email")
    post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": "another long password",
                                            "confirm": "another long password"}, form_page="/account/password")
    assert client.get(last_link_to("new@example.org")).status_code == 400
    assert find_user_by_email("pat@example.org") is not None


def test_a_turned_off_account_cannot_reset_its_password(client):
    user = make_user(email="pat@example.org")
    post_form(client, "/password/forgot", {"email": "pat@example.org"})
    link = last_link_to("pat@example.org")
    user.active = False
    db.session.commit()
    assert client.get(link).status_code == 400


def test_remember_me_lasts_thirty_days(client):
    from datetime import UTC, datetime, timedelta

    make_user(email="pat@example.org")
    log_in(client, "pat@example.org", remember="y")
    expires = client.get_cookie("remember_token").expires
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30, minutes=1)


def test_signing_in_successfully_does_not_use_up_the_accounts_attempts(app, client):
    make_user(email="pat@example.org")
    app.config["RATELIMIT_LOGIN"] = "1000 per minute"
    try:
        for _ in range(25):
            assert log_in(client, "pat@example.org").status_code == 302
            post_form(client, "/logout")
    finally:
        app.config["RATELIMIT_LOGIN"] = "10 per minute;50 per hour"


def test_names_of_only_spaces_are_empty(client):
    response = register(client, display_name="     ")
    assert "Please enter your name." in response.get_data(as_text=True)


def test_password_changes_and_resets_are_audited(client):
    from engage.audit.models import AuditEvent

    make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": "another long password",
                                            "confirm": "another long password"}, form_page="/account/password")
    assert db.session.scalars(select(AuditEvent.action)).all() == ["user.password_changed"]
