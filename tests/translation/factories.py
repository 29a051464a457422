"""Translations made through the translators' service, as a translator would."""

from __future__ import annotations

from engage.plans.models import Plan
from engage.plans.services import plan_document
from engage.translation import services


def translate_plan(translator, plan: Plan, language: str, texts: dict[str, str], *, publish: bool = True) -> None:
    """Translate passages of a plan by path ("title", "section:<key>.title"...)."""
    services.save_translations(translator, plan_document(plan), language, texts, publish=publish)


def translate_whole_plan(translator, plan: Plan, language: str, *, prefix: str = "ES ") -> None:
    """Every passage of the plan, as `prefix` + its source."""
    document = plan_document(plan)
    services.save_translations(translator, document, language,
                               {p.path: prefix + p.text for p in document.passages}, publish=True)
