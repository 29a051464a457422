"""Enrollment figures for the demo district, this school year, so "who we are hearing from" has rates
and gaps to show. The middle schools and Riverside Elementary are large next to the people the demo
hears from there, so they come up as the lowest participation.

Figures already there are left as they are: loading twice adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..leadership.enrollment import school_year_of
from ..leadership.models import EnrollmentDimension, EnrollmentFigure
from ..orgs.models import School
from ..i18n import district_today

SCHOOL_TOTALS = {
    "Cedar Grove Elementary School": 420,
    "Lincoln Park Elementary School": 465,
    "Maple Hill Elementary School": 390,
    "Riverside Elementary School": 610,
    "Harbor View Middle School": 880,
    "Westfield Middle School": 980,
    "Riverbend High School": 1650,
}
# District-wide, adding up to the schools' 5,395 students.
HOME_LANGUAGES = {"en": 3560, "es": 1180, "so": 230, "vi": 95, "ar": 85, "zh": 65, "am": 40, "fr": 30, "ht": 25,
                  "ko": 20, "other": 65}
RACE_ETHNICITY = {"white": 1890, "hispanic": 1540, "black": 930, "asian": 460, "two_or_more": 390,
                  "middle_eastern": 130, "american_indian": 40, "pacific_islander": 15}


def load_demo_enrollment(added: dict[str, int]) -> None:
    school_year = school_year_of(district_today())
    schools = {school.name: school.id for school in db.session.scalars(select(School))}
    wanted = {(schools[name], EnrollmentDimension.TOTAL, ""): students
              for name, students in SCHOOL_TOTALS.items() if name in schools}
    wanted.update({(None, EnrollmentDimension.LANGUAGE, key): n for key, n in HOME_LANGUAGES.items()})
    wanted.update({(None, EnrollmentDimension.RACE_ETHNICITY, key): n for key, n in RACE_ETHNICITY.items()})
    existing = {(f.school_id, f.dimension, f.group_key) for f in db.session.scalars(
        select(EnrollmentFigure).where(EnrollmentFigure.school_year == school_year))}
    count = 0
    for (school_id, dimension, group_key), students in wanted.items():
        if (school_id, dimension, group_key) in existing:
            continue
        db.session.add(EnrollmentFigure(school_year=school_year, school_id=school_id, dimension=dimension,
                                        group_key=group_key, students=students))
        count += 1
    db.session.commit()
    added["enrollment_figures"] = added.get("enrollment_figures", 0) + count
