"""Published plans with progress updates, as the public tracker shows them."""

from __future__ import annotations

import secrets
from datetime import date

from engage.extensions import db
from engage.models import utcnow
from engage.plans import services as plans
from engage.plans.models import PlanAction, PlanStatus
from engage.tracker.models import ActionProgress, MetricValue, ProgressStatus, ProgressUpdate
from engage.tracker.translatable import update_document
from engage.translation import services as translation
from tests.plans.factories import make_plan

FUTURE = date(2099, 6, 30)


def published_plan(leader, **kwargs):
    """A plan from the plans factory with deadlines far ahead (so nothing is overdue by accident), published once."""
    plan = make_plan(**kwargs)
    for action in actions_of(plan):
        for indicator in action.indicators:
            indicator.deadline = FUTURE
    db.session.commit()
    plans.publish_version(leader, plan, status=PlanStatus.FINAL, change_note="Adopted")
    return plan


def actions_of(plan) -> list[PlanAction]:
    return [action for section in plan.sections for action in section.actions]


def translate_update(update: ProgressUpdate, summary_es: str) -> None:
    """A published Spanish translation of the update's summary, as a translator would leave it."""
    if summary_es:
        translation.save_translations(None, update_document(update), "es", {"summary": summary_es}, publish=True)


def add_update(action: PlanAction, *, status=ProgressStatus.ON_TRACK, percent=40, as_of=None, summary="Going well.",
               summary_es="", office="Transportation", values=None, author=None, **fields) -> ProgressUpdate:
    """An update written straight to the database, with the action's progress row kept as the app keeps it."""
    update = ProgressUpdate(action_id=action.id, plan_id=action.section.plan_id, author_id=author.id if author else None,
                            office=office, as_of=as_of or date(2025, 11, 1), status=status, percent_complete=percent,
                            summary=summary, submission_token=secrets.token_urlsafe(16), **fields)
    for indicator, (number, unit, text) in (values or {}).items():
        update.metric_values.append(MetricValue(indicator_id=indicator.id, number=number, unit=unit, text=text))
    db.session.add(update)
    db.session.flush()
    translate_update(update, summary_es)
    progress = db.session.query(ActionProgress).filter_by(action_id=action.id).one_or_none()
    if progress is None:
        progress = ActionProgress(action_id=action.id, plan_id=action.section.plan_id, update_count=0)
        db.session.add(progress)
    progress.status, progress.percent_complete = status, percent
    progress.update_count += 1
    progress.last_update_id, progress.updated_at = update.id, utcnow()
    db.session.commit()
    return update
