"""Many people signing up (and cancelling) at the same moment never overbook a session.

Each thread runs in its own app context, so its own database session and
connection, against the suite's real database (the SQLite file, or
PostgreSQL with TEST_DATABASE_URL), released together by a barrier.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from engage.conversations.models import ConversationSession, Registration, RegistrationStatus
from engage.conversations.registration import Signup, cancel_registration, register_for_session
from engage.extensions import db
from tests.conversations.factories import add_registration, make_session
from tests.support.web import csrf_token

PEOPLE = 40


def _all_at_once(app, count: int, work) -> list:
    barrier = threading.Barrier(count)

    def run(i: int):
        with app.app_context():
            barrier.wait(timeout=60)
            try:
                return work(i)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _seats(session_id: int) -> tuple[int, int, int]:
    """(capacity, seats_taken as stored, confirmed party sizes as counted)."""
    db.session.expire_all()
    session = db.session.get(ConversationSession, session_id)
    counted = db.session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.session_id == session_id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    return session.capacity, session.seats_taken, counted


def test_simultaneous_sign_ups_never_exceed_capacity(app):
    session_id = make_session(capacity=10).id
    parties = [1 + i % 3 for i in range(PEOPLE)]

    def sign_up(i: int) -> str:
        signup = Signup(name=f"Person {i}", email=f"person{i}@example.org", party_size=parties[i])
        return register_for_session(session_id, signup, submission_token=f"race-{i}").status

    outcomes = _all_at_once(app, PEOPLE, sign_up)
    capacity, stored, counted = _seats(session_id)
    assert stored == counted <= capacity
    assert counted >= capacity - 2  # the seats were used, not left empty by a failed lock
    assert outcomes.count(RegistrationStatus.CONFIRMED) + outcomes.count(RegistrationStatus.WAITLISTED) == PEOPLE


def test_simultaneous_cancellations_and_sign_ups_keep_the_count_right(app):
    session = make_session(capacity=12)
    holders = [add_registration(session, email=f"holder{i}@example.org") for i in range(12)]
    holder_ids = [holder.id for holder in holders]
    session_id = session.id

    def churn(i: int) -> None:
        if i % 2 == 0:
            cancel_registration(holder_ids[i // 2])
        else:
            register_for_session(session_id, Signup(name=f"New {i}", email=f"new{i}@example.org", party_size=1))

    _all_at_once(app, 24, churn)
    capacity, stored, counted = _seats(session_id)
    assert stored == counted == capacity
    waiting = db.session.scalar(
        select(func.count()).where(
            Registration.session_id == session_id, Registration.status == RegistrationStatus.WAITLISTED
        )
    )
    assert waiting == 0


def test_the_same_form_sent_from_many_tabs_at_once_makes_one_registration(app):
    session_id = make_session(capacity=10).id

    def sign_up(_i: int) -> int:
        signup = Signup(name="Ana", email="ana@example.org", party_size=2)
        return register_for_session(session_id, signup, submission_token="one-form").id

    ids = _all_at_once(app, 8, sign_up)
    assert len(set(ids)) == 1
    assert _seats(session_id)[1] == 2


def test_simultaneous_sign_up_forms_over_http_never_overbook(app, monkeypatch):
    """Thirty families send the sign-up form at once, each from a browser of their own."""
    monkeypatch.setitem(app.config, "RATELIMIT_CONVERSATION_SIGNUP", "1000 per hour")
    session_id = make_session(capacity=10).id
    path = f"/conversations/{session_id}"
    families = 30
    clients = [app.test_client() for _ in range(families)]
    tokens = [csrf_token(client, path) for client in clients]
    barrier = threading.Barrier(families)

    def send(i: int) -> int:
        barrier.wait(timeout=60)
        form = {"csrf_token": tokens[i], "name": f"Family {i}", "email": f"family{i}@example.org",
                "party_size": str(1 + i % 2), "consent": "y", "submission_token": f"http-{i}"}
        return clients[i].post(f"{path}/sign-up", data=form).status_code

    with ThreadPoolExecutor(max_workers=families) as pool:
        codes = list(pool.map(send, range(families)))
    assert codes == [303] * families
    capacity, stored, counted = _seats(session_id)
    assert stored == counted <= capacity
