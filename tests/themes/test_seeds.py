"""Leaders steer the themes: themes they start (with examples, or from the plan's actions) and
items they move teach the next run; over HTTP and through the services."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import insert, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.themes import services
from engage.themes.models import Theme, ThemeStatus
from tests.support.web import csrf_token
from tests.themes.factories import analysed_plan


@pytest.fixture
def analysed(users):
    return analysed_plan(users["leader"], per_topic=12)


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/")})


def _members(analysis, theme_id: int) -> list[str]:
    return [row.item.text for row in services.themed_items(analysis) if row.theme_id == theme_id]


def test_a_started_theme_gathers_feedback_like_its_examples_at_the_next_run(leader, analysed, users):
    _, analysis = analysed
    response = _post(leader, f"/themes/analyses/{analysis.id}/seeds",
                     {"seed-label": "A bus stop near the apartments",
                      "seed-examples": "Add a bus stop closer to the apartments\nbus stop near our apartments"})
    assert response.status_code == 302
    seed = db.session.scalar(select(Theme).where(Theme.custom_label == "A bus stop near the apartments"))
    assert seed.status == ThemeStatus.ACTIVE and seed.label_in("es") == "A bus stop near the apartments"
    dashboard = leader.get(f"/themes/analyses/{analysis.id}").get_data(as_text=True)
    assert "A bus stop near the apartments" in dashboard and "No items yet: run the analysis to fill it." in dashboard
    services.start_run(users["leader"], analysis)
    db.session.expire_all()
    texts = _members(analysis, seed.id)
    apartments = [row.item.text for row in services.themed_items(analysis) if "apartments" in row.item.text]
    assert texts and set(apartments) <= set(texts)
    assert db.session.get(Theme, seed.id).custom_label == "A bus stop near the apartments"
    assert "themes.seeded" in {e.action for e in db.session.scalars(select(AuditEvent))}


def test_starting_the_same_theme_twice_makes_one(leader, analysed):
    _, analysis = analysed
    for _ in range(2):
        _post(leader, f"/themes/analyses/{analysis.id}/seeds", {"seed-label": "Field trips", "seed-examples": "trips"})
    assert len([t for t in services.seeded_themes(analysis) if t.custom_label == "Field trips"]) == 1


def test_a_bad_seed_shows_the_error_beside_the_field_and_keeps_what_was_typed(leader, analysed):
    _, analysis = analysed
    html = _post(leader, f"/themes/analyses/{analysis.id}/seeds",
                 {"seed-label": "", "seed-examples": "kept examples"}).get_data(as_text=True)
    assert "Please give the theme a name." in html and "kept examples" in html
    too_many = "\n".join(f"example {i}" for i in range(services.SEED_EXAMPLES_MAX + 1))
    html = _post(leader, f"/themes/analyses/{analysis.id}/seeds",
                 {"seed-label": "Trips", "seed-examples": too_many}).get_data(as_text=True)
    assert re.search(r'id="seed-examples-error"[^>]*>.*?at most 20 examples', html, re.S)
    assert not services.seeded_themes(analysis)


def test_the_plan_s_actions_become_started_themes_once(leader, analysed):
    plan, analysis = analysed
    actions = [action for section in plan.sections for action in section.actions if action.title.strip()]
    assert actions
    _post(leader, f"/themes/analyses/{analysis.id}/seeds/actions", {})
    _post(leader, f"/themes/analyses/{analysis.id}/seeds/actions", {})
    seeded = services.seeded_themes(analysis)
    assert sorted(t.custom_label for t in seeded) == sorted(a.title.strip() for a in actions)
    assert all(t.seed_examples[0] == t.custom_label for t in seeded)


def test_stopping_a_started_theme_with_no_items_retires_it(leader, analysed, users):
    _, analysis = analysed
    theme = services.seed_theme(users["leader"], analysis, "Snow days", examples=["snow"])
    _post(leader, f"/themes/analyses/{analysis.id}/themes/{theme.id}/unseed", {})
    db.session.expire_all()
    stopped = db.session.get(Theme, theme.id)
    assert stopped.status == ThemeStatus.RETIRED and stopped.seed_examples is None


def test_items_a_leader_moves_stay_and_like_ones_follow_at_the_next_run(analysed, users):
    _, analysis = analysed
    started = services.seed_theme(users["leader"], analysis, "Apartments")
    rows = [row for row in services.themed_items(analysis) if "closer to the apartments" in row.item.text]
    assert len(rows) >= 2
    moved, like = rows[0], rows[1:]
    services.move_item(users["leader"], analysis, *moved.item.key, started)
    services.start_run(users["leader"], analysis)
    db.session.expire_all()
    placed = {row.item.key: row for row in services.themed_items(analysis)}
    assert placed[moved.item.key].theme_id == started.id
    assert all(placed[row.item.key].theme_id == started.id for row in like)


@pytest.mark.parametrize("same_name", [True, False])
def test_two_leaders_starting_themes_at_once_never_raise_a_server_error(app, analysed, users, same_name):
    """Another request took the next theme number and committed after this one read the analysis."""
    _, analysis = analysed
    number = analysis.next_theme_number
    assert not services.seeded_themes(analysis)  # what this request read
    with db.engine.begin() as other_request:
        other_request.execute(insert(Theme), [{"analysis_id": analysis.id, "key": f"t{number}",
                                               "custom_label": "Field trips", "seed_examples": ["Field trips"],
                                               "status": ThemeStatus.ACTIVE, "top_terms": [], "subthemes": []}])
    label = "Field trips" if same_name else "Snow days"
    if same_name:
        assert services.seed_theme(users["leader"], analysis, label).key == f"t{number}"
    else:
        with app.test_request_context(), pytest.raises(ValueError, match="try again"):
            services.seed_theme(users["leader"], analysis, label)
    assert len(db.session.scalars(select(Theme).where(Theme.key == f"t{number}")).all()) == 1
