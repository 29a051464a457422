"""You said, we did, in a real browser: a parent goes from the plan to the theme and back, then follows the action;
a leader links a theme to the action it changed.

A parent on a phone reads a revised plan. The action that changed carries a
"Shaped by community feedback" mark; the plan's "You said, we did" list says
what people said (a theme) and what the district did (that action, changed in
version 2). The parent opens the theme's public summary (the response, what
it led to, the parent's own comment), goes back to the plan at the action,
then to the action's progress page and follows it (signed in: at once).

A leader opens a theme, follows "Link to what it led to", sends the form
without an explanation (the error is beside the field, the choices kept), then
with one; a family reading the plan in Spanish on a phone sees the link with its
Spanish explanation and the action's mark.

Every page on the way is checked with axe (and for sideways scrolling).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.outcomes.models import FeedbackOutcome
from engage.permissions import Role
from tests.browser.conftest import check, expect, heading, sign_in
from tests.outcomes.factories import add_comment, add_theme, first_action, link, make_revised_plan
from tests.support.people import make_user

PARENT_EMAIL = "rosa.parent@example.org"
COMMENT = "The bus comes so late that my son misses breakfast."
EXPLANATION = "We added a late bus on the two longest routes."


def main(page):
    return page.get_by_role("main")


@pytest.fixture
def linked(app):
    leader = make_user(role=Role.LEADER, name="Lee Leader")
    parent = make_user(email=PARENT_EMAIL, name="Rosa")
    plan = make_revised_plan(leader)
    action = first_action(plan)
    theme = add_theme(plan, "Late buses", published=True)
    comment = add_comment(plan, COMMENT, author=parent)
    outcome = link(leader, plan, theme_id=theme.id, comment_ids=[comment.id], action_key=action.key,
                   version_id=plan.versions[-1].id, explanation=EXPLANATION)
    return plan, action, theme, outcome


def test_a_parent_follows_you_said_we_did_from_the_plan_to_the_theme_and_back(new_context, linked):
    plan, action, theme, outcome = linked
    page = new_context(phone=True).new_page()
    sign_in(page, PARENT_EMAIL)

    # The plan marks the action that feedback shaped, and lists what was said and done.
    page.goto(f"/plans/{plan.id}")
    expect(heading(page)).to_have_text(plan.title)
    action_article = page.locator(f"#action-{action.key}")
    expect(action_article.locator(".outcome-marker")).to_contain_text("Shaped by community feedback")
    check(page)
    main(page).get_by_role("link", name="You said, we did: what community feedback changed").click()
    expect(page).to_have_url(re.compile(r"#you-said-we-did$"))
    said = page.locator(f"#outcome-{outcome.id}")
    expect(said).to_contain_text(EXPLANATION)
    expect(said.locator(".outcome-did")).to_contain_text("changed in version 2")

    # To the theme.
    said.get_by_role("link", name="Late buses").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/heard/{theme.id}$"))
    expect(heading(page)).to_have_text("Late buses")
    expect(main(page).get_by_role("heading", name="What we heard and what we will do")).to_be_visible()
    did = main(page).locator(f"#outcome-{outcome.id}")
    expect(did).to_contain_text(EXPLANATION)
    expect(did.locator("blockquote")).to_have_text(COMMENT)
    check(page)

    # And back, to the action it led to.
    did.get_by_role("link", name=re.compile(r"changed in version 2")).click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}#action-{action.key}$"))
    expect(page.locator(f"#action-{action.key}")).to_be_in_viewport()
    check(page)

    # The action's progress, followed at once by a signed-in parent with a confirmed address.
    main(page).get_by_role("link", name="Track progress on this plan").click()
    expect(page).to_have_url(re.compile(rf"/progress/plans/{plan.id}$"))
    page.locator(f"#actions a[href='/progress/actions/{action.id}']").first.click()
    expect(page).to_have_url(re.compile(rf"/progress/actions/{action.id}$"))
    follow = page.locator("form.tracker-subscribe-form")
    follow.get_by_role("button", name="Follow this action").click()
    expect(page.locator(".flashes")).to_contain_text("You're following this action.")
    check(page)


def test_a_leader_links_a_theme_to_the_changed_action_from_the_themes_page(new_context, app):
    leader = make_user(role=Role.LEADER, name="Lee Leader", email="lee.leader@example.org")
    plan = make_revised_plan(leader)
    action = first_action(plan)
    theme = add_theme(plan, "Late buses", published=True)
    page = new_context().new_page()
    sign_in(page, leader.email)

    # From the theme's page for leaders.
    page.goto(f"/themes/analyses/{theme.analysis_id}/themes/{theme.id}")
    main(page).get_by_role("link", name="Link to what it led to").click()
    expect(heading(page)).to_have_text("Link feedback to what it led to")
    expect(page.get_by_label("The theme it came from")).to_have_value(str(theme.id))
    check(page)

    # Version and action chosen, but no explanation: the error is beside the field, the choices kept.
    page.get_by_label("The version in which the plan changed").select_option(label="Version 2")
    page.get_by_label("What it led to").select_option(label="— Action 1: Action 1.1")
    page.get_by_role("button", name="Save the link").click()
    expect(page.locator("#explanation-error")).to_contain_text("Please explain")
    expect(page.get_by_label("What it led to")).to_have_value(f"action:{action.key}")
    check(page)

    page.get_by_label("What we did, and why", exact=True).fill(EXPLANATION)
    page.get_by_role("button", name="Save the link").click()
    expect(page.locator(".flashes")).to_contain_text("The link is saved.")
    check(page)

    # Leaders may translate too: the explanation, beside its source, into Spanish.
    outcome = db.session.scalar(select(FeedbackOutcome).order_by(FeedbackOutcome.id.desc()))
    page.goto(f"/translate/es/outcome:{outcome.id}/part/outcome")
    expect(page.locator(".source-text")).to_contain_text(EXPLANATION)
    page.get_by_label("What we did, and why").fill("Agregamos un autobús más tarde.")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".flashes")).to_contain_text("The translations are published.")
    check(page)

    # Families see it on the plan, in Spanish too.
    reader = new_context("es", phone=True).new_page()
    reader.goto(f"/plans/{plan.id}")
    said = reader.locator("#you-said-we-did")
    expect(said).to_contain_text("Late buses")
    expect(said).to_contain_text("Agregamos un autobús más tarde.")
    expect(reader.locator(f"#action-{action.key} .outcome-marker")).to_be_visible()
    check(reader)
