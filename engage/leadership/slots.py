"""What leadership shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..permissions import Permission, can
from ..slots import Part
from . import participation


def themes(actor) -> dict:
    """The themes' list of plans: the way back to the leaders' page."""
    return {"up": Part("leadership/_themes_up_slot.html") if can(actor, Permission.VIEW_PARTICIPATION) else None}


def attention(actor, since) -> dict:
    """A leader's home: the groups we are hearing from least, for outreach."""
    if not can(actor, Permission.VIEW_PARTICIPATION):
        return {"items": None}
    # The one group heard from least by school, by language, by race or ethnicity: the page has the rest.
    lowest = [(dimension, groups[0]) for dimension, groups in participation.hearing_from(actor).lowest.items()
              if groups]
    return {"items": Part("leadership/_attention_slot.html",
                          {"lowest": lowest, "labels": participation.DIMENSION_LABELS}) if lowest else None}
