"""Finding a conversation: the public listing, its filters, the month calendar and a session's page."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from engage.conversations.models import SessionFormat, SessionStatus
from engage.extensions import db
from engage.i18n import local_to_utc, utc_to_local
from engage.models import utcnow
from engage.orgs.models import School
from engage.plans.models import PlanVersion
from tests.conversations.factories import add_registration, make_session
from tests.support.people import make_organization
from tests.support.queries import count_queries

LIST = "/conversations/"
CALENDAR = "/conversations/calendar"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def listed_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="conversation-title"><a href="/conversations/\d+">([^<]*)</a>', html)


def make_school(name: str = "Riverside Elementary") -> School:
    school = School(name=name)
    db.session.add(school)
    db.session.commit()
    return school


def at_local(session, day, hour: int, minute: int = 0):
    """Move a session to a district-local date and time."""
    session.starts_at = local_to_utc(datetime.combine(day, time(hour, minute)))
    session.ends_at = session.starts_at + timedelta(hours=2)
    db.session.commit()
    return session


def in_days(days: int):
    return utc_to_local(utcnow()).date() + timedelta(days=days)


# The listing ---------------------------------------------------------------------


def test_the_listing_shows_upcoming_sessions_soonest_first(client, app):
    make_session("Later one", starts_in=timedelta(days=9))
    make_session("Sooner one", starts_in=timedelta(days=2))
    make_session("Full one", starts_in=timedelta(days=5), status=SessionStatus.FULL)

    assert listed_titles(page(client, LIST)) == ["Sooner one", "Full one", "Later one"]


def test_the_listing_leaves_out_past_cancelled_and_completed_sessions(client, app):
    make_session("Upcoming")
    make_session("Already started", starts_in=timedelta(hours=-1))
    make_session("Called off", status=SessionStatus.CANCELLED)
    make_session("Done", starts_in=timedelta(days=-3), status=SessionStatus.COMPLETED)

    assert listed_titles(page(client, LIST)) == ["Upcoming"]


def test_each_session_shows_its_host_place_languages_offers_and_seats(client, app):
    org = make_organization("Lincoln PTO")
    session = make_session("Budget night", organization=org, capacity=10, languages=("en", "es"),
                           childcare_offered=True, food_offered=True, interpretation_available=True)
    add_registration(session, party_size=3)

    html = page(client, LIST)

    assert "Lincoln PTO" in html and "1200 River Road, Riverbend" in html
    assert "English, Spanish" in html
    assert "<li>Childcare</li>" in html and "<li>Food</li>" in html and "<li>Interpretation</li>" in html
    assert "7 seats left" in html


def test_a_district_hosted_online_session_shows_the_district_and_online(client, app):
    make_session("District night", format=SessionFormat.ONLINE, address="", online_url="https://meet.example.org/x")

    html = page(client, LIST)

    assert "Riverbend Unified School District" in html
    assert "<dd>Online" in html
    assert "meet.example.org" not in html


def test_a_session_past_its_deadline_says_sign_ups_are_closed(client, app):
    make_session("Too late", registration_deadline=utcnow() - timedelta(hours=1))

    assert "Sign-ups closed" in page(client, LIST)


def test_a_full_session_invites_people_to_the_waitlist(client, app):
    session = make_session("Popular", capacity=2)
    add_registration(session, party_size=2)

    assert "Full – join the waitlist" in page(client, LIST)


def test_the_date_range_filter_uses_district_dates(client, app):
    # 23:30 in the district is already the next day in UTC: it must count as the district's day.
    at_local(make_session("Late evening"), in_days(5), 23, 30)
    at_local(make_session("Next morning"), in_days(6), 9)
    at_local(make_session("Day before"), in_days(4), 9)
    day = in_days(5).isoformat()

    assert listed_titles(page(client, f"{LIST}?from={day}&to={day}")) == ["Late evening"]


def test_the_from_date_alone_leaves_out_earlier_sessions(client, app):
    at_local(make_session("Early"), in_days(2), 18)
    at_local(make_session("Late"), in_days(8), 18)

    assert listed_titles(page(client, f"{LIST}?from={in_days(5).isoformat()}")) == ["Late"]


def test_the_school_filter(client, app):
    school = make_school()
    make_session("At the school", school_id=school.id)
    make_session("Elsewhere")

    assert listed_titles(page(client, f"{LIST}?school={school.id}")) == ["At the school"]


def test_the_language_filter_matches_any_session_language(client, app):
    make_session("Bilingual", languages=("en", "es"))
    make_session("Vietnamese", languages=("vi",))
    make_session("English only", languages=("en",))

    assert listed_titles(page(client, f"{LIST}?language=es")) == ["Bilingual"]


def test_the_format_filter(client, app):
    make_session("On screen", format=SessionFormat.ONLINE)
    make_session("In the library", format=SessionFormat.IN_PERSON)

    assert listed_titles(page(client, f"{LIST}?format=online")) == ["On screen"]
    assert listed_titles(page(client, f"{LIST}?format=in_person")) == ["In the library"]


def test_the_childcare_filter(client, app):
    make_session("With childcare", childcare_offered=True)
    make_session("Without childcare")

    assert listed_titles(page(client, f"{LIST}?childcare=y")) == ["With childcare"]


def test_the_seats_filter_leaves_out_full_sessions(client, app):
    full = make_session("No room", capacity=1)
    add_registration(full)
    make_session("Room left", capacity=5)

    assert listed_titles(page(client, f"{LIST}?seats=y")) == ["Room left"]


def test_filters_combine(client, app):
    make_session("Spanish with childcare", languages=("es",), childcare_offered=True)
    make_session("Spanish without childcare", languages=("es",))
    make_session("English with childcare", childcare_offered=True)

    assert listed_titles(page(client, f"{LIST}?language=es&childcare=y")) == ["Spanish with childcare"]


@pytest.mark.parametrize("query", [
    "from=not-a-date", "to=2026-02-30", "from=0001-01-01", "to=9999-12-31", "school=abc", "school=99999999999999",
    "language=xx", "format=teleport", "page=abc", "page=-4", "page=99999999999999", "month=abc",
    "from=2026-05-01&to=2026-04-01", "seats=maybe",
])
def test_bad_filter_values_never_break_the_listing(client, app, query):
    make_session("Still here")

    for path in (LIST, CALENDAR):
        assert client.get(f"{path}?{query}").status_code == 200


def test_a_bad_filter_value_shows_an_error_beside_its_field_and_the_others_still_apply(client, app):
    make_session("Online one", format=SessionFormat.ONLINE)
    make_session("In person one")

    html = page(client, f"{LIST}?from=soon&format=online")

    assert 'id="from-error"' in html and "Please enter a date like 2026-05-14." in html
    assert listed_titles(html) == ["Online one"]


def test_a_to_date_before_the_from_date_is_an_error(client, app):
    make_session("Any")

    html = page(client, f"{LIST}?from=2026-05-10&to=2026-05-01")

    assert 'id="to-error"' in html


def test_the_listing_is_paginated(client, app):
    for number in range(23):
        make_session(f"Session {number:02d}", starts_in=timedelta(days=1, hours=number))

    first, second = page(client, LIST), page(client, f"{LIST}?page=2")

    assert len(listed_titles(first)) == 20 and len(listed_titles(second)) == 3
    assert "23 upcoming conversations" in first
    assert 'rel="next"' in first


def test_past_conversations_list_the_completed_ones_newest_first(client, app):
    make_session("Upcoming")
    make_session("Long ago", starts_in=timedelta(days=-30), status=SessionStatus.COMPLETED)
    make_session("Last week", starts_in=timedelta(days=-7), status=SessionStatus.COMPLETED)
    make_session("Called off", starts_in=timedelta(days=-5), status=SessionStatus.CANCELLED)

    html = page(client, f"{LIST}?when=past")

    assert listed_titles(html) == ["Last week", "Long ago"]
    assert "<h1>Past conversations</h1>" in html


def test_the_listing_links_to_the_calendar_and_past_conversations_keeping_filters(client, app):
    html = page(client, f"{LIST}?language=es")

    assert 'href="/conversations/calendar?language=es"' in html
    assert 'href="/conversations/?when=past&amp;language=es"' in html


def _fill(how_many: int, school, org) -> None:
    """Upcoming sessions this month and completed ones, each with a host, school, languages and people."""
    for number in range(how_many):
        upcoming = make_session(f"Row {number}", organization=org, school_id=school.id, languages=("en", "es"))
        at_local(upcoming, in_days(1), 8 + number % 12, number % 60)
        add_registration(upcoming)
        done = make_session(f"Done {number}", organization=org, school_id=school.id, languages=("es",),
                            status=SessionStatus.COMPLETED, starts_in=timedelta(days=-1 - number))
        add_registration(done)


@pytest.mark.parametrize("path", [LIST, CALENDAR, f"{LIST}?when=past"])
def test_list_pages_run_the_same_number_of_queries_however_many_sessions(client, app, path):
    school, org = make_school(), make_organization("Busy PTO")
    if path == CALENDAR:
        path = f"{CALENDAR}?month={month_of(in_days(1))}"
    _fill(3, school, org)

    def queries(rows: int) -> int:
        db.session.expire_all()
        with count_queries() as counter:
            html = page(client, path)
        assert len(re.findall(r'href="/conversations/\d+"', html)) >= rows
        return counter.count

    few = queries(3)
    _fill(15, school, org)
    many = queries(18)

    assert many == few, f"{path}: {few} queries with few sessions, {many} with many"


# The month calendar ------------------------------------------------------------


def month_of(day) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def test_the_calendar_is_an_accessible_table_of_the_month(client, app):
    html = page(client, f"{CALENDAR}?month=2030-05")

    assert "<caption>May 2030</caption>" in html
    assert html.count('<th scope="col">') == 7
    assert "Friday, May 31, 2030" in html


def test_the_calendar_puts_sessions_on_their_district_day(client, app):
    day = in_days(10)
    at_local(make_session("Late talk"), day, 23, 30)

    html = page(client, f"{CALENDAR}?month={month_of(day)}")

    cell = re.search(r'<td class="has-sessions[^"]*"[^>]*>(.*?)</td>', html, re.S)
    assert cell is not None
    assert day.strftime("%B") in cell.group(1) and f" {day.day}, {day.year}" in cell.group(1)
    assert "Late talk" in cell.group(1)


def test_the_calendar_applies_the_filters(client, app):
    day = in_days(10)
    at_local(make_session("With childcare", childcare_offered=True), day, 10)
    at_local(make_session("No childcare"), day, 12)

    html = page(client, f"{CALENDAR}?month={month_of(day)}&childcare=y")

    assert "With childcare" in html and "No childcare" not in html


def test_the_calendar_links_to_the_months_around_it_keeping_filters(client, app):
    html = page(client, f"{CALENDAR}?month=2030-01&language=es")

    assert 'href="/conversations/calendar?month=2029-12&amp;language=es"' in html
    assert 'href="/conversations/calendar?month=2030-02&amp;language=es"' in html


def test_the_calendar_shows_completed_sessions_but_not_cancelled_ones(client, app):
    day = in_days(-3)
    at_local(make_session("Took place", status=SessionStatus.COMPLETED), day, 10)
    at_local(make_session("Called off", status=SessionStatus.CANCELLED), day, 12)

    html = page(client, f"{CALENDAR}?month={month_of(day)}")

    assert "Took place" in html and "Called off" not in html


@pytest.mark.parametrize("month", ["2026-13", "abcd-ef", "0000-01", "99999-01", "2026-1", ""])
def test_a_bad_month_shows_the_current_month(client, app, month):
    today = in_days(0)

    html = page(client, f"{CALENDAR}?month={month}")

    assert f"<caption>{today.strftime('%B')} {today.year}</caption>" in html


# A session's page --------------------------------------------------------------


def test_the_session_page_shows_the_details(client, app):
    org = make_organization("Lincoln PTO")
    session = make_session("Budget night", organization=org, room="Library", accessibility_notes="Ramp at the back",
                           childcare_offered=True, languages=("es",), capacity=12)

    html = page(client, f"/conversations/{session.id}")

    for expected in ("<h1>Budget night</h1>", "Share what you think of the draft plan.", "Lincoln PTO",
                     "1200 River Road, Riverbend", "Room: Library", "Ramp at the back", "Spanish",
                     "12 of 12 left", "Sign up by"):
        assert expected in html


def test_an_online_session_page_hides_the_link(client, app):
    session = make_session("Online night", format=SessionFormat.ONLINE, online_url="https://meet.example.org/secret")

    html = page(client, f"/conversations/{session.id}")

    assert "meet.example.org/secret" not in html
    assert "Online – the link is sent to people who sign up." in html


def test_the_session_page_links_the_published_plan_and_names_the_sections_to_discuss(client, app, users):
    from tests.plans.factories import make_plan

    plan = make_plan()
    sections = {section.key: section.title for section in plan.sections}
    keys = list(sections)[:1]
    db.session.add(PlanVersion(plan_id=plan.id, number=1, status="draft", published_by_id=users["leader"].id,
                               snapshot={"sections": [{"key": k, "title": t} for k, t in sections.items()]}))
    db.session.commit()
    session = make_session("About the plan", plan_id=plan.id, section_keys=keys)

    html = page(client, f"/conversations/{session.id}")

    assert f'href="/plans/{plan.id}"' in html
    assert f'href="/plans/{plan.id}#section-{keys[0]}">{sections[keys[0]]}</a>' in html


def test_an_unpublished_plan_is_not_linked(client, app):
    from tests.plans.factories import make_plan

    plan = make_plan()
    session = make_session("About a draft", plan_id=plan.id, section_keys=[plan.sections[0].key])

    html = page(client, f"/conversations/{session.id}")

    assert f'href="/plans/{plan.id}' not in html


def test_a_cancelled_session_shows_the_cancellation_and_no_form(client, app):
    session = make_session("Called off", status=SessionStatus.CANCELLED, cancelled_at=utcnow(),
                           cancellation_reason="The school is closed for repairs.")

    html = page(client, f"/conversations/{session.id}")

    assert "This conversation has been cancelled." in html
    assert "The school is closed for repairs." in html
    assert "/sign-up" not in html


def test_an_unknown_session_is_a_404(client, app):
    assert client.get("/conversations/4242").status_code == 404


def test_the_calendar_file_has_the_session_without_the_online_link(client, app):
    session = make_session("Online night", format=SessionFormat.ONLINE, online_url="https://meet.example.org/secret")

    response = client.get(f"/conversations/{session.id}/calendar.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body and "SUMMARY;LANGUAGE=en:Online night" in body
    assert "meet.example.org/secret" not in body


def test_the_session_page_links_its_calendar_file(client, app):
    session = make_session()

    assert f'href="/conversations/{session.id}/calendar.ics"' in page(client, f"/conversations/{session.id}")


@pytest.mark.parametrize("path", ["/conversations/", "/conversations/calendar", "/conversations/{id}"])
def test_hostile_session_text_is_escaped(client, app, path):
    session = make_session('<script>alert("t")</script>', description='<img src=x onerror=alert(1)> hello')
    month = month_of(utc_to_local(session.starts_at))

    html = page(client, path.format(id=session.id) + (f"?month={month}" if "calendar" in path else ""))

    assert '<script>alert("t")</script>' not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


# Home and account pages ------------------------------------------------------------


def test_the_home_page_offers_the_next_three_conversations_and_counts_the_rest(client, app):
    sessions = [make_session(f"Session {n}", starts_in=timedelta(days=n + 1)) for n in range(5)]
    make_session("Already held", starts_in=timedelta(days=-2), status=SessionStatus.COMPLETED)

    offered = page(client, "/").split('id="have-your-say-title"', 1)[1].split("</section>", 1)[0]

    assert [title for title in re.findall(r">(Session \d|Already held)</a>", offered)] == \
        ["Session 0", "Session 1", "Session 2"]
    assert f'href="/conversations/{sessions[0].id}"' in offered
    assert "See all 5 conversations and sign up" in offered and 'href="/conversations/"' in offered


def test_the_home_page_offers_no_conversations_card_when_none_is_coming(client, app):
    make_session("Already held", starts_in=timedelta(days=-2), status=SessionStatus.COMPLETED)

    assert "Community conversations" not in page(client, "/").split('id="have-your-say-title"', 1)[1]


def test_my_account_lists_my_active_conversations_with_their_links(client_as, users):
    mine = make_session("Mine")
    add_registration(mine, email=users["participant"].email)
    cancelled = make_session("Gave it up")
    add_registration(cancelled, email=users["participant"].email, status="cancelled")
    someone_elses = make_session("Not mine")
    add_registration(someone_elses)

    html = page(client_as("participant"), "/account")

    assert "Mine" in html and "Gave it up" not in html and "Not mine" not in html
    assert 'href="/conversations/registration/' in html
