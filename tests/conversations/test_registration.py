"""Signing up: seats, waitlist order, promotion, and the rules around them (service level)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engage.conversations.models import CancelledBy, Registration, RegistrationStatus, SessionStatus
from engage.conversations.registration import (
    AlreadyRegistered,
    CannotCancel,
    CapacityTooSmall,
    Signup,
    SignupClosed,
    cancel_registration,
    cancel_session,
    change_capacity,
    register_for_session,
)
from engage.conversations.registration_links import waitlist_position
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from engage.permissions import PermissionDenied
from tests.conversations.factories import add_registration, make_session
from tests.support.people import make_organization


def signup(email: str, party_size: int = 1, **fields) -> Signup:
    return Signup(name=email.split("@")[0].title(), email=email, party_size=party_size, **fields)


def statuses(session) -> dict[str, str]:
    db.session.expire_all()
    return {r.email: r.status for r in db.session.scalars(select(Registration).where(Registration.session_id == session.id))}


def test_a_seat_is_confirmed_while_there_is_room(app):
    session = make_session(capacity=3)
    registration = register_for_session(session.id, signup("ana@example.org", 2))
    db.session.refresh(session)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert session.seats_taken == 2 and session.status == SessionStatus.SCHEDULED


def test_capacity_counts_the_whole_party(app):
    session = make_session(capacity=3)
    register_for_session(session.id, signup("ana@example.org", 2))
    second = register_for_session(session.id, signup("ben@example.org", 2))
    assert second.status == RegistrationStatus.WAITLISTED


def test_the_session_is_full_when_every_seat_is_taken(app):
    session = make_session(capacity=2)
    register_for_session(session.id, signup("ana@example.org", 2))
    db.session.refresh(session)
    assert session.status == SessionStatus.FULL


def test_a_newcomer_takes_a_free_seat_that_nobody_waiting_fits(app):
    session = make_session(capacity=3)
    register_for_session(session.id, signup("ana@example.org", 2))
    register_for_session(session.id, signup("ben@example.org", 3))  # waits: doesn't fit
    late = register_for_session(session.id, signup("cy@example.org", 1))
    # One seat is free and nobody ahead fits it, so the newcomer takes it rather than leave it empty.
    assert late.status == RegistrationStatus.CONFIRMED
    assert statuses(session)["ben@example.org"] == RegistrationStatus.WAITLISTED


def test_a_cancellation_promotes_the_waitlist_in_order_and_emails_them(app):
    session = make_session(capacity=2)
    first = register_for_session(session.id, signup("ana@example.org", 2))
    register_for_session(session.id, signup("ben@example.org", 1))
    register_for_session(session.id, signup("cy@example.org", 1))
    change = cancel_registration(first.id)
    assert [r.email for r in change.promoted] == ["ben@example.org", "cy@example.org"]
    assert statuses(session) == {
        "ana@example.org": RegistrationStatus.CANCELLED,
        "ben@example.org": RegistrationStatus.CONFIRMED,
        "cy@example.org": RegistrationStatus.CONFIRMED,
    }
    promoted_mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.contains("opened up"))
    ).all()
    assert sorted(m.recipient for m in promoted_mail) == ["ben@example.org", "cy@example.org"]


def test_waitlist_position_counts_people_ahead(app):
    session = make_session(capacity=1)
    register_for_session(session.id, signup("ana@example.org"))
    ben = register_for_session(session.id, signup("ben@example.org"))
    cy = register_for_session(session.id, signup("cy@example.org"))
    assert (waitlist_position(ben), waitlist_position(cy)) == (1, 2)


def test_the_same_form_sent_twice_makes_one_registration(app):
    session = make_session(capacity=5)
    first = register_for_session(session.id, signup("ana@example.org", 2), submission_token="tok-1")
    again = register_for_session(session.id, signup("ana@example.org", 2), submission_token="tok-1")
    db.session.refresh(session)
    assert first.id == again.id and session.seats_taken == 2


def test_a_form_token_already_used_by_another_person_signs_the_new_person_up(app):
    # A shared tablet at a school event: the next family uses the page the first one sent.
    session = make_session(capacity=5)
    first = register_for_session(session.id, signup("ana@example.org", 2), submission_token="tok-1")
    other = register_for_session(session.id, signup("ben@example.org", 1), submission_token="tok-1")
    db.session.refresh(session)
    assert other.id != first.id and other.email == "ben@example.org"
    assert session.seats_taken == 3


def test_a_form_token_already_used_at_another_session_signs_up_for_this_one(app):
    one, two = make_session("One", capacity=5), make_session("Two", capacity=5)
    register_for_session(one.id, signup("ana@example.org"), submission_token="tok-1")
    again = register_for_session(two.id, signup("ana@example.org"), submission_token="tok-1")
    assert again.session_id == two.id and statuses(two) == {"ana@example.org": RegistrationStatus.CONFIRMED}


def test_one_address_holds_one_place(app):
    session = make_session(capacity=5)
    register_for_session(session.id, signup("Ana@Example.org"))
    with pytest.raises(AlreadyRegistered):
        register_for_session(session.id, signup("ana@example.org"))


def test_after_cancelling_the_same_address_may_sign_up_again(app):
    session = make_session(capacity=5)
    first = register_for_session(session.id, signup("ana@example.org"))
    cancel_registration(first.id)
    assert register_for_session(session.id, signup("ana@example.org")).status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    "setup, reason",
    [
        (dict(status=SessionStatus.CANCELLED), "cancelled"),
        (dict(status=SessionStatus.COMPLETED), "completed"),
        (dict(starts_in=timedelta(hours=-1)), "closed"),
        (dict(registration_deadline=utcnow() - timedelta(minutes=1)), "closed"),
    ],
)
def test_sign_ups_are_refused_when_the_session_is_not_open(app, setup, reason):
    session = make_session(**setup)
    with pytest.raises(SignupClosed) as refused:
        register_for_session(session.id, signup("ana@example.org"))
    assert str(refused.value) == reason
    assert statuses(session) == {}


def test_party_size_is_kept_within_bounds(app):
    session = make_session(capacity=50)
    registration = register_for_session(session.id, signup("ana@example.org", 99))
    assert registration.party_size == 10


def test_a_cancelled_registration_cannot_be_cancelled_again(app):
    session = make_session()
    registration = register_for_session(session.id, signup("ana@example.org"))
    cancel_registration(registration.id)
    with pytest.raises(CannotCancel):
        cancel_registration(registration.id)


def test_participants_cannot_cancel_once_the_session_started(app):
    session = make_session(starts_in=timedelta(minutes=-5))
    registration = add_registration(session)
    with pytest.raises(CannotCancel):
        cancel_registration(registration.id)


def test_raising_capacity_promotes_the_waitlist(app):
    session = make_session(capacity=1)
    register_for_session(session.id, signup("ana@example.org"))
    register_for_session(session.id, signup("ben@example.org"))
    promoted = change_capacity(session.id, 2)
    assert [r.email for r in promoted] == ["ben@example.org"]
    db.session.refresh(session)
    assert session.status == SessionStatus.FULL and session.seats_taken == 2


def test_capacity_cannot_drop_below_the_seats_taken(app):
    session = make_session(capacity=5)
    register_for_session(session.id, signup("ana@example.org", 3))
    with pytest.raises(CapacityTooSmall) as refused:
        change_capacity(session.id, 2)
    assert refused.value.seats_taken == 3


def test_cancelling_the_session_cancels_everyone_and_emails_them(app, users):
    session = make_session(capacity=1)
    register_for_session(session.id, signup("ana@example.org"))
    register_for_session(session.id, signup("ben@example.org"))
    cancel_session(users["leader"], session.id, reason="The school is closed for a snow day.")
    assert set(statuses(session).values()) == {RegistrationStatus.CANCELLED}
    db.session.refresh(session)
    assert session.status == SessionStatus.CANCELLED and session.seats_taken == 0
    cancelled_mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.startswith("Cancelled"))).all()
    assert sorted(m.recipient for m in cancelled_mail) == ["ana@example.org", "ben@example.org"]
    assert all("snow day" in m.body_text for m in cancelled_mail)
    assert all("METHOD:CANCEL" in m.attachments[0]["content"] for m in cancelled_mail)


def test_cancelled_by_session_is_recorded(app, users):
    session = make_session()
    register_for_session(session.id, signup("ana@example.org"))
    cancel_session(users["leader"], session.id, reason="")
    db.session.expire_all()
    assert db.session.scalar(select(Registration.cancelled_by)) == CancelledBy.SESSION


def test_a_person_the_host_removes_is_told_and_the_next_in_line_gets_the_seat(app, users):
    session = make_session(capacity=1)
    first = register_for_session(session.id, signup("ana@example.org"))
    register_for_session(session.id, signup("ben@example.org"))
    change = cancel_registration(first.id, by=CancelledBy.HOST, actor=users["leader"])
    assert [r.email for r in change.promoted] == ["ben@example.org"]
    subjects = [m.subject for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "ana@example.org").order_by(OutboxMessage.id))]
    assert subjects[-1].startswith("Your place was cancelled")


def test_a_host_of_another_organization_cannot_remove_anyone(app, users):
    session = make_session(organization=make_organization("Other PTO"))
    registration = register_for_session(session.id, signup("ana@example.org"))
    with pytest.raises(PermissionDenied):
        cancel_registration(registration.id, by=CancelledBy.HOST, actor=users["host"])
    assert statuses(session)["ana@example.org"] == RegistrationStatus.CONFIRMED


def test_nobody_is_given_a_place_at_a_session_already_held(app, users):
    session = make_session(capacity=1, status=SessionStatus.COMPLETED)
    holder = add_registration(session, email="ana@example.org")
    add_registration(session, email="ben@example.org", status=RegistrationStatus.WAITLISTED)
    with pytest.raises(CannotCancel):
        cancel_registration(holder.id, by=CancelledBy.HOST, actor=users["leader"])
    assert statuses(session)["ben@example.org"] == RegistrationStatus.WAITLISTED
