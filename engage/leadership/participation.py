"""Who we are hearing from: people who took part, by channel and group, beside the district's enrollment.

Channels, each counted as distinct people:
- comments: distinct authors of visible, non-official comments (facts from their profile);
- surveys: one person per response of a published or closed survey ("user:<id>" when it has a
  respondent, "response:<id>" otherwise); facts from the response only, never the account;
- sign-ups: registrations not cancelled (confirmed or waitlisted), walk-ins aside;
- attendance: checked-in registrations, walk-ins included.
A registration is "user:<id>" with an account (facts from the profile), else "registration:<id>"
(facts: its interpretation language and the session's school).

A person belongs to a group when any of their participations (in the plan filter's scope) carries
that fact; people who shared nothing in a dimension are in NOT_SHARED.

Every count shown goes through engage.privacy (see _suppress_table): small groups with complementary
suppression per column (months too); a cell hidden when it does not differ safely from a count
its people are all part of: its row's all-channel count, the totals, and with a plan filter the same
cells without the filter (differencing). Rates, shares and gaps are worked out from shown counts only.

Counting reads every participation, too many to read for each view in a large district, so the
counts (before anything is hidden) are kept in a summary table, for all plans and for each plan,
with the versions of the tables they were counted from (`count_everyone`, a queue job). The page
reads two rows; when the data changed since, it asks for a new count and shows the last one with
the time it was made (a queue that runs jobs at once has counted again before the page is made).
A job every five minutes counts again if anything changed. The rules that hide counts run on
every view, on the counts as read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import delete, select, union

from ..accounts.models import ParticipantProfile, profile_schools
from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..comments.models import Comment, CommentStatus
from ..conversations.models import ConversationSession, Registration, RegistrationStatus
from .. import caching
from ..extensions import db, dialect_insert
from ..i18n import select_timezone
from ..models import utcnow
from ..orgs.models import School
from ..permissions import Permission, require
from ..plans.models import Plan
from ..privacy import differs_safely, is_small, suppressed_counts
from ..queue import job, periodic_job
from ..surveys.models import Survey, SurveyResponse, SurveyStatus, survey_response_schools
from ..vocabulary import LANGUAGE_CHOICES
from . import enrollment
from .models import TWO_OR_MORE, EnrollmentDimension, ParticipationCounts

COMMENTS, SURVEYS, SIGNUPS, ATTENDANCE = "comments", "surveys", "signups", "attendance"
CHANNELS = (COMMENTS, SURVEYS, SIGNUPS, ATTENDANCE)
ALL = "all"
COLUMNS = (*CHANNELS, ALL)
CHANNEL_LABELS = {
    COMMENTS: _l("Plan comments"),
    SURVEYS: _l("Survey responses"),
    SIGNUPS: _l("Conversation sign-ups"),
    ATTENDANCE: _l("Conversation attendance"),
    ALL: _l("All channels"),
}

SCHOOL, LANGUAGE, RACE_ETHNICITY, RELATIONSHIP = "school", "language", "race_ethnicity", "relationship"
DIMENSIONS = (SCHOOL, LANGUAGE, RACE_ETHNICITY, RELATIONSHIP)
DIMENSION_LABELS = {
    SCHOOL: _l("By school"),
    LANGUAGE: _l("By language"),
    RACE_ETHNICITY: _l("By race or ethnicity"),
    RELATIONSHIP: _l("By connection to the district"),
}
NOT_SHARED = "not_shared"
NOT_SHARED_LABEL = _l("Did not say")
RACE_LABELS = dict(enrollment.RACE_GROUPS)
LANGUAGE_LABELS = dict(LANGUAGE_CHOICES)
RELATIONSHIP_LABELS = dict(RELATIONSHIP_CHOICES)
LOWEST_SHOWN = 3


@dataclass(frozen=True)
class Participation:
    """One thing one person did, with the facts it carries."""

    channel: str
    person: str
    plan_id: int | None
    at: datetime
    relationship: str | None = None
    language: str | None = None
    races: tuple[str, ...] = ()
    school_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroupRow:
    key: str
    label: str  # a school's name, or a lazy label
    counts: dict[str, int | None]  # column -> people shown (None: hidden)
    enrolled: int | None = None  # None: no figure, or a hidden one (enrolled_small)
    enrolled_small: bool = False  # a figure of 1 to 9 students, shown as "fewer than 10"
    rate: float | None = None  # people per 100 enrolled students
    participant_share: float | None = None  # percent of everyone heard from
    enrollment_share: float | None = None  # percent of enrolled students
    gap: float | None = None  # participant_share - enrollment_share, in percentage points
    school_id: int | None = None

    @property
    def not_shared(self) -> bool:
        return self.key == NOT_SHARED


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    title: str
    rows: list[GroupRow]
    with_enrollment: bool

    @property
    def largest_gaps_first(self) -> list[GroupRow]:
        """The groups with a gap to enrollment, the furthest from their share of students first."""
        return sorted((row for row in self.rows if row.gap is not None and not row.not_shared),
                      key=lambda row: (-abs(row.gap), str(row.label)))


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day of the month
    counts: dict[str, int | None]


@dataclass(frozen=True)
class LowGroup:
    dimension: str
    key: str
    label: str
    rate: float
    school_id: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class HearingFrom:
    plan_id: int | None
    plan_title: str | None
    school_year: str | None
    school_years: list[str]
    plans: list[tuple[int, str]]
    totals: dict[str, int | None]
    breakdowns: list[Breakdown]
    months: list[MonthRow]
    lowest: dict[str, list[LowGroup]] = field(default_factory=dict)
    has_enrollment: bool = False
    counted_at: datetime | None = None
    counting: bool = False  # newer participation is being counted (the queue's job has not run yet)

    @property
    def has_participants(self) -> bool:
        return any(count != 0 for count in self.totals.values())

    def breakdown(self, dimension: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.dimension == dimension)


def hearing_from(actor, *, plan_id: int | None = None, school_year: str | None = None) -> HearingFrom:
    """Everything the page and its CSV show, suppressed. An unknown plan or year falls back to all
    plans and the latest year with figures."""
    require(actor, Permission.VIEW_PARTICIPATION)
    return _hearing_from(plan_id, school_year)


def outreach_suggestions(actor) -> dict[str, list[LowGroup]]:
    """For hosts planning outreach: the schools and home languages heard from least, across all plans.

    Names and rates only, worked out from the same suppressed counts leaders see.
    """
    require(actor, Permission.HOST)
    lowest = _hearing_from(None, None).lowest
    return {dimension: groups for dimension, groups in lowest.items() if dimension in (SCHOOL, LANGUAGE)}


def _hearing_from(plan_id: int | None, school_year: str | None) -> HearingFrom:
    plans = [(row.id, row.title) for row in db.session.execute(select(Plan.id, Plan.title).order_by(Plan.title))]
    plan_titles = dict(plans)
    if plan_id not in plan_titles:
        plan_id = None
    years = enrollment.school_years()
    if school_year not in years:
        school_year = years[0] if years else None
    figures = enrollment.enrollment_for_year(school_year) if school_year else {}
    schools = _active_schools()
    summary = _summary(plan_id, schools)
    counted, compared = (summary.everyone, None) if plan_id is None else (summary.plan, summary.everyone)

    # Every group's and month's people are among the totals', with and without the plan filter.
    everyone = [counted.totals, compared.totals] if compared else [counted.totals]
    # The totals are a one-row table: small counts hidden, and no hidden cell pinned by the others.
    totals = _suppress_table({"totals": counted.totals}, {"totals": compared.totals} if compared else None,
                             [])["totals"]
    breakdowns = []
    for dimension in DIMENSIONS:
        shown = _suppress_table(counted.groups[dimension], compared.groups[dimension] if compared else None,
                                everyone)
        breakdowns.append(_breakdown(dimension, shown, totals[ALL], figures, dict(schools)))
    # Months get complementary suppression too: people who took part once (anonymous responses, guests)
    # are in one month only, so a channel's total minus its shown months would give a hidden month away.
    shown_months = _suppress_table(counted.months, compared.months if compared else None, everyone)
    months = [MonthRow(month, shown_months[month]) for month in sorted(counted.months)]
    return HearingFrom(
        plan_id=plan_id, plan_title=plan_titles.get(plan_id), school_year=school_year, school_years=years,
        plans=plans, totals=totals, breakdowns=breakdowns, months=months,
        lowest=_lowest(breakdowns), has_enrollment=bool(figures), counted_at=summary.counted_at,
        counting=summary.behind,
    )


# Reading -------------------------------------------------------------------------------------


def load_participations() -> list[Participation]:
    """Every participation in every channel, with facts, in six queries whatever the numbers."""
    comment_rows = db.session.execute(
        select(Comment.author_id, Comment.plan_id, Comment.created_at)
        .where(Comment.status == CommentStatus.VISIBLE, Comment.official.is_(False))
    ).all()
    response_rows = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.respondent_id, SurveyResponse.relationship_to_district,
               SurveyResponse.language, SurveyResponse.submitted_at, Survey.plan_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(Survey.status != SurveyStatus.DRAFT)
    ).all()
    response_schools: dict[int, list[int]] = defaultdict(list)
    for response_id, school_id in db.session.execute(
        select(survey_response_schools.c.response_id, survey_response_schools.c.school_id)
        .join(SurveyResponse, SurveyResponse.id == survey_response_schools.c.response_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(Survey.status != SurveyStatus.DRAFT)
    ):
        response_schools[response_id].append(school_id)
    registration_rows = db.session.execute(
        select(Registration.id, Registration.user_id, Registration.status, Registration.walk_in,
               Registration.interpretation_language, Registration.created_at, Registration.checked_in_at,
               ConversationSession.plan_id, ConversationSession.school_id)
        .join(ConversationSession, ConversationSession.id == Registration.session_id)
        .where(Registration.status != RegistrationStatus.CANCELLED)
    ).all()

    # Only the profiles of commenters and registered people: a survey response never reads its account.
    profiled = union(
        select(Comment.author_id.label("user_id"))
        .where(Comment.status == CommentStatus.VISIBLE, Comment.official.is_(False)),
        select(Registration.user_id.label("user_id"))
        .where(Registration.user_id.is_not(None), Registration.status != RegistrationStatus.CANCELLED),
    ).subquery()
    profiles = {
        user_id: (relationship, language, tuple(races or ()))
        for user_id, relationship, language, races in db.session.execute(
            select(ParticipantProfile.user_id, ParticipantProfile.relationship_to_district,
                   ParticipantProfile.preferred_language, ParticipantProfile.race_ethnicity)
            .where(ParticipantProfile.user_id.in_(select(profiled.c.user_id)))
        )
    }
    profile_school_ids: dict[int, list[int]] = defaultdict(list)
    for user_id, school_id in db.session.execute(
        select(profile_schools.c.profile_id, profile_schools.c.school_id)
        .where(profile_schools.c.profile_id.in_(select(profiled.c.user_id)))
    ):
        profile_school_ids[user_id].append(school_id)

    def from_profile(channel: str, user_id: int, plan_id, at) -> Participation:
        relationship, language, races = profiles.get(user_id, (None, None, ()))
        return Participation(channel, f"user:{user_id}", plan_id, at, relationship, language, races,
                             tuple(profile_school_ids.get(user_id, ())))

    found = [from_profile(COMMENTS, author_id, plan_id, created_at)
             for author_id, plan_id, created_at in comment_rows]
    for response_id, respondent_id, relationship, language, submitted_at, plan_id in response_rows:
        person = f"user:{respondent_id}" if respondent_id is not None else f"response:{response_id}"
        found.append(Participation(SURVEYS, person, plan_id, submitted_at, relationship, language, (),
                                   tuple(response_schools.get(response_id, ()))))
    for (registration_id, user_id, status, walk_in, interpretation, created_at, checked_in_at, plan_id,
         school_id) in registration_rows:
        def participation(channel: str, at) -> Participation:
            if user_id is not None:
                return from_profile(channel, user_id, plan_id, at)
            return Participation(channel, f"registration:{registration_id}", plan_id, at, None, interpretation,
                                 (), (school_id,) if school_id is not None else ())
        if status in RegistrationStatus.ACTIVE and not walk_in:
            found.append(participation(SIGNUPS, created_at))
        if checked_in_at is not None:
            found.append(participation(ATTENDANCE, checked_in_at))
    return found


# The summary table ----------------------------------------------------------------------------

EVERY_PLAN = "all"


def _plan_scope(plan_id: int) -> str:
    return f"plan:{plan_id}"


def _counted_tables() -> list[str]:
    """The tables participations and their facts are read from."""
    return [table.name for table in (Comment.__table__, SurveyResponse.__table__, Survey.__table__,
                                     survey_response_schools, Registration.__table__, ConversationSession.__table__,
                                     ParticipantProfile.__table__, profile_schools, School.__table__)]


def _data_versions() -> str:
    return " ".join(caching.versions(caching.table_scope(name) for name in _counted_tables()))


def _active_schools() -> list[tuple[int, str]]:
    return [(school.id, school.name) for school in
            db.session.scalars(select(School).where(School.active).order_by(School.name))]


def count_everyone() -> int:
    """Count everyone heard from, for all plans and for each plan, into the summary table; returns
    the rows written."""
    versions = _data_versions()  # read first: a change while counting leaves the counts behind, never wrong
    schools = _active_schools()
    participations = load_participations()
    by_plan: dict[int, list[Participation]] = defaultdict(list)
    for participation in participations:
        if participation.plan_id is not None:
            by_plan[participation.plan_id].append(participation)
    counted = {EVERY_PLAN: count_people(participations, schools),
               **{_plan_scope(plan_id): count_people(found, schools) for plan_id, found in by_plan.items()}}
    now = utcnow()
    upsert = dialect_insert(ParticipationCounts).values([
        {"scope": scope, "counts": counts.as_json(), "data_versions": versions, "counted_at": now}
        for scope, counts in counted.items()])
    db.session.execute(upsert.on_conflict_do_update(index_elements=["scope"], set_={
        "counts": upsert.excluded.counts, "data_versions": upsert.excluded.data_versions,
        "counted_at": upsert.excluded.counted_at}))
    db.session.execute(delete(ParticipationCounts).where(ParticipationCounts.scope.not_in(list(counted))))
    db.session.commit()
    return len(counted)


@job()
def count_everyone_job() -> None:
    caching.cache.delete(_COUNT_ASKED)  # from now on, a change asks for another count
    count_everyone()


@periodic_job(crontab(minute="*/5"))
def keep_everyone_counted() -> None:
    row = db.session.get(ParticipationCounts, EVERY_PLAN)
    if row is None or row.data_versions != _data_versions():
        count_everyone()


_COUNT_ASKED = "participation:count-asked"


def _ask_for_a_count() -> None:
    """Queue a count, unless one is waiting already."""
    if caching.cache.add(_COUNT_ASKED, True, timeout=600):
        count_everyone_job()


@dataclass(frozen=True)
class _Summary:
    everyone: PeopleCounts
    plan: PeopleCounts | None
    counted_at: datetime | None
    behind: bool


def _summary(plan_id: int | None, schools: list[tuple[int, str]]) -> _Summary:
    """The counts for all plans and the plan, from the summary table (counted now if it has none)."""
    scopes = [EVERY_PLAN] + ([_plan_scope(plan_id)] if plan_id is not None else [])

    def read() -> dict[str, ParticipationCounts]:
        return {row.scope: row for row in db.session.scalars(
            select(ParticipationCounts).where(ParticipationCounts.scope.in_(scopes))
            .execution_options(populate_existing=True))}  # as a job may just have counted, in its own session

    rows = read()
    current = _data_versions()
    if EVERY_PLAN not in rows or rows[EVERY_PLAN].data_versions != current:
        _ask_for_a_count()
        rows = read()  # a queue that runs jobs at once has counted
        if EVERY_PLAN not in rows:  # never counted, and the queue's worker has not come to it yet
            count_everyone()
            rows = read()
    everyone = rows[EVERY_PLAN]
    plan = rows.get(_plan_scope(plan_id)) if plan_id is not None else None
    return _Summary(
        everyone=PeopleCounts.from_json(everyone.counts),
        plan=PeopleCounts.from_json(plan.counts) if plan else (count_people([], schools) if plan_id else None),
        counted_at=everyone.counted_at, behind=everyone.data_versions != current)


# Counting (no database) ----------------------------------------------------------------------


@dataclass
class PeopleCounts:
    totals: dict[str, int]
    groups: dict[str, dict]  # dimension -> group key -> column -> people
    months: dict[date, dict[str, int]]

    def as_json(self) -> dict:
        return {"totals": self.totals,
                "groups": {dimension: [[key, columns] for key, columns in groups.items()]
                           for dimension, groups in self.groups.items()},
                "months": [[month.isoformat(), columns] for month, columns in self.months.items()]}

    @classmethod
    def from_json(cls, data: dict) -> PeopleCounts:
        return cls(totals=data["totals"],
                   groups={dimension: {key: columns for key, columns in rows} for dimension, rows in data["groups"].items()},
                   months={date.fromisoformat(month): columns for month, columns in data["months"]})


def _race_group(races: set[str]) -> str | None:
    known = {race for race in races if race in RACE_LABELS and race != TWO_OR_MORE}
    if TWO_OR_MORE in races or len(known) > 1:
        return TWO_OR_MORE
    return next(iter(known), None)


def count_people(participations: Iterable[Participation], schools: list[tuple[int, str]]) -> PeopleCounts:
    """Distinct people per column: overall, per group of each dimension, and per month."""
    channels: dict[str, set[str]] = defaultdict(set)
    facts: dict[str, dict[str, set]] = defaultdict(lambda: {d: set() for d in DIMENSIONS})
    monthly: dict[date, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    school_ids = {school_id for school_id, _name in schools}
    zone = ZoneInfo(select_timezone())
    for p in participations:
        channels[p.person].add(p.channel)
        person = facts[p.person]
        if p.relationship in RELATIONSHIP_LABELS:
            person[RELATIONSHIP].add(p.relationship)
        if p.language:
            person[LANGUAGE].add(p.language if p.language in LANGUAGE_LABELS else "other")
        person[RACE_ETHNICITY].update(p.races)
        person[SCHOOL].update(school_id for school_id in p.school_ids if school_id in school_ids)
        local = (p.at if p.at.tzinfo else p.at.replace(tzinfo=UTC)).astimezone(zone)
        month = date(local.year, local.month, 1)
        monthly[month][p.channel].add(p.person)
        monthly[month][ALL].add(p.person)

    group_keys = {
        SCHOOL: [school_id for school_id, _name in schools],
        LANGUAGE: list(LANGUAGE_LABELS),
        RACE_ETHNICITY: list(RACE_LABELS),
        RELATIONSHIP: list(RELATIONSHIP_LABELS),
    }
    groups = {d: {key: dict.fromkeys(COLUMNS, 0) for key in [*keys, NOT_SHARED]} for d, keys in group_keys.items()}
    totals = dict.fromkeys(COLUMNS, 0)
    for person, person_channels in channels.items():
        columns = [*person_channels, ALL]
        for column in columns:
            totals[column] += 1
        person_facts = facts[person]
        race = _race_group(person_facts[RACE_ETHNICITY])
        memberships = {
            SCHOOL: person_facts[SCHOOL],
            LANGUAGE: person_facts[LANGUAGE],
            RACE_ETHNICITY: {race} if race else set(),
            RELATIONSHIP: person_facts[RELATIONSHIP],
        }
        for dimension, keys in memberships.items():
            for key in keys or (NOT_SHARED,):
                for column in columns:
                    groups[dimension][key][column] += 1
    months = {month: {column: len(by_column.get(column, ())) for column in COLUMNS}
              for month, by_column in monthly.items()}
    return PeopleCounts(totals=totals, groups=groups, months=months)


# Suppression ---------------------------------------------------------------------------------


def _risky(column: str, count: int, above: Iterable[dict[str, int] | None]) -> bool:
    """Rules 2 and 3: the cell could be subtracted from a count its people are all part of (the same
    column or the all-channel count of its own row, of the same row without the plan filter, or of the
    totals) to reveal a small group."""
    return not differs_safely(count, [r.get(c, 0) for r in above if r is not None for c in (column, ALL)])


def _suppress_table(table: dict, compared: dict | None, totals: list[dict[str, int]]) -> dict:
    """Rule 1 per column with complementary suppression, fed with the cells rules 2 and 3 hide (against
    the row, the unfiltered row and the totals), and repeated until no hidden cell can be worked out
    from its row: an all-channel count is pinned by a
    lone channel with people (the others showing 0), so a hidden one hides its row's channels, and a
    channel hidden alone beside zeros hides its row's all-channel count (when people are in it)."""
    hide = {column: {key for key, row in table.items()
                     if _risky(column, row[column], (row, compared.get(key) if compared else None, *totals))}
            for column in COLUMNS}
    while True:
        shown: dict = {key: {} for key in table}
        for column in COLUMNS:
            counts = {key: row[column] for key, row in table.items()}
            for key, count in suppressed_counts(counts, hide=hide[column], complement=True).items():
                shown[key][column] = count
        changed = False
        for key, cells in shown.items():
            if cells[ALL] is None:
                for channel in CHANNELS:
                    if cells[channel]:
                        hide[channel].add(key)
                        changed = True
                continue
            hidden = [channel for channel in CHANNELS if cells[channel] is None]
            if cells[ALL] and len(hidden) == 1 and not any(cells[c] for c in CHANNELS if c != hidden[0]):
                hide[ALL].add(key)
                changed = True
        if not changed:
            return shown


# Rates, shares, gaps -------------------------------------------------------------------------


def _figure_key(dimension: str, key) -> tuple[int | None, str, str] | None:
    if key == NOT_SHARED:
        return None
    if dimension == SCHOOL:
        return (key, EnrollmentDimension.TOTAL, "")
    if dimension == LANGUAGE:
        return (None, EnrollmentDimension.LANGUAGE, key)
    if dimension == RACE_ETHNICITY:
        return (None, EnrollmentDimension.RACE_ETHNICITY, key)
    return None


def _label(dimension: str, key, school_names: dict[int, str]):
    if key == NOT_SHARED:
        return NOT_SHARED_LABEL
    if dimension == SCHOOL:
        return school_names[key]
    return {LANGUAGE: LANGUAGE_LABELS, RACE_ETHNICITY: RACE_LABELS, RELATIONSHIP: RELATIONSHIP_LABELS}[dimension][key]


def _breakdown(dimension: str, shown: dict, everyone: int | None, figures: dict, school_names: dict) -> Breakdown:
    with_enrollment = dimension != RELATIONSHIP
    keyed = {key: _figure_key(dimension, key) for key in shown}
    students = {key: figures.get(figure_key) for key, figure_key in keyed.items() if figure_key}
    # Shown figures only: a share out of a total that includes a figure of 1 to 9 would give it away.
    enrolled_total = sum(value for value in students.values() if value and not is_small(value))
    rows = []
    for key, counts in shown.items():
        people = counts[ALL]
        figure = students.get(key)
        small = figure is not None and is_small(figure)
        enrolled = None if small else figure
        rate = 100 * people / enrolled if people is not None and enrolled else None
        participant_share = 100 * people / everyone if people is not None and everyone else None
        enrollment_share = 100 * enrolled / enrolled_total if enrolled is not None and enrolled_total else None
        gap = (participant_share - enrollment_share
               if participant_share is not None and enrollment_share is not None else None)
        rows.append(GroupRow(
            key=str(key), label=_label(dimension, key, school_names), counts=counts, enrolled=enrolled,
            enrolled_small=small, rate=rate, participant_share=participant_share,
            enrollment_share=enrollment_share if with_enrollment else None, gap=gap,
            school_id=key if dimension == SCHOOL and key != NOT_SHARED else None,
        ))
    return Breakdown(dimension=dimension, title=DIMENSION_LABELS[dimension], rows=rows,
                     with_enrollment=with_enrollment)


def _lowest(breakdowns: list[Breakdown]) -> dict[str, list[LowGroup]]:
    """Per dimension with enrollment, the groups with the lowest shown rates."""
    lowest = {}
    for breakdown in breakdowns:
        if not breakdown.with_enrollment:
            continue
        rated = [row for row in breakdown.rows if row.rate is not None]
        if not any(row.rate for row in rated):
            continue  # nobody in any group (or nobody shared this fact): nothing to compare
        # Ties (often nobody yet) go to the larger groups first: more students not heard from.
        rated.sort(key=lambda row: (row.rate, -row.enrolled, row.key))
        lowest[breakdown.dimension] = [
            LowGroup(dimension=breakdown.dimension, key=row.key, label=row.label, rate=row.rate,
                     school_id=row.school_id, language=row.key if breakdown.dimension == LANGUAGE else None)
            for row in rated[:LOWEST_SHOWN]
        ]
    return lowest
