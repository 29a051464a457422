"""`flask --app engage themes run`: the themes job from the command line.

End to end, the command runs in a process of its own against a database file
(SQLite) or a PostgreSQL database the test prepares and migrates, as an
operator would run it; the option checks and errors run in this process
(a process costs seconds of imports).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from config import TestingConfig
from engage import create_app, queue
from engage.extensions import db
from engage.themes import services
from engage.themes.models import RunStatus, Theme, ThemeAnalysis, ThemeAssignment, ThemeRun, ThemeStatus
from tests.support.environment import postgres_test_database
from tests.themes.factories import make_feedback_plan

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SUMMARY = re.compile(r"^(\d+) themes from (\d+) items in \d+\.\d s \(tfidf-lsa\); "
                     r"run (\d+) of analysis (\d+) \(plan (\d+)\)\.$", re.MULTILINE)


@pytest.fixture(params=["sqlite", "postgresql"])
def operator_database(request, app, tmp_path):
    """A migrated database of its own with a plan of 3 x 8 comments: (its URL, an app on it, the plan's id).

    PostgreSQL is the one at TEST_DATABASE_URL (or the Makefile's default); when it
    cannot be reached the test is skipped locally and fails in CI.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'operator.sqlite3'}"
        yield from _prepared(url, app)
    else:
        with postgres_test_database(POSTGRES_URL) as url:
            yield from _prepared(url, app)


def _prepared(url: str, suite_app):
    operator_app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    try:
        with operator_app.app_context():
            upgrade()
            plan_id = make_feedback_plan(per_topic=8).id
            db.session.remove()
            yield url, operator_app, plan_id
            db.session.remove()
            db.engine.dispose()
    finally:
        queue.init_app(suite_app)


def flask_command(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENGAGE_ENV": "development", "DATABASE_URL": database_url,
           "THEMES_REPRESENTATION": "tfidf", "QUEUE_IMMEDIATE": "1"}
    env.pop("REDIS_URL", None)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "engage", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_runs_a_plans_themes_and_stores_them(operator_database):
    url, operator_app, plan_id = operator_database

    result = flask_command(url, "themes", "run", "--plan", str(plan_id))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    summary = SUMMARY.search(result.stdout)
    assert summary, result.stdout
    n_themes, n_items, run_id, analysis_id, summary_plan = map(int, summary.groups())
    assert (n_items, summary_plan) == (24, plan_id) and n_themes >= 2
    with operator_app.app_context():
        analysis = db.session.get(ThemeAnalysis, analysis_id)
        assert analysis.is_default and analysis.plan_id == plan_id
        run = db.session.get(ThemeRun, run_id)
        assert (run.status, run.progress, run.n_themes, run.requested_by_id) == (RunStatus.DONE, 100, n_themes, None)
        assert db.session.scalar(select(func.count()).select_from(Theme).where(
            Theme.analysis_id == analysis_id, Theme.status == ThemeStatus.ACTIVE)) == n_themes
        assert db.session.scalar(select(func.count()).select_from(ThemeAssignment).where(
            ThemeAssignment.analysis_id == analysis_id)) == 24


# The same command, in this process --------------------------------------------------------------------------


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["themes", "run", *args])


@pytest.mark.parametrize("args", [(), ("--plan", "1", "--analysis", "1")])
def test_the_command_needs_a_plan_or_an_analysis(app, args):
    result = invoke(app, *args)
    assert result.exit_code == 2
    assert "Give --plan ID or --analysis ID." in result.output


@pytest.mark.parametrize("n_themes", ["0", "201", "many"])
def test_the_command_refuses_a_bad_number_of_themes(app, n_themes):
    result = invoke(app, "--plan", "1", "--n-themes", n_themes)
    assert result.exit_code == 2 and "--n-themes" in result.output


def test_the_command_runs_a_chosen_analysis_with_a_number_of_themes(users, app):
    plan = make_feedback_plan(per_topic=6)
    analysis = services.create_analysis(users["leader"], plan.id, title="Comments", sources=["comment"])

    result = invoke(app, "--analysis", str(analysis.id), "--n-themes", "2")

    assert result.exit_code == 0, result.output
    assert "2 themes from 18 items" in result.output and f"of analysis {analysis.id} (plan {plan.id})" in result.output
    assert len(services.active_themes(db.session.get(ThemeAnalysis, analysis.id))) == 2


@pytest.mark.parametrize("option, message", [("--plan", "No such plan."), ("--analysis", "No such analysis.")])
@pytest.mark.parametrize("value", ["999999", "0", "-1"])
def test_the_command_says_so_when_there_is_no_such_plan_or_analysis(app, option, message, value):
    result = invoke(app, option, value)
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 0


def test_a_failed_run_from_the_command_says_why_and_is_stored(app, monkeypatch):
    monkeypatch.setitem(app.config, "THEMES_REPRESENTATION", "embeddings")
    monkeypatch.setenv("ENGAGE_EMBEDDINGS_MODEL", "none")
    plan = make_feedback_plan(per_topic=4)

    result = invoke(app, "--plan", str(plan.id))

    assert result.exit_code == 1
    assert "The run failed: no sentence-embedding model loads here" in result.output
    run = db.session.scalar(select(ThemeRun))
    assert run.status == RunStatus.FAILED and "EmbeddingsUnavailable" in run.error


def test_the_command_finishes_a_run_a_stopped_worker_left_running(app):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(None, plan.id)
    stuck = ThemeRun(analysis_id=analysis.id, status=RunStatus.RUNNING, progress=40, stage="clustering")
    db.session.add(stuck)
    db.session.commit()

    result = invoke(app, "--plan", str(plan.id))

    assert result.exit_code == 0, result.output
    assert f"run {stuck.id} of analysis {analysis.id}" in result.output
    db.session.expire_all()
    assert db.session.get(ThemeRun, stuck.id).status == RunStatus.DONE
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 1
