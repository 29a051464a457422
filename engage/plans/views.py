from __future__ import annotations

from babel.dates import get_month_names
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..comments.services import comment_counts
from ..permissions import Permission, can, require
from . import bp, services
from .diff import diff_snapshots
from .forms import PublishForm
from .models import PlanStatus


def month_names(width: str = "wide") -> dict[int, str]:
    return dict(get_month_names(width, locale=get_locale()))


def _plan_or_404(plan_id: int):
    plan = services.get_plan(plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/")
def index():
    return render_template("plans/index.html", listings=services.list_published_plans())


@bp.route("/<id:plan_id>")
def show(plan_id: int):
    plan = _plan_or_404(plan_id)
    number = request.args.get("version", type=int)
    version = services.get_version(plan, number)
    if version is None:
        if plan.versions or not can(current_user, Permission.MANAGE_PLANS):
            abort(404)
        return redirect(url_for("plans.preview", plan_id=plan.id))
    return render_template(
        "plans/show.html",
        plan=plan,
        version=version,
        content=version.snapshot,
        window=services.feedback_window_state(plan),
        months=month_names(),
        short_months=month_names("abbreviated"),
        comment_counts=comment_counts(plan.id),
    )


@bp.route("/<id:plan_id>/compare")
def compare(plan_id: int):
    plan = _plan_or_404(plan_id)
    if not plan.versions:
        abort(404)
    latest = plan.versions[-1].number
    old = services.get_version(plan, request.args.get("from", max(latest - 1, 1), type=int))
    new = services.get_version(plan, request.args.get("to", latest, type=int))
    if old is None or new is None:
        abort(404)
    names = month_names()
    changes = diff_snapshots(old.snapshot, new.snapshot, month_name=lambda m: names.get(m, str(m)))
    return render_template("plans/compare.html", plan=plan, old=old, new=new, diff=changes)


@bp.route("/<id:plan_id>/preview")
@login_required
def preview(plan_id: int):
    require(current_user, Permission.MANAGE_PLANS)
    plan = _plan_or_404(plan_id)
    return render_template(
        "plans/preview.html",
        plan=plan,
        content=services.draft_snapshot(current_user, plan),
        form=PublishForm(status=plan.status),
        months=month_names(),
        short_months=month_names("abbreviated"),
    )


@bp.post("/<id:plan_id>/publish")
@login_required
def publish(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            version = services.publish_version(current_user, plan, status=form.status.data,
                                               change_note=form.change_note.data or "")
        except services.NothingToPublish:
            flash(_("Add at least one action before publishing."), "error")
        else:
            flash(_("Version %(number)d is published.", number=version.number), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    require(current_user, Permission.MANAGE_PLANS)
    return render_template(
        "plans/preview.html", plan=plan, content=services.draft_snapshot(current_user, plan), form=form,
        months=month_names(), short_months=month_names("abbreviated"),
    )


@bp.route("/manage")
@login_required
def manage():
    return render_template("plans/manage.html", plans=services.list_all_plans(current_user),
                           statuses=PlanStatus)
