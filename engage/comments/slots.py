"""What comments show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from .services import comment_counts


def plan(actor, plan, version) -> dict:
    """A plan's page: the way to its comments, and each section's count (one query)."""
    counts = comment_counts(plan.id)
    sections = version.snapshot.get("sections", [])
    return {
        "links": Part("comments/_plan_links_slot.html", {"plan_id": plan.id, "count": sum(counts.values())}),
        "section": {section["key"]: Part("comments/_plan_section_slot.html",
                                         {"plan_id": plan.id, "section_key": section["key"],
                                          "count": counts[section["key"]]})
                    for section in sections},
        "action_end": {action["key"]: Part("comments/_plan_action_slot.html",
                                           {"plan_id": plan.id, "section_key": section["key"],
                                            "action_key": action["key"],
                                            "action_name": action.get("title") or action.get("number")})
                       for section in sections for action in section.get("actions", [])},
    }
