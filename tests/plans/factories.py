"""Plans built directly in the database for tests."""

from __future__ import annotations

from datetime import date

from engage.extensions import db
from engage.plans.models import Plan, PlanAction, PlanIndicator, PlanSection, PlanStatus, PlanVersion
from engage.plans.services import load_full_plan, snapshot


def make_plan(title: str = "Family Engagement Plan", *, sections: int = 2, actions_per_section: int = 2,
              status: str = PlanStatus.DRAFT, **fields) -> Plan:
    plan = Plan(title=title, summary="Why we are writing this plan.", status=status,
                timeline_months=[10, 11, 12, 1, 2, 3, 4, 5, 6], **fields)
    for s in range(sections):
        section = PlanSection(position=s, title=f"Goal {s + 1}", intro="")
        for a in range(actions_per_section):
            action = PlanAction(position=a, number=str(a + 1), title=f"Action {s + 1}.{a + 1}",
                                description="Offer bus passes to every family that asks.",
                                responsible_office="Transportation", months=[10, 11])
            action.indicators = [PlanIndicator(position=0, text="Passes handed out", deadline_text="June 2026",
                                               deadline=date(2026, 6, 30), metric="Number of passes")]
            section.actions.append(action)
        plan.sections.append(section)
    db.session.add(plan)
    db.session.commit()
    return plan


def publish(plan: Plan) -> PlanVersion:
    """A published version of the plan as it is now, as readers see it."""
    number = len(plan.versions) + 1
    version = PlanVersion(plan_id=plan.id, number=number, status=plan.status,
                          snapshot=snapshot(load_full_plan(plan.id)))
    db.session.add(version)
    db.session.commit()
    return version
