"""What community conversations show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from . import listing


def account(actor) -> dict:
    """On my account: the upcoming conversations I signed up for."""
    return {"activity": Part("conversations/_account_slot.html", {"conversations": listing.my_conversations(actor)},
                             ("css/conversations.css",))}
