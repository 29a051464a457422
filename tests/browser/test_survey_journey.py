"""A parent answers a survey in Spanish on a phone, using only the keyboard.

The parent signs in, opens Surveys from the menu and the survey from the list,
sends the first page empty once (the error summary takes the focus, in
Spanish, and its link leads back to the question), answers every kind of
question: radio groups with the arrow keys, checkboxes with Space, the
"Other" text, the 0-10 rating, text boxes. Next leads to the second page of
profile questions, Back returns with the answers kept, Send reaches the
thanks page. axe checks every state of every page, as does a check that
nothing is wider than the phone; the database then holds exactly one response
with those answers.

A visitor who is not signed in answers a shorter, one-page survey the same way.

No .click() and no .fill(): only page.keyboard. Spanish text is looked up in
the app's own catalog (translated()), so the tests follow the translation as it
grows; question texts are the survey's own Spanish wording.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import (
    OTHER_OPTION_KEY,
    QuestionKind,
    SurveyDraft,
    SurveyParticipation,
    SurveyResponse,
)
from engage.surveys.translatable import SurveyWording
from tests.browser.conftest import check, expect, heading, open_menu, press_and_wait_for_page, tab_to, translated
from tests.support.people import PASSWORD, make_user
from tests.surveys.factories import make_school, make_survey, question_of

PARENT_EMAIL = "rosa.diaz@example.org"
SURVEY_TITLE = "Draft plan survey"
SPANISH_TITLE = f"ES: {SURVEY_TITLE}"
OTHER_TEXT = "La biblioteca pública"
ONE_WORD = "Esperanza"
LONG_LINES = ["Más autobuses por la mañana.", "Y reuniones en español."]


def prompt_in(question, language: str) -> str:
    return str(SurveyWording([question.survey], language).prompt(question))


def group(page, question, locale: str = "es"):
    """A choice question's fieldset, named by its legend (the prompt)."""
    return page.get_by_role("group", name=prompt_in(question, locale))


def spanish(text: str, **variables) -> str:
    """The Spanish the app shows for `text`; fails if the catalog does not translate it."""
    result, english = translated(text, "es", **variables), translated(text, "en", **variables)
    assert result != english, f"no Spanish for {text!r} in engage/translations/es/LC_MESSAGES/messages.po"
    return result


def sign_in_with_the_keyboard(page, email: str) -> None:
    page.goto("/login")
    tab_to(page, page.get_by_label(translated("Email address")))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label(translated("Password"), exact=True))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("form[action='/logout'] button"), f"could not sign in as {email}").to_have_count(1)


# The journey ---------------------------------------------------------------------


@pytest.fixture
def schools():
    return [make_school("Lincoln Elementary"), make_school("Roosevelt Middle")]


@pytest.fixture
def parent(app, schools):
    parent = make_user(email=PARENT_EMAIL, name="Rosa Díaz")
    parent.locale = "es"
    db.session.commit()
    return parent


@pytest.fixture
def survey(parent):
    """Published, on two pages: the plan questions, then "About you" (the profile questions)."""
    return make_survey(SURVEY_TITLE, paged=True)


def test_a_parent_completes_a_survey_in_spanish_on_a_phone_using_only_the_keyboard(
        new_context, parent, survey, schools):
    single = question_of(survey, QuestionKind.SINGLE_CHOICE)
    multiple = question_of(survey, QuestionKind.MULTIPLE_CHOICE)
    likert = question_of(survey, QuestionKind.LIKERT)
    rating = question_of(survey, QuestionKind.RATING)
    short_text = question_of(survey, QuestionKind.SHORT_TEXT)
    long_text = question_of(survey, QuestionKind.LONG_TEXT)
    relationship = question_of(survey, QuestionKind.PROFILE_RELATIONSHIP)
    school = question_of(survey, QuestionKind.PROFILE_SCHOOL)
    language = question_of(survey, QuestionKind.PROFILE_LANGUAGE)
    page = new_context("es", phone=True).new_page()

    sign_in_with_the_keyboard(page, PARENT_EMAIL)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check(page)

    # Surveys, from the menu; then the survey, from the list.
    menu = open_menu(page, keyboard=True)
    tab_to(page, menu.get_by_role("link", name=translated("Surveys")))
    press_and_wait_for_page(page)
    expect(heading(page)).to_have_text(translated("Surveys"))
    check(page)
    tab_to(page, page.get_by_role("main").get_by_role("link", name=SPANISH_TITLE))
    press_and_wait_for_page(page)
    expect(heading(page)).to_have_text(SPANISH_TITLE)
    expect(page.get_by_text(spanish("Page %(page)d of %(pages)d", page=1, pages=2))).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="ES: About the plan")).to_be_visible()
    check(page)

    # Next with the required questions unanswered: the summary takes the focus.
    next_button = page.get_by_role("button", name=translated("Next"), exact=True)
    tab_to(page, next_button)
    press_and_wait_for_page(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text(spanish("Please correct the following:"))
    # Each question, then what to do about it (its own words: not glued to the question by a colon).
    choose_one, agree = translated("Choose an answer."), translated("Choose how much you agree.")
    expect(summary.get_by_role("link")).to_have_text([
        f"{prompt_in(single, 'es')} {choose_one}",
        f"{prompt_in(likert, 'es')} {agree}",
    ])
    expect(group(page, single).locator(".field-error")).to_contain_text(choose_one)
    expect(group(page, single).get_by_role("radio").first).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(spanish("Page %(page)d of %(pages)d", page=1, pages=2))).to_be_visible()
    check(page)

    # The summary's first link leads to the question; the next Tab is inside it.
    tab_to(page, summary.get_by_role("link").first)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"#q{single.id}$"))
    page.keyboard.press("Tab")
    expect(group(page, single).get_by_role("radio", name="Opción A")).to_be_focused()

    # Single choice: the arrow key moves to Option B and chooses it.
    page.keyboard.press("ArrowDown")
    expect(group(page, single).get_by_role("radio", name="Opción B")).to_be_focused()
    expect(group(page, single).get_by_role("radio", name="Opción B")).to_be_checked()

    # Multiple choice: Space on Option A and on Other, then the Other text.
    checkboxes = group(page, multiple)
    tab_to(page, checkboxes.get_by_role("checkbox", name="Opción A"))
    page.keyboard.press("Space")
    tab_to(page, checkboxes.get_by_role("checkbox", name=translated("Other"), exact=True))
    page.keyboard.press("Space")
    expect(checkboxes.get_by_role("checkbox", checked=True)).to_have_count(2)
    tab_to(page, checkboxes.get_by_role("textbox"))
    page.keyboard.type(OTHER_TEXT)

    # Agreement scale: three steps down from the first point, "De acuerdo".
    scale = group(page, likert)
    tab_to(page, scale.get_by_role("radio").first)
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(scale.get_by_role("radio", name="De acuerdo", exact=True)).to_be_checked()

    # Rating: from 0, eight steps right.
    ratings = group(page, rating)
    expect(ratings).to_contain_text("Nada")
    tab_to(page, ratings.get_by_role("radio", name="0", exact=True))
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    expect(ratings.get_by_role("radio", name="8", exact=True)).to_be_checked()
    expect(ratings.get_by_role("radio", checked=True)).to_have_count(1)

    # Text boxes; the long answer on two lines.
    tab_to(page, page.get_by_role("textbox", name=prompt_in(short_text, "es")))
    page.keyboard.type(ONE_WORD)
    tab_to(page, page.get_by_role("textbox", name=prompt_in(long_text, "es")))
    page.keyboard.type(LONG_LINES[0])
    page.keyboard.press("Enter")
    page.keyboard.type(LONG_LINES[1])
    check(page)

    # Next: the profile questions.
    tab_to(page, next_button)
    press_and_wait_for_page(page)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.get_by_text(spanish("Page %(page)d of %(pages)d", page=2, pages=2))).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="ES: About you")).to_be_visible()
    check(page)

    # Back keeps the first page's answers; Next again.
    tab_to(page, page.get_by_role("button", name=translated("Back"), exact=True))
    press_and_wait_for_page(page)
    expect(page.get_by_text(spanish("Page %(page)d of %(pages)d", page=1, pages=2))).to_be_visible()
    expect(group(page, single).get_by_role("radio", name="Opción B")).to_be_checked()
    expect(group(page, rating).get_by_role("radio", name="8", exact=True)).to_be_checked()
    expect(page.get_by_role("textbox", name=prompt_in(long_text, "es"))).to_have_value("\n".join(LONG_LINES))
    check(page)
    tab_to(page, next_button)
    press_and_wait_for_page(page)
    expect(page.get_by_text(spanish("Page %(page)d of %(pages)d", page=2, pages=2))).to_be_visible()

    # About you: relationship with Space, a school with Space, the language with an arrow.
    tab_to(page, group(page, relationship).get_by_role("radio", name=spanish("Parent or guardian of a student")))
    page.keyboard.press("Space")
    expect(group(page, relationship).get_by_role("radio", checked=True)).to_have_count(1)
    tab_to(page, group(page, school).get_by_role("checkbox", name="Lincoln Elementary"))
    page.keyboard.press("Space")
    languages = group(page, language)
    tab_to(page, languages.get_by_role("radio", name=spanish("English"), exact=True))
    page.keyboard.press("ArrowDown")
    expect(languages.get_by_role("radio", name=spanish("Spanish"), exact=True)).to_be_checked()
    check(page)

    # Send: the thanks page, in Spanish.
    tab_to(page, page.get_by_role("button", name=translated("Send my answers")))
    press_and_wait_for_page(page)
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.id}/thanks$"))
    expect(heading(page)).to_have_text(translated("Thank you for your answers"))
    expect(page.get_by_role("main")).to_contain_text(
        translated("We received your answers to “%(title)s”.", title=SPANISH_TITLE))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check(page)

    # Exactly one response, with those answers.
    db.session.expire_all()
    responses = db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)).all()
    assert len(responses) == 1
    response = responses[0]
    assert response.respondent_id == parent.id
    assert (response.relationship_to_district, response.language) == ("parent", "es")
    assert [s.name for s in response.schools] == ["Lincoln Elementary"]
    answers = sorted((a.question_id, a.option_key or "", (a.text or "").replace("\r\n", "\n"))
                     for a in response.answers)
    assert answers == sorted([
        (single.id, "b", ""),
        (multiple.id, "a", ""),
        (multiple.id, OTHER_OPTION_KEY, OTHER_TEXT),
        (likert.id, "4", ""),
        (rating.id, "8", ""),
        (short_text.id, "", ONE_WORD),
        (long_text.id, "", "\n".join(LONG_LINES)),
        (relationship.id, "parent", ""),
        (school.id, str(schools[0].id), ""),
        (language.id, "es", ""),
    ])
    assert db.session.scalars(select(SurveyParticipation.participant_key)
                              .where(SurveyParticipation.survey_id == survey.id)).all() == [f"user:{parent.id}"]
    assert db.session.scalar(select(SurveyDraft).where(SurveyDraft.survey_id == survey.id)) is None


def test_a_visitor_answers_a_one_page_survey_in_spanish_on_a_phone_using_only_the_keyboard(new_context, app):
    survey = make_survey(SURVEY_TITLE)  # one page; only two questions are required
    single = question_of(survey, QuestionKind.SINGLE_CHOICE)
    likert = question_of(survey, QuestionKind.LIKERT)
    page = new_context("es", phone=True).new_page()

    page.goto(f"/surveys/{survey.id}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(heading(page)).to_have_text(SPANISH_TITLE)
    expect(page.get_by_role("button", name=translated("Next"), exact=True)).to_have_count(0)
    check(page)

    # One answer, then Send: the other required question is missing.
    tab_to(page, group(page, single).get_by_role("radio").first)
    page.keyboard.press("Space")
    send = page.get_by_role("button", name=translated("Send my answers"))
    tab_to(page, send)
    press_and_wait_for_page(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(spanish("Please correct the following:"))
    expect(summary.get_by_role("link")).to_have_text(
        [f"{prompt_in(likert, 'es')} {translated('Choose how much you agree.')}"])
    expect(group(page, single).get_by_role("radio", name="Opción A")).to_be_checked()
    check(page)

    # Back up from Send with Shift+Tab to the scale (none chosen: the focus lands on
    # its first point), then four steps down to the last point.
    tab_to(page, send)
    tab_to(page, group(page, likert).get_by_role("radio").first, backwards=True)
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(group(page, likert).get_by_role("radio", name="Totalmente de acuerdo")).to_be_checked()
    tab_to(page, send)
    press_and_wait_for_page(page)
    expect(heading(page)).to_have_text(translated("Thank you for your answers"))
    check(page)

    # The same browser is thanked once and told it has answered.
    page.goto(f"/surveys/{survey.id}")
    expect(page.get_by_text(translated("You have already answered this survey. Thank you."))).to_be_visible()
    check(page)

    db.session.expire_all()
    response = db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)).one()
    assert (response.respondent_id, response.language) == (None, "es")
    assert sorted((a.question_id, a.option_key) for a in response.answers) == sorted([(single.id, "a"),
                                                                                     (likert.id, "5")])
    key = db.session.scalars(select(SurveyParticipation.participant_key)
                             .where(SurveyParticipation.survey_id == survey.id)).one()
    assert key.startswith("browser:")
