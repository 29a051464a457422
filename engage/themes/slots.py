"""What themes show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..permissions import Permission, can
from ..plans.translation import plan_titles
from ..slots import Part
from .services import published_responses, themes_awaiting_response
from .translatable import response_texts


def plan(actor, plan, version) -> dict:
    """A plan's page: the responses leaders published to its themes, and the way to them."""
    responses = published_responses(plan.id)
    if not responses:
        return {}
    return {"links": Part("themes/_plan_links_slot.html"),
            "end": Part("themes/_plan_end_slot.html", {"responses": responses, "plan_id": plan.id,
                                                       "response_text": response_texts(responses)})}


def attention(actor, since) -> dict:
    """A leader's home: the plans whose themes still have no published response."""
    awaiting = themes_awaiting_response(actor) if can(actor, Permission.MANAGE_THEMES) else []
    if not awaiting:
        return {"items": None}
    titles = plan_titles({plan.plan_id: plan.plan_title for plan in awaiting})
    return {"items": Part("themes/_attention_slot.html", {"awaiting": awaiting, "titles": titles})}
