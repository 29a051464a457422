"""Signing up for a conversation through the public page, as a guest or signed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.conversations.models import Registration, RegistrationStatus, SessionStatus
from engage.conversations.registration_links import registration_from_token
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from tests.conversations.factories import add_registration, make_session
from tests.support.web import csrf_token, post_form

GUEST = {"name": "Rosa Díaz", "email": "rosa@example.org", "party_size": "1", "consent": "y"}


def session_path(session) -> str:
    return f"/conversations/{session.id}"


def sign_up(client, session, **fields):
    data = {**GUEST, **fields}
    return post_form(client, f"{session_path(session)}/sign-up", {k: v for k, v in data.items() if v is not None},
                     form_page=session_path(session))


def registrations(session) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.session_id == session.id)
                                   .order_by(Registration.id)))


def linked_registration(response) -> Registration:
    """The registration whose personal link the response redirects to."""
    return registration_from_token(response.headers["Location"].rsplit("/", 1)[1])


def outbox_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                   .order_by(OutboxMessage.id)))


def test_a_guest_signs_up_and_lands_on_their_registration_page(client, app):
    session = make_session(childcare_offered=True)

    response = sign_up(client, session, party_size="3", phone="555-0100", childcare_count="2",
                       interpretation_language="es", accessibility_needs="Step-free entrance")

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/conversations/registration/")
    [registration] = registrations(session)
    assert (registration.name, registration.email, registration.phone) == ("Rosa Díaz", "rosa@example.org", "555-0100")
    assert (registration.party_size, registration.childcare_count) == (3, 2)
    assert registration.interpretation_language == "es"
    assert registration.accessibility_needs == "Step-free entrance"
    assert registration.status == RegistrationStatus.CONFIRMED and registration.consented_at is not None
    assert registration.user_id is None
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have a place." in html


def test_a_signed_in_person_signs_up_with_their_account_name_and_address(client_as, users):
    session = make_session()
    client = client_as("participant")

    page = client.get(session_path(session)).get_data(as_text=True)
    response = sign_up(client, session, name="Someone Else", email="other@example.org")

    assert 'name="email"' not in page and "participant@example.org" in page
    assert response.status_code == 303
    [registration] = registrations(session)
    assert registration.user_id == users["participant"].id
    assert (registration.name, registration.email) == ("Pat", "participant@example.org")


def test_the_registration_keeps_the_language_the_page_was_in(client, app):
    session = make_session()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"

    sign_up(client, session)

    assert registrations(session)[0].locale == "es"


def test_a_guest_with_a_bad_email_gets_an_error_and_keeps_what_they_typed(client, app):
    session = make_session()

    response = sign_up(client, session, email="rosa at example", name="Rosa Typed", accessibility_needs="Big print")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert 'id="email-error"' in html and "Please enter an email address like name@example.org." in html
    assert 'value="rosa at example"' in html and 'value="Rosa Typed"' in html and "Big print</textarea>" in html
    assert registrations(session) == []


def test_consent_is_required(client, app):
    session = make_session()

    response = sign_up(client, session, consent=None)

    assert 'id="consent-error"' in response.get_data(as_text=True)
    assert registrations(session) == []


@pytest.mark.parametrize("party_size", ["0", "11", "-1", "many", ""])
def test_party_size_must_be_from_1_to_10(client, app, party_size):
    session = make_session()

    response = sign_up(client, session, party_size=party_size)

    assert 'id="party_size-error"' in response.get_data(as_text=True)
    assert registrations(session) == []


@pytest.mark.parametrize("field", ["party_size", "childcare_count"])
def test_a_number_too_large_for_a_computer_is_an_error_beside_the_field(client, app, field):
    session = make_session(childcare_offered=True)

    numbers = {"party_size": "2", "childcare_count": "0", field: "9" * 400}  # too large even for a float
    response = sign_up(client, session, **numbers)

    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert registrations(session) == []


def test_a_party_of_ten_may_sign_up(client, app):
    session = make_session(capacity=10)

    assert sign_up(client, session, party_size="10").status_code == 303
    assert registrations(session)[0].party_size == 10


def test_childcare_cannot_be_for_more_people_than_are_coming(client, app):
    session = make_session(childcare_offered=True)

    response = sign_up(client, session, party_size="2", childcare_count="3")

    assert 'id="childcare_count-error"' in response.get_data(as_text=True)
    assert registrations(session) == []


def test_childcare_is_not_asked_or_kept_when_the_session_offers_none(client, app):
    session = make_session(childcare_offered=False)

    page = client.get(session_path(session)).get_data(as_text=True)
    sign_up(client, session, party_size="2", childcare_count="2")

    assert 'name="childcare_count"' not in page
    assert registrations(session)[0].childcare_count == 0


def test_sending_the_form_twice_makes_one_registration(client, app):
    session = make_session()
    html = client.get(session_path(session)).get_data(as_text=True)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', html).group(1)

    first = sign_up(client, session, submission_token=token)
    second = sign_up(client, session, submission_token=token)

    assert len(registrations(session)) == 1
    assert first.status_code == second.status_code == 303
    # The same registration's link (the links themselves differ when the two straddle a second).
    assert linked_registration(first).id == linked_registration(second).id == registrations(session)[0].id


def test_the_page_used_again_for_another_person_signs_them_up_without_showing_the_first(client, app):
    # A shared computer: the next family presses Back and fills in the same page.
    session = make_session()
    html = client.get(session_path(session)).get_data(as_text=True)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', html).group(1)

    first = sign_up(client, session, submission_token=token)
    second = sign_up(client, session, submission_token=token, name="Ana Lee", email="ana@example.org")

    assert [r.email for r in registrations(session)] == ["rosa@example.org", "ana@example.org"]
    assert second.status_code == 303 and second.headers["Location"] != first.headers["Location"]
    assert "Rosa" not in client.get(second.headers["Location"]).get_data(as_text=True)


def test_when_the_session_is_full_people_join_the_waitlist_and_see_it(client, app):
    session = make_session(capacity=2)
    add_registration(session, party_size=2)

    response = sign_up(client, session)
    html = client.get(response.headers["Location"]).get_data(as_text=True)

    assert registrations(session)[-1].status == RegistrationStatus.WAITLISTED
    assert "You are on the waitlist." in html and "You are number 1 in line." in html


def test_a_full_session_offers_the_waitlist_instead_of_a_seat(client, app):
    session = make_session(capacity=1)
    add_registration(session)

    html = client.get(session_path(session)).get_data(as_text=True)

    assert "Join the waitlist</button>" in html


def test_sign_ups_are_refused_after_the_deadline(client, app):
    session = make_session(registration_deadline=utcnow() - timedelta(hours=1))

    page = client.get(session_path(session)).get_data(as_text=True)
    response = sign_up(client, session)

    assert "Sign-ups for this conversation are closed." in page and "/sign-up" not in page
    assert response.status_code == 409
    assert "Sorry, sign-ups closed before we received yours." in response.get_data(as_text=True)
    assert registrations(session) == []


@pytest.mark.parametrize("status", [SessionStatus.CANCELLED, SessionStatus.COMPLETED])
def test_cancelled_and_completed_sessions_refuse_sign_ups(client, app, status):
    session = make_session(status=status)
    form_page = make_session("Another")  # a page with a form, for the CSRF token

    page = client.get(session_path(session)).get_data(as_text=True)
    response = post_form(client, f"{session_path(session)}/sign-up", GUEST, form_page=session_path(form_page))

    assert "/sign-up" not in page
    assert response.status_code == 409
    assert registrations(session) == []


def test_a_guest_using_an_address_already_signed_up_learns_nothing_about_that_registration(client, app):
    session = make_session()
    add_registration(session, name="Hidden Person", email="rosa@example.org", party_size=4, phone="555-9999")

    response = sign_up(client, session, name="Impostor")
    html = response.get_data(as_text=True)

    assert response.status_code == 409
    assert "That email address is already signed up for this conversation." in html
    assert "Hidden Person" not in html and "555-9999" not in html and "/conversations/registration/" not in html
    assert len(registrations(session)) == 1


def test_a_signed_in_person_already_signed_up_is_sent_to_their_registration(client_as, users):
    session = make_session()
    existing = add_registration(session, email=users["participant"].email)
    client = client_as("participant")
    form_page = make_session("Another")

    response = post_form(client, f"{session_path(session)}/sign-up", {"party_size": "1", "consent": "y"},
                         form_page=session_path(form_page))

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/conversations/registration/")
    assert [r.id for r in registrations(session)] == [existing.id]


def test_a_signed_in_person_with_a_place_sees_it_instead_of_the_form(client_as, users):
    session = make_session()
    add_registration(session, email=users["participant"].email, party_size=2)

    response = client_as("participant").get(session_path(session))
    html = response.get_data(as_text=True)

    assert "You are signed up (2 people)." in html
    assert 'href="/conversations/registration/' in html and "/sign-up" not in html
    assert "no-store" in response.headers["Cache-Control"]


def test_the_confirmation_email_has_the_calendar_file_and_a_working_cancel_link(client, app):
    session = make_session("Budget night")

    sign_up(client, session)

    [message] = outbox_to("rosa@example.org")
    assert "Budget night" in message.subject
    [attachment] = message.attachments
    assert attachment["filename"].endswith(".ics") and attachment["content_type"].startswith("text/calendar")
    assert "SUMMARY;LANGUAGE=en:Budget night" in attachment["content"]
    link = re.search(r"https?://\S+(/conversations/registration/\S+)", message.body_text).group(1)
    assert "Cancel my place" in client.get(link).get_data(as_text=True)


def test_a_waitlisted_guest_gets_the_waitlist_email(client, app):
    session = make_session(capacity=1)
    add_registration(session)

    sign_up(client, session)

    [message] = outbox_to("rosa@example.org")
    assert message.attachments == []
    assert "/conversations/registration/" in message.body_text


def test_sign_ups_are_rate_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_CONVERSATION_SIGNUP", "2 per hour")
    session = make_session()
    token = csrf_token(client, session_path(session))
    path = f"{session_path(session)}/sign-up"

    statuses = [client.post(path, data={**GUEST, "email": f"p{n}@example.org", "csrf_token": token}).status_code
                for n in range(3)]

    assert statuses == [303, 303, 429]
    assert db.session.scalar(select(func.count(Registration.id))) == 2


def test_signing_up_for_an_unknown_session_is_a_404(client, app):
    session = make_session()

    response = post_form(client, "/conversations/987654/sign-up", GUEST, form_page=session_path(session))

    assert response.status_code == 404


def test_signing_up_without_the_csrf_token_is_refused(client, app):
    session = make_session()

    response = client.post(f"{session_path(session)}/sign-up", data=GUEST)

    assert response.status_code == 400
    assert registrations(session) == []
