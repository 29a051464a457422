"""Texts that know their language: what a reader is shown of a translatable passage.

No Flask and no database: the resolution of a passage into the text to show is
plain data in, plain data out, so every page and export resolves the same way.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


class Shown:
    """What a reader is shown of a passage, from best to worst."""

    AS_WANTED = "as_wanted"  # in the reader's language: the source, or a person's translation of it
    MACHINE = "machine"  # a machine's translation into the reader's language, not edited by a person
    FALLBACK = "fallback"  # a translation into the next language of the district's fallback chain
    OUT_OF_DATE = "out_of_date"  # a translation of an earlier source
    ORIGINAL = "original"  # the source, in another language than the reader's
    ORDER = (AS_WANTED, MACHINE, FALLBACK, OUT_OF_DATE, ORIGINAL)

    @classmethod
    def worst(cls, states: Iterable[str]) -> str:
        return max(states, key=cls.ORDER.index, default=cls.AS_WANTED)


class LocalizedText(str):
    """A string with the language it is written in and how it came to be shown."""

    language: str
    shown: str

    def __new__(cls, text: str, language: str, shown: str = Shown.AS_WANTED) -> LocalizedText:
        value = super().__new__(cls, text)
        value.language, value.shown = language, shown
        return value

    def __getnewargs__(self):  # copies and pickles keep the language
        return str(self), self.language, self.shown


class ReadingSummary(Counter):
    """How many passages of a page are shown how (`Shown`)."""

    @property
    def untranslated(self) -> bool:
        """Nothing is in the reader's language: the whole page is in the original."""
        return bool(self) and set(self) == {Shown.ORIGINAL}

    @property
    def partly(self) -> bool:
        return self[Shown.ORIGINAL] + self[Shown.FALLBACK] > 0 and not self.untranslated

    @property
    def out_of_date(self) -> bool:
        return self[Shown.OUT_OF_DATE] > 0

    @property
    def machine(self) -> bool:
        return self[Shown.MACHINE] > 0


def source_hash(text: str) -> str:
    """A short fingerprint of a source text: a translation belongs to exactly these words."""
    return hashlib.sha256((text or "").strip().encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Candidate:
    """A published translation as read from the database."""

    path: str
    language: str
    source_hash: str
    text: str
    machine: bool
    published_at: datetime


def resolve(source: str, source_language: str, reader_languages: Sequence[str],
            candidates: Sequence[Candidate]) -> LocalizedText:
    """The text to show for `source`: along the reader's languages (their own first, then the
    district's fallbacks), the first with a translation of these very words, else the reader's
    own language's translation of earlier words (out of date), else the source itself.
    `candidates` are the published translations of the passage, in any language."""
    if not source or not source.strip() or not reader_languages or reader_languages[0] == source_language:
        return LocalizedText(source or "", source_language, Shown.AS_WANTED)
    wanted = source_hash(source)
    for position, language in enumerate(reader_languages):
        if language == source_language:
            break
        of_language = [c for c in candidates if c.language == language]
        exact = next((c for c in of_language if c.source_hash == wanted), None)
        if exact is not None:
            shown = Shown.FALLBACK if position else Shown.MACHINE if exact.machine else Shown.AS_WANTED
            return LocalizedText(exact.text, language, shown)
        if of_language and not position:
            latest = max(of_language, key=lambda c: c.published_at)
            return LocalizedText(latest.text, language, Shown.OUT_OF_DATE)
    return LocalizedText(source, source_language, Shown.ORIGINAL)
