"""Leaders write plans in forms: settings, sections, actions with indicators; and import files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from markupsafe import escape
from sqlalchemy import select

from engage.extensions import db
from engage.plans import services
from engage.plans.models import Plan
from tests.plans.factories import make_plan
from tests.support.web import post_form

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_leader_writes_a_plan_from_scratch_and_publishes_it(client_as, client):
    leader = client_as("leader")
    response = post_form(leader, "/plans/new", {
        "title": "Safe Routes to School", "summary": "Why:\n- fewer late buses\n- **safer** crossings",
        "owner_school_id": "0", "feedback_opens_at": "2026-01-05T08:00", "feedback_closes_at": "2026-02-05T17:00",
        "timeline_months": ["9", "10"],
    }, form_page="/plans/new")
    assert response.status_code == 302
    plan = db.session.scalar(select(Plan).where(Plan.title == "Safe Routes to School"))
    # 8:00 in Chicago (the test district's zone) in January is 14:00 UTC.
    assert plan.feedback_opens_at.hour == 14 and plan.timeline_months == [9, 10]
    post_form(leader, f"/plans/{plan.id}/sections/new", {"title": "Buses", "intro": "Getting there on time."},
              form_page=f"/plans/{plan.id}/sections/new")
    section = services.load_full_plan(plan.id).sections[0]
    post_form(leader, f"/plans/{plan.id}/sections/{section.id}/actions/new", {
        "number": "1", "title": "Later first bell", "description": "Start middle school at 8:30.",
        "responsible_office": "Transportation", "months": ["9"],
        "indicators-0-text": "Survey families", "indicators-0-deadline_text": "October 15, 2026",
        "indicators-0-metric": "Responses", "indicators-1-text": "", "indicators-1-deadline_text": "",
        "indicators-1-metric": "",
    }, form_page=f"/plans/{plan.id}/sections/{section.id}/actions/new")
    action = services.load_full_plan(plan.id).sections[0].actions[0]
    assert (action.title, action.months, len(action.indicators)) == ("Later first bell", [9], 1)
    assert action.indicators[0].deadline == date(2026, 10, 15)
    post_form(leader, f"/plans/{plan.id}/publish", {"status": "draft"}, form_page=f"/plans/{plan.id}/preview")
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Later first bell" in html and "<strong>safer</strong>" in html and "<li>fewer late buses</li>" in html


def test_plan_form_errors_keep_what_was_typed(client_as):
    leader = client_as("leader")
    response = post_form(leader, "/plans/new", {"title": " ", "summary": "Kept text", "owner_school_id": "0",
                                                "feedback_opens_at": "2026-02-05T08:00",
                                                "feedback_closes_at": "2026-01-05T08:00"}, form_page="/plans/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter a name." in html and "The closing time must be after the opening time." in html
    assert "Kept text" in html


def test_sections_and_actions_move_and_leave_the_draft_only(client_as, users):
    plan = make_plan()
    services.publish_version(users["leader"], plan, status="draft")
    leader = client_as("leader")
    first, second = plan.sections
    post_form(leader, f"/plans/{plan.id}/parts/section/{second.id}", {"change": "up"}, form_page="/plans/")
    db.session.expire_all()
    assert [s.title for s in services.load_full_plan(plan.id).sections] == ["Goal 2", "Goal 1"]
    action = services.load_full_plan(plan.id).sections[0].actions[0]
    post_form(leader, f"/plans/{plan.id}/parts/action/{action.id}", {"change": "remove"}, form_page="/plans/")
    db.session.expire_all()
    assert len(services.load_full_plan(plan.id).sections[0].actions) == 1
    assert len(services.get_plan(plan.id).versions[0].snapshot["sections"][1]["actions"]) == 2


def test_only_plan_managers_reach_the_editor(client_as, users):
    plan = make_plan()
    for role in ("participant", "host", "moderator"):
        client = client_as(role)
        for path in ("/plans/new", f"/plans/{plan.id}/edit", f"/plans/{plan.id}/sections/new"):
            assert client.get(path).status_code == 403, (role, path)


def test_a_school_plan_links_the_district_actions_it_carries_out(client_as, users):
    from engage.orgs.models import School

    district = make_plan(title="District Plan")
    school = School(name="Oak Elementary")
    db.session.add(school)
    db.session.commit()
    target = district.sections[0].actions[1]
    post_form(client_as("leader"), "/plans/new", {"title": "Oak Plan", "owner_school_id": str(school.id),
                                                  "implements": [str(target.id)]}, form_page="/plans/new")
    oak = db.session.scalar(select(Plan).where(Plan.title == "Oak Plan"))
    assert [a.id for a in oak.implements] == [target.id]


def test_import_command_creates_a_draft_from_each_format(app):
    runner = app.test_cli_runner()
    for name in ("action_table.txt", "month_table.txt"):
        result = runner.invoke(args=["plans", "import", str(FIXTURES / name)])
        assert result.exit_code == 0, result.output
        assert "as a draft" in result.output
    plans = db.session.scalars(select(Plan)).all()
    assert len(plans) == 2 and all(p.status == "draft" and not p.versions for p in plans)
    assert any(p.timeline_months for p in plans)


def test_a_bad_file_imports_nothing_and_names_the_line(app, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("A plan\n\nActions\tInterim Indicators of Success\tTarget Deadline\tPerformance Metric\n"
                   "1. Do things\tOnly two cells\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["plans", "import", str(bad)])
    assert result.exit_code != 0 and "line 4" in result.output
    assert db.session.scalar(select(Plan)) is None


def test_import_for_an_unknown_school_is_refused(app):
    result = app.test_cli_runner().invoke(args=["plans", "import", str(FIXTURES / "action_table.txt"),
                                                "--school", "Nowhere High"])
    assert result.exit_code != 0 and "No school is named" in result.output


def test_the_real_seed_plans_import_publish_and_render(app, client, users):
    from tests.support.environment import require_or_skip

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    if not files:
        require_or_skip(f"the seed plans are not at {seeds}")
    runner = app.test_cli_runner()
    for path in files:
        result = runner.invoke(args=["plans", "import", str(path)])
        assert result.exit_code == 0, result.output
    for plan in db.session.scalars(select(Plan)).all():
        services.publish_version(users["leader"], plan, status="draft")
        response = client.get(f"/plans/{plan.id}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Contents" in html
        assert all(str(escape(section.title)) in html for section in plan.sections)


def test_dates_far_outside_a_school_year_are_refused_not_crashed(client_as):
    response = post_form(client_as("leader"), "/plans/new", {"title": "T", "owner_school_id": "0",
                                                             "feedback_opens_at": "9999-12-31T23:59"},
                         form_page="/plans/new")
    assert response.status_code == 200
    assert "between the years 2000 and 2100" in response.get_data(as_text=True)
