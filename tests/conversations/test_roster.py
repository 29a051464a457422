"""The roster, its CSV file, removing someone, and check-in on the day with walk-ins."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.conversations import hosting
from engage.conversations.models import CancelledBy, Registration, RegistrationStatus, SessionStatus
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from tests.conversations.factories import add_registration, make_session
from tests.support.people import make_organization
from tests.support.queries import count_queries
from tests.support.web import post_form


def host_org(users):
    return users["host"].memberships[0].organization


def audit_rows(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def fresh(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def csv_rows(response) -> list[dict]:
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture
def session(users):
    return make_session(organization=host_org(users), capacity=10)


# The roster page ----------------------------------------------------------------------


def test_the_roster_lists_everyone_with_their_needs(client_as, session):
    add_registration(session, name="Rosa Díaz", email="rosa@example.org", phone="555-0101", party_size=3,
                     interpretation_language="es", childcare_count=2, accessibility_needs="Wheelchair access")
    html = client_as("host").get(f"/conversations/{session.id}/roster").get_data(as_text=True)
    for shown in ("Rosa Díaz", "rosa@example.org", "555-0101", "Spanish", "Wheelchair access"):
        assert shown in html


def test_the_roster_sorts_people_into_confirmed_waitlist_walk_ins_and_cancelled(client_as, session):
    add_registration(session, name="Confirmed Carla")
    add_registration(session, name="Waiting Wen", status=RegistrationStatus.WAITLISTED)
    add_registration(session, name="Walk-in Wanda", walk_in=True, checked_in_at=utcnow())
    add_registration(session, name="Cancelled Cai", status=RegistrationStatus.CANCELLED)
    html = client_as("host").get(f"/conversations/{session.id}/roster").get_data(as_text=True)
    assert (html.index('id="confirmed"') < html.index("Confirmed Carla") < html.index('id="waitlisted"')
            < html.index("Waiting Wen") < html.index('id="walk-ins"') < html.index("Walk-in Wanda")
            < html.index('id="cancelled"') < html.index("Cancelled Cai"))


def test_the_waitlist_is_in_the_order_people_joined_with_their_place(users, session):
    first = add_registration(session, name="First", status=RegistrationStatus.WAITLISTED)
    second = add_registration(session, name="Second", status=RegistrationStatus.WAITLISTED)
    second.waitlisted_at = first.waitlisted_at - timedelta(minutes=5)
    db.session.commit()
    waiting = hosting.roster(users["host"], session).waitlisted
    assert [(entry.registration.name, entry.waitlist_position) for entry in waiting] == [("Second", 1), ("First", 2)]


def test_the_needs_totals_count_people_with_a_place(users, session):
    add_registration(session, party_size=3, interpretation_language="es", childcare_count=2,
                     accessibility_needs="Ramp")
    add_registration(session, party_size=2, interpretation_language="es")
    add_registration(session, party_size=1, interpretation_language="vi", childcare_count=1)
    add_registration(session, party_size=4, status=RegistrationStatus.WAITLISTED, interpretation_language="so",
                     childcare_count=3, accessibility_needs="Seat near the front")
    add_registration(session, party_size=2, status=RegistrationStatus.CANCELLED, childcare_count=5)
    add_registration(session, party_size=2, walk_in=True, childcare_count=1)
    totals = hosting.roster(users["host"], session).totals
    assert totals.registrations == 3
    assert totals.people == 6
    assert totals.interpretation == [("es", 5), ("vi", 1)]
    assert totals.childcare_children == 3
    assert totals.accessibility_requests == 1
    assert totals.waitlisted_people == 4
    assert totals.walk_in_people == 2


def test_the_roster_page_shows_the_totals_at_the_top(client_as, session):
    add_registration(session, party_size=3, interpretation_language="es", childcare_count=2)
    html = client_as("host").get(f"/conversations/{session.id}/roster").get_data(as_text=True)
    needs = html[html.index('id="needs-title"'):html.index('id="confirmed"')]
    assert "Spanish: 3 people" in needs
    assert '<span class="stat">2</span> children for childcare' in needs


@pytest.mark.parametrize("page", ["roster", "check-in", "roster.csv"])
def test_host_pages_run_the_same_queries_however_many_people(client_as, session, page):
    client = client_as("host")

    def add_people(count):
        for i in range(count):
            add_registration(session, name=f"Person {i}", party_size=1)
            add_registration(session, name=f"Waiting {i}", status=RegistrationStatus.WAITLISTED)
            add_registration(session, name=f"Walk-in {i}", walk_in=True, checked_in_at=utcnow())

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/conversations/{session.id}/{page}").status_code == 200
        return counter.count

    add_people(2)
    few = queries()
    add_people(3)
    assert queries() == few


# Removing someone -----------------------------------------------------------------------


def remove(client, session, registration):
    return post_form(client, f"/conversations/{session.id}/registrations/{registration.id}/remove",
                     form_page=f"/conversations/{session.id}/roster")


def test_a_host_removes_someone_and_the_next_on_the_waitlist_gets_the_place(client_as, users):
    session = make_session(organization=host_org(users), capacity=2, status=SessionStatus.FULL)
    leaving = add_registration(session, party_size=2)
    waiting = add_registration(session, status=RegistrationStatus.WAITLISTED)
    response = remove(client_as("host"), session, leaving)
    assert response.status_code == 302
    assert fresh(leaving).status == RegistrationStatus.CANCELLED
    assert fresh(leaving).cancelled_by == CancelledBy.HOST
    assert fresh(waiting).status == RegistrationStatus.CONFIRMED
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.recipient == waiting.email)) == 1
    assert audit_rows("conversation.registration_removed")[0].details["registration"] == leaving.id


def test_removing_someone_twice_says_they_are_already_off_the_list(client_as, session):
    leaving = add_registration(session, name="Lee")
    client = client_as("host")
    remove(client, session, leaving)
    response = remove(client, session, leaving)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lee was already off the list." in html


def test_a_registration_of_another_session_cannot_be_removed_through_this_one(client_as, users, session):
    other = make_session("Other", organization=host_org(users))
    theirs = add_registration(other)
    assert remove(client_as("host"), session, theirs).status_code == 404
    assert fresh(theirs).status == RegistrationStatus.CONFIRMED


def test_nobody_is_removed_once_the_conversation_has_started(client_as, users):
    session = make_session(organization=host_org(users), starts_in=timedelta(minutes=-10))
    coming = add_registration(session)
    remove(client_as("host"), session, coming)
    assert fresh(coming).status == RegistrationStatus.CONFIRMED


# CSV ------------------------------------------------------------------------------------


def test_the_csv_has_the_roster_columns_and_a_byte_order_mark(client_as, session):
    add_registration(session, name="José Núñez", email="jose@example.org", phone="555-0102", party_size=2,
                     interpretation_language="es", childcare_count=1, accessibility_needs="Large print")
    response = client_as("host").get(f"/conversations/{session.id}/roster.csv")
    assert response.data.startswith("\ufeff".encode())
    assert "attachment" in response.headers["Content-Disposition"]
    [row] = csv_rows(response)
    assert row == {"Status": "Confirmed", "Waitlist position": "", "Name": "José Núñez",
                   "Email": "jose@example.org", "Phone": "555-0102", "Party size": "2",
                   "Interpretation language": "Spanish", "Children needing childcare": "1",
                   "Accessibility needs": "Large print", "Checked in": ""}


def test_the_csv_lists_the_waitlist_with_positions_and_walk_ins(client_as, session):
    add_registration(session, name="Waiting", status=RegistrationStatus.WAITLISTED)
    add_registration(session, name="Walked in", walk_in=True, checked_in_at=utcnow())
    rows = csv_rows(client_as("host").get(f"/conversations/{session.id}/roster.csv"))
    assert [(row["Status"], row["Waitlist position"], row["Name"]) for row in rows] == [
        ("Waitlisted", "1", "Waiting"), ("Walk-in", "", "Walked in")]
    assert rows[1]["Checked in"]


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)"])
def test_cells_a_spreadsheet_would_run_start_with_a_quote(client_as, session, typed):
    add_registration(session, name=typed, accessibility_needs=typed)
    [row] = csv_rows(client_as("host").get(f"/conversations/{session.id}/roster.csv"))
    assert row["Name"] == "'" + typed
    assert row["Accessibility needs"] == "'" + typed


def test_downloading_the_roster_is_audited(client_as, session):
    add_registration(session)
    client_as("host").get(f"/conversations/{session.id}/roster.csv")
    [event] = audit_rows("conversation.roster_exported")
    assert event.target_id == session.id and event.details["rows"] == 1


# Check-in ---------------------------------------------------------------------------------


def mark(client, session, registration, attended: str):
    return post_form(client, f"/conversations/{session.id}/registrations/{registration.id}/check-in",
                     {"attended": attended}, form_page=f"/conversations/{session.id}/check-in")


def test_the_check_in_page_lists_people_with_a_place_and_a_button_each(client_as, session):
    coming = add_registration(session, name="Rosa")
    add_registration(session, name="Waiting Wen", status=RegistrationStatus.WAITLISTED)
    html = client_as("host").get(f"/conversations/{session.id}/check-in").get_data(as_text=True)
    assert f'id="person-{coming.id}"' in html
    assert "Mark attended" in html
    assert "Waiting Wen" not in html


def test_marking_someone_attended_returns_to_their_row(client_as, session):
    coming = add_registration(session)
    response = mark(client_as("host"), session, coming, "1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/conversations/{session.id}/check-in#person-{coming.id}")
    assert fresh(coming).checked_in_at is not None
    assert audit_rows("conversation.checked_in")[0].details["registration"] == coming.id


def test_undoing_a_check_in_clears_it(client_as, session):
    coming = add_registration(session, checked_in_at=utcnow())
    mark(client_as("host"), session, coming, "0")
    assert fresh(coming).checked_in_at is None
    assert audit_rows("conversation.check_in_undone")


def test_a_second_tap_changes_nothing(client_as, session):
    coming = add_registration(session)
    client = client_as("host")
    mark(client, session, coming, "1")
    first = fresh(coming).checked_in_at
    mark(client, session, coming, "1")
    assert fresh(coming).checked_in_at == first
    assert len(audit_rows("conversation.checked_in")) == 1


def test_the_count_adds_up_party_sizes(client_as, session):
    add_registration(session, party_size=3, checked_in_at=utcnow())
    add_registration(session, party_size=2)
    add_registration(session, party_size=2, walk_in=True, checked_in_at=utcnow())
    html = client_as("host").get(f"/conversations/{session.id}/check-in").get_data(as_text=True)
    assert '<span class="stat">5</span>' in html
    assert "people here, of 5 expected" in html
    assert "including 2 walk-ins" in html


def test_someone_on_the_waitlist_cannot_be_checked_in(client_as, session):
    waiting = add_registration(session, name="Wen", status=RegistrationStatus.WAITLISTED)
    client = client_as("host")
    response = mark(client, session, waiting, "1")
    assert fresh(waiting).checked_in_at is None
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Add Wen as a walk-in instead." in html


def test_a_registration_of_another_session_cannot_be_checked_in_through_this_one(client_as, users, session):
    theirs = add_registration(make_session("Other", organization=host_org(users)))
    assert mark(client_as("host"), session, theirs, "1").status_code == 404


def test_nobody_is_checked_in_at_a_cancelled_conversation(client_as, users):
    session = make_session(organization=host_org(users), status=SessionStatus.CANCELLED)
    coming = add_registration(session)
    mark(client_as("host"), session, coming, "1")
    assert fresh(coming).checked_in_at is None


# Walk-ins -----------------------------------------------------------------------------------


def walk_in(client, session, **data):
    fields = {"name": "Mai Tran", "email": "", "party_size": "2", "interpretation_language": "vi",
              "childcare_count": "1", "submission_token": "walk-in-1"}
    fields.update(data)
    return post_form(client, f"/conversations/{session.id}/walk-ins", fields,
                     form_page=f"/conversations/{session.id}/check-in")


def walk_ins(session) -> list[Registration]:
    db.session.expire_all()
    return db.session.scalars(select(Registration).where(Registration.session_id == session.id,
                                                         Registration.walk_in.is_(True))).all()


def test_a_walk_in_is_added_checked_in_and_holds_no_seat(client_as, session):
    response = walk_in(client_as("host"), session)
    assert response.status_code == 302
    [person] = walk_ins(session)
    assert (person.name, person.party_size, person.interpretation_language, person.childcare_count) == (
        "Mai Tran", 2, "vi", 1)
    assert person.checked_in_at is not None and person.email is None
    assert response.headers["Location"].endswith(f"#person-{person.id}")
    db.session.refresh(session)
    assert session.seats_taken == 0
    assert audit_rows("conversation.walk_in_added")


def test_the_same_walk_in_form_sent_twice_adds_one_person(client_as, session):
    client = client_as("host")
    walk_in(client, session)
    walk_in(client, session)
    assert len(walk_ins(session)) == 1


def test_a_walk_in_form_token_used_at_another_session_still_adds_the_walk_in_here(client_as, users, session):
    other = make_session("Other evening", organization=host_org(users))
    add_registration(other, name="Someone Else", submission_token="walk-in-1")

    response = walk_in(client_as("host"), session, submission_token="walk-in-1")

    assert [person.name for person in walk_ins(session)] == ["Mai Tran"]
    assert response.headers["Location"].endswith(f"#person-{walk_ins(session)[0].id}")


def test_a_walk_in_without_a_name_is_refused_beside_the_field(client_as, session):
    response = walk_in(client_as("host"), session, name="  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in html
    assert walk_ins(session) == []


def test_a_walk_in_with_a_bad_email_is_refused_and_keeps_what_was_typed(client_as, session):
    response = walk_in(client_as("host"), session, email="not-an-email")
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html
    assert 'value="Mai Tran"' in html
    assert walk_ins(session) == []


def test_a_walk_in_party_is_at_most_ten(client_as, session):
    response = walk_in(client_as("host"), session, party_size="11")
    assert 'id="party_size-error"' in response.get_data(as_text=True)
    assert walk_ins(session) == []


@pytest.mark.parametrize("field", ["party_size", "childcare_count"])
def test_a_walk_in_number_too_large_for_a_computer_is_an_error_beside_the_field(client_as, session, field):
    response = walk_in(client_as("host"), session, **{field: "9" * 400})  # too large even for a float
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert walk_ins(session) == []


def test_a_full_conversation_still_takes_walk_ins(client_as, users):
    session = make_session(organization=host_org(users), capacity=1, status=SessionStatus.FULL)
    add_registration(session)
    walk_in(client_as("host"), session)
    assert len(walk_ins(session)) == 1


def test_a_cancelled_conversation_takes_no_walk_ins(client_as, users):
    session = make_session(organization=host_org(users), status=SessionStatus.CANCELLED)
    walk_in(client_as("host"), session)
    assert walk_ins(session) == []


def test_another_organizations_host_cannot_add_a_walk_in(client_as, users):
    session = make_session(organization=make_organization("Other PTO"))
    response = walk_in(client_as("host"), session)
    assert response.status_code == 403
    assert walk_ins(session) == []


def test_a_check_in_without_a_clear_yes_or_no_is_a_bad_request(client_as, session):
    coming = add_registration(session)
    assert mark(client_as("host"), session, coming, "maybe").status_code == 400
    assert fresh(coming).checked_in_at is None
