"""Plans offered to translators (see `engage.translation.sources`)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..translation.sources import Document, TranslatableKind
from . import services


def _document(key: str) -> Document | None:
    plan = services.get_plan(int(key)) if key.isdigit() else None
    return services.plan_document(plan) if plan else None




def _public_url(key: str) -> str | None:
    plan = services.get_plan(int(key)) if key.isdigit() else None
    return url_for("plans.show", plan_id=plan.id) if plan and plan.versions else None


PLANS = TranslatableKind("plan", _l("Plans"), services.plan_documents, _document, public_url=_public_url, order=10)
