"""The CSV export: columns, anonymity, withheld facts, formula cells, filters, refusals and audit."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.csv_export import safe_cell
from engage.extensions import db
from engage.privacy import facts_to_show
from engage.surveys.export import WITHHELD
from engage.surveys.models import QuestionKind, SurveyAnonymity, SurveyResponse
from tests.support.people import make_user
from tests.support.web import as_a_server_would
from tests.surveys.factories import add_response, make_school, make_survey, question_of

ACCOUNT_COLUMNS = ["Account number", "Name", "Email"]


def respond(survey, count: int, answers=None, **profile) -> None:
    for i in range(count):
        add_response(survey, (answers(i) if callable(answers) else answers) or {}, commit=False, **profile)
    db.session.commit()


def q(survey, kind):
    return question_of(survey, kind)


def download(client, survey, query: str = ""):
    return client.get(f"/surveys/{survey.id}/export.csv{'?' + query if query else ''}")


def rows_of(response) -> list[dict]:
    assert response.mimetype == "text/csv", response.get_data(as_text=True)[:500]
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def header_of(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_an_identified_survey_exports_who_answered_and_every_answer(client_as, users):
    survey = make_survey()
    school = make_school("Lincoln Elementary")
    person = make_user(email="maria@example.org", name="María")
    single, multi = q(survey, QuestionKind.SINGLE_CHOICE), q(survey, QuestionKind.MULTIPLE_CHOICE)
    add_response(survey, {single: "b", multi: ["c", ("other", "Bus passes"), "a"],
                          q(survey, QuestionKind.LIKERT): "4", q(survey, QuestionKind.RATING): "9",
                          q(survey, QuestionKind.LONG_TEXT): "Más autobuses, por favor",
                          q(survey, QuestionKind.PROFILE_RELATIONSHIP): "parent",
                          q(survey, QuestionKind.PROFILE_SCHOOL): [str(school.id)],
                          q(survey, QuestionKind.PROFILE_LANGUAGE): "es"},
                 respondent=person, relationship="parent", language="es", schools=[school])
    respond(survey, 11, {single: "a", q(survey, QuestionKind.PROFILE_RELATIONSHIP): "parent",
                         q(survey, QuestionKind.PROFILE_SCHOOL): [str(school.id)],
                         q(survey, QuestionKind.PROFILE_LANGUAGE): "es"},
            relationship="parent", language="es", schools=[school])
    response = download(client_as("leader"), survey)

    header = header_of(response)
    assert header[:8] == ["Response", "Submitted", *ACCOUNT_COLUMNS, "Relationship to the district", "Language",
                          "Schools"]
    assert header[8:] == [question.prompt for question in survey.questions if question.kind != QuestionKind.SECTION]
    rows = rows_of(response)
    assert [row["Response"] for row in rows] == [str(n) for n in range(1, 13)]
    first = rows[0]
    assert first["Account number"] == str(person.id) and first["Name"] == "María"
    assert first["Email"] == "maria@example.org"
    assert len(first["Submitted"]) == len("2025-01-31 17:05")
    assert first["Relationship to the district"] == "Parent or guardian of a student"
    assert first["Language"] == "Spanish" and first["Schools"] == "Lincoln Elementary"
    assert first[single.prompt] == "Option B"
    assert first[multi.prompt] == "Option A; Option C; Other: Bus passes"
    assert first[q(survey, QuestionKind.LIKERT).prompt] == "Agree"
    assert first[q(survey, QuestionKind.RATING).prompt] == "9"
    assert first[q(survey, QuestionKind.LONG_TEXT).prompt] == "Más autobuses, por favor"
    assert first[q(survey, QuestionKind.SHORT_TEXT).prompt] == ""
    # Visitors who were not signed in have blank account columns.
    assert rows[1]["Account number"] == rows[1]["Name"] == rows[1]["Email"] == ""


def test_an_anonymous_survey_exports_no_account_and_no_database_ids(client_as, users):
    other = make_survey("Another survey")
    respond(other, 30)  # so this survey's response ids are not 1, 2, 3...
    survey = make_survey(anonymity=SurveyAnonymity.ANONYMOUS)
    person = make_user(email="unique-person@example.org", name="Zebulon Quartz")
    add_response(survey, {q(survey, QuestionKind.SHORT_TEXT): "hello"}, respondent=person)
    respond(survey, 11, {q(survey, QuestionKind.SHORT_TEXT): "hi"})
    response = download(client_as("leader"), survey)

    header = header_of(response)
    assert not set(ACCOUNT_COLUMNS) & set(header)
    text = response.data.decode("utf-8-sig")
    assert "unique-person@example.org" not in text and "Zebulon" not in text
    rows = rows_of(response)
    database_ids = {str(rid) for rid in db.session.scalars(
        select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id))}
    numbers = {row["Response"] for row in rows}
    assert numbers == {str(n) for n in range(1, 13)} and not numbers & database_ids
    # The day only, never the time.
    assert all(len(row["Submitted"]) == len("2025-01-31") for row in rows)


def test_rare_combinations_of_facts_about_people_are_withheld(client_as, users):
    survey = make_survey()
    school = make_school()
    relationship_q = q(survey, QuestionKind.PROFILE_RELATIONSHIP)
    respond(survey, 30, {relationship_q: "parent"}, relationship="parent", language="en", schools=[school])
    respond(survey, 8, {relationship_q: "staff"}, relationship="staff", language="en", schools=[school])
    respond(survey, 3, {relationship_q: "student", q(survey, QuestionKind.SHORT_TEXT): "I'm in 5th grade"},
            relationship="student", language="en", schools=[school])
    rows = rows_of(download(client_as("leader"), survey))
    parents = [row for row in rows if row["Relationship to the district"] == "Parent or guardian of a student"]
    withheld = [row for row in rows if row["Relationship to the district"] == WITHHELD]
    # The 8 staff and 3 students: each combination is rare, but together they are 11 at the same school
    # with the same language, so those two facts are shown and their relationships withheld.
    assert len(parents) == 30 and len(withheld) == 11
    for row in withheld:
        assert row[relationship_q.prompt] == WITHHELD
        assert (row["Language"], row["Schools"]) == ("English", school.name)
    assert sum(row[q(survey, QuestionKind.SHORT_TEXT).prompt] == "I'm in 5th grade" for row in withheld) == 3
    assert all(row["Schools"] == school.name for row in parents)


def test_a_response_no_group_of_10_shares_any_fact_with_shows_none(client_as, users):
    survey = make_survey()
    lincoln, roosevelt = make_school("Lincoln"), make_school("Roosevelt")
    respond(survey, 30, relationship="parent", language="en", schools=[lincoln])
    respond(survey, 12, relationship="staff", language="es", schools=[roosevelt])
    respond(survey, 1, relationship="student", language="vi", schools=[])
    rows = rows_of(download(client_as("leader"), survey))
    withheld = [row for row in rows if row["Language"] == WITHHELD]
    # The one student shares nothing with 9 others; the smallest group (12) is withheld with them.
    assert len(withheld) == 13
    assert all(row["Relationship to the district"] == row["Schools"] == WITHHELD for row in withheld)


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_cells_a_spreadsheet_would_run_start_with_a_quote(client_as, users, typed):
    survey = make_survey()
    short = q(survey, QuestionKind.SHORT_TEXT)
    short.prompt = "=1+2"
    db.session.commit()
    respond(survey, 10, {short: typed})
    response = download(client_as("leader"), survey)
    assert header_of(response)[survey.questions.index(short) + 8 - 1] == "'=1+2"
    assert all(row["'=1+2"] == "'" + typed for row in rows_of(response))
    assert safe_cell("fine") == "fine" and safe_cell(None) == "" and safe_cell(7) == "7"


def test_the_file_is_utf8_with_a_byte_order_mark_and_a_download_name(client_as, users):
    survey = make_survey()
    respond(survey, 10, {q(survey, QuestionKind.LONG_TEXT): "¿Qué más? Niños y niñas"})
    response = download(client_as("leader"), survey)
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="survey-{survey.id}-responses.csv"'
    assert "¿Qué más? Niños y niñas" in response.data.decode("utf-8-sig")


def test_the_filters_of_the_results_page_are_honoured(client_as, users):
    survey = make_survey()
    lincoln, roosevelt = make_school("Lincoln"), make_school("Roosevelt")
    respond(survey, 20, relationship="parent", language="en", schools=[lincoln])
    respond(survey, 15, relationship="staff", language="es", schools=[roosevelt])
    respond(survey, 12, relationship="parent", language="es", schools=[roosevelt])
    client = client_as("leader")
    assert len(rows_of(download(client, survey))) == 47
    assert len(rows_of(download(client, survey, "relationship=parent"))) == 32
    assert len(rows_of(download(client, survey, f"school={roosevelt.id}"))) == 27
    both = rows_of(download(client, survey, f"school={roosevelt.id}&language=es&relationship=parent"))
    assert len(both) == 12 and {row["Schools"] for row in both} == {"Roosevelt"}


def test_too_small_a_group_gets_an_explanation_not_a_file(client_as, users):
    survey = make_survey()
    respond(survey, 9)
    client = client_as("leader")
    response = download(client, survey)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "This download is not available" in response.get_data(as_text=True)
    respond(survey, 25, relationship="parent")
    response = download(client, survey, "relationship=parent")  # differs from everyone by 9
    assert response.mimetype == "text/html" and "Fewer than 10 people match these filters" in response.get_data(
        as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.exported")) is None


def test_each_export_leaves_an_audit_row_with_its_filters(client_as, users):
    survey = make_survey()
    respond(survey, 20, relationship="parent", language="en")
    respond(survey, 20, relationship="staff", language="en")
    download(client_as("leader"), survey, "relationship=parent&language=en")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.exported")).one()
    assert event.actor_id == users["leader"].id and event.target_type == "survey" and event.target_id == survey.id
    assert event.details == {"rows": 20, "anonymous": False, "relationship": "parent", "language": "en"}
    page = client_as("admin").get("/admin/audit").get_data(as_text=True)
    assert "Downloaded a survey" in page and "Filter: connection to the district: parent" in page


def test_a_survey_without_responses_exports_just_the_headings(client_as, users):
    survey = make_survey()
    response = download(client_as("leader"), survey)
    assert response.mimetype == "text/csv" and rows_of(response) == []


def test_withheld_rows_are_never_fewer_than_10():
    # One rare row alone would be found by counting parents here and on the results page.
    rare = ("Student", "English", "Lincoln")
    common, next_rarest = ("Parent", "English", "Lincoln"), ("Parent", "Spanish", "Lincoln")
    other = ("Staff", "Vietnamese", "Roosevelt")

    def withheld(rows_by_mix):
        return {mix for mix, shown in facts_to_show(rows_by_mix, [(0, 1, 2)]).items() if not shown}

    assert withheld(Counter({common: 40, next_rarest: 12, rare: 3})) == {rare, next_rarest}
    assert withheld(Counter({common: 40, next_rarest: 12})) == set()
    assert withheld(Counter({common: 40, rare: 4, other: 7})) == {rare, other}


def test_the_file_is_sent_as_it_is_made_reading_answers_a_part_at_a_time(client_as, users, monkeypatch):
    from engage import csv_export
    from engage.surveys import export
    from tests.support.queries import count_queries

    survey = make_survey()
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    respond(survey, 12, lambda i: {single: "ab"[i % 2]})
    leader = client_as("leader")
    path = f"/surveys/{survey.id}/export.csv"
    whole = rows_of(as_a_server_would(lambda: leader.get(path)))

    monkeypatch.setattr(export, "ANSWERS_READ_PER_QUERY", 5)
    monkeypatch.setattr(csv_export, "ROWS_PER_PIECE", 5)
    with count_queries() as counted:
        response = leader.get(path, buffered=False)
        assert response.is_streamed
        pieces = iter(response.response)
        first = next(pieces)
        before_the_rest = counted.count
        rest = b"".join(pieces)
    assert first.decode("utf-8-sig").startswith("Response,")  # the header leaves first
    assert counted.count == before_the_rest + 3  # the answers of responses 1-5, 6-10, 11-12, read as they are sent
    streamed = list(csv.DictReader(io.StringIO((first + rest).decode("utf-8-sig"))))
    assert streamed == whole and [row[single.prompt] for row in streamed[:2]] == ["Option A", "Option B"]
