from __future__ import annotations

from babel.dates import get_month_names
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import slots
from ..forms import choices
from ..i18n import local_to_utc, utc_to_local
from ..orgs.services import list_schools
from ..page_cache import public_page
from ..permissions import Permission, can, require
from ..translation.services import Localizer
from . import bp, services
from .diff import diff_snapshots
from .forms import SCHOOL_YEAR_MONTHS, ActionForm, PlanForm, PublishForm, SectionForm
from .models import PlanStatus
from .translation import listing_titles, localized, localized_pair, note_path, plan_scope


def month_names(width: str = "wide") -> dict[int, str]:
    return dict(get_month_names(width, locale=get_locale()))


def _plan_or_404(plan_id: int):
    plan = services.get_plan(plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/")
@public_page
def index():
    listings = services.list_published_plans()
    return render_template("plans/index.html", listings=listings, titles=listing_titles(listings))


@bp.route("/<id:plan_id>")
@public_page
def show(plan_id: int):
    plan = _plan_or_404(plan_id)
    number = request.args.get("version", type=int)
    version = services.get_version(plan, number)
    if version is None:
        if plan.versions or not can(current_user, Permission.MANAGE_PLANS):
            abort(404)
        return redirect(url_for("plans.preview", plan_id=plan.id))
    scope = plan_scope(plan.id)
    content, notes, reading = localized(version.snapshot, scope, Localizer([scope]),
                                        change_notes={version.number: version.change_note})
    return render_template(
        "plans/show.html",
        plan=plan,
        version=version,
        content=content,
        change_note=notes[version.number],
        reading=reading,
        window=services.feedback_window_state(plan),
        months=month_names(),
        short_months=month_names("abbreviated"),
        page_slots=slots.fill("plan", actor=current_user, plan=plan, version=version),
    )


@bp.route("/<id:plan_id>/compare")
@public_page
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
    scope = plan_scope(plan.id)
    localizer = Localizer([scope])
    old_content, new_content = localized_pair(old.snapshot, new.snapshot, scope, localizer)
    changes = diff_snapshots(old_content, new_content, month_name=lambda m: names.get(m, str(m)))
    return render_template("plans/compare.html", plan=plan, old=old, new=new, diff=changes, title=new_content["title"],
                           change_note=localizer.text(scope, note_path(new.number), new.change_note),
                           page_slots=slots.fill("compare", actor=current_user, plan=plan, old=old, new=new))


@bp.route("/<id:plan_id>/preview")
@login_required
def preview(plan_id: int):
    plan = _editable_plan(plan_id)
    return _preview(plan, PublishForm(status=plan.status))


def _preview(plan, form: PublishForm):
    return render_template(
        "plans/preview.html", plan=plan, content=services.draft_snapshot(current_user, plan), form=form,
        missing_translations=services.missing_translations(plan),
        months=month_names(), short_months=month_names("abbreviated"),
    )


@bp.post("/<id:plan_id>/publish")
@login_required
def publish(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            version = services.publish_version(current_user, plan, status=form.status.data,
                                               change_note=form.change_note.data or "",
                                               translation_coming=form.translation_coming.data)
        except services.NothingToPublish:
            flash(_("Add at least one action before publishing."), "error")
        except services.TranslationsMissing:
            form.translation_coming.errors.append(
                _("Translations are missing. Translate the plan first, or tick this box to publish it now."))
        else:
            flash(_("Version %(number)d is published.", number=version.number), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    require(current_user, Permission.MANAGE_PLANS)
    return _preview(plan, form)


@bp.route("/manage")
@login_required
def manage():
    return render_template("plans/manage.html", plans=services.list_all_plans(current_user),
                           statuses=PlanStatus)


# Editing -----------------------------------------------------------------------


def _editable_plan(plan_id: int):
    require(current_user, Permission.MANAGE_PLANS)
    plan = services.load_full_plan(plan_id)
    if plan is None:
        abort(404)
    return plan


def _month_choices():
    names = month_names()
    return choices((m, names[m]) for m in SCHOOL_YEAR_MONTHS)


def _plan_form(plan) -> PlanForm:
    form = PlanForm(obj=plan)
    form.owner_school_id.choices = choices(
        [(0, _("The district"))] + [(s.id, s.name) for s in list_schools()]
    )
    form.timeline_months.choices = _month_choices()
    form.implements.choices = choices(
        (action.id, f"{owner.title}: {action.number + '. ' if action.number else ''}{action.title}"[:160])
        for owner, action in services.district_actions()
        if plan is None or owner.id != plan.id
    )
    if not form.is_submitted():
        form.owner_school_id.data = (plan.owner_school_id if plan else None) or 0
        form.feedback_opens_at.data = utc_to_local(plan.feedback_opens_at) if plan else None
        form.feedback_closes_at.data = utc_to_local(plan.feedback_closes_at) if plan else None
        form.implements.data = [a.id for a in plan.implements] if plan else []
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<id:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit_plan(plan_id: int | None = None):
    plan = _editable_plan(plan_id) if plan_id else None
    require(current_user, Permission.MANAGE_PLANS)
    form = _plan_form(plan)
    if form.validate_on_submit():
        saved = services.save_plan(
            current_user, plan,
            title=form.title.data, summary=form.summary.data or "",
            owner_school_id=form.owner_school_id.data or None,
            feedback_opens_at=local_to_utc(form.feedback_opens_at.data),
            feedback_closes_at=local_to_utc(form.feedback_closes_at.data),
            timeline_months=form.timeline_months.data or [],
            implements=form.implements.data or [],
        )
        flash(_("The plan is saved. Readers see it when you publish a version."), "success")
        return redirect(url_for("plans.preview", plan_id=saved.id))
    return render_template("plans/edit_plan.html", plan=plan, form=form)


@bp.route("/<id:plan_id>/sections/new", methods=["GET", "POST"])
@bp.route("/<id:plan_id>/sections/<id:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit_section(plan_id: int, section_id: int | None = None):
    plan = _editable_plan(plan_id)
    section = services.get_section(plan, section_id) if section_id else None
    if section_id and section is None:
        abort(404)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        saved = services.save_section(current_user, plan, section, title=form.title.data, intro=form.intro.data)
        flash(_("The section is saved."), "success")
        return redirect(url_for("plans.preview", plan_id=plan.id, _anchor=f"section-{saved.key}"))
    return render_template("plans/edit_section.html", plan=plan, section=section, form=form)


@bp.route("/<id:plan_id>/sections/<id:section_id>/actions/new", methods=["GET", "POST"])
@bp.route("/<id:plan_id>/actions/<id:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(plan_id: int, section_id: int | None = None, action_id: int | None = None):
    plan = _editable_plan(plan_id)
    action = services.get_action(plan, action_id) if action_id else None
    section = action.section if action else services.get_section(plan, section_id)
    if section is None or (action_id and action is None):
        abort(404)
    form = ActionForm(obj=action)
    form.months.choices = _month_choices()
    if not form.is_submitted():
        while len(form.indicators) < (len(action.indicators) if action else 0) + 2:
            form.indicators.append_entry()
    if form.validate_on_submit():
        saved = services.save_action(
            current_user, plan, section, action,
            number=form.number.data, title=form.title.data, description=form.description.data,
            responsible_office=form.responsible_office.data, months=form.months.data or [],
            indicators=[entry.data for entry in form.indicators],
        )
        flash(_("The action is saved."), "success")
        return redirect(url_for("plans.preview", plan_id=plan.id, _anchor=f"action-{saved.key}"))
    return render_template("plans/edit_action.html", plan=plan, section=section, action=action, form=form)


@bp.post("/<id:plan_id>/parts/<kind>/<id:part_id>")
@login_required
def change_part(plan_id: int, kind: str, part_id: int):
    """Move a section or action up or down, or remove it from the draft."""
    plan = _editable_plan(plan_id)
    part = services.get_section(plan, part_id) if kind == "section" else services.get_action(plan, part_id)
    change = request.form.get("change")
    if part is None or kind not in {"section", "action"} or change not in {"up", "down", "remove"}:
        abort(404)
    if change == "remove":
        services.delete_part(current_user, plan, part)
        flash(_("Removed from the draft. Published versions keep it."), "success")
    else:
        services.move_part(current_user, plan, part, -1 if change == "up" else 1)
    return redirect(url_for("plans.preview", plan_id=plan.id))
