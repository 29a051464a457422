"""What the progress tracker shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from . import listing, services


def plan(actor, plan, version) -> dict:
    """A plan's page: the way to its progress."""
    return {"links": Part("tracker/_plan_links_slot.html", {"plan_id": plan.id})}


def attention(actor, since) -> dict:
    """A leader's home: the published plans with actions past a deadline."""
    plans = listing.public_plans()
    overdue = services.overdue_action_counts([public.plan.id for public in plans])
    late = [(public, overdue[public.plan.id]) for public in plans if overdue.get(public.plan.id)]
    return {"items": Part("tracker/_attention_slot.html", {"late": late}) if late else None}
