"""The demo plans in Spanish: PO files of their words (engage/demo/plans/translations), applied to
every version as a translator's import would, with a few passages left untranslated on purpose so
readers see how the untranslated parts are marked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from babel.dates import format_date
from babel.messages.pofile import read_po

from ..plans import services as plans
from ..plans.models import Plan
from ..plans.translation import passages
from ..translation import services as translation
from ..translation.sources import Document

TRANSLATIONS = Path(__file__).parent / "plans" / "translations"


def load_plan_translations(plan: Plan, plan_file: str, language: str = "es") -> int:
    """Publish the translations the PO file has for the words of the plan's draft and of each of its
    versions (matched by their words: the demo's keys are new at every load). Returns how many."""
    path = TRANSLATIONS / f"{Path(plan_file).stem}.{language}.po"
    if not path.exists():
        return 0
    with path.open("rb") as file:
        memory = {m.id: m.string for m in read_po(file, locale=language) if m.id and isinstance(m.string, str)
                  and m.string.strip()}
    draft = plans.plan_document(plan)
    documents = [draft] + [Document(draft.scope, draft.title, draft.language, passages(version.snapshot))
                           for version in plan.versions]
    stored = 0
    for document in documents:
        texts = {p.path: memory.get(p.text) or _date_in(language, p.text) for p in document.passages}
        texts = {path: text for path, text in texts.items() if text}
        stored += translation.save_translations(None, document, language, texts, publish=True)
    return stored


def _date_in(language: str, text: str) -> str | None:
    """"November 25, 2026" in `language`: the demo dates some deadlines from the day it loads."""
    try:
        return format_date(datetime.strptime(text.strip(), "%B %d, %Y").date(), "long", locale=language)
    except ValueError:
        return None
