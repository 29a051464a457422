"""`flask --app engage demo` loads a fictional district once, and never in production."""

from __future__ import annotations

from sqlalchemy import func, select

from config import ProductionConfig
from engage import create_app
from engage.accounts.models import User
from engage.demo.data import DEMO_PASSWORD, ROLE_USERS
from engage.extensions import db
from engage.orgs.models import Organization, School
from engage.permissions import Permission, can


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (User, School, Organization))


def test_demo_data_loads_once_and_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.org" in first.output and DEMO_PASSWORD in first.output
    after_first = counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert counts() == after_first
    assert after_first[1] >= 5 and after_first[2] >= 5


def test_every_demo_login_works_with_its_role(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    from tests.conftest import log_in, post_form

    for email, _name, role, _org in ROLE_USERS:
        assert log_in(client, email, DEMO_PASSWORD).status_code == 302, email
        post_form(client, "/logout")
    host = db.session.scalar(select(User).where(User.email == "host@example.org"))
    assert can(host, Permission.HOST)


def test_demo_is_refused_in_production(tmp_path):
    app = create_app(ProductionConfig, {"SECRET_KEY": "y" * 64, "BASE_URL": "https://engage.example.org",
                                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refused in production" in result.output


def test_create_admin_command_makes_an_administrator(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "boss@example.org", "--password", "a strong passphrase"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role == "admin" and user.check_password("a strong passphrase")


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "boss@example.org", "--password", "short"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User)) is None
