"""A parent's first visit, in a real browser: register, confirm the email address,
sign in, switch to Spanish, answer a few profile questions, sign out.

Every page on the way is checked with axe. Spanish text is looked up in the
app's own catalog, so these tests follow the translation as it changes.
"""

from __future__ import annotations

import re

from engage.accounts.models import DistrictRelationship, find_user_by_email
from engage.extensions import db
from tests.browser.conftest import assert_accessible, expect, menu_link, sign_in, translated
from tests.support.people import PASSWORD

NAME = "Rosa Díaz"
EMAIL = "rosa.diaz@example.org"
NEW_PASSWORD = "maize river lantern copper"


def spanish(text: str, **variables) -> str:
    """The Spanish the app shows for `text`; fails if the catalog does not translate it."""
    result = translated(text, "es", **variables)
    english = translated(text, "en", **variables)
    assert result != english, f"no Spanish for {text!r} in engage/translations/es/LC_MESSAGES/messages.po"
    return result


def register_from_the_plans(page) -> None:
    """Reading the plans, the parent creates an account from the menu: it keeps the page to come back to."""
    page.goto("/plans/")
    assert_accessible(page)
    menu_link(page, "Create an account").click()
    expect(page).to_have_url(re.compile(r"/register\?next=/plans/$"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page)
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("status")).to_contain_text(EMAIL)
    assert_accessible(page)


def verification_link_from_the_outbox(admin_page) -> str:
    """What the new person would click in their email, read by an admin in the outbox."""
    sign_in(admin_page, "admin@example.org")
    admin_page.goto("/admin/outbox")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Outbox")
    assert_accessible(admin_page)
    # Newest first: the first row addressed to the new person is their latest email.
    admin_page.get_by_role("row").filter(has_text=EMAIL).first.get_by_role("link").click()

    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Confirm your email address for Engage")
    assert_accessible(admin_page)
    link = admin_page.get_by_role("link", name=re.compile(r"\bverify\b"))
    expect(link).to_have_count(1)
    return link.get_attribute("href")


def test_a_parent_registers_confirms_signs_in_switches_to_spanish_and_signs_out(new_context, users, live_server):
    page = new_context().new_page()
    register_from_the_plans(page)

    # The emailed link confirms the address; "Continue" signs the parent in, back on the plans.
    link = verification_link_from_the_outbox(new_context().new_page())
    assert link.startswith(f"{live_server}/verify/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address is confirmed")
    assert_accessible(page)
    page.get_by_role("button", name="Continue, signed in").click()
    expect(page).to_have_url(re.compile(r"/plans/$"))
    expect(page.get_by_role("status")).to_have_text(
        f"Thank you, your email address is confirmed. Welcome, {NAME}: you are signed in.")
    assert_accessible(page)

    menu_link(page, "My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_text(EMAIL)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(spanish("My account"))
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    assert_accessible(page)
    db.session.expire_all()
    assert find_user_by_email(EMAIL).locale == "es"

    page.get_by_role("link", name=spanish("About you")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(spanish("About you"))
    assert_accessible(page)
    page.get_by_label(spanish("Parent or guardian of a student")).check()
    page.get_by_label(spanish("Language you prefer to speak at meetings")).select_option("es")
    page.get_by_role("button", name=spanish("Save my answers")).click()
    expect(page.get_by_role("status")).to_have_text(spanish("Your profile is saved."))
    expect(page.get_by_label(spanish("Parent or guardian of a student"))).to_be_checked()
    expect(page.get_by_label(spanish("Language you prefer to speak at meetings"))).to_have_value("es")
    assert_accessible(page)
    db.session.expire_all()
    profile = find_user_by_email(EMAIL).profile
    assert (profile.relationship_to_district, profile.preferred_language) == (DistrictRelationship.PARENT, "es")

    page.get_by_role("button", name=spanish("Sign out")).click()
    expect(page.get_by_role("status")).to_have_text(spanish("You are signed out."))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(menu_link(page, spanish("Sign in"))).to_be_visible()
    assert_accessible(page)


def test_the_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("link", name="sign in", exact=True)).to_be_focused()


def test_signing_in_on_a_phone_needs_only_the_keyboard(phone_page, users):
    page = phone_page
    page.goto("/login")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link, past the header and menu

    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("participant@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    remember = page.get_by_label("Keep me signed in on this device for 30 days")
    expect(remember).to_be_focused()
    page.keyboard.press("Space")
    expect(remember).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Welcome, Pat. You are signed in.")
    expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_be_attached()  # in the closed menu
    assert_accessible(page)
