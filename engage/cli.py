"""Commands: `flask --app engage demo`, `flask --app engage users create-admin`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .accounts.forms import PASSWORD_MIN
from .accounts.services import make_administrator
from .plans.cli import plans_cli
from .permissions import Role


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(plans_cli)


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the fictional demo district (safe to run again)."""
    from .demo.data import DEMO_PASSWORD, ROLE_USERS, load_demo_data

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "The demo data has well-known passwords and is refused in production (ENGAGE_ENV=production)."
        )
    added = load_demo_data()
    click.echo(
        f"Demo data ready (added {added['schools']} schools, {added['organizations']} organizations, "
        f"{added['users']} people, {added['plans']} plans ({added['plan_versions']} versions), "
        f"{added['comments']} comments, {added['supports']} agreements, {added['flags']} flags, "
        f"{added['surveys']} survey with {added['survey_responses']} responses)."
    )
    click.echo(f"Sign in with any of these, password {DEMO_PASSWORD}:")
    for email, _name, role, org in ROLE_USERS:
        click.echo(f"  {email:<26} {role.value}{' (host: ' + org + ')' if org and role == Role.PARTICIPANT else ''}")


users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
@click.password_option(help="Prompted for when not given.")
def create_admin(email: str, name: str, password: str):
    """Create an administrator account, or make an existing account one."""
    if len(password) < PASSWORD_MIN:
        raise click.ClickException(f"The password needs at least {PASSWORD_MIN} characters.")
    user = make_administrator(email=email, display_name=name, password=password)
    click.echo(f"{user.email} is an administrator.")
