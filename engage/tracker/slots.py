"""What the progress tracker shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part


def plan(actor, plan, version) -> dict:
    """A plan's page: the way to its progress."""
    return {"links": Part("tracker/_plan_links_slot.html", {"plan_id": plan.id})}
