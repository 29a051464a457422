"""A parent reads a draft plan and takes part in the conversation on a phone;
a moderator hides a comment the parent reported.

The parent signs in, opens Plans from the menu, reads the plan with its table
of contents, switches to the first version and back, sees what changed,
comments on a section (after sending the form empty once), replies to someone
else's comment, marks "I agree" and reports that comment. A moderator, in a
browser of their own, hides it with a reason; the parent's page then shows the
reason in its place. Every page on the way is checked with axe.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest

from engage.comments import services as comments
from engage.extensions import db
from engage.models import utcnow
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from tests.browser.conftest import assert_accessible, expect, heading, menu_link, sign_in
from tests.plans.factories import make_plan
from tests.support.people import PASSWORD

PLAN_TITLE = "Family Engagement Plan"
OLD_TITLE = "Action 1.1"
NEW_TITLE = "Later bus routes for middle schools"
CHANGE_NOTE = "Added later bus routes after the October conversations."
HOST_COMMENT = "Could the late bus also stop at the library?"
MY_COMMENT = "Please keep the bus stop near the park."
MY_REPLY = "Yes, the library stop would help us too."
FLAG_REASON = "It shares a family's home address."
HIDE_REASON = "Shares private information"


@pytest.fixture
def plan(users):
    """A plan open for feedback with two published versions, and a host's comment on its first section."""
    plan = make_plan(PLAN_TITLE, feedback_opens_at=utcnow() - timedelta(days=1),
                     feedback_closes_at=utcnow() + timedelta(days=14))
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    plan.sections[0].actions[0].title = NEW_TITLE
    db.session.commit()
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT, change_note=CHANGE_NOTE)
    section_key = plan.versions[-1].snapshot["sections"][0]["key"]
    comments.post_comment(users["host"], plan, body=HOST_COMMENT, submission_token=secrets.token_hex(8),
                          section_key=section_key)
    return plan


def comment_by(page, text: str):
    """The innermost comment <article> whose own text includes `text`."""
    return page.locator("article.comment").filter(has=page.locator(":scope > .comment-body", has_text=text))


def test_a_parent_reads_a_plan_comments_replies_agrees_and_reports_and_a_moderator_hides_it(
        new_context, users, plan):
    page = new_context(phone=True).new_page()

    # Sign in from the menu.
    page.goto("/")
    assert_accessible(page)
    menu_link(page, "Sign in").click()
    expect(heading(page)).to_have_text("Sign in")
    assert_accessible(page)
    page.get_by_label("Email address").fill("participant@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_have_text("Welcome, Pat. You are signed in.")
    assert_accessible(page)

    # Plans, from the menu, then the plan.
    menu_link(page, "Plans").click()
    expect(heading(page)).to_have_text("Plans")
    # On a phone the menu is closed again on the new page; its link still says where you are.
    expect(page.get_by_role("navigation", name="Main menu", include_hidden=True).get_by_role(
        "link", name="Plans", include_hidden=True)).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name=PLAN_TITLE).click()
    expect(heading(page)).to_have_text(PLAN_TITLE)
    expect(page.get_by_text("This draft is open for feedback.")).to_be_visible()
    assert_accessible(page)

    # The table of contents jumps to a section.
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="Goal 2").click()
    expect(page).to_have_url(re.compile(r"#section-[0-9a-f]+$"))
    goal_2 = page.get_by_role("heading", level=2, name="Goal 2")
    expect(goal_2).to_be_in_viewport()
    assert page.url.split("#")[1] == goal_2.evaluate("h => h.closest('section').id")

    # Version 1 with the switcher, then back to version 2.
    versions = page.get_by_label("Version", exact=True)
    expect(versions.locator("option")).to_have_count(2)
    versions.select_option("1")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?version=1$"))
    expect(page.get_by_text("You are reading an older version. The latest is version 2.")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=OLD_TITLE)).to_be_visible()
    expect(page.get_by_text(NEW_TITLE)).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Version", exact=True).select_option("2")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?version=2$"))
    expect(page.get_by_text("You are reading an older version.")).to_have_count(0)
    expect(page.get_by_role("heading", level=3, name=NEW_TITLE)).to_be_visible()
    expect(page.get_by_text(CHANGE_NOTE)).to_be_visible()
    assert_accessible(page)

    # What changed between the two versions.
    page.get_by_role("link", name="Compare versions").click()
    expect(heading(page)).to_have_text("What changed")
    expect(page.get_by_role("main").get_by_role("listitem").filter(has_text="action changed")).to_contain_text("1")
    changed = page.get_by_role("article", name=re.compile(NEW_TITLE))
    expect(changed.get_by_role("heading", level=3)).to_contain_text("Changed")
    expect(changed.locator("del")).to_contain_text(["Action", "1.1"])
    expect(changed.locator("ins")).to_contain_text(["Later", "bus routes for middle schools"])
    assert_accessible(page)
    page.get_by_role("link", name="Back to the plan").click()
    expect(heading(page)).to_have_text(PLAN_TITLE)
    assert_accessible(page)

    # The first section's comments; the form sent empty once shows what to fix.
    goal_1 = page.get_by_role("region", name="Goal 1")
    goal_1.get_by_role("link", name="1 comment on this section").click()
    expect(heading(page)).to_have_text("Comments on “Goal 1”")
    expect(comment_by(page, HOST_COMMENT)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Post comment").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please write your comment.")
    expect(page.get_by_role("textbox", name="Your comment")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_role("textbox", name="Your comment")).to_be_focused()
    page.keyboard.type(MY_COMMENT)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_have_text("Thank you. Your comment is posted.")
    expect(heading(page)).to_have_text("A conversation on “Goal 1”")
    expect(comment_by(page, MY_COMMENT)).to_be_visible()
    assert_accessible(page)

    # A reply to the host's comment.
    page.get_by_role("link", name="All comments here").click()
    expect(heading(page)).to_have_text("Comments on “Goal 1”")
    expect(page.get_by_role("heading", level=2)).to_contain_text(["2 comments"])
    assert_accessible(page)
    comment_by(page, HOST_COMMENT).get_by_role("link", name="Reply to this comment").click()
    expect(heading(page)).to_have_text("Reply")
    expect(page.locator("blockquote")).to_contain_text(HOST_COMMENT)
    assert_accessible(page)
    page.get_by_role("textbox", name="Your comment").fill(MY_REPLY)
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_have_text("Thank you. Your comment is posted.")
    host_comment = comment_by(page, HOST_COMMENT)
    expect(host_comment.get_by_role("group", name="Replies")).to_contain_text(MY_REPLY)
    assert_accessible(page)

    # "I agree" on the host's comment.
    agree = host_comment.locator(":scope > .comment-actions").get_by_role("button", name="I agree")
    expect(agree).to_have_attribute("aria-pressed", "false")
    agree.click()
    expect(page.get_by_role("status")).to_have_text("You agree with this comment.")
    expect(agree).to_have_attribute("aria-pressed", "true")
    expect(agree).to_have_text("I agree")
    expect(host_comment.locator(":scope > .comment-actions")).to_contain_text("1 person agrees")
    assert_accessible(page)

    # Report it.
    host_comment.locator(":scope > .comment-actions").get_by_role("link", name="Report this comment").click()
    expect(heading(page)).to_have_text("Report a comment")
    expect(page.locator("blockquote")).to_contain_text(HOST_COMMENT)
    assert_accessible(page)
    page.get_by_label("What is wrong with this comment?").fill(FLAG_REASON)
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.get_by_role("status")).to_have_text("Thank you. A moderator will look at this comment.")
    expect(heading(page)).to_have_text("A conversation on “Goal 1”")
    assert_accessible(page)

    # A moderator, in a browser of their own, hides it.
    moderator = new_context().new_page()
    sign_in(moderator, "moderator@example.org")
    assert_accessible(moderator)
    menu_link(moderator, "Moderation").click()
    expect(heading(moderator)).to_have_text("Moderation")
    flagged = moderator.get_by_role("region").filter(has_text=HOST_COMMENT)
    expect(flagged).to_contain_text(FLAG_REASON)
    expect(flagged.get_by_role("heading", level=3)).to_have_text("1 report")
    assert_accessible(moderator)
    flagged.get_by_role("link", name="Decide").click()
    expect(heading(moderator)).to_have_text("Moderate a comment")
    assert_accessible(moderator)
    moderator.get_by_label("Reason").fill(HIDE_REASON)
    moderator.get_by_role("button", name="Hide the comment").click()
    expect(moderator.get_by_role("status")).to_have_text("The comment is hidden.")
    expect(moderator.get_by_text("Nothing is waiting for a moderator.")).to_be_visible()
    assert_accessible(moderator)

    # The parent reloads the conversation: the reason stands where the comment was.
    page.reload()
    host_comment = page.locator("article.comment").filter(
        has=page.locator(":scope > .comment-removed", has_text=f"Hidden by a moderator: {HIDE_REASON}"))
    expect(host_comment).to_have_count(1)
    expect(page.get_by_text(HOST_COMMENT)).to_have_count(0)
    expect(host_comment.get_by_role("group", name="Replies")).to_contain_text(MY_REPLY)
    assert_accessible(page)
