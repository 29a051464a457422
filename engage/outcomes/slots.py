"""What "you said, we did" shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from . import services

STYLES = ("css/outcomes.css",)


def home(actor) -> dict:
    """The newest links, on the home page."""
    recent = services.recent_outcomes()
    return {"highlights": Part("outcomes/_home_slot.html", {"said_and_done": recent}, STYLES) if recent else None}


def theme(actor, theme) -> dict:
    """On a leaders' theme page: what the theme led to, and a way to link it."""
    return {"follow_up": Part("outcomes/_theme_slot.html", {"linked": services.theme_outcomes(theme),
                                                            "plan_id": theme.analysis.plan_id, "theme_id": theme.id})}


def comments(actor, plan) -> dict:
    """Each comment of the plan that a link names, marked in its thread."""
    return {"comment": {comment_id: Part("outcomes/_comment_slot.html", {"led_to": led_to, "plan_id": plan.id})
                        for comment_id, led_to in services.comment_outcomes(plan.id).items()}}
