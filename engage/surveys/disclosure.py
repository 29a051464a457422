"""Which facts of each survey response may be tied to its answers: the one
rule for every view of survey answers that a filter, a search, a breakdown or
an export can narrow down.

A response's facts are its relationship to the district, the schools it
names and its language; `SurveyResponse.facts_key` keys their mix. The rule:

    Each response shows the most of its facts that at least
    SMALL_GROUP_THRESHOLD responses to the survey show alike: all three when
    enough responses share its mix, else school and language, then
    relationship and school, relationship and language, then one of them
    (privacy.facts_to_show). A response shows none of them when no such
    group is left for it ("set aside"); the responses set aside are none or
    at least the threshold. A fact a response does not show is never used
    to pick it: a filter on that fact leaves it out.

Applied to:
- survey results filtered by relationship, school or language: the counts,
  the group sizes beside each filter choice, the text answers, the search
  and its "N answers contain" counts count a response under a filter only
  when it shows the facts filtered on; with no filter, every response counts
  (surveys.results);
- the CSV export: the facts a response does not show are withheld, and a
  filtered file holds only the responses that show the facts filtered on
  (surveys.export);
- the themes pages: a survey answer carries into the feedback read model
  only the facts its response shows (feedback.survey_answer_items).

Why it holds: every response is in a group of at least the threshold that
show the same facts, and everything a reader can see under filters or in the
file picks responses by the facts they show, so it takes or leaves each group
whole. No comparison of filtered views, searches and files (intersections,
differences, counts) can single out fewer than the threshold responses, or
tell which answers came from them; the rules in surveys.results then hide
small counts within a view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update

from .. import caching
from ..extensions import db
from ..privacy import facts_to_show
from .models import SurveyResponse, response_facts_key, survey_response_schools

# The facts, in the order of a mix and of surveys.results.DIMENSIONS.
FACTS = ("relationship", "school_id", "language")
# Which facts a response keeps when it can't keep all, most useful first.
LEVELS = ((0, 1, 2), (1, 2), (0, 1), (0, 2), (1,), (2,), (0,))


@dataclass(frozen=True)
class Mix:
    """One mix of facts in a survey, how many responses have it, and which of its facts they show."""

    key: str
    relationship: str | None
    school_ids: frozenset[int]
    language: str | None
    responses: int
    shown: frozenset[str]  # names from FACTS


@dataclass(frozen=True)
class Disclosure:
    """The facts each response of one survey shows (see the module docstring)."""

    survey_id: int
    mixes: dict[str, Mix]  # by facts key

    @property
    def responses(self) -> int:
        return sum(mix.responses for mix in self.mixes.values())

    def not_showing_count(self, facts: Iterable[str]) -> int:
        """Responses that don't show all these facts, so a filter on them leaves out:
        whole groups of at least the threshold, so none or at least the threshold."""
        facts = set(facts)
        return sum(mix.responses for mix in self.mixes.values() if not mix.shown.issuperset(facts))

    def showing_condition(self, facts: Iterable[str]):
        """WHERE condition on SurveyResponse: responses that show all these facts.

        The keys are listed: a survey has at most one mix per threshold
        responses that shows anything, few enough for query parameters.
        """
        facts = set(facts)
        return SurveyResponse.facts_key.in_(sorted(key for key, mix in self.mixes.items()
                                                   if mix.shown.issuperset(facts)))


def disclosure_for(survey_id: int) -> Disclosure:
    """The survey's disclosure, from two grouped queries, kept in the cache until a response (or its
    schools) changes: the grouping reads every response (a quarter of a second at 12,000)."""
    return caching.cached_read(
        f"surveys:disclosure:{survey_id}", _SCOPES,
        lambda: disclosures_for([survey_id]).get(survey_id, Disclosure(survey_id, {})))


_SCOPES = tuple(caching.table_scope(table.name) for table in (SurveyResponse.__table__, survey_response_schools))


def disclosures_for(survey_ids: Iterable[int]) -> dict[int, Disclosure]:
    """The disclosure of each of some surveys, in two grouped queries."""
    survey_ids = list(survey_ids)
    if not survey_ids:
        return {}
    schools: dict[tuple[int, str], set[int]] = {}
    for survey_id, key, school_id in db.session.execute(
        select(SurveyResponse.survey_id, SurveyResponse.facts_key, survey_response_schools.c.school_id).distinct()
        .join(survey_response_schools, survey_response_schools.c.response_id == SurveyResponse.id)
        .where(SurveyResponse.survey_id.in_(survey_ids))
    ):
        schools.setdefault((survey_id, key), set()).add(school_id)
    found: dict[int, list[tuple]] = {}
    for survey_id, key, relationship, language, n in db.session.execute(
        select(SurveyResponse.survey_id, SurveyResponse.facts_key, SurveyResponse.relationship_to_district,
               SurveyResponse.language, func.count())
        .where(SurveyResponse.survey_id.in_(survey_ids))
        .group_by(SurveyResponse.survey_id, SurveyResponse.facts_key, SurveyResponse.relationship_to_district,
                  SurveyResponse.language)
    ):
        found.setdefault(survey_id, []).append(
            (key, relationship, frozenset(schools.get((survey_id, key), ())), language, n))
    disclosures = {}
    for survey_id, rows in found.items():
        shown = facts_to_show({(rel, school_ids, lang): n for _key, rel, school_ids, lang, n in rows}, LEVELS)
        disclosures[survey_id] = Disclosure(survey_id, {
            key: Mix(key, rel, school_ids, lang, n, frozenset(FACTS[i] for i in shown[(rel, school_ids, lang)]))
            for key, rel, school_ids, lang, n in rows})
    return disclosures


def refresh_facts_keys(survey_ids: Iterable[int]) -> None:
    """Recompute the facts keys of the surveys' responses, for rows written in bulk
    (benchmarks, imports) past the ORM's flush, which keeps them otherwise."""
    survey_ids = list(survey_ids)
    schools: dict[int, list[int]] = {}
    for response_id, school_id in db.session.execute(
        select(survey_response_schools.c.response_id, survey_response_schools.c.school_id)
        .join(SurveyResponse, SurveyResponse.id == survey_response_schools.c.response_id)
        .where(SurveyResponse.survey_id.in_(survey_ids))
    ):
        schools.setdefault(response_id, []).append(school_id)
    rows = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.relationship_to_district, SurveyResponse.language)
        .where(SurveyResponse.survey_id.in_(survey_ids))
    ).all()
    changes = [{"id": response_id, "facts_key": response_facts_key(rel, lang, schools.get(response_id, ()))}
               for response_id, rel, lang in rows]
    if changes:
        db.session.execute(update(SurveyResponse), changes)
    db.session.commit()
