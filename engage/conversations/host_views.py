"""Pages hosts run their conversations with: thin; the rules live in hosting.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..csv_export import download
from ..orgs.services import list_schools
from . import bp, hosting
from .host_forms import (FORMAT_LABELS, LANGUAGE_LABELS, NOTE_LABELS, STATUS_LABELS, CancelSessionForm, SessionForm,
                         WalkInForm, section_value)
from .models import SessionStatus
from .services import can_manage_all_sessions, organizations_for_new_session


def _session_or_404(session_id: int):
    session = hosting.session_to_manage(current_user, session_id)
    if session is None:
        abort(404)
    return session


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "format_labels": FORMAT_LABELS, "note_labels": NOTE_LABELS,
            "language_labels": LANGUAGE_LABELS}


@bp.route("/manage")
@login_required
def manage_sessions():
    upcoming, past = hosting.sessions_to_manage(current_user)
    return render_template("conversations/host/manage.html", upcoming=upcoming, past=past,
                           can_complete=lambda s: hosting.transition_problem(s, SessionStatus.COMPLETED) is None,
                           can_cancel=lambda s: hosting.transition_problem(s, SessionStatus.CANCELLED) is None,
                           **_labels())


# Creating and editing ---------------------------------------------------------------


def _session_form(session) -> tuple[SessionForm, list]:
    organizations = organizations_for_new_session(current_user)
    if session is not None and session.organization is not None and session.organization not in organizations:
        organizations.append(session.organization)
    plan_choices, schools = hosting.plan_choices(), list_schools()
    initial = SessionForm.initial_data(session) if session is not None else {}
    if session is None and request.args.get("organization", "").isdigit():
        initial["organization_id"] = int(request.args["organization"])
    if session is None and request.method == "GET":
        initial.update(SessionForm.prefill_data(request.args, plan_choices=plan_choices, schools=schools))
    form = SessionForm(data=initial)
    form.set_choices(organizations=organizations, district=can_manage_all_sessions(current_user),
                     plan_choices=plan_choices, schools=schools)
    return form, plan_choices


def _form_valid(form: SessionForm, session) -> bool:
    """The form's own checks and the service's together, so every problem shows at once."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    problems = hosting.session_problems(current_user, form.session_fields(session), session=session)
    form.show_problems(problems)
    return valid and not problems


def _render_session_form(form, plan_choices, session):
    return render_template("conversations/host/session_form.html", form=form, session=session,
                           plan_choices=plan_choices, section_value=section_value, **_labels())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_session():
    hosting.require_host_tools(current_user)
    form, plan_choices = _session_form(None)
    if _form_valid(form, None):
        try:
            session = hosting.create_session(current_user, submission_token=form.submission_token.data,
                                             **form.session_fields())
        except hosting.InvalidSession as invalid:
            form.show_problems(invalid.problems)
        else:
            flash(_("The conversation is scheduled. People can sign up now."), "success")
            return redirect(url_for("conversations.manage_sessions", _anchor=f"session-{session.id}"))
    return _render_session_form(form, plan_choices, None)


@bp.route("/<id:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    session = _session_or_404(session_id)
    if not hosting.can_edit(session):
        flash(str(hosting.FINAL_MESSAGES[session.status]), "error")
        return redirect(url_for("conversations.manage_sessions"))
    form, plan_choices = _session_form(session)
    if _form_valid(form, session):
        try:
            hosting.update_session(current_user, session, **form.session_fields(session))
        except hosting.InvalidSession as invalid:
            form.show_problems(invalid.problems)
        except hosting.HostingRefused as refused:
            flash(str(refused.message), "error")
            return redirect(url_for("conversations.manage_sessions"))
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("conversations.manage_sessions", _anchor=f"session-{session.id}"))
    return _render_session_form(form, plan_choices, session)


# Status ---------------------------------------------------------------------------


@bp.route("/<id:session_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_session(session_id: int):
    session = _session_or_404(session_id)
    problem = hosting.transition_problem(session, SessionStatus.CANCELLED)
    if problem is not None:
        flash(str(problem), "error")
        return redirect(url_for("conversations.manage_sessions"))
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            hosting.cancel_session(current_user, session, reason=form.reason.data)
        except hosting.InvalidSession as invalid:
            form.reason.errors = [*form.reason.errors, *invalid.problems.values()]
        except hosting.HostingRefused as refused:
            flash(str(refused.message), "error")
            return redirect(url_for("conversations.manage_sessions"))
        else:
            flash(_("The conversation is cancelled. Everyone who signed up is getting an email."), "success")
            return redirect(url_for("conversations.manage_sessions"))
    registered = hosting.roster(current_user, session).totals
    return render_template("conversations/host/cancel.html", session=session, form=form, totals=registered,
                           **_labels())


@bp.post("/<id:session_id>/complete")
@login_required
def complete_session(session_id: int):
    session = _session_or_404(session_id)
    try:
        hosting.complete_session(current_user, session)
    except hosting.HostingRefused as refused:
        flash(str(refused.message), "error")
    else:
        flash(_("The conversation is marked as held. You can write your notes now."), "success")
    return redirect(url_for("conversations.manage_sessions", _anchor=f"session-{session.id}"))


# Roster ---------------------------------------------------------------------------


@bp.route("/<id:session_id>/roster")
@login_required
def roster(session_id: int):
    session = _session_or_404(session_id)
    return render_template("conversations/host/roster.html", session=session,
                           roster=hosting.roster(current_user, session),
                           can_remove=hosting.can_remove_registrations(session), **_labels())


@bp.route("/<id:session_id>/roster.csv")
@login_required
def roster_csv(session_id: int):
    session = _session_or_404(session_id)
    return download(hosting.export_roster(current_user, session))


@bp.post("/<id:session_id>/registrations/<id:registration_id>/remove")
@login_required
def remove_registration(session_id: int, registration_id: int):
    session = _session_or_404(session_id)
    try:
        removed = hosting.remove_registration(current_user, session, registration_id)
    except LookupError:
        abort(404)
    except hosting.HostingRefused as refused:
        flash(str(refused.message), "error")
    else:
        flash(_("%(name)s is off the list. If anyone was waiting, they have the place now.", name=removed.name),
              "success")
    return redirect(url_for("conversations.roster", session_id=session.id))


# Check-in -------------------------------------------------------------------------


def _render_check_in(session, walk_in_form: WalkInForm):
    return render_template("conversations/host/checkin.html", session=session,
                           people=hosting.check_in_list(current_user, session), walk_in_form=walk_in_form,
                           **_labels())


@bp.route("/<id:session_id>/check-in")
@login_required
def check_in(session_id: int):
    session = _session_or_404(session_id)
    return _render_check_in(session, WalkInForm(formdata=None))


@bp.post("/<id:session_id>/registrations/<id:registration_id>/check-in")
@login_required
def check_in_registration(session_id: int, registration_id: int):
    session = _session_or_404(session_id)
    attended = request.form.get("attended")
    if attended not in ("0", "1"):
        abort(400)
    try:
        hosting.check_in(current_user, session, registration_id, attended == "1")
    except LookupError:
        abort(404)
    except hosting.HostingRefused as refused:
        flash(str(refused.message), "error")
    return redirect(url_for("conversations.check_in", session_id=session.id, _anchor=f"person-{registration_id}"))


@bp.post("/<id:session_id>/walk-ins")
@login_required
def add_walk_in(session_id: int):
    session = _session_or_404(session_id)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            walk_in = hosting.add_walk_in(
                current_user, session, submission_token=form.submission_token.data, name=form.name.data,
                email=form.email.data or "", party_size=form.party_size.data,
                interpretation_language=form.interpretation_language.data or None,
                childcare_count=form.childcare_count.data or 0,
            )
        except hosting.InvalidSession as invalid:
            form.name.errors = [*form.name.errors, *invalid.problems.values()]
        except hosting.HostingRefused as refused:
            flash(str(refused.message), "error")
            return redirect(url_for("conversations.check_in", session_id=session.id))
        else:
            flash(_("%(name)s is added and checked in.", name=walk_in.name), "success")
            return redirect(url_for("conversations.check_in", session_id=session.id, _anchor=f"person-{walk_in.id}"))
    return _render_check_in(session, form)
