"""People taking part in every channel, written straight to the tables, for the leadership tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta

from engage.accounts.models import ParticipantProfile, User
from engage.comments.models import Comment, CommentStatus
from engage.conversations.models import Registration, RegistrationStatus
from engage.extensions import db
from engage.leadership.models import EnrollmentDimension, EnrollmentFigure
from engage.models import utcnow
from engage.orgs.models import School
from engage.plans.models import Plan, PlanVersion
from engage.surveys.models import SurveyResponse
from tests.conversations.factories import make_session
from tests.plans.factories import make_plan
from tests.surveys.factories import make_survey

_n = itertools.count(1)

YEAR = "2026-27"


def make_school(name: str) -> School:
    school = School(name=name)
    db.session.add(school)
    db.session.commit()
    return school


def commented_plan(title: str = "Equity Plan") -> Plan:
    plan = make_plan(title)
    db.session.add(PlanVersion(plan_id=plan.id, number=1, status=plan.status, snapshot={}))
    db.session.commit()
    return plan


def make_person(*, relationship=None, language=None, races=(), schools=()) -> User:
    """An account (no password worth hashing) with a profile when any fact is given."""
    n = next(_n)
    user = User(email=f"person{n}-{uuid.uuid4().hex[:6]}@example.org", display_name=f"Person {n}",
                password_hash="x", role="participant")
    db.session.add(user)
    if relationship or language or races or schools:
        user.profile = ParticipantProfile(relationship_to_district=relationship, preferred_language=language,
                                          race_ethnicity=list(races), schools=list(schools))
    db.session.flush()
    return user


def add_comment(plan: Plan, author: User, *, at: datetime | None = None, status=CommentStatus.VISIBLE,
                official: bool = False) -> Comment:
    version_id = db.session.query(PlanVersion.id).filter_by(plan_id=plan.id).scalar()
    comment = Comment(plan_id=plan.id, version_id=version_id, author_id=author.id, body="A thought.",
                      submission_token=uuid.uuid4().hex, status=status, official=official,
                      created_at=at or utcnow())
    db.session.add(comment)
    db.session.flush()
    return comment


def add_commenters(count: int, plan: Plan, *, at: datetime | None = None, **facts) -> list[User]:
    people = [make_person(**facts) for _ in range(count)]
    for person in people:
        add_comment(plan, person, at=at)
    db.session.commit()
    return people


def plan_survey(plan: Plan | None = None, **fields):
    return make_survey(questions=[], plan_id=plan.id if plan else None, **fields)


def add_responses(count: int, survey, *, respondent: User | None = None, relationship=None, language=None,
                  schools=(), at: datetime | None = None) -> list[SurveyResponse]:
    made = []
    for _ in range(count):
        response = SurveyResponse(survey_id=survey.id, respondent_id=respondent.id if respondent else None,
                                  submission_token=uuid.uuid4().hex, relationship_to_district=relationship,
                                  language=language, schools=list(schools), submitted_at=at or utcnow())
        db.session.add(response)
        made.append(response)
    db.session.commit()
    return made


def plan_session(plan: Plan | None = None, school: School | None = None, **fields):
    return make_session(plan_id=plan.id if plan else None, school_id=school.id if school else None,
                        starts_in=timedelta(days=-1), capacity=500, **fields)


def add_registrations(count: int, session, *, user: User | None = None, status=RegistrationStatus.CONFIRMED,
                      checked_in: bool = False, walk_in: bool = False, interpretation_language=None,
                      at: datetime | None = None) -> list[Registration]:
    made = []
    for _ in range(count):
        now = at or utcnow()
        registration = Registration(
            session_id=session.id, user_id=user.id if user else None, name="Guest", status=status,
            email=None if walk_in else f"guest-{uuid.uuid4().hex[:8]}@example.org", walk_in=walk_in,
            interpretation_language=interpretation_language, created_at=now,
            checked_in_at=now if checked_in or walk_in else None,
            cancelled_at=now if status == RegistrationStatus.CANCELLED else None)
        db.session.add(registration)
        made.append(registration)
    db.session.commit()
    return made


def set_figures(school_year: str, figures: dict) -> None:
    """figures: {school: students} for totals, {("language", key): students}, {("race_ethnicity", key): n}."""
    for key, students in figures.items():
        if isinstance(key, School):
            figure = EnrollmentFigure(school_year=school_year, school_id=key.id,
                                      dimension=EnrollmentDimension.TOTAL, group_key="", students=students)
        else:
            dimension, group_key = key
            figure = EnrollmentFigure(school_year=school_year, school_id=None, dimension=dimension,
                                      group_key=group_key, students=students)
        db.session.add(figure)
    db.session.commit()
