"""A draft "what we heard" for one theme, each part of it built from the items it cites.
Pure Python; no Flask, no database.

A leader starts the theme's public response from this draft and edits it; it
is never published by itself. It holds only counts and quotes, so nothing in
it is something no item says:

- who: how many people, through which channels;
- points: the theme's parts (its sub-themes, or the theme as one part),
  most people first, each with its name, how many people and a quote of its
  most central items (in the reader's language when one of them is);
- views: how many items ask for something, raise a concern, agree or
  praise, or disagree, each with the items it counts (`stances`: words and
  phrases in English and Spanish; an item may hold several views or none);
- minority: points held by few people (under `MINORITY_SHARE` of the
  theme's people), and the view on the other side of the theme's main one
  (praise in a theme of complaints, or complaints in one of praise) when few
  hold it; "disagree" items are always flagged as dissent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .text import normalize

REQUEST, CONCERN, SUPPORT, DISAGREE = "request", "concern", "support", "disagree"
STANCES = (REQUEST, CONCERN, SUPPORT, DISAGREE)
MINORITY_SHARE = 0.15
POINTS_MAX = 5
CITED_MAX = 3
QUOTE_MAX = 220
# An item quoted first has at least this many different words, when one has.
_QUOTABLE_WORDS = 4

# Matched on normalised text (lower case, no accents), as whole words or phrases.
_STANCE_PHRASES: dict[str, tuple[str, ...]] = {
    REQUEST: ("please", "should", "need to", "needs to", "we need", "they need", "kids need", "want", "would like",
              "wish", "could you", "can you", "bring back", "hire", "add more", "more", "give us", "let families",
              "let kids", "por favor", "deberian", "deberia", "necesitamos", "necesitan", "queremos", "pedimos",
              "ojala", "que pongan", "que haya", "hace falta", "hacen falta", "mas"),
    CONCERN: ("worried", "worry", "worries", "concern", "concerned", "afraid", "scared", "unsafe", "dangerous",
              "danger", "problem", "not enough", "too many", "too much", "too long", "too early", "late", "never",
              "cant", "can t", "cannot", "broken", "nobody", "no one", "unfair", "hard to", "miss", "missing",
              "preocupa", "preocupada", "preocupado", "miedo", "peligro", "peligroso", "problema", "no alcanza",
              "nunca", "no hay", "demasiado", "demasiados", "nadie", "tarde", "falta", "faltan", "dificil"),
    SUPPORT: ("thank", "thanks", "great", "love", "glad", "support", "agree", "improvement", "much better",
              "works well", "helps", "helped", "appreciate", "good idea", "gracias", "me gusta", "apoyo",
              "de acuerdo", "excelente", "mejor", "buena idea", "muy bien", "ayuda mucho"),
    DISAGREE: ("disagree", "oppose", "against", "dont support", "don t support", "do not support", "bad idea",
               "waste of", "not a good idea", "dont agree", "don t agree", "no estoy de acuerdo", "en contra",
               "mala idea", "no sirve", "no apoyo", "no es buena idea"),
}
_STANCE_PATTERNS = {stance: re.compile(r"\b(?:%s)\b" % "|".join(re.escape(p) for p in phrases))
                    for stance, phrases in _STANCE_PHRASES.items()}
# "not good", "no me gusta": praise words after a negation are not praise.
_NEGATED_SUPPORT = re.compile(r"\b(?:not|no|never|nunca|isnt|isn t)\s+(?:\w+\s+)?(?:%s)\b"
                              % "|".join(re.escape(p) for p in _STANCE_PHRASES[SUPPORT]))


def stances(text: str) -> frozenset[str]:
    """The views an item states, by its words: request, concern, support, disagree (any number)."""
    plain = normalize(text).replace("'", "")
    found = {stance for stance, pattern in _STANCE_PATTERNS.items() if pattern.search(plain)}
    if SUPPORT in found and _NEGATED_SUPPORT.search(plain):
        found.discard(SUPPORT)
        if DISAGREE not in found:  # "no estoy de acuerdo" is dissent, said once
            found.add(CONCERN)
    return frozenset(found)


@dataclass(frozen=True)
class DraftItem:
    """One item of the theme, as the draft needs it."""

    key: object  # anything hashable that names the item for the caller
    text: str
    person: str
    channel: str
    language: str | None = None
    part: str | None = None  # the key of its part (sub-theme), if any
    closeness: float = 0.0  # to its theme's centre; the most central are quoted first


@dataclass
class Point:
    label: str
    people: int
    items: int
    quote: DraftItem | None
    cited: list[DraftItem]
    minority: bool = False


@dataclass
class View:
    stance: str
    items: int
    people: int
    cited: list[DraftItem]
    minority: bool = False


@dataclass
class Draft:
    people: int
    items: int
    channels: dict[str, int]  # channel -> items, most first
    points: list[Point] = field(default_factory=list)
    views: list[View] = field(default_factory=list)  # in STANCES order, only those some item holds
    no_view: int = 0  # items that state none of the views

    @property
    def flagged(self) -> list[Point | View]:
        """The minority points and views, and the dissent, to flag."""
        return [p for p in self.points if p.minority] + [v for v in self.views if v.minority]


def quote_of(text: str, limit: int = QUOTE_MAX) -> str:
    """The item's words as written, cut at a sentence (or word) end within `limit`, with "…" when cut."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end >= limit // 3:
        return cut[:end + 1]
    return cut[:cut.rfind(" ")].rstrip(",;:") + "…" if " " in cut else cut + "…"


def _central(items: Sequence[DraftItem], language: str | None, limit: int) -> list[DraftItem]:
    """The most central items with words, one per text, those of a few words or more first
    ("+1 buses buses" says little); the reader's language first among the first five."""
    seen, ordered = set(), []
    for item in sorted(items, key=lambda i: (len(set(normalize(i.text).split())) < _QUOTABLE_WORDS, -i.closeness)):
        plain = normalize(item.text)
        if plain and plain not in seen:
            seen.add(plain)
            ordered.append(item)
    head = ordered[:5]
    if language:
        head = sorted(head, key=lambda i: i.language != language)
    return (head + ordered[5:])[:limit]


def _people(items: Sequence[DraftItem]) -> int:
    return len({item.person for item in items})


def draft(items: Sequence[DraftItem], parts: Sequence[tuple[str, str]], theme_label: str, *,
          language: str | None = None) -> Draft:
    """The draft for a theme's items (off-topic ones left out by the caller).

    `parts`: (key, label) of its sub-themes (`DraftItem.part`); none: the theme is one point,
    named `theme_label`. `language`: the reader's, for choosing quotes.
    """
    channels: dict[str, int] = {}
    for item in items:
        channels[item.channel] = channels.get(item.channel, 0) + 1
    result = Draft(people=_people(items), items=len(items),
                   channels=dict(sorted(channels.items(), key=lambda pair: (-pair[1], pair[0]))))
    if not items:
        return result
    groups = [(label, [i for i in items if i.part == key]) for key, label in parts] or [(theme_label, list(items))]
    groups = [(label, rows) for label, rows in groups if rows]
    groups.sort(key=lambda group: (-_people(group[1]), -len(group[1]), group[0]))
    for label, rows in groups[:POINTS_MAX]:
        cited = _central(rows, language, CITED_MAX)
        result.points.append(Point(label=label, people=_people(rows), items=len(rows),
                                   quote=cited[0] if cited else None, cited=cited,
                                   minority=len(groups) > 1 and _people(rows) < MINORITY_SHARE * result.people))
    by_stance: dict[str, list[DraftItem]] = {stance: [] for stance in STANCES}
    for item in items:
        found = stances(item.text)
        for stance in found:
            by_stance[stance].append(item)
        result.no_view += not found
    critical = len({i.key for s in (REQUEST, CONCERN, DISAGREE) for i in by_stance[s]})
    positive = len(by_stance[SUPPORT])
    for stance in STANCES:
        rows = by_stance[stance]
        if not rows:
            continue
        if stance == DISAGREE:
            minority = True  # dissent is always worth a leader's eye
        elif stance == SUPPORT:
            minority = positive < MINORITY_SHARE * (positive + critical)
        else:
            minority = critical < MINORITY_SHARE * (positive + critical)
        result.views.append(View(stance=stance, items=len(rows), people=_people(rows),
                                 cited=_central(rows, language, CITED_MAX), minority=minority))
    return result
