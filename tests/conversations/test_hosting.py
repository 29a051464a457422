"""Hosts schedule, change and cancel conversations, and see them listed on their page."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.conversations import hosting
from engage.conversations.models import (
    ConversationNote,
    ConversationSession,
    NoteStatus,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionStatus,
)
from engage.extensions import db
from engage.forms import single_line
from engage.i18n import local_to_utc, utc_to_local
from engage.mail.models import OutboxMessage
from engage.models import as_utc, utcnow
from engage.orgs.models import School
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from tests.conversations.factories import add_registration, make_session
from tests.plans.factories import make_plan
from tests.support.people import make_organization, make_user
from tests.support.queries import count_queries
from tests.support.web import post_form


def audit_rows(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def published_plan(leader, title: str = "Family Engagement Plan"):
    plan = make_plan(title)
    plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    return plan


def section_keys(plan) -> list[str]:
    return [section.key for section in plan.sections]


def next_week() -> datetime:
    """A day a week ahead in the district's time zone, as the form takes it."""
    return utc_to_local(utcnow()) + timedelta(days=7)


def form_data(organization_id: int = 0, **overrides) -> dict:
    """What a host types for a new in-person conversation next week, 6 to 8 pm district time."""
    data = {
        "title": "Charla sobre el plan de equidad",
        "description": "Una conversación en español.",
        "organization_id": str(organization_id),
        "plan_id": "0",
        "school_id": "0",
        "date": next_week().date().isoformat(),
        "start_time": "18:00",
        "end_time": "20:00",
        "registration_deadline": "",
        "format": SessionFormat.IN_PERSON,
        "address": "1200 River Road",
        "room": "Library",
        "accessibility_notes": "Step-free entrance",
        "online_url": "",
        "languages": ["es", "en"],
        "childcare_offered": "y",
        "capacity": "30",
        "submission_token": "token-" + str(organization_id) + "-" + str(overrides.get("title", "")),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def host_org(users):
    return users["host"].memberships[0].organization


def create(client, data, form_page="/conversations/new"):
    return post_form(client, "/conversations/new", data, form_page=form_page)


def edit(client, session, **overrides):
    data = edit_data(session, **overrides)
    return post_form(client, f"/conversations/{session.id}/edit", data, form_page=f"/conversations/{session.id}/edit")


def edit_data(session, **overrides) -> dict:
    """The edit form as it comes filled in for the session, with some fields changed."""
    starts, ends = utc_to_local(session.starts_at), utc_to_local(session.ends_at)
    data = {
        "title": session.title, "description": session.description,
        "organization_id": str(session.organization_id or 0), "plan_id": str(session.plan_id or 0),
        "sections": [f"{session.plan_id}:{key}" for key in session.section_keys or []],
        "school_id": str(session.school_id or 0),
        "date": starts.date().isoformat(), "start_time": starts.strftime("%H:%M"), "end_time": ends.strftime("%H:%M"),
        "registration_deadline": "", "format": session.format, "address": session.address, "room": session.room,
        "accessibility_notes": session.accessibility_notes, "online_url": session.online_url,
        "languages": session.language_codes, "capacity": str(session.capacity),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def morning_session(**fields) -> ConversationSession:
    """A session next week from 10 to noon, district time, so an hour later stays on the same day."""
    session = make_session(**fields)
    # Stored to the second, as sessions made elsewhere may be; the form shows minutes.
    session.starts_at = local_to_utc(datetime.combine(next_week().date(), time(10, 0, 17)))
    session.ends_at = local_to_utc(datetime.combine(next_week().date(), time(12, 0)))
    db.session.commit()
    return session


def errors_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def only_session() -> ConversationSession:
    db.session.expire_all()
    return db.session.scalars(select(ConversationSession)).one()


def session_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ConversationSession))


# Creating ----------------------------------------------------------------------------


def test_a_host_schedules_a_conversation_for_their_organization(client_as, users):
    org = host_org(users)
    response = create(client_as("host"), form_data(org.id))
    assert response.status_code == 302
    session = only_session()
    assert session.organization_id == org.id
    assert session.created_by_id == users["host"].id
    assert session.status == SessionStatus.SCHEDULED
    assert session.language_codes == ["es", "en"]
    assert session.childcare_offered and not session.food_offered
    assert session.capacity == 30 and session.seats_taken == 0
    assert audit_rows("conversation.created")[0].target_id == session.id


def test_the_times_typed_are_the_districts_local_times(client_as, users):
    create(client_as("host"), form_data(host_org(users).id))
    session = only_session()
    day = next_week().date()
    assert as_utc(session.starts_at) == local_to_utc(datetime.combine(day, time(18, 0)))
    assert as_utc(session.ends_at) == local_to_utc(datetime.combine(day, time(20, 0)))


def test_the_same_form_sent_twice_schedules_one_conversation(client_as, users):
    client = client_as("host")
    data = form_data(host_org(users).id)
    create(client, data)
    create(client, data)
    assert session_count() == 1


def test_the_new_form_preselects_the_organization_from_the_link(client_as, users):
    org = host_org(users)
    html = client_as("host").get(f"/conversations/new?organization={org.id}").get_data(as_text=True)
    assert f'<option selected value="{org.id}">' in html


def test_a_host_cannot_schedule_for_another_organization(client_as, users):
    other = make_organization("Other PTO")
    response = create(client_as("host"), form_data(other.id))
    assert response.status_code == 200
    assert "Not a valid choice" in errors_of(response)
    assert session_count() == 0


def test_the_service_refuses_another_organization_too(users):
    other = make_organization("Other PTO")
    values = {**service_fields(), "organization_id": other.id}
    with pytest.raises(hosting.InvalidSession) as refused:
        hosting.create_session(users["host"], **values)
    assert "organization_id" in refused.value.problems


def test_a_host_cannot_schedule_a_district_conversation(users):
    with pytest.raises(hosting.InvalidSession) as refused:
        hosting.create_session(users["host"], **{**service_fields(), "organization_id": None})
    assert "organization_id" in refused.value.problems


def test_a_leader_can_schedule_a_district_conversation(client_as, users):
    html = client_as("leader").get("/conversations/new").get_data(as_text=True)
    assert "The district" in html
    response = create(client_as("leader"), form_data(0))
    assert response.status_code == 302
    assert only_session().organization_id is None


def test_a_participant_cannot_open_the_new_conversation_form(client_as, users):
    assert client_as("participant").get("/conversations/new").status_code == 403


def service_fields(**overrides) -> dict:
    starts = utcnow().replace(microsecond=0) + timedelta(days=3)
    fields = {"title": "Conversation", "description": "", "organization_id": None, "plan_id": None,
              "section_keys": [], "school_id": None, "starts_at": starts, "ends_at": starts + timedelta(hours=2),
              "registration_deadline": None, "format": SessionFormat.IN_PERSON, "address": "1 Main St", "room": "",
              "accessibility_notes": "", "online_url": "", "languages": ["en"], "interpretation_available": False,
              "childcare_offered": False, "food_offered": False, "capacity": 20}
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": ""}, "title", "Please give the conversation a title."),
    ({"end_time": "17:00"}, "end_time", "The end must be after the start."),
    ({"end_time": "18:00"}, "end_time", "The end must be after the start."),
    ({"address": ""}, "address", "Please enter the address where people meet."),
    ({"format": "online", "online_url": ""}, "online_url", "Please enter the link people use to join."),
    ({"format": "online", "online_url": "javascript:alert(1)"}, "online_url", "starting with https://"),
    ({"format": "online", "online_url": "ftp://example.org/room"}, "online_url", "starting with https://"),
    ({"languages": []}, "languages", "Please choose at least one language."),
    ({"capacity": "0"}, "capacity", "from 1 to 1000"),
    ({"capacity": "1001"}, "capacity", "from 1 to 1000"),
    ({"capacity": "many"}, "capacity", ""),
    ({"capacity": "9" * 400}, "capacity", "from 1 to 1000"),  # too large even for a float
    ({"date": ""}, "date", "Please enter the date."),
])
def test_a_form_with_a_problem_shows_it_beside_the_field_and_keeps_what_was_typed(client_as, users, overrides,
                                                                                    field, message):
    data = form_data(host_org(users).id, **overrides)
    response = create(client_as("host"), data)
    html = errors_of(response)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert message in html
    assert 'value="Charla sobre el plan de equidad"' in html or not data["title"]
    assert session_count() == 0


def test_a_new_conversation_must_start_in_the_future(client_as, users):
    yesterday = (utc_to_local(utcnow()) - timedelta(days=1)).date().isoformat()
    response = create(client_as("host"), form_data(host_org(users).id, date=yesterday))
    assert 'id="date-error"' in response.get_data(as_text=True)
    assert "must start in the future" in errors_of(response)
    assert session_count() == 0


def test_sign_ups_must_close_before_the_start(client_as, users):
    late = f"{next_week().date().isoformat()}T19:00"
    response = create(client_as("host"), form_data(host_org(users).id, registration_deadline=late))
    assert "Sign-ups must close before the conversation starts." in errors_of(response)
    assert session_count() == 0


def test_every_problem_shows_at_once(client_as, users):
    response = create(client_as("host"), form_data(host_org(users).id, title="", end_time="17:00", address="",
                                                   languages=[]))
    html = response.get_data(as_text=True)
    for field in ("title", "end_time", "address", "languages"):
        assert f'id="{field}-error"' in html


def test_an_online_conversation_keeps_its_link_and_no_address(client_as, users):
    create(client_as("host"), form_data(host_org(users).id, format="online", online_url="https://meet.example.org/x"))
    session = only_session()
    assert session.format == SessionFormat.ONLINE
    assert session.online_url == "https://meet.example.org/x"
    assert session.address == "" and session.room == ""


def test_a_conversation_can_cover_chosen_sections_of_a_published_plan(client_as, users):
    plan = published_plan(users["leader"])
    first, second = section_keys(plan)
    create(client_as("host"), form_data(host_org(users).id, plan_id=str(plan.id),
                                        sections=[f"{plan.id}:{second}", f"{plan.id}:{first}"]))
    session = only_session()
    assert session.plan_id == plan.id
    assert session.section_keys == [first, second]  # in the plan's order


def test_the_form_lists_every_published_plans_sections_grouped_by_plan(client_as, users):
    a, b = published_plan(users["leader"], "Equity Plan"), published_plan(users["leader"], "Safety Plan")
    html = client_as("host").get("/conversations/new").get_data(as_text=True)
    for plan in (a, b):
        assert f"<legend>{plan.title}</legend>" in html
        for key in section_keys(plan):
            assert f'value="{plan.id}:{key}"' in html


def test_sections_of_another_plan_are_refused(client_as, users):
    a, b = published_plan(users["leader"], "Equity Plan"), published_plan(users["leader"], "Safety Plan")
    response = create(client_as("host"), form_data(host_org(users).id, plan_id=str(a.id),
                                                   sections=[f"{b.id}:{section_keys(b)[0]}"]))
    assert "Please choose only parts of the plan you linked." in errors_of(response)
    assert 'id="sections-error"' in response.get_data(as_text=True)
    assert session_count() == 0


def test_sections_without_a_plan_are_refused(client_as, users):
    plan = published_plan(users["leader"])
    response = create(client_as("host"), form_data(host_org(users).id,
                                                   sections=[f"{plan.id}:{section_keys(plan)[0]}"]))
    assert "Please choose the plan these parts belong to" in errors_of(response)
    assert session_count() == 0


def test_a_plan_without_a_published_version_is_refused_by_the_service(users):
    draft = make_plan("Unpublished")
    with pytest.raises(hosting.InvalidSession) as refused:
        hosting.create_session(users["leader"], **service_fields(plan_id=draft.id))
    assert "plan_id" in refused.value.problems


def test_an_inactive_school_is_refused_by_the_service(users):
    school = School(name="Closed Elementary", active=False)
    db.session.add(school)
    db.session.commit()
    with pytest.raises(hosting.InvalidSession) as refused:
        hosting.create_session(users["leader"], **service_fields(school_id=school.id))
    assert "school_id" in refused.value.problems


@pytest.mark.parametrize("field", ["plan_id", "school_id"])
@pytest.mark.parametrize("number", ["99999999999999999999", "-99999999999"])
def test_an_id_no_database_can_hold_is_refused_beside_the_field(client_as, users, field, number):
    response = create(client_as("host"), form_data(host_org(users).id, **{field: number}))
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert session_count() == 0


@pytest.mark.parametrize("field", ["plan_id", "school_id"])
def test_the_service_refuses_an_id_no_database_can_hold(users, field):
    with pytest.raises(hosting.InvalidSession) as refused:
        hosting.create_session(users["leader"], **service_fields(**{field: 10**20}))
    assert field in refused.value.problems


def test_the_conversation_can_be_for_one_school(client_as, users):
    school = School(name="Riverside Elementary")
    db.session.add(school)
    db.session.commit()
    create(client_as("host"), form_data(host_org(users).id, school_id=str(school.id)))
    assert only_session().school_id == school.id


# Editing --------------------------------------------------------------------------------


def test_a_host_changes_the_title_and_the_change_is_audited(client_as, users):
    session = morning_session(organization=host_org(users))
    response = edit(client_as("host"), session, title="New title")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ConversationSession, session.id).title == "New title"
    changes = audit_rows("conversation.updated")[0].details["changes"]
    assert changes["title"][1] == "New title"


def test_the_edit_form_shows_the_session_as_it_is(client_as, users):
    session = make_session("Café con padres", organization=host_org(users), languages=("es",))
    html = client_as("host").get(f"/conversations/{session.id}/edit").get_data(as_text=True)
    assert 'value="Café con padres"' in unescape(html)
    assert f'value="{utc_to_local(session.starts_at).strftime("%H:%M")}"' in html
    assert re.search(r'<input checked id="languages-\d+" name="languages" type="checkbox" value="es">', html)


def test_removing_and_adding_languages_keeps_one_row_each(client_as, users):
    session = morning_session(organization=host_org(users), languages=("en", "es"))
    edit(client_as("host"), session, languages=["es", "vi"])
    db.session.expire_all()
    assert db.session.get(ConversationSession, session.id).language_codes == ["es", "vi"]


def test_raising_the_capacity_gives_seats_to_the_waitlist(client_as, users):
    session = morning_session(organization=host_org(users), capacity=2, status=SessionStatus.FULL)
    add_registration(session, party_size=2)
    waiting = add_registration(session, name="Ana", party_size=1, status=RegistrationStatus.WAITLISTED)
    edit(client_as("host"), session, capacity="3")
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    assert db.session.get(ConversationSession, session.id).status == SessionStatus.FULL
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == waiting.email)).all()


def test_capacity_below_the_seats_taken_is_refused_beside_the_field(client_as, users):
    session = morning_session(organization=host_org(users), capacity=10)
    add_registration(session, party_size=4)
    response = edit(client_as("host"), session, capacity="3", title="Changed too")
    html = errors_of(response)
    assert 'id="capacity-error"' in html
    assert "4 seats are already taken." in html
    db.session.expire_all()
    unchanged = db.session.get(ConversationSession, session.id)
    assert unchanged.capacity == 10 and unchanged.title != "Changed too"


def test_a_conversation_that_has_started_can_still_be_corrected(users):
    session = make_session(organization=host_org(users), starts_in=timedelta(minutes=-30))
    hosting.update_session(users["host"], session, title="Fixed a typo")
    db.session.expire_all()
    assert db.session.get(ConversationSession, session.id).title == "Fixed a typo"


def test_moving_a_session_into_the_past_is_refused(client_as, users):
    session = morning_session(organization=host_org(users))
    yesterday = (utc_to_local(utcnow()) - timedelta(days=1)).date().isoformat()
    response = edit(client_as("host"), session, date=yesterday)
    assert "must start in the future" in errors_of(response)


@pytest.mark.parametrize("status", [SessionStatus.CANCELLED, SessionStatus.COMPLETED])
def test_a_cancelled_or_held_conversation_cannot_be_edited(client_as, users, status):
    session = make_session(organization=host_org(users), status=status)
    client = client_as("host")
    response = client.get(f"/conversations/{session.id}/edit")
    assert response.status_code == 302
    response = post_form(client, f"/conversations/{session.id}/edit", edit_data(session, title="Sneaky"),
                         form_page="/conversations/manage", follow_redirects=True)
    assert "can't change any more" in errors_of(response)
    db.session.expire_all()
    assert db.session.get(ConversationSession, session.id).title != "Sneaky"


def test_the_service_refuses_editing_a_held_conversation(users):
    session = make_session(organization=None, status=SessionStatus.COMPLETED)
    with pytest.raises(hosting.InvalidTransition):
        hosting.update_session(users["leader"], session, title="Sneaky")


# Emails when the time or place changes -----------------------------------------------------


def messages_to(email: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                              .order_by(OutboxMessage.id)).all()


def test_people_signed_up_are_emailed_a_new_calendar_file_when_the_time_changes(client_as, users):
    session = morning_session(organization=host_org(users))
    coming = add_registration(session, name="Rosa")
    edit(client_as("host"), session, start_time="11:00", end_time="13:00")
    [message] = messages_to(coming.email)
    assert "Rosa" in message.body_text
    assert message.attachments[0]["filename"] == "conversation.ics"
    assert "SEQUENCE:" in message.attachments[0]["content"]


def test_a_new_address_is_in_the_change_email(client_as, users):
    session = morning_session(organization=host_org(users))
    coming = add_registration(session, name="Rosa")
    edit(client_as("host"), session, address="55 Oak Street")
    [message] = messages_to(coming.email)
    assert message.subject == f"Changed: {session.title}"
    assert "changed where this community conversation takes place" in message.body_text
    assert "55 Oak Street" in message.body_text


def test_people_on_the_waitlist_are_told_of_a_new_place_without_a_calendar_file(client_as, users):
    session = morning_session(organization=host_org(users), capacity=1, status=SessionStatus.FULL)
    add_registration(session)
    waiting = add_registration(session, status=RegistrationStatus.WAITLISTED)
    edit(client_as("host"), session, address="55 Oak Street")
    [message] = messages_to(waiting.email)
    assert message.attachments == []
    assert "waitlist" in message.body_text


def test_cancelled_registrations_are_not_emailed_about_changes(client_as, users):
    session = morning_session(organization=host_org(users))
    gone = add_registration(session, status=RegistrationStatus.CANCELLED)
    edit(client_as("host"), session, address="55 Oak Street")
    assert messages_to(gone.email) == []


def test_a_new_title_sends_no_email(client_as, users):
    session = morning_session(organization=host_org(users))
    coming = add_registration(session)
    assert edit(client_as("host"), session, title="Better title").status_code == 302
    assert messages_to(coming.email) == []


def test_a_new_time_lets_the_reminder_go_out_again(client_as, users):
    session = morning_session(organization=host_org(users))
    coming = add_registration(session, reminder_sent_at=utcnow())
    edit(client_as("host"), session, start_time="11:00", end_time="13:00")
    db.session.expire_all()
    assert db.session.get(Registration, coming.id).reminder_sent_at is None


# Cancelling -----------------------------------------------------------------------------------


def test_cancelling_asks_for_a_reason_on_a_confirm_page(client_as, users):
    session = make_session(organization=host_org(users))
    add_registration(session, party_size=3)
    html = client_as("host").get(f"/conversations/{session.id}/cancel").get_data(as_text=True)
    assert "3 people have a place." in html
    assert 'name="reason"' in html


def test_cancelling_without_a_reason_is_refused(client_as, users):
    session = make_session(organization=host_org(users))
    response = post_form(client_as("host"), f"/conversations/{session.id}/cancel", {"reason": "  "},
                         form_page=f"/conversations/{session.id}/cancel")
    assert 'id="reason-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ConversationSession, session.id).status == SessionStatus.SCHEDULED


def test_cancelling_emails_everyone_with_the_reason(client_as, users):
    session = make_session(organization=host_org(users))
    coming = add_registration(session)
    response = post_form(client_as("host"), f"/conversations/{session.id}/cancel",
                         {"reason": "The school is closed for repairs."},
                         form_page=f"/conversations/{session.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(ConversationSession, session.id)
    assert cancelled.status == SessionStatus.CANCELLED
    assert cancelled.cancellation_reason == "The school is closed for repairs."
    [message] = messages_to(coming.email)
    assert "The school is closed for repairs." in message.body_text
    assert audit_rows("conversation.cancelled")[0].details["reason"] == "The school is closed for repairs."


# The list of conversations a host runs ----------------------------------------------------


def test_the_manage_page_lists_upcoming_first_then_past(client_as, users):
    org = host_org(users)
    past = make_session("Last month", organization=org, starts_in=timedelta(days=-30), status=SessionStatus.COMPLETED)
    later = make_session("In two weeks", organization=org, starts_in=timedelta(days=14))
    soon = make_session("Tomorrow", organization=org, starts_in=timedelta(days=1))
    html = client_as("host").get("/conversations/manage").get_data(as_text=True)
    assert html.index(soon.title) < html.index(later.title) < html.index("Past conversations") < html.index(past.title)


def test_the_manage_page_shows_seats_waitlist_and_notes(client_as, users):
    session = make_session(organization=host_org(users), capacity=2, status=SessionStatus.FULL)
    add_registration(session, party_size=2)
    add_registration(session, status=RegistrationStatus.WAITLISTED)
    add_registration(session, status=RegistrationStatus.WAITLISTED)
    db.session.add(ConversationNote(session_id=session.id, status=NoteStatus.DRAFT))
    db.session.commit()
    html = client_as("host").get("/conversations/manage").get_data(as_text=True)
    card = html[html.index(f'id="session-{session.id}"'):]
    card = card[:card.index("</li>\n")] if "</li>\n" in card else card
    assert "2 of 2 places taken · 2 on the waitlist" in card
    assert "Full" in card


def _card(html: str, session) -> str:
    card = html[html.index(f'id="session-{session.id}"'):]
    return card[:card.index("\n</li>\n")]


def _main_action(card: str) -> list[str]:
    return re.findall(r'<a class="button" href="([^"]+)">([^<]+)<', card)


def test_each_session_shows_the_one_main_action_for_where_it_is_and_a_status_that_follows_the_clock(
        client_as, users):
    org = host_org(users)
    coming = make_session("Next week", organization=org, starts_in=timedelta(days=7))
    under_way = make_session("Under way", organization=org, starts_in=timedelta(minutes=-30))
    ended = make_session("Two days ago", organization=org, starts_in=timedelta(days=-2))  # never marked as held
    held = make_session("Held last week", organization=org, starts_in=timedelta(days=-7),
                        status=SessionStatus.COMPLETED)
    db.session.add(ConversationNote(session_id=held.id, status=NoteStatus.SUBMITTED))
    db.session.commit()

    html = client_as("host").get("/conversations/manage").get_data(as_text=True)

    assert _main_action(_card(html, coming)) == [(f"/conversations/{coming.id}/toolkit/guide",
                                                  "Get ready: guide and printouts")]
    assert "Taking sign-ups" in _card(html, coming)
    assert _main_action(_card(html, under_way)) == [(f"/conversations/{under_way.id}/check-in", "Check people in")]
    assert "Happening now" in _card(html, under_way)
    assert _main_action(_card(html, ended)) == [(f"/conversations/{ended.id}/notes", "Write what you heard")]
    assert ">Ended<" in _card(html, ended) and "Started" not in _card(html, ended)
    assert "Mark as held" in _card(html, ended)
    assert _main_action(_card(html, held)) == [] and ">Held<" in _card(html, held)
    assert "Notes: Submitted" in _card(html, held)
    # The other tools are one tap away, folded.
    for session in (coming, under_way, ended, held):
        assert '<details class="host-more">' in _card(html, session)


def test_the_manage_page_links_to_every_tool(client_as, users):
    session = make_session(organization=host_org(users))
    html = client_as("host").get("/conversations/manage").get_data(as_text=True)
    for path in ("edit", "roster", "check-in", "notes", "notes/cards", "toolkit/guide", "toolkit/sign-in-sheet",
                 "toolkit/comment-cards", "cancel"):
        assert f'href="/conversations/{session.id}/{path}"' in html, path


def test_a_host_sees_only_their_organizations_conversations(client_as, users):
    mine = make_session("Ours", organization=host_org(users))
    theirs = make_session("Theirs", organization=make_organization("Other PTO"))
    html = client_as("host").get("/conversations/manage").get_data(as_text=True)
    assert mine.title in html and theirs.title not in html


def test_a_leader_sees_every_conversation(client_as, users):
    org_session = make_session("Ours", organization=host_org(users))
    district = make_session("District-wide", organization=None)
    html = client_as("leader").get("/conversations/manage").get_data(as_text=True)
    assert org_session.title in html and district.title in html


def test_the_waitlist_counts_only_the_hosts_sessions(client_as, users):
    theirs = make_session("Theirs", organization=make_organization("Other PTO"))
    add_registration(theirs, status=RegistrationStatus.WAITLISTED)
    upcoming, _past = hosting.sessions_to_manage(users["host"])
    assert upcoming == []


def test_the_manage_page_runs_the_same_queries_however_many_sessions(client_as, users):
    client = client_as("host")
    org = host_org(users)

    def add_sessions(count):
        for i in range(count):
            session = make_session(f"Session {i}", organization=org, starts_in=timedelta(days=i - 2))
            add_registration(session)
            add_registration(session, status=RegistrationStatus.WAITLISTED)
            db.session.add(ConversationNote(session_id=session.id, status=NoteStatus.SUBMITTED))
        db.session.commit()

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/conversations/manage").status_code == 200
        return counter.count

    add_sessions(2)
    few = queries()
    add_sessions(8)
    assert queries() == few


def test_the_hosting_page_links_to_the_conversations_and_to_a_new_one(client_as, users):
    org = host_org(users)
    make_organization("Book club", hosts=False)
    html = client_as("host").get("/host/").get_data(as_text=True)
    assert 'href="/conversations/manage"' in html
    assert f'href="/conversations/new?organization={org.id}"' in html


def test_a_member_of_two_organizations_may_host_for_either(client_as, users):
    second = make_organization("Second PTO")
    person = make_user(email="two@example.org", organization=host_org(users))
    db.session.add(second)
    from engage.orgs.models import Membership
    db.session.add(Membership(user_id=person.id, organization_id=second.id))
    db.session.commit()
    session = hosting.create_session(person, **service_fields(organization_id=second.id))
    assert session.organization_id == second.id


def test_a_title_sent_with_line_breaks_is_kept_on_one_line():
    assert single_line("Family night\r\nSubject: injected") == "Family night Subject: injected"
