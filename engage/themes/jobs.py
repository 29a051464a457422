"""Periodic work for themes: placing new feedback. The jobs a leader's action queues
(`run_themes_job`, `assign_new_items_job`) are in services, beside the work they do."""

from __future__ import annotations

import logging

from huey import crontab
from sqlalchemy import select

from ..extensions import db
from ..queue import periodic_job
from . import services
from .models import ThemeAnalysis

logger = logging.getLogger(__name__)


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
