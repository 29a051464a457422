"""Community conversations in a real browser: a parent signs up and cancels, a host runs the session.

A parent, on a phone in Spanish, finds a Spanish-language conversation with
childcare through the listing's filters, signs up as a guest (once with a
mistyped email address: the form comes back with the error and everything else
as typed), gets the confirmation email with its calendar file, and cancels
with the link in that email; the seat is free again.

A host of the session's organization, on a desktop, opens the conversations
they run, checks two people in (one with the keyboard only), adds a walk-in,
then writes notes: a draft first, then submitted to the district, where the
entries become feedback on the plan.

A leader shares a link in the hosts' toolkit, and a host finds it there.

Every page on the way is checked with axe (and, on the phone, for sideways
scrolling). Labels are looked up with translated(), so the Spanish journey
follows the catalog as it grows.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engage.conversations.models import (
    ConversationNote,
    ConversationSession,
    NoteStatus,
    Registration,
    RegistrationStatus,
    ToolkitResource,
)
from engage.extensions import db
from engage.feedback.services import FeedbackSource, plan_feedback_items
from engage.mail.models import OutboxMessage
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from tests.browser.conftest import (
    assert_accessible,
    check,
    expect,
    heading,
    menu_link,
    press_and_wait_for_page,
    sign_in,
    tab_to,
    translated,
)
from tests.conversations.factories import add_registration, make_session
from tests.plans.factories import make_plan
from tests.support.people import make_organization, make_user

MATCH_TITLE = "Conversación en español con cuidado de niños"
NO_CHILDCARE_TITLE = "Conversación en español sin cuidado de niños"
ENGLISH_TITLE = "English conversation with childcare"
GUEST_NAME = "Rosa Díaz"
GUEST_EMAIL = "rosa.diaz@example.org"
BAD_EMAIL = "rosa.diaz@"
MANAGE_LINK = re.compile(r"https?://\S+/conversations/registration/[^\s/]+")

HOST_EMAIL = "hana.lincoln@example.org"
SESSION_TITLE = "Lincoln families talk about the plan"
HEARD_ABOUT_GOAL = "Families want the late bus to stop at the library."
HEARD_IN_GENERAL = "Several parents asked for meetings in the evening."
WALK_IN_NAME = "Marta Walk-in"


def main(page):
    return page.get_by_role("main")


def for_whom(label: str, name: str) -> re.Pattern:
    """The name of a button or link like "Mark attended: Ana", whose ": Ana" is visually hidden
    (absolutely positioned, so the computed name may have a space before the colon)."""
    return re.compile(rf"^{re.escape(label)}\s*:\s*{re.escape(name)}$")


def flash(page):
    """The message shown after an action (the check-in page has a live count with role=status too)."""
    return page.locator(".flashes").get_by_role("status")


# A parent signs up and cancels ---------------------------------------------------------


@pytest.fixture
def listed_sessions(app):
    """Three upcoming sessions: one matches "Spanish, with childcare", two don't."""
    match = make_session(MATCH_TITLE, languages=("es", "en"), childcare_offered=True, capacity=12,
                         starts_in=timedelta(days=5))
    make_session(NO_CHILDCARE_TITLE, languages=("es",), childcare_offered=False, starts_in=timedelta(days=6))
    make_session(ENGLISH_TITLE, languages=("en",), childcare_offered=True, starts_in=timedelta(days=4))
    return match


def test_a_parent_finds_a_spanish_session_with_childcare_signs_up_on_a_phone_and_cancels_by_the_emailed_link(
        new_context, listed_sessions):
    session = listed_sessions
    page = new_context("es", phone=True).new_page()

    # Conversations, from the menu.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    menu_link(page, translated("Conversations")).click()
    expect(heading(page)).to_have_text(translated("Community conversations"))
    expect(main(page).get_by_role("link", name=ENGLISH_TITLE, exact=True)).to_be_visible()
    check(page)

    # Spanish, with childcare: only the matching session is left. The filters are folded under the
    # results' count until opened.
    folded = page.locator("details.conversation-filters")
    expect(folded).not_to_have_attribute("open", "")
    folded.get_by_text(translated("Filter by date, school, language and more")).click()
    filters = folded.get_by_role("form")
    filters.get_by_label(translated("Language spoken")).select_option("es")
    filters.get_by_label(translated("Childcare offered")).check()
    filters.get_by_role("button", name=translated("Show conversations")).click()
    expect(page).to_have_url(re.compile(r"[?&]language=es\b"))
    expect(page).to_have_url(re.compile(r"[?&]childcare=y\b"))
    expect(main(page).get_by_role("heading", level=3)).to_have_text([MATCH_TITLE])
    expect(main(page).get_by_role("link", name=NO_CHILDCARE_TITLE)).to_have_count(0)
    expect(main(page).get_by_role("link", name=ENGLISH_TITLE)).to_have_count(0)
    expect(filters.get_by_label(translated("Language spoken"))).to_have_value("es")
    expect(filters.get_by_label(translated("Childcare offered"))).to_be_checked()
    expect(folded.locator("summary")).to_have_text(translated("Filters: %(num)d on", num=2))
    check(page)

    # The session's page, at its sign-up form, from the "Sign up" beside its title.
    main(page).get_by_role("link", name=re.compile(rf"^{translated('Sign up')}\s*: {re.escape(MATCH_TITLE)}$")).click()
    expect(page).to_have_url(re.compile(r"#sign-up$"))
    expect(heading(page)).to_have_text(MATCH_TITLE)
    form = page.locator("form.signup-form")
    expect(form).to_be_visible()
    check(page)

    # Everything filled in, but the email address is mistyped.
    name = form.get_by_label(translated("Your name"))
    email = form.get_by_label(translated("Email address"))
    party = form.get_by_label(translated("How many people are coming, including you?"))
    childcare = form.get_by_label(translated("How many children need childcare during the session?"))
    interpreter = form.get_by_label(translated("Do you need an interpreter? In which language?"))
    consent = form.get_by_label(translated(
        "I agree that my details are kept and shared with the host as explained above."))
    name.fill(GUEST_NAME)
    email.fill(BAD_EMAIL)
    party.fill("3")
    childcare.fill("2")
    interpreter.select_option("")  # "No interpreter needed"
    consent.check()
    sign_up = form.get_by_role("button", name=translated("Sign up"))
    sign_up.click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_contain_text(translated("Email address"))
    expect(email).to_have_attribute("aria-invalid", "true")
    # What was typed is still there.
    expect(name).to_have_value(GUEST_NAME)
    expect(email).to_have_value(BAD_EMAIL)
    expect(party).to_have_value("3")
    expect(childcare).to_have_value("2")
    expect(interpreter).to_have_value("")
    expect(consent).to_be_checked()
    check(page)

    # Corrected: a place, on the personal page the form leads to.
    email.fill(GUEST_EMAIL)
    sign_up.click()
    expect(page).to_have_url(re.compile(r"/conversations/registration/[^/]+$"))
    expect(heading(page)).to_have_text(translated("Your place: %(title)s", title=MATCH_TITLE))
    expect(flash(page)).to_have_text(translated("You're signed up. We have emailed you the details."))
    expect(main(page)).to_contain_text(translated("You have a place."))
    check(page)

    db.session.expire_all()
    registration = db.session.scalars(select(Registration).where(Registration.session_id == session.id)).one()
    assert (registration.name, registration.email, registration.status) == (GUEST_NAME, GUEST_EMAIL,
                                                                            RegistrationStatus.CONFIRMED)
    assert (registration.party_size, registration.childcare_count, registration.interpretation_language,
            registration.locale) == (3, 2, None, "es")
    assert db.session.get(ConversationSession, session.id).seats_taken == 3

    # The confirmation, in Spanish, with the calendar file and the personal link.
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == GUEST_EMAIL)).one()
    assert message.subject == translated("You're signed up: %(title)s", title=MATCH_TITLE)
    assert [attachment["content_type"].split(";")[0] for attachment in message.attachments] == ["text/calendar"]
    assert message.attachments[0]["filename"].endswith(".ics")
    assert "BEGIN:VEVENT" in message.attachments[0]["content"]
    links = MANAGE_LINK.findall(message.body_text)
    assert len(links) == 1, message.body_text

    # The link from the email, in the same phone: cancel.
    page.goto(links[0])
    expect(heading(page)).to_have_text(translated("Your place: %(title)s", title=MATCH_TITLE))
    check(page)
    # Cancelling asks first; "No" changes nothing.
    main(page).get_by_role("link", name=translated("Cancel my place")).click()
    expect(heading(page)).to_have_text(translated("Cancel your place?"))
    check(page)
    main(page).get_by_role("link", name=translated("No, keep my place")).click()
    expect(main(page)).to_contain_text(translated("You have a place."))
    main(page).get_by_role("link", name=translated("Cancel my place")).click()
    page.get_by_role("button", name=translated("Yes, cancel my place")).click()
    expect(flash(page)).to_have_text(translated("Your place is cancelled. Thank you for letting us know."))
    expect(main(page)).to_contain_text(translated("This place is cancelled."))
    expect(main(page).get_by_role("link", name=translated("Cancel my place"))).to_have_count(0)
    check(page)
    # An email says it is done; the page offers the way back while there is room.
    db.session.expire_all()
    cancelled_email = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == GUEST_EMAIL)
                                         .order_by(OutboxMessage.id.desc())).first()
    assert cancelled_email.subject == translated("Your place is cancelled: %(title)s", title=MATCH_TITLE)
    assert "METHOD:CANCEL" in cancelled_email.attachments[0]["content"]
    main(page).get_by_role("link", name=translated("Sign up again")).click()
    expect(page).to_have_url(re.compile(rf"/conversations/{session.id}#signup-title$"))
    check(page)

    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CANCELLED
    assert db.session.get(ConversationSession, session.id).seats_taken == 0


# A host checks people in and submits notes ----------------------------------------------


@pytest.fixture
def hosted_session(users):
    """A session of the host's PTO that began half an hour ago, on a published plan, with three people signed up."""
    plan = make_plan("Family Engagement Plan")
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    organization = make_organization("Lincoln PTO")
    host = make_user(email=HOST_EMAIL, name="Hana Lincoln", organization=organization)
    section_keys = [section.key for section in plan.sections]
    session = make_session(SESSION_TITLE, organization=organization, starts_in=timedelta(minutes=-30),
                           plan_id=plan.id, section_keys=section_keys)
    people = [add_registration(session, name="Ana Torres", party_size=2, childcare_count=1),
              add_registration(session, name="Ben Okafor"),
              add_registration(session, name="Chen Wei", interpretation_language="zh")]
    return {"host": host, "plan": plan, "session": session, "people": people}


def test_a_host_checks_people_in_adds_a_walk_in_and_submits_notes_that_reach_the_plan_feedback(
        page, hosted_session):
    session, plan = hosted_session["session"], hosted_session["plan"]
    ana, ben, _chen = hosted_session["people"]
    sign_in(page, HOST_EMAIL)
    assert_accessible(page)

    # Hosting, from the menu; then the conversations they run.
    menu_link(page, "Hosting").click()
    assert_accessible(page)
    main(page).get_by_role("link", name="Conversations I host").click()
    expect(heading(page)).to_have_text("Conversations you run")
    card = page.locator(f"#session-{session.id}")
    expect(card.get_by_role("heading", level=3)).to_have_text(SESSION_TITLE)
    assert_accessible(page)

    # Under way: it says so, and its one main action is checking people in; the rest is folded.
    expect(card.locator(".host-status .badge")).to_have_text("Happening now")
    expect(card.get_by_role("link", name=for_whom("Roster", SESSION_TITLE))).to_be_hidden()

    # Check-in: nobody is here yet.
    card.get_by_role("link", name=for_whom("Check people in", SESSION_TITLE)).click()
    expect(heading(page)).to_contain_text("Check-in")
    here_count = page.locator(".checkin-count .stat")
    expect(here_count).to_have_text("0")
    expect(page.locator(".checkin-person.is-here")).to_have_count(0)
    assert_accessible(page)

    # Ana's party, with the mouse.
    page.get_by_role("button", name=for_whom("Mark attended", ana.name)).click()
    expect(page.get_by_role("button", name=for_whom("Undo", ana.name))).to_be_visible()
    expect(page.locator(f"#person-{ana.id}")).to_have_class(re.compile(r"\bis-here\b"))
    expect(here_count).to_have_text("2")  # her party of two
    assert_accessible(page)

    # Ben, with the keyboard only: Tab to his button, then Enter.
    tab_to(page, page.get_by_role("button", name=for_whom("Mark attended", ben.name)))
    press_and_wait_for_page(page, "Enter")
    expect(page.get_by_role("button", name=for_whom("Undo", ben.name))).to_be_visible()
    expect(page.locator(".checkin-person.is-here")).to_have_count(2)
    expect(here_count).to_have_text("3")
    expect(page.get_by_role("button", name=re.compile(r"^Mark attended"))).to_have_count(1)
    assert_accessible(page)

    # A walk-in.
    walk_in = page.get_by_role("region", name="Add a walk-in")
    walk_in.get_by_label("Name", exact=True).fill(WALK_IN_NAME)
    walk_in.get_by_label("How many people, including them").fill("1")
    walk_in.get_by_role("button", name="Add and check in").click()
    expect(flash(page)).to_have_text(f"{WALK_IN_NAME} is added and checked in.")
    expect(page.locator(".checkin-person.is-here")).to_have_count(3)
    expect(here_count).to_have_text("4")
    expect(page.locator(".checkin-person").filter(has_text=WALK_IN_NAME)).to_contain_text("walk-in")
    assert_accessible(page)

    db.session.expire_all()
    here = db.session.scalars(select(Registration.name).where(
        Registration.session_id == session.id, Registration.checked_in_at.is_not(None))).all()
    assert sorted(here) == sorted([ana.name, ben.name, WALK_IN_NAME])
    walk_in_row = db.session.scalars(select(Registration).where(Registration.name == WALK_IN_NAME)).one()
    assert walk_in_row.walk_in and walk_in_row.status == RegistrationStatus.CONFIRMED

    # Notes, from the session's menu: the attendance is filled in from the check-in.
    page.get_by_role("navigation", name="This conversation").get_by_role("link", name="Notes", exact=True).click()
    expect(heading(page)).to_have_text("Notes from the conversation")
    attendance = page.get_by_label("How many people came")
    expect(attendance).to_have_value("4")
    assert_accessible(page)

    attendance.fill("5")
    first = page.get_by_role("group", name="Entry 1", exact=True)
    first.get_by_label("What we heard").fill(HEARD_ABOUT_GOAL)
    first.get_by_label("Part of the plan it is about").select_option(label="Goal 1")
    first.get_by_label("Who said it").select_option("parent")
    second = page.get_by_role("group", name="Entry 2", exact=True)
    second.get_by_label("What we heard").fill(HEARD_IN_GENERAL)
    page.get_by_role("button", name="Save draft").click()
    expect(flash(page)).to_have_text(
        "Your notes are saved as a draft. The district sees them once you submit them.")
    expect(first.get_by_label("What we heard")).to_have_value(HEARD_ABOUT_GOAL)
    expect(page.get_by_label("How many people came")).to_have_value("5")
    assert_accessible(page)

    db.session.expire_all()
    note = db.session.scalars(select(ConversationNote).where(ConversationNote.session_id == session.id)).one()
    assert note.status == NoteStatus.DRAFT
    assert [entry.text for entry in note.heard] == [HEARD_ABOUT_GOAL, HEARD_IN_GENERAL]
    assert [item for item in plan_feedback_items(plan.id) if item.session_id == session.id] == []

    # Submitted to the district.
    page.get_by_role("button", name="Submit notes to the district").click()
    expect(flash(page)).to_have_text("Thank you. Your notes are submitted to the district.")
    expect(page.locator(".notes-submitted")).to_contain_text("Submitted on")
    expect(page.get_by_role("button", name="Submit notes to the district")).to_have_count(0)
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    assert_accessible(page)

    db.session.expire_all()
    note = db.session.get(ConversationNote, note.id)
    assert (note.status, note.attendance_count) == (NoteStatus.SUBMITTED, 5)
    assert note.submitted_by_id == hosted_session["host"].id
    heard = [(item.source, item.text, item.section_key, item.relationship)
             for item in plan_feedback_items(plan.id) if item.session_id == session.id]
    assert heard == [
        (FeedbackSource.CONVERSATION_NOTE, HEARD_ABOUT_GOAL, plan.sections[0].key, "parent"),
        (FeedbackSource.CONVERSATION_NOTE, HEARD_IN_GENERAL, None, None),
    ]


# A leader shares a toolkit link; a host sees it ---------------------------------------------


def test_a_leader_shares_a_link_in_the_toolkit_and_a_host_finds_it(new_context, users):
    title, url = "Tips for facilitating in two languages", "https://example.org/bilingual-tips"
    leader = new_context().new_page()
    sign_in(leader, users["leader"].email)
    leader.goto("/conversations/toolkit")
    expect(heading(leader)).to_have_text("Hosts' toolkit")
    assert_accessible(leader)
    form = leader.get_by_role("region", name="Share a resource with every host")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("A link to a web page").check()
    form.get_by_label("Web address").fill(url)
    form.get_by_role("button", name="Share").click()
    expect(flash(leader)).to_be_visible()
    expect(leader.get_by_role("region", name="Shared resources").get_by_role("link", name=title)).to_be_visible()
    assert_accessible(leader)

    db.session.expire_all()
    assert db.session.scalars(select(ToolkitResource.url)).all() == [url]

    host = new_context("es", phone=True).new_page()
    sign_in(host, users["host"].email)
    host.goto("/conversations/manage")
    main(host).get_by_role("link", name=translated("Hosts' toolkit: guides and resources")).click()
    expect(heading(host)).to_have_text(translated("Hosts' toolkit"))
    shared = host.get_by_role("region", name=translated("Shared resources"))
    expect(shared.get_by_role("link", name=title)).to_have_attribute("href", url)
    expect(shared.get_by_role("button")).to_have_count(0)  # hosts can't remove it
    check(host)
