"""The themes services on the real database: analyses and their scope, runs of the job,
leaders' corrections kept across re-runs, new feedback between runs, responses,
and the sentence-embedding cache. Jobs run at once (QUEUE_IMMEDIATE)."""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from engage.accounts.models import User
from engage.audit.models import AuditEvent
from engage.comments import services as comments
from engage.comments.models import Comment
from engage.conversations import notes
from engage.domain import RecordNotFound
from engage.extensions import db
from engage.feedback.services import FeedbackSource, plan_feedback_items
from engage.models import utcnow
from engage.permissions import PermissionDenied
from engage.plans.models import Plan, PlanVersion
from engage.surveys.models import QuestionKind
from engage.themes import pipeline, services
from engage.themes.models import (
    AssignedBy,
    FeedbackEmbedding,
    RunStatus,
    Theme,
    ThemeAnalysis,
    ThemeAssignment,
    ThemeRun,
    ThemeStatus,
)
from tests.conversations.factories import make_session
from tests.plans.factories import make_plan
from tests.support.people import make_user
from tests.support.queries import count_queries
from tests.surveys.factories import add_response, make_survey, question_of
from tests.themes.factories import TOPICS, add_comments, make_feedback_plan


@pytest.fixture(autouse=True)
def _in_a_request(app):
    # Services word their refusals in the reader's language, chosen per request, as views call them.
    with app.test_request_context():
        yield


# Helpers ---------------------------------------------------------------------------


def topic_of(text: str) -> str | None:
    return next((topic for topic, phrases in TOPICS.items() if any(text.startswith(p) for p in phrases)), None)


def ran_analysis(leader, **plan_options) -> ThemeAnalysis:
    """The default analysis of a plan with comments on three topics, after one run."""
    plan = make_feedback_plan(**plan_options)
    analysis = services.default_analysis(leader, plan.id)
    run = services.start_run(leader, analysis)
    assert run.status == RunStatus.DONE, run.error
    return analysis


def analysis_plan(analysis: ThemeAnalysis) -> Plan:
    return db.session.get(Plan, analysis.plan_id)


def theme_keys(analysis: ThemeAnalysis) -> dict[tuple[str, int], str | None]:
    """Each assigned item -> the key of the Theme row it points at (None: Other)."""
    db.session.expire_all()
    keys = dict(db.session.execute(select(Theme.id, Theme.key).where(Theme.analysis_id == analysis.id)).all())
    rows = db.session.scalars(select(ThemeAssignment).where(ThemeAssignment.analysis_id == analysis.id))
    return {(a.source, a.source_id): keys.get(a.theme_id) for a in rows}


def counted_toward(analysis: ThemeAnalysis) -> dict[tuple[str, int], int | None]:
    """Each item -> the active theme it counts toward (themed_items, merges followed)."""
    db.session.expire_all()
    return {row.item.key: row.theme_id for row in services.themed_items(analysis)}


def topic_theme(analysis: ThemeAnalysis, topic: str) -> int:
    """The active theme holding most of a topic's comments."""
    votes = Counter(row.theme_id for row in services.themed_items(analysis)
                    if topic_of(row.item.text) == topic and row.theme_id is not None)
    return votes.most_common(1)[0][0]


def largest_theme(analysis: ThemeAnalysis) -> Theme:
    sizes = Counter(row.theme_id for row in services.themed_items(analysis) if row.theme_id is not None)
    return db.session.get(Theme, sizes.most_common(1)[0][0])


def rerun(leader, analysis: ThemeAnalysis) -> ThemeRun:
    run = services.start_run(leader, analysis)
    assert run.status == RunStatus.DONE, run.error
    db.session.expire_all()
    return run


def audit_actions(prefix: str = "themes.") -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)))


def add_comment(plan, body: str, *, created_at: datetime | None = None) -> Comment:
    version = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id))
    if version is None:
        version = PlanVersion(plan_id=plan.id, number=1, status=plan.status, snapshot={})
        db.session.add(version)
        db.session.flush()
    author = make_user(name="A parent")
    comment = Comment(plan_id=plan.id, version_id=version.id, author_id=author.id, body=body, language="en",
                      submission_token=uuid.uuid4().hex, created_at=created_at or utcnow())
    db.session.add(comment)
    db.session.commit()
    return comment


def plan_with_every_source(leader):
    """A plan with one comment, one survey answer, one conversation note entry and one paper card."""
    plan = make_plan()
    add_comment(plan, "A comment about buses")
    survey = make_survey(plan_id=plan.id)
    add_response(survey, {question_of(survey, QuestionKind.LONG_TEXT): "A survey answer about counselors"})
    session = make_session(starts_in=timedelta(hours=-1), plan_id=plan.id)
    notes.save_note_draft(leader, session, attendance_count=9,
                          entries=[notes.EntryInput(text="A note about interpreters")])
    notes.add_cards(leader, session, [notes.EntryInput(text="A card about tutoring")])
    notes.submit_note(leader, session)
    return plan


# Analyses and their scope --------------------------------------------------------------


def test_the_default_analysis_is_created_once(users):
    plan = make_plan()
    first = services.default_analysis(users["leader"], plan.id)
    again = services.default_analysis(users["admin"], plan.id)
    assert first.id == again.id and first.is_default and first.sources == []
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 1


def test_a_plan_can_have_only_one_default_analysis(users):
    plan = make_plan()
    first = services.default_analysis(users["leader"], plan.id)
    db.session.add(ThemeAnalysis(plan_id=plan.id, title="", sources=[], is_default=True))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert services.default_analysis(users["leader"], plan.id).id == first.id


@pytest.mark.parametrize("plan_id", [999_999, 0, -3, 2**40])
def test_the_default_analysis_of_a_missing_plan_is_not_found(users, plan_id):
    with pytest.raises(RecordNotFound):
        services.default_analysis(users["leader"], plan_id)


@pytest.mark.parametrize("title", ["", "   \n ", "x" * 201])
def test_an_analysis_needs_a_name_of_reasonable_length(users, title):
    plan = make_plan()
    with pytest.raises(ValueError):
        services.create_analysis(users["leader"], plan.id, title=title)
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 0


def test_an_analysis_cannot_end_before_it_starts(users):
    plan = make_plan()
    with pytest.raises(ValueError, match="start date"):
        services.create_analysis(users["leader"], plan.id, title="Spring", since=date(2026, 3, 5),
                                 until=date(2026, 3, 4))


def test_an_analysis_refuses_unknown_sources(users):
    plan = make_plan()
    with pytest.raises(ValueError):
        services.create_analysis(users["leader"], plan.id, title="Typo", sources=["tweets"])
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 0


def test_an_analysis_of_a_missing_plan_is_not_found(users):
    with pytest.raises(RecordNotFound):
        services.create_analysis(users["leader"], 999_999, title="Nothing")


def test_creating_an_analysis_leaves_an_audit_row(users):
    plan = make_plan()
    analysis = services.create_analysis(
        users["leader"], plan.id, title="  Survey   answers  ",
        sources=[FeedbackSource.SURVEY_ANSWER, FeedbackSource.COMMENT], since=date(2026, 3, 1))
    assert (analysis.title, analysis.sources, analysis.is_default) == (
        "Survey answers", [FeedbackSource.COMMENT, FeedbackSource.SURVEY_ANSWER], False)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "themes.analysis_created"))
    assert (event.actor_id, event.target_type, event.target_id) == (users["leader"].id, "theme_analysis", analysis.id)
    assert event.details["since"] == "2026-03-01" and event.details["until"] is None


def test_the_default_analysis_reads_every_source(users):
    plan = plan_with_every_source(users["leader"])
    analysis = services.default_analysis(users["leader"], plan.id)
    assert sorted(item.source for item in services.analysis_items(analysis)) == sorted(services.SOURCES)


@pytest.mark.parametrize("sources, texts", [
    ([FeedbackSource.SURVEY_ANSWER], ["A survey answer about counselors"]),
    ([FeedbackSource.CONVERSATION_NOTE, FeedbackSource.PAPER_CARD],
     ["A card about tutoring", "A note about interpreters"]),
    ([FeedbackSource.COMMENT, FeedbackSource.PAPER_CARD], ["A card about tutoring", "A comment about buses"]),
])
def test_an_analysis_of_some_sources_reads_only_those(users, sources, texts):
    plan = plan_with_every_source(users["leader"])
    analysis = services.create_analysis(users["leader"], plan.id, title="Part", sources=sources)
    assert sorted(item.text for item in services.analysis_items(analysis)) == texts


def test_an_analysis_of_some_dates_reads_whole_days_of_the_district_from_since_to_until(users, app, monkeypatch):
    monkeypatch.setitem(app.config, "DISTRICT_TIMEZONE", "America/Chicago")  # UTC-6 in early March
    plan = make_plan()
    for body, local in [("Before", datetime(2026, 3, 1, 23, 59)), ("First day", datetime(2026, 3, 2, 0, 0)),
                        ("Last day", datetime(2026, 3, 5, 23, 30)), ("After", datetime(2026, 3, 6, 0, 1))]:
        add_comment(plan, body, created_at=local.replace(tzinfo=ZoneInfo("America/Chicago")).astimezone(UTC))
    analysis = services.create_analysis(users["leader"], plan.id, title="Early March",
                                        since=date(2026, 3, 2), until=date(2026, 3, 5))
    assert [item.text for item in services.analysis_items(analysis)] == ["First day", "Last day"]
    since_only = services.create_analysis(users["leader"], plan.id, title="Later", since=date(2026, 3, 5))
    assert [item.text for item in services.analysis_items(since_only)] == ["Last day", "After"]
    until_only = services.create_analysis(users["leader"], plan.id, title="Earlier", until=date(2026, 3, 1))
    assert [item.text for item in services.analysis_items(until_only)] == ["Before"]


def test_a_run_of_an_analysis_of_some_sources_clusters_only_those(users):
    plan = make_feedback_plan(per_topic=6)
    survey = make_survey(plan_id=plan.id)
    for n in range(3):
        add_response(survey, {question_of(survey, QuestionKind.LONG_TEXT): f"More art classes {n}"})
    analysis = services.create_analysis(users["leader"], plan.id, title="Survey",
                                        sources=[FeedbackSource.SURVEY_ANSWER])
    run = services.start_run(users["leader"], analysis)
    assert run.n_items == 3
    assert {key[0] for key in theme_keys(analysis)} == {FeedbackSource.SURVEY_ANSWER}


# Runs -----------------------------------------------------------------------------------------


def test_starting_a_run_runs_the_job_and_records_how_it_went(users):
    plan = make_feedback_plan(per_topic=12)
    analysis = services.default_analysis(users["leader"], plan.id)
    run = services.start_run(users["leader"], analysis)
    assert (run.status, run.progress, run.stage, run.error) == (RunStatus.DONE, 100, "done", "")
    assert run.n_items == 36 and 2 <= run.n_themes <= 8
    assert run.n_themes == len(services.active_themes(analysis))
    assert run.representation == "tfidf-lsa" and run.seconds > 0
    assert run.started_at is not None and run.finished_at is not None
    assert run.requested_by_id == users["leader"].id
    assert services.last_successful_run(analysis).id == services.last_finished_run(analysis).id == run.id
    assert services.active_run(analysis) is None
    assert audit_actions() == ["themes.run_started"]


def test_a_run_puts_each_topic_mostly_in_one_theme(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    rows = services.themed_items(analysis)
    assert all(row.assigned_by == AssignedBy.RUN and not row.is_new for row in rows)
    for topic in TOPICS:
        theme_id = topic_theme(analysis, topic)
        in_topic = [row for row in rows if topic_of(row.item.text) == topic]
        assert sum(row.theme_id == theme_id for row in in_topic) >= len(in_topic) / 2
    assert all(theme.generated_label and theme.label == theme.generated_label
               for theme in services.active_themes(analysis))


def test_starting_a_run_while_one_is_waiting_returns_that_one(users):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    waiting = ThemeRun(analysis_id=analysis.id, status=RunStatus.QUEUED)
    db.session.add(waiting)
    db.session.commit()
    assert services.start_run(users["leader"], analysis).id == waiting.id
    assert services.start_run(users["admin"], analysis, n_themes=3).id == waiting.id
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 1
    assert services.active_run(analysis).id == waiting.id


def test_starting_a_run_while_one_is_running_returns_that_one(users):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    running = ThemeRun(analysis_id=analysis.id, status=RunStatus.RUNNING, progress=40, stage="clustering")
    db.session.add(running)
    db.session.commit()
    assert services.start_run(users["leader"], analysis).id == running.id
    assert db.session.get(ThemeRun, running.id).status == RunStatus.RUNNING


def test_the_same_submission_token_twice_starts_one_run(users):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    first = services.start_run(users["leader"], analysis, submission_token="form-1")
    again = services.start_run(users["leader"], analysis, submission_token="form-1")
    assert first.id == again.id and first.status == RunStatus.DONE
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 1
    another = services.start_run(users["leader"], analysis, submission_token="form-2")
    assert another.id != first.id


@pytest.mark.parametrize("n_themes", [0, -1, 201])
def test_starting_a_run_refuses_a_bad_number_of_themes(users, n_themes):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    with pytest.raises(ValueError):
        services.start_run(users["leader"], analysis, n_themes=n_themes)
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 0


def test_a_run_with_a_number_of_themes_finds_that_many(users):
    plan = make_feedback_plan(per_topic=8)
    analysis = services.default_analysis(users["leader"], plan.id)
    run = services.start_run(users["leader"], analysis, n_themes=2)
    assert (run.n_themes_requested, run.n_themes) == (2, 2)


def test_a_run_over_no_feedback_finds_no_themes(users):
    plan = make_plan()
    analysis = services.default_analysis(users["leader"], plan.id)
    run = services.start_run(users["leader"], analysis)
    assert (run.status, run.n_items, run.n_themes) == (RunStatus.DONE, 0, 0)


def test_a_run_that_fails_is_stored_as_failed_with_its_error(users, app, monkeypatch):
    # A real misconfiguration: sentence embeddings asked for, none available.
    monkeypatch.setitem(app.config, "THEMES_REPRESENTATION", "embeddings")
    monkeypatch.setenv("ENGAGE_EMBEDDINGS_MODEL", "none")
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    run = services.start_run(users["leader"], analysis)
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error.startswith("EmbeddingsUnavailable:")
    assert services.active_run(analysis) is None
    assert services.last_finished_run(analysis).id == run.id and services.last_successful_run(analysis) is None
    assert services.active_themes(analysis) == []


def test_executing_a_run_that_fails_raises_after_storing_the_error(users, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the pipeline broke")

    monkeypatch.setattr(pipeline, "find_themes", broken)
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    run = services._new_run(users["leader"], analysis, None, None)
    with pytest.raises(RuntimeError, match="the pipeline broke"):
        services.execute_run(run.id)
    db.session.expire_all()
    stored = db.session.get(ThemeRun, run.id)
    assert (stored.status, stored.error) == (RunStatus.FAILED, "RuntimeError: the pipeline broke")
    # After a failure a leader can start again.
    monkeypatch.undo()
    assert services.start_run(users["leader"], analysis).status == RunStatus.DONE


def test_a_run_whose_results_cannot_be_saved_is_failed_not_left_running(users):
    def refuse_the_last_write(session, _context, _instances):
        if any(isinstance(obj, ThemeRun) and obj.status == RunStatus.DONE for obj in session.dirty):
            raise OperationalError("COMMIT", {}, Exception("the database went away"))

    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    event.listen(Session, "before_flush", refuse_the_last_write)
    try:
        run = services.start_run(users["leader"], analysis)
    finally:
        event.remove(Session, "before_flush", refuse_the_last_write)
    assert run.status == RunStatus.FAILED and "the database went away" in run.error
    assert services.active_themes(analysis) == []
    assert services.start_run(users["leader"], analysis).status == RunStatus.DONE


def test_executing_a_finished_run_again_does_nothing(users):
    analysis = ran_analysis(users["leader"], per_topic=4)
    run = services.last_successful_run(analysis)
    finished_at = run.finished_at
    assert services.execute_run(run.id).finished_at == finished_at


def test_running_now_reports_progress_up_to_done(users):
    plan = make_feedback_plan(per_topic=6)
    analysis = services.default_analysis(users["leader"], plan.id)
    seen = []
    run = services.run_analysis_now(None, analysis, progress=lambda stage, percent: seen.append((stage, percent)))
    assert run.status == RunStatus.DONE and run.requested_by_id is None
    percents = [percent for _stage, percent in seen]
    assert percents == sorted(percents) and seen[-1] == ("done", 100)
    assert {"reading", "saving"} <= {stage for stage, _ in seen}
    assert audit_actions() == []


# Who may do what -------------------------------------------------------------------------------

ACTIONS = {
    "list analyses": lambda actor, a, t: services.plans_with_analyses(actor),
    "open the default analysis": lambda actor, a, t: services.default_analysis(actor, a.plan_id),
    "open an analysis": lambda actor, a, t: services.get_analysis(actor, a.id),
    "create an analysis": lambda actor, a, t: services.create_analysis(actor, a.plan_id, title="Mine"),
    "start a run": lambda actor, a, t: services.start_run(actor, a),
    "open a theme": lambda actor, a, t: services.get_theme(actor, a, t.id),
    "rename a theme": lambda actor, a, t: services.rename_theme(actor, t, "Buses"),
    "write a response": lambda actor, a, t: services.save_response(actor, t, heard="h", will_do="w", publish=True),
    "mark off-topic": lambda actor, a, t: services.set_off_topic(actor, a, *services.analysis_items(a)[0].key, True),
    "move an item": lambda actor, a, t: services.move_item(actor, a, *services.analysis_items(a)[0].key, None),
}


@pytest.mark.parametrize("role, allowed", [("anonymous", False), ("participant", False), ("host", False),
                                           ("moderator", False), ("leader", True), ("admin", True)])
def test_only_leaders_and_admins_manage_themes(users, role, allowed):
    plan = make_feedback_plan(per_topic=2)
    analysis = services.default_analysis(None, plan.id)
    theme = Theme(analysis_id=analysis.id, key="t1", generated_label="bus")
    db.session.add(theme)
    db.session.commit()
    actor = AnonymousUserMixin() if role == "anonymous" else users[role]
    refused = []
    for name, action in ACTIONS.items():
        try:
            action(actor, analysis, theme)
        except PermissionDenied:
            refused.append(name)
    assert refused == ([] if allowed else list(ACTIONS))
    if not allowed:
        assert audit_actions() == [] and db.session.scalar(select(func.count()).select_from(ThemeRun)) == 0


# Re-runs keep what leaders did -------------------------------------------------------------------


def test_a_rerun_after_new_feedback_keeps_old_items_in_the_same_themes(users):
    analysis = ran_analysis(users["leader"], per_topic=20)
    before = theme_keys(analysis)
    add_comments(analysis_plan(analysis), per_topic=2, topics=TOPICS, start=20)
    rerun(users["leader"], analysis)
    after = theme_keys(analysis)
    assert len(after) == len(before) + 6
    kept = sum(after[key] == key_before for key, key_before in before.items())
    assert kept >= 0.9 * len(before), f"{kept} of {len(before)} kept their theme"


def test_a_rerun_on_the_same_feedback_changes_nothing(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    before = theme_keys(analysis)
    theme_ids = {t.key: t.id for t in services.active_themes(analysis)}
    rerun(users["leader"], analysis)
    assert theme_keys(analysis) == before
    assert {t.key: t.id for t in services.active_themes(analysis)} == theme_ids


def test_a_rename_survives_a_rerun(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    theme = services.get_theme(users["leader"], analysis, topic_theme(analysis, "bus"))
    services.rename_theme(users["leader"], theme, "  School   buses ")
    assert theme.label == "School buses"
    rerun(users["leader"], analysis)
    theme = db.session.get(Theme, theme.id)
    assert (theme.status, theme.label) == (ThemeStatus.ACTIVE, "School buses")
    assert theme.generated_label and theme.generated_label != theme.label


def test_renaming_to_nothing_goes_back_to_the_generated_label(users):
    analysis = ran_analysis(users["leader"], per_topic=4)
    theme = services.active_themes(analysis)[0]
    services.rename_theme(users["leader"], theme, "Mine")
    services.rename_theme(users["leader"], theme, "   ")
    assert theme.custom_label is None and theme.label == theme.generated_label
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "themes.renamed")
                               .order_by(AuditEvent.id)).all()[-1]
    assert event.details["changes"]["label"] == ["Mine", theme.generated_label]


def test_a_rename_too_long_is_refused(users):
    analysis = ran_analysis(users["leader"], per_topic=4)
    theme = services.active_themes(analysis)[0]
    with pytest.raises(ValueError):
        services.rename_theme(users["leader"], theme, "x" * 201)


def test_merged_items_count_toward_the_target_now_and_after_a_rerun(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    bus, counselors = topic_theme(analysis, "bus"), topic_theme(analysis, "counselors")
    merged_items = [key for key, theme_id in counted_toward(analysis).items() if theme_id == counselors]
    services.merge_themes(users["leader"], db.session.get(Theme, counselors), db.session.get(Theme, bus))
    assert all(counted_toward(analysis)[key] == bus for key in merged_items)
    assert counselors not in {t.id for t in services.active_themes(analysis)}

    rerun(users["leader"], analysis)
    counts = counted_toward(analysis)
    assert sum(counts[key] == bus for key in merged_items) >= 0.9 * len(merged_items)
    merged = db.session.get(Theme, counselors)
    assert (merged.status, merged.merged_into_id) == (ThemeStatus.MERGED, bus)
    assert db.session.get(Theme, bus).status == ThemeStatus.ACTIVE
    assert audit_actions()[-2:] == ["themes.merged", "themes.run_started"]


def test_a_theme_cannot_be_merged_with_itself_or_a_merged_one(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    first, second, third = services.active_themes(analysis)[:3]
    with pytest.raises(ValueError):
        services.merge_themes(users["leader"], first, first)
    services.merge_themes(users["leader"], first, second)
    with pytest.raises(ValueError):
        services.merge_themes(users["leader"], third, first)
    with pytest.raises(ValueError):
        services.merge_themes(users["leader"], first, third)


def test_a_theme_merged_earlier_follows_its_target_into_a_later_merge(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    first, second, third = services.active_themes(analysis)[:3]
    services.merge_themes(users["leader"], first, second)
    services.merge_themes(users["leader"], second, third)
    assert (first.merged_into_id, second.merged_into_id) == (third.id, third.id)
    assert set(counted_toward(analysis).values()) - {None} == {t.id for t in services.active_themes(analysis)}


def test_a_split_makes_new_themes_from_the_original_and_retires_it(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    bus, translation = topic_theme(analysis, "bus"), topic_theme(analysis, "translation")
    services.merge_themes(users["leader"], db.session.get(Theme, translation), db.session.get(Theme, bus))
    members = [key for key, theme_id in counted_toward(analysis).items() if theme_id == bus]
    next_number = analysis.next_theme_number

    parts = services.split_theme(users["leader"], db.session.get(Theme, bus), n_parts=2)

    assert len(parts) == 2
    assert all(part.split_from_id == bus and part.status == ThemeStatus.ACTIVE for part in parts)
    assert [part.key for part in parts] == [f"t{next_number}", f"t{next_number + 1}"]
    assert db.session.get(Theme, bus).status == ThemeStatus.RETIRED
    assert db.session.get(Theme, translation).status == ThemeStatus.RETIRED
    counts = counted_toward(analysis)
    assert {counts[key] for key in members} == {part.id for part in parts}
    assert audit_actions()[-1] == "themes.split"


def test_split_themes_survive_a_rerun(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    theme = largest_theme(analysis)
    parts = services.split_theme(users["leader"], theme, n_parts=2)
    part_keys = {part.key for part in parts}
    members_before = {key: k for key, k in theme_keys(analysis).items() if k in part_keys}

    rerun(users["leader"], analysis)

    active = {t.key: t for t in services.active_themes(analysis)}
    assert part_keys <= set(active)
    assert db.session.get(Theme, theme.id).status == ThemeStatus.RETIRED
    after = theme_keys(analysis)
    kept = sum(after[key] == k for key, k in members_before.items())
    assert kept >= 0.8 * len(members_before)


@pytest.mark.parametrize("n_parts", [1, 9])
def test_a_split_into_a_bad_number_of_parts_is_refused(users, n_parts):
    analysis = ran_analysis(users["leader"], per_topic=12)
    with pytest.raises(ValueError):
        services.split_theme(users["leader"], largest_theme(analysis), n_parts=n_parts)


def test_a_moved_item_stays_where_the_leader_put_it_after_a_rerun(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    bus, counselors = topic_theme(analysis, "bus"), topic_theme(analysis, "counselors")
    item = next(row.item for row in services.themed_items(analysis) if row.theme_id == bus)
    services.move_item(users["leader"], analysis, item.source, item.source_id, db.session.get(Theme, counselors))
    other = next(row.item for row in services.themed_items(analysis) if row.theme_id == bus)
    services.move_item(users["leader"], analysis, other.source, other.source_id, None)

    rerun(users["leader"], analysis)

    rows = {row.item.key: row for row in services.themed_items(analysis)}
    assert (rows[item.key].theme_id, rows[item.key].assigned_by) == (counselors, AssignedBy.LEADER)
    assert (rows[other.key].theme_id, rows[other.key].assigned_by) == (None, AssignedBy.LEADER)
    assert audit_actions().count("themes.item_moved") == 2


def test_an_item_cannot_be_moved_to_a_merged_theme_or_out_of_scope(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    first, second = services.active_themes(analysis)[:2]
    services.merge_themes(users["leader"], first, second)
    item = services.analysis_items(analysis)[0]
    with pytest.raises(ValueError):
        services.move_item(users["leader"], analysis, item.source, item.source_id, first)
    with pytest.raises(RecordNotFound):
        services.move_item(users["leader"], analysis, FeedbackSource.COMMENT, 999_999, second)
    with pytest.raises(RecordNotFound):
        services.move_item(users["leader"], analysis, "tweet", item.source_id, second)


def test_an_off_topic_item_is_left_out_of_runs_and_stays_off_topic(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    item = services.analysis_items(analysis)[0]
    services.set_off_topic(users["leader"], analysis, item.source, item.source_id, True)

    run = rerun(users["leader"], analysis)

    assert run.n_items == 35
    row = next(row for row in services.themed_items(analysis) if row.item.key == item.key)
    assert row.off_topic and row.representative_rank is None
    assert audit_actions().count("themes.item_off_topic") == 1

    services.set_off_topic(users["leader"], analysis, item.source, item.source_id, False)
    assert rerun(users["leader"], analysis).n_items == 36
    assert audit_actions().count("themes.item_on_topic") == 1


def test_an_item_can_be_marked_off_topic_before_the_first_run(users):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    item = services.analysis_items(analysis)[0]
    services.set_off_topic(users["leader"], analysis, item.source, item.source_id, True)
    assert services.start_run(users["leader"], analysis).n_items == 11


def test_hidden_and_deleted_comments_lose_their_theme_on_rerun(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    first, second = (db.session.get(Comment, item.source_id) for item in services.analysis_items(analysis)[:2])
    comments.hide_comment(users["moderator"], first, reason="Personal attack")
    comments.delete_comment(db.session.get(User, second.author_id), second)

    run = rerun(users["leader"], analysis)

    assert run.n_items == 34
    keys = theme_keys(analysis)
    assert (FeedbackSource.COMMENT, first.id) not in keys and (FeedbackSource.COMMENT, second.id) not in keys
    assert len(keys) == 34


# New feedback between runs ---------------------------------------------------------------------------


def test_new_items_wait_for_the_first_run(users):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    assert services.assign_new_items(analysis) == 0
    assert db.session.scalar(select(func.count()).select_from(ThemeAssignment)) == 0


def test_a_new_comment_goes_to_its_nearest_theme_and_shows_as_new(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    bus, counselors = topic_theme(analysis, "bus"), topic_theme(analysis, "counselors")
    plan = analysis_plan(analysis)
    late_bus = add_comment(plan, "The school bus was late again and the bus route skipped our stop")
    counselor = add_comment(plan, "We need a counselor for student mental health at every school")

    assert services.assign_new_items(analysis) == 2

    rows = {row.item.key: row for row in services.themed_items(analysis)}
    bus_row, counselor_row = rows[(FeedbackSource.COMMENT, late_bus.id)], rows[(FeedbackSource.COMMENT, counselor.id)]
    assert (bus_row.theme_id, bus_row.assigned_by, bus_row.is_new) == (bus, AssignedBy.NEAREST, True)
    assert (counselor_row.theme_id, counselor_row.is_new) == (counselors, True)
    assert sum(row.is_new for row in rows.values()) == 2
    assert services.assign_new_items(analysis) == 0


def test_a_rerun_clears_new(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    add_comment(analysis_plan(analysis), "The school bus was late again")
    services.assign_new_items(analysis)
    run = rerun(users["leader"], analysis)
    rows = services.themed_items(analysis)
    assert run.n_items == 37 and not any(row.is_new for row in rows)
    assert {row.assigned_by for row in rows} == {AssignedBy.RUN}


def test_a_new_comment_in_a_merged_theme_counts_toward_the_target(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    bus, counselors = topic_theme(analysis, "bus"), topic_theme(analysis, "counselors")
    services.merge_themes(users["leader"], db.session.get(Theme, counselors), db.session.get(Theme, bus))
    comment = add_comment(analysis_plan(analysis), "Hire more school counselors for mental health")
    services.assign_new_items(analysis)
    assert counted_toward(analysis)[(FeedbackSource.COMMENT, comment.id)] == bus


def test_many_new_items_are_placed_by_the_background_job(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    made = add_comments(analysis_plan(analysis), per_topic=2, topics=TOPICS, start=12)
    # Above the limit the job does it (at once here: QUEUE_IMMEDIATE), and 0 were placed inline.
    assert services.assign_new_items(analysis, inline_max=5) == 0
    rows = {row.item.key: row for row in services.themed_items(analysis)}
    assert all(rows[(FeedbackSource.COMMENT, c.id)].assigned_by == AssignedBy.NEAREST for c in made)
    assert sum(row.is_new for row in rows.values()) == 6


# Responses ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("heard, will_do, publish", [
    ("x" * 5001, "Fine", False),
    ("Fine", "x" * 5001, False),
    ("We heard you", "", True),
    ("  ", "We will add buses", True),
])
def test_a_response_is_checked_before_it_is_saved(users, heard, will_do, publish):
    analysis = ran_analysis(users["leader"], per_topic=4)
    theme = services.active_themes(analysis)[0]
    with pytest.raises(ValueError):
        services.save_response(users["leader"], theme, heard=heard, will_do=will_do, publish=publish)
    db.session.expire_all()
    theme = db.session.get(Theme, theme.id)
    assert (theme.response_heard, theme.response_will_do, theme.response_published_at) == ("", "", None)


def test_publishing_and_unpublishing_a_response_is_dated_and_audited(users):
    analysis = ran_analysis(users["leader"], per_topic=4)
    theme = services.active_themes(analysis)[0]
    leader = users["leader"]

    services.save_response(leader, theme, heard="Buses are late", will_do="", publish=False)
    assert theme.response_published_at is None and theme.response_updated_by_id == leader.id
    services.save_response(leader, theme, heard=" Buses are late ", will_do="New routes in May", publish=True)
    published_at = theme.response_published_at
    assert published_at is not None and theme.response_will_do == "New routes in May"
    services.save_response(leader, theme, heard="Buses are late", will_do="New routes in April", publish=True)
    assert theme.response_published_at == published_at
    services.save_response(leader, theme, heard="Buses are late", will_do="New routes in April", publish=True)
    services.save_response(leader, theme, heard="Buses are late", will_do="New routes in April", publish=False)
    assert theme.response_published_at is None

    assert audit_actions() == ["themes.run_started", "themes.response_edited", "themes.response_published",
                               "themes.response_edited", "themes.response_unpublished"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "themes.response_edited")
                               .order_by(AuditEvent.id)).all()[-1]
    assert event.details["changes"] == {"response_will_do": ["New routes in May", "New routes in April"]}


def test_only_active_published_responses_of_the_plan_are_public(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    first, second, third = services.active_themes(analysis)[:3]
    for theme in (first, second, third):
        services.save_response(users["leader"], theme, heard=f"Heard {theme.key}", will_do="Will do", publish=True)
    services.save_response(users["leader"], third, heard=f"Heard {third.key}", will_do="Will do", publish=False)
    other_plan = ran_analysis(users["leader"], per_topic=4, title="Another plan")
    services.save_response(users["leader"], services.active_themes(other_plan)[0], heard="Elsewhere",
                           will_do="Elsewhere", publish=True)
    assert {t.id for t in services.published_responses(analysis.plan_id)} == {first.id, second.id}

    services.merge_themes(users["leader"], second, first)
    assert [t.id for t in services.published_responses(analysis.plan_id)] == [first.id]


def test_a_published_response_stays_public_when_a_run_no_longer_finds_its_theme(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    theme = services.active_themes(analysis)[0]
    services.save_response(users["leader"], theme, heard="We heard you", will_do="We will act", publish=True)
    theme.status = ThemeStatus.RETIRED
    db.session.commit()
    assert [t.id for t in services.published_responses(analysis.plan_id)] == [theme.id]


def _queued_run(analysis, **fields) -> ThemeRun:
    run = ThemeRun(analysis_id=analysis.id, status=RunStatus.RUNNING, **fields)
    db.session.add(run)
    db.session.commit()
    return run


def test_a_run_silent_for_longer_than_the_limit_no_longer_blocks_new_runs(app, users):
    analysis = ran_analysis(users["leader"], per_topic=6)
    silent_since = utcnow() - timedelta(minutes=app.config["THEMES_RUN_STALE_MINUTES"] + 5)
    stuck = _queued_run(analysis, started_at=silent_since, progressed_at=silent_since)
    fresh = services.start_run(users["leader"], analysis)
    assert fresh.id != stuck.id and fresh.status == RunStatus.DONE
    db.session.refresh(stuck)
    assert stuck.status == RunStatus.FAILED and "no progress" in stuck.error


def test_a_run_that_reported_progress_recently_still_counts_as_running(app, users):
    analysis = ran_analysis(users["leader"], per_topic=6)
    long_ago = utcnow() - timedelta(minutes=app.config["THEMES_RUN_STALE_MINUTES"] + 5)
    running = _queued_run(analysis, started_at=long_ago, progressed_at=utcnow() - timedelta(minutes=1))
    assert services.start_run(users["leader"], analysis).id == running.id


@pytest.mark.parametrize("edit", ["merge", "split", "move"])
def test_structural_edits_wait_while_a_run_is_under_way(users, edit):
    analysis = ran_analysis(users["leader"], per_topic=12)
    first, second = services.active_themes(analysis)[:2]
    _queued_run(analysis, started_at=utcnow(), progressed_at=utcnow())
    item = next(row.item for row in services.themed_items(analysis) if row.theme_id == first.id)
    with pytest.raises(ValueError, match="running"):
        if edit == "merge":
            services.merge_themes(users["leader"], second, first)
        elif edit == "split":
            services.split_theme(users["leader"], first, 2)
        else:
            services.move_item(users["leader"], analysis, item.source, item.source_id, second)
    assert {t.status for t in (first, second)} == {ThemeStatus.ACTIVE}


# The sentence-embedding cache -------------------------------------------------------------------------------


class HashedWords:
    """A tiny deterministic "sentence embedding": hashed bag of words, unit rows; counts its work."""

    name = "hashed-words-test"
    dim = 64

    def __init__(self):
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def fit_transform(self, texts):
        return self.embed(list(texts))


def test_embeddings_are_computed_once_and_reused(users):
    plan = make_feedback_plan(per_topic=4)
    items = plan_feedback_items(plan.id)
    model = HashedWords()
    first = services.cached_embeddings(items, model)
    assert len(model.embedded) == 12 and first.shape == (12, 64)
    assert db.session.scalar(select(func.count()).select_from(FeedbackEmbedding)
                             .where(FeedbackEmbedding.model == model.name)) == 12

    db.session.expire_all()
    again = services.cached_embeddings(items, model)
    assert len(model.embedded) == 12
    np.testing.assert_allclose(again, first)


def test_an_edited_text_is_embedded_again(users):
    plan = make_feedback_plan(per_topic=4)
    model = HashedWords()
    services.cached_embeddings(plan_feedback_items(plan.id), model)
    comment = db.session.get(Comment, plan_feedback_items(plan.id)[0].source_id)
    comment.body = "An edited comment about lunch"
    db.session.commit()

    vectors = services.cached_embeddings(plan_feedback_items(plan.id), model)

    assert model.embedded[12:] == ["An edited comment about lunch"]
    assert db.session.scalar(select(func.count()).select_from(FeedbackEmbedding)) == 12
    index = [item.source_id for item in plan_feedback_items(plan.id)].index(comment.id)
    np.testing.assert_allclose(vectors[index], model.embed(["An edited comment about lunch"])[0])


def test_a_run_with_a_sentence_embedding_model_uses_and_fills_the_cache(users, monkeypatch):
    model = HashedWords()
    monkeypatch.setattr(services, "representation_for", lambda setting: model)
    plan = make_feedback_plan(per_topic=8)
    analysis = services.default_analysis(users["leader"], plan.id)

    item_texts = {item.text for item in plan_feedback_items(plan.id)}

    def items_embedded() -> int:  # the model also embeds candidate names (clauses of the items) each run
        return sum(1 for text in model.embedded if text in item_texts)

    run = services.start_run(users["leader"], analysis)

    assert (run.status, run.representation, run.n_items) == (RunStatus.DONE, "hashed-words-test", 24), run.error
    assert run.n_themes >= 1 and items_embedded() == 24
    assert db.session.scalar(select(func.count()).select_from(FeedbackEmbedding)) == 24
    rerun(users["leader"], analysis)
    assert items_embedded() == 24


# Following merges ------------------------------------------------------------------------------------------


def _theme(id_: int, status: str = ThemeStatus.ACTIVE, into: int | None = None) -> Theme:
    return Theme(id=id_, key=f"t{id_}", status=status, merged_into_id=into)


def test_effective_theme_ids_follow_chains_of_merges():
    themes = [_theme(1, ThemeStatus.MERGED, 2), _theme(2, ThemeStatus.MERGED, 3), _theme(3), _theme(4)]
    assert services.effective_theme_ids(themes) == {1: 3, 2: 3, 3: 3, 4: 4}


def test_effective_theme_ids_of_retired_themes_and_merges_into_them_are_none():
    themes = [_theme(1, ThemeStatus.RETIRED), _theme(2, ThemeStatus.MERGED, 1), _theme(3, ThemeStatus.MERGED, 99)]
    assert services.effective_theme_ids(themes) == {1: None, 2: None, 3: None}


def test_effective_theme_ids_survive_a_cycle_of_merges():
    themes = [_theme(1, ThemeStatus.MERGED, 2), _theme(2, ThemeStatus.MERGED, 1)]
    assert services.effective_theme_ids(themes) == {1: None, 2: None}


# Regressions ---------------------------------------------------------------------------------------------


def test_a_rerun_takes_the_same_number_of_queries_however_many_items(users):
    plan = make_feedback_plan(per_topic=6)
    analysis = services.default_analysis(users["leader"], plan.id)

    def queries_for_a_rerun() -> int:
        # A set number of themes: choosing one reports progress a varying number of times.
        services.start_run(users["leader"], analysis, n_themes=3)
        with count_queries() as counter:
            assert services.start_run(users["leader"], analysis, n_themes=3).status == RunStatus.DONE
        return counter.count

    small = queries_for_a_rerun()
    add_comments(plan, per_topic=20, topics=TOPICS, start=6)
    assert queries_for_a_rerun() == small


def test_feedback_placed_while_a_run_works_is_kept_and_moves_wait_for_the_run(users, app, monkeypatch):
    analysis = ran_analysis(users["leader"], per_topic=12)
    bus, counselors = topic_theme(analysis, "bus"), topic_theme(analysis, "counselors")
    late = add_comment(analysis_plan(analysis), "The school bus was late again")
    moved = next(row.item for row in services.themed_items(analysis) if row.theme_id == bus)
    find_themes = pipeline.find_themes

    def meanwhile_on_the_dashboard(*args, **kwargs):
        result = find_themes(*args, **kwargs)
        # Another request, with its own session, while the job clusters.
        with app.app_context(), app.test_request_context():
            other = services.get_analysis(users["leader"], analysis.id)
            services.assign_new_items(other)
            with pytest.raises(ValueError, match="running"):
                services.move_item(users["leader"], other, moved.source, moved.source_id,
                                   db.session.get(Theme, counselors))
        return result

    monkeypatch.setattr(pipeline, "find_themes", meanwhile_on_the_dashboard)
    run = services.start_run(users["leader"], analysis)

    assert (run.status, run.error) == (RunStatus.DONE, "")
    rows = {row.item.key: row for row in services.themed_items(analysis)}
    assert rows[(FeedbackSource.COMMENT, late.id)].assigned_by == AssignedBy.RUN
    assert (rows[moved.key].theme_id, rows[moved.key].assigned_by) == (bus, AssignedBy.RUN)


def test_theme_keys_are_never_reused_after_every_theme_was_retired(users):
    analysis = ran_analysis(users["leader"], per_topic=12)
    old = {theme.key: theme.id for theme in services.active_themes(analysis)}
    services.rename_theme(users["leader"], db.session.get(Theme, old["t1"]), "Last year's buses")
    for item in services.analysis_items(analysis):
        comments.hide_comment(users["moderator"], db.session.get(Comment, item.source_id), reason="Spam")
    assert rerun(users["leader"], analysis).n_themes == 0
    assert services.active_themes(db.session.get(ThemeAnalysis, analysis.id)) == []
    add_comments(analysis_plan(analysis), per_topic=8, topics=TOPICS, start=100)

    rerun(users["leader"], analysis)

    active = services.active_themes(db.session.get(ThemeAnalysis, analysis.id))
    assert active and not {theme.key for theme in active} & set(old)
    assert "Last year's buses" not in {theme.label for theme in active}
