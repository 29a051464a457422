"""The migrations build exactly the schema the models describe, and each goes down and up again."""

import json
import os
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, inspect, text

from config import TestingConfig
from engage import create_app, queue
from engage.extensions import db
from tests.support.environment import postgres_test_database


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(app):
    assert _differences() == [], "models changed without a migration: run `flask --app engage db migrate`"


@contextmanager
def _scratch_database(app, tmp_path):
    """An empty database (on the test server when there is one) and an app using it, in its context."""
    server = os.environ.get("TEST_DATABASE_URL")
    with postgres_test_database(server) if server else nullcontext(f"sqlite:///{tmp_path / 'scratch.sqlite3'}") as url:
        scratch = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
        try:
            with scratch.app_context():
                yield
                db.engine.dispose()
        finally:
            queue.init_app(app)  # threads without an app context use the suite's app again


def test_every_migration_goes_down_and_up_again(app, tmp_path):
    with _scratch_database(app, tmp_path):
        upgrade()
        revisions = _revision_count()
        for _ in range(revisions):  # one step down at a time, to the empty database
            downgrade(revision="-1")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert _differences() == []


def test_surveys_spanish_columns_move_into_content_translations_and_back(app, tmp_path):
    with _scratch_database(app, tmp_path):
        upgrade(revision="0021")
        now = datetime.now(UTC)
        tables = MetaData()
        surveys, questions = (Table(name, tables, autoload_with=db.engine)
                              for name in ("surveys", "survey_questions"))
        with db.engine.begin() as connection:
            connection.execute(surveys.insert().values(
                id=1, title="Buses", title_es="Autobuses", introduction="Tell us.", introduction_es=None,
                status="published", audience="anyone", anonymity="identified", paged=False,
                created_at=now, updated_at=now))
            connection.execute(questions.insert().values(
                id=7, survey_id=1, position=0, kind="single_choice", prompt="Which?", prompt_es="¿Cuál?",
                required=False, allow_other=False,
                options=[{"key": "a", "label": "Early", "label_es": "Temprano"},
                         {"key": "b", "label": "Late", "label_es": None}]))
        upgrade(revision="0022")
        with db.engine.connect() as connection:
            moved = connection.execute(text(
                "SELECT path, text, source_text FROM content_translations WHERE scope = 'survey:1' "
                "AND language = 'es' ORDER BY path")).all()
            options = connection.execute(text("SELECT options FROM survey_questions")).scalar()
        assert [tuple(row) for row in moved] == [("question:7.option:a", "Temprano", "Early"),
                                                 ("question:7.prompt", "¿Cuál?", "Which?"),
                                                 ("title", "Autobuses", "Buses")]
        assert _json(options) == [
            {"key": "a", "label": "Early"}, {"key": "b", "label": "Late"}]
        downgrade(revision="0021")
        with db.engine.connect() as connection:
            assert tuple(connection.execute(text("SELECT title_es, introduction_es FROM surveys")).one()) == (
                "Autobuses", None)
            prompt_es, options = connection.execute(text("SELECT prompt_es, options FROM survey_questions")).one()
        assert prompt_es == "¿Cuál?"
        assert [option["label_es"] for option in _json(options)] == ["Temprano", None]


def _json(value):
    """A JSON column read with plain SQL: text on SQLite, already parsed on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _revision_count() -> int:
    config = current_app.extensions["migrate"].migrate.get_config()
    return sum(1 for _ in ScriptDirectory.from_config(config).walk_revisions())
