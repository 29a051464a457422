"""What "you said, we did" shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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


def plan(actor, plan, version) -> dict:
    """A plan's page: each section and action a link led to, marked, and every link at the end."""
    outcomes = services.plan_outcomes(plan.id)
    if not outcomes:
        return {}
    return {"links": Part("outcomes/_plan_links_slot.html", stylesheets=STYLES),
            **_marks(services.outcome_marks(outcomes), plan.id, here=True, label=None),
            "end": Part("outcomes/_plan_end_slot.html", {"outcomes": outcomes, "plan_id": plan.id})}


def compare(actor, plan, old, new) -> dict:
    """Two versions compared: the links whose change lies between them, and the parts they led to."""
    marks = services.comparison_marks(services.plan_outcomes(plan.id), old.number, new.number)
    if not marks:
        return {}
    return {"intro": Part("outcomes/_compare_intro_slot.html", {"outcomes": marks.outcomes, "plan_id": plan.id},
                          STYLES),
            **_marks(marks, plan.id, here=False, label=_l("From community feedback"))}


def _marks(marks: services.OutcomeMarks, plan_id: int, *, here: bool, label) -> dict:
    def part(outcomes):
        return Part("outcomes/_marker_slot.html", {"outcomes": outcomes, "plan_id": plan_id, "here": here,
                                                    "label": label})
    return {"section": {key: part(outcomes) for key, outcomes in marks.sections.items()},
            "action": {key: part(outcomes) for key, outcomes in marks.actions.items()}}
