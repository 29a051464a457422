"""The themes jobs on a real queue: a run waits in the SQLite queue until a worker does it,
and new feedback is placed in its nearest theme by a background job.

Like tests/test_queue.py, a second app on the suite's database keeps its jobs
in a real SQLite queue, and a thread with no app context (what the consumer's
worker threads are) takes them out and runs them.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from config import TestingConfig
from engage import create_app, queue
from engage.extensions import db
from engage.feedback.services import FeedbackSource
from engage.queue import huey
from engage.themes import services
from engage.themes.jobs import assign_new_items_everywhere
from engage.themes.models import AssignedBy, RunStatus, ThemeAssignment, ThemeRun
from engage.themes.services import run_themes_job
from tests.support.queue import pending_jobs, run_jobs_like_a_worker
from tests.themes.factories import TOPICS, add_comments, make_feedback_plan


def stored_run(run_id: int) -> ThemeRun:
    db.session.expire_all()
    return db.session.get(ThemeRun, run_id)


def test_a_run_waits_in_the_queue_until_a_worker_does_it(queued_app, users):
    plan_id = make_feedback_plan(per_topic=8).id
    leader = users["leader"]
    db.session.commit()
    with queued_app.app_context():
        analysis = services.default_analysis(leader, plan_id)
        run = services.start_run(leader, analysis)
        assert (run.status, run.progress) == (RunStatus.QUEUED, 0)
        # Asked again while it waits: the same run, not a second job.
        assert services.start_run(leader, analysis).id == run.id
        run_id, analysis_id = run.id, analysis.id
    assert pending_jobs(queued_app) == ["run_themes_job"]
    assert stored_run(run_id).status == RunStatus.QUEUED
    db.session.close()

    assert run_jobs_like_a_worker() == ["run_themes_job"]

    done = stored_run(run_id)
    assert (done.status, done.progress, done.n_items, done.error) == (RunStatus.DONE, 100, 24, "")
    assert done.n_themes >= 2
    assignments = db.session.scalars(select(ThemeAssignment).where(ThemeAssignment.analysis_id == analysis_id))
    assert len(assignments.all()) == 24
    assert pending_jobs(queued_app) == []


def test_many_new_items_wait_in_the_queue_for_the_placing_job(queued_app, users):
    plan = make_feedback_plan(per_topic=8)
    analysis = services.default_analysis(users["leader"], plan.id)
    assert services.start_run(users["leader"], analysis).status == RunStatus.DONE
    new_ids = [c.id for c in add_comments(plan, per_topic=2, topics=TOPICS, start=8)]
    analysis_id = analysis.id
    db.session.close()
    with queued_app.app_context():
        assert services.assign_new_items(services.get_analysis(None, analysis_id), inline_max=3) == 0
    assert pending_jobs(queued_app) == ["assign_new_items_job"]

    assert run_jobs_like_a_worker() == ["assign_new_items_job"]

    db.session.expire_all()
    placed = db.session.scalars(select(ThemeAssignment).where(
        ThemeAssignment.source == FeedbackSource.COMMENT, ThemeAssignment.source_id.in_(new_ids))).all()
    assert len(placed) == 6 and {a.assigned_by for a in placed} == {AssignedBy.NEAREST}
    assert sum(a.theme_id is not None for a in placed) >= 5


def test_the_periodic_job_places_new_items_in_every_analysis(users):
    first = make_feedback_plan(per_topic=6)
    second = make_feedback_plan(per_topic=6, title="Another plan")
    analyses = [services.default_analysis(users["leader"], plan.id) for plan in (first, second)]
    for analysis in analyses:
        services.start_run(users["leader"], analysis)
    waiting = services.default_analysis(users["leader"], make_feedback_plan(per_topic=2, title="Not run yet").id)
    made = [add_comments(plan, per_topic=1, topics=TOPICS, start=6) for plan in (first, second)]

    assign_new_items_everywhere()  # at once here (QUEUE_IMMEDIATE)

    db.session.expire_all()
    for analysis, comments in zip(analyses, made):
        rows = {row.item.key: row for row in services.themed_items(analysis)}
        assert all(rows[(FeedbackSource.COMMENT, c.id)].assigned_by == AssignedBy.NEAREST for c in comments)
    # An analysis never run waits for its first run.
    assert db.session.scalars(select(ThemeAssignment).where(ThemeAssignment.analysis_id == waiting.id)).all() == []


def test_new_items_are_placed_every_ten_minutes(app):
    def due_at(minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2026, 10, 6, 18, minute))}

    assert all("assign_new_items_everywhere" in due_at(minute) for minute in (0, 10, 20, 50))
    assert "assign_new_items_everywhere" not in due_at(7)


def test_a_job_for_a_run_already_done_leaves_it_alone(users):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    run = services.start_run(users["leader"], analysis)
    finished_at = run.finished_at

    run_themes_job(run.id)
    assert stored_run(run.id).finished_at == finished_at


def test_a_run_the_queue_cannot_take_is_failed_and_does_not_block_the_next(app, database_url, users):
    plan_id = make_feedback_plan(per_topic=4).id
    leader = users["leader"]
    # Nothing listens on port 1: Redis is "down".
    unreachable = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "QUEUE_IMMEDIATE": False,
                                             "REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        with unreachable.app_context(), unreachable.test_request_context():
            analysis = services.default_analysis(leader, plan_id)
            with pytest.raises(ValueError, match="could not be queued"):
                services.start_run(leader, analysis)
            analysis_id = analysis.id
            db.session.remove()
            db.engine.dispose()
    finally:
        queue.init_app(app)
    db.session.expire_all()
    [failed] = db.session.scalars(select(ThemeRun)).all()
    assert failed.status == RunStatus.FAILED and "ConnectionError" in failed.error

    analysis = services.get_analysis(leader, analysis_id)
    assert services.active_run(analysis) is None
    assert services.start_run(leader, analysis).status == RunStatus.DONE
