"""Which survey responses may be tied to their facts: the one rule for every
view of survey answers that a filter, a search, a breakdown or an export can
narrow down.

A response's facts are the relationship to the district, the language and
the set of schools it gives (`SurveyResponse.facts_key` keys the
combination). The rule:

    A response is tied to its facts only when its combination of facts is
    shared by at least SMALL_GROUP_THRESHOLD responses to the survey. The
    responses in rarer combinations are "set aside": they count when no
    filter is chosen, and nowhere else. When they are fewer than the
    threshold, the next rarest combinations are set aside with them, so the
    responses set aside are none or at least the threshold.

Applied to:
- survey results filtered by relationship, school or language: the counts,
  the group sizes beside each filter choice, the text answers, the search
  and its "N answers contain" counts count only responses tied to their
  facts (surveys.results);
- the CSV export: the facts of set-aside responses are withheld, and a
  filtered file holds only responses tied to their facts (surveys.export);
- the themes pages: a set-aside response's answers carry no relationship,
  language or schools into the feedback read model, so they count as "did
  not say" in the group tables and are in no language filter
  (feedback.survey_items).

Why it holds: whatever a reader sees under a filter is a sum over the
combinations of facts that the whole-survey CSV shows, each of at least the
threshold, and the set-aside responses are always together, never split by
a filter. So no comparison of filtered views, searches and files (their
intersections, differences or counts) can isolate fewer than the threshold
responses, or tell which answers came from them, beyond what the CSV itself
shows; the rules in surveys.results then hide small counts within a view.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update

from ..extensions import db
from ..privacy import rare_combinations
from .models import SurveyResponse, response_facts_key, survey_response_schools


@dataclass(frozen=True)
class Disclosure:
    """Which facts keys of one survey are tied to their responses (see the module docstring)."""

    survey_id: int
    # Keys shared by at least the threshold and not set aside: at most one per
    # threshold responses, so a list short enough to pass to the database.
    tied_keys: frozenset[str]
    set_aside_count: int

    def is_set_aside(self, facts_key: str) -> bool:
        return facts_key not in self.tied_keys

    def tied_condition(self):
        """WHERE condition on SurveyResponse: responses tied to their facts."""
        return SurveyResponse.facts_key.in_(sorted(self.tied_keys))


def disclosure_for(survey_id: int) -> Disclosure:
    """The survey's disclosure, from one grouped query."""
    counts = Counter(dict(db.session.execute(
        select(SurveyResponse.facts_key, func.count())
        .where(SurveyResponse.survey_id == survey_id)
        .group_by(SurveyResponse.facts_key)
    ).all()))
    return _disclosure(survey_id, counts)


def disclosures_for(survey_ids: Iterable[int]) -> dict[int, Disclosure]:
    """The disclosure of each of some surveys, in one query."""
    counts: dict[int, Counter] = {}
    survey_ids = list(survey_ids)
    if not survey_ids:
        return {}
    for survey_id, key, n in db.session.execute(
        select(SurveyResponse.survey_id, SurveyResponse.facts_key, func.count())
        .where(SurveyResponse.survey_id.in_(survey_ids))
        .group_by(SurveyResponse.survey_id, SurveyResponse.facts_key)
    ):
        counts.setdefault(survey_id, Counter())[key] = n
    return {survey_id: _disclosure(survey_id, c) for survey_id, c in counts.items()}


def _disclosure(survey_id: int, counts: Counter) -> Disclosure:
    set_aside = rare_combinations(counts)
    return Disclosure(survey_id, frozenset(key for key in counts if key not in set_aside),
                      sum(counts[key] for key in set_aside))


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

