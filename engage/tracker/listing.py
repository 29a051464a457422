"""What the public tracker pages show: the actions a published plan has made public,
counts by status, the timeline of indicator deadlines, and the filters on the overview.

The tracker follows the plan's live actions (offices post updates against them), but the
public reads a plan as its latest published version: an action added to the draft since
stays off these pages until the plan is published again, and titles and offices come from
that version, so draft wording never leaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from textwrap import shorten

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..plans.models import Plan, PlanAction, PlanIndicator, PlanSection, PlanVersion
from ..plans.translation import localized, plan_scope
from ..translation.services import Localizer
from ..translation.texts import LocalizedText, ReadingSummary
from .models import ActionProgress, MetricValue, ProgressStatus, ProgressUpdate
from .services import TrackedAction, TrackedIndicator, normalize_office

# The same words as the office's form and the emails, so each is translated once.
STATUS_LABELS = {
    ProgressStatus.NOT_STARTED: _l("Not started"),
    ProgressStatus.ON_TRACK: _l("On track"),
    ProgressStatus.AT_RISK: _l("At risk"),
    ProgressStatus.DELAYED: _l("Delayed"),
    ProgressStatus.DONE: _l("Done"),
}

# Plans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPlan:
    """A plan with a published version, and the parts of its latest version, by key, in the
    reader's language where translated (`engage.translation`)."""

    plan: Plan
    version: PlanVersion
    sections: Mapping[str, dict]
    actions: Mapping[str, dict]
    title: str
    reading: ReadingSummary
    texts: Localizer

    def shows(self, action: PlanAction) -> bool:
        return action.key in self.actions

    def indicator_text(self, action: PlanAction, indicator: PlanIndicator, field: str) -> LocalizedText:
        """An indicator's text, deadline wording or metric (read from the live plan) in the reader's language."""
        return self.texts.text(plan_scope(self.plan.id),
                               f"action:{action.key}.indicator:{indicator.position + 1}.{field}",
                               getattr(indicator, field) or "")


def _public_plan(plan: Plan, version: PlanVersion, texts: Localizer) -> PublicPlan:
    content, _notes, reading = localized(version.snapshot, plan_scope(plan.id), texts)
    sections, actions = {}, {}
    for section in content.get("sections", []):
        sections[section["key"]] = section
        for action in section.get("actions", []):
            actions[action["key"]] = action
    return PublicPlan(plan=plan, version=version, sections=sections, actions=actions,
                      title=content.get("title") or plan.title, reading=reading, texts=texts)


def _latest_versions(plan_ids: Iterable[int] | None = None):
    latest = select(PlanVersion.plan_id, func.max(PlanVersion.number).label("number")).group_by(PlanVersion.plan_id)
    if plan_ids is not None:
        latest = latest.where(PlanVersion.plan_id.in_(list(plan_ids)))
    latest = latest.subquery()
    return (
        select(Plan, PlanVersion)
        .join(latest, latest.c.plan_id == Plan.id)
        .join(PlanVersion, (PlanVersion.plan_id == Plan.id) & (PlanVersion.number == latest.c.number))
        .options(selectinload(Plan.owner_school))
    )


def public_plan(plan_id: int, *, reader: str | None = None, more_scopes: Iterable[str] = ()) -> PublicPlan | None:
    """The plan as the public reads it (its latest published version) in the reader's language, or None
    if never published. `more_scopes`: other translated texts the page shows (its updates)."""
    row = db.session.execute(_latest_versions([plan_id])).first()
    return _public_plan(*row, Localizer([plan_scope(plan_id), *more_scopes], reader)) if row else None


def public_plans() -> list[PublicPlan]:
    """Every plan with a published version, district plans first (three queries)."""
    rows = db.session.execute(_latest_versions().order_by(Plan.owner_school_id.is_not(None), Plan.title, Plan.id)).all()
    texts = Localizer(plan_scope(plan.id) for plan, _version in rows)
    return [_public_plan(plan, version, texts) for plan, version in rows]


def status_counts_by_plan(plans: list[PublicPlan]) -> dict[int, dict[str, int]]:
    """For each plan, how many of its public actions are at each status (one query for all plans)."""
    counts = {p.plan.id: dict.fromkeys(ProgressStatus.ALL, 0) for p in plans}
    if not plans:
        return counts
    by_id = {p.plan.id: p for p in plans}
    rows = db.session.execute(
        select(PlanSection.plan_id, PlanAction.key, ActionProgress.status)
        .join(PlanSection, PlanSection.id == PlanAction.section_id)
        .outerjoin(ActionProgress, ActionProgress.action_id == PlanAction.id)
        .where(PlanSection.plan_id.in_(list(by_id)))
    )
    for plan_id, key, status in rows:
        if key in by_id[plan_id].actions:
            status = status if status in counts[plan_id] else ProgressStatus.NOT_STARTED
            counts[plan_id][status] += 1
    return counts


# Actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionText:
    """An action's number, title and office as the latest published version words them."""

    number: str
    title: str
    description: str
    office: str

    @cached_property
    def heading(self) -> str:
        """"Action 1.2: Family nights", worked out once however often a page shows it."""
        title = self.title or shorten(self.description, 90, placeholder="…")
        return _("Action %(number)s: %(title)s", number=self.number, title=title) if self.number else title


def action_text(public: PublicPlan, action: PlanAction) -> ActionText:
    published = public.actions.get(action.key, {})
    return ActionText(
        number=published.get("number", action.number),
        title=published.get("title", action.title),
        description=published.get("description", action.description),
        office=published.get("responsible_office", action.responsible_office),
    )


@dataclass(frozen=True)
class ActionRow:
    """One action as the public sees it: its progress, with the published wording."""

    tracked: TrackedAction
    text: ActionText
    section_key: str
    section_title: str

    @property
    def number(self) -> str:
        return self.text.number

    @property
    def title(self) -> str:
        return self.text.title

    @property
    def description(self) -> str:
        return self.text.description

    @property
    def office(self) -> str:
        return self.text.office

    @property
    def action(self) -> PlanAction:
        return self.tracked.action

    @property
    def status(self) -> str:
        return self.tracked.status

    @property
    def indicators(self) -> list[TrackedIndicator]:
        return self.tracked.indicators


def action_row(public: PublicPlan, tracked: TrackedAction) -> ActionRow:
    section = public.sections.get(tracked.section.key, {})
    return ActionRow(
        tracked=tracked,
        text=action_text(public, tracked.action),
        section_key=tracked.section.key,
        section_title=section.get("title", tracked.section.title),
    )


def public_rows(public: PublicPlan, tracked: list[TrackedAction]) -> list[ActionRow]:
    """The tracked actions that the plan's latest published version contains, in plan order."""
    return [action_row(public, t) for t in tracked if public.shows(t.action)]


def count_by_status(rows: list[ActionRow]) -> dict[str, int]:
    counts = dict.fromkeys(ProgressStatus.ALL, 0)
    for row in rows:
        counts[row.status if row.status in counts else ProgressStatus.NOT_STARTED] += 1
    return counts


@dataclass(frozen=True)
class DeadlineEntry:
    row: ActionRow
    indicator: TrackedIndicator


@dataclass(frozen=True)
class DeadlineMonth:
    month: date  # the first day of the month
    entries: list[DeadlineEntry]


def deadline_timeline(rows: list[ActionRow]) -> list[DeadlineMonth]:
    """Every indicator with a deadline, grouped by the month it is due, earliest first.

    Deadlines are calendar dates in the district, so no time zone shifts them.
    """
    entries = sorted(
        (DeadlineEntry(row, indicator) for row in rows for indicator in row.indicators if indicator.deadline),
        key=lambda e: (e.indicator.deadline, e.row.section_key, e.row.action.position, e.indicator.indicator.position),
    )
    months: list[DeadlineMonth] = []
    for entry in entries:
        first = entry.indicator.deadline.replace(day=1)
        if not months or months[-1].month != first:
            months.append(DeadlineMonth(first, []))
        months[-1].entries.append(entry)
    return months


def overdue_indicators(rows: list[ActionRow]) -> list[DeadlineEntry]:
    """Indicators past their deadline on actions not done, the longest overdue first."""
    return sorted(
        (DeadlineEntry(row, indicator) for row in rows for indicator in row.indicators if indicator.overdue),
        key=lambda e: e.indicator.deadline,
    )


# Filters -----------------------------------------------------------------------------


@dataclass
class Filters:
    """The overview's filters; values that match nothing in the plan are dropped, never an error."""

    section: str = ""
    office: str = ""
    status: str = ""
    ignored: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.section or self.office or self.status)


def offices_of(rows: list[ActionRow]) -> list[str]:
    """The responsible offices named in the plan, each once, sorted."""
    seen: dict[str, str] = {}
    for row in rows:
        if row.office.strip():
            seen.setdefault(normalize_office(row.office), " ".join(row.office.split()))
    return sorted(seen.values(), key=str.casefold)


def sections_of(rows: list[ActionRow]) -> list[tuple[str, str]]:
    """(key, title) of the sections that have public actions, in plan order."""
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(row.section_key, row.section_title)
    return list(seen.items())


def parse_filters(args: Mapping[str, str], rows: list[ActionRow]) -> Filters:
    """Read section, office and status from the query string, keeping only values the plan has."""
    filters = Filters()
    section = (args.get("section") or "").strip()
    if section:
        if section in {key for key, _title in sections_of(rows)}:
            filters.section = section
        else:
            filters.ignored.append("section")
    office = " ".join((args.get("office") or "").split())
    if office:
        if normalize_office(office) in {normalize_office(name) for name in offices_of(rows)}:
            filters.office = office
        else:
            filters.ignored.append("office")
    status = (args.get("status") or "").strip()
    if status:
        if status in ProgressStatus.ALL:
            filters.status = status
        else:
            filters.ignored.append("status")
    return filters


def apply_filters(rows: list[ActionRow], filters: Filters) -> list[ActionRow]:
    office = normalize_office(filters.office)
    return [
        row for row in rows
        if (not filters.section or row.section_key == filters.section)
        and (not office or normalize_office(row.office) == office)
        and (not filters.status or row.status == filters.status)
    ]


# History -----------------------------------------------------------------------------

HISTORY_PAGE = 25


@dataclass(frozen=True)
class HistoryPage:
    updates: list[ProgressUpdate]
    page: int
    has_older: bool


def action_history_page(action_id: int, page: int = 1, per_page: int = HISTORY_PAGE) -> HistoryPage:
    """One page of an action's updates, newest first (as action_history orders them), with
    authors, metric values and their indicators: a busy action's page stays short and fast."""
    page = max(page, 1)
    rows = list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id == action_id)
            .options(selectinload(ProgressUpdate.metric_values).selectinload(MetricValue.indicator))
            .order_by(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    return HistoryPage(updates=rows[:per_page], page=page, has_older=len(rows) > per_page)


# Feeds -----------------------------------------------------------------------------


def action_updates_for_feed(action_id: int, limit: int = 50) -> list[ProgressUpdate]:
    """An action's latest updates by when they were written, newest first, with metric values."""
    return list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id == action_id)
            .options(
                selectinload(ProgressUpdate.action).selectinload(PlanAction.section),
                selectinload(ProgressUpdate.metric_values).selectinload(MetricValue.indicator),
            )
            .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
            .limit(limit)
        )
    )
