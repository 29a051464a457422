"""What the themes dashboard shows: counts, breakdowns, trends and item lists.

Pure functions over `services.themed_items(analysis)` (one fixed set of
queries) and the analysis's themes; nothing here queries per theme or per
item, so a page costs the same number of queries with 100 items or 10,000.

People are counted by `FeedbackItem.person_key` (one account, one survey
response, one thing a host heard, one paper card). Every count of people by
participant group (relationship, school, language) goes through
engage.privacy: groups under SMALL_GROUP_THRESHOLD are shown as "fewer than
10", with complementary suppression so the hidden groups cannot be worked
out from the total.

Leaders read every item, so the counts of people by group must not change
with anything they can do to one item, or two views of a theme would give
away that item's author's group. The rule:

1. A theme's people by group count the items where the last run (or the
   placing of new feedback) put them (`ThemedItem.run_counted_theme_id`),
   not where leaders moved them since, and off-topic marks don't take items
   out of them. So moving an item, or marking it off-topic, changes no group
   count; the next run counts the item where the clustering puts it, which
   leaders' moves don't decide. A theme made by a split has no group counts
   until the next run.
2. A merged theme's group counts must differ by 0 or at least
   SMALL_GROUP_THRESHOLD from each merged theme's own count and from their
   sum (the people in both), else they are hidden too: the counts before
   and after the merge must not give away a small group between them.
3. Only the plan's default analysis shows people by group
   (`shows_groups`). A narrower analysis is a filter leaders choose (sources,
   dates); it can differ from the default by as few items as they like, and
   its themes could be compared with the default's.
4. A person counts in a group only by the facts they may show: the most of
   their relationship, schools and language that at least
   SMALL_GROUP_THRESHOLD people in the analysis show alike, as
   surveys.disclosure decides for one survey's responses; a fact not shown
   counts as "did not say" (or in no school). Otherwise a rare mix would
   show as a "fewer than 10" row in just the themes that person wrote in,
   and the themes' item lists (comments carry their authors' names
   elsewhere) would say which items were theirs.

Channels and plan sections are not groups of people here: every item in
the list shows both, so their counts are shown as they are. Counts change
as feedback arrives and as runs re-cluster it, like any live count; that
is the known limit.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import caching
from ..extensions import db
from ..orgs.models import School
from ..plans.models import PlanSection
from ..privacy import differs_safely, facts_to_show, is_small, suppressed_counts
from ..surveys.disclosure import FACTS, LEVELS
from .models import Theme, ThemeAnalysis
from .services import READ_SCOPES, SOURCES, ThemedItem, active_themes, current_themed_items, themed_items
from .text import normalize

PER_PAGE = 50
DASHBOARD_QUOTES = 3
SEARCH_MAX = 200
SORTS = ("people", "support", "items", "new")
# A trend over more than this many weeks is shown by month.
WEEKS_MAX = 26
NOT_SHARED = "not_shared"
OTHER = "other"
OFF_TOPIC = "off_topic"


# --------------------------------------------------------------------------
# Summaries: one row per theme on the dashboard
# --------------------------------------------------------------------------

@dataclass
class ThemeSummary:
    theme: Theme | None  # None: Other / unclustered
    label: str
    items: int = 0
    people: int = 0
    # People who raised it plus the supports their comments received.
    support: int = 0
    new_items: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)  # source -> items, every source, in SOURCES order
    share: float = 0.0  # of the people heard from in the analysis (0-1)
    quotes: list[ThemedItem] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    theme_key: int | None = None  # the theme's id while `theme` is left out (in the cache)

    @property
    def theme_id(self) -> int | None:
        return self.theme.id if self.theme is not None else None

    def channel_shares(self) -> list[tuple[str, int, float]]:
        """(source, items, share of this theme's items) for each channel, SOURCES order."""
        return [(source, count, count / self.items if self.items else 0.0)
                for source, count in self.by_channel.items()]


def person_of(item) -> str:
    return item.person_key or f"{item.source}:{item.source_id}"


def _counted(themed: Iterable[ThemedItem]) -> list[ThemedItem]:
    """Items that count: off-topic ones are left out of every theme and of Other."""
    return [row for row in themed if not row.off_topic]


def summarise(theme: Theme | None, label: str, rows: Sequence[ThemedItem], total_people: int,
              quotes: int = DASHBOARD_QUOTES) -> ThemeSummary:
    """Counts of `rows` (one theme's items, off-topic ones already left out)."""
    people = {person_of(row.item) for row in rows}
    channels = Counter(row.item.source for row in rows)
    return ThemeSummary(
        theme=theme,
        label=label,
        items=len(rows),
        people=len(people),
        support=len(people) + sum(row.item.support_count for row in rows),
        new_items=sum(1 for row in rows if row.is_new),
        by_channel={source: channels.get(source, 0) for source in SOURCES},
        share=len(people) / total_people if total_people else 0.0,
        quotes=representative_quotes(rows, quotes),
    )


def representative_quotes(rows: Sequence[ThemedItem], limit: int = DASHBOARD_QUOTES) -> list[ThemedItem]:
    """The run's representative items in rank order; the strongest members when it chose none
    (a theme made by a split or filled by leaders' moves)."""
    ranked = sorted((row for row in rows if row.representative_rank is not None),
                    key=lambda row: row.representative_rank)
    if len(ranked) < limit:
        chosen = {row.item.key for row in ranked}
        ranked += sorted((row for row in rows if row.item.key not in chosen and row.item.text.strip()),
                         key=lambda row: (-row.strength, row.item.created_at))[: limit - len(ranked)]
    return ranked[:limit]


def _sort_key(sort: str):
    def key(summary: ThemeSummary):
        primary = {"people": summary.people, "support": summary.support, "items": summary.items,
                   "new": summary.new_items}[sort]
        return (-primary, -summary.people, -summary.items, summary.label.casefold(), summary.theme_id or 0)
    return key


def people_count(themed: Iterable[ThemedItem]) -> int:
    """Distinct people behind the items that count (off-topic left out)."""
    return len({person_of(row.item) for row in _counted(themed)})


def theme_summaries(analysis: ThemeAnalysis, themed: Sequence[ThemedItem] | None = None, *,
                    sort: str = "people", quotes: int = DASHBOARD_QUOTES,
                    themes: Sequence[Theme] | None = None, no_part_label: str = "") -> list[ThemeSummary]:
    """One summary per active theme, ranked by `sort` (people, support, items or new),
    then by people, items and label."""
    themed = themed_items(analysis) if themed is None else themed
    themes = active_themes(analysis) if themes is None else themes
    counted = _counted(themed)
    total_people = people_count(counted)
    members: dict[int, list[ThemedItem]] = defaultdict(list)
    for row in counted:
        if row.theme_id is not None:
            members[row.theme_id].append(row)
    summaries = [summarise(theme, theme.label or theme.key, members.get(theme.id, []), total_people, quotes)
                 for theme in themes]
    # Every theme, merged ones too: a theme merged into another is one of its parts.
    themes_by_id = {theme.id: theme for theme in (analysis.themes if analysis is not None else themes)}
    for summary in summaries:
        summary.parts = theme_parts(summary.theme, members.get(summary.theme.id, []), themes_by_id, no_part_label)
    return sorted(summaries, key=_sort_key(sort if sort in SORTS else "people"))


def other_summary(analysis: ThemeAnalysis | None, themed: Sequence[ThemedItem] | None = None, *,
                  label: str = "", quotes: int = DASHBOARD_QUOTES,
                  themes: Sequence[Theme] | None = None) -> ThemeSummary:
    """Other / unclustered: items in no active theme (off-topic ones left out)."""
    themed = themed_items(analysis) if themed is None else themed
    counted = _counted(themed)
    active = {theme.id for theme in themes} if themes is not None else None
    rows = [row for row in counted if row.theme_id is None or (active is not None and row.theme_id not in active)]
    return summarise(None, label, rows, people_count(counted), quotes)


@dataclass
class DashboardFigures:
    """What the dashboard counts: a summary per theme (sorted), Other, and the totals."""

    summaries: list[ThemeSummary]
    other: ThemeSummary
    totals: AnalysisTotals


def dashboard_figures(analysis: ThemeAnalysis, themes: Sequence[Theme], *, sort: str, locale: str,
                      other_label: str, no_part_label: str) -> DashboardFigures:
    """The dashboard's figures, kept in the cache until the feedback or the themes change
    (`services.READ_SCOPES`): a plan with 20,000 items is read once, not on every visit.
    `locale` must be the language the labels are in.

    Figures with feedback not yet placed in a theme (placing failed, or went to a
    background job) are not kept: the next visit tries again."""
    def compute() -> tuple[DashboardFigures, bool]:
        themed = current_themed_items(analysis)
        figures = DashboardFigures(
            theme_summaries(analysis, themed, sort=sort, themes=themes, no_part_label=no_part_label),
            other_summary(analysis, themed, label=other_label, themes=themes), analysis_totals(themed))
        # Theme rows are the session's, not the cache's: kept by id, put back below.
        figures.summaries = [replace(summary, theme=None, theme_key=summary.theme.id)
                             for summary in figures.summaries]
        return figures, all(row.assigned_by is not None for row in themed)

    figures, _placed = caching.cached_read(f"themes:dashboard:{analysis.id}:{sort}:{locale}", READ_SCOPES,
                                           compute, keep=lambda value: value[1])
    by_id = {theme.id: theme for theme in themes}
    summaries = [replace(summary, theme=by_id.get(summary.theme_key)) for summary in figures.summaries]
    return replace(figures, summaries=[summary for summary in summaries if summary.theme is not None])


@dataclass(frozen=True)
class Part:
    """A sub-theme as a theme's pages show it: a part the last run found, or a theme merged in."""

    key: str  # "<theme id>-<position>" or "<theme id>" (a theme merged in): the item list's filter
    label: str
    items: int
    people: int


NO_PART = "none"


def part_key(part: tuple[int, int | None] | None) -> str:
    if part is None:
        return NO_PART
    theme_id, index = part
    return str(theme_id) if index is None else f"{theme_id}-{index}"


def theme_parts(theme: Theme, rows: Sequence[ThemedItem], themes_by_id: Mapping[int, Theme],
                no_part_label: str) -> list[Part]:
    """The parts of a theme's items (`ThemedItem.part`), most people first, then its items in
    none of them (named `no_part_label`, or the theme's name when it has no sub-themes, only
    themes merged into it); none at all when there are fewer than two."""
    by_key: dict[str, list[ThemedItem]] = defaultdict(list)
    labels: dict[str, str] = {NO_PART: no_part_label if theme.subthemes else theme.label or theme.key}
    for row in rows:
        key = part_key(row.part)
        if key not in labels:
            theme_id, index = row.part
            theme = themes_by_id.get(theme_id)
            if theme is None or (index is not None and index >= len(theme.subthemes or [])):
                key = NO_PART
            else:
                labels[key] = (theme.label if index is None else theme.subtheme_label(index)) or theme.key
        by_key[key].append(row)
    parts = [Part(key, labels[key], len(members), len({person_of(row.item) for row in members}))
             for key, members in by_key.items()]
    if len(parts) < 2:
        return []
    return sorted(parts, key=lambda part: (part.key == NO_PART, -part.people, -part.items, part.label.casefold()))


def off_topic_count(themed: Iterable[ThemedItem]) -> int:
    return sum(1 for row in themed if row.off_topic)


@dataclass
class AnalysisTotals:
    items: int  # that count (off-topic left out)
    people: int
    off_topic: int
    new_items: int
    by_channel: dict[str, int]


def analysis_totals(themed: Sequence[ThemedItem]) -> AnalysisTotals:
    counted = _counted(themed)
    channels = Counter(row.item.source for row in counted)
    return AnalysisTotals(
        items=len(counted),
        people=people_count(counted),
        off_topic=off_topic_count(themed),
        new_items=sum(1 for row in counted if row.is_new),
        by_channel={source: channels.get(source, 0) for source in SOURCES},
    )


# --------------------------------------------------------------------------
# Breakdowns of one theme
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """A table row: what it is (label), items and people; people None when suppressed."""

    key: str
    label: str
    items: int | None
    people: int | None

    @property
    def suppressed(self) -> bool:
        return self.people is None


@dataclass
class ThemeBreakdowns:
    by_channel: list[Row]
    by_section: list[Row]
    by_relationship: list[Row]  # people only (items None), suppressed; empty when groups are not shown
    by_school: list[Row]
    by_language: list[Row]
    groups_shown: bool = True  # False: a narrower analysis (see shows_groups)

    @property
    def any_suppressed(self) -> bool:
        return any(row.suppressed for rows in (self.by_relationship, self.by_school, self.by_language)
                   for row in rows)


def members_of(theme: Theme | int | str | None, themed: Iterable[ThemedItem]) -> list[ThemedItem]:
    """The items a theme's pages are about: a theme (or its id), "other" / None for Other,
    "off_topic" for the items marked off-topic."""
    if theme == OFF_TOPIC:
        return [row for row in themed if row.off_topic]
    theme_id = theme.id if isinstance(theme, Theme) else theme
    if theme_id == OTHER:
        theme_id = None
    return [row for row in themed if not row.off_topic and row.theme_id == theme_id]


def section_titles(plan_id: int) -> dict[str, str]:
    """The plan's section titles by key, in one query."""
    return dict(db.session.execute(
        select(PlanSection.key, PlanSection.title).where(PlanSection.plan_id == plan_id)
        .order_by(PlanSection.position)).all())


def school_names() -> dict[int, str]:
    """Every school's name by id, in one query."""
    return dict(db.session.execute(select(School.id, School.name)).all())


def _people_by(rows: Iterable[ThemedItem], groups_of) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for group in groups_of(row.item):
            found[group].add(person_of(row.item))
    return found


def facts_shown_by_person(themed: Iterable[ThemedItem]) -> dict[str, frozenset[str]]:
    """Rule 4: which facts (names from surveys.disclosure.FACTS) each person may be counted by."""
    mixes = {}
    for row in themed:
        item = row.item
        mixes.setdefault(person_of(item), (item.relationship, frozenset(item.school_ids), item.preferred_language))
    shown = facts_to_show(Counter(mixes.values()), LEVELS)
    return {person: frozenset(FACTS[i] for i in shown[mix]) for person, mix in mixes.items()}


def shows_groups(analysis: ThemeAnalysis) -> bool:
    """Whether the analysis's themes show people by group: the default analysis only (rule 3)."""
    return bool(analysis.is_default)


def _suppressed_rows(people: Mapping[str, set[str]], labels: Mapping,
                     merged: Mapping[int, Mapping[str, set[str]]]) -> list[Row]:
    """Rule 2 then engage.privacy: `merged` holds the people by group of each theme merged into this one."""
    counts = {key: len(persons) for key, persons in people.items()}
    hide = set()
    if len(merged) > 1:
        for key, count in counts.items():
            parts = [len(part.get(key, ())) for part in merged.values()]
            if not differs_safely(count, parts) or is_small(sum(parts) - count):
                hide.add(key)
    shown = suppressed_counts(counts, hide=hide)
    # Largest first, and "Did not say" last, whatever its size: it is not a group people chose.
    order = sorted(counts, key=lambda key: (key == NOT_SHARED, -counts[key], key))
    return [Row(key, str(labels.get(key, key)), None, shown[key]) for key in order]


def theme_breakdowns(theme: Theme | int | str | None, themed: Sequence[ThemedItem], *,
                     sections: Mapping[str, str] | None = None, schools: Mapping[int, str] | None = None,
                     relationship_labels: Mapping[str, str] | None = None,
                     language_labels: Mapping[str, str] | None = None,
                     source_labels: Mapping[str, str] | None = None,
                     plan_id: int | None = None, groups: bool = True) -> ThemeBreakdowns:
    """A theme's items and people by channel and plan section, and, with `groups`, its people
    by relationship, school and language as the module's rules count and suppress them.

    `sections` and `schools` name the keys; when not given they are read in
    one query each (`plan_id` is needed for the sections).
    """
    rows = members_of(theme, themed)
    if sections is None:
        sections = section_titles(plan_id) if plan_id is not None else {}
    if schools is None:
        schools = school_names()
    source_labels = source_labels or {}

    by_channel = []
    channel_rows: dict[str, list[ThemedItem]] = defaultdict(list)
    for row in rows:
        channel_rows[row.item.source].append(row)
    for source in SOURCES:
        members = channel_rows.get(source, [])
        if members:
            by_channel.append(Row(source, str(source_labels.get(source, source)), len(members),
                                  len({person_of(r.item) for r in members})))

    section_rows: dict[str | None, list[ThemedItem]] = defaultdict(list)
    for row in rows:
        key = row.item.section_key if row.item.section_key in sections else None
        section_rows[key].append(row)
    by_section = [Row(key, title, len(section_rows[key]), len({person_of(r.item) for r in section_rows[key]}))
                  for key, title in sections.items() if key in section_rows]
    if None in section_rows:
        members = section_rows[None]
        by_section.append(Row("", "", len(members), len({person_of(r.item) for r in members})))

    if not groups:
        return ThemeBreakdowns(by_channel, by_section, [], [], [], groups_shown=False)
    # Rule 1: where the run put the items. Buckets (Other, off-topic) have no group counts.
    theme_id = theme.id if isinstance(theme, Theme) else theme
    placed = [row for row in themed if theme_id not in (None, OTHER, OFF_TOPIC)
              and row.run_counted_theme_id == theme_id]
    merged_parts: dict[int, list[ThemedItem]] = defaultdict(list)
    for row in placed:
        merged_parts[row.run_theme_id].append(row)

    shown = facts_shown_by_person(themed)

    def rows_by(fact: str, groups_of, labels: Mapping, *, not_shown: list[str]) -> list[Row]:
        def shown_groups_of(item) -> list[str]:
            return groups_of(item) if fact in shown[person_of(item)] else not_shown

        parts = {part: _people_by(part_rows, shown_groups_of) for part, part_rows in merged_parts.items()}
        return _suppressed_rows(_people_by(placed, shown_groups_of), labels, parts)

    school_labels = {str(school_id): name for school_id, name in schools.items()}
    return ThemeBreakdowns(
        by_channel=by_channel,
        by_section=by_section,
        by_relationship=rows_by("relationship", lambda item: [item.relationship or NOT_SHARED],
                                relationship_labels or {}, not_shown=[NOT_SHARED]),
        # Like people who named no school, people whose schools are not shown are in no school's row.
        by_school=rows_by("school_id", lambda item: [str(school_id) for school_id in item.school_ids],
                          school_labels, not_shown=[]),
        by_language=rows_by("language", lambda item: [item.preferred_language or NOT_SHARED],
                            language_labels or {}, not_shown=[NOT_SHARED]),
    )


# --------------------------------------------------------------------------
# Trend
# --------------------------------------------------------------------------

def _local_day(moment: datetime, zone: ZoneInfo | None) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(zone) if zone is not None else moment).date()


def _district_zone() -> ZoneInfo | None:
    try:
        from flask import current_app

        return ZoneInfo(current_app.config["DISTRICT_TIMEZONE"])
    except (RuntimeError, KeyError):
        return None


def trend_unit(days: Sequence[date]) -> str:
    """"week", or "month" when the items span more than WEEKS_MAX weeks."""
    if not days:
        return "week"
    return "month" if (max(days) - min(days)).days > WEEKS_MAX * 7 else "week"


def unit_of(trend: Sequence[tuple[date, int]]) -> str:
    """The unit a trend from theme_trend is counted in: its periods are 7 days apart by week."""
    if len(trend) >= 2 and (trend[1][0] - trend[0][0]).days > 7:
        return "month"
    return "week"


def _period_start(day: date, unit: str) -> date:
    if unit == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _next_period(start: date, unit: str) -> date:
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7)


def theme_trend(theme: Theme | int | str | None, themed: Sequence[ThemedItem], *, unit: str | None = None,
                zone: ZoneInfo | None = None) -> list[tuple[date, int]]:
    """Items per week (Monday first) or per month, in the district's time zone, oldest
    first, with the empty periods between the first and the last item included."""
    zone = zone or _district_zone()
    days = [_local_day(row.item.created_at, zone) for row in members_of(theme, themed)]
    if not days:
        return []
    unit = unit or trend_unit(days)
    counts = Counter(_period_start(day, unit) for day in days)
    periods = []
    current, last = min(counts), max(counts)
    while current <= last:
        periods.append((current, counts.get(current, 0)))
        current = _next_period(current, unit)
    return periods


# --------------------------------------------------------------------------
# Item lists: search, filters, pages
# --------------------------------------------------------------------------

def clean_search(q: str | None) -> str:
    return " ".join((q or "").split())[:SEARCH_MAX]


def filter_items(themed: Sequence[ThemedItem], theme: Theme | int | str | None = None, *, q: str | None = None,
                 source: str | None = None, section_key: str | None = None, language: str | None = None,
                 new_only: bool = False, unsure_only: bool = False, part: str | None = None) -> list[ThemedItem]:
    """The items of a theme (an id, "other", "off_topic"; None: every item) that match
    the search and filters (`part`: a `Part.key`), newest first.

    The search finds items holding every word typed, whatever the case and accents
    ("autobus" finds "Autobús").
    """
    rows = list(themed) if theme is None else members_of(theme, themed)
    # Each word once, and each text normalised once: "a a a ... a" must not cost 100 passes.
    words = list(dict.fromkeys(normalize(clean_search(q)).split()))
    if words:
        rows = [row for row, text in ((row, normalize(row.item.text)) for row in rows)
                if all(word in text for word in words)]
    if source:
        rows = [row for row in rows if row.item.source == source]
    if section_key:
        rows = [row for row in rows if row.item.section_key == section_key]
    if language:
        rows = [row for row in rows if (row.item.language or "") == language]
    if new_only:
        rows = [row for row in rows if row.is_new]
    if unsure_only:
        rows = [row for row in rows if row.unsure]
    if part:
        rows = [row for row in rows if part_key(row.part) == part]
    return sorted(rows, key=lambda row: (row.item.created_at, row.item.source, row.item.source_id), reverse=True)


@dataclass
class Page:
    """A page of a list, with what templates/_macros/forms.html `pagination` reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(rows: Sequence, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of rows; a page past the end shows the last one."""
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return Page(items=list(rows[start:start + per_page]), page=page, per_page=per_page, total=len(rows))


def item_languages(rows: Iterable[ThemedItem]) -> list[str]:
    """The languages the items are written in, for the language filter."""
    return sorted({row.item.language for row in rows if row.item.language})


# --------------------------------------------------------------------------
# How sure the analysis is: each theme's fit, and themes that may be one
# --------------------------------------------------------------------------

# A theme is "tight" when its items are at least this much more alike than the analysis's
# median theme, "loose" when this much less (the scale differs by representation).
TIGHT_FROM, LOOSE_BELOW = 1.1, 0.85


def theme_fits(themes: Sequence[Theme]) -> dict[int, str]:
    """Each theme's fit against the median tightness of these themes: "tight", "typical"
    or "loose" (themes without a tightness, made before runs measured it, get none).

    On the school feedback set and banking77, loose themes were the mixed ones (under
    half of their items of one subject) and tight ones the pure ones."""
    measured = sorted(t.tightness for t in themes if t.tightness is not None)
    if not measured:
        return {}
    median = measured[len(measured) // 2]
    fits = {}
    for theme in themes:
        if theme.tightness is not None:
            ratio = theme.tightness / median if median > 0 else 1.0
            fits[theme.id] = "tight" if ratio >= TIGHT_FROM else "loose" if ratio < LOOSE_BELOW else "typical"
    return fits


def unsure_count(theme: Theme | int | str, themed: Sequence[ThemedItem]) -> int:
    return sum(1 for row in members_of(theme, themed) if row.unsure)


def alike_pairs(run, themes: Sequence[Theme]) -> list[tuple[Theme, Theme]]:
    """The pairs of active themes the run found so alike that they may be one, most alike first."""
    by_id = {theme.id: theme for theme in themes}
    pairs = []
    for first, second, _cosine in (run.alike or []) if run is not None else []:
        if first in by_id and second in by_id:
            pairs.append((by_id[first], by_id[second]))
    return pairs
