"""The office side of the tracker: the actions a person may update, the update form,
corrections, and evidence downloads. Rules live in services.py and updates.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import limit_from_config, limiter, person_id_for_limits, talisman
from ..i18n import district_today
from ..uploads import DOWNLOAD_CSP, file_size_label, file_type_label, send_stored_file
from . import bp, services, updates
from .forms import ProgressUpdateForm, update_form_class
from .listing import STATUS_LABELS
from .models import EvidenceKind, ProgressUpdate


def _tracked_action_or_404(action_id: int):
    action = services.get_action(action_id)
    if not services.is_tracked(action.section.plan_id):
        abort(404)
    return action


def _service_arguments(form: ProgressUpdateForm) -> dict:
    return {
        "as_of": form.as_of.data,
        "status": form.status.data,
        "percent_complete": form.percent_complete.data,
        "summary": form.summary.data or "",
        "evidence_url": form.evidence_url.data or "",
        "evidence_title": form.evidence_title.data or "",
        "evidence_file": form.chosen_file(),
        "metric_values": form.metric_values(),
    }


def _updates_to_correct(action) -> list[ProgressUpdate]:
    """The action's earlier updates the person may correct: their own (every one, for leaders)."""
    history = services.action_history(action.id)
    if services.can_update_any_action(current_user):
        return history
    return [update for update in history if update.author_id == current_user.id]


def _form_page(form: ProgressUpdateForm, action, *, update: ProgressUpdate | None = None):
    # Browsers forget a chosen file when a form comes back to be corrected: say so.
    file_again = request.method == "POST" and form.chosen_file() is not None
    return render_template(
        "tracker/office/update_form.html",
        form=form,
        action=action,
        plan=action.section.plan,
        tracked=services.track_actions([action])[0],
        update=update,
        earlier=_updates_to_correct(action) if update is None else [],
        file_again=file_again,
        status_labels=STATUS_LABELS,
        file_size_label=file_size_label,
        file_type_label=file_type_label,
    )


@bp.route("/office")
@login_required
def office():
    plans = services.actions_to_update(current_user)
    return render_template("tracker/office/actions.html", plans=plans, status_labels=STATUS_LABELS,
                           sees_all=services.can_update_any_action(current_user))


@bp.route("/actions/<id:action_id>/update", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from_config("RATELIMIT_PROGRESS_UPDATE"), methods=["POST"],
                key_func=lambda: f"progress:{person_id_for_limits()}")
def new_update(action_id: int):
    action = _tracked_action_or_404(action_id)
    services.require_update_action(current_user, action)
    form = update_form_class(action)()
    if request.method == "GET":
        form.as_of.data = district_today()
        tracked = services.track_actions([action])[0]
        if tracked.update_count:
            form.status.data = tracked.status
            form.percent_complete.data = tracked.percent_complete
    if form.validate_on_submit():
        try:
            update = updates.post_update(current_user, action, submission_token=form.submission_token.data,
                                         **_service_arguments(form))
        except updates.UpdateRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            flash(_("Your update is posted."), "success")
            return redirect(url_for("tracker.show_action", action_id=action.id, _anchor=f"update-{update.id}"))
    return _form_page(form, action)


@bp.route("/updates/<id:update_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from_config("RATELIMIT_PROGRESS_UPDATE"), methods=["POST"],
                key_func=lambda: f"progress:{person_id_for_limits()}")
def edit_update(update_id: int):
    update = services.get_update(update_id)
    updates.require_change_update(current_user, update)
    action = update.action
    form = update_form_class(action)(obj=update if request.method == "GET" else None)
    if request.method == "GET":
        form.set_metric_values(update.metric_values)
    if form.validate_on_submit():
        try:
            updates.edit_update(current_user, update, remove_file=form.remove_file.data,
                                **_service_arguments(form))
        except updates.UpdateRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            flash(_("The update is corrected."), "success")
            return redirect(url_for("tracker.show_action", action_id=action.id, _anchor=f"update-{update.id}"))
    return _form_page(form, action, update=update)


@bp.route("/updates/<id:update_id>/delete", methods=["POST"])
@login_required
def delete_update(update_id: int):
    update = services.get_update(update_id)
    action_id = update.action_id
    updates.delete_update(current_user, update)
    flash(_("The update is deleted."), "success")
    return redirect(url_for("tracker.show_action", action_id=action_id))


@bp.route("/evidence/<id:update_id>")
@talisman(content_security_policy=DOWNLOAD_CSP)
def evidence(update_id: int):
    """An update's evidence file: images shown inline, PDFs downloaded; never run or sniffed."""
    update = services.get_update(update_id)
    if update.evidence_kind != EvidenceKind.FILE or not update.evidence_stored_name:
        abort(404)
    if not services.is_tracked(update.plan_id) and not services.can_update_action(current_user, update.action):
        abort(404)
    path = updates.evidence_path(update)
    if not path.is_file():
        abort(404)
    return send_stored_file(path, download_name=update.evidence_filename, content_type=update.evidence_content_type,
                            as_attachment=not updates.evidence_is_image(update))
