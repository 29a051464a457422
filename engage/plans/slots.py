"""What plans show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from . import services
from .translation import listing_titles


def home(actor) -> dict:
    """On the home page's "Have your say": the plans taking comments now, soonest to close first."""
    listings = services.plans_taking_comments()
    if not listings:
        return {"have_your_say": None}
    return {"have_your_say": Part("plans/_home_slot.html", {"listings": listings, "titles": listing_titles(listings)})}
