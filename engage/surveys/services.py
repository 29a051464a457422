"""Surveys: what every part of the feature shares (finding a survey, its state,
who may manage it). The builder, responding and results live beside it in
builder.py, responding.py and results.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import TimeWindow, soonest_first, time_window_state, utcnow
from ..permissions import Permission, PermissionDenied, can, require
from .models import Survey, SurveyAudience, SurveyResponse, SurveyStatus


class SurveyState:
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # published, window not open yet
    OPEN = TimeWindow.OPEN
    CLOSED = TimeWindow.CLOSED  # closed by a leader or past its window


def survey_state(survey: Survey, now: datetime | None = None) -> str:
    if survey.status == SurveyStatus.DRAFT:
        return SurveyState.DRAFT
    if survey.status == SurveyStatus.CLOSED:
        return SurveyState.CLOSED
    window = time_window_state(survey.opens_at, survey.closes_at, now)
    return SurveyState.SCHEDULED if window == TimeWindow.NOT_YET_OPEN else window


def can_manage_surveys(actor) -> bool:
    return can(actor, Permission.MANAGE_SURVEYS)


def require_manage_surveys(actor) -> None:
    require(actor, Permission.MANAGE_SURVEYS)


def get_survey(survey_id: int) -> Survey | None:
    """The survey with its questions loaded (one query for each)."""
    return db.session.scalar(
        select(Survey).where(Survey.id == survey_id).options(selectinload(Survey.questions))
    )


def get_visible_survey(actor, survey_id: int) -> Survey | None:
    """A survey as the public may see it: drafts only for those who manage surveys."""
    survey = get_survey(survey_id)
    if survey is None or (survey.status == SurveyStatus.DRAFT and not can_manage_surveys(actor)):
        return None
    return survey


def require_audience(actor, survey: Survey) -> None:
    if survey.audience == SurveyAudience.SIGNED_IN and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("respond to survey")


def response_counts(survey_ids: list[int]) -> dict[int, int]:
    if not survey_ids:
        return {}
    rows = db.session.execute(
        select(SurveyResponse.survey_id, func.count())
        .where(SurveyResponse.survey_id.in_(survey_ids))
        .group_by(SurveyResponse.survey_id)
    ).all()
    return dict(rows)


def has_responses(survey: Survey) -> bool:
    return db.session.scalar(
        select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id).limit(1)
    ) is not None


def list_surveys_to_manage(actor) -> list[tuple[Survey, int]]:
    """Every survey, newest first, with its number of responses."""
    require_manage_surveys(actor)
    surveys = db.session.scalars(select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())).all()
    counts = response_counts([s.id for s in surveys])
    return [(survey, counts.get(survey.id, 0)) for survey in surveys]


def list_open_surveys(now: datetime | None = None) -> list[Survey]:
    """The surveys taking answers now, the soonest to close first."""
    now = now or utcnow()
    surveys = [survey for survey in list_public_surveys(now) if survey_state(survey, now) == SurveyState.OPEN]
    return sorted(surveys, key=lambda survey: soonest_first(survey.closes_at))


def list_public_surveys(now: datetime | None = None) -> list[Survey]:
    """Published surveys people can see: open ones first, then closed ones."""
    surveys = db.session.scalars(
        select(Survey).where(Survey.status != SurveyStatus.DRAFT).order_by(Survey.published_at.desc(), Survey.id.desc())
    ).all()
    order = {SurveyState.OPEN: 0, SurveyState.SCHEDULED: 1, SurveyState.CLOSED: 2}
    return sorted(surveys, key=lambda s: order[survey_state(s, now)])
