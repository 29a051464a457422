"""`flask --app engage plans import FILE`: a plan file becomes a draft plan."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..orgs.models import School
from . import services

plans_cli = AppGroup("plans", help="Import and publish plans.")


@plans_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--school", help="Name of the school that owns this plan (default: the district).")
def import_plan(path: str, school: str | None):
    """Read a plan file (action table or month table) into a new draft plan.

    Nothing is stored when the file has a problem; the error names the line.
    """
    from .importers import PlanImportError, parse_plan_file

    owner_id = None
    if school:
        owner_id = db.session.scalar(select(School.id).where(School.name == school))
        if owner_id is None:
            raise click.ClickException(f"No school is named {school!r}. Add it under Administration → Schools first.")
    try:
        imported = parse_plan_file(path)
    except PlanImportError as error:
        raise click.ClickException(f"{path}: {error}") from None
    plan = services.create_plan_from_import(imported, owner_school_id=owner_id)
    actions = sum(len(section.actions) for section in imported.sections)
    indicators = sum(len(a.indicators) for section in imported.sections for a in section.actions)
    click.echo(
        f"Imported plan {plan.id}: {plan.title!r} ({len(imported.sections)} sections, {actions} actions, "
        f"{indicators} indicators) as a draft. Leaders publish it from Plans → Manage plans."
    )
