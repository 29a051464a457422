"""The survey builder's pages: thin; the rules live in builder.py."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..forms import choices
from ..i18n import local_to_utc, utc_to_local
from ..models import SUBMISSION_TOKEN_MAX
from ..plans.services import list_published_plans
from ..translation.services import target_languages, untranslated_languages
from ..urls import external_url
from . import bp, builder, services
from .builder_forms import ANONYMITY_LABELS, AUDIENCE_LABELS, STATE_LABELS, QuestionForm, SurveyForm
from .models import QuestionKind, SurveyStatus
from .questions import KIND_LABELS, PROFILE_PROMPTS, default_options
from .translatable import survey_document


def _survey_or_404(survey_id: int):
    services.require_manage_surveys(current_user)
    survey = services.get_survey(survey_id)
    if survey is None:
        abort(404)
    return survey


def _question_or_404(question_id: int):
    services.require_manage_surveys(current_user)
    question = builder.get_question(question_id)
    if question is None:
        abort(404)
    return question


def _show_refusal(form, refusal: builder.InvalidSurveyChange) -> None:
    """Put the refusal beside the field it concerns, or at the top of the page."""
    field = form[refusal.field] if refusal.field and refusal.field in form else None
    if field is not None:
        field.errors.append(refusal.message)
    else:
        flash(str(refusal.message), "error")


def _question_form_valid(form, kind: str, current_options: list[dict]) -> bool:
    """The form's checks and the builder's option rules together, so every error shows at once."""
    if not form.is_submitted():
        return False
    if form.validate():
        return True
    if form.options is not None and "options" not in form.errors:
        try:
            builder.checked_options(kind, current_options, form.question_fields()["options"])
        except builder.InvalidSurveyChange as refusal:
            _show_refusal(form, refusal)
    return False


def _edit_page(survey, anchor: str | None = None):
    return redirect(url_for("surveys.edit_survey", survey_id=survey.id, _anchor=anchor))


# Surveys -------------------------------------------------------------------------


@bp.route("/manage")
@login_required
def manage():
    rows = [(survey, count, services.survey_state(survey))
            for survey, count in services.list_surveys_to_manage(current_user)]
    return render_template("surveys/builder/manage.html", rows=rows, state_labels=STATE_LABELS)


def _survey_form(survey) -> SurveyForm:
    form = SurveyForm(obj=survey)
    plans = [(listing.plan.id, listing.plan.title) for listing in list_published_plans()]
    form.plan_id.choices = choices([(0, _("No plan")), *plans])
    if not form.is_submitted() and survey is not None:
        form.plan_id.data = survey.plan_id or 0
        form.opens_at.data, form.closes_at.data = utc_to_local(survey.opens_at), utc_to_local(survey.closes_at)
    return form


def _settings(form: SurveyForm) -> dict:
    return {
        "title": form.title.data, "introduction": form.introduction.data,
        "plan_id": form.plan_id.data or None,
        "opens_at": local_to_utc(form.opens_at.data), "closes_at": local_to_utc(form.closes_at.data),
        "audience": form.audience.data, "anonymity": form.anonymity.data, "paged": form.paged.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_survey():
    services.require_manage_surveys(current_user)
    form = _survey_form(None)
    if form.validate_on_submit():
        try:
            survey = builder.create_survey(current_user, submission_token=form.submission_token.data,
                                           **_settings(form))
        except builder.InvalidSurveyChange as refusal:
            _show_refusal(form, refusal)
        else:
            flash(_("The survey is saved as a draft. Now add its questions."), "success")
            return _edit_page(survey, "questions")
    return render_template("surveys/builder/new.html", form=form)


@bp.route("/<id:survey_id>/edit", methods=["GET", "POST"])
@login_required
def edit_survey(survey_id: int):
    survey = _survey_or_404(survey_id)
    form = _survey_form(survey)
    if form.validate_on_submit():
        try:
            builder.update_survey(current_user, survey, **_settings(form))
        except builder.InvalidSurveyChange as refusal:
            _show_refusal(form, refusal)
        else:
            flash(_("The settings are saved."), "success")
            return _edit_page(survey)
    parts = builder.plan_parts(survey)
    return render_template(
        "surveys/builder/edit.html", survey=survey, form=form, locked=services.has_responses(survey),
        state=services.survey_state(survey), state_labels=STATE_LABELS, kind_labels=KIND_LABELS,
        addable_kinds=builder.addable_kinds(survey), statuses=SurveyStatus,
        audience_labels=AUDIENCE_LABELS, anonymity_labels=ANONYMITY_LABELS,
        part_labels={(p.section_key, p.action_key): p.label for p in parts},
        share_url=external_url("surveys.respond", survey_id=survey.id), copy_token=secrets.token_urlsafe(24),
        untranslated=untranslated_languages(survey_document(survey), target_languages()),
        translation_languages=target_languages(),
    )


def _change(survey_id: int, change, done_message: str):
    survey = _survey_or_404(survey_id)
    try:
        change(current_user, survey)
    except builder.InvalidSurveyChange as refusal:
        flash(str(refusal.message), "error")
    else:
        flash(done_message, "success")
    return _edit_page(survey)


@bp.post("/<id:survey_id>/publish")
@login_required
def publish_survey(survey_id: int):
    return _change(survey_id, builder.publish_survey, _("The survey is published."))


@bp.post("/<id:survey_id>/close")
@login_required
def close_survey(survey_id: int):
    return _change(survey_id, builder.close_survey, _("The survey is closed. Its results stay."))


@bp.post("/<id:survey_id>/reopen")
@login_required
def reopen_survey(survey_id: int):
    return _change(survey_id, builder.reopen_survey, _("The survey takes responses again."))


@bp.post("/<id:survey_id>/duplicate")
@login_required
def duplicate_survey(survey_id: int):
    token = request.form.get("submission_token", "")
    copy = builder.duplicate_survey(current_user, _survey_or_404(survey_id),
                                    submission_token=token if 0 < len(token) <= SUBMISSION_TOKEN_MAX else None)
    flash(_("This is the copy, saved as a draft. Set its dates before you publish it."), "success")
    return _edit_page(copy)


@bp.post("/<id:survey_id>/delete")
@login_required
def delete_survey(survey_id: int):
    survey = _survey_or_404(survey_id)
    try:
        builder.delete_survey(current_user, survey)
    except builder.InvalidSurveyChange as refusal:
        flash(str(refusal.message), "error")
        return _edit_page(survey)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("surveys.manage"))


# Questions -----------------------------------------------------------------------


def _question_form(survey, kind: str, question=None, *, locked: bool = False) -> QuestionForm:
    form = QuestionForm(obj=question, kind=kind, locked=locked, plan_parts=builder.plan_parts(survey))
    if not form.is_submitted():
        if question is None:
            form.prompt.data = PROFILE_PROMPTS.get(kind)
            if form.options is not None:
                form.options.process(None, default_options(kind))
        else:
            form.set_anchor(question.section_key, question.action_key)
        form.add_blank_option_rows()
    return form


@bp.route("/<id:survey_id>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(survey_id: int):
    survey = _survey_or_404(survey_id)
    kind = request.args.get("kind", "")
    if kind not in QuestionKind.ALL:
        abort(400)
    if services.has_responses(survey):
        flash(str(builder.LOCKED_MESSAGE), "error")
        return _edit_page(survey)
    form = _question_form(survey, kind)
    if _question_form_valid(form, kind, []):
        try:
            question = builder.add_question(current_user, survey, kind, submission_token=form.submission_token.data,
                                            **form.question_fields())
        except builder.InvalidSurveyChange as refusal:
            _show_refusal(form, refusal)
        else:
            flash(_("The question is added."), "success")
            return _edit_page(survey, f"question-{question.id}")
    return render_template("surveys/builder/question.html", survey=survey, question=None, kind=kind, form=form,
                           kind_labels=KIND_LABELS, locked=False)


@bp.route("/questions/<id:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(question_id: int):
    question = _question_or_404(question_id)
    survey = question.survey
    locked = services.has_responses(survey)
    form = _question_form(survey, question.kind, question, locked=locked)
    if _question_form_valid(form, question.kind, question.options):
        try:
            builder.update_question(current_user, question, **form.question_fields())
        except builder.InvalidSurveyChange as refusal:
            _show_refusal(form, refusal)
        else:
            flash(_("The wording is fixed, and the fix is recorded.") if locked else _("The question is saved."),
                  "success")
            return _edit_page(survey, f"question-{question.id}")
    return render_template("surveys/builder/question.html", survey=survey, question=question, kind=question.kind,
                           form=form, kind_labels=KIND_LABELS, locked=locked)


@bp.post("/questions/<id:question_id>/move")
@login_required
def move_question(question_id: int):
    question = _question_or_404(question_id)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)
    try:
        builder.move_question(current_user, question, offset)
    except builder.QuestionsLocked as refusal:
        flash(str(refusal.message), "error")
    return _edit_page(question.survey, f"question-{question.id}")


@bp.post("/questions/<id:question_id>/delete")
@login_required
def delete_question(question_id: int):
    question = _question_or_404(question_id)
    survey = question.survey
    try:
        builder.delete_question(current_user, question)
    except builder.QuestionsLocked as refusal:
        flash(str(refusal.message), "error")
    else:
        flash(_("The question is deleted."), "success")
    return _edit_page(survey, "questions")
