"""Named slots on shared pages, filled by components (see `engage.components`).

A shared page names its slots, and its view fills them with what the page
shows: ``fill("home.highlights", actor=current_user)``. A component says in its
`slots` which of its functions fills which slot; the function gives a `Part`
(one of the component's templates and the data it shows, read through the
component's services) or None. A slot that repeats over a list (each comment
of a thread) is filled with `fill_each`: the function is called once for the
whole list and gives each thing's key its Part, so a page's queries do not
grow with its rows. Templates show the parts with the `slot` macro
(templates/_macros/slots.html) and run no query of their own.

Slots: "home.highlights" (actor), "account.activity" (actor: what the person
takes part in), "theme.follow_up" (actor, theme: a leaders' theme page, after
its response), "comment.marks" (actor, plan_id: each comment of a plan's
threads, by id).
"""

from __future__ import annotations

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


def fill(slot: str, **page: Any) -> list[Part]:
    """The parts of a page's slot, in the order of the components."""
    return [part for part in _filled(slot, page) if part is not None]


def fill_each(slot: str, **page: Any) -> dict[Hashable, list[Part]]:
    """For a slot repeated over a list: each key's parts, in the order of the components."""
    parts: dict[Hashable, list[Part]] = {}
    for by_key in _filled(slot, page):
        for key, part in (by_key or {}).items():
            parts.setdefault(key, []).append(part)
    return parts


def _filled(slot: str, page: Mapping[str, Any]) -> list[Any]:
    return [component.attribute(component.slots[slot])(**page)
            for component in current_app.extensions["engage.components"] if slot in component.slots]
