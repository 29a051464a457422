"""Hosts see where the district hears from the fewest families, to plan conversations there."""

from __future__ import annotations

import pytest

from engage.extensions import db
from engage.leadership import participation
from tests.leadership.factories import YEAR, add_commenters, commented_plan, make_school, set_figures
from tests.support.queries import count_queries


def host_page(client) -> str:
    response = client.get("/host/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def outreach_section(html: str) -> str:
    return html.split('id="outreach-title"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def district(app):
    plan = commented_plan()
    schools = {name: make_school(name) for name in ("Ash", "Birch", "Cedar", "Dogwood")}
    for name, people in (("Ash", 10), ("Birch", 20), ("Cedar", 30), ("Dogwood", 40)):
        add_commenters(people, plan, schools=[schools[name]], language="so" if name == "Ash" else "en",
                       races=["white"])
    set_figures(YEAR, {school: 200 for school in schools.values()}
                | {("language", "so"): 500, ("language", "en"): 1000, ("race_ethnicity", "white"): 900})
    return schools


def test_hosts_see_the_schools_and_languages_heard_from_least_with_a_link_to_plan_a_conversation(client_as,
                                                                                              district):
    outreach = outreach_section(host_page(client_as("host")))
    assert "Dogwood" not in outreach
    assert outreach.index("Ash") < outreach.index("Birch") < outreach.index("Cedar")
    assert f'href="/conversations/new?school={district["Ash"].id}"' in outreach
    assert 'href="/conversations/new?language=so"' in outreach
    assert "White" not in outreach  # race groups stay on the leaders' page


def test_without_enrollment_hosts_see_no_suggestions(client_as):
    add_commenters(12, commented_plan(), schools=[make_school("Ash")])
    assert 'id="outreach-title"' not in host_page(client_as("host"))


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_people_who_do_not_host_cannot_see_them(client_as, role, district):
    assert client_as(role).get("/host/").status_code == 403


def test_the_host_page_costs_the_same_number_of_queries_however_many_people(client_as, district):
    client = client_as("host")
    host_page(client)
    db.session.expire_all()
    with count_queries() as few:
        host_page(client)
    add_commenters(60, commented_plan("Another plan"), schools=[district["Birch"]])
    participation.count_everyone()  # the queue's job, counted on its own (tests/leadership/test_summary.py)
    db.session.expire_all()
    with count_queries() as many:
        host_page(client)
    assert many.count == few.count, (few.count, many.count)
