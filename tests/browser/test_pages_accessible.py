"""Every page each role can reach passes axe's WCAG 2.1 A/AA rules, in English
on a desktop and in Spanish on a phone, including forms showing their errors
and the error pages.

One test per role and language: it signs in once with the form, then walks
through that role's pages and reports every violation on every page together.
Plan and comment pages, which change by role only in the menu (checked on every
page) and in what one role may do there, are visited once per language, by the
role that sees the most on them. So are survey pages: answering (one page and
paged), thanks, closed and not-yet-open surveys, and the builder and preview.
And community conversations: the public listing, calendar and session pages
(seats left, full with a waitlist, cancelled, online) and a personal
registration link, signed out; a host's pages for running one (manage, the
session form, cancelling, roster, check-in, notes, paper cards, printables);
and the toolkit with the form leaders share resources with.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from engage.comments import services as comments
from engage.conversations import notes as conversation_notes
from engage.conversations.models import RegistrationStatus, SessionFormat, SessionStatus
from engage.conversations.registration_links import cancel_token
from engage.extensions import db
from engage.i18n import district_today
from engage.leadership.enrollment import save_enrollment, school_year_of
from engage.leadership.models import EnrollmentDimension
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from engage.orgs import services as orgs
from engage.orgs.models import SchoolLevel
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from engage.surveys.models import QuestionKind, SurveyStatus
from tests.browser.conftest import axe_violations, describe_violations, expect, sign_in, translated
from tests.conversations.factories import add_registration, make_session
from tests.outcomes.factories import add_theme, link
from tests.plans.factories import make_plan
from tests.support.people import ROLES, make_user
from tests.translation.factories import translate_plan
from tests.surveys.factories import add_response, make_survey, question_of
from tests.tracker.factories import make_update

PUBLIC = ["/", "/privacy", "/password/forgot"]
SIGNED_OUT_ONLY = ["/login", "/register"]
ACCOUNT = ["/account", "/account/profile", "/account/email", "/account/password"]
HOSTING = ["/host/"]
LEADERSHIP = ["/leadership/", "/leadership/participation"]
# The translators' pages: what to translate, a plan's parts, and its first part beside its source.
TRANSLATING = ["/translate/?language=es", "/translate/es/plan:{plan}", "/translate/es/plan:{plan}/part/plan",
               "/translate/es/plan:{plan}/part/section:{section}"]
ADMINISTRATION = [
    "/admin/",
    "/admin/users",
    "/admin/users/{unconfirmed_user}",
    "/admin/organizations",
    "/admin/organizations/new",
    "/admin/organizations/{organization}",
    "/admin/schools",
    "/admin/schools/new",
    "/admin/schools/{school}",
    "/admin/outbox",
    "/admin/outbox/{message}",
    "/admin/audit",
]
NOT_FOUND = "/does-not-exist"

# Pages each role may see, and one it may not (403) where there is one.
VISIBLE = {
    "anonymous": PUBLIC + SIGNED_OUT_ONLY,
    "participant": PUBLIC + ACCOUNT,
    "host": PUBLIC + ACCOUNT + HOSTING,
    "moderator": PUBLIC + ACCOUNT,
    "translator": PUBLIC + ACCOUNT + TRANSLATING,
    "leader": PUBLIC + ACCOUNT + HOSTING + LEADERSHIP,
    "admin": PUBLIC + ACCOUNT + HOSTING + LEADERSHIP + ADMINISTRATION,
}
# Plans and comments, each page once per language: signed out, the plan pages
# and the invitation to sign in; a participant, the comment form, the actions on
# comments, a reply and a report; a moderator, the queue, a decision and hidden
# comments as moderators see them; a leader, managing and previewing plans.
PLAN_PAGES = {
    "anonymous": ["/plans/", "/plans/{plan}", "/plans/{plan}/compare", "/plans/{plan}/comments"],
    "participant": ["/plans/{plan}/comments", "/plans/{plan}/comments/{thread}", "/comments/{comment}/reply",
                    "/comments/{comment}/flag"],
    "moderator": ["/moderation/", "/comments/{comment}/moderate", "/plans/{plan}/comments/{thread}"],
    "leader": ["/plans/manage", "/plans/{plan}/preview"],
}
# Surveys, each page once per language: signed out, the list and answering; a
# participant, a paged survey signed in, thanks and "already answered"; a leader,
# the builder (open, answered and draft surveys, both kinds of question form) and
# the preview.
SURVEY_PAGES = {
    "anonymous": ["/surveys/", "/surveys/{survey}", "/surveys/{paged_survey}", "/surveys/{closed_survey}",
                  "/surveys/{scheduled_survey}"],
    "participant": ["/surveys/{paged_survey}", "/surveys/{answered_survey}/thanks", "/surveys/{answered_survey}"],
    "leader": ["/surveys/", "/surveys/manage", "/surveys/new", "/surveys/{survey}/edit",
               "/surveys/{answered_survey}/edit", "/surveys/{draft_survey}/edit", "/surveys/{draft_survey}",
               "/surveys/{paged_survey}/preview", "/surveys/{paged_survey}/preview?page=2",
               "/surveys/{survey}/questions/new?kind=single_choice", "/surveys/{survey}/questions/new?kind=likert",
               "/surveys/questions/{question}/edit", "/surveys/questions/{rating_question}/edit",
               "/surveys/questions/{answered_question}/edit"],
}
# Community conversations, each page once per language: signed out, finding one
# and one's own place; a host, running one; a leader, the toolkit's sharing form.
CONVERSATION_PAGES = {
    "anonymous": ["/conversations/", "/conversations/calendar", "/conversations/{open_session}",
                  "/conversations/{full_session}", "/conversations/{cancelled_session}",
                  "/conversations/{online_session}", "/conversations/registration/{registration_token}"],
    "host": ["/conversations/manage", "/conversations/new", "/conversations/{open_session}/edit",
             "/conversations/{open_session}/cancel", "/conversations/{open_session}/roster",
             "/conversations/{started_session}/check-in", "/conversations/{started_session}/notes",
             "/conversations/{started_session}/notes/cards",
             "/conversations/{started_session}/notes/cards/{card}/edit", "/conversations/toolkit",
             "/conversations/{open_session}/toolkit/guide", "/conversations/{open_session}/toolkit/sign-in-sheet",
             "/conversations/{open_session}/toolkit/comment-cards"],
    "leader": ["/conversations/toolkit"],
}
# The progress tracker: public pages signed out, and an office's update form.
TRACKER_PAGES = {
    "anonymous": ["/progress/", "/progress/plans/{plan}", "/progress/actions/{action}"],
    "leader": ["/progress/office", "/progress/actions/{action}/update"],
}
# You said, we did: a theme's public summary signed out; linking feedback to what it led to.
OUTCOME_PAGES = {
    "anonymous": ["/plans/{plan}/heard/{theme}"],
    "leader": ["/outcomes/plans/{plan}", "/outcomes/plans/{plan}/new?theme={theme}&comment={thread}",
               "/outcomes/{outcome}/edit"],
}
# Who we are hearing from, with enrollment to compare against, and the enrollment form.
LEADERSHIP_PAGES = {
    "leader": ["/leadership/", "/leadership/participation?plan={plan}"],
    "admin": ["/leadership/enrollment"],
}
FORBIDDEN = {"participant": "/host/", "host": "/leadership/participation", "moderator": "/host/",
             "translator": "/plans/manage", "leader": "/admin/"}

# Forms submitted empty, to check the error summary and the fields' error messages.
EMPTY_FORMS = {
    "anonymous": ["/register", "/login", "/surveys/{survey}", "/conversations/{open_session}"],
    "participant": ["/account/password", "/plans/{plan}/comments", "/comments/{comment}/reply",
                    "/surveys/{paged_survey}"],
    "host": ["/account/email", "/conversations/new", "/conversations/{open_session}/cancel",
             "/conversations/{started_session}/check-in"],
    "moderator": ["/account/password", "/comments/{comment}/moderate"],
    "translator": ["/translate/es/plan:{plan}"],
    "leader": ["/account/email", "/surveys/new", "/surveys/{survey}/questions/new?kind=single_choice",
               "/conversations/toolkit", "/progress/actions/{action}/update", "/outcomes/plans/{plan}/new"],
    "admin": ["/admin/organizations/new", "/admin/schools/new"],
}


@dataclass
class Visit:
    page: object
    problems: list[str]

    def check(self, label: str) -> None:
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(describe_violations(label, violations))
        # Reflow (WCAG 1.4.10): nothing makes a phone's page scroll sideways.
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        screen = self.page.viewport_size["width"]
        if width > screen:
            self.problems.append(f"{label}: {width}px wide on a {screen}px screen, so it scrolls sideways")

    def open(self, path: str, status: int = 200) -> None:
        response = self.page.goto(path)
        landed = urlsplit(self.page.url)._replace(scheme="", netloc="").geturl()
        assert (response.status, landed) == (status, path), f"{path}: expected HTTP {status}, got {response.status} at {landed}"
        self.check(f"{path} ({status})")

    def submit_empty(self, path: str) -> None:
        self.page.goto(path)
        self.page.locator("main form.stacked").first.locator("button[type=submit]").first.click()
        expect(self.page.locator(".error-summary")).to_be_visible()
        self.check(f"{path} submitted empty")


@pytest.fixture
def site(users):
    """Something on every admin page: a school, an unconfirmed person, an email, audit rows."""
    admin = users["admin"]
    school = orgs.save_school(admin, None, name="Riverside Elementary", level=SchoolLevel.ELEMENTARY,
                              address="12 River Road", active=True)
    organization = orgs.list_organizations(admin)[0][0]
    orgs.save_organization(admin, organization, name=organization.name, school_id=school.id,
                           description="Families of Riverside.")
    unconfirmed = make_user(email="new.parent@example.org", name="Nuevo Padre", verified=False)
    message = OutboxMessage(recipient=unconfirmed.email, subject="Confirm your email address for Engage",
                            body_text="Please confirm: http://127.0.0.1/verify/abc\n")
    db.session.add(message)
    db.session.commit()
    plan_pages = conversation(users)
    return {"school": school.id, "organization": organization.id, "unconfirmed_user": unconfirmed.id,
            "message": message.id, **plan_pages, **surveys(users),
            **community_conversations(users, school, plan_pages["plan"]),
            **you_said_we_did(users, plan_pages), **enrollment(users, school)}


def conversation(users) -> dict:
    """A plan open for feedback in two versions, and a thread on it: a reply that was
    reported and waits for a moderator, one shown without its author's name, one hidden."""
    plan = make_plan(feedback_opens_at=utcnow() - timedelta(days=1), feedback_closes_at=utcnow() + timedelta(days=7))
    # As long as real plans' titles are: a menu of sections must not widen a phone's page.
    plan.sections[1].title = ("Goal 2: Every school builds lasting partnerships with families through listening "
                              "sessions, home visits, interpretation and shared decision making")
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    plan.sections[0].actions[0].title = "Later bus routes for middle schools"
    db.session.commit()
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT, change_note="Later bus routes.")

    def post(author, body, **kwargs):
        return comments.post_comment(users[author], plan, body=body, submission_token=secrets.token_hex(8), **kwargs)

    thread = post("participant", "Buses leave too early for our kids.",
                  section_key=plan.versions[-1].snapshot["sections"][0]["key"])
    reported = post("host", "We could share rides from the library.", parent=thread)
    post("host", "Our street needs a crossing guard.", parent=thread, anonymous=True)
    hidden = post("leader", "Something unkind.", parent=thread)
    comments.hide_comment(users["moderator"], hidden, reason="Personal attack")
    comments.flag_comment(users["participant"], reported, reason="Looks like an advertisement")
    action = plan.sections[0].actions[0]
    make_update(users["leader"], action, summary="Bus passes went to 120 families.\nMore next month.")
    # Partly in Spanish: the title and the first action translated, one out of date, the rest marked.
    translate_plan(users["translator"], plan, "es", {
        "title": "Plan de participación familiar", f"action:{action.key}.title": "Rutas de autobús más tarde",
        f"action:{action.key}.description": "Ofrecer pases de autobús a cada familia que los pida."})
    return {"plan": plan.id, "thread": thread.id, "comment": reported.id, "action": action.id,
            "section": plan.sections[0].key}


def you_said_we_did(users, plan_pages) -> dict:
    """A theme with a published response, linked with a comment to the action changed in version 2."""
    plan = plans.get_plan(plan_pages["plan"])
    theme = add_theme(plan, "Later buses", published=True)
    outcome = link(users["leader"], plan, theme_id=theme.id, comment_ids=[plan_pages["thread"]],
                   action_key=plan.sections[0].actions[0].key, version_id=plan.versions[-1].id,
                   explanation="Buses now leave 20 minutes later.",
                   explanation_es="Los autobuses salen 20 minutos más tarde.")
    return {"theme": theme.id, "outcome": outcome.id}


def enrollment(users, school) -> dict:
    """This year's figures: the school's students and the district's by language, so rates show."""
    year = school_year_of(district_today())
    save_enrollment(users["admin"], year, {(school.id, EnrollmentDimension.TOTAL, ""): 420,
                                           (None, EnrollmentDimension.LANGUAGE, "en"): 300,
                                           (None, EnrollmentDimension.LANGUAGE, "es"): 120})
    return {"school_year": year}


def surveys(users) -> dict:
    """Surveys in every state a page shows: open on one page and on two, closed, not open yet,
    a draft, and one the participant has answered (so its questions are locked)."""
    survey = make_survey("Spring survey about the plan")
    answered = make_survey("Bus routes survey")
    add_response(answered, {question_of(answered, QuestionKind.SINGLE_CHOICE): "a"}, respondent=users["participant"])
    return {
        "survey": survey.id,
        "question": question_of(survey, QuestionKind.SINGLE_CHOICE).id,
        "rating_question": question_of(survey, QuestionKind.RATING).id,
        "other_question": question_of(survey, QuestionKind.MULTIPLE_CHOICE).id,
        "text_question": question_of(survey, QuestionKind.SHORT_TEXT).id,
        "paged_survey": make_survey("Draft plan survey", paged=True).id,
        "closed_survey": make_survey("Last year's survey", status=SurveyStatus.CLOSED, closed_at=utcnow()).id,
        "scheduled_survey": make_survey("Summer survey", opens_at=utcnow() + timedelta(days=7)).id,
        "draft_survey": make_survey("Autumn survey", status=SurveyStatus.DRAFT).id,
        "answered_survey": answered.id,
        "answered_question": question_of(answered, QuestionKind.MULTIPLE_CHOICE).id,
    }


def community_conversations(users, school, plan_id: int) -> dict:
    """Sessions of the host's organization in every state a page shows: seats left (on the
    plan, with people signed up and their needs), full with a waitlist, cancelled, online,
    and one under way with people checked in, notes drafted and a paper card typed in."""
    host = users["host"]
    organization = host.memberships[0].organization
    sections = [section.key for section in plans.get_plan(plan_id).sections]
    open_session = make_session("Riverside families talk about the plan", organization=organization,
                                school_id=school.id, plan_id=plan_id, section_keys=sections, languages=("en", "es"),
                                interpretation_available=True, childcare_offered=True, food_offered=True,
                                room="Library", accessibility_notes="Step-free entrance on River Road.")
    registration = add_registration(open_session, name="Rosa Parent", party_size=3, childcare_count=2,
                                    interpretation_language="es", accessibility_needs="A quiet space.")
    add_registration(open_session, name="Ben Okafor")
    full = make_session("Evening conversation", organization=organization, capacity=2,
                        starts_in=timedelta(days=3), status=SessionStatus.FULL)
    add_registration(full, name="Ana Torres", party_size=2)
    add_registration(full, name="Chen Wei", status=RegistrationStatus.WAITLISTED)
    cancelled = make_session("Saturday morning conversation", organization=organization,
                             status=SessionStatus.CANCELLED, cancelled_at=utcnow(),
                             cancellation_reason="The school is closed for repairs.")
    online = make_session("Online conversation in Spanish", organization=organization, languages=("es",),
                          format=SessionFormat.ONLINE, address="", online_url="https://meet.example.org/abc")
    started = make_session("Conversation under way", organization=organization, plan_id=plan_id,
                           section_keys=sections, starts_in=timedelta(hours=-1))
    add_registration(started, name="Dana Here", checked_in_at=utcnow())
    add_registration(started, name="Eli Expected", party_size=2)
    section = sections[0]
    conversation_notes.save_note_draft(host, started, attendance_count=3, summary="A lively evening.", entries=[
        conversation_notes.EntryInput(text="Families want later buses.", language="en", section_key=section,
                                      relationship_to_district="parent")])
    card, = conversation_notes.add_cards(host, started, [
        conversation_notes.EntryInput(text="Más reuniones en español.", language="es", section_key=section,
                                      participant_language="es", school_id=school.id)])
    return {"open_session": open_session.id, "full_session": full.id, "cancelled_session": cancelled.id,
            "online_session": online.id, "started_session": started.id,
            "card": card.id, "registration_token": cancel_token(registration)}


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_reach_has_no_wcag_violations(role, locale, new_context, users, site):
    # English on a desktop, Spanish on a phone: both languages and both layouts.
    page = new_context(locale, phone=locale == "es").new_page()
    visit = Visit(page, [])
    if role != "anonymous":
        sign_in(page, users[role].email)
        visit.check(f"{page.url} after signing in")
    for path in (VISIBLE[role] + PLAN_PAGES.get(role, []) + SURVEY_PAGES.get(role, [])
                 + CONVERSATION_PAGES.get(role, []) + TRACKER_PAGES.get(role, []) + OUTCOME_PAGES.get(role, [])
                 + LEADERSHIP_PAGES.get(role, [])):
        visit.open(path.format(**site))
        expect(page.locator("html")).to_have_attribute("lang", locale)
    if role in FORBIDDEN:
        visit.open(FORBIDDEN[role], 403)
    visit.open(NOT_FOUND, 404)
    for path in EMPTY_FORMS[role]:
        visit.submit_empty(path.format(**site))
    assert not visit.problems, "\n\n".join(visit.problems)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_survey_forms_showing_other_errors_have_no_wcag_violations(locale, new_context, users, site):
    # Errors an empty form does not show: "Other" chosen with nothing typed and a
    # text too long, beside the answers; a survey closing before it opens, in the
    # settings on the survey's page; a question left with one option.
    phone = locale == "es"
    page = new_context(locale, phone=phone).new_page()
    visit = Visit(page, [])
    survey, question = site["survey"], site["question"]
    page.goto(f"/surveys/{survey}")
    page.locator(f"#q{site['other_question']}").get_by_role("checkbox").last.check()
    page.locator(f"#q{site['text_question']}").fill("x" * 501)
    page.locator("main form.stacked button[type=submit]").first.click()
    expect(page.locator(".error-summary li")).to_have_count(4)
    visit.check(f"/surveys/{survey} with an empty Other and a too-long answer")

    leader = new_context(locale, phone=phone).new_page()
    visit.page = leader
    sign_in(leader, users["leader"].email)
    leader.goto(f"/surveys/{survey}/edit")
    leader.locator("#opens_at").fill("2031-05-02T09:00")
    leader.locator("#closes_at").fill("2031-05-01T09:00")
    leader.locator("#settings form.stacked button[type=submit]").click()
    expect(leader.locator("#settings .error-summary")).to_be_visible()
    expect(leader.locator("#closes_at")).to_have_attribute("aria-invalid", "true")
    visit.check(f"/surveys/{survey}/edit with settings in error")
    leader.goto(f"/surveys/questions/{question}/edit")
    for row in (1, 2):
        leader.locator(f"#options-{row}-label").fill("")
    leader.locator("main form.stacked button[type=submit]").click()
    expect(leader.locator(".error-summary li")).to_have_count(1)
    expect(leader.locator("#options")).to_have_class(re.compile(r"\bhas-error\b"))
    visit.check(f"/surveys/questions/{question}/edit with errors")
    assert not visit.problems, "\n\n".join(visit.problems)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_conversation_forms_showing_other_errors_have_no_wcag_violations(locale, new_context, users, site):
    # Errors an empty form does not show: a sign-up with more children in childcare
    # than people coming; a session made online with no link and ending before it
    # starts; a note and a paper card tagged but left without their text.
    phone = locale == "es"
    page = new_context(locale, phone=phone).new_page()
    visit = Visit(page, [])
    open_session, started = site["open_session"], site["started_session"]
    page.goto(f"/conversations/{open_session}")
    form = page.locator("form.signup-form")
    form.get_by_label(translated("Your name", locale)).fill("Rosa Díaz")
    form.get_by_label(translated("Email address", locale)).fill("rosa@example.org")
    form.get_by_label(translated("How many people are coming, including you?", locale)).fill("1")
    form.get_by_label(translated("How many children need childcare during the session?", locale)).fill("3")
    form.locator("button[type=submit]").click()
    expect(page.locator(".error-summary li")).to_have_count(2)  # the childcare count, and consent
    visit.check(f"/conversations/{open_session} with too many children in childcare")

    host = new_context(locale, phone=phone).new_page()
    visit.page = host
    sign_in(host, users["host"].email)
    host.goto(f"/conversations/{open_session}/edit")
    host.get_by_role("group", name=translated("How people take part", locale)).get_by_label(
        translated("Online", locale), exact=True).check()
    host.get_by_label(translated("Starts at", locale)).fill("18:00")
    host.get_by_label(translated("Ends at", locale)).fill("17:00")
    host.locator("form.host-session-form button[type=submit]").click()
    expect(host.locator(".error-summary li")).to_have_count(2)
    expect(host.get_by_label(translated("Link to join online", locale))).to_have_attribute("aria-invalid", "true")
    visit.check(f"/conversations/{open_session}/edit online without a link, ending before it starts")

    host.goto(f"/conversations/{started}/notes")
    entry = host.get_by_role("group", name=translated("Entry %(number)d", locale, number=2), exact=True)
    entry.get_by_label(translated("Who said it", locale)).select_option("student")
    host.locator("form.notes-form button[value=save]").click()
    expect(host.locator(".error-summary li")).to_have_count(1)
    visit.check(f"/conversations/{started}/notes with a tagged row left empty")

    host.goto(f"/conversations/{started}/notes/cards")
    card = host.get_by_role("group", name=translated("New card %(number)d", locale, number=1), exact=True)
    card.get_by_label(translated("I am a…", locale)).select_option("parent")
    host.locator("section.new-cards button[value=save]").click()
    expect(host.locator(".error-summary li")).to_have_count(1)
    visit.check(f"/conversations/{started}/notes/cards with a tagged card left empty")
    assert not visit.problems, "\n\n".join(visit.problems)


def test_the_accessibility_check_finds_a_field_without_a_label(page):
    # Guards the guard: axe really runs inside the served page, CSP and all.
    page.goto("/login")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text name=stray>')")
    assert [violation["id"] for violation in axe_violations(page)] == ["label"]
