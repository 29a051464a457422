"""Survey results: counts and percentages per option, scale distributions and
means, and text answers, for everyone or for a group picked by filters on the
respondents' relationship to the district, school and language.

A constant number of queries, however many responses there are: the survey's
mixes of facts (surveys.disclosure, two grouped queries), from which every
filter group is sized; answer rows grouped by
question and option (by facts key too when a view filters, and once more for
the chosen school), with how many people answered the questions that take
many answers; the text answers (one query keeping the newest TEXT_ANSWER_CAP
of each question) and, when searching, how many match.

Privacy: groups of fewer than 10 people are never shown, and never left to be
worked out by subtracting shown numbers from one another. The rules (the
threshold is privacy.SMALL_GROUP_THRESHOLD):

0. Under a filter, a response counts only when it shows the facts filtered
   on (surveys.disclosure: each response shows the most of its relationship,
   schools and language that at least 10 responses show alike): the group
   sizes, the counts, the text answers, the search and its counts. With no
   filter every response counts. That rule is what stops text answers and
   searches from being intersected across filters, or matched with the
   CSV, to find what a small group wrote; the rules below hide small
   numbers within what is left.
1. Small group. The people matching the filters (the view's group) must
   number at least 10 (or no one, with no filter), else the whole view shows
   only "Fewer than 10 people match these filters": no counts, no charts,
   no text answers. A filtered group of no one is hidden the same way.
2. Differencing. Dropping any of the filters (one, several, or all) gives a
   coarser view that someone can also open; the two groups must differ by 0
   or at least 10 people, else the finer view is hidden as in rule 1. And
   each filter's values are a breakdown of the view made by the other
   filters, "not given" counting as one more value: a value whose view is
   hidden stays hidden there, small values are hidden, and complementary
   suppression (privacy.suppressed_counts) hides more until the hidden values
   can't be worked out from the total; their views are hidden too. This runs
   over every combination of filter values until nothing changes
   (GroupSizes._hidden_views), so hiding spreads across filters: if "parents
   at school X" is hidden, "parents at school Y" is too, when "all parents"
   minus the second would give the first away. The counts beside each filter
   choice are the respondent counts of the views they open, hidden exactly
   when those views are.
3. Inside a shown view. A question answered by 1 to 9 people shows no
   numbers (nor its text answers). In a view of a group (any filter on), an
   option chosen by 1 to 9 people is hidden, with no percentage; where the options of a question split
   its answers (single choice, agreement scale, rating, relationship,
   language) more options are hidden until the hidden ones can't be worked
   out from the total (complementary suppression). Every count shown, the
   answered count included, must also differ from the same count in each
   coarser view by 0 or at least 10, else it is hidden too. The profile
   questions' options are the filters' values, so an option whose filter
   view is hidden is hidden. A mean is shown only when none of its
   distribution is hidden (with two unknowns, the mean and the total would
   give both away). The typed words for "Other" are listed only when the
   Other count is shown. With no filter (the whole survey), the options of
   every question but the profile ones are shown as counted, however few
   chose them: such a count describes no group of people, and what protects
   a group is that each filtered view's counts differ from these by 0 or at
   least 10, which is checked against the counts themselves whether shown or
   not. The profile questions' options are group sizes, so they keep every
   rule. A hidden count is never stated as a number or a bound (it may be
   hidden by complementary suppression, far from small): it reads "hidden to
   protect a small group", and charts draw no bar for it.

Known limits: how many people skipped a question (respondents minus those who
answered) is shown, as response rates usually are. Counts hidden by
complementary suppression can still be bounded (not pinned) by combining
several views, the usual limit of cell suppression. Free text can identify
its writer whatever the counts; leaders read it as it was written. Someone
who reloads the page after each single new response can see which counts
it changed: live counts cannot hide that.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import combinations, product

from flask_babel import gettext as _
from sqlalchemy import and_, func, null, select, union_all

from .. import caching
from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..extensions import db
from ..orgs.models import School
from ..privacy import SMALL_GROUP_THRESHOLD, differs_safely, is_small, suppressed_counts
from ..vocabulary import LANGUAGE_CHOICES
from . import disclosure, services
from .models import (
    OTHER_OPTION_KEY,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    survey_response_schools,
)
from .questions import answer_options, rating_end_labels
from .translatable import SurveyWording

TEXT_ANSWER_CAP = 200  # text answers listed per question; search reaches the rest
SEARCH_MAX_LENGTH = 200
NOT_GIVEN = "not_given"  # the pseudo-value of a filter for people who did not say
NO_LONGER_OFFERED = "no_longer_offered"  # answers whose option was removed later

DIMENSIONS = ("relationship", "school_id", "language")
# Questions whose options split the people who answered: each person counts once.
PARTITION_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.LIKERT, QuestionKind.RATING,
                   QuestionKind.PROFILE_RELATIONSHIP, QuestionKind.PROFILE_LANGUAGE)
COUNTED_KINDS = (*QuestionKind.CHOICE_KINDS, *QuestionKind.SCALE_KINDS, *QuestionKind.PROFILE_KINDS)
PROFILE_DIMENSIONS = {QuestionKind.PROFILE_RELATIONSHIP: "relationship", QuestionKind.PROFILE_SCHOOL: "school_id",
                      QuestionKind.PROFILE_LANGUAGE: "language"}
# A person may choose several options: answered counts are not sums of option rows.
MANY_ANSWER_KINDS = (QuestionKind.MULTIPLE_CHOICE, QuestionKind.PROFILE_SCHOOL)


# Filters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFilters:
    """Which respondents a view counts: None means anyone."""

    relationship: str | None = None
    school_id: int | None = None
    language: str | None = None

    def active(self) -> tuple[str, ...]:
        return tuple(dim for dim in DIMENSIONS if getattr(self, dim) is not None)

    def without(self, *dims: str) -> ResultFilters:
        return replace(self, **{dim: None for dim in dims})

    def coarser(self) -> list[ResultFilters]:
        """Every view made by dropping one or more of these filters, down to none."""
        active = self.active()
        return [self.without(*dropped) for size in range(1, len(active) + 1)
                for dropped in combinations(active, size)]

    def matches(self, relationship: str | None, language: str | None) -> bool:
        return ((self.relationship is None or relationship == self.relationship)
                and (self.language is None or language == self.language))

    def as_args(self) -> dict[str, str | int]:
        """The filters as the results page's query arguments."""
        args = {"relationship": self.relationship, "school": self.school_id, "language": self.language}
        return {name: value for name, value in args.items() if value is not None}


def relationship_labels() -> dict[str, str]:
    return {key: str(label) for key, label in RELATIONSHIP_CHOICES}


def language_labels() -> dict[str, str]:
    return {key: str(label) for key, label in LANGUAGE_CHOICES}


def clean_filters(relationship: str | None, school_id: int | None, language: str | None,
                  school_ids: Iterable[int]) -> tuple[ResultFilters, bool]:
    """The filters with unknown values dropped, and whether any were dropped."""
    relationship = relationship or None
    language = language or None
    kept = ResultFilters(
        relationship=relationship if relationship in relationship_labels() else None,
        school_id=school_id if school_id in set(school_ids) else None,
        language=language if language in language_labels() else None,
    )
    dropped = ((relationship is not None and kept.relationship is None)
               or (school_id is not None and kept.school_id is None)
               or (language is not None and kept.language is None))
    return kept, dropped


def clean_search(search: str | None) -> str:
    return " ".join((search or "").split())[:SEARCH_MAX_LENGTH]


# Group sizes and the rules that hide a whole view ------------------------------------


ANY = None  # a filter left open, in GroupSizes' (relationship, school, language) keys


class GroupSizes:
    """How many responses have each (relationship, language), overall and per
    school: enough to size every filter group without another query, and to
    decide which filter groups must stay hidden (rules 1 and 2).

    Inside, a filter group is a (relationship, school id, language) tuple
    with ANY for a filter left open: there are a few thousand of them at
    most, and the rules visit each many times.
    """

    def __init__(self, overall: Mapping[tuple[str | None, str | None], int],
                 with_school: Mapping[tuple[str | None, str | None], int],
                 per_school: Mapping[tuple[int, str | None, str | None], int],
                 threshold: int = SMALL_GROUP_THRESHOLD):
        self.threshold = threshold
        self._values: list[list] = [
            sorted({rel for (rel, _lang), n in overall.items() if n and rel is not None}),
            sorted({school for (school, _rel, _lang), n in per_school.items() if n}),
            sorted({lang for (_rel, lang), n in overall.items() if n and lang is not None}),
        ]
        self._sizes: dict[tuple, int] = defaultdict(int)
        # Responses that name at least one school, by (relationship, language) group.
        self._named: dict[tuple, int] = defaultdict(int)
        for cells, school, target in ((overall.items(), ANY, self._sizes), (with_school.items(), ANY, self._named)):
            for (rel, lang), n in cells:
                self._add(target, rel, school, lang, n)
        for (school, rel, lang), n in per_school.items():
            self._add(self._sizes, rel, school, lang, n)
        self._hidden: set[tuple] | None = None

    @classmethod
    def from_disclosure(cls, shown: disclosure.Disclosure) -> GroupSizes:
        """The sizes of rule 0's filter groups: a response counts in a group when it shows
        every fact the group filters on."""
        sizes = cls({}, {}, {})
        values: list[set] = [set(), set(), set()]
        for mix in shown.mixes.values():
            rel = mix.relationship if "relationship" in mix.shown else None
            lang = mix.language if "language" in mix.shown else None
            schools = mix.school_ids if "school_id" in mix.shown else frozenset()
            sizes._add(sizes._sizes, rel, ANY, lang, mix.responses)
            if schools:
                sizes._add(sizes._named, rel, ANY, lang, mix.responses)
            for school in schools:
                sizes._add(sizes._sizes, rel, school, lang, mix.responses)
            for i, value in ((0, rel), (2, lang)):
                if value is not None:
                    values[i].add(value)
            values[1].update(schools)
        sizes._values = [sorted(found) for found in values]
        # With no filter everyone counts, whatever facts they show (rule 0).
        sizes._sizes[(ANY, ANY, ANY)] = shown.responses
        return sizes

    @staticmethod
    def _add(target: dict, rel, school, lang, n: int) -> None:
        # People who did not say count only where that filter is left open.
        for r in {ANY, rel}:
            for lg in {ANY, lang}:
                target[(r, school, lg)] += n

    def values(self, dim: str) -> list:
        """The values of one filter that someone has, in a stable order."""
        return self._values[DIMENSIONS.index(dim)]

    def size(self, filters: ResultFilters) -> int:
        return self._sizes.get((filters.relationship, filters.school_id, filters.language), 0)

    def breakdown(self, dim: str, filters: ResultFilters) -> dict:
        """Group sizes for each value of one filter under the others (values
        with no one left out); NOT_GIVEN for people who did not say."""
        base = (filters.relationship, filters.school_id, filters.language)
        return self._breakdown(DIMENSIONS.index(dim), base[:DIMENSIONS.index(dim)] + (ANY,)
                               + base[DIMENSIONS.index(dim) + 1:])

    def _breakdown(self, i: int, base: tuple) -> dict:
        counts = {}
        for value in self._values[i]:
            n = self._sizes.get(base[:i] + (value,) + base[i + 1:], 0)
            if n:
                counts[value] = n
        if i == 1:
            not_given = self._sizes.get(base, 0) - self._named.get(base, 0)
        else:
            not_given = self._sizes.get(base, 0) - sum(counts.values())
        if not_given:
            counts[NOT_GIVEN] = not_given
        return counts

    def is_hidden(self, filters: ResultFilters) -> bool:
        """Rules 1 and 2 (see the module docstring): must this filter group stay hidden?"""
        if not filters.active():
            return is_small(self.size(filters), self.threshold)
        if any(getattr(filters, dim) not in self.values(dim) for dim in filters.active()):
            return True  # no one has that value
        return (filters.relationship, filters.school_id, filters.language) in self._hidden_views()

    def _hidden_views(self) -> set[tuple]:
        """Every filter group that must stay hidden, found once for the survey.

        First the groups that are small, empty, or differ from a coarser group
        by 1 to 9 people. Then every breakdown of a group by one filter, again
        whenever one of its groups is newly hidden: a value whose group is
        hidden stays hidden, and complementary suppression hides more values
        until the hidden ones can't be worked out from the group's total. A
        group hidden there is hidden everywhere, so the hiding spreads across
        filters (hiding "parents at school X" hides "parents at school Y" when
        the two would give it away through "all parents"). A hidden group's
        breakdowns always hide at least one value, or they would add up to it.
        """
        if self._hidden is not None:
            return self._hidden
        threshold = self.threshold
        views = list(product(*([ANY, *values] for values in self._values)))
        hidden = set()
        for view in views:
            open_ = [i for i in range(3) if view[i] is ANY]
            if len(open_) == 3:
                continue
            size = self._sizes.get(view, 0)
            filtered = [i for i in range(3) if i not in open_]
            coarser = [tuple(ANY if i in dropped else view[i] for i in range(3))
                       for count in range(1, len(filtered) + 1) for dropped in combinations(filtered, count)]
            if size == 0 or is_small(size, threshold) or not differs_safely(
                    size, [self._sizes.get(c, 0) for c in coarser], threshold):
                hidden.add(view)

        def with_value(view: tuple, i: int, value) -> tuple:
            return view[:i] + (value,) + view[i + 1:]

        queue = deque((i, view) for view in views for i in range(3) if view[i] is ANY)
        queued = set(queue)
        while queue:
            i, base = queue.popleft()
            queued.discard((i, base))
            counts = self._breakdown(i, base)
            values = [(n, str(value), value) for value, n in counts.items() if value != NOT_GIVEN]
            forced = [value for _n, _key, value in values if with_value(base, i, value) in hidden]
            if base in hidden and values and not forced:
                forced = [min(values)[2]]  # shown in full, the values would add up to the hidden total
            shown = suppressed_counts(counts, threshold=threshold, hide=forced)
            for _n, _key, value in values:
                view = with_value(base, i, value)
                if shown[value] is None and view not in hidden:
                    hidden.add(view)
                    # Look again at the breakdowns it is part of, and at its own.
                    for j in range(3):
                        work = (j, with_value(view, j, ANY)) if view[j] is not ANY else (j, view)
                        if work not in queued:
                            queued.add(work)
                            queue.append(work)
        self._hidden = hidden
        return hidden


def view_is_hidden(sizes: GroupSizes, filters: ResultFilters) -> bool:
    """Rules 1 and 2 (see the module docstring): must this filter group stay hidden?"""
    return sizes.is_hidden(filters)


def check_filters(survey: Survey, filters: ResultFilters,
                  shown: disclosure.Disclosure | None = None) -> tuple[GroupSizes, bool]:
    """The survey's group sizes and whether this filter group must stay hidden."""
    sizes = GroupSizes.from_disclosure(shown or disclosure.disclosure_for(survey.id))
    return sizes, view_is_hidden(sizes, filters)


def list_schools() -> list[tuple[int, str]]:
    return [(school_id, name) for school_id, name in
            db.session.execute(select(School.id, School.name).order_by(School.name))]


# Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoice:
    value: str
    label: str
    count: int | None  # respondents in the view this choice opens; None: hidden
    selected: bool


@dataclass(frozen=True)
class OptionResult:
    key: str
    label: str
    count: int | None  # None: fewer than 10 (or hidden so it can't be worked out)
    share: float | None  # of the people who answered the question, 0 to 1

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class TextAnswers:
    texts: list[str]  # newest first, at most TEXT_ANSWER_CAP
    total: int  # how many match the search (all of them without one)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    prompt: str
    help_text: str | None
    answered: int | None = None  # None: fewer than 10 people, so no numbers
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None  # scales, when nothing in the distribution is hidden
    texts: TextAnswers | None = None  # text questions; "Other" on choice questions

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_section(self) -> bool:
        return self.kind == QuestionKind.SECTION

    @property
    def is_text(self) -> bool:
        return self.kind in QuestionKind.TEXT_KINDS

    @property
    def numbers_hidden(self) -> bool:
        return self.answered is None

    @property
    def any_suppressed(self) -> bool:
        return any(option.suppressed for option in self.options)


@dataclass
class SurveyResults:
    survey: Survey
    title: str  # in the reader's language where translated
    filters: ResultFilters
    search: str
    respondents: int | None  # None: the view is hidden (rules 1 and 2)
    ignored_filters: bool  # some filter values were not recognised and were dropped
    relationship_choices: list[FilterChoice]
    school_choices: list[FilterChoice]
    language_choices: list[FilterChoice]
    active_filters: list[tuple[str, str]]  # (what, value) for the summary line
    questions: list[QuestionResult]
    # Responses these filters leave out for not showing the facts filtered on (rule 0).
    left_out: int = 0

    @property
    def hidden(self) -> bool:
        return self.respondents is None


def get_survey_for_results(actor, survey_id: int) -> Survey | None:
    """The survey, for someone who may read results (PermissionDenied otherwise)."""
    services.require_manage_surveys(actor)
    return services.get_survey(survey_id)


def survey_results(actor, survey: Survey, *, relationship: str | None = None, school_id: int | None = None,
                   language: str | None = None, search: str | None = None, reader: str | None = None) -> SurveyResults:
    """Everything the results page shows, with small groups hidden by the module's rules; the survey's
    wording in the reader's language (the page's unless given)."""
    services.require_manage_surveys(actor)
    schools = list_schools()
    filters, ignored = clean_filters(relationship, school_id, language, [school for school, _name in schools])
    search = clean_search(search)
    shown = disclosure.disclosure_for(survey.id)
    sizes, hidden = check_filters(survey, filters, shown)
    school_names = dict(schools)
    wording = SurveyWording([survey], reader)
    results = SurveyResults(
        survey=survey, title=wording.title(survey), filters=filters, search=search,
        respondents=None if hidden else sizes.size(filters),
        ignored_filters=ignored,
        relationship_choices=_choices(sizes, filters, "relationship", relationship_labels()),
        school_choices=_choices(sizes, filters, "school_id", {school: name for school, name in schools}),
        language_choices=_choices(sizes, filters, "language", language_labels()),
        active_filters=describe_filters(filters, school_names),
        questions=[],
        left_out=shown.not_showing_count(filters.active()),
    )
    if not hidden:
        results.questions = _question_results(survey, filters, sizes, search, wording, schools, shown)
    return results


def describe_filters(filters: ResultFilters, school_names: Mapping[int, str]) -> list[tuple[str, str]]:
    described = []
    if filters.relationship:
        described.append((_("Connection to the district"), relationship_labels()[filters.relationship]))
    if filters.school_id:
        described.append((_("School"), school_names.get(filters.school_id, "")))
    if filters.language:
        described.append((_("Language"), language_labels()[filters.language]))
    return described


def _choices(sizes: GroupSizes, filters: ResultFilters, dim: str, labels: Mapping) -> list[FilterChoice]:
    """Each value of one filter with the respondent count of the view it opens.

    Values no one has are left out, unless chosen; a count is hidden exactly
    when that view would be.
    """
    present = sizes.breakdown(dim, filters)
    choices = []
    for value, label in labels.items():
        selected = getattr(filters, dim) == value
        if value not in present and not selected:
            continue
        view = replace(filters, **{dim: value})
        count = None if view_is_hidden(sizes, view) else sizes.size(view)
        choices.append(FilterChoice(str(value), label, count, selected))
    return choices


class _ViewCounts:
    """Answer counts of one filter view, summed from grouped rows: rows per
    (question, option) (option None: text answers), and people who answered
    each question that takes many answers."""

    def __init__(self, options: dict[tuple[int, str | None], int], answered: dict[int, int]):
        self.options = options
        self.answered = answered


#: What the grouped answer rows are counted from: they are kept until one of these changes.
ANSWER_ROW_SCOPES = tuple(caching.table_scope(table.name) for table in (
    SurveyAnswer.__table__, SurveyResponse.__table__, survey_response_schools, SurveyQuestion.__table__))


def _answer_rows(survey: Survey, *, by_facts: bool = False, school_id: int | None = None):
    """`_count_answer_rows`, kept in the cache until an answer, response or question changes: the
    grouping reads every answer of the survey (tenths of a second at 12,000 responses), the rules
    applied to it per view are quick."""
    survey_id = survey.id
    return caching.cached_read(f"surveys:answer-rows:{survey_id}:{by_facts}:{school_id}", ANSWER_ROW_SCOPES,
                               lambda: _count_answer_rows(db.session.get(Survey, survey_id), by_facts=by_facts,
                                                          school_id=school_id))


def _count_answer_rows(survey: Survey, *, by_facts: bool = False, school_id: int | None = None):
    """Grouped answer rows: (question, option, facts key, rows) and (question, facts key,
    people) for questions taking many answers.

    With `by_facts`, by the responses' facts keys (rule 0 then reads each key's
    facts, and which of them it shows, from the disclosure), and only the
    responses at `school_id` when given. Without, everyone is counted and the
    key is None: then no response row is read, only the answers' index.
    """
    question_ids = [q.id for q in survey.questions]
    many_ids = [q.id for q in survey.questions if q.kind in MANY_ANSWER_KINDS]
    if not by_facts:
        options = [tuple(row) for row in db.session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.option_key, null(), func.count())
            .where(SurveyAnswer.question_id.in_(question_ids))
            .group_by(SurveyAnswer.question_id, SurveyAnswer.option_key)
        )]
        answered = [tuple(row) for row in db.session.execute(
            select(SurveyAnswer.question_id, null(), func.count(func.distinct(SurveyAnswer.response_id)))
            .where(SurveyAnswer.question_id.in_(many_ids))
            .group_by(SurveyAnswer.question_id)
        )] if many_ids else []
        return options, answered
    key = SurveyResponse.facts_key
    option_query = (
        select(SurveyAnswer.question_id, SurveyAnswer.option_key, key, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id)
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option_key, key)
    )
    answered_query = (
        select(SurveyAnswer.question_id, key, func.count(func.distinct(SurveyAnswer.response_id)))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id, SurveyAnswer.question_id.in_(many_ids))
        .group_by(SurveyAnswer.question_id, key)
    )
    if school_id is not None:
        in_school = and_(survey_response_schools.c.response_id == SurveyResponse.id,
                         survey_response_schools.c.school_id == school_id)
        option_query = option_query.join(survey_response_schools, in_school)
        answered_query = answered_query.join(survey_response_schools, in_school)
    options = [tuple(row) for row in db.session.execute(option_query)]
    answered = [tuple(row) for row in db.session.execute(answered_query)] if many_ids else []
    return options, answered


def _view_counts(rows, filters: ResultFilters, shown: disclosure.Disclosure) -> _ViewCounts:
    option_rows, answered_rows = rows
    facts = set(filters.active())
    counted: dict[str | None, bool] = {None: True}  # rows without a key: everyone, no filter
    for key, mix in shown.mixes.items():
        counted[key] = mix.shown.issuperset(facts) and filters.matches(mix.relationship, mix.language)
    options: dict[tuple[int, str | None], int] = defaultdict(int)
    for question_id, option, key, n in option_rows:
        if counted.get(key):
            options[(question_id, option)] += n
    answered: dict[int, int] = defaultdict(int)
    for question_id, key, n in answered_rows:
        if counted.get(key):
            answered[question_id] += n
    return _ViewCounts(options, answered)


def _question_results(survey: Survey, filters: ResultFilters, sizes: GroupSizes, search: str, wording: SurveyWording,
                      schools: list[tuple[int, str]], shown: disclosure.Disclosure) -> list[QuestionResult]:
    # The view and every coarser one (rules 2 and 3) come from at most three
    # sets of grouped rows: everyone's, and (rule 0) by the facts responses
    # show, at the chosen school and at any.
    views = [filters, *filters.coarser()]

    def source(v: ResultFilters):
        return "everyone" if not v.active() else v.school_id

    rows = {}
    for key in dict.fromkeys(source(v) for v in views):
        rows[key] = (_answer_rows(survey) if key == "everyone"
                     else _answer_rows(survey, by_facts=True, school_id=key))
    view, *coarser = [_view_counts(rows[source(v)], v, shown) for v in views]
    active_schools = set(db.session.scalars(select(School.id).where(School.active)))

    results, texts_wanted = [], {}
    for question in survey.questions:
        result = QuestionResult(question, wording.prompt(question), wording.help(question))
        results.append(result)
        if question.kind in COUNTED_KINDS:
            profile = _profile_groups(question, filters, sizes)
            _count_options(result, view, coarser, wording, schools, active_schools, profile)
            other = next((o for o in result.options if o.key == OTHER_OPTION_KEY), None)
            if other is not None and other.count:
                texts_wanted[question.id] = (result, OTHER_OPTION_KEY, other.count)
        elif question.kind in QuestionKind.TEXT_KINDS:
            answered = view.options.get((question.id, None), 0)
            if _count_shown(answered, [c.options.get((question.id, None), 0) for c in coarser]):
                result.answered = answered
                if answered:
                    texts_wanted[question.id] = (result, None, answered)
    found, totals = _text_answers(survey, filters, search, {qid: key for qid, (_r, key, _n) in texts_wanted.items()},
                                  shown.showing_condition(filters.active()) if filters.active() else None)
    for question_id, (result, _key, count) in texts_wanted.items():
        result.texts = TextAnswers(found.get(question_id, []), totals.get(question_id, 0) if search else count)
    return results


def _count_shown(count: int, coarser_counts: list[int]) -> bool:
    return not is_small(count) and differs_safely(count, coarser_counts)


def _options_for(question: SurveyQuestion, wording: SurveyWording, schools: list[tuple[int, str]], view: _ViewCounts,
                 active_schools: set[int]) -> tuple[list[str], dict[str, str]]:
    """The question's option keys in order, and their labels."""
    options = answer_options(question, wording, schools)
    if question.kind == QuestionKind.PROFILE_SCHOOL:
        # Every school open today, and any other that someone named.
        options = [o for o in options if int(o.key) in active_schools or view.options.get((question.id, o.key))]
    labels = {o.key: o.label for o in options}
    if question.kind == QuestionKind.RATING:
        low, high = rating_end_labels(question, wording)
        if low:
            labels["0"] = f"0 ({low})"
        if high:
            labels["10"] = f"10 ({high})"
    return [o.key for o in options], labels


def _cells(question: SurveyQuestion, keys: list[str], counts: _ViewCounts) -> dict[str, int]:
    cells = {key: counts.options.get((question.id, key), 0) for key in keys}
    known = set(keys)
    cells[NO_LONGER_OFFERED] = sum(n for (question_id, key), n in counts.options.items()
                                   if question_id == question.id and key is not None and key not in known)
    return cells


def _profile_groups(question: SurveyQuestion, filters: ResultFilters, sizes: GroupSizes) -> set[str]:
    """A profile question's options whose filter group is hidden (rule 2).

    The profile questions' answers are the filters' values, so their counts
    are the sizes of the groups each filter choice opens, and are hidden
    whenever those groups are.
    """
    dim = PROFILE_DIMENSIONS.get(question.kind)
    if dim is None:
        return set()
    hidden = set()
    for value in sizes.values(dim):
        if sizes.is_hidden(replace(filters, **{dim: value})):
            hidden.add(str(value))
    return hidden


def _count_options(result: QuestionResult, view: _ViewCounts, coarser: list[_ViewCounts], wording: SurveyWording,
                   schools: list[tuple[int, str]], active_schools: set[int], hidden_groups: set[str]) -> None:
    """Rule 3 for one question that has options."""
    question = result.question
    keys, labels = _options_for(question, wording, schools, view, active_schools)
    cells = _cells(question, keys, view)
    coarser_cells = [_cells(question, keys, counts) for counts in coarser]
    if question.kind in MANY_ANSWER_KINDS:
        answered = view.answered.get(question.id, 0)
        coarser_answered = [counts.answered.get(question.id, 0) for counts in coarser]
    else:
        answered = sum(cells.values())
        coarser_answered = [sum(c.values()) for c in coarser_cells]
    if not _count_shown(answered, coarser_answered):
        return
    result.answered = answered
    if cells[NO_LONGER_OFFERED]:
        labels[NO_LONGER_OFFERED] = _("Options no longer offered")
    else:
        del cells[NO_LONGER_OFFERED]
    if not coarser and question.kind not in PROFILE_DIMENSIONS:
        # The whole survey, no group picked out: how many chose an option says nothing about any
        # group of people (rule 3's exception). Group views still compare against these counts.
        shown = dict(cells)
    else:
        differenced = {key for key, n in cells.items()
                       if not differs_safely(n, [c.get(key, 0) for c in coarser_cells])}
        differenced.update(key for key in hidden_groups if cells.get(key))
        shown = suppressed_counts(cells, hide=differenced, complement=question.kind in PARTITION_KINDS)
    result.options = [
        OptionResult(key, labels[key], count, count / answered if count is not None and answered else None)
        for key, count in shown.items()
    ]
    if question.kind in QuestionKind.SCALE_KINDS and answered and not result.any_suppressed:
        points = {int(key): n for key, n in cells.items() if key.isdigit()}
        if sum(points.values()):
            result.mean = sum(point * n for point, n in points.items()) / sum(points.values())


def _text_answers(survey: Survey, filters: ResultFilters, search: str, wanted: dict[int, str | None],
                  showing=None) -> tuple[dict[int, list[str]], dict[int, int]]:
    """The newest TEXT_ANSWER_CAP texts of each wanted question (question id ->
    None for a text question, "other" for a choice question's Other) that
    match the search, in one query; with a search, how many match, in another.

    Newest first by the order answers were stored; on anonymous surveys, which
    keep only the day, by day and then alphabetically, so the order of
    answers within a day can't be matched to when someone was seen answering.
    """
    if not wanted:
        return {}, {}
    anonymous = survey.is_anonymous
    conditions = [*respondent_conditions(survey, filters), showing] if showing is not None else []
    joined = [SurveyResponse.id == SurveyAnswer.response_id] if conditions or anonymous else []
    if anonymous:
        order = (SurveyResponse.submitted_at.desc(), SurveyAnswer.text)
        columns = (SurveyAnswer.question_id, SurveyAnswer.text, SurveyResponse.submitted_at)
    else:
        order = (SurveyAnswer.id.desc(),)
        columns = (SurveyAnswer.question_id, SurveyAnswer.text, SurveyAnswer.id)

    def matching(question_id: int, key: str | None, *selected):
        query = select(*selected).where(
            SurveyAnswer.question_id == question_id,
            SurveyAnswer.option_key.is_(None) if key is None else SurveyAnswer.option_key == key,
            SurveyAnswer.text.is_not(None), *joined, *conditions)
        if search:
            query = query.where(func.lower(SurveyAnswer.text).contains(search.lower(), autoescape=True))
        return query

    parts = [select(*part.c) for part in (
        matching(question_id, key, *columns).order_by(*order).limit(TEXT_ANSWER_CAP).subquery()
        for question_id, key in wanted.items())]
    rows = db.session.execute(union_all(*parts)).all()
    if anonymous:
        rows.sort(key=lambda row: (-row[2].toordinal(), row[1]))
    else:
        rows.sort(key=lambda row: -row[2])
    found: dict[int, list[str]] = defaultdict(list)
    for question_id, text, _order in rows:
        found[question_id].append(text)
    totals: dict[int, int] = {}
    if search:
        counted = union_all(*(matching(question_id, key, SurveyAnswer.question_id)
                              for question_id, key in wanted.items())).subquery()
        totals = dict(db.session.execute(
            select(counted.c.question_id, func.count()).group_by(counted.c.question_id)).all())
    return found, totals


def respondent_conditions(survey: Survey, filters: ResultFilters) -> list:
    """WHERE conditions on SurveyResponse for the filter group."""
    conditions = [SurveyResponse.survey_id == survey.id]
    if filters.relationship is not None:
        conditions.append(SurveyResponse.relationship_to_district == filters.relationship)
    if filters.language is not None:
        conditions.append(SurveyResponse.language == filters.language)
    if filters.school_id is not None:
        schools = survey_response_schools
        conditions.append(SurveyResponse.id.in_(
            select(schools.c.response_id).where(schools.c.school_id == filters.school_id)
        ))
    return conditions
