"""What surveys show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from . import responding, services
from .translatable import SurveyWording


def home(actor) -> dict:
    """On the home page's "Have your say": the surveys open now, and which of them I answered."""
    surveys = services.list_open_surveys()
    if not surveys:
        return {"have_your_say": None}
    answered = responding.answered_survey_ids(actor, None, [survey.id for survey in surveys])
    return {"have_your_say": Part("surveys/_home_slot.html", {"surveys": surveys, "answered": answered,
                                                              "wording": SurveyWording(surveys)})}


def account(actor) -> dict:
    """On my account: the surveys I answered."""
    surveys = responding.my_surveys(actor)
    return {"activity": Part("surveys/_account_slot.html", {"surveys": surveys, "wording": SurveyWording(surveys)})}
