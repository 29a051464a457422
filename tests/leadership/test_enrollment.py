"""Admins enter or import the district's enrollment figures."""

from __future__ import annotations

import html as html_lib
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.leadership import enrollment
from engage.leadership.models import EnrollmentDimension, EnrollmentFigure
from engage.permissions import PermissionDenied
from tests.leadership.factories import make_school, set_figures
from tests.support.web import csrf_token, post_form

YEAR = "2026-27"
PAGE = f"/leadership/enrollment?year={YEAR}"


def figures() -> dict:
    return enrollment.enrollment_for_year(YEAR)


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def upload(client, content: bytes | str, *, year: str = YEAR, filename: str = "enrollment.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post("/leadership/enrollment/import", data={
        "csrf_token": csrf_token(client, PAGE), "school_year": year,
        "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


@pytest.fixture
def admin(client_as):
    return client_as("admin")


@pytest.fixture
def schools(app):
    return {"ash": make_school("Ash Elementary"), "birch": make_school("Birch  Middle School")}


# School years ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "valid"), [("2026-27", True), ("1999-00", False), ("2099-00", True),
                                             ("2026-28", False), ("2026-2027", False), ("26-27", False),
                                             ("", False), (None, False), ("２０２６-27", False)])
def test_school_year_format(text, valid):
    assert enrollment.is_school_year(text) is valid


def test_july_starts_a_school_year():
    assert enrollment.school_year_of(date(2026, 6, 30)) == "2025-26"
    assert enrollment.school_year_of(date(2026, 7, 1)) == "2026-27"


# The form -------------------------------------------------------------------------------------------


def test_form_saves_updates_and_blank_deletes(admin, users, schools):
    ash, birch = schools["ash"], schools["birch"]
    response = post_form(admin, PAGE, {f"school_{ash.id}": "420", f"school_{birch.id}": " 515 ",
                                       "language_es": "180", "race_ethnicity_two_or_more": "33"}, form_page=PAGE)
    assert response.status_code == 302
    assert figures() == {(ash.id, "total", ""): 420, (birch.id, "total", ""): 515, (None, "language", "es"): 180,
                         (None, "race_ethnicity", "two_or_more"): 33}
    assert "4 figures changed" in text_of(admin.get(PAGE))
    post_form(admin, PAGE, {f"school_{ash.id}": "430", f"school_{birch.id}": "515", "language_es": "180"},
              form_page=PAGE)
    assert figures() == {(ash.id, "total", ""): 430, (birch.id, "total", ""): 515, (None, "language", "es"): 180}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "enrollment.saved")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 2 and events[-1].details == {"school_year": YEAR, "saved": 1, "deleted": 1}
    assert events[-1].actor_id == users["admin"].id


def test_form_shows_the_years_figures(admin, schools):
    set_figures(YEAR, {schools["ash"]: 321, ("language", "so"): 45})
    text = text_of(admin.get(PAGE))
    assert f'name="school_{schools["ash"].id}" type="text" value="321"' in text or 'value="321"' in text
    assert 'value="45"' in text
    assert "Students in the district by home language" in text


@pytest.mark.parametrize(("value", "message"), [("-3", "from 0 to 1,000,000"), ("many", "whole number"),
                                                 ("1000001", "from 0 to 1,000,000"), ("12.5", "whole number"),
                                                 ("9" * 400, "from 0 to 1,000,000")])
def test_form_errors_are_shown_beside_the_field_and_nothing_is_lost(admin, schools, value, message):
    ash, birch = schools["ash"], schools["birch"]
    response = post_form(admin, PAGE, {f"school_{ash.id}": value, f"school_{birch.id}": "515"}, form_page=PAGE)
    assert response.status_code == 200
    text = text_of(response)
    assert f'id="school_{ash.id}-error"' in text and message in text.split(f'id="school_{ash.id}-error"', 1)[1][:200]
    assert 'value="515"' in text
    assert figures() == {}


def test_bad_year_in_the_address_is_reported_and_the_current_year_used(admin, schools):
    text = text_of(admin.get("/leadership/enrollment?year=2026-28"))
    assert 'id="year-error"' in text and "Please give the school year like" in text
    response = post_form(admin, "/leadership/enrollment?year=2026-28", {f"school_{schools['ash'].id}": "10"},
                         form_page=PAGE)
    assert response.status_code == 200 and db.session.scalar(select(func.count(EnrollmentFigure.id))) == 0


def test_service_refuses_non_admins_and_bad_figures(users, schools):
    with pytest.raises(PermissionDenied):
        enrollment.save_enrollment(users["leader"], YEAR, {})
    with pytest.raises(enrollment.EnrollmentRefused):
        enrollment.save_enrollment(users["admin"], YEAR, {(schools["ash"].id, "total", ""): -1})
    with pytest.raises(enrollment.EnrollmentRefused):
        enrollment.save_enrollment(users["admin"], YEAR, {(None, "language", "klingon"): 5})
    with pytest.raises(enrollment.EnrollmentRefused):
        enrollment.save_enrollment(users["admin"], "2026", {})


# The CSV import -------------------------------------------------------------------------------------


GOOD_FILE = ("School,Group,Students\n"
             "Ash Elementary,,420\n"
             "birch middle   school,total,515\n"
             "District,Spanish,180\n"
             ",español,180\n")


def test_import_saves_every_figure_and_says_how_many(admin, users, schools):
    good = GOOD_FILE.replace(",español,180\n", ",Somali,25\n")
    response = upload(admin, good)
    assert response.status_code == 302
    assert figures() == {(schools["ash"].id, "total", ""): 420, (schools["birch"].id, "total", ""): 515,
                         (None, "language", "es"): 180, (None, "language", "so"): 25}
    assert "4 enrollment figures for 2026-27 are saved from the file." in text_of(admin.get(PAGE))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "enrollment.imported")).one()
    assert event.details == {"school_year": YEAR, "figures": 4}


def test_the_same_file_twice_updates_without_duplicates(admin, schools):
    content = "school,group,students\nAsh Elementary,,420\n,hispanic,90\n"
    assert upload(admin, content).status_code == 302
    assert upload(admin, content.replace("420", "425")).status_code == 302
    assert figures() == {(schools["ash"].id, "total", ""): 425, (None, "race_ethnicity", "hispanic"): 90}
    assert db.session.scalar(select(func.count(EnrollmentFigure.id))) == 2


def test_semicolons_byte_order_mark_spanish_labels_and_keys(admin, schools):
    content = "\ufeffSCHOOL;Students;group\nDistrito;12;Hispano o Latino\n;7;two_or_more\nAsh Elementary;99;Total\n"
    assert upload(admin, content).status_code == 302
    assert figures() == {(None, "race_ethnicity", "hispanic"): 12, (None, "race_ethnicity", "two_or_more"): 7,
                         (schools["ash"].id, "total", ""): 99}


@pytest.mark.parametrize(("line", "message"), [
    ("Oak Elementary,,10", "Unknown school “Oak Elementary”"),
    ("District,Klingon,10", "Unknown group “Klingon”"),
    ("Birch Middle School,,ten", "“ten” is not a whole number"),
    ("Birch Middle School,,-4", "cannot be negative"),
    ("Birch Middle School,,2000000", "cannot be more than 1,000,000"),
    ("District,,10", "Give a school for its total"),
    ("Ash Elementary,Spanish,10", "for the whole district"),
    ("Ash Elementary,,420", "already on line 2"),
])
def test_any_bad_line_saves_nothing_and_names_its_line(admin, schools, line, message):
    content = "school,group,students\nAsh Elementary,,420\nDistrict,Somali,25\n" + line + "\n"
    response = upload(admin, content)
    assert response.status_code == 200
    text = text_of(response)
    [line_4] = [item for item in text.split("<li>")[1:] if item.startswith("Line 4:")]
    assert message in line_4.split("</li>", 1)[0]
    assert "Nothing was saved" in text
    assert figures() == {}


def test_every_problem_is_listed(admin, schools):
    content = "school,group,students\nOak,,10\nAsh Elementary,Nope,x\n"
    text = text_of(upload(admin, content))
    assert "The file has 3 problems" in text
    assert "Line 2: Unknown school" in text and "Line 3: Unknown group" in text and "Line 3: “x”" in text


@pytest.mark.parametrize(("content", "message"), [
    ("school,students\nAsh Elementary,10\n", "Missing: group"),
    ("name,group,count\n", "Missing: school, students"),
    ("school,group,students\n", "no figures under its first line"),
    ("", "The file is empty."),
    ("  \n\n", "The file is empty."),
    ("school,group,students\nAsh Elementary,,10\n".encode("utf-16"), "not UTF-8"),
    ("school,group,students\nAsh\xe9,,10\n".encode("latin-1"), "not UTF-8"),
])
def test_whole_file_problems(admin, schools, content, message):
    text = text_of(upload(admin, content))
    assert message in text
    assert figures() == {}


def test_too_big_a_file_is_refused(app, admin, schools):
    app.config["ENROLLMENT_MAX_UPLOAD_BYTES"] = 100
    try:
        text = text_of(upload(admin, "school,group,students\n" + "Ash Elementary,,10\n" * 10))
    finally:
        app.config["ENROLLMENT_MAX_UPLOAD_BYTES"] = 1024 * 1024
    assert "The file is too big" in text and figures() == {}


def test_no_file_chosen(admin, schools):
    response = admin.post("/leadership/enrollment/import", data={
        "csrf_token": csrf_token(admin, PAGE), "school_year": YEAR}, content_type="multipart/form-data")
    assert response.status_code == 200 and "Please choose a CSV file." in text_of(response)


def test_import_needs_a_school_year(admin, schools):
    text = text_of(upload(admin, GOOD_FILE, year="next year"))
    assert "Please choose a school year first." in text and figures() == {}


def test_template_lists_schools_and_groups_and_imports_back(admin, schools):
    set_figures(YEAR, {schools["ash"]: 420})
    response = admin.get(f"/leadership/enrollment/template.csv?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    content = response.get_data().decode("utf-8")
    assert content.startswith("\ufeffschool,group,students\r\n")
    assert "Ash Elementary,total,420" in content and "Birch  Middle School,total," in content
    assert "District,Spanish," in content and "District,Two or more groups," in content
    filled = content.replace("District,Somali,", "District,Somali,60")
    assert upload(admin, filled.encode("utf-8")).status_code == 302
    assert figures() == {(schools["ash"].id, "total", ""): 420, (None, EnrollmentDimension.LANGUAGE, "so"): 60}
