"""The district's enrollment figures: read them, save them from the form, import them from a CSV file.

A figure is one (school, dimension, group) for one school year. The page uses each school's total
students and the district-wide figures by home language and by race or ethnicity, so those are
the figures the form and the import take.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..csv_export import BYTE_ORDER_MARK, safe_cell
from ..extensions import db
from ..orgs.models import School
from ..permissions import Permission, require
from ..uploads import file_size_label
from ..vocabulary import LANGUAGE_CHOICES, RACE_ETHNICITY_CHOICES
from .models import TWO_OR_MORE, EnrollmentDimension, EnrollmentFigure

STUDENTS_MAX = 1_000_000
SCHOOL_YEAR_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
TWO_OR_MORE_LABEL = _l("Two or more groups")
RACE_GROUPS = [*RACE_ETHNICITY_CHOICES, (TWO_OR_MORE, TWO_OR_MORE_LABEL)]
LANGUAGE_GROUPS = list(LANGUAGE_CHOICES)
CSV_HEADER = ("school", "group", "students")
DISTRICT_WORDS = {"", "district", "distrito"}
TOTAL_WORDS = {"", "total", "all students", "todos los estudiantes", "todos"}

# (school_id or None for the district, dimension, group key)
FigureKey = tuple[int | None, str, str]


class EnrollmentRefused(Exception):
    def __init__(self, message):
        super().__init__("enrollment refused")
        self.message = message


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 0: the file as a whole
    message: str


@dataclass(frozen=True)
class ImportResult:
    saved: int
    problems: list[ImportProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def is_school_year(text: str | None) -> bool:
    """"2026-27": a year, a hyphen, and the last two digits of the next year."""
    match = SCHOOL_YEAR_RE.fullmatch(text or "")
    return bool(match) and (int(match[1]) + 1) % 100 == int(match[2]) and 2000 <= int(match[1]) <= 2100


def school_year_of(day: date) -> str:
    """The school year a day falls in: July starts a new one."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def school_years() -> list[str]:
    """The school years that have figures, newest first."""
    return list(db.session.scalars(
        select(EnrollmentFigure.school_year).distinct().order_by(EnrollmentFigure.school_year.desc())))


def enrollment_for_year(school_year: str) -> dict[FigureKey, int]:
    """Every figure of the year, by (school_id or None, dimension, group key)."""
    rows = db.session.execute(
        select(EnrollmentFigure.school_id, EnrollmentFigure.dimension, EnrollmentFigure.group_key,
               EnrollmentFigure.students)
        .where(EnrollmentFigure.school_year == school_year))
    return {(school_id, dimension, group_key): students for school_id, dimension, group_key, students in rows}


def figure_keys(schools: list[School]) -> list[FigureKey]:
    """The figures the form asks for: each school's total, then the district's languages and groups."""
    return ([(school.id, EnrollmentDimension.TOTAL, "") for school in schools]
            + [(None, EnrollmentDimension.LANGUAGE, key) for key, _label in LANGUAGE_GROUPS]
            + [(None, EnrollmentDimension.RACE_ETHNICITY, key) for key, _label in RACE_GROUPS])


def _check(school_year: str, figures: dict[FigureKey, int | None]) -> None:
    if not is_school_year(school_year):
        raise EnrollmentRefused(_l("Please give the school year like 2026-27."))
    known_groups = {EnrollmentDimension.LANGUAGE: {key for key, _label in LANGUAGE_GROUPS},
                    EnrollmentDimension.RACE_ETHNICITY: {key for key, _label in RACE_GROUPS}}
    school_ids = set(db.session.scalars(select(School.id))) if any(k[0] for k in figures) else set()
    for (school_id, dimension, group_key), students in figures.items():
        if school_id is not None:
            valid = school_id in school_ids and dimension == EnrollmentDimension.TOTAL and group_key == ""
        else:
            valid = group_key in known_groups.get(dimension, ())
        if not valid:
            raise EnrollmentRefused(_l("An enrollment figure is for an unknown school or group."))
        if students is not None and (isinstance(students, bool) or not isinstance(students, int)
                                     or not 0 <= students <= STUDENTS_MAX):
            raise EnrollmentRefused(_l("Please enter whole numbers from 0 to %(max)s.", max=f"{STUDENTS_MAX:,}"))


def _existing_figures(school_year: str) -> dict[FigureKey, EnrollmentFigure]:
    return {(f.school_id, f.dimension, f.group_key): f for f in db.session.scalars(
        select(EnrollmentFigure).where(EnrollmentFigure.school_year == school_year))}


def _apply(actor, school_year: str, figures: dict[FigureKey, int | None]) -> tuple[int, int]:
    """Insert, update or delete (None) each figure; returns (saved, deleted). The same figures sent
    twice at once (a double click) are saved by whichever comes first, then updated by the other."""
    try:
        return _apply_once(actor, school_year, figures)
    except IntegrityError:
        db.session.rollback()
        return _apply_once(actor, school_year, figures)


def _apply_once(actor, school_year: str, figures: dict[FigureKey, int | None]) -> tuple[int, int]:
    existing = _existing_figures(school_year)
    saved = deleted = 0
    for key, students in figures.items():
        figure = existing.get(key)
        if students is None:
            if figure is not None:
                db.session.delete(figure)
                deleted += 1
            continue
        if figure is None:
            school_id, dimension, group_key = key
            figure = EnrollmentFigure(school_year=school_year, school_id=school_id, dimension=dimension,
                                      group_key=group_key, students=students, updated_by_id=actor.id)
            db.session.add(figure)
            saved += 1
        elif figure.students != students:
            figure.students = students
            figure.updated_by_id = actor.id
            saved += 1
    db.session.flush()
    return saved, deleted


def save_enrollment(actor, school_year: str, figures: dict[FigureKey, int | None]) -> int:
    """Save the year's figures as given (None deletes one); the ones not given stay. Returns how many
    changed. Admins only; audited."""
    require(actor, Permission.MANAGE_ENROLLMENT)
    _check(school_year, figures)
    saved, deleted = _apply(actor, school_year, figures)
    if saved or deleted:
        audit.record(actor, "enrollment.saved", "enrollment", None, school_year=school_year, saved=saved,
                     deleted=deleted)
    db.session.commit()
    return saved + deleted


# CSV import --------------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return current_app.config["ENROLLMENT_MAX_UPLOAD_BYTES"]


def _normal(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _group_names() -> dict[str, tuple[str, str]]:
    """Every way the file may name a group (key, English or Spanish label), to (dimension, key)."""
    names: dict[str, tuple[str, str]] = {}
    for dimension, groups in ((EnrollmentDimension.LANGUAGE, LANGUAGE_GROUPS),
                              (EnrollmentDimension.RACE_ETHNICITY, RACE_GROUPS)):
        for key, label in groups:
            names.setdefault(_normal(key), (dimension, key))
            for locale in ("en", "es"):
                with force_locale(locale):
                    names.setdefault(_normal(str(label)), (dimension, key))
    return names


def _read_rows(data: bytes) -> tuple[list[tuple[int, list[str]]] | None, list[str], ImportProblem | None]:
    """(line, cells) of each non-empty row, the header, or a problem with the file as a whole."""
    if len(data) > max_upload_bytes():
        return None, [], ImportProblem(0, str(_l("The file is too big: at most %(size)s.",
                                                   size=file_size_label(max_upload_bytes()))))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [], ImportProblem(0, str(_l("The file is not UTF-8 text. In your spreadsheet, save it as "
                                                   "“CSV UTF-8”.")))
    if not text.strip():
        return None, [], ImportProblem(0, str(_l("The file is empty.")))
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if not header:
                header = [_normal(cell) for cell in cells]
                continue
            rows.append((reader.line_num, cells))
    except csv.Error:
        return None, [], ImportProblem(reader.line_num, str(_l("This line cannot be read as CSV.")))
    return rows, header, None


def parse_enrollment_csv(data: bytes) -> tuple[dict[FigureKey, int], list[ImportProblem]]:
    """The figures in a `school,group,students` file, and every problem found, with its line."""
    rows, header, problem = _read_rows(data)
    if problem is not None:
        return {}, [problem]
    missing = [name for name in CSV_HEADER if name not in header]
    if missing:
        return {}, [ImportProblem(1, str(_l("The first line must name the columns school, group and students. "
                                            "Missing: %(columns)s.", columns=", ".join(missing))))]
    if not rows:
        return {}, [ImportProblem(0, str(_l("The file is empty: it has no figures under its first line.")))]
    column = {name: header.index(name) for name in CSV_HEADER}
    schools = {_normal(school.name): school.id for school in db.session.scalars(select(School))}
    groups = _group_names()
    figures: dict[FigureKey, int] = {}
    first_seen: dict[FigureKey, int] = {}
    problems = []

    def cell(cells: list[str], name: str) -> str:
        index = column[name]
        return cells[index].strip() if index < len(cells) else ""

    for line, cells in rows:
        found = []
        school_name, group_name, students_text = cell(cells, "school"), cell(cells, "group"), cell(cells, "students")
        school_id = None
        if _normal(school_name) not in DISTRICT_WORDS:
            school_id = schools.get(_normal(school_name))
            if school_id is None:
                found.append(_l("Unknown school “%(name)s”.", name=school_name))
        key = None
        if _normal(group_name) in TOTAL_WORDS:
            if _normal(school_name) in DISTRICT_WORDS:
                found.append(_l("Give a school for its total, or a language or race/ethnicity group for the "
                                "district."))
            else:
                key = (school_id, EnrollmentDimension.TOTAL, "")
        elif _normal(group_name) in groups:
            dimension, group_key = groups[_normal(group_name)]
            if _normal(school_name) not in DISTRICT_WORDS:
                found.append(_l("Figures by language or race/ethnicity are for the whole district: leave the "
                                "school empty or write District."))
            else:
                key = (None, dimension, group_key)
        else:
            found.append(_l("Unknown group “%(name)s”.", name=group_name))
        students = None
        # Without leading zeros, and compared by length first: int() refuses over 4,300 digits.
        digits = students_text.lstrip("-").lstrip("0") or "0"
        if not students_text:
            pass  # no figure on this line (as in the template): skipped
        elif not re.fullmatch(r"-?[0-9]+", students_text):
            found.append(_l("“%(value)s” is not a whole number of students.", value=students_text))
        elif students_text.startswith("-") and digits != "0":
            found.append(_l("The number of students cannot be negative."))
        elif len(digits) > len(str(STUDENTS_MAX)) or int(digits) > STUDENTS_MAX:
            found.append(_l("The number of students cannot be more than %(max)s.", max=f"{STUDENTS_MAX:,}"))
        else:
            students = int(digits)
        if key is not None:
            if key in first_seen:
                found.append(_l("This figure is already on line %(line)d.", line=first_seen[key]))
            else:
                first_seen[key] = line
        problems.extend(ImportProblem(line, str(message)) for message in found)
        if not found and key is not None and students is not None:
            figures[key] = students
    return figures, problems


def import_enrollment_csv(actor, school_year: str, data: bytes) -> ImportResult:
    """All or nothing: every figure in the file is saved (replacing the year's same figures), or none
    when any line has a problem. Admins only; audited."""
    require(actor, Permission.MANAGE_ENROLLMENT)
    if not is_school_year(school_year):
        return ImportResult(0, [ImportProblem(0, str(_l("Please give the school year like 2026-27.")))])
    figures, problems = parse_enrollment_csv(data)
    if problems:
        return ImportResult(0, problems)
    _apply(actor, school_year, figures)
    audit.record(actor, "enrollment.imported", "enrollment", None, school_year=school_year, figures=len(figures))
    db.session.commit()
    return ImportResult(len(figures), [])


def template_csv(school_year: str | None = None) -> str:
    """A filled-in file: every active school and group, with the year's figures where there are some."""
    schools = list(db.session.scalars(select(School).where(School.active).order_by(School.name)))
    figures = enrollment_for_year(school_year) if school_year else {}
    names = {school.id: school.name for school in schools}
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    labels = {**dict(LANGUAGE_GROUPS), **dict(RACE_GROUPS)}
    with force_locale("en"):
        for key in figure_keys(schools):
            school_id, dimension, group_key = key
            school = names[school_id] if school_id is not None else "District"
            group = "total" if dimension == EnrollmentDimension.TOTAL else str(labels[group_key])
            students = figures.get(key)
            writer.writerow([safe_cell(school), safe_cell(group), "" if students is None else students])
    return out.getvalue()
