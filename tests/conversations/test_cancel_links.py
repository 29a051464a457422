"""The personal link in every email: see one's place, cancel it, and every way the link can go wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engage.accounts.tokens import make_token
from engage.conversations.models import (
    CancelledBy,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionStatus,
)
from engage.conversations.registration import cancel_registration
from engage.conversations.registration_links import cancel_token
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from tests.conversations.factories import add_registration, make_session
from tests.support.people import make_user
from tests.support.queries import count_queries
from tests.support.web import csrf_token, log_in, post_form

ONLINE_URL = "https://meet.example.org/secret-room"


def outbox_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)
                                   .order_by(OutboxMessage.id)))


def link(registration) -> str:
    return f"/conversations/registration/{cancel_token(registration)}"


def cancel(client, path: str):
    """Press "Yes, cancel my place" on the page at path."""
    return client.post(f"{path}/cancel", data={"csrf_token": csrf_token(client, "/conversations/")})


def fresh(registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def test_the_link_shows_the_place_and_its_details(client, app):
    session = make_session("Budget night", childcare_offered=True)
    registration = add_registration(session, name="Rosa", party_size=3, childcare_count=2,
                                    interpretation_language="es", accessibility_needs="Step-free entrance")

    html = client.get(link(registration)).get_data(as_text=True)

    for expected in ("Budget night", "You have a place.", "Rosa", "3 people", "2 children", "Spanish",
                     "Step-free entrance", "Cancel my place"):
        assert expected in html


@pytest.mark.parametrize("kind", ["good", "bad"])
def test_link_pages_are_not_cached_and_send_no_referrer(client, app, kind):
    registration = add_registration(make_session())
    path = link(registration) if kind == "good" else "/conversations/registration/not-a-token"

    response = client.get(path)

    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_cancel_answer_is_not_cached_and_sends_no_referrer(client, app):
    registration = add_registration(make_session())

    response = cancel(client, link(registration))

    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_other_pages_keep_the_site_wide_referrer_policy(client, app):
    response = client.get("/conversations/")

    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_cancelling_frees_the_seat(client, app):
    session = make_session(capacity=4)
    registration = add_registration(session, party_size=3)

    response = cancel(client, link(registration))

    assert response.status_code == 303
    assert fresh(registration).status == RegistrationStatus.CANCELLED
    db.session.refresh(session)
    assert session.seats_taken == 0
    assert "This place is cancelled." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_cancelling_asks_first_and_asking_changes_nothing(client, app):
    session = make_session("Budget night", capacity=4)
    registration = add_registration(session, party_size=2)
    page = client.get(f"{link(registration)}/cancel").get_data(as_text=True)
    assert "Cancel your place?" in page and "Budget night" in page and "2 people" in page
    assert "Yes, cancel my place" in page and f'href="{link(registration)}"' in page  # "No, keep my place"
    assert fresh(registration).status == RegistrationStatus.CONFIRMED
    leaving = add_registration(session, status=RegistrationStatus.WAITLISTED, email="wait@example.org")
    assert "Leave the waitlist?" in client.get(f"{link(leaving)}/cancel").get_data(as_text=True)


def test_asking_to_cancel_a_place_no_longer_held_goes_back_to_the_place(client, app):
    registration = add_registration(make_session(), status=RegistrationStatus.CANCELLED)
    response = client.get(f"{link(registration)}/cancel")
    assert response.status_code == 303 and response.headers["Location"].endswith(link(registration))


def test_a_cancelled_place_is_confirmed_by_email_and_can_be_taken_again_while_there_is_room(client, app):
    session = make_session("Budget night", capacity=4)
    registration = add_registration(session, name="Rosa", email="rosa@example.org", party_size=2)

    page = client.get(cancel(client, link(registration)).headers["Location"]).get_data(as_text=True)

    [message] = outbox_to("rosa@example.org")
    assert message.subject == "Your place is cancelled: Budget night" and "Hello Rosa," in message.body_text
    assert f"http://localhost/conversations/{session.id}" in message.body_text
    [attachment] = message.attachments
    assert "METHOD:CANCEL" in attachment["content"]
    assert "Changed your mind?" in page and "There are 4 places left." in page
    assert f'href="/conversations/{session.id}#signup-title"' in page


def test_a_place_the_host_removed_gets_the_host_s_email_not_the_cancellation(client_as, users):
    session = make_session(organization=users["host"].memberships[0].organization)
    registration = add_registration(session, email="rosa@example.org")
    cancel_registration(registration.id, by=CancelledBy.HOST, actor=users["host"])
    [message] = outbox_to("rosa@example.org")
    assert message.subject.startswith("Your place was cancelled")


def test_cancelling_gives_the_seat_to_the_waitlist_who_are_emailed(client, app):
    session = make_session(capacity=1, status=SessionStatus.FULL)
    leaving = add_registration(session)
    waiting = add_registration(session, email="next@example.org", status=RegistrationStatus.WAITLISTED)

    cancel(client, link(leaving))

    assert fresh(waiting).status == RegistrationStatus.CONFIRMED
    db.session.refresh(session)
    assert session.status == SessionStatus.FULL and session.seats_taken == 1
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "next@example.org")).all()
    assert "/conversations/registration/" in message.body_text


def test_a_waitlisted_person_can_leave_the_waitlist(client, app):
    session = make_session(capacity=1)
    add_registration(session)
    waiting = add_registration(session, status=RegistrationStatus.WAITLISTED)

    cancel(client, link(waiting))

    assert fresh(waiting).status == RegistrationStatus.CANCELLED


@pytest.mark.parametrize("token", [
    "not-a-token",
    "eyJyIjoxLCJlIjoieEB5LnoifQ.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "x" * 2000,
    "%F0%9F%98%80",
])
def test_a_wrong_link_shows_a_friendly_not_valid_page(client, app, token):
    response = client.get(f"/conversations/registration/{token}")

    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)


def test_a_tampered_link_is_not_valid(client, app):
    registration = add_registration(make_session())
    token = cancel_token(registration)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = client.get(f"/conversations/registration/{tampered}")

    assert response.status_code == 404


def test_a_link_made_for_another_purpose_is_not_valid(client, app):
    registration = add_registration(make_session())
    token = make_token("password-reset", {"r": registration.id, "e": registration.email})

    assert client.get(f"/conversations/registration/{token}").status_code == 404


def test_a_link_for_an_address_the_registration_no_longer_has_is_not_valid(client, app):
    registration = add_registration(make_session(), email="old@example.org")
    token = cancel_token(registration)
    registration.email = "new@example.org"
    db.session.commit()

    assert client.get(f"/conversations/registration/{token}").status_code == 404


def test_cancelling_with_a_wrong_link_changes_nothing(client, app):
    registration = add_registration(make_session())

    response = cancel(client, "/conversations/registration/not-a-token")

    assert response.status_code == 404
    assert fresh(registration).status == RegistrationStatus.CONFIRMED


def test_an_expired_link_says_so(client, app, monkeypatch):
    registration = add_registration(make_session())
    path = link(registration)
    monkeypatch.setitem(app.config, "REGISTRATION_CANCEL_MAX_AGE", -1)

    response = client.get(path)
    cancelled = cancel(client, path)

    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert cancelled.status_code == 410
    assert fresh(registration).status == RegistrationStatus.CONFIRMED


def test_using_the_cancel_button_again_says_it_is_already_cancelled(client, app):
    registration = add_registration(make_session())
    path = link(registration)
    cancel(client, path)

    again = cancel(client, path)

    assert again.status_code == 200
    assert "This place was already cancelled." in again.get_data(as_text=True)


def test_a_cancelled_place_has_no_cancel_button(client, app):
    registration = add_registration(make_session(), status=RegistrationStatus.CANCELLED)

    html = client.get(link(registration)).get_data(as_text=True)

    assert "This place is cancelled." in html and "Cancel my place" not in html


def test_a_place_cannot_be_cancelled_once_the_session_has_started(client, app):
    session = make_session(starts_in=timedelta(minutes=-10))
    registration = add_registration(session)
    path = link(registration)

    page = client.get(path).get_data(as_text=True)
    response = cancel(client, path)

    assert "Cancel my place" not in page and "can no longer be cancelled" in page
    assert response.status_code == 409
    assert "can no longer be cancelled" in response.get_data(as_text=True)
    assert fresh(registration).status == RegistrationStatus.CONFIRMED


def test_a_place_at_a_cancelled_session_shows_the_hosts_message(client, app):
    session = make_session(status=SessionStatus.CANCELLED, cancellation_reason="The gym flooded.")
    registration = add_registration(session, status=RegistrationStatus.CANCELLED, cancelled_by="session")

    html = client.get(link(registration)).get_data(as_text=True)

    assert "The host cancelled this conversation." in html and "The gym flooded." in html


def test_the_online_link_is_shown_to_people_with_a_confirmed_place(client, app):
    session = make_session(format=SessionFormat.ONLINE, online_url=ONLINE_URL)
    registration = add_registration(session)

    html = client.get(link(registration)).get_data(as_text=True)

    assert f'<a href="{ONLINE_URL}"' in html


def test_the_online_link_is_not_shown_on_the_waitlist(client, app):
    session = make_session(format=SessionFormat.ONLINE, online_url=ONLINE_URL, capacity=1)
    add_registration(session)
    waiting = add_registration(session, status=RegistrationStatus.WAITLISTED)

    html = client.get(link(waiting)).get_data(as_text=True)

    assert ONLINE_URL not in html


def test_an_online_link_that_is_not_a_web_address_is_never_a_link(client, app):
    session = make_session(format=SessionFormat.ONLINE, online_url="javascript:alert(1)")
    registration = add_registration(session)

    html = client.get(link(registration)).get_data(as_text=True)

    assert 'href="javascript:' not in html


def test_the_confirmed_registrant_gets_the_online_link_by_email_and_the_public_does_not(client, app):
    from tests.support.web import post_form

    session = make_session(format=SessionFormat.ONLINE, online_url=ONLINE_URL)

    public = client.get(f"/conversations/{session.id}").get_data(as_text=True)
    post_form(client, f"/conversations/{session.id}/sign-up",
              {"name": "Rosa", "email": "rosa@example.org", "party_size": "1", "consent": "y"},
              form_page=f"/conversations/{session.id}")

    assert ONLINE_URL not in public
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "rosa@example.org")).all()
    assert ONLINE_URL in message.body_text


def test_hostile_text_on_the_registration_page_is_escaped(client, app):
    session = make_session('<script>alert("t")</script>')
    registration = add_registration(session, name="<b>Rosa</b>", accessibility_needs="<img src=x onerror=alert(1)>")

    html = client.get(link(registration)).get_data(as_text=True)

    assert "<script>alert" not in html and "<b>Rosa</b>" not in html and "<img src=x" not in html


def test_a_signed_in_person_cancels_from_my_conversations(client_as, users):
    session = make_session("Mine", capacity=3)
    registration = add_registration(session, email=users["participant"].email)
    client = client_as("participant")
    account = client.get("/account").get_data(as_text=True)
    path = "/conversations/registration/" + account.split('href="/conversations/registration/', 1)[1].split('"', 1)[0]

    cancel(client, path)

    assert fresh(registration).status == RegistrationStatus.CANCELLED
    assert "Mine" not in client.get("/account").get_data(as_text=True).split("My conversations", 1)[1]


def test_my_conversations_leave_out_sessions_that_have_ended(client_as, users):
    session = make_session("Long over", starts_in=timedelta(days=-2))
    add_registration(session, email=users["participant"].email)

    html = client_as("participant").get("/account").get_data(as_text=True)

    assert "Long over" not in html
    assert "You have not signed up for any upcoming community conversation." in html


def test_my_conversations_run_the_same_queries_however_many_places(client_as, users):
    client = client_as("participant")

    def queries_with(more: int) -> int:
        for n in range(more):
            add_registration(make_session(f"Evening {n}", languages=("en", "es")), email=users["participant"].email)
        db.session.expire_all()
        with count_queries() as counter:
            html = client.get("/account").get_data(as_text=True)
        assert html.count('href="/conversations/registration/') >= more
        return counter.count

    assert queries_with(2) == queries_with(12)


def signed_in_unconfirmed(app, email: str):
    """A client signed in to an account whose address was never confirmed (anyone can type any address)."""
    make_user(email=email, name="Not Rosa", verified=False)
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def test_an_unconfirmed_account_is_not_given_the_link_to_a_guests_place_at_its_address(app):
    session = make_session("Rosa's evening")
    add_registration(session, name="Rosa", email="rosa@example.org")
    client = signed_in_unconfirmed(app, "rosa@example.org")

    account = client.get("/account").get_data(as_text=True)
    page = client.get(f"/conversations/{session.id}").get_data(as_text=True)

    assert "/conversations/registration/" not in account and "Rosa&#39;s evening" not in account
    assert "/conversations/registration/" not in page


def test_signing_up_from_an_unconfirmed_account_does_not_open_a_guests_place_at_its_address(app):
    session = make_session()
    registration = add_registration(session, name="Rosa", email="rosa@example.org", party_size=3)
    client = signed_in_unconfirmed(app, "rosa@example.org")

    response = post_form(client, f"/conversations/{session.id}/sign-up", {"party_size": "1", "consent": "y"},
                         form_page=f"/conversations/{session.id}")

    assert response.status_code == 409
    assert "/conversations/registration/" not in response.headers.get("Location", "")
    assert "/conversations/registration/" not in response.get_data(as_text=True)
    assert fresh(registration).status == RegistrationStatus.CONFIRMED


def test_a_past_cancellation_time_is_shown(client, app):
    registration = add_registration(make_session(), status=RegistrationStatus.CANCELLED, cancelled_at=utcnow())

    assert "Cancelled on" in client.get(link(registration)).get_data(as_text=True)
