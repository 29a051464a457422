"""What "you said, we did" shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from ..themes.models import Theme
from . import services


def home_highlights(actor) -> Part | None:
    """The newest links, on the home page."""
    recent = services.recent_outcomes()
    return Part("outcomes/_home_slot.html", {"said_and_done": recent}, ("css/outcomes.css",)) if recent else None


def theme_follow_up(actor, theme: Theme) -> Part:
    """On a leaders' theme page: what the theme led to, and a way to link it."""
    return Part("outcomes/_theme_slot.html", {"linked": services.theme_outcomes(theme),
                                              "plan_id": theme.analysis.plan_id, "theme_id": theme.id})


def comment_marks(actor, plan_id: int) -> dict[int, Part]:
    """Each comment of the plan that a link names, marked in its thread."""
    return {comment_id: Part("outcomes/_comment_slot.html", {"led_to": outcomes, "plan_id": plan_id})
            for comment_id, outcomes in services.comment_outcomes(plan_id).items()}
