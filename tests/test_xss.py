"""Hostile text typed anywhere renders as text, never as markup or script."""

from __future__ import annotations

import pytest

from engage.extensions import db
from engage.plans import services as plans
from engage.text import formatted_text_to_html, plain_text_to_html
from tests.plans.factories import make_plan
from tests.support.xss import PAYLOADS, active_content


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_renderers_leave_nothing_executable(payload):
    for render in (plain_text_to_html, formatted_text_to_html):
        assert active_content(str(render(payload))) == [], (render.__name__, payload)


def test_hostile_plan_text_section_titles_and_indicators_render_inert(client, users):
    payload = " ".join(PAYLOADS)
    plan = make_plan(title=PAYLOADS[0])
    plan.summary = payload
    section = plan.sections[0]
    section.title = PAYLOADS[1]
    section.intro = payload
    action = section.actions[0]
    action.title, action.description, action.responsible_office = PAYLOADS[2], payload, PAYLOADS[3]
    action.indicators[0].text = PAYLOADS[9]
    action.indicators[0].metric = PAYLOADS[10]
    db.session.commit()
    plans.publish_version(users["leader"], plan, status="draft")
    action.description = payload + " changed"
    db.session.commit()
    plans.publish_version(users["leader"], plan, status="draft")
    for path in (f"/plans/{plan.id}", f"/plans/{plan.id}?version=1", "/plans/", "/",
                 f"/plans/{plan.id}/compare?from=1&to=2"):
        html = client.get(path).get_data(as_text=True)
        main = html[html.index("<main"):html.index("</main>")]
        assert active_content(main) == [], path
