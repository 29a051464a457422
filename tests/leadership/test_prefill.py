"""A link from "who we are hearing from" opens the new-conversation form with its school, language and plan."""

from __future__ import annotations

import re

import pytest

from engage.extensions import db
from engage.orgs.models import School
from tests.leadership.factories import make_school
from tests.plans.factories import make_plan
from tests.tracker.factories import publish


def values(html: str, name: str) -> list[str]:
    """The values of a select's selected options."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    found = re.findall(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                       select.group(1)) if select else []
    return [a or b for a, b in found]


def checked_languages(html: str) -> list[str]:
    return re.findall(r'<input[^>]*checked[^>]*name="languages"[^>]*value="([^"]+)"|'
                      r'<input[^>]*name="languages"[^>]*value="([^"]+)"[^>]*checked', html)


def languages(html: str) -> list[str]:
    return sorted(a or b for a, b in checked_languages(html))


@pytest.fixture
def choices(app):
    school = make_school("Oak Elementary")
    plan = make_plan("Equity Plan")
    publish(plan)
    return school, plan


def test_school_language_and_plan_are_prefilled(client_as, choices):
    school, plan = choices
    html = client_as("leader").get(f"/conversations/new?school={school.id}&language=so&plan={plan.id}")
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert values(text, "school_id") == [str(school.id)]
    assert values(text, "plan_id") == [str(plan.id)]
    assert languages(text) == ["so"]


def test_hosts_get_the_prefill_too(client_as, choices):
    school, _plan = choices
    text = client_as("host").get(f"/conversations/new?school={school.id}").get_data(as_text=True)
    assert values(text, "school_id") == [str(school.id)]


@pytest.mark.parametrize("query", ["school=999999&language=xx&plan=999999", "school=abc&plan=-1&language=",
                                   "school=%C2%B2&plan=" + "9" * 5000, "language=<script>"])
def test_bad_values_are_ignored(client_as, choices, query):
    response = client_as("leader").get(f"/conversations/new?{query}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert values(text, "school_id") in ([], ["0"])
    assert values(text, "plan_id") in ([], ["0"])
    assert languages(text) == []


def test_inactive_school_is_not_prefilled(client_as, choices):
    school = School(name="Closed School", active=False)
    db.session.add(school)
    db.session.commit()
    text = client_as("leader").get(f"/conversations/new?school={school.id}").get_data(as_text=True)
    assert values(text, "school_id") in ([], ["0"])
