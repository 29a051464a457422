"""`flask --app engage themes run --plan ID`: run the themes job here, with a progress bar."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..domain import RecordNotFound
from ..extensions import db
from . import services
from .models import ThemeAnalysis

themes_cli = AppGroup("themes", help="Group a plan's feedback into themes.")


@themes_cli.command("run")
@click.option("--plan", "plan_id", type=int, help="The plan whose default analysis (all its feedback) to run.")
@click.option("--analysis", "analysis_id", type=int, help="Or a particular analysis (see the dashboard).")
@click.option("--n-themes", type=click.IntRange(1, 200), default=None,
              help="How many themes; chosen automatically when left out.")
def run_command(plan_id: int | None, analysis_id: int | None, n_themes: int | None) -> None:
    """Cluster the feedback now, in this process, and store the themes."""
    if (plan_id is None) == (analysis_id is None):
        raise click.UsageError("Give --plan ID or --analysis ID.")
    try:
        if analysis_id is not None:
            analysis = services.get_analysis(None, analysis_id)
        else:
            analysis = services.default_analysis(None, plan_id)
    except RecordNotFound:
        raise click.ClickException(f"No such {'analysis' if analysis_id is not None else 'plan'}.") from None
    with click.progressbar(length=100, label="Finding themes", show_percent=True, show_eta=False,
                           item_show_func=lambda stage: stage) as bar:
        shown = 0

        def progress(stage: str, percent: int) -> None:
            nonlocal shown
            bar.update(max(0, percent - shown), stage)
            shown = max(shown, percent)

        try:
            run = services.run_analysis_now(None, analysis, n_themes=n_themes, progress=progress)
        except Exception as error:
            raise click.ClickException(f"The run failed: {error}") from error
    analysis = db.session.get(ThemeAnalysis, analysis.id)
    click.echo(f"{run.n_themes} themes from {run.n_items} items in {run.seconds:.1f} s "
               f"({run.representation}); run {run.id} of analysis {analysis.id} (plan {analysis.plan_id}).")
