"""You said, we did: the public theme summary, and the leaders' pages to link feedback to what it led to.

Thin: the rules live in services.py. Leaders' pages start with a service call
that checks MANAGE_THEMES (a 403 otherwise) and finds the plan or link (a 404
otherwise). Forms work without JavaScript and keep what was typed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import limit_from_config, limiter, person_id_for_limits
from ..forms import database_id
from ..page_cache import public_page
from ..plans.translation import localized, plan_scope
from ..themes.translatable import response_texts
from ..translation.services import Localizer
from . import bp, services
from .forms import NewOutcomeForm, OutcomeForm

edit_limit = limiter.limit(limit_from_config("RATELIMIT_OUTCOMES_EDIT"), methods=["POST"],
                           key_func=lambda: f"outcomes:{person_id_for_limits()}")


# --------------------------------------------------------------------------
# Public: a theme's summary
# --------------------------------------------------------------------------

@bp.route("/plans/<id:plan_id>/heard/<id:theme_id>")
@public_page
def theme_summary(plan_id: int, theme_id: int):
    theme = services.public_theme(plan_id, theme_id)
    if theme is None:
        abort(404)
    if theme.id != theme_id:  # merged into another theme: its summary speaks for both
        return redirect(url_for("outcomes.theme_summary", plan_id=plan_id, theme_id=theme.id))
    page = services.theme_summary(plan_id, theme)
    if not page.plan.versions:
        abort(404)
    scope = plan_scope(plan_id)
    texts = Localizer([scope])
    return render_template("outcomes/theme_summary.html", page=page, plan=page.plan, theme=theme,
                           content=localized(page.plan.versions[-1].snapshot, scope, texts)[0],
                           response_text=response_texts([theme]))


# --------------------------------------------------------------------------
# Leaders: a plan's links, and the form
# --------------------------------------------------------------------------

@bp.route("/outcomes/plans/<id:plan_id>")
@login_required
def manage(plan_id: int):
    plan, outcomes = services.manage_page(current_user, plan_id)
    return render_template("outcomes/manage.html", plan=plan, outcomes=outcomes)


def _requested_ids(values) -> list[int]:
    """Ids from the query string or the form, leniently: anything that is not one is left out."""
    return [found for value in values if (found := database_id(value)) is not None]


def _comment_label(comment) -> str:
    excerpt = " ".join(comment.body.split())
    excerpt = excerpt if len(excerpt) <= 160 else excerpt[:159].rsplit(" ", 1)[0] + "…"
    name = comment.author.display_name
    if comment.anonymous:
        name = _("%(name)s, shown as “A community member”", name=name)
    return _("“%(excerpt)s” (%(name)s)", excerpt=excerpt, name=name)


def _fill_choices(form: OutcomeForm, plan, *, theme_ids, comment_ids) -> None:
    themes = services.theme_choices(current_user, plan.id, include=theme_ids)
    form.theme_id.choices = [("", _("No theme: only the comments below"))] + [
        (str(theme.id), theme.label or theme.key if theme.status == "active"
         else _("%(label)s (no longer a current theme)", label=theme.label or theme.key)) for theme in themes]
    form.version_id.choices = [("", _("No particular version"))] + [
        (str(version.id), _("Version %(number)d", number=version.number)) for version in reversed(plan.versions)]
    form.target.choices = [("", _("The plan as a whole (choose a version above)"))] + \
        services.target_choices(plan.versions)
    comments = services.linkable_comments(current_user, plan.id, comment_ids)
    form.comment_ids.choices = [(str(comment.id), _comment_label(comment)) for comment in comments]


def _form_page(form: OutcomeForm, plan, *, outcome=None):
    return render_template("outcomes/form.html", form=form, plan=plan, outcome=outcome)


@bp.route("/outcomes/plans/<id:plan_id>/new", methods=["GET", "POST"])
@login_required
@edit_limit
def new(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    form = NewOutcomeForm()
    requested_comments = _requested_ids(request.args.getlist("comment"))
    requested_theme = _requested_ids(request.args.getlist("theme"))[:1]
    posted_theme = _requested_ids([form.theme_id.data or ""])
    _fill_choices(form, plan, theme_ids=requested_theme + posted_theme,
                  comment_ids=requested_comments + _requested_ids(form.comment_ids.data or []))
    if request.method == "GET":
        form.theme_id.data = str(requested_theme[0]) if requested_theme else ""
        form.comment_ids.data = [value for value, _label in form.comment_ids.choices]
    if form.validate_on_submit():
        try:
            outcome = services.create_outcome(current_user, plan.id, submission_token=form.submission_token.data,
                                              **form.service_arguments())
        except services.OutcomeRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            flash(_("The link is saved. It shows on the plan page and the theme's summary."), "success")
            return redirect(url_for("outcomes.manage", plan_id=plan.id, _anchor=f"outcome-{outcome.id}"))
    return _form_page(form, plan)


def _target_value(outcome) -> str:
    if outcome.action_key:
        return f"action:{outcome.action_key}"
    if outcome.section_key:
        return f"section:{outcome.section_key}"
    return ""


@bp.route("/outcomes/<id:outcome_id>/edit", methods=["GET", "POST"])
@login_required
@edit_limit
def edit(outcome_id: int):
    outcome = services.get_outcome(current_user, outcome_id)
    plan = outcome.plan
    form = OutcomeForm()
    linked = [link.comment_id for link in outcome.comment_links]
    _fill_choices(form, plan, theme_ids=[outcome.theme_id, *_requested_ids([form.theme_id.data or ""])],
                  comment_ids=linked + _requested_ids(form.comment_ids.data or []))
    if request.method == "GET":
        form.theme_id.data = str(outcome.theme_id or "")
        form.comment_ids.data = [str(comment_id) for comment_id in linked]
        form.version_id.data = str(outcome.version_id or "")
        form.target.data = _target_value(outcome)
        form.explanation.data = outcome.explanation
    if form.validate_on_submit():
        try:
            services.update_outcome(current_user, outcome.id, **form.service_arguments())
        except services.OutcomeRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            flash(_("The link is saved."), "success")
            return redirect(url_for("outcomes.manage", plan_id=plan.id, _anchor=f"outcome-{outcome.id}"))
    return _form_page(form, plan, outcome=outcome)


@bp.post("/outcomes/<id:outcome_id>/delete")
@login_required
@edit_limit
def delete(outcome_id: int):
    outcome = services.get_outcome(current_user, outcome_id)
    # The CSRF token is checked for every POST (engage.extensions.csrf); this is the "are you sure?" step.
    if request.form.get("confirm") != "yes":
        public = services.public_outcome(outcome)
        return render_template("outcomes/delete.html", outcome=outcome, public=public, plan=outcome.plan)
    plan_id = services.delete_outcome(current_user, outcome.id)
    flash(_("The link is deleted. The theme and the comments are as they were."), "success")
    return redirect(url_for("outcomes.manage", plan_id=plan_id))
