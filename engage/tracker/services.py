"""Progress tracker: who may post updates, and reading where each action stands.

Writes (posting, editing and deleting updates) live in engage/tracker/updates.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from ..domain import RecordNotFound
from ..extensions import db
from ..i18n import district_today
from ..orgs.models import Membership, Organization, OrganizationKind
from ..permissions import PermissionDenied, can
from ..plans.models import Plan, PlanAction, PlanIndicator, PlanSection, PlanVersion
from .component import UPDATE_PROGRESS
from .models import ActionProgress, MetricValue, ProgressStatus, ProgressUpdate

# Permissions -------------------------------------------------------------------


def normalize_office(name: str | None) -> str:
    """An office name compared case- and space-insensitively ("Family  Engagement" = "family engagement")."""
    return " ".join((name or "").split()).casefold()


def office_names(actor) -> frozenset[str]:
    """The normalized names of the district offices the actor belongs to (one query)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return frozenset()
    names = db.session.scalars(
        select(Organization.name)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == actor.id, Organization.kind == OrganizationKind.DISTRICT_OFFICE)
    )
    return frozenset(normalize_office(name) for name in names)


def can_update_any_action(actor) -> bool:
    """Leaders and admins may update every action."""
    return can(actor, UPDATE_PROGRESS)


def posts_updates(actor) -> bool:
    """Whether the actor posts progress on some action: leaders, admins and district offices' members."""
    return can_update_any_action(actor) or bool(actor.is_authenticated and actor.is_office_member)


def can_update_action(actor, action: PlanAction, *, offices: frozenset[str] | None = None) -> bool:
    """Whether the actor may post progress on this action: UPDATE_PROGRESS, or membership of
    the district office named as the action's responsible office.

    Pass `offices` (from office_names) when checking many actions, to avoid a query each.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if can_update_any_action(actor):
        return True
    responsible = normalize_office(action.responsible_office)
    if not responsible:
        return False
    if offices is None:
        offices = office_names(actor)
    return responsible in offices


def require_update_action(actor, action: PlanAction) -> None:
    if not can_update_action(actor, action):
        raise PermissionDenied(UPDATE_PROGRESS)


# Dates -------------------------------------------------------------------------


# Reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedIndicator:
    indicator: PlanIndicator
    deadline: date | None
    latest_value: MetricValue | None
    overdue: bool


@dataclass(frozen=True)
class TrackedAction:
    action: PlanAction
    section: PlanSection
    status: str
    percent_complete: int
    updated_at: datetime | None
    update_count: int
    indicators: list[TrackedIndicator]

    @property
    def overdue(self) -> bool:
        return any(indicator.overdue for indicator in self.indicators)


def is_overdue(deadline: date | None, status: str, today: date) -> bool:
    """An indicator is overdue once its deadline has passed and its action is not done."""
    return deadline is not None and deadline < today and status != ProgressStatus.DONE


def published_plan_ids_query():
    return select(PlanVersion.plan_id).distinct()


def tracked_plans() -> list[Plan]:
    """Plans with at least one published version (their progress is public), district plans first."""
    return list(
        db.session.scalars(
            select(Plan)
            .where(Plan.id.in_(published_plan_ids_query()))
            .options(selectinload(Plan.owner_school))
            .order_by(Plan.owner_school_id.is_not(None), Plan.title, Plan.id)
        )
    )


def is_tracked(plan_id: int) -> bool:
    return db.session.scalar(select(func.count()).where(PlanVersion.plan_id == plan_id)) > 0


def latest_metric_values(indicator_ids: list[int]) -> dict[int, MetricValue]:
    """The most recent value of each indicator (by its update's as-of date, then when it was written)."""
    if not indicator_ids:
        return {}
    ranked = (
        select(
            MetricValue.id.label("id"),
            func.row_number()
            .over(
                partition_by=MetricValue.indicator_id,
                order_by=(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()),
            )
            .label("rank"),
        )
        .join(ProgressUpdate, ProgressUpdate.id == MetricValue.update_id)
        .where(MetricValue.indicator_id.in_(indicator_ids))
        .subquery()
    )
    values = db.session.scalars(
        select(MetricValue).join(ranked, ranked.c.id == MetricValue.id).where(ranked.c.rank == 1)
    )
    return {value.indicator_id: value for value in values}


def track_actions(actions: list[PlanAction], today: date | None = None) -> list[TrackedAction]:
    """Progress and indicators of actions already loaded with their section and indicators (two queries)."""
    today = today or district_today()
    action_ids = [action.id for action in actions]
    progress_by_action = (
        {p.action_id: p for p in db.session.scalars(select(ActionProgress).where(ActionProgress.action_id.in_(action_ids)))}
        if action_ids
        else {}
    )
    latest = latest_metric_values([ind.id for action in actions for ind in action.indicators])
    tracked = []
    for action in actions:
        progress = progress_by_action.get(action.id)
        status = progress.status if progress else ProgressStatus.NOT_STARTED
        tracked.append(
            TrackedAction(
                action=action,
                section=action.section,
                status=status,
                percent_complete=progress.percent_complete if progress else 0,
                updated_at=progress.updated_at if progress else None,
                update_count=progress.update_count if progress else 0,
                indicators=[
                    TrackedIndicator(
                        indicator=indicator,
                        deadline=indicator.deadline,
                        latest_value=latest.get(indicator.id),
                        overdue=is_overdue(indicator.deadline, status, today),
                    )
                    for indicator in action.indicators
                ],
            )
        )
    return tracked


def _actions_query():
    return (
        select(PlanAction)
        .join(PlanSection, PlanSection.id == PlanAction.section_id)
        .options(contains_eager(PlanAction.section), selectinload(PlanAction.indicators))
        .order_by(PlanSection.position, PlanSection.id, PlanAction.position, PlanAction.id)
    )


def overdue_action_counts(plan_ids: list[int], today: date | None = None) -> dict[int, int]:
    """How many actions of each of these plans are past an indicator's deadline and not done
    (a constant number of queries however many plans)."""
    if not plan_ids:
        return {}
    actions = list(db.session.scalars(_actions_query().where(PlanSection.plan_id.in_(plan_ids))))
    overdue: dict[int, int] = {}
    for tracked in track_actions(actions, today):
        if tracked.overdue:
            overdue[tracked.section.plan_id] = overdue.get(tracked.section.plan_id, 0) + 1
    return overdue


def plan_actions(plan_id: int, today: date | None = None) -> list[TrackedAction]:
    """Every action of the plan in order, with its section, progress (not started if none yet),
    indicators, each indicator's latest value and whether it is overdue. Constant query count."""
    actions = list(db.session.scalars(_actions_query().where(PlanSection.plan_id == plan_id)))
    return track_actions(actions, today)


def tracked_actions_of_plans(plan_ids: list[int], today: date | None = None) -> list[TrackedAction]:
    """Like plan_actions, for several plans at once (ordered by plan id, then as in the plan)."""
    if not plan_ids:
        return []
    query = _actions_query().where(PlanSection.plan_id.in_(plan_ids))
    query = query.order_by(None).order_by(
        PlanSection.plan_id, PlanSection.position, PlanSection.id, PlanAction.position, PlanAction.id
    )
    return track_actions(list(db.session.scalars(query)), today)


def action_history(action_id: int) -> list[ProgressUpdate]:
    """Every update of the action, newest first, with authors, metric values and their indicators."""
    return list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id == action_id)
            .options(
                selectinload(ProgressUpdate.author),
                selectinload(ProgressUpdate.metric_values).selectinload(MetricValue.indicator),
            )
            .order_by(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        )
    )


def recent_updates(plan_id: int | None = None, limit: int = 50) -> list[ProgressUpdate]:
    """The latest updates (by when they were written), newest first, on published plans only."""
    query = (
        select(ProgressUpdate)
        .where(ProgressUpdate.plan_id.in_(published_plan_ids_query()))
        .options(
            selectinload(ProgressUpdate.action).selectinload(PlanAction.section),
            selectinload(ProgressUpdate.metric_values).selectinload(MetricValue.indicator),
        )
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        .limit(limit)
    )
    if plan_id is not None:
        query = query.where(ProgressUpdate.plan_id == plan_id)
    return list(db.session.scalars(query))


def find_action(action_id: int) -> PlanAction | None:
    return db.session.scalar(
        select(PlanAction)
        .where(PlanAction.id == action_id)
        .options(
            selectinload(PlanAction.section).selectinload(PlanSection.plan),
            selectinload(PlanAction.indicators),
        )
    )


def get_action(action_id: int) -> PlanAction:
    """The action with its section, plan and indicators, or RecordNotFound."""
    action = find_action(action_id)
    if action is None:
        raise RecordNotFound()
    return action


def get_update(update_id: int) -> ProgressUpdate:
    """One update with its action and metric values, or RecordNotFound."""
    update = db.session.scalar(
        select(ProgressUpdate)
        .where(ProgressUpdate.id == update_id)
        .options(
            selectinload(ProgressUpdate.action).selectinload(PlanAction.section).selectinload(PlanSection.plan),
            selectinload(ProgressUpdate.action).selectinload(PlanAction.indicators),
            selectinload(ProgressUpdate.metric_values).selectinload(MetricValue.indicator),
        )
    )
    if update is None:
        raise RecordNotFound()
    return update


# The office's own list -------------------------------------------------------------


@dataclass(frozen=True)
class OfficeSection:
    section: PlanSection
    actions: list[TrackedAction]


@dataclass(frozen=True)
class OfficePlan:
    plan: Plan
    sections: list[OfficeSection]


def can_use_office_pages(actor, *, offices: frozenset[str] | None = None) -> bool:
    """Leaders and admins, and members of a district office."""
    if can_update_any_action(actor):
        return True
    return bool(office_names(actor) if offices is None else offices)


def require_office_pages(actor, *, offices: frozenset[str] | None = None) -> None:
    if not can_use_office_pages(actor, offices=offices):
        raise PermissionDenied(UPDATE_PROGRESS)


def actions_to_update(actor, today: date | None = None) -> list[OfficePlan]:
    """The actions of published plans the person may post progress on, grouped by plan and section
    (every action, for leaders and admins). Constant query count."""
    offices = None if can_update_any_action(actor) else office_names(actor)
    require_office_pages(actor, offices=offices)
    plans = tracked_plans()
    if not plans:
        return []
    query = _actions_query().where(PlanSection.plan_id.in_([plan.id for plan in plans]))
    actions = [action for action in db.session.scalars(query)
               if offices is None or normalize_office(action.responsible_office) in offices]
    by_section: dict[int, list[TrackedAction]] = {}
    for tracked in track_actions(actions, today):
        by_section.setdefault(tracked.section.id, []).append(tracked)
    grouped = []
    for plan in plans:
        sections = []
        seen = set()
        for action in actions:
            section = action.section
            if section.plan_id == plan.id and section.id not in seen:
                seen.add(section.id)
                sections.append(OfficeSection(section, by_section[section.id]))
        if sections:
            grouped.append(OfficePlan(plan, sections))
    return grouped
