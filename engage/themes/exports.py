"""An analysis's feedback as a CSV file, and the printable report for a board meeting.

The CSV has one row per feedback item in the analysis's scope, with the theme
it counts toward (merges followed), in a fixed number of queries however many
items there are. Like the survey export (engage.surveys.export), whose
helpers it uses, it is in English whoever downloads it, starts with a byte
order mark so Excel reads Spanish text correctly, quotes cells a spreadsheet
would run as a formula, and leaves an audit row.

Privacy:
- The facts people can be picked out by (relationship, schools, the language
  they prefer) are never on a row: next to the text they could name someone.
  They appear only as suppressed totals on the dashboard.
- Dates are days in the district's time zone, not times.
- Answers to anonymous surveys carry no database id, as in the survey
  export: the id would order them within a day.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..csv_export import CsvExport, csv_text, safe_cell
from ..extensions import db
from ..feedback.services import FeedbackSource
from ..i18n import select_timezone
from ..models import as_utc, utcnow
from ..plans.models import Plan
from ..plans.services import load_full_plan
from ..surveys.models import Survey, SurveyAnonymity
from ..vocabulary import LANGUAGE_CHOICES
from . import reporting, services
from .forms import NO_PART_LABEL, SOURCE_LABELS
from .models import AssignedBy, ThemeAnalysis, ThemeRun

SOURCE_ORDER = tuple(SOURCE_LABELS)
# What one item is, under a quote in the report.
ITEM_LABELS = {
    FeedbackSource.COMMENT: _l("Plan comment"),
    FeedbackSource.SURVEY_ANSWER: _l("Survey answer"),
    FeedbackSource.CONVERSATION_NOTE: _l("Heard at a community conversation"),
    FeedbackSource.PAPER_CARD: _l("Paper comment card"),
}

# The CSV's words, in English like the survey export's headings.
CSV_SOURCES = {
    FeedbackSource.COMMENT: "Plan comment",
    FeedbackSource.SURVEY_ANSWER: "Survey answer",
    FeedbackSource.CONVERSATION_NOTE: "Conversation note",
    FeedbackSource.PAPER_CARD: "Paper comment card",
}
CSV_ASSIGNED_BY = {
    AssignedBy.RUN: "run",
    AssignedBy.NEAREST: "nearest (new since last run)",
    AssignedBy.LEADER: "leader",
}
OTHER_LABEL = "Other (fits no theme)"
CSV_HEADER = ["Source", "Source id", "Date", "Language", "Plan section", "Action", "Theme key", "Theme",
              "Sub-theme", "Assigned by", "Strength", "Off-topic", "Representative", "Support", "Text"]
REPORT_QUOTES = 3


def plan_slug(title: str, *, max_length: int = 60) -> str:
    """The plan's title as lowercase ASCII words and hyphens, safe in a file name and a header."""
    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "plan"


def district_today() -> date:
    return utcnow().astimezone(ZoneInfo(select_timezone())).date()


def export_filename(plan: Plan, analysis: ThemeAnalysis, today: date) -> str:
    number = "" if analysis.is_default else f"-{analysis.id}"
    return f"{plan_slug(plan.title)}-themes{number}-{today.isoformat()}.csv"


def export_items(actor, analysis: ThemeAnalysis) -> CsvExport:
    """Every item in the analysis's scope with its theme, as CSV, with an audit row. Leaders only.

    The file starts at once; its rows follow once the items are placed (as the dashboard places
    them), and the audit row is written then, with their number."""
    services.require_manage_themes(actor)
    actor_id, analysis_id = actor.id, analysis.id
    filename = export_filename(db.session.get(Plan, analysis.plan_id), analysis, district_today())

    def rows():
        # Read again: the file is made after the view has returned and its session is gone.
        analysis = db.session.get(ThemeAnalysis, analysis_id)
        # As the dashboard does: feedback since the last run goes to its nearest theme first.
        themed = services.current_themed_items(analysis)
        made = list(_csv_rows(analysis, load_full_plan(analysis.plan_id), themed))
        audit.record(db.session.get(User, actor_id), "themes.exported", "theme_analysis", analysis_id,
                     plan_id=analysis.plan_id, rows=len(made))
        db.session.commit()
        yield from made

    # In English, whoever downloads it: see the module docstring.
    return CsvExport(filename=filename, text=csv_text([safe_cell(heading) for heading in CSV_HEADER], rows(),
                                                      language="en"))


def _plan_parts(plan: Plan | None) -> tuple[dict[str, str], dict[str, str]]:
    """Section and action titles by key: the draft's, then the published versions' (newest first)
    for parts taken out of the draft since people commented on them."""
    sections: dict[str, str] = {}
    actions: dict[str, str] = {}
    if plan is None:
        return sections, actions
    outlines = [[(s.key, s.title, [(a.key, a.number, a.title) for a in s.actions]) for s in plan.sections]]
    for version in reversed(plan.versions):
        outlines.append([(s.get("key"), s.get("title", ""),
                          [(a.get("key"), a.get("number", ""), a.get("title", "")) for a in s.get("actions", ())])
                         for s in (version.snapshot or {}).get("sections", ())])
    for outline in outlines:
        for section_key, section_title, section_actions in outline:
            sections.setdefault(section_key, section_title)
            for action_key, number, title in section_actions:
                actions.setdefault(action_key, f"{number} {title}".strip())
    return sections, actions


def _anonymous_surveys(survey_ids: set[int]) -> set[int]:
    if not survey_ids:
        return set()
    return set(db.session.scalars(
        select(Survey.id).where(Survey.id.in_(survey_ids), Survey.anonymity == SurveyAnonymity.ANONYMOUS)))


def _csv_rows(analysis: ThemeAnalysis, plan: Plan | None, themed: list[services.ThemedItem]):
    """The file's rows."""
    themes = {theme.id: theme for theme in analysis.themes}
    labels = {theme.id: theme.label for theme in themes.values()}  # each in the reader's language, once
    sections, actions = _plan_parts(plan)
    anonymous = _anonymous_surveys({t.item.survey_id for t in themed if t.item.survey_id is not None})
    languages = {code: str(label) for code, label in LANGUAGE_CHOICES}
    zone = ZoneInfo(select_timezone())

    for entry in themed:
        item = entry.item
        theme = themes.get(entry.theme_id) if entry.theme_id is not None else None
        part = ""
        if entry.off_topic:
            key, label = "", "Off-topic"
        elif theme is None:
            key, label = "", OTHER_LABEL
        else:
            key, label = theme.key, labels[theme.id]
            part = _part_label(entry.part, themes)
        hidden_id = item.source == FeedbackSource.SURVEY_ANSWER and item.survey_id in anonymous
        row = [
            CSV_SOURCES.get(item.source, item.source),
            "" if hidden_id else item.source_id,
            as_utc(item.created_at).astimezone(zone).date().isoformat(),
            languages.get(item.language, item.language or ""),
            sections.get(item.section_key or "", ""),
            actions.get(item.action_key or "", ""),
            key,
            label,
            part,
            CSV_ASSIGNED_BY.get(entry.assigned_by, entry.assigned_by) or "not assigned yet",
            f"{entry.strength:.3f}" if entry.strength is not None else "",
            "yes" if entry.off_topic else "no",
            entry.representative_rank + 1 if entry.representative_rank is not None and not entry.off_topic else "",
            item.support_count,
            item.text,
        ]
        yield [safe_cell(value) if isinstance(value, str) else value for value in row]


def _part_label(part: tuple[int, int | None] | None, themes: dict) -> str:
    """The name of an item's sub-theme (or of the theme merged in that it came from); "" for none."""
    theme = themes.get(part[0]) if part is not None else None
    if theme is None:
        return ""
    if part[1] is None:
        return theme.label
    return theme.subtheme_label(part[1]) if part[1] < len(theme.subthemes or []) else ""


# The printable report -------------------------------------------------------------

@dataclass(frozen=True)
class ChannelTotal:
    source: str
    label: str
    items: int
    people: int


@dataclass(frozen=True)
class BoardReport:
    plan: Plan
    analysis: ThemeAnalysis
    last_run: ThemeRun | None
    generated_at: datetime
    items: int  # in themes or Other; off-topic items are left out
    people: int
    other_items: int
    off_topic_items: int
    channels: list[ChannelTotal]
    themes: list  # reporting.ThemeSummary, ranked by people
    item_labels: dict[str, str]

    @property
    def scope_sources(self) -> list[str]:
        return [str(SOURCE_LABELS.get(source, source)) for source in self.analysis.sources or ()]


def board_report(actor, analysis: ThemeAnalysis) -> BoardReport:
    """The themes, their counts, quotes and responses, for a board meeting. Leaders only.

    The same fixed set of queries as the dashboard, however many themes and items.
    """
    services.require_manage_themes(actor)
    plan = db.session.get(Plan, analysis.plan_id)
    themed = services.current_themed_items(analysis)
    themes = services.active_themes(analysis)
    totals = reporting.analysis_totals(themed)
    people_by_source: dict[str, set[str]] = defaultdict(set)
    for row in themed:
        if not row.off_topic:
            people_by_source[row.item.source].add(reporting.person_of(row.item))
    sources = [s for s in SOURCE_ORDER if totals.by_channel.get(s)] + sorted(
        s for s, count in totals.by_channel.items() if count and s not in SOURCE_LABELS)
    other = reporting.other_summary(analysis, themed, themes=themes, quotes=0)
    return BoardReport(
        plan=plan,
        analysis=analysis,
        last_run=services.last_successful_run(analysis),
        generated_at=utcnow(),
        items=totals.items,
        people=totals.people,
        other_items=other.items,
        off_topic_items=totals.off_topic,
        channels=[ChannelTotal(s, str(SOURCE_LABELS.get(s, s)), totals.by_channel[s], len(people_by_source[s]))
                  for s in sources],
        themes=reporting.theme_summaries(analysis, themed, sort="people", quotes=REPORT_QUOTES, themes=themes,
                                         no_part_label=str(NO_PART_LABEL)),
        item_labels=ITEM_LABELS,
    )


def report_quotes(summary) -> list:
    """Up to three representative items of a theme, best first."""
    return list(summary.quotes)[:REPORT_QUOTES]


def channel_shares(summary) -> list[tuple[str, str, int, int]]:
    """(source, label, items, percent of the theme's items) for each channel the theme has items from."""
    counts = summary.by_channel or {}
    total = sum(counts.values())
    order = [s for s in SOURCE_ORDER if counts.get(s)] + sorted(s for s in counts if s not in SOURCE_LABELS
                                                                 and counts[s])
    return [(s, str(SOURCE_LABELS.get(s, s)), counts[s], round(100 * counts[s] / total) if total else 0)
            for s in order]
