"""Who counts as a participant in each channel, and which groups they are in (before any suppression)."""

from __future__ import annotations

from datetime import timedelta

from engage.comments.models import CommentStatus
from engage.conversations.models import RegistrationStatus
from engage.leadership.models import TWO_OR_MORE
from engage.leadership.participation import (ALL, ATTENDANCE, COMMENTS, LANGUAGE, NOT_SHARED, RACE_ETHNICITY,
                                             RELATIONSHIP, SCHOOL, SIGNUPS, SURVEYS, count_people,
                                             load_participations)
from engage.extensions import db
from engage.models import utcnow
from engage.orgs.models import School
from engage.surveys.models import SurveyAnonymity, SurveyStatus
from tests.leadership.factories import (add_comment, add_commenters, add_registrations, add_responses,
                                        commented_plan, make_person, make_school, plan_session, plan_survey)


def raw_counts(plan_id=None):
    schools = [(school.id, school.name) for school in db.session.query(School).order_by(School.name)]
    participations = [p for p in load_participations() if plan_id is None or p.plan_id == plan_id]
    return count_people(participations, schools)


def test_comment_authors_are_counted_once_with_their_profile_facts(app):
    lincoln = make_school("Lincoln")
    plan = commented_plan()
    [person] = add_commenters(1, plan, relationship="parent", language="es", races=["hispanic"], schools=[lincoln])
    add_comment(plan, person)
    counts = raw_counts()
    assert counts.totals[COMMENTS] == 1 and counts.totals[ALL] == 1
    assert counts.groups[SCHOOL][lincoln.id][COMMENTS] == 1
    assert counts.groups[LANGUAGE]["es"][ALL] == 1
    assert counts.groups[RACE_ETHNICITY]["hispanic"][ALL] == 1
    assert counts.groups[RELATIONSHIP]["parent"][ALL] == 1


def test_hidden_deleted_and_official_comments_do_not_count(app):
    plan = commented_plan()
    add_comment(plan, make_person(), status=CommentStatus.HIDDEN)
    add_comment(plan, make_person(), status=CommentStatus.DELETED)
    add_comment(plan, make_person(), official=True)
    db.session.commit()
    assert raw_counts().totals[ALL] == 0


def test_survey_facts_come_from_the_response_never_the_account(app):
    lincoln, oak = make_school("Lincoln"), make_school("Oak")
    respondent = make_person(relationship="staff", language="so", races=["black"], schools=[oak])
    add_responses(1, plan_survey(), respondent=respondent, relationship="parent", language="en", schools=[lincoln])
    counts = raw_counts()
    assert counts.totals[SURVEYS] == 1
    assert counts.groups[LANGUAGE]["en"][SURVEYS] == 1 and counts.groups[LANGUAGE]["so"][ALL] == 0
    assert counts.groups[SCHOOL][lincoln.id][ALL] == 1 and counts.groups[SCHOOL][oak.id][ALL] == 0
    assert counts.groups[RELATIONSHIP]["parent"][ALL] == 1 and counts.groups[RELATIONSHIP]["staff"][ALL] == 0
    assert counts.groups[RACE_ETHNICITY][NOT_SHARED][ALL] == 1


def test_each_anonymous_response_is_one_person(app):
    survey = plan_survey(anonymity=SurveyAnonymity.ANONYMOUS)
    add_responses(3, survey, language="es")
    counts = raw_counts()
    assert counts.totals[SURVEYS] == 3
    assert counts.groups[LANGUAGE]["es"][SURVEYS] == 3


def test_draft_survey_responses_do_not_count(app):
    add_responses(2, plan_survey(status=SurveyStatus.DRAFT))
    assert raw_counts().totals[ALL] == 0


def test_a_person_in_every_channel_is_one_person(app):
    plan = commented_plan()
    [person] = add_commenters(1, plan, language="es")
    add_responses(1, plan_survey(plan), respondent=person, language="en")
    add_registrations(1, plan_session(plan), user=person, checked_in=True)
    counts = raw_counts()
    assert {column: counts.totals[column] for column in (COMMENTS, SURVEYS, SIGNUPS, ATTENDANCE, ALL)} == \
        {COMMENTS: 1, SURVEYS: 1, SIGNUPS: 1, ATTENDANCE: 1, ALL: 1}
    # Any participation's fact puts the person in the group.
    assert counts.groups[LANGUAGE]["es"][ALL] == 1 and counts.groups[LANGUAGE]["en"][ALL] == 1


def test_cancelled_sign_ups_are_not_counted_waitlisted_ones_are(app):
    session = plan_session()
    add_registrations(2, session, status=RegistrationStatus.CANCELLED)
    add_registrations(1, session, status=RegistrationStatus.WAITLISTED)
    add_registrations(3, session)
    counts = raw_counts()
    assert counts.totals[SIGNUPS] == 4 and counts.totals[ALL] == 4


def test_walk_ins_count_in_attendance_not_sign_ups(app):
    session = plan_session()
    add_registrations(2, session, walk_in=True)
    add_registrations(3, session, checked_in=True)
    add_registrations(1, session)
    counts = raw_counts()
    assert counts.totals[ATTENDANCE] == 5
    assert counts.totals[SIGNUPS] == 4
    assert counts.totals[ALL] == 6


def test_guest_registrations_use_interpretation_language_and_the_sessions_school(app):
    oak = make_school("Oak")
    add_registrations(2, plan_session(school=oak), interpretation_language="vi", checked_in=True)
    counts = raw_counts()
    assert counts.groups[LANGUAGE]["vi"][ATTENDANCE] == 2
    assert counts.groups[SCHOOL][oak.id][SIGNUPS] == 2


def test_registration_with_an_account_uses_the_profile_not_the_session(app):
    oak, pine = make_school("Oak"), make_school("Pine")
    person = make_person(language="ar", schools=[pine])
    add_registrations(1, plan_session(school=oak), user=person, interpretation_language="vi")
    counts = raw_counts()
    assert counts.groups[LANGUAGE]["ar"][SIGNUPS] == 1 and counts.groups[LANGUAGE]["vi"][ALL] == 0
    assert counts.groups[SCHOOL][pine.id][SIGNUPS] == 1 and counts.groups[SCHOOL][oak.id][ALL] == 0


def test_two_or_more_races_count_once_in_two_or_more(app):
    plan = commented_plan()
    add_commenters(1, plan, races=["black", "white"])
    add_commenters(1, plan, races=["asian"])
    counts = raw_counts()
    assert counts.groups[RACE_ETHNICITY][TWO_OR_MORE][ALL] == 1
    assert counts.groups[RACE_ETHNICITY]["black"][ALL] == 0
    assert counts.groups[RACE_ETHNICITY]["asian"][ALL] == 1


def test_people_who_shared_nothing_are_in_did_not_say(app):
    add_commenters(2, commented_plan())
    counts = raw_counts()
    for dimension in (SCHOOL, LANGUAGE, RACE_ETHNICITY, RELATIONSHIP):
        assert counts.groups[dimension][NOT_SHARED][ALL] == 2


def test_plan_scope_counts_only_that_plans_comments_surveys_and_sessions(app):
    plan, other = commented_plan("One"), commented_plan("Two")
    add_commenters(2, plan)
    add_commenters(3, other)
    add_responses(4, plan_survey(plan))
    add_registrations(5, plan_session(other))
    assert raw_counts(plan.id).totals[ALL] == 6
    assert raw_counts(other.id).totals[ALL] == 8
    assert raw_counts().totals[ALL] == 14


def test_months_count_distinct_people_per_channel(app):
    plan = commented_plan()
    [person] = add_commenters(1, plan)
    add_comment(plan, person)
    add_commenters(1, plan, at=utcnow() - timedelta(days=70))
    db.session.commit()
    months = raw_counts().months
    assert len(months) == 2
    assert sorted(month[COMMENTS] for month in months.values()) == [1, 1]
