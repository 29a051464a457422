"""Themes in a real browser: a leader runs the analysis, corrects its themes and answers one in public.

A leader, on a desktop in English, opens Themes from the menu, finds the
plan's analysis never run, runs it (the test queue runs jobs at once, so the
themes are there when the page comes back) and reads the themes ranked with
their counts and channels. They rename one, merge a second into it and see the
merged count, drill into it, search its items, move one to Other and mark one
off-topic, then write "what we heard / what we will do" and publish it (once
with "what we will do" empty: the error is beside it and what was written is
kept). Signed out, the plan's public page shows the response.

On a phone in Spanish, with the keyboard only, the leader reaches the
dashboard and a theme's page; nothing scrolls sideways.

While a run is on the queue, the dashboard says how far it is, keeps that up
to date, and shows the themes by itself once the run is done.

Every page on the way is checked with axe, the printable report too.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.models import utcnow
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from engage.themes import services
from engage.themes.models import RunStatus, Theme, ThemeRun, ThemeStatus
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
from tests.themes.factories import make_feedback_plan

PLAN_TITLE = "Equity Plan"
NEW_NAME = "Late and missing school buses"
HEARD = "Families told us the buses are late and some stops are too far.\nMany wrote in Spanish."
WILL_DO = "We will add two stops and publish the routes in Spanish by May."


def main(page):
    return page.get_by_role("main")


def flash(page):
    return page.locator(".flashes").get_by_role("status")


def themes_table(page):
    return page.locator("table.themes-table")


def theme_row(page, label: str):
    return themes_table(page).locator("tbody tr").filter(
        has=page.get_by_role("rowheader").get_by_role("link", name=label, exact=True))


def row_items(row) -> int:
    return int(row.locator("td[data-label='Items']").inner_text().replace(",", ""))


def item_status(page):
    """"12 items." or "3 items match, of 12.", under the item list's filters."""
    return page.get_by_role("region", name="Every item").get_by_role("status")


def search_word(text: str) -> str:
    """The longest plain-letter word of an item: searching for it finds that item at least."""
    return max(re.findall(r"\b[A-Za-z]+\b", text), key=len)


def check_phone(page) -> None:
    """axe finds nothing, and the page never scrolls sideways on the phone."""
    check(page)
    scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide on a {inner_width}px phone"


def visible_item_count(page) -> int:
    return page.locator("ol.theme-items > li").count()


@pytest.fixture
def feedback_plan(users):
    plan = make_feedback_plan(per_topic=12, title=PLAN_TITLE)
    # The factory's version has an empty snapshot; the public page shows the latest, so give it a real one.
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    return plan


def test_a_leader_runs_the_analysis_renames_merges_drills_in_and_publishes_a_response(
        new_context, users, feedback_plan):
    plan = feedback_plan
    page = new_context().new_page()
    sign_in(page, users["leader"].email)

    # Themes, from the menu: the plan, with its analysis over all feedback not run yet.
    menu_link(page, "Themes").click()
    expect(heading(page)).to_have_text("Themes in what people told us")
    plan_region = page.get_by_role("region", name=PLAN_TITLE)
    expect(plan_region).to_contain_text("Not run yet.")
    assert_accessible(page)

    plan_region.get_by_role("link", name="All feedback").click()
    expect(heading(page)).to_have_text(f"Themes: {PLAN_TITLE}")
    expect(main(page).locator(".empty-state")).to_contain_text("This analysis has not been run yet.")
    expect(themes_table(page)).to_have_count(0)
    assert_accessible(page)

    # Run it: the themes come back ranked by people, each with its counts and channels.
    page.get_by_role("button", name="Run the analysis").click()
    expect(flash(page)).to_have_text("The analysis has run.")
    expect(page.locator("#run-status")).to_contain_text("Last result:")
    expect(page.get_by_role("button", name="Run the analysis again")).to_be_visible()
    expect(themes_table(page).locator("caption")).to_have_text("Themes ranked by people")
    rows = themes_table(page).locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2, "the feedback has three clear topics; the run found fewer than two themes"
    for row in rows.all():
        expect(row.locator("td[data-label='Items']")).to_have_text(re.compile(r"^\d+$"))
        expect(row.locator("td[data-label='People']")).to_contain_text("%")
        expect(row.locator("ul.channel-counts")).to_contain_text(re.compile(r"Plan comments: \d+"))
    people = [int(row.locator("td[data-label='People']").inner_text().split()[0]) for row in rows.all()]
    assert people == sorted(people, reverse=True)
    expect(page.get_by_role("link", name="Printable report for a board meeting")).to_be_visible()
    assert_accessible(page)

    db.session.expire_all()
    analysis = services.default_analysis(None, plan.id)
    themes = services.active_themes(analysis)
    assert len(themes) == rows.count()
    first_label = rows.nth(0).get_by_role("rowheader").get_by_role("link").inner_text()
    second_label = rows.nth(1).get_by_role("rowheader").get_by_role("link").inner_text()
    first_items, second_items = row_items(rows.nth(0)), row_items(rows.nth(1))

    # The printable report for the board.
    page.get_by_role("link", name="Printable report for a board meeting").click()
    expect(heading(page)).to_have_text(f"What we heard: {PLAN_TITLE}")
    assert_accessible(page)
    page.go_back()

    # Rename the first theme. (The field's maxlength stops a name that is too long as it is typed.)
    theme_row(page, first_label).get_by_role("rowheader").get_by_role("link").click()
    expect(heading(page)).to_have_text(first_label)
    assert_accessible(page)
    page.get_by_text("Rename this theme").click()
    name = page.get_by_label("Name of the theme", exact=True)
    name.fill(NEW_NAME)
    page.get_by_role("button", name="Save the name").click()
    expect(flash(page)).to_have_text(f"The theme is now called \u201c{NEW_NAME}\u201d.")
    expect(heading(page)).to_have_text(NEW_NAME)
    expect(main(page)).to_contain_text(f"Engage called it \u201c{first_label}\u201d.")
    assert_accessible(page)

    # Merge the second theme into it: its items count toward the renamed one.
    page.get_by_role("link", name=f"Themes: {PLAN_TITLE}").click()
    theme_row(page, second_label).get_by_role("rowheader").get_by_role("link").click()
    expect(heading(page)).to_have_text(second_label)
    page.get_by_label("Merge this theme into").select_option(label=NEW_NAME)
    page.get_by_role("button", name="Merge", exact=True).click()
    # It asks first, saying what a merge does and that it cannot be undone.
    expect(heading(page)).to_have_text(f"Merge \u201c{second_label}\u201d into \u201c{NEW_NAME}\u201d?")
    expect(main(page)).to_contain_text(f"Its {second_items} items will count toward")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, merge them").click()
    expect(flash(page)).to_have_text(f"\u201c{second_label}\u201d is merged into this theme.")
    expect(heading(page)).to_have_text(NEW_NAME)
    merged_items = first_items + second_items
    expect(item_status(page)).to_have_text(f"{merged_items} items.")
    page.get_by_role("link", name=f"Themes: {PLAN_TITLE}").click()
    expect(theme_row(page, NEW_NAME).locator("td[data-label='Items']")).to_have_text(str(merged_items))
    expect(theme_row(page, second_label)).to_have_count(0)
    assert_accessible(page)

    db.session.expire_all()
    second = db.session.scalars(select(Theme).where(Theme.analysis_id == analysis.id,
                                                    Theme.generated_label == second_label)).one()
    renamed = db.session.scalars(select(Theme).where(Theme.analysis_id == analysis.id,
                                                     Theme.custom_label == NEW_NAME)).one()
    assert (second.status, second.merged_into_id) == (ThemeStatus.MERGED, renamed.id)

    # Drill into it and search its items.
    theme_row(page, NEW_NAME).get_by_role("rowheader").get_by_role("link").click()
    expect(heading(page)).to_have_text(NEW_NAME)
    expect(page.get_by_role("table", name="By channel")).to_contain_text("Plan comments")
    assert_accessible(page)
    filters = page.get_by_role("form", name="Search and filter the items")
    word = search_word(page.locator("ol.theme-items .theme-item-text").first.inner_text())
    filters.get_by_label("Search").fill(word)
    filters.get_by_role("button", name="Show items").click()
    expect(page).to_have_url(re.compile(rf"[?&]q={word}\b"))
    status = item_status(page)
    expect(status).to_have_text(re.compile(rf"^\d+ items? match(es)?, of {merged_items}\.$"))
    matches = visible_item_count(page)
    assert 0 < matches <= merged_items
    for text in page.locator("ol.theme-items .theme-item-text").all_inner_texts()[:5]:
        assert word.casefold() in text.casefold()
    expect(filters.get_by_label("Search")).to_have_value(word)
    assert_accessible(page)
    page.get_by_role("link", name="Clear filters").click()
    expect(status).to_have_text(f"{merged_items} items.")

    # Move the first item to Other, and mark the next one off-topic.
    items = page.locator("ol.theme-items > li")
    moved_text = items.nth(0).locator(".theme-item-text").inner_text()
    # Each item's controls name the item, so a list of the page's buttons tells them apart.
    expect(items.nth(0).get_by_role("button", name=re.compile(r"^Move\s*\(.+\)$"))).to_have_count(1)
    items.nth(0).get_by_label(re.compile(r"^Move to\s*\(.+\)$")).select_option(label="Other / unclustered")
    items.nth(0).get_by_role("button", name=re.compile(r"^Move\s*\(")).click()
    expect(flash(page)).to_have_text("The item is moved to Other.")
    expect(heading(page)).to_have_text(NEW_NAME)
    expect(status).to_have_text(f"{merged_items - 1} items.")
    expect(page.locator("ol.theme-items .theme-item-text").filter(has_text=moved_text)).to_have_count(0)
    off_text = items.nth(0).locator(".theme-item-text").inner_text()
    items.nth(0).get_by_role("button", name=re.compile(r"^Mark off-topic")).click()
    expect(flash(page)).to_have_text("The item is marked off-topic: it no longer counts in any theme.")
    expect(status).to_have_text(f"{merged_items - 2} items.")
    assert_accessible(page)

    db.session.expire_all()
    by_text = {row.item.text: row for row in services.current_themed_items(analysis)}
    assert by_text[moved_text].theme_id is None and by_text[moved_text].assigned_by == "leader"
    assert by_text[off_text].off_topic

    # Both are where the dashboard says: the moved item under Other, the other one under Off-topic.
    page.get_by_role("link", name=f"Themes: {PLAN_TITLE}").click()
    page.get_by_role("link", name="Other / unclustered").click()
    expect(heading(page)).to_have_text("Other / unclustered")
    expect(page.locator("ol.theme-items .theme-item-text").filter(has_text=moved_text)).to_have_count(1)
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Off-topic", exact=True).click()
    expect(heading(page)).to_have_text("Off-topic items")
    expect(page.locator("ol.theme-items .theme-item-text")).to_have_text([off_text])
    expect(page.get_by_role("button", name=re.compile(r"^Not off-topic: count it again"))).to_have_count(1)
    assert_accessible(page)
    page.go_back()
    theme_row(page, NEW_NAME).get_by_role("rowheader").get_by_role("link").click()

    # The response: "what we will do" left empty first.
    response = page.get_by_role("region", name="Response: what we heard, what we will do")
    response.get_by_label("What we heard").fill(HEARD)
    response.get_by_label("Publish on the plan's public page").check()
    response.get_by_role("button", name="Save the response").click()
    response = page.get_by_role("region", name="Response: what we heard, what we will do")
    will_do = response.get_by_label("What we will do")
    expect(will_do).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{will_do.get_attribute('id')}-error")
    expect(error).to_contain_text("Please write what we will do before publishing.")
    expect(response.get_by_label("What we heard")).to_have_value(HEARD)
    expect(response.get_by_label("What we heard")).not_to_have_attribute("aria-invalid", "true")
    expect(response.get_by_label("Publish on the plan's public page")).to_be_checked()
    expect(response.locator(".error-summary")).to_be_focused()
    assert_accessible(page)

    will_do.fill(WILL_DO)
    response.get_by_role("button", name="Save the response").click()
    expect(flash(page)).to_have_text("The response is published on the plan's page.")
    expect(page).to_have_url(re.compile(r"#response$"))
    response = page.get_by_role("region", name="Response: what we heard, what we will do")
    expect(response).to_contain_text("Published on the plan's public page on")
    expect(response.get_by_label("What we heard")).to_have_value(HEARD)
    expect(response.get_by_label("What we will do")).to_have_value(WILL_DO)
    assert_accessible(page)
    page.get_by_role("link", name=f"Themes: {PLAN_TITLE}").click()
    expect(theme_row(page, NEW_NAME)).to_contain_text("Response published")

    # Signed out, on the plan's public page.
    visitor = new_context().new_page()
    visitor.goto(f"/plans/{plan.id}")
    expect(heading(visitor)).to_have_text(PLAN_TITLE)
    visitor.get_by_role("link", name="What we heard and what we will do").click()
    answers = visitor.get_by_role("region", name="What we heard and what we will do")
    answer = answers.get_by_role("article", name=NEW_NAME)
    expect(answer).to_be_visible()
    expect(answer).to_contain_text(HEARD.split("\n")[0])
    expect(answer).to_contain_text(HEARD.split("\n")[1])
    expect(answer).to_contain_text(WILL_DO)
    expect(answers.get_by_role("article")).to_have_count(1)
    assert_accessible(visitor)


def test_a_leader_on_a_phone_in_spanish_reaches_the_dashboard_and_a_theme_with_the_keyboard(
        new_context, users, feedback_plan):
    analysis = services.default_analysis(None, feedback_plan.id)
    services.run_analysis_now(None, analysis)
    themes = sorted(services.active_themes(analysis), key=lambda theme: theme.label)
    assert themes

    page = new_context("es", phone=True).new_page()
    sign_in(page, users["leader"].email)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_phone(page)

    # Themes, from the menu.
    tab_to(page, menu_link(page, translated("Themes"), keyboard=True))
    press_and_wait_for_page(page)
    expect(heading(page)).to_have_text(translated("Themes in what people told us"))
    check_phone(page)

    # The plan's analysis over all feedback: its dashboard.
    plan_region = page.get_by_role("region", name=PLAN_TITLE)
    tab_to(page, plan_region.get_by_role("link", name=translated("All feedback")))
    press_and_wait_for_page(page)
    expect(heading(page)).to_have_text(translated("Themes: %(plan)s", plan=PLAN_TITLE))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    table = page.locator("table.themes-table")
    expect(table.locator("tbody tr")).to_have_count(len(themes))
    check_phone(page)

    # A theme's page.
    theme = themes[0]
    tab_to(page, table.get_by_role("link", name=theme.label, exact=True))
    press_and_wait_for_page(page)
    expect(heading(page)).to_have_text(theme.label)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("ol.theme-items > li").first).to_be_visible()
    check_phone(page)

    # Its items, searched with the keyboard.
    search = page.locator("#items-q")
    tab_to(page, search)
    word = search_word(page.locator("ol.theme-items .theme-item-text").first.inner_text())
    page.keyboard.type(word)
    press_and_wait_for_page(page)
    expect(page).to_have_url(re.compile(rf"[?&]q={word}\b"))
    expect(page.locator("ol.theme-items > li").first).to_be_visible()
    expect(page.locator("#items-q")).to_have_value(word)
    check_phone(page)

    # The printable report, on the phone too.
    page.goto(f"/themes/analyses/{analysis.id}/report")
    expect(heading(page)).to_have_text(translated("What we heard: %(title)s", title=PLAN_TITLE))
    check_phone(page)


def test_the_dashboard_follows_a_run_in_progress_and_shows_the_themes_when_it_is_done(
        new_context, users, feedback_plan):
    analysis = services.default_analysis(None, feedback_plan.id)
    # A run the queue's worker has started (the test queue would have finished it within the request).
    run = ThemeRun(analysis_id=analysis.id, status=RunStatus.RUNNING, progress=40, stage="clustering",
                   started_at=utcnow(), progressed_at=utcnow())
    db.session.add(run)
    db.session.commit()

    page = new_context().new_page()
    sign_in(page, users["leader"].email)
    page.goto(f"/themes/analyses/{analysis.id}")
    status = page.get_by_role("status").filter(has=page.locator(".run-message"))
    expect(status).to_contain_text("In progress: grouping into themes, 40%")
    expect(status.locator("progress")).to_have_attribute("value", "40")
    expect(status).not_to_contain_text("The themes below are from the last finished run")
    expect(main(page).locator(".empty-state")).to_have_text(
        "The first run is in progress. The themes appear here when it is done.")
    assert_accessible(page)

    # The page asks for the progress every few seconds and says it.
    run.progress, run.stage, run.progressed_at = 70, "labelling", utcnow()
    db.session.commit()
    expect(status).to_contain_text("In progress: naming the themes, 70%", timeout=8_000)
    expect(status.locator("progress")).to_have_js_property("value", 70)

    # The worker finishes the run: the page reloads with the themes.
    with page.expect_navigation(timeout=8_000):
        services.execute_run(run.id)
    expect(page.locator("#run-status")).to_contain_text("Last result:")
    expect(themes_table(page).locator("tbody tr").first).to_be_visible()
    assert_accessible(page)


def test_a_leader_on_a_phone_starts_a_theme_runs_and_starts_its_response_from_the_cited_draft(
        new_context, users, feedback_plan):
    plan = feedback_plan
    analysis = services.default_analysis(users["leader"], plan.id)
    page = new_context("es", phone=True).new_page()
    sign_in(page, users["leader"].email)
    page.goto(f"/themes/analyses/{analysis.id}")

    # Start a theme with the keyboard: its name and examples, one per line.
    seeds = page.get_by_role("region", name=translated("Themes you start"))
    seeds.locator("summary").click()
    page.locator("#seed-label").fill("Paradas de autobús")
    page.locator("#seed-examples").fill("Please add a bus stop closer to the apartments\nuna parada más cerca")
    tab_to(page, seeds.get_by_role("button", name=translated("Start this theme")))
    press_and_wait_for_page(page)
    expect(flash(page)).to_contain_text("Paradas de autobús")
    check_phone(page)

    page.get_by_role("button", name=translated("Run the analysis")).click()
    seeded = db.session.scalar(select(Theme).where(Theme.custom_label == "Paradas de autobús"))
    expect(page.locator(f"a[href='/themes/analyses/{analysis.id}/themes/{seeded.id}']").first).to_be_visible()
    check_phone(page)

    # The theme's draft "what we heard": every sentence cites its items, and starts the response.
    page.goto(f"/themes/analyses/{analysis.id}/themes/{seeded.id}")
    draft = page.get_by_role("region", name=translated("What we heard: a draft"))
    expect(draft.locator(".draft-sentences li").first).to_contain_text(re.compile(r"\d+ personas? plante"))
    first_source = draft.locator(".citations a").first
    number = first_source.inner_text()
    expect(page.locator(f"#source-{number} blockquote")).to_be_visible()
    check_phone(page)
    tab_to(page, draft.get_by_role("button", name=translated("Start the response from this draft")))
    press_and_wait_for_page(page)
    expect(page.locator("#response-heard")).to_have_value(re.compile(r"plante"))
    expect(page.locator("#response").get_by_role("status")).to_contain_text(
        translated("The draft is in “What we heard” below. Edit it into your own words, then save. "
                   "It is not saved or published until you do."))
    check_phone(page)
    db.session.expire_all()
    assert db.session.get(Theme, seeded.id).response_heard == ""
