"""The demo's "you said, we did" links: on the open plan, on the right themes and actions, made once."""

from __future__ import annotations

from sqlalchemy import select

from engage.accounts.models import find_user_by_email
from engage.demo.outcomes import load_demo_outcomes
from engage.demo.themes import RESPONSES
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.outcomes.models import FeedbackOutcome
from engage.outcomes.services import plan_outcomes
from engage.plans.models import Plan
from engage.themes.models import Theme


def test_demo_links_follow_the_revision_and_loading_twice_adds_nothing(app, client):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    plan = db.session.scalar(select(Plan).where(Plan.owner_school_id.is_(None)))
    leader = find_user_by_email("leader@example.org")
    added: dict[str, int] = {}
    load_demo_outcomes(plan, leader, added)  # a no-op once load_demo_data calls it
    mail_before = db.session.scalars(select(OutboxMessage.id)).all()

    links = {o.action_number: o for o in plan_outcomes(plan.id)}
    assert set(links) == {"3", "5", "6"}
    assert links["5"].version_number == 2 and links["3"].version_number == 2 and links["6"].version_number is None
    for number, response in (("6", RESPONSES[0]), ("5", RESPONSES[1]), ("3", RESPONSES[2])):
        assert db.session.get(Theme, links[number].theme_id).response_heard == response.heard
    assert links["6"].comment_count == 2

    again: dict[str, int] = {}
    load_demo_outcomes(plan, leader, again)
    assert again == {"outcomes": 0}
    assert len(db.session.scalars(select(FeedbackOutcome)).all()) == 3
    assert db.session.scalars(select(OutboxMessage.id)).all() == mail_before

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert 'id="you-said-we-did"' in html and html.count("Shaped by community feedback") == 3
    for outcome in links.values():
        assert client.get(f"/plans/{plan.id}/heard/{outcome.theme_id}").status_code == 200
    compare = client.get(f"/plans/{plan.id}/compare?from=1&to=2").get_data(as_text=True)
    assert compare.count("From community feedback") >= 3
