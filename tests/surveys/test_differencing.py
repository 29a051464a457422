"""Differencing across filtered CSV files: a row whose facts are withheld must not be placed in a group
by the filtered files it turns up in."""

from __future__ import annotations

import csv
import io

from engage.extensions import db
from engage.surveys.export import WITHHELD
from engage.surveys.models import QuestionKind
from tests.conftest import make_user
from tests.surveys.factories import add_response, make_school, make_survey, question_of


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
