"""Enrollment figures for the demo district (loaded beside engage.demo.data)."""

from __future__ import annotations

import html as html_lib

from sqlalchemy import func, select

from engage.demo.data import SCHOOLS, load_demo_data
from engage.demo.enrollment import load_demo_enrollment
from engage.extensions import db
from engage.i18n import district_today
from engage.leadership.enrollment import enrollment_for_year, school_year_of
from engage.leadership.models import EnrollmentFigure
from engage.orgs.models import School
from tests.support.web import log_in


def test_demo_enrollment_covers_every_school_and_group_once(app):
    added = load_demo_data(generated_participants=40)
    year = school_year_of(district_today())
    figures = enrollment_for_year(year)
    school_ids = set(db.session.scalars(select(School.id).where(School.name.in_([s[0] for s in SCHOOLS]))))
    assert {key[0] for key in figures if key[1] == "total"} == school_ids
    assert sum(n for key, n in figures.items() if key[1] == "total") == \
        sum(n for key, n in figures.items() if key[1] == "language") == \
        sum(n for key, n in figures.items() if key[1] == "race_ethnicity")
    assert added["enrollment_figures"] == len(figures) > len(SCHOOLS)

    again: dict[str, int] = {}
    load_demo_enrollment(again)
    assert again["enrollment_figures"] == 0
    assert db.session.scalar(select(func.count(EnrollmentFigure.id))) == len(figures)


def test_demo_page_highlights_the_lowest_schools(app, client):
    load_demo_data(generated_participants=120)
    log_in(client, "leader@example.org", "engage-demo-2026")
    text = html_lib.unescape(client.get("/leadership/participation").get_data(as_text=True))
    lowest = text.split('id="lowest-title"', 1)[1].split("</section>", 1)[0]
    assert lowest.count("Plan a conversation for this school") == 3
