"""The "who we are hearing from" page: who may open it, what it shows, and its query count."""

from __future__ import annotations

import re

import html as html_lib

import pytest

from engage.extensions import db
from tests.leadership.factories import (
    YEAR,
    add_commenters,
    add_registrations,
    add_responses,
    commented_plan,
    make_school,
    plan_session,
    plan_survey,
    set_figures,
)
from tests.support.queries import count_queries
from tests.support.web import post_form

PAGES = ["/leadership/participation", "/leadership/participation.csv", "/leadership/enrollment",
         "/leadership/enrollment/template.csv"]
ALLOWED = {
    "participant": set(),
    "host": set(),
    "moderator": set(),
    "leader": {"/leadership/participation", "/leadership/participation.csv"},
    "admin": set(PAGES),
}


def page(client, path="/leadership/participation") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True).split("<main", 1)[1])


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_who_may_open_each_page(client_as, role):
    client = client_as(role)
    for path in PAGES:
        expected = 200 if path in ALLOWED[role] else 403
        assert client.get(path).status_code == expected, (role, path)
    posts = [("/leadership/enrollment", {}), ("/leadership/enrollment/import", {})]
    for path, data in posts:
        response = post_form(client, path, data)
        assert response.status_code in ({200, 302} if role == "admin" else {403}), (role, path)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/leadership/participation")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_navigation_links_by_role(client_as):
    leader_nav = client_as("leader").get("/").get_data(as_text=True).split("</nav>", 1)[0]
    admin_nav = client_as("admin").get("/").get_data(as_text=True).split("</nav>", 1)[0]
    assert "Who we are hearing from" in leader_nav and "/leadership/enrollment" not in leader_nav
    assert "Who we are hearing from" in admin_nav and 'href="/leadership/enrollment"' in admin_nav


def test_empty_states_without_people_or_enrollment(client_as):
    leader_text, admin_text = page(client_as("leader")), page(client_as("admin"))
    assert "Who we are hearing from" in leader_text
    assert "No one has taken part yet." in leader_text
    assert "There are no enrollment figures yet" in leader_text
    assert 'href="/leadership/enrollment"' not in leader_text
    assert 'href="/leadership/enrollment"' in admin_text


def test_summary_cards_tables_and_definitions(client_as):
    plan = commented_plan()
    add_commenters(12, plan, language="es")
    add_responses(20, plan_survey(plan), language="en")
    text = page(client_as("leader"))
    for words in ("Plan comments", "Survey responses", "Conversation sign-ups", "Conversation attendance",
                  "All channels", "How we count", "By school", "By language", "By race or ethnicity",
                  "By connection to the district", "Did not say", "Over time"):
        assert words in text
    assert '<caption id="by-language-caption">' in text
    assert '<th scope="col" class="number">All channels</th>' in text
    assert 'class="table-wrap" tabindex="0" role="region" aria-labelledby="by-school-caption"' in text
    assert '<span class="stat">32</span> people heard from, each counted once' in text
    assert "Plan comments: <strong>12</strong>" in text and "Survey responses: <strong>20</strong>" in text


def test_each_group_s_share_is_drawn_beside_its_share_of_students_the_largest_gaps_first(client_as):
    plan = commented_plan()
    add_commenters(10, plan, language="es")
    add_commenters(30, plan, language="en")
    add_commenters(10, plan, language="vi")
    # Shares of students: en 50%, es 40%, vi 10%; of people heard from: en 60%, es 20%, vi 20%.
    set_figures(YEAR, {("language", "en"): 500, ("language", "es"): 400, ("language", "vi"): 100})

    text = page(client_as("leader"))
    chart = text.split('id="by-language-title"', 1)[1].split('class="gap-chart"', 1)[1].split("</ol>", 1)[0]

    labels = re.findall(r"<strong>([^<]+)</strong>:\s*([^<]+?)\s*</p>", chart)
    assert labels == [("Spanish", "20.0 points below its share of students"),
                      ("English", "10.0 points above its share of students"),
                      ("Vietnamese", "10.0 points above its share of students")]
    assert "People: 20.0%" in chart and "Students: 40.0%" in chart
    # Every figure stays in a table, folded under the chart.
    assert '<details class="participation-figures">' in text.split('id="by-language-title"', 1)[1]


def test_page_in_spanish_with_spanish_numbers(client_as):
    add_commenters(30, commented_plan(), language="en")
    set_figures(YEAR, {("language", "en"): 400})
    client = client_as("leader")
    post_form(client, "/language", {"locale": "es", "next": "/"})
    text = client.get("/leadership/participation").get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in text
    assert "7,5" in text.split('id="by-language"', 1)[1]


def test_lowest_participation_links_to_planning_a_conversation(client_as):
    plan = commented_plan()
    plan_id = plan.id
    schools = {name: make_school(name) for name in ("Ash", "Birch", "Cedar", "Dogwood")}
    for name, people in (("Ash", 10), ("Birch", 20), ("Cedar", 30), ("Dogwood", 40)):
        add_commenters(people, plan, schools=[schools[name]], language="so" if name == "Ash" else "en")
    set_figures(YEAR, {school: 200 for school in schools.values()}
                | {("language", "so"): 500, ("language", "en"): 1000})
    text = page(client_as("leader"))
    lowest = text.split('id="lowest-title"', 1)[1].split("</section>", 1)[0]
    assert "Dogwood" not in lowest  # only the three lowest rates
    assert lowest.index("Ash") < lowest.index("Birch") < lowest.index("Cedar")
    assert f'href="/conversations/new?school={schools["Ash"].id}"' in lowest
    assert "Plan a conversation for this school" in lowest
    assert 'href="/conversations/new?language=so"' in lowest
    filtered = page(client_as("leader"), f"/leadership/participation?plan={plan_id}")
    lowest = filtered.split('id="lowest-title"', 1)[1].split("</section>", 1)[0]
    assert f"/conversations/new?school={schools['Ash'].id}&plan={plan_id}" in lowest


def test_filters_choose_the_plan_and_the_school_year(client_as):
    plan = commented_plan("Transport Plan")
    set_figures("2025-26", {("language", "en"): 100})
    set_figures(YEAR, {("language", "en"): 200})
    text = page(client_as("leader"))
    assert '<option value="2026-27" selected>' in text and "enrollment 2026-27" in text
    text = page(client_as("leader"), f"/leadership/participation?plan={plan.id}&year=2025-26")
    assert '<option value="2025-26" selected>' in text
    assert f'<option value="{plan.id}" selected>Transport Plan</option>' in text
    assert "People heard from on Transport Plan" in text


@pytest.mark.parametrize("query", ["?plan=abc", "?plan=999999", "?plan=%C2%B2", "?year=1999-2000",
                                   "?year=<script>", "?plan=" + "9" * 5000])
def test_bad_filters_are_ignored(client_as, query):
    text = page(client_as("leader"), "/leadership/participation" + query)
    assert "People heard from</h2>" in text
    assert "<script>" not in text


def test_query_count_stays_flat_as_people_and_schools_grow(client_as):
    client = client_as("leader")
    plan = commented_plan()

    def add_everyone(n: int) -> None:
        schools = [make_school(f"School {n}-{i}") for i in range(n)]
        add_commenters(n, plan, language="es", races=["asian", "white"], schools=schools)
        add_responses(n, plan_survey(plan), language="en", schools=schools)
        session = plan_session(plan, school=schools[0])
        add_registrations(n, session, checked_in=True, interpretation_language="so")
        set_figures(f"20{10 + n}-{11 + n}", {school: 100 for school in schools})

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/leadership/participation?plan={plan.id}").status_code == 200
        return counter.count

    add_everyone(2)
    few = queries()
    add_everyone(25)
    assert queries() == few
