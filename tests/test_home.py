"""The home page's "Have your say": what a parent can take part in now, each one click away."""

from __future__ import annotations

import re
from datetime import timedelta

from engage.models import utcnow
from engage.surveys.models import SurveyStatus
from tests.plans.factories import make_plan, publish
from tests.support.queries import count_queries
from tests.surveys.factories import add_response, make_survey


def _have_your_say(client, **headers) -> str:
    html = client.get("/", headers=headers).get_data(as_text=True)
    return html.split('id="have-your-say-title"', 1)[1].split("</section>", 1)[0]


def _open_plan(title, closes_in_days=None):
    now = utcnow()
    plan = make_plan(title, feedback_opens_at=now - timedelta(days=1),
                     feedback_closes_at=now + timedelta(days=closes_in_days) if closes_in_days else None)
    publish(plan)
    return plan


def test_plans_taking_comments_are_offered_the_soonest_to_close_first_with_their_closing_date(client, app):
    never_closes = _open_plan("Open-ended plan")
    closes_soon = _open_plan("Closes soon plan", closes_in_days=3)
    closes_later = _open_plan("Closes later plan", closes_in_days=30)
    closed = make_plan("Closed plan", feedback_closes_at=utcnow() - timedelta(days=1))
    publish(closed)
    make_plan("Unpublished plan")

    offered = _have_your_say(client)

    assert re.findall(r">([\w -]+ plan)</a>", offered) == ["Closes soon plan", "Closes later plan", "Open-ended plan"]
    assert offered.count("Comments close on") == 2 and "Open for comments." in offered
    for plan in (closes_soon, closes_later, never_closes):
        assert f'class="button" href="/plans/{plan.id}">Read and comment' in offered


def test_open_surveys_are_offered_and_one_i_answered_says_so(client_as, users):
    answered = make_survey("Answered survey", questions=[])
    open_survey = make_survey("Open survey", questions=[], closes_at=utcnow() + timedelta(days=5))
    make_survey("Closed survey", questions=[], status=SurveyStatus.CLOSED)
    make_survey("Draft survey", questions=[], status=SurveyStatus.DRAFT)
    add_response(answered, {}, respondent=users["participant"])

    offered = _have_your_say(client_as("participant"))

    assert re.findall(r">(\w+ survey)</a>", offered) == ["Open survey", "Answered survey"]
    assert f'href="/surveys/{open_survey.id}">Answer the survey' in offered
    assert "You answered" in offered.split("Answered survey", 1)[1]


def test_a_spanish_reader_is_offered_surveys_by_their_spanish_titles(client, app):
    make_survey("Open survey", questions=[])

    assert "ES: Open survey" in _have_your_say(client, **{"Accept-Language": "es"})


def test_with_nothing_open_the_home_page_says_so_and_still_shows_the_way_in(client, app):
    offered = _have_your_say(client)

    assert "Nothing is open for comments right now." in offered
    assert 'href="/login"' in offered and 'href="/register"' in offered


def test_the_home_page_runs_the_same_queries_however_much_is_open(client, app):
    def queries() -> int:
        with count_queries() as counted:
            assert client.get("/").status_code == 200
        return counted.count

    _open_plan("First plan", closes_in_days=3)
    make_survey("First survey", questions=[])
    first = queries()
    for n in range(4):
        _open_plan(f"Plan {n}", closes_in_days=n + 4)
        make_survey(f"Survey {n}", questions=[])

    assert queries() == first


def test_a_spanish_reader_finds_the_plans_by_their_spanish_titles_on_the_home_and_plans_pages(client, users):
    from tests.translation.factories import translate_plan

    plan = _open_plan("Family Engagement Plan", closes_in_days=3)
    translate_plan(users["translator"], plan, "es", {"title": "Plan de participación familiar"})

    home = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    listing = client.get("/plans/", headers={"Accept-Language": "es"}).get_data(as_text=True)

    assert home.count(">Plan de participación familiar</a>") == 2  # "Have your say" and the list of plans
    assert ">Plan de participación familiar</a>" in listing and "Family Engagement Plan</a>" not in listing
