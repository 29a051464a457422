"""What there is to translate: each component that writes content for the public says so.

A component names in `Component.translatable` a `TranslatableKind` ("module:attribute"): the
documents of its kind (a plan, a session, a progress update), each a list of passages in the
order a translator reads them. The translators' pages list them without importing the
component, as shared pages do with slots.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Passage:
    """One text to translate, at its place (`path`) in its document."""

    path: str
    label: str  # where it is, for the translator: "Action 2.1: description"
    text: str
    group: str = ""  # the part of the document it belongs to ("section:ab12"), translated together
    group_title: str = ""
    multiline: bool = False


@dataclass(frozen=True)
class Document:
    """Something translated as a unit: its passages share a scope."""

    scope: str  # "plan:12"
    title: str
    language: str  # the language its source is written in
    passages: Sequence[Passage]


@dataclass(frozen=True)
class TranslatableKind:
    """A kind of document a component offers for translation."""

    kind: str  # the first part of each scope: "plan"
    label: Any  # lazy_gettext: "Plans"
    documents: Callable[[], Sequence[Document]]  # every document of the kind that readers can see
    document: Callable[[str], Document | None]  # one, by the part of its scope after the kind
    # Where readers see a document, by the part of its scope after the kind (None: nowhere yet).
    public_url: Callable[[str], str | None] = lambda _key: None
    order: int = 100


def scope_key(scope: str) -> tuple[str, str]:
    kind, _, key = scope.partition(":")
    return kind, key
