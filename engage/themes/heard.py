"""A theme's draft "what we heard" in the reader's language: `summary.draft` put in sentences,
each with the items it cites, for the theme page and for starting the response from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale, gettext as _, ngettext

from ..feedback.services import FeedbackSource
from ..i18n import reading_language
from . import summary
from .models import Theme
from .reporting import NO_PART, Part, part_key, person_of
from .services import ThemedItem

MINORITY, DISSENT = "minority", "dissent"


@dataclass(frozen=True)
class Sentence:
    text: str
    cited: tuple[ThemedItem, ...]
    flag: str | None = None  # MINORITY or DISSENT: worth a leader's eye


def _channel(source: str, count: int) -> str:
    if source == FeedbackSource.COMMENT:
        return ngettext("%(num)d comment", "%(num)d comments", count)
    if source == FeedbackSource.SURVEY_ANSWER:
        return ngettext("%(num)d survey answer", "%(num)d survey answers", count)
    if source == FeedbackSource.CONVERSATION_NOTE:
        return ngettext("%(num)d conversation note", "%(num)d conversation notes", count)
    return ngettext("%(num)d paper card", "%(num)d paper cards", count)


def _view(view: summary.View) -> str:
    if view.stance == summary.REQUEST:
        return ngettext("%(num)d item asks for something.", "%(num)d items ask for something.", view.items)
    if view.stance == summary.CONCERN:
        return ngettext("%(num)d item raises a concern.", "%(num)d items raise a concern.", view.items)
    if view.stance == summary.SUPPORT:
        return ngettext("%(num)d item agrees or praises.", "%(num)d items agree or praise.", view.items)
    return ngettext("%(num)d item disagrees.", "%(num)d items disagree.", view.items)


def theme_draft(theme: Theme, rows: Sequence[ThemedItem], parts: Sequence[Part]) -> list[Sentence]:
    """The draft of `theme` from its items (`reporting.members_of`) and parts (`reporting.theme_parts`)."""
    language = reading_language()
    by_key = {row.item.key: row for row in rows}
    items = [summary.DraftItem(key=row.item.key, text=row.item.text, person=person_of(row.item),
                               channel=row.item.source, language=row.item.language, part=part_key(row.part),
                               closeness=row.strength) for row in rows]
    found = summary.draft(items, [(part.key, part.label) for part in parts if part.key != NO_PART],
                          theme.label or theme.key,
                          language=language)
    if not found.items:
        return []

    def cited(draft_items: Sequence[summary.DraftItem]) -> tuple[ThemedItem, ...]:
        return tuple(by_key[item.key] for item in draft_items)

    channels = format_list([_channel(source, count) for source, count in found.channels.items()],
                           locale=get_locale() or "en")
    sentences = [Sentence(ngettext("%(num)d person raised this theme, in %(channels)s.",
                                   "%(num)d people raised this theme, in %(channels)s.",
                                   found.people, channels=channels), ())]
    for point in found.points:
        text = ngettext("On “%(label)s”, %(num)d person.", "On “%(label)s”, %(num)d people.", point.people,
                        label=point.label)
        if point.quote is not None:
            text += " " + _("For example: “%(quote)s”", quote=summary.quote_of(point.quote.text))
        sentences.append(Sentence(text, cited(point.cited), MINORITY if point.minority else None))
    for view in found.views:
        text = _view(view)
        flag = DISSENT if view.stance == summary.DISAGREE else MINORITY if view.minority else None
        if flag and view.cited:
            text += " " + _("For example: “%(quote)s”", quote=summary.quote_of(view.cited[0].text))
        sentences.append(Sentence(text, cited(view.cited), flag))
    return sentences


def sources(sentences: Sequence[Sentence]) -> tuple[list[ThemedItem], Mapping[tuple[str, int], int]]:
    """The items the sentences cite, in order of first citation, and each one's number (from 1)."""
    ordered: list[ThemedItem] = []
    numbers: dict[tuple[str, int], int] = {}
    for sentence in sentences:
        for row in sentence.cited:
            if row.item.key not in numbers:
                ordered.append(row)
                numbers[row.item.key] = len(ordered)
    return ordered, numbers


def plain_text(sentences: Sequence[Sentence]) -> str:
    """The draft as the response's first text: its sentences, without citations or flags."""
    return " ".join(sentence.text for sentence in sentences)
