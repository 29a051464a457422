"""Named slots on shared pages, filled by components (see `engage.components`).

A shared page has a name and named slots, and its view fills them with what
the page shows: ``slots.fill("home", actor=current_user)``. A component says
in its `slots` which of its functions fills which page; the function is
called once per page with the same arguments and gives, for each slot it
fills, a `Part` (one of the component's templates and the data it shows, read
through the component's services) or None; for a slot repeated over a list
(each section of a plan, each comment of a thread), a mapping from each
thing's key to its Part. So a component reads what a page needs once, and a
page's queries do not grow with its rows. A slot shown "about" each thing of
a list (each comment) takes one Part, which the page shows for every thing,
handing it the thing as `about`. Templates show the parts with the macros of
templates/_macros/slots.html and run no query of their own.

Pages and their slots:
  "attention" (actor, since: the leader's last visit): "items" (list items: what needs a leader's
      attention, each a link to where to act on it).
  "home" (actor): "have_your_say" (list items: what is open to take part in now), "highlights".
  "account" (actor): "activity" (what the person takes part in).
  "themes" (actor: the plans whose feedback leaders group into themes): "up" (above the title).
  "dashboard" (actor, analysis: a plan's themes, for leaders): "links" (list items).
  "theme" (actor, theme: a leaders' theme page): "follow_up" (after its response),
      "item_choice" (a form its listed comments can be chosen for: data.form_id, data.label).
  "bucket" (actor, analysis: the items of Other or off-topic): "item_choice".
  "comments" (actor, plan: a plan's comment threads): "comment" (by comment id), "comment_tools"
      (about each comment).
  "plan" (actor, plan, version: a published version of a plan): "links" (under the
      feedback notice), "section" (by section key), "action" (by action key, under its
      title), "action_end" (by action key; about: the action as the page shows it), "end", "theme_title" (about each theme whose
      response the plan shows: the title, when a component shows more about the theme).
  "compare" (actor, plan, old, new: two versions compared): "intro", "section",
      "action" (by key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class Part:
    """What a component shows in a slot: its template, and the data the template reads as `data`."""

    template: str
    data: Mapping[str, Any] = field(default_factory=dict)
    # Files under static/ the part's markup needs, linked in the page's head (`slot_styles`).
    stylesheets: tuple[str, ...] = ()


class PageSlots:
    """A page's slots as its components filled them, in the order of the components."""

    def __init__(self) -> None:
        self._parts: dict[str, list[Part]] = defaultdict(list)
        self._each: dict[str, dict[Hashable, list[Part]]] = defaultdict(lambda: defaultdict(list))

    def __getitem__(self, slot: str) -> list[Part]:
        return self._parts.get(slot, [])

    def each(self, slot: str, key: Hashable) -> list[Part]:
        """The parts of one thing (a section's key, a comment's id) in a repeated slot."""
        return self._each[slot].get(key, []) if slot in self._each else []

    def all_parts(self) -> list[Part]:
        return [part for parts in self._parts.values() for part in parts] + \
            [part for by_key in self._each.values() for parts in by_key.values() for part in parts]

    def add(self, slot: str, filled: Part | Mapping[Hashable, Part] | None) -> None:
        if isinstance(filled, Part):
            self._parts[slot].append(filled)
        elif filled:
            for key, part in filled.items():
                self._each[slot][key].append(part)


def fill(page: str, **context: Any) -> PageSlots:
    """The page's slots, filled by every installed component that fills this page."""
    filled = PageSlots()
    for component in current_app.extensions["engage.components"]:
        if page in component.slots:
            for slot, parts in component.attribute(component.slots[page])(**context).items():
                filled.add(slot, parts)
    return filled
