"""Every status change a conversation can make, and every one it can't.

scheduled <-> full happen on their own as seats fill up and free up;
scheduled/full -> cancelled by the host (before it has ended);
scheduled/full -> completed by the host (once it has started);
cancelled and completed are final.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.conversations import hosting
from engage.conversations.models import ConversationSession, SessionStatus
from engage.conversations.registration import Signup, cancel_registration, register_for_session
from engage.extensions import db
from engage.models import utcnow
from tests.conversations.factories import add_registration, make_session
from tests.support.web import post_form

S, F, X, C = SessionStatus.SCHEDULED, SessionStatus.FULL, SessionStatus.CANCELLED, SessionStatus.COMPLETED
BY_SIGNUPS, BY_HOST = hosting.BY_SIGNUPS, hosting.BY_HOST

# (from, to) -> who may make it; every pair not listed is refused to everyone.
EXPECTED = {
    (S, F): BY_SIGNUPS,
    (F, S): BY_SIGNUPS,
    (S, X): BY_HOST,
    (F, X): BY_HOST,
    (S, C): BY_HOST,
    (F, C): BY_HOST,
}
ALL_PAIRS = list(itertools.product(SessionStatus.ALL, repeat=2))


def host_org(users):
    return users["host"].memberships[0].organization


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def status_of(session) -> str:
    db.session.expire_all()
    return db.session.get(ConversationSession, session.id).status


def test_the_table_lists_exactly_the_expected_transitions():
    assert {pair: rule.by for pair, rule in hosting.ALLOWED_TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
@pytest.mark.parametrize("by", [BY_HOST, BY_SIGNUPS])
def test_each_transition_is_allowed_only_to_whom_the_table_says(app, from_status, to_status, by):
    # Started an hour ago, ending in an hour: every time rule is met.
    session = make_session(status=from_status, starts_in=timedelta(hours=-1))
    problem = hosting.transition_problem(session, to_status, by=by)
    if EXPECTED.get((from_status, to_status)) == by:
        assert problem is None
    else:
        with app.test_request_context():
            assert problem is not None and str(problem)


@pytest.mark.parametrize("final", [X, C])
@pytest.mark.parametrize("to_status", SessionStatus.ALL)
def test_cancelled_and_completed_are_final(app, final, to_status):
    session = make_session(status=final, starts_in=timedelta(hours=-1))
    with app.test_request_context():
        for by in (BY_HOST, BY_SIGNUPS):
            assert "can't change any more" in str(hosting.transition_problem(session, to_status, by=by))


def test_a_host_cannot_mark_a_conversation_full_by_hand(app):
    session = make_session()
    with app.test_request_context():
        assert "on its own" in str(hosting.transition_problem(session, F))


# scheduled <-> full, by sign-ups -------------------------------------------------------------


def sign_up(session, email: str, party_size: int = 1):
    return register_for_session(session.id, Signup(name="Parent", email=email, party_size=party_size))


def test_taking_the_last_seat_makes_a_conversation_full(app):
    session = make_session(capacity=3)
    sign_up(session, "a@example.org", 2)
    assert status_of(session) == S
    sign_up(session, "b@example.org", 1)
    assert status_of(session) == F


def test_a_freed_seat_makes_a_full_conversation_take_sign_ups_again(app):
    session = make_session(capacity=1)
    taken = sign_up(session, "a@example.org")
    assert status_of(session) == F
    cancel_registration(taken.id)
    assert status_of(session) == S


def test_a_freed_seat_that_goes_to_the_waitlist_keeps_it_full(app):
    session = make_session(capacity=1)
    taken = sign_up(session, "a@example.org")
    sign_up(session, "b@example.org")
    cancel_registration(taken.id)
    assert status_of(session) == F


def test_raising_the_capacity_of_a_full_conversation_takes_sign_ups_again(users):
    session = make_session(organization=host_org(users), capacity=1)
    sign_up(session, "a@example.org")
    hosting.update_session(users["host"], session, capacity=5)
    assert status_of(session) == S


# -> cancelled, by the host --------------------------------------------------------------------


@pytest.mark.parametrize("from_status", [S, F])
def test_a_host_cancels_a_scheduled_or_full_conversation(client_as, users, from_status):
    session = make_session(organization=host_org(users), status=from_status)
    response = post_form(client_as("host"), f"/conversations/{session.id}/cancel", {"reason": "Snow day"},
                         form_page=f"/conversations/{session.id}/cancel")
    assert response.status_code == 302
    assert status_of(session) == X


def test_a_conversation_that_has_ended_cannot_be_cancelled(client_as, users):
    session = make_session(organization=host_org(users), starts_in=timedelta(hours=-3), hours=2)
    client = client_as("host")
    response = post_form(client, f"/conversations/{session.id}/cancel", {"reason": "Too late"},
                         form_page="/conversations/manage")
    assert response.status_code == 302
    assert "mark it as held instead" in text_of(client.get("/conversations/manage"))
    assert status_of(session) == S


def test_a_conversation_under_way_can_still_be_cancelled(users):
    session = make_session(organization=host_org(users), starts_in=timedelta(minutes=-15))
    hosting.cancel_session(users["host"], session, reason="Fire alarm")
    assert status_of(session) == X


@pytest.mark.parametrize("final", [X, C])
def test_cancelling_a_final_conversation_gives_a_clear_message_not_an_error(client_as, users, final):
    session = make_session(organization=host_org(users), status=final)
    client = client_as("host")
    assert client.get(f"/conversations/{session.id}/cancel").status_code == 302
    response = post_form(client, f"/conversations/{session.id}/cancel", {"reason": "Again"},
                         form_page="/conversations/manage", follow_redirects=True)
    assert response.status_code == 200
    assert "can't change any more" in text_of(response)
    assert status_of(session) == final


# -> completed, by the host ----------------------------------------------------------------------


def complete(client, session):
    return post_form(client, f"/conversations/{session.id}/complete", form_page="/conversations/manage",
                     follow_redirects=True)


@pytest.mark.parametrize("from_status", [S, F])
def test_a_host_marks_a_started_conversation_as_held(client_as, users, from_status):
    session = make_session(organization=host_org(users), status=from_status, starts_in=timedelta(minutes=-5))
    response = complete(client_as("host"), session)
    assert "marked as held" in text_of(response)
    assert status_of(session) == C
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "conversation.completed")).one()
    assert event.target_id == session.id


def test_a_conversation_that_has_not_started_cannot_be_marked_as_held(client_as, users):
    session = make_session(organization=host_org(users))
    response = complete(client_as("host"), session)
    assert response.status_code == 200
    assert "once it has started" in text_of(response)
    assert status_of(session) == S


@pytest.mark.parametrize("final", [X, C])
def test_marking_a_final_conversation_as_held_gives_a_clear_message_not_an_error(client_as, users, final):
    session = make_session(organization=host_org(users), status=final, starts_in=timedelta(days=-1))
    response = complete(client_as("host"), session)
    assert response.status_code == 200
    assert "can't change any more" in text_of(response)
    assert status_of(session) == final


def test_the_held_button_shows_only_once_a_conversation_has_started(client_as, users):
    started = make_session("Started", organization=host_org(users), starts_in=timedelta(minutes=-5))
    later = make_session("Later", organization=host_org(users))
    html = client_as("host").get("/conversations/manage").get_data(as_text=True)
    assert f'action="/conversations/{started.id}/complete"' in html
    assert f'action="/conversations/{later.id}/complete"' not in html


def test_people_keep_their_places_when_a_conversation_is_marked_as_held(users):
    session = make_session(organization=host_org(users), starts_in=timedelta(minutes=-5))
    coming = add_registration(session, checked_in_at=utcnow())
    hosting.complete_session(users["host"], session)
    db.session.expire_all()
    assert db.session.get(type(coming), coming.id).status == "confirmed"
