"""A published plan with two versions, a theme and comments, for "you said, we did" tests."""

from __future__ import annotations

import secrets
import uuid

from engage.comments.models import Comment
from engage.extensions import db
from engage.models import utcnow
from engage.outcomes import services
from engage.outcomes.translatable import outcome_document
from engage.translation import services as translation
from engage.plans import services as plans
from engage.plans.models import Plan, PlanStatus
from engage.themes import services as theme_services
from engage.themes.models import Theme, ThemeStatus
from tests.plans.factories import make_plan
from tests.support.people import make_user

_numbers = iter(range(1, 1_000_000))


def make_revised_plan(leader, title: str = "Family Engagement Plan") -> Plan:
    """Version 1 as made, then version 2 with the first action's description changed."""
    plan = make_plan(title)
    plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    action = first_action(plan)
    plans.save_action(leader, plan, action.section, action, number=action.number, title=action.title,
                      description="Offer bus passes and a late bus.", responsible_office=action.responsible_office,
                      months=list(action.months), indicators=[])
    plans.publish_version(leader, plan, status=PlanStatus.REVISED_DRAFT, change_note="After feedback")
    return plan


def first_action(plan: Plan):
    return plan.sections[0].actions[0]


def add_theme(plan: Plan, label: str = "Late buses", *, status: str = ThemeStatus.ACTIVE, published: bool = False,
              merged_into: Theme | None = None) -> Theme:
    analysis = theme_services.default_analysis(None, plan.id)
    theme = Theme(analysis_id=analysis.id, key=f"t{next(_numbers)}", generated_label=label, status=status,
                  merged_into_id=merged_into.id if merged_into else None)
    if published:
        theme.response_heard, theme.response_will_do = "We heard it.", "We will do it."
        theme.response_published_at = utcnow()
    db.session.add(theme)
    db.session.commit()
    return theme


def add_comment(plan: Plan, body: str = "The bus is late every day.", *, author=None, anonymous: bool = False,
                official: bool = False, status: str = "visible", **fields) -> Comment:
    author = author or make_user(name=f"Parent {next(_numbers)}")
    comment = Comment(plan_id=plan.id, version_id=plan.versions[-1].id, author_id=author.id, body=body,
                      anonymous=anonymous, official=official, status=status, submission_token=uuid.uuid4().hex,
                      **fields)
    db.session.add(comment)
    db.session.commit()
    return comment


def link(actor, plan: Plan, *, explanation_es: str = "", **fields):
    """A link made through the service, with a fresh form token; `explanation_es` is published as a
    translator would."""
    fields.setdefault("explanation", "We added a late bus.")
    fields.setdefault("submission_token", secrets.token_urlsafe(12))
    outcome = services.create_outcome(actor, plan.id, **fields)
    if explanation_es:
        translation.save_translations(None, outcome_document(outcome), "es", {"explanation": explanation_es},
                                      publish=True)
    return outcome
