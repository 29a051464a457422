"""Differencing across filtered CSV files: a row whose facts are withheld must not be placed in a group
by the filtered files it turns up in."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from itertools import product
from urllib.parse import urlencode

import pytest

from engage.extensions import db
from engage.surveys.export import WITHHELD
from engage.surveys.models import QuestionKind
from tests.support.people import make_user
from tests.surveys.factories import HIDDEN_VIEW, add_response, make_school, make_survey, question_of


def rows_of(response) -> list[dict]:
    assert response.mimetype == "text/csv", response.get_data(as_text=True)[:500]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_a_row_whose_facts_are_withheld_is_in_no_filtered_file(client_as, users):
    survey = make_survey()
    lincoln, roosevelt = make_school("Lincoln"), make_school("Roosevelt")
    text = question_of(survey, QuestionKind.SHORT_TEXT)
    for _ in range(30):
        add_response(survey, {text: "More buses"}, relationship="parent", language="en", schools=[lincoln],
                     commit=False)
    for _ in range(20):
        add_response(survey, {text: "Interpreters"}, relationship="staff", language="vi", schools=[roosevelt],
                     commit=False)
    for _ in range(10):
        add_response(survey, {text: "Más autobuses"}, relationship="parent", language="es", schools=[lincoln],
                     commit=False)
    # The only Vietnamese-speaking parent at Lincoln: a group of one.
    add_response(survey, {text: "Only I would write this"}, respondent=make_user(email="an@example.org", name="An"),
                 relationship="parent", language="vi", schools=[lincoln], commit=False)
    db.session.commit()
    client = client_as("leader")

    everyone = rows_of(client.get(f"/surveys/{survey.id}/export.csv"))
    an = next(row for row in everyone if row["Name"] == "An")
    assert an["Relationship to the district"] == an["Language"] == an["Schools"] == WITHHELD

    for query in ("language=vi", "relationship=parent", f"school={lincoln.id}"):
        filtered = rows_of(client.get(f"/surveys/{survey.id}/export.csv?{query}"))
        assert filtered, query  # the group is large enough to export
        assert all(row["Name"] != "An" and row[text.prompt] != "Only I would write this" for row in filtered), query
        assert all(row["Language"] != WITHHELD for row in filtered), query


# The disclosure rule (engage/surveys/disclosure.py) against an outsider with a leader's account -----------


def _texts_on(html: str) -> set[str]:
    return set(re.findall(r"<li>(note-\d+-x)</li>", html))


def _search_count(html: str) -> int:
    match = re.search(r"(\d+) answers? contains? “", html)
    return int(match.group(1)) if match else 0


@pytest.fixture
def lincoln_park_survey():
    """As on the demo: three community members at Lincoln Park, a combination the results page hides,
    among bigger groups; every response writes a text no other response writes."""
    survey = make_survey()
    lincoln, roosevelt = make_school("Lincoln Park"), make_school("Roosevelt")
    text = question_of(survey, QuestionKind.SHORT_TEXT)
    groups = [("parent", "en", [lincoln], 30), ("parent", "es", [lincoln], 12), ("community", "en", [roosevelt], 25),
              ("parent", "en", [roosevelt], 20), ("staff", "en", [lincoln], 11),
              ("community", "en", [lincoln], 3)]  # the hidden group
    facts, number = {}, 0
    for relationship, language, schools, count in groups:
        for _ in range(count):
            number += 1
            note = f"note-{number:03d}-x"
            add_response(survey, {text: note}, relationship=relationship, language=language, schools=schools,
                         commit=False)
            facts[note] = (relationship, language, schools[0].id)
    db.session.commit()
    return survey, text, facts, {"relationship": ["parent", "community", "staff"],
                                 "school": [lincoln.id, roosevelt.id], "language": ["en", "es"]}


def _views(values: dict) -> list[dict]:
    return [{name: value for name, value in zip(values, combination) if value is not None}
            for combination in product(*([None, *options] for options in values.values()))]


def test_no_views_searches_or_files_narrow_an_answer_to_fewer_than_10_people(client_as, lincoln_park_survey):
    survey, text, facts, values = lincoln_park_survey
    client = client_as("leader")
    # What the attacker sees: for each view, the page's and the file's answers (None: hidden or refused).
    seen: dict[str, set[str] | None] = {}
    for view in _views(values):
        query = urlencode(view)
        html = client.get(f"/surveys/{survey.id}/results?{query}").get_data(as_text=True)
        seen[f"page?{query}"] = None if HIDDEN_VIEW in html else _texts_on(html)
        export = client.get(f"/surveys/{survey.id}/export.csv?{query}")
        seen[f"csv?{query}"] = ({row[text.prompt] for row in rows_of(export)} if export.mimetype == "text/csv"
                                else None)
        # A search finds an answer under a view exactly when the page lists it there: it adds nothing.
        if seen[f"page?{query}"] is not None:
            for note in ("note-001-x", "note-088-x", "note-099-x", "note-101-x"):
                html = client.get(f"/surveys/{survey.id}/results?{urlencode({**view, 'q': note})}").get_data(
                    as_text=True)
                assert bool(_search_count(html)) == (note in seen[f"page?{query}"]), (note, view)
    everyone = rows_of(client.get(f"/surveys/{survey.id}/export.csv"))
    facts_in_file = {row[text.prompt]: (row["Relationship to the district"], row["Language"], row["Schools"])
                     for row in everyone}
    assert set(facts_in_file) == set(facts)  # every answer is in the whole file

    # Answers the attacker can't tell apart: seen in the same views and files, with the same facts in the file.
    def signature(note):
        return (facts_in_file[note], tuple(found is not None and note in found for found in seen.values()))

    alike = Counter(signature(note) for note in facts)
    for note, fact in facts.items():
        assert alike[signature(note)] >= 10, (note, fact, alike[signature(note)])


def test_the_hidden_group_s_answers_are_not_the_intersection_of_two_filters(client_as, lincoln_park_survey):
    survey, _text, facts, values = lincoln_park_survey
    client = client_as("leader")
    lincoln = values["school"][0]
    at_lincoln = _texts_on(client.get(f"/surveys/{survey.id}/results?school={lincoln}").get_data(as_text=True))
    community = _texts_on(client.get(f"/surveys/{survey.id}/results?relationship=community").get_data(as_text=True))
    hidden_group = {note for note, fact in facts.items() if fact == ("community", "en", lincoln)}
    assert at_lincoln and community
    assert not (at_lincoln & community) & hidden_group
    everyone = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert hidden_group <= _texts_on(everyone)  # nothing is lost with no filter
    html = client.get(f"/surveys/{survey.id}/results?school={lincoln}").get_data(as_text=True)
    assert "These filters leave out 14 responses" in html  # the 3, with the next smallest group (11)


def test_a_search_under_a_filter_does_not_count_an_answer_whose_facts_the_file_withholds(
        client_as, lincoln_park_survey):
    survey, text, facts, values = lincoln_park_survey
    client = client_as("leader")
    withheld = [row[text.prompt] for row in rows_of(client.get(f"/surveys/{survey.id}/export.csv"))
                if row["Language"] == WITHHELD]
    assert len(withheld) == 14
    for note in withheld:
        for name, options in values.items():
            for value in options:
                html = client.get(f"/surveys/{survey.id}/results?{urlencode({name: value, 'q': note})}").get_data(
                    as_text=True)
                assert _search_count(html) == 0 and note not in _texts_on(html), (note, name, value)
