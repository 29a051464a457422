"""What comments show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from collections import Counter

from ..plans import services as plans
from ..plans.translation import plan_titles
from ..slots import Part
from ..permissions import Permission, can
from .services import comment_counts, my_comments, new_comments_since, reported_comment_count


def plan(actor, plan, version) -> dict:
    """A plan's page: the way to its comments, and each section's and action's count and way to
    comment (one query)."""
    counts = comment_counts(plan.id)
    per_section = Counter()
    for (section_key, _action_key), count in counts.items():
        per_section[section_key] += count
    sections = version.snapshot.get("sections", [])
    # A plan's latest version takes comments while its window is open; an older version is read only.
    taking = version.number == plan.versions[-1].number and \
        plans.feedback_window_state(plan) == plans.FeedbackWindow.OPEN
    return {
        "links": Part("comments/_plan_links_slot.html", {"plan_id": plan.id, "count": sum(counts.values())}),
        "section": {section["key"]: Part("comments/_plan_section_slot.html",
                                         {"plan_id": plan.id, "section_key": section["key"],
                                          "count": per_section[section["key"]]})
                    for section in sections},
        "action_end": {action["key"]: Part("comments/_plan_action_slot.html",
                                           {"plan_id": plan.id, "section_key": section["key"],
                                            "action_key": action["key"], "taking": taking,
                                            "count": counts[section["key"], action["key"]]})
                       for section in sections for action in section.get("actions", [])},
    }


def account(actor) -> dict:
    """On my account: the comments I wrote, newest first."""
    return {"activity": Part("comments/_account_slot.html", {"mine": my_comments(actor)})}


def attention(actor, since) -> dict:
    """A leader's home: comments waiting for a moderator, and new comments on each plan."""
    reported = reported_comment_count(actor) if can(actor, Permission.MODERATE) else 0
    new = new_comments_since(since)
    titles = plan_titles({plan.plan_id: plan.plan_title for plan in new})
    return {"items": Part("comments/_attention_slot.html", {"reported": reported, "new": new, "titles": titles})
            if reported or new else None}
