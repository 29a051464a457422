"""What leadership shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..permissions import Permission, can
from ..slots import Part


def themes(actor) -> dict:
    """The themes' list of plans: the way back to the leaders' page."""
    return {"up": Part("leadership/_themes_up_slot.html") if can(actor, Permission.VIEW_PARTICIPATION) else None}
