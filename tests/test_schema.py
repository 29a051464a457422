"""The migrations build exactly the schema the models describe, and each goes down and up again."""

import os
from contextlib import nullcontext

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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


def test_every_migration_goes_down_and_up_again(app, tmp_path):
    server = os.environ.get("TEST_DATABASE_URL")
    with postgres_test_database(server) if server else nullcontext(f"sqlite:///{tmp_path / 'migrations.sqlite3'}") as url:
        scratch = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
        try:
            with scratch.app_context():
                upgrade()
                revisions = _revision_count()
                for _ in range(revisions):  # one step down at a time, to the empty database
                    downgrade(revision="-1")
                assert inspect(db.engine).get_table_names() == ["alembic_version"]
                upgrade()
                assert _differences() == []
                db.engine.dispose()
        finally:
            queue.init_app(app)  # threads without an app context use the suite's app again


def _revision_count() -> int:
    config = current_app.extensions["migrate"].migrate.get_config()
    return sum(1 for _ in ScriptDirectory.from_config(config).walk_revisions())
