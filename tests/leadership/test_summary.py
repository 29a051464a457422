"""The page reads its counts from a summary table, kept current by a queue job: the same counts as
counting every row, and a change is counted before the next view (or, with a real queue, the
page shows the last count and says a new one is on its way)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from engage import queue
from engage.conversations.models import RegistrationStatus
from engage.extensions import db
from engage.leadership import participation
from engage.leadership.models import ParticipationCounts
from engage.models import utcnow
from engage.surveys.models import SurveyAnonymity
from tests.leadership.factories import (add_comment, add_commenters, add_registrations, add_responses,
                                        commented_plan, make_person, make_school, plan_session, plan_survey)
from tests.leadership.test_counting import raw_counts
from tests.support.queries import count_queries
from tests.support.queue import run_jobs_like_a_worker
from tests.support.web import log_in


def a_district() -> tuple:
    """Two plans with people in every channel, facts of every kind, over two months."""
    lincoln, roosevelt = make_school("Lincoln"), make_school("Roosevelt")
    first, second = commented_plan("Equity Plan"), commented_plan("Audit Plan")
    earlier = utcnow() - timedelta(days=40)
    writers = add_commenters(14, first, relationship="parent", language="es", races=["hispanic"], schools=[lincoln])
    add_commenters(12, second, at=earlier, relationship="staff", language="en", races=["white", "asian"],
                   schools=[roosevelt])
    add_comment(second, writers[0])
    add_responses(15, plan_survey(first), language="vi", schools=[roosevelt])
    add_responses(11, plan_survey(second, anonymity=SurveyAnonymity.ANONYMOUS), relationship="student")
    session = plan_session(first, school=lincoln)
    add_registrations(12, session, checked_in=True)
    add_registrations(3, session, status=RegistrationStatus.CANCELLED)
    add_registrations(1, plan_session(second), user=make_person(language="so"), checked_in=True)
    return first, second


def test_the_summary_holds_the_same_counts_as_counting_every_row(users):
    first, second = a_district()
    leader = users["leader"]
    for plan in (None, first, second):
        report = participation.hearing_from(leader, plan_id=plan.id if plan else None)
        assert not report.counting
        schools = participation._active_schools()
        summary = participation._summary(plan.id if plan else None, schools)
        assert (summary.plan or summary.everyone) == raw_counts(plan.id if plan else None)
    assert db.session.scalar(select(func.count()).select_from(ParticipationCounts)) == 3  # all plans, and each


def test_what_people_do_is_counted_before_the_next_view(users):
    first, _second = a_district()
    before = participation.hearing_from(users["leader"]).totals[participation.ALL]
    add_commenters(11, first, language="ar")
    after = participation.hearing_from(users["leader"])
    assert after.totals[participation.ALL] == before + 11
    assert after.breakdown(participation.LANGUAGE).rows  # the new group is counted
    assert participation._summary(None, participation._active_schools()).everyone == raw_counts()


def test_with_a_real_queue_the_page_shows_the_last_count_until_the_worker_counts_again(users, queued_app):
    first, _second = a_district()
    participation.count_everyone()
    counted = raw_counts().totals[participation.ALL]
    add_commenters(11, first, language="ar")

    with queued_app.app_context():
        leader = db.session.merge(users["leader"])
        waiting = participation.hearing_from(leader)
        assert waiting.counting and waiting.totals[participation.ALL] == counted
        participation.hearing_from(leader)  # a second view asks for no second count
        assert [task.name for task in queue.huey.pending()] == ["count_everyone_job"]
        assert run_jobs_like_a_worker() == ["count_everyone_job"]
        db.session.expire_all()
        done = participation.hearing_from(leader)
        assert not done.counting and done.totals[participation.ALL] == counted + 11

    # The page says so.
    add_commenters(12, first, language="so")
    client = queued_app.test_client()
    assert log_in(client, "leader@example.org").status_code == 302
    html = client.get("/leadership/participation").get_data(as_text=True)
    assert "is being counted" in html


def test_counting_runs_the_same_queries_however_many_people(users):
    first, second = a_district()
    with count_queries() as few:
        participation.count_everyone()
    add_commenters(40, second, language="es")
    add_responses(30, plan_survey(first), language="en")
    with count_queries() as many:
        participation.count_everyone()
    assert many.count == few.count
