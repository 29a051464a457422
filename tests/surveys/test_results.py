"""Survey results: counts, charts and text answers, filters, and small groups kept hidden."""

from __future__ import annotations

import re
from itertools import product

import pytest
from flask import current_app

from engage.extensions import db
from engage.permissions import PermissionDenied
from engage.surveys import results
from engage.surveys.models import QuestionKind, SurveyAnswer, SurveyResponse, SurveyStatus
from engage.surveys.results import GroupSizes, ResultFilters
from tests.support.queries import count_queries
from tests.support.xss import PAYLOADS, active_content
from tests.surveys.factories import HIDDEN_VIEW, add_response, make_school, make_survey, question_of


@pytest.fixture
def survey(app):
    return make_survey()


def respond(survey, count: int, answers=None, **profile) -> None:
    """`count` responses with the same answers (a callable gets the response's number)."""
    for i in range(count):
        given = answers(i) if callable(answers) else answers
        add_response(survey, given or {}, commit=False, **profile)
    db.session.commit()


def q(survey, kind):
    return question_of(survey, kind)


def view(users, survey, **filters):
    with current_app.test_request_context():  # labels are translated
        return results.survey_results(users["leader"], survey, **filters)


def result_of(found, survey, kind):
    question = q(survey, kind)
    return next(r for r in found.questions if r.question.id == question.id)


def counts(found, survey, kind) -> dict:
    return {o.key: o.count for o in result_of(found, survey, kind).options}


def shares(found, survey, kind) -> dict:
    return {o.key: o.share for o in result_of(found, survey, kind).options}


def respondents_on_page(html: str) -> int | None:
    match = re.search(r'<span class="stat">([\d,]+)</span>', html)
    return int(match.group(1).replace(",", "")) if match else None


# Counts and percentages --------------------------------------------------------------


def test_counts_and_percentages_are_right_for_every_kind_of_question(users, survey):
    lincoln, roosevelt = make_school("Lincoln"), make_school("Roosevelt")

    def answers(i):
        return {
            q(survey, QuestionKind.SINGLE_CHOICE): "a" if i < 20 else "b",
            q(survey, QuestionKind.MULTIPLE_CHOICE): ["a", "b"] if i < 10 else ["a"],
            q(survey, QuestionKind.LIKERT): "4" if i < 30 else "5",
            q(survey, QuestionKind.RATING): "10" if i % 2 else "6",
            q(survey, QuestionKind.SHORT_TEXT): f"word {i}",
            q(survey, QuestionKind.PROFILE_RELATIONSHIP): "parent",
            q(survey, QuestionKind.PROFILE_SCHOOL): [str(lincoln.id)] + ([str(roosevelt.id)] if i < 12 else []),
            q(survey, QuestionKind.PROFILE_LANGUAGE): "es" if i < 10 else "en",
        }

    respond(survey, 40, answers, relationship="parent")
    found = view(users, survey)

    assert found.respondents == 40 and not found.hidden
    single = result_of(found, survey, QuestionKind.SINGLE_CHOICE)
    assert single.answered == 40
    assert counts(found, survey, QuestionKind.SINGLE_CHOICE) == {"a": 20, "b": 20, "c": 0}
    assert shares(found, survey, QuestionKind.SINGLE_CHOICE) == {"a": 0.5, "b": 0.5, "c": 0}
    # Multiple choice: a share of the people who answered, so they add up to more than 100%.
    assert counts(found, survey, QuestionKind.MULTIPLE_CHOICE) == {"a": 40, "b": 10, "c": 0, "other": 0}
    assert result_of(found, survey, QuestionKind.MULTIPLE_CHOICE).answered == 40
    assert shares(found, survey, QuestionKind.MULTIPLE_CHOICE)["b"] == 0.25
    assert counts(found, survey, QuestionKind.LIKERT) == {"1": 0, "2": 0, "3": 0, "4": 30, "5": 10}
    assert result_of(found, survey, QuestionKind.LIKERT).mean == pytest.approx(4.25)
    rating = counts(found, survey, QuestionKind.RATING)
    assert rating["6"] == 20 and rating["10"] == 20 and sum(rating.values()) == 40 and len(rating) == 11
    assert result_of(found, survey, QuestionKind.RATING).mean == pytest.approx(8.0)
    assert result_of(found, survey, QuestionKind.SHORT_TEXT).answered == 40
    assert result_of(found, survey, QuestionKind.SHORT_TEXT).texts.total == 40
    assert result_of(found, survey, QuestionKind.LONG_TEXT).answered == 0
    assert counts(found, survey, QuestionKind.PROFILE_RELATIONSHIP)["parent"] == 40
    assert counts(found, survey, QuestionKind.PROFILE_SCHOOL) == {str(lincoln.id): 40, str(roosevelt.id): 12}
    assert result_of(found, survey, QuestionKind.PROFILE_SCHOOL).answered == 40
    assert counts(found, survey, QuestionKind.PROFILE_LANGUAGE)["es"] == 10
    assert counts(found, survey, QuestionKind.PROFILE_LANGUAGE)["en"] == 30


def test_the_page_shows_each_count_in_a_chart_and_a_table(client_as, survey):
    respond(survey, 30, lambda i: {q(survey, QuestionKind.SINGLE_CHOICE): "a" if i < 18 else "b",
                                   q(survey, QuestionKind.LIKERT): "4" if i < 15 else "2"})
    html = client_as("leader").get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert respondents_on_page(html) == 30
    assert '<div class="chart chart-bars"' in html
    # The chart is an image whose name gives every answer's count and share: what a screen reader reads.
    assert 'role="img" aria-label="Option A: 18 (60%); Option B: 12 (40%); Option C: 0 (0%)"' in html
    # The same numbers in a table, folded under the chart so the page is not every number twice.
    assert '<details class="results-numbers">' in html
    assert '<th scope="row">Option A</th>' in html and '<td class="number">18</td>' in html
    assert "<caption" in html and 'scope="col"' in html
    # The agreement scale has the same chart as every question: a bar per point, in the scale's order.
    assert "chart-stacked" not in html and html.count('class="chart chart-bars"') == 2
    assert "Average: 3.0" in html
    assert "style=" not in html


def test_text_answers_are_listed_newest_first_and_capped(users, survey, monkeypatch):
    monkeypatch.setattr(results, "TEXT_ANSWER_CAP", 15)
    short = q(survey, QuestionKind.SHORT_TEXT)
    respond(survey, 20, lambda i: {short: f"answer number {i}"})
    texts = result_of(view(users, survey), survey, QuestionKind.SHORT_TEXT).texts
    assert texts.total == 20 and len(texts.texts) == 15
    assert texts.texts[0] == "answer number 19" and texts.texts[-1] == "answer number 5"


def test_the_page_says_how_many_answers_it_shows(client_as, survey, monkeypatch):
    monkeypatch.setattr(results, "TEXT_ANSWER_CAP", 12)
    respond(survey, 20, lambda i: {q(survey, QuestionKind.LONG_TEXT): f"Later buses {i}"})
    html = client_as("leader").get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Showing the newest 12 of 20. Search to find others." in html


def test_the_page_shows_ten_text_answers_and_folds_the_rest_the_printable_page_shows_all(client_as, survey):
    respond(survey, 25, lambda i: {q(survey, QuestionKind.LONG_TEXT): f"Later buses {i}"})
    leader = client_as("leader")
    html = leader.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    shown, folded = html.split('<details class="text-answers-more">')
    assert shown.count("<li>Later buses") == 10 and "Later buses 24" in shown
    assert "Show 15 more answers" in folded and folded.count("<li>Later buses") == 15
    printed = leader.get(f"/surveys/{survey.id}/results/print").get_data(as_text=True)
    assert printed.count("<li>Later buses") == 25 and "text-answers-more" not in printed


def test_search_finds_text_answers_whatever_their_case(users, survey):
    long, multi = q(survey, QuestionKind.LONG_TEXT), q(survey, QuestionKind.MULTIPLE_CHOICE)
    respond(survey, 12, lambda i: {long: "We need LATER BUSES please" if i < 3 else "More tutoring",
                                   multi: [("other", "Bus passes")] if i < 11 else ["a"]})
    found = view(users, survey, search="later bus")
    texts = result_of(found, survey, QuestionKind.LONG_TEXT).texts
    assert texts.total == 3 and texts.texts == ["We need LATER BUSES please"] * 3
    other = view(users, survey, search="bus")
    assert result_of(other, survey, QuestionKind.MULTIPLE_CHOICE).texts.total == 11
    assert result_of(view(users, survey, search="100%"), survey, QuestionKind.LONG_TEXT).texts.total == 0


def test_the_search_is_kept_on_the_page_and_counted(client_as, survey):
    respond(survey, 12, lambda i: {q(survey, QuestionKind.LONG_TEXT): "Buses" if i < 4 else "Lunch"})
    html = client_as("leader").get(f"/surveys/{survey.id}/results?q=bus").get_data(as_text=True)
    assert 'value="bus"' in html and "4 answers contain “bus”." in html
    assert "Lunch" not in html


def test_other_answers_list_what_people_typed(users, survey):
    multi = q(survey, QuestionKind.MULTIPLE_CHOICE)
    respond(survey, 12, lambda i: {multi: ["a", ("other", f"Library {i}")]})
    result = result_of(view(users, survey), survey, QuestionKind.MULTIPLE_CHOICE)
    assert result.texts.total == 12 and "Library 11" in result.texts.texts


# Suppression inside a view (rule 3) ----------------------------------------------------


def test_in_a_group_s_view_small_option_counts_are_hidden_and_take_a_complement_with_them(
        users, survey, client_as):
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    respond(survey, 40, lambda i: {single: "a" if i < 25 else ("b" if i < 37 else "c")}, language="en")
    found = view(users, survey, language="en")
    # c (3 people) is hidden; b (12) too, or 40 - 25 - 12 would give c away.
    assert counts(found, survey, QuestionKind.SINGLE_CHOICE) == {"a": 25, "b": None, "c": None}
    assert shares(found, survey, QuestionKind.SINGLE_CHOICE) == {"a": 25 / 40, "b": None, "c": None}
    html = client_as("leader").get(f"/surveys/{survey.id}/results?language=en").get_data(as_text=True)
    # Never a figure that may be false (b, 12 people, is no "fewer than 10"), and no bar for it.
    assert ": fewer than 10" not in html and ">fewer than 10<" not in html
    chart = html.split('aria-label="Option A: 25', 1)[1].split("</div>\n</div>", 1)[0]
    assert "Option B: <strong>hidden to protect a small group</strong>" in chart
    assert chart.count('class="chart-bar-line"') == 1  # option A's only
    assert '<td class="number">hidden to protect a small group</td>' in html


def test_the_whole_survey_shows_every_option_as_counted_however_few_chose_it(users, survey):
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    respond(survey, 40, lambda i: {single: "a" if i < 25 else ("b" if i < 37 else "c")})
    # No group is picked out: 3 people chose c, and that says nothing about any group.
    assert counts(view(users, survey), survey, QuestionKind.SINGLE_CHOICE) == {"a": 25, "b": 12, "c": 3}


def test_multiple_choice_hides_only_the_small_options(users, survey):
    multi = q(survey, QuestionKind.MULTIPLE_CHOICE)
    respond(survey, 30, lambda i: {multi: ["a", "b"] if i < 4 else ["a"]})
    assert counts(view(users, survey, language="en"), survey, QuestionKind.MULTIPLE_CHOICE) == {
        "a": 30, "b": None, "c": 0, "other": 0}


def test_other_texts_are_not_listed_when_the_other_count_is_hidden(users, survey):
    multi = q(survey, QuestionKind.MULTIPLE_CHOICE)
    respond(survey, 30, lambda i: {multi: [("other", "My own words")] if i < 3 else ["a"]})
    result = result_of(view(users, survey, language="en"), survey, QuestionKind.MULTIPLE_CHOICE)
    assert {o.key: o.count for o in result.options}["other"] is None and result.texts is None


def test_a_question_answered_by_fewer_than_10_shows_no_numbers_or_texts(users, survey, client_as):
    respond(survey, 20, lambda i: {q(survey, QuestionKind.LONG_TEXT): "A secret detail"} if i < 4 else {})
    result = result_of(view(users, survey), survey, QuestionKind.LONG_TEXT)
    assert result.numbers_hidden and result.texts is None
    html = client_as("leader").get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "A secret detail" not in html and "The results of this question are hidden" in html


def test_a_mean_is_hidden_when_part_of_its_distribution_is(users, survey):
    likert = q(survey, QuestionKind.LIKERT)
    respond(survey, 30, lambda i: {likert: "5" if i < 26 else "1"})
    result = result_of(view(users, survey, language="en"), survey, QuestionKind.LIKERT)
    assert result.any_suppressed and result.mean is None
    # The whole survey hides none of it, so its mean is shown.
    assert result_of(view(users, survey), survey, QuestionKind.LIKERT).mean == (26 * 5 + 4 * 1) / 30


def test_counts_that_differ_from_the_wider_view_by_fewer_than_10_are_hidden(users, survey):
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    respond(survey, 40, lambda i: {single: "a" if i < 20 else "b"}, language="en")
    respond(survey, 12, lambda i: {single: "a" if i < 5 else "b"}, language="es")
    assert counts(view(users, survey), survey, QuestionKind.SINGLE_CHOICE) == {"a": 25, "b": 27, "c": 0}
    # English speakers chose a 20 times: 25 - 20 would tell how many of the 12 Spanish speakers did.
    english = view(users, survey, language="en")
    assert english.respondents == 40
    assert counts(english, survey, QuestionKind.SINGLE_CHOICE) == {"a": None, "b": None, "c": 0}


# Whole views (rules 1 and 2) -----------------------------------------------------------


def test_fewer_than_10_respondents_hide_every_result(users, survey, client_as):
    respond(survey, 9, {q(survey, QuestionKind.SHORT_TEXT): "Only me"})
    found = view(users, survey)
    assert found.hidden and found.respondents is None and found.questions == []
    html = client_as("leader").get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Fewer than 10 people have responded" in html and "Only me" not in html and "<svg class=\"chart" not in html


def test_a_filter_group_of_fewer_than_10_shows_only_the_privacy_message(users, survey, client_as):
    respond(survey, 25, {q(survey, QuestionKind.SINGLE_CHOICE): "a"}, relationship="parent")
    respond(survey, 4, {q(survey, QuestionKind.SINGLE_CHOICE): "b"}, relationship="student")
    assert view(users, survey, relationship="student").hidden
    html = client_as("leader").get(f"/surveys/{survey.id}/results?relationship=student").get_data(as_text=True)
    assert HIDDEN_VIEW in html
    assert '<svg class="chart' not in html and "results-table" not in html and respondents_on_page(html) is None


def test_the_differencing_attack_across_two_filters_reveals_no_one(users, survey, client_as):
    x, y = make_school("School X"), make_school("School Y")
    single, asked = q(survey, QuestionKind.SINGLE_CHOICE), q(survey, QuestionKind.PROFILE_RELATIONSHIP)
    respond(survey, 29, {single: "a", asked: "parent"}, relationship="parent", schools=[x])
    respond(survey, 1, {single: "c", asked: "student"}, relationship="student", schools=[x])  # the one to protect
    respond(survey, 40, {single: "a", asked: "parent"}, relationship="parent", schools=[y])
    respond(survey, 20, {single: "b", asked: "student"}, relationship="student", schools=[y])
    client = client_as("leader")

    shown = {}
    for school, relationship in product([None, x.id, y.id], [None, "parent", "student"]):
        args = "&".join(f"{k}={v}" for k, v in (("school", school), ("relationship", relationship)) if v)
        html = client.get(f"/surveys/{survey.id}/results?{args}").get_data(as_text=True)
        if respondents_on_page(html) is not None:
            shown[(school, relationship)] = respondents_on_page(html)
        else:
            assert HIDDEN_VIEW in html

    # Rule 0: the student at X is set aside with the next rarest combination (the 20 students at Y),
    # so filters count the 69 parents only; with no filter everyone counts.
    assert shown[(None, None)] == 90
    assert shown[(x.id, None)] == 29 and shown[(None, "parent")] == 69 and shown[(y.id, None)] == 40
    assert (x.id, "student") not in shown and (None, "student") not in shown
    # No two shown views, one inside the other, differ by 1 to 9 people.
    for (a, b), (c, d) in product(shown, shown):
        if (a in (None, c)) and (b in (None, d)):
            assert not 0 < shown[(a, b)] - shown[(c, d)] < 10, ((a, b), (c, d))
    # Nor do the counts beside the filter choices, or the profile answers, give the student away.
    school_x = view(users, survey, school_id=x.id)
    assert {c.value: c.count for c in school_x.relationship_choices} == {"parent": 29}
    for school, parents in ((x, 29), (y, 40)):
        relationships = counts(view(users, survey, school_id=school.id), survey, QuestionKind.PROFILE_RELATIONSHIP)
        assert relationships == {"parent": parents, "student": 0, "staff": 0, "community": 0}
    assert counts(view(users, survey), survey, QuestionKind.PROFILE_RELATIONSHIP) == {
        "parent": 69, "student": 21, "staff": 0, "community": 0}
    # And no view of a group shows the student's answer; the whole survey says one person chose c,
    # which, with parents' view hiding its c, leaves 21 students who might have.
    for school, relationship in product([None, x.id, y.id], [None, "parent", "student"]):
        found = view(users, survey, school_id=school, relationship=relationship)
        if not found.hidden and (school, relationship) != (None, None):
            assert counts(found, survey, QuestionKind.SINGLE_CHOICE)["c"] is None
    assert counts(view(users, survey), survey, QuestionKind.SINGLE_CHOICE)["c"] == 1


def test_the_differencing_rules_as_a_pure_function():
    # School X: 29 parents, 1 student; school Y: 40 parents, 20 students.
    sizes = GroupSizes(
        overall={("parent", "en"): 69, ("student", "en"): 21},
        with_school={("parent", "en"): 69, ("student", "en"): 21},
        per_school={(1, "parent", "en"): 29, (1, "student", "en"): 1, (2, "parent", "en"): 40,
                    (2, "student", "en"): 20},
    )
    shown = lambda **f: not sizes.is_hidden(ResultFilters(**f))  # noqa: E731
    assert shown() and shown(school_id=1) and shown(relationship="parent") and shown(language="en")
    assert not shown(school_id=1, relationship="parent")  # differs from school X alone by 1
    assert not shown(school_id=2, relationship="parent")  # would give the first away through all parents
    assert not shown(school_id=1, relationship="student")  # 1 person
    assert not shown(school_id=2, relationship="student")  # 20, but 21 students overall
    assert not shown(school_id=3) and not shown(relationship="staff")  # no one there


def test_complementary_suppression_across_filter_values(users, survey, client_as):
    respond(survey, 40, language="en")
    respond(survey, 20, language="es")
    respond(survey, 5, language="vi")
    # Vietnamese (5) is hidden, so Spanish is too: 65 - 40 - 20 would give the 5 away.
    assert view(users, survey, language="vi").hidden and view(users, survey, language="es").hidden
    assert view(users, survey, language="en").respondents == 40
    choices = {c.value: c.count for c in view(users, survey).language_choices}
    # Rule 0 sets the 5 aside with the next rarest 20: no filter offers them.
    assert choices == {"en": 40}
    html = client_as("leader").get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Spanish (" not in html and "English (40)" in html
    assert "filters leave out" not in html  # everyone counts with no filter
    html = client_as("leader").get(f"/surveys/{survey.id}/results?language=en").get_data(as_text=True)
    assert "These filters leave out 25 responses" in html


def test_people_who_did_not_say_count_in_the_breakdown(users, survey):
    respond(survey, 30, relationship="parent")
    respond(survey, 4, relationship=None)
    # Parents differ from everyone by the 4 who did not say.
    assert view(users, survey, relationship="parent").hidden


# Filters -----------------------------------------------------------------------------


def test_filters_pick_the_right_people(users, survey):
    lincoln, roosevelt = make_school("Lincoln"), make_school("Roosevelt")
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    respond(survey, 30, {single: "a"}, relationship="parent", language="en", schools=[lincoln])
    respond(survey, 30, {single: "b"}, relationship="staff", language="es", schools=[roosevelt])
    respond(survey, 30, {single: "c"}, relationship="parent", language="es", schools=[lincoln, roosevelt])
    assert view(users, survey).respondents == 90
    assert view(users, survey, relationship="parent").respondents == 60
    assert view(users, survey, school_id=roosevelt.id).respondents == 60
    both = view(users, survey, relationship="parent", language="es")
    assert both.respondents == 30 and counts(both, survey, QuestionKind.SINGLE_CHOICE) == {"a": 0, "b": 0, "c": 30}
    assert [what for what, _value in both.active_filters] == ["Connection to the district", "Language"]
    three = view(users, survey, relationship="parent", language="es", school_id=roosevelt.id)
    assert three.respondents == 30 and counts(three, survey, QuestionKind.SINGLE_CHOICE)["c"] == 30


@pytest.mark.parametrize("query", ["relationship=wizard", "school=abc", "school=99999999999", "school=-1",
                                   "language=klingon", "relationship=%00", "q=" + "x" * 5000, "school=12345"])
def test_unknown_filter_values_are_ignored_not_errors(client_as, survey, query):
    respond(survey, 12)
    response = client_as("leader").get(f"/surveys/{survey.id}/results?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 200 and not query.startswith("q="):
        html = response.get_data(as_text=True)
        assert "were not recognised" in html and respondents_on_page(html) == 12


def test_an_unknown_survey_is_not_found(client_as):
    assert client_as("leader").get("/surveys/999999/results").status_code == 404
    assert client_as("leader").get("/surveys/999999/export.csv").status_code == 404


def test_a_draft_survey_has_empty_results(client_as):
    draft = make_survey(status=SurveyStatus.DRAFT)
    html = client_as("leader").get(f"/surveys/{draft.id}/results").get_data(as_text=True)
    assert "No responses yet." in html and "Which goal matters most?" in html


# The printable page ------------------------------------------------------------------


def test_the_printable_page_has_every_question_and_no_controls(client_as, survey):
    respond(survey, 20, {q(survey, QuestionKind.SINGLE_CHOICE): "a", q(survey, QuestionKind.SHORT_TEXT): "Fine"},
            relationship="parent")
    html = client_as("leader").get(f"/surveys/{survey.id}/results/print?relationship=parent").get_data(as_text=True)
    for question in survey.questions:
        assert question.prompt.replace("'", "&#39;") in html
    assert "Generated" in html and "Connection to the district: Parent or guardian of a student" in html
    assert 'class="search-form results-filters"' not in html and "Download responses" not in html
    assert "<table" in html and "<svg" in html and "results-numbers" not in html  # printed open


# Access ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/surveys/{id}/results", "/surveys/{id}/results/print", "/surveys/{id}/export.csv"])
@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("participant", 403), ("host", 403),
                                              ("moderator", 403), ("leader", 200), ("admin", 200)])
def test_only_leaders_and_admins_read_results_and_export(client_as, survey, path, role, status):
    respond(survey, 12)
    response = client_as(role).get(path.format(id=survey.id))
    assert response.status_code == status
    if role == "anonymous":
        assert "/login" in response.location


def test_the_service_refuses_people_who_may_not_read_results(users, survey):
    with pytest.raises(PermissionDenied), current_app.test_request_context():
        results.survey_results(users["participant"], survey)
    with pytest.raises(PermissionDenied):
        results.get_survey_for_results(users["moderator"], survey.id)


# Queries, escaping, anonymity -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/surveys/{id}/results", "/surveys/{id}/results?school={school}&relationship=parent",
                                  "/surveys/{id}/results?q=bus", "/surveys/{id}/results/print",
                                  "/surveys/{id}/export.csv"])
def test_results_and_export_run_a_flat_number_of_queries(client_as, survey, path):
    school = make_school()
    client = client_as("leader")

    def answers(i):
        return {q(survey, QuestionKind.SINGLE_CHOICE): "abc"[i % 3],
                q(survey, QuestionKind.MULTIPLE_CHOICE): ["a", "b"],
                q(survey, QuestionKind.LIKERT): str(1 + i % 5), q(survey, QuestionKind.SHORT_TEXT): f"bus {i}",
                q(survey, QuestionKind.PROFILE_SCHOOL): [str(school.id)]}

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(path.format(id=survey.id, school=school.id)).status_code == 200
        return counter.count

    respond(survey, 20, answers, relationship="parent", schools=[school])
    few = queries()
    respond(survey, 180, answers, relationship="parent", schools=[school])
    assert queries() == few


def test_hostile_text_and_option_labels_are_escaped(client_as, survey):
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    single.options = [{"key": "a", "label": PAYLOADS[1]}, {"key": "b", "label": PAYLOADS[0]}]
    single.prompt = PAYLOADS[2]
    db.session.commit()
    respond(survey, 12, lambda i: {single: "a", q(survey, QuestionKind.LONG_TEXT): PAYLOADS[i % len(PAYLOADS)]})
    client = client_as("leader")
    for path in (f"/surveys/{survey.id}/results", f"/surveys/{survey.id}/results/print"):
        html = client.get(path).get_data(as_text=True)
        html = html[html.index("<main"):html.index("</main>")]
        # The only markup that acts is the charts' own <svg> elements.
        assert [found for found in active_content(html) if found != "<svg>"] == []
        assert html.count("<svg") == len(re.findall(r'<svg (class="chart|width="16")', html))
        assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_anonymous_results_show_nothing_of_who_answered(client_as, users):
    survey = make_survey(anonymity="anonymous")
    person = users["participant"]
    add_response(survey, {q(survey, QuestionKind.LONG_TEXT): "I work nights"}, respondent=person)
    respond(survey, 11, {q(survey, QuestionKind.LONG_TEXT): "More buses"})
    answer = db.session.scalars(db.select(SurveyAnswer).where(SurveyAnswer.text == "I work nights")).one()
    assert db.session.get(SurveyResponse, answer.response_id).respondent_id is None
    for path in ("/results", "/results/print"):
        html = client_as("leader").get(f"/surveys/{survey.id}{path}").get_data(as_text=True)
        assert "I work nights" in html and person.email not in html and "Pat" not in html


def test_anonymous_text_answers_are_not_listed_in_the_order_they_came(users):
    survey = make_survey(anonymity="anonymous")
    short = q(survey, QuestionKind.SHORT_TEXT)
    words = ["pear", "apple", "fig", "kiwi", "date", "lime", "plum", "cherry", "grape", "melon", "banana", "mango"]
    respond(survey, len(words), lambda i: {short: words[i]})
    assert result_of(view(users, survey), survey, QuestionKind.SHORT_TEXT).texts.texts == sorted(words)


def test_exact_whole_survey_counts_do_not_pin_a_small_group_s_count_by_subtracting_the_other_groups(users, survey):
    # The attack: whole-survey counts are exact now; subtract every other language group's count of
    # option c from it, and what is left would be the 12 Spanish speakers' 3, were any of those shown.
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    respond(survey, 40, lambda i: {single: "c" if i < 20 else "a"}, language="en")
    respond(survey, 12, lambda i: {single: "c" if i < 3 else "a"}, language="es")
    respond(survey, 30, lambda i: {single: "c" if i < 17 else "b"}, language="fr")

    everyone = counts(view(users, survey), survey, QuestionKind.SINGLE_CHOICE)
    by_language = {language: counts(view(users, survey, language=language), survey, QuestionKind.SINGLE_CHOICE)
                   for language in ("en", "es", "fr")}

    assert everyone["c"] == 40
    assert by_language["es"]["c"] is None
    unknown = [language for language, shown in by_language.items() if shown["c"] is None]
    # At least two groups' counts of c stay hidden, so the whole-survey count only bounds their sum.
    assert len(unknown) >= 2


def test_the_grouped_answers_are_kept_until_an_answer_changes_and_never_read_stale(users, survey):
    single = q(survey, QuestionKind.SINGLE_CHOICE)
    respond(survey, 12, {single: "a"}, relationship="parent")
    for filters in ({}, {"relationship": "parent"}):
        with count_queries() as first:
            assert counts(view(users, survey, **filters), survey, QuestionKind.SINGLE_CHOICE)["a"] == 12
        with count_queries() as again:
            view(users, survey, **filters)
        assert again.count < first.count  # the grouping is read from the cache

    respond(survey, 10, {single: "a"}, relationship="parent")
    for filters in ({}, {"relationship": "parent"}):
        assert counts(view(users, survey, **filters), survey, QuestionKind.SINGLE_CHOICE)["a"] == 22
