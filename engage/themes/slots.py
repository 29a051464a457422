"""What themes show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from .services import published_responses
from .translatable import response_texts


def plan(actor, plan, version) -> dict:
    """A plan's page: the responses leaders published to its themes, and the way to them."""
    responses = published_responses(plan.id)
    if not responses:
        return {}
    return {"links": Part("themes/_plan_links_slot.html"),
            "end": Part("themes/_plan_end_slot.html", {"responses": responses, "plan_id": plan.id,
                                                       "response_text": response_texts(responses)})}
