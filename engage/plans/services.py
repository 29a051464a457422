"""Plans: importing, publishing immutable versions, and reading them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..extensions import db
from ..i18n import content_language
from ..models import TimeWindow, soonest_first, time_window_state, utcnow
from ..permissions import Permission, require
from ..translation import services as translation
from ..translation.sources import Document
from .models import Plan, PlanAction, PlanIndicator, PlanSection, PlanStatus, PlanVersion
from .translation import passages, plan_scope

if TYPE_CHECKING:
    from .importers import ImportedPlan


class NothingToPublish(Exception):
    """The plan has no actions yet."""


class TranslationsMissing(Exception):
    """Languages the district requires are not translated: language -> passages missing."""

    def __init__(self, missing: dict[str, int]):
        super().__init__(f"translations missing: {missing}")
        self.missing = missing


# Import ------------------------------------------------------------------------


def create_plan_from_import(imported: ImportedPlan, *, actor=None, owner_school_id: int | None = None) -> Plan:
    """Store an imported file as a new draft plan, in one transaction.

    The command line passes no actor (whoever runs it operates the server);
    anyone else needs permission to manage plans.
    """
    if actor is not None:
        require(actor, Permission.MANAGE_PLANS)
    title = imported.title or (imported.sections[0].title if imported.sections else "") or "Untitled plan"
    plan = Plan(
        title=title[:200],
        summary=imported.summary,
        timeline_months=list(imported.timeline_months),
        owner_school_id=owner_school_id,
        status=PlanStatus.DRAFT,
        created_by_id=getattr(actor, "id", None),
    )
    for s_pos, imported_section in enumerate(imported.sections):
        section = PlanSection(position=s_pos, title=imported_section.title[:300])
        for a_pos, item in enumerate(imported_section.actions):
            action = PlanAction(
                position=a_pos,
                number=item.number or "",
                title=item.title[:500],
                description=item.description,
                responsible_office=item.responsible_office[:200],
                months=list(item.months),
            )
            action.indicators = [
                PlanIndicator(position=i, text=ind.text, deadline_text=ind.deadline_text[:100],
                              deadline=ind.deadline, metric=ind.metric)
                for i, ind in enumerate(item.indicators)
            ]
            section.actions.append(action)
        plan.sections.append(section)
    db.session.add(plan)
    db.session.flush()
    audit.record(actor, "plan.imported", "plan", plan.id, format=imported.source_format)
    db.session.commit()
    return plan


# Versions ----------------------------------------------------------------------


def snapshot(plan: Plan) -> dict:
    """Everything a reader sees of the plan, as plain data."""
    return {
        "title": plan.title,
        "summary": plan.summary,
        "owner_school": plan.owner_school.name if plan.owner_school else None,
        "timeline_months": list(plan.timeline_months or []),
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "intro": section.intro,
                "actions": [
                    {
                        "key": action.key,
                        "number": action.number,
                        "title": action.title,
                        "description": action.description,
                        "responsible_office": action.responsible_office,
                        "months": list(action.months or []),
                        "indicators": [
                            {
                                "text": indicator.text,
                                "deadline_text": indicator.deadline_text,
                                "deadline": indicator.deadline.isoformat() if indicator.deadline else None,
                                "metric": indicator.metric,
                            }
                            for indicator in action.indicators
                        ],
                    }
                    for action in section.actions
                ],
            }
            for section in plan.sections
        ],
    }


def _full_plans():
    return select(Plan).options(
        selectinload(Plan.owner_school),
        selectinload(Plan.versions),
        selectinload(Plan.implements),
        selectinload(Plan.sections).selectinload(PlanSection.actions).selectinload(PlanAction.indicators),
    )


def load_full_plan(plan_id: int) -> Plan | None:
    """A plan with its sections, actions, indicators and versions, for snapshots and the editor."""
    return db.session.scalar(_full_plans().where(Plan.id == plan_id))


def _document(plan: Plan, *, with_notes: bool = True) -> Document:
    notes = {version.number: version.change_note for version in plan.versions if version.change_note}
    return Document(plan_scope(plan.id), plan.title, content_language(),
                    passages(snapshot(plan), notes if with_notes else None))


def plan_document(plan: Plan) -> Document:
    """The plan's draft and the notes of its versions, as passages to translate."""
    return _document(load_full_plan(plan.id))


def plan_documents() -> list[Document]:
    """Every plan that is not archived, as passages to translate, in a fixed number of queries."""
    plans = db.session.scalars(_full_plans().where(Plan.status != PlanStatus.ARCHIVED)
                               .order_by(Plan.owner_school_id.is_not(None), Plan.title))
    return [_document(plan) for plan in plans]


def draft_snapshot(actor, plan: Plan) -> dict:
    """The unpublished draft as readers would see it, for leaders to check."""
    require(actor, Permission.MANAGE_PLANS)
    return snapshot(load_full_plan(plan.id))


def list_all_plans(actor) -> list[Plan]:
    """Every plan, published or not, for the people who edit them."""
    require(actor, Permission.MANAGE_PLANS)
    return list(
        db.session.scalars(
            select(Plan).options(selectinload(Plan.versions), selectinload(Plan.owner_school)).order_by(Plan.title)
        )
    )


def missing_translations(plan: Plan) -> dict[str, int]:
    """The draft's passages not yet translated into each language the district requires."""
    required = translation.required_languages()
    if not required:
        return {}
    return translation.untranslated_languages(_document(load_full_plan(plan.id), with_notes=False), required)


def publish_version(actor, plan: Plan, *, status: str, change_note: str = "",
                    translation_coming: bool = False) -> PlanVersion:
    """Freeze the current draft as the next version, readable by everyone. Where a language the
    district requires is not translated, only with `translation_coming`: readers are told so."""
    require(actor, Permission.MANAGE_PLANS)
    if status not in PlanStatus.ORDER:
        raise ValueError(f"unknown plan status {status!r}")
    plan = load_full_plan(plan.id)
    content = snapshot(plan)
    if not any(section["actions"] for section in content["sections"]):
        raise NothingToPublish()
    missing = missing_translations(plan)
    if missing and not translation_coming:
        raise TranslationsMissing(missing)
    number = (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id)) or 0) + 1
    version = PlanVersion(plan_id=plan.id, number=number, status=status, change_note=change_note.strip(),
                          snapshot=content, published_by_id=actor.id, translation_coming=sorted(missing))
    plan.status = status
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:  # the same publish sent twice at once: the first one stands
        db.session.rollback()
        return db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id,
                                                           PlanVersion.number == number))
    audit.record(actor, "plan.published", "plan", plan.id, version=number, status=status,
                 **({"translation_coming": sorted(missing)} if missing else {}))
    db.session.commit()
    return version


# Reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanListing:
    plan: Plan
    latest: PlanVersion


def list_published_plans() -> list[PlanListing]:
    """Every plan with at least one published version, district plans first."""
    latest_number = (
        select(PlanVersion.plan_id, func.max(PlanVersion.number).label("number"))
        .group_by(PlanVersion.plan_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Plan, PlanVersion)
        .join(latest_number, latest_number.c.plan_id == Plan.id)
        .join(PlanVersion, (PlanVersion.plan_id == Plan.id) & (PlanVersion.number == latest_number.c.number))
        .options(selectinload(Plan.owner_school))
        .order_by(Plan.owner_school_id.is_not(None), Plan.title)
    )
    return [PlanListing(plan, version) for plan, version in rows]


def plans_taking_comments(now: datetime | None = None) -> list[PlanListing]:
    """Published plans whose comment window is open now, the soonest to close first."""
    listings = [listing for listing in list_published_plans()
                if feedback_window_state(listing.plan, now) == FeedbackWindow.OPEN]
    return sorted(listings, key=lambda listing: soonest_first(listing.plan.feedback_closes_at))


def get_plan(plan_id: int) -> Plan | None:
    return db.session.scalar(
        select(Plan).where(Plan.id == plan_id).options(selectinload(Plan.versions), selectinload(Plan.owner_school))
    )


def get_version(plan: Plan, number: int | None = None) -> PlanVersion | None:
    """The numbered version, or the latest one."""
    if not plan.versions:
        return None
    if number is None:
        return plan.versions[-1]
    return next((v for v in plan.versions if v.number == number), None)


class FeedbackWindow(TimeWindow):
    NOT_COLLECTING = "not_collecting"


def feedback_window_state(plan: Plan, now: datetime | None = None) -> str:
    """Whether comments are taken now: the plan's status and its window together."""
    if plan.status not in PlanStatus.OPEN_FOR_FEEDBACK:
        return FeedbackWindow.NOT_COLLECTING
    return time_window_state(plan.feedback_opens_at, plan.feedback_closes_at, now)


# Editing the draft ---------------------------------------------------------------

PLAN_FIELDS = ("title", "summary", "owner_school_id", "feedback_opens_at", "feedback_closes_at", "timeline_months")


def _edited(actor, plan: Plan, what: str) -> None:
    plan.updated_at = utcnow()
    audit.record(actor, "plan.edited", "plan", plan.id, what=what)
    db.session.commit()


def save_plan(actor, plan: Plan | None, *, implements: list[int] | None = None, **fields) -> Plan:
    """Create (plan=None) or update a plan's settings. Content goes in sections and actions."""
    require(actor, Permission.MANAGE_PLANS)
    if plan is None:
        plan = Plan(created_by_id=actor.id, status=PlanStatus.DRAFT)
        db.session.add(plan)
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    if implements is not None:
        plan.implements = list(db.session.scalars(
            select(PlanAction).join(PlanSection).join(Plan)
            .where(PlanAction.id.in_(implements), Plan.owner_school_id.is_(None), Plan.id != plan.id)
        )) if plan.owner_school_id else []
    db.session.flush()
    _edited(actor, plan, "settings")
    return plan


def district_actions() -> list[tuple[Plan, PlanAction]]:
    """Actions of the district's own plans, which school plans may carry out."""
    rows = db.session.execute(
        select(Plan, PlanAction).join(PlanSection, PlanSection.plan_id == Plan.id)
        .join(PlanAction, PlanAction.section_id == PlanSection.id)
        .where(Plan.owner_school_id.is_(None))
        .order_by(Plan.title, PlanSection.position, PlanAction.position)
    )
    return [(plan, action) for plan, action in rows]


def get_section(plan: Plan, section_id: int) -> PlanSection | None:
    return next((s for s in plan.sections if s.id == section_id), None)


def get_action(plan: Plan, action_id: int) -> PlanAction | None:
    return next((a for s in plan.sections for a in s.actions if a.id == action_id), None)


def save_section(actor, plan: Plan, section: PlanSection | None, *, title: str, intro: str) -> PlanSection:
    require(actor, Permission.MANAGE_PLANS)
    if section is None:
        section = PlanSection(position=len(plan.sections))
        plan.sections.append(section)
    section.title, section.intro = title, intro or ""
    _edited(actor, plan, "section")
    return section


def save_action(actor, plan: Plan, section: PlanSection, action: PlanAction | None, *, number: str, title: str,
                description: str, responsible_office: str, months: list[int],
                indicators: list[dict]) -> PlanAction:
    """Create or update an action with its indicators (rows without text are dropped)."""
    from .importers import parse_deadline

    require(actor, Permission.MANAGE_PLANS)
    if action is None:
        action = PlanAction(position=len(section.actions))
        section.actions.append(action)
    action.number, action.title = number or "", title
    action.description, action.responsible_office = description or "", responsible_office or ""
    action.months = [m for m in months if 1 <= m <= 12]
    action.indicators = [
        PlanIndicator(position=i, text=row["text"], deadline_text=row.get("deadline_text") or "",
                      deadline=parse_deadline(row.get("deadline_text") or ""), metric=row.get("metric") or "")
        for i, row in enumerate(r for r in indicators if (r.get("text") or "").strip())
    ]
    _edited(actor, plan, "action")
    return action


def delete_part(actor, plan: Plan, part: PlanSection | PlanAction) -> None:
    """Remove a section or an action from the draft; published versions keep theirs."""
    require(actor, Permission.MANAGE_PLANS)
    siblings = plan.sections if isinstance(part, PlanSection) else part.section.actions
    siblings.remove(part)
    for position, item in enumerate(siblings):
        item.position = position
    _edited(actor, plan, "removed " + type(part).__name__)


def move_part(actor, plan: Plan, part: PlanSection | PlanAction, offset: int) -> None:
    """Move a section or an action up (-1) or down (+1) among its siblings."""
    require(actor, Permission.MANAGE_PLANS)
    siblings = plan.sections if isinstance(part, PlanSection) else part.section.actions
    index = siblings.index(part)
    target = index + offset
    if 0 <= target < len(siblings):
        siblings[index].position, siblings[target].position = target, index
        siblings.sort(key=lambda item: item.position)
        _edited(actor, plan, "order")
