"""Commands: `flask --app engage demo`, `users create-admin`, `queue worker`, `queue run-reminders`."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .accounts.forms import PASSWORD_MIN
from .accounts.services import make_administrator
from .permissions import Role


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(queue_cli)


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
    if not any(added.values()):
        click.echo("The demo district is already loaded: nothing was added.")
    else:
        click.echo(
            f"Demo data ready (added {added['schools']} schools, {added['organizations']} organizations, "
            f"{added['users']} people, {added['plans']} plans ({added['plan_versions']} versions), "
            f"{added['comments']} comments, {added['supports']} agreements, {added['flags']} flags, "
            f"{added['surveys']} survey with {added['survey_responses']} responses, "
            f"{added['conversation_sessions']} community conversations with {added['registrations']} sign-ups "
            f"and {added['conversation_notes']} hosts' notes, "
            # What the components' own demo seeds added, counted under their own words ("progress updates").
            + "".join(f"{count} {kind}, " for kind, count in added.items() if " " in kind)
            + f"{added.get('outcomes', 0)} \"you said, we did\" links, "
            f"{added.get('enrollment_figures', 0)} enrollment figures)."
        )
    if added["registrations"] and not current_app.config["QUEUE_IMMEDIATE"]:
        click.echo("Their confirmation emails wait in the job queue until a consumer sends them to the outbox "
                   "(`make demo` runs one; or `flask --app engage queue worker`).")
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


queue_cli = AppGroup("queue", help="Run background jobs (emails, reminders).")


@queue_cli.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Jobs run at the same time (threads).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also schedule the periodic jobs; with several consumers, leave it on for one only.")
def queue_worker(workers: int, periodic: bool):
    """Run queued jobs, and the periodic ones (reminders every 15 minutes), until stopped.

    SIGTERM (what systemd and `kill` send) lets running jobs finish first;
    Ctrl+C stops at once; SIGHUP restarts.
    """
    from .queue import describe_storage, huey

    if huey.immediate:
        raise click.ClickException(
            "QUEUE_IMMEDIATE is on: every job runs in the process that asks for it, so there is nothing to consume."
        )
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(threadName)s: %(message)s"))
    logger = logging.getLogger("huey")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    click.echo(f"Job queue: {describe_storage(current_app)}; {workers} worker thread(s), "
               f"periodic jobs {'on' if periodic else 'off'}.")
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic, graceful_signal="TERM")
    consumer.run()


@queue_cli.command("run-reminders")
def run_reminders():
    """Send the reminder emails due now, once (for cron, instead of a running consumer)."""
    from .conversations.jobs import send_due_reminders

    sent = send_due_reminders()
    click.echo(f"Sent {sent} reminder{'' if sent == 1 else 's'}.")
