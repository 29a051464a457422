"""Review: ways around the privacy rules of "who we are hearing from", and fuzzed input to its pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engage.leadership.participation import ALL, COMMENTS, SCHOOL, SURVEYS, hearing_from
from engage.models import utcnow
from tests.leadership.factories import (
    add_commenters,
    add_responses,
    commented_plan,
    make_school,
    plan_survey,
    set_figures,
)

YEAR = "2026-27"


def row(report, dimension, name):
    return next(r for r in report.breakdown(dimension).rows if r.key == name or r.label == name)


def test_a_small_enrollment_figure_cannot_be_worked_out_from_the_other_schools_shares(users):
    big, small = make_school("Big"), make_school("Small")
    add_commenters(12, commented_plan(), schools=[big])
    set_figures(YEAR, {big: 100, small: 5})
    big_row = row(hearing_from(users["leader"]), SCHOOL, "Big")
    # 100 / (100 + 5) would give the hidden 5 away.
    assert big_row.enrollment_share == pytest.approx(100.0)


def test_a_hidden_month_cannot_be_worked_out_from_the_channels_total(users):
    survey = plan_survey(commented_plan())
    add_responses(50, survey, at=utcnow() - timedelta(days=70))
    add_responses(48, survey, at=utcnow() - timedelta(days=35))
    add_responses(5, survey)
    report = hearing_from(users["leader"])
    assert report.totals[SURVEYS] == 103
    shown = [m.counts[SURVEYS] for m in report.months]
    assert shown.count(None) >= 2  # 103 - 50 - 48 would give the 5 away


def test_a_row_close_to_the_total_is_hidden(users):
    # Everyone named Birch, 25 of 30 also Ash: Ash 25 beside the total 30 gives away the 5 who did not name Ash.
    ash, birch = make_school("Ash"), make_school("Birch")
    plan = commented_plan()
    add_commenters(25, plan, schools=[ash, birch])
    add_commenters(5, plan, schools=[birch])
    report = hearing_from(users["leader"])
    assert report.totals[ALL] == 30
    assert row(report, SCHOOL, "Ash").counts[ALL] is None
    assert row(report, SCHOOL, "Ash").counts[COMMENTS] is None


def test_a_plans_channel_close_to_everyone_heard_from_is_hidden(users):
    # Plan A: 20 commenters. Everyone: those 20 and 5 anonymous survey responses elsewhere.
    plan = commented_plan()
    add_commenters(20, plan)
    add_responses(5, plan_survey(None))
    everyone = hearing_from(users["leader"])
    assert everyone.totals[ALL] == 25
    filtered = hearing_from(users["leader"], plan_id=plan.id)
    assert filtered.totals[COMMENTS] is None  # 25 - 20 would give the 5 away


def test_a_hidden_channel_total_is_not_pinned_by_the_all_channel_total(users):
    # Plan: 20 commenters. Everyone: 5 more commenters on another plan, 15 anonymous survey responses. The plan's
    # comments (20 of 25) are hidden; surveys, sign-ups and attendance show 0, so a shown all-channel 20 would
    # give the comments away, and 25 - 20 the 5 who commented elsewhere.
    plan, other = commented_plan(), commented_plan("Other")
    add_commenters(20, plan)
    add_commenters(5, other)
    add_responses(15, plan_survey(None))
    totals = hearing_from(users["leader"], plan_id=plan.id).totals
    assert totals[COMMENTS] is None
    assert totals[ALL] is None

# Fuzzed filters, forms and files: never a server error --------------------------------------------


@pytest.fixture
def admin(client_as):
    return client_as("admin")


@pytest.mark.parametrize("query", [
    "?plan=abc", "?plan=-1", "?plan=%EF%BC%91", "?plan=99999999999999999999", "?plan=1&plan=2",
    "?year=2026-2027", "?year=%EF%BC%99%EF%BC%99%EF%BC%99%EF%BC%99-00", "?year=9999-00", "?year=" + "9" * 5000,
    "?year=2026-27&year=2025-26", "?plan=%F0%9F%92%A9&year=%F0%9F%92%A9",
])
def test_fuzzed_filters_are_ignored_on_the_page_and_the_csv(client_as, query):
    leader = client_as("leader")
    assert leader.get(f"/leadership/participation{query}").status_code == 200
    assert leader.get(f"/leadership/participation.csv{query}").status_code == 200


@pytest.mark.parametrize("query", ["?year=2026-2027", "?year=%EF%BC%99%EF%BC%99%EF%BC%99%EF%BC%99-00",
                                   "?year=9999-00", "?year=" + "9" * 5000, "?year=2026-27&year=x"])
def test_fuzzed_school_years_on_the_enrollment_pages(admin, query):
    assert admin.get(f"/leadership/enrollment{query}").status_code == 200
    assert admin.get(f"/leadership/enrollment/template.csv{query}").status_code == 200


def test_a_nul_in_a_filter_is_a_bad_request_not_a_server_error(admin):
    for path in ("/leadership/participation?plan=%00", "/leadership/participation.csv?year=%00",
                 "/leadership/enrollment?year=%00"):
        assert admin.get(path).status_code == 400


ENROLLMENT_PAGE = f"/leadership/enrollment?year={YEAR}"


@pytest.fixture
def ash(app):
    return make_school("Ash Elementary")


def enrollment_figures():
    from engage.leadership import enrollment
    return enrollment.enrollment_for_year(YEAR)


@pytest.mark.parametrize("value", ["１２", "1e3", "0x10", "12.0", "9" * 5000, "-0", "+5", "\u00a0", "nan", "inf",
                                   "1" * 30])
def test_fuzzed_enrollment_numbers_never_a_server_error(admin, ash, value):
    from tests.support.web import post_form
    response = post_form(admin, ENROLLMENT_PAGE, {f"school_{ash.id}": value}, form_page=ENROLLMENT_PAGE)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert f'id="school_{ash.id}-error"' in response.get_data(as_text=True)
    for students in enrollment_figures().values():
        assert 0 <= students <= 1_000_000


def test_duplicated_and_file_fields_in_the_enrollment_form(admin, ash):
    import io

    from tests.support.web import csrf_token
    token = csrf_token(admin, ENROLLMENT_PAGE)
    response = admin.post(ENROLLMENT_PAGE, data={"csrf_token": token, f"school_{ash.id}": ["12", "13"]})
    assert response.status_code == 302 and enrollment_figures() == {(ash.id, "total", ""): 12}
    response = admin.post(ENROLLMENT_PAGE, data={"csrf_token": token, "language_es": (io.BytesIO(b"5"), "x.csv")},
                          content_type="multipart/form-data")
    assert response.status_code in (200, 302)


def upload(client, data: bytes, *, year: str = YEAR, filename: str = "e.csv"):
    import io

    from tests.support.web import csrf_token
    return client.post("/leadership/enrollment/import", data={
        "csrf_token": csrf_token(client, ENROLLMENT_PAGE), "school_year": year,
        "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


@pytest.mark.parametrize("content", [
    "school,group,students\nAsh Elementary,,12\n".encode("utf-16"),
    "school,group,students\nÉcole,,12\n".encode("latin-1"),
    b"school\tgroup\tstudents\nAsh Elementary\t\t12\n",
    b"school|group|students\n",
    b"\xef\xbb\xbf\xef\xbb\xbfschool,group,students\nAsh Elementary,,12\n",
    b"school,group,students\n" + b"x" * 200_000 + b",,1\n",
    b"school,group,students\n\"Ash Elementary,,12\n",
    b"school,group,students\nAsh Elementary,,12\x00\n",
    b"school,school,group,students\nAsh Elementary,Ash Elementary,,12\n",
    b"\n\n\n   \n,,\n",
    b"school,group,students\r\n\r\n\r\nAsh Elementary,,\xd9\xa3\r\n",
    b"school,group,students\n=cmd|' /C calc'!A0,,12\n",
    b"school,group,students\n<script>alert(1)</script>,,12\n",
    b"school,group,students\nAsh Elementary\n",
    b"school,group,students\nAsh Elementary,,12,13,14\n",
    b"school,group,students\nAsh Elementary,," + b"9" * 5000 + b"\n",
])
def test_fuzzed_enrollment_files_never_a_server_error(admin, ash, content):
    response = upload(admin, content)
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("year", ["2026-2027", "９９９９-00", "9999-00", "", "2026-27\x01"])
def test_fuzzed_import_years_are_refused_beside_the_field(admin, ash, year):
    response = upload(admin, b"school,group,students\nAsh Elementary,,12\n", year=year)
    assert response.status_code == 200 and enrollment_figures() == {}


@pytest.mark.parametrize(("students", "message"), [("9" * 5000, "cannot be more than 1,000,000"),
                                                   ("-" + "9" * 5000, "cannot be negative"),
                                                   ("0" * 5000 + "12", None)])
def test_a_number_of_thousands_of_digits_in_the_file_is_a_line_problem(admin, ash, students, message):
    import html
    response = upload(admin, f"school,group,students\nAsh Elementary,,{students}\n".encode())
    if message is None:
        assert response.status_code == 302 and enrollment_figures() == {(ash.id, "total", ""): 12}
    else:
        assert response.status_code == 200 and enrollment_figures() == {}
        assert f"Line 2: The number of students {message}" in html.unescape(response.get_data(as_text=True))


# Escaping --------------------------------------------------------------------------------------------

SCRIPT_SCHOOL = "<script>alert(1)</script>"


def test_school_names_are_escaped_on_every_page_and_guarded_in_every_csv(admin, users):
    import csv
    import io as io_lib

    school = make_school(SCRIPT_SCHOOL)
    formula = make_school("=1+2")
    add_commenters(12, commented_plan(), schools=[school, formula])
    set_figures(YEAR, {school: 100, formula: 50})
    for path in ("/leadership/participation", f"/leadership/enrollment?year={YEAR}"):
        html = admin.get(path).get_data(as_text=True)
        assert SCRIPT_SCHOOL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    for path in ("/leadership/participation.csv", f"/leadership/enrollment/template.csv?year={YEAR}"):
        text = admin.get(path).get_data(as_text=True).lstrip("\ufeff")
        cells = [cell for line in csv.reader(io_lib.StringIO(text)) for cell in line]
        assert "'=1+2" in cells and "=1+2" not in cells, path


# Double submits --------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["form", "file"])
def test_the_same_figures_sent_twice_at_once_are_saved_once(admin, ash, monkeypatch, how):
    # The second request read the year's figures before the first one saved them: its insert then hits the
    # unique index, and it updates the figure the first one saved instead of failing.
    from engage.leadership import enrollment
    from tests.support.web import post_form

    set_figures(YEAR, {ash: 12})
    real = enrollment._existing_figures
    calls = []

    def stale_once(school_year):
        calls.append(school_year)
        return {} if len(calls) == 1 else real(school_year)

    monkeypatch.setattr(enrollment, "_existing_figures", stale_once)
    if how == "form":
        response = post_form(admin, ENROLLMENT_PAGE, {f"school_{ash.id}": "13"}, form_page=ENROLLMENT_PAGE)
    else:
        response = upload(admin, b"school,group,students\nAsh Elementary,,13\n")
    assert response.status_code == 302 and len(calls) == 2
    assert enrollment_figures() == {(ash.id, "total", ""): 13}


@pytest.mark.parametrize("value", ["１２", "+5", "1_000", "٣"])
def test_only_ascii_digits_make_an_enrollment_figure(admin, ash, value):
    from tests.support.web import post_form
    response = post_form(admin, ENROLLMENT_PAGE, {f"school_{ash.id}": value}, form_page=ENROLLMENT_PAGE)
    assert response.status_code == 200
    assert f'id="school_{ash.id}-error"' in response.get_data(as_text=True)
    assert enrollment_figures() == {}
