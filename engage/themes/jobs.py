"""Background work for themes: runs of the clustering job, and placing new feedback."""

from __future__ import annotations

import logging

from huey import crontab
from sqlalchemy import select

from ..extensions import db
from ..queue import job, periodic_job
from . import services
from .models import ThemeAnalysis

logger = logging.getLogger(__name__)


@job()
def run_themes_job(run_id: int) -> None:
    services.execute_run(run_id)


@job()
def assign_new_items_job(analysis_id: int) -> None:
    analysis = db.session.get(ThemeAnalysis, analysis_id)
    if analysis is not None:
        services.assign_new_items(analysis, inline_max=10**9)


@periodic_job(crontab(minute="*/10"))
def assign_new_items_everywhere() -> None:
    """New feedback gets its nearest theme within minutes, even when no leader looks."""
    for analysis_id in db.session.scalars(select(ThemeAnalysis.id).order_by(ThemeAnalysis.id)).all():
        try:
            services.assign_new_items(db.session.get(ThemeAnalysis, analysis_id), inline_max=10**9)
        except Exception:
            # One analysis failing (a plan deleted meanwhile, say) must not starve the others.
            db.session.rollback()
            logger.exception("placing new feedback failed for theme analysis %s", analysis_id)
