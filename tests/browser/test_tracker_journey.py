"""The progress tracker in a real browser: an office posts an update, a parent follows an action.

A member of the office responsible for an action signs in, goes from the
public action page to the update form, first sends it with an impossible
percentage (the form comes back with the error beside the field), then posts
the update with a PDF as evidence and a value for the action's indicator; the
update, its evidence link and the value are on the action page.

A signed-out parent, on a phone in Spanish, opens the plan's progress page,
goes to an action, follows it with their email address, and confirms with the
link in the email.

Every page on the way is checked with axe (and for sideways scrolling).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.mail.models import OutboxMessage
from tests.browser.conftest import check, expect, heading, sign_in, translated
from tests.support.people import make_user
from tests.tracker.factories import PDF, first_action, make_office, make_tracked_plan

OFFICE_EMAIL = "otto.transport@example.org"
SUMMARY = "Bus passes went to 120 families at Lincoln and Garfield."
PARENT_EMAIL = "lucia.parent@example.org"
CONFIRM_LINK = re.compile(r"https?://\S+/progress/subscriptions/confirm/[^\s/]+")


def main(page):
    return page.get_by_role("main")


@pytest.fixture
def plan(app):
    return make_tracked_plan()


@pytest.fixture
def action(plan):
    return first_action(plan)


@pytest.fixture
def office_member(app):
    """A member of the district office every test action names ("Transportation")."""
    return make_user(email=OFFICE_EMAIL, name="Otto", organization=make_office("Transportation"))


def test_an_office_member_posts_an_update_with_a_pdf_and_a_metric_value(new_context, action, office_member,
                                                                         tmp_path):
    evidence = tmp_path / "bus-passes.pdf"
    evidence.write_bytes(PDF)
    indicator = action.indicators[0]
    page = new_context().new_page()
    sign_in(page, OFFICE_EMAIL)

    # The public action page offers the office a way to post.
    page.goto(f"/progress/actions/{action.id}")
    expect(heading(page)).to_contain_text(action.title)
    check(page)
    main(page).get_by_role("link", name="Post an update").click()
    expect(heading(page)).to_have_text("Post an update")
    expect(page).to_have_url(re.compile(rf"/progress/actions/{action.id}/update$"))
    check(page)

    # Everything filled in, but 150 percent.
    form = page.locator("main form.stacked[enctype='multipart/form-data']")
    form.get_by_role("radio", name="At risk").check()
    form.get_by_label("Percent complete").fill("150")
    form.get_by_label("What has happened", exact=True).fill(SUMMARY)
    form.locator("input[type=file][name=evidence_file]").set_input_files(str(evidence))
    metric = form.locator(f"#metric-{indicator.id}")
    metric.get_by_label("Number").fill("120")
    metric.get_by_label("Unit").fill("families")
    form.get_by_role("button", name="Post the update").click()

    percent = page.get_by_label("Percent complete")
    error = page.locator("#percent_complete-error")
    expect(error).to_contain_text("Please enter a whole number from 0 to 100.")
    expect(percent).to_have_attribute("aria-invalid", "true")
    expect(percent).to_have_attribute("aria-describedby", re.compile(r"\bpercent_complete-error\b"))
    expect(page.locator(".error-summary")).to_be_visible()
    # What was typed is kept; the file must be chosen again, and the form says so.
    expect(page.get_by_label("What has happened", exact=True)).to_have_value(SUMMARY)
    expect(page.locator(f"#metric-{indicator.id}").get_by_label("Number")).to_have_value("120")
    expect(page.locator("#file-again")).to_be_visible()
    check(page)

    # Corrected, with the file again.
    form = page.locator("main form.stacked[enctype='multipart/form-data']")
    expect(form.get_by_role("radio", name="At risk")).to_be_checked()
    percent.fill("60")
    form.locator("input[type=file][name=evidence_file]").set_input_files(str(evidence))
    form.get_by_label("What the evidence is").fill("Bus pass sign-up sheet")
    form.get_by_role("button", name="Post the update").click()

    # Back on the action page, with the update.
    expect(page).to_have_url(re.compile(rf"/progress/actions/{action.id}#update-\d+$"))
    expect(page.locator(".flashes")).to_contain_text("Your update is posted.")
    update = main(page).locator("li.tracker-update").first
    expect(update.locator(".tracker-summary")).to_have_text(SUMMARY)
    expect(update).to_contain_text("At risk")
    evidence_link = update.get_by_role("link", name="Bus pass sign-up sheet")
    expect(evidence_link).to_have_attribute("href", re.compile(r"^/progress/evidence/\d+$"))
    expect(update.locator(".tracker-values")).to_contain_text("120")
    expect(update.locator(".tracker-values")).to_contain_text("families")
    check(page)

    # The evidence link serves the PDF.
    response = page.request.get(evidence_link.get_attribute("href"))
    assert response.ok
    assert response.body() == PDF


def test_a_parent_on_a_phone_in_spanish_follows_an_action_and_confirms_by_the_emailed_link(new_context, plan,
                                                                                         action):
    page = new_context("es", phone=True).new_page()

    # The plan's progress page.
    page.goto(f"/progress/plans/{plan.id}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(heading(page)).to_have_text(translated("Progress: %(plan)s", plan=plan.title))
    check(page)

    # An action, from the list of every action.
    page.locator(f"#actions a[href='/progress/actions/{action.id}']").first.click()
    expect(page).to_have_url(re.compile(rf"/progress/actions/{action.id}$"))
    expect(heading(page)).to_contain_text(action.title)
    expect(main(page).get_by_role("link", name=translated("Post an update"))).to_have_count(0)
    check(page)

    # Follow it by email.
    follow = page.locator("form.tracker-subscribe-form")
    follow.get_by_label(translated("Email address")).fill(PARENT_EMAIL)
    follow.get_by_role("button", name=translated("Follow this action")).click()
    expect(heading(page)).to_have_text(translated("Check your email"))
    check(page)

    # The email's confirmation link.
    db.session.expire_all()
    messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == PARENT_EMAIL)))
    assert len(messages) == 1
    match = CONFIRM_LINK.search(messages[0].body_text)
    assert match, messages[0].body_text
    page.goto(match.group(0))
    expect(heading(page)).to_have_text(translated("You're following this"))
    expect(main(page)).to_contain_text(PARENT_EMAIL)
    expect(main(page).get_by_role("link", name=translated("Stop these emails"))).to_be_visible()
    check(page)
