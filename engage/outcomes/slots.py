"""What "you said, we did" shows on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..permissions import Permission, can
from ..slots import Part
from . import services

STYLES = ("css/outcomes.css",)


def home(actor) -> dict:
    """The newest links, on the home page."""
    recent = services.recent_outcomes()
    return {"highlights": Part("outcomes/_home_slot.html", {"said_and_done": recent}, STYLES) if recent else None}


def dashboard(actor, analysis) -> dict:
    """A plan's themes: where leaders link themes and comments to what they led to."""
    return {"links": Part("outcomes/_dashboard_links_slot.html", {"plan_id": analysis.plan_id})}


def theme(actor, theme) -> dict:
    """On a leaders' theme page: what the theme led to, a way to link it, and its comments to choose."""
    return {"follow_up": Part("outcomes/_theme_slot.html", {"linked": services.theme_outcomes(theme),
                                                            "plan_id": theme.analysis.plan_id, "theme_id": theme.id}),
            "item_choice": _item_choice(theme.analysis.plan_id, theme.id)}


def bucket(actor, analysis) -> dict:
    """The items no theme holds (Other, off-topic): their comments to choose for a link."""
    return {"item_choice": _item_choice(analysis.plan_id, None)}


def _item_choice(plan_id: int, theme_id: int | None) -> Part:
    return Part("outcomes/_item_choice_slot.html", {"plan_id": plan_id, "theme_id": theme_id,
                                                    "form_id": "link-comments",
                                                    "label": _l("Choose for a “you said, we did” link")})


def comments(actor, plan) -> dict:
    """Each comment of the plan that a link names, marked in its thread; for leaders, a way to link each."""
    return {"comment": {comment_id: Part("outcomes/_comment_slot.html", {"led_to": led_to, "plan_id": plan.id})
                        for comment_id, led_to in services.comment_outcomes(plan.id).items()},
            "comment_tools": Part("outcomes/_comment_tools_slot.html", {"plan_id": plan.id})
            if can(actor, Permission.MANAGE_THEMES) else None}


def plan(actor, plan, version) -> dict:
    """A plan's page: each theme's title as a link to what it led to; each section and action a link
    led to, marked; and every link at the end."""
    title = {"theme_title": Part("outcomes/_theme_title_slot.html", {"plan_id": plan.id})}
    outcomes = services.plan_outcomes(plan.id)
    if not outcomes:
        return title
    return {**title, "links": Part("outcomes/_plan_links_slot.html", stylesheets=STYLES),
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
