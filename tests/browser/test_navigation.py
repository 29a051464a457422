"""The main menu: behind one "Menu" button on a phone, with or without JavaScript; people's tools
grouped under "Tools" (issue 19, item 1)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import check, expect, sign_in, translated


def _main_starts_at(page) -> float:
    return page.locator("main").bounding_box()["y"]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_on_a_phone_the_menu_opens_and_closes_from_one_button(new_context, locale):
    page = new_context(locale, phone=True, width=320).new_page()
    page.goto("/")
    plans = page.get_by_role("link", name=translated("Plans", locale), exact=True)
    button = page.get_by_role("button", name=translated("Menu", locale), exact=True)
    expect(plans).to_be_hidden()
    assert _main_starts_at(page) < 200  # the links no longer push the page down
    expect(button).to_have_attribute("aria-expanded", "false")
    check(page)
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(plans).to_be_visible()
    check(page)
    button.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(plans).to_be_hidden()


def test_without_javascript_the_menu_link_opens_the_menu_and_another_closes_it(new_context):
    page = new_context(phone=True, width=320, javascript=False).new_page()
    page.goto("/")
    plans = page.get_by_role("link", name="Plans", exact=True)
    expect(plans).to_be_hidden()
    page.get_by_role("link", name="Menu", exact=True).click()
    expect(page).to_have_url(re.compile(r"#site-menu$"))
    expect(plans).to_be_visible()
    page.get_by_role("link", name="Close the menu").click()
    expect(plans).to_be_hidden()
    expect(page.get_by_role("link", name="Menu", exact=True)).to_be_visible()


def test_a_leader_s_tools_are_one_entry_of_the_menu(new_context, users):
    page = new_context().new_page()
    sign_in(page, users["leader"].email)
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Plans", exact=True)).to_be_visible()
    moderation = menu.get_by_role("link", name="Moderation")
    expect(moderation).to_be_hidden()
    tools = menu.locator("summary", has_text="Tools")
    tools.click()
    expect(moderation).to_be_visible()
    check(page)
    page.keyboard.press("Escape")
    expect(moderation).to_be_hidden()
    expect(tools).to_be_focused()
    # A click elsewhere closes it too.
    tools.click()
    page.locator("footer").click()
    expect(moderation).to_be_hidden()
