from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..audit import services as audit
from ..audit.labels import audit_labels
from ..forms import choices
from ..mail import services as mail
from ..orgs import services as orgs
from ..permissions import Permission, Role, require
from . import bp
from .forms import (
    ORGANIZATION_KIND_LABELS,
    ROLE_LABELS,
    SCHOOL_LEVEL_LABELS,
    AddMemberForm,
    OrganizationForm,
    SchoolForm,
    UserRoleForm,
    UserSearchForm,
)
from .services import overview


LAST_ADMIN_MESSAGE = _l("Engage needs at least one administrator. Make someone else an administrator first.")


@bp.before_request
@login_required
def require_sign_in():
    """Every admin page needs a signed-in person; services check the role."""


MAX_PAGE = 10_000


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def _found(obj):
    if obj is None:
        abort(404)
    return obj


@bp.route("/")
def index():
    return render_template("admin/index.html", counts=overview(current_user))


# People ------------------------------------------------------------------------


@bp.route("/users")
def users():
    form = UserSearchForm(request.args)
    form.validate()
    page = accounts.list_users(
        current_user, search=form.q.data or "", role=form.role.data or "", page=_page()
    )
    return render_template("admin/users.html", form=form, page=page, role_labels=ROLE_LABELS)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = _found(accounts.get_user(current_user, user_id))
    form = UserRoleForm(role=person.role)
    if form.validate_on_submit():
        try:
            accounts.set_role(current_user, person, Role(form.role.data), reason=form.reason.data or "")
        except accounts.LastAdmin:
            form.role.errors.append(LAST_ADMIN_MESSAGE)
        else:
            flash(_("%(name)s is now: %(role)s.", name=person.display_name, role=ROLE_LABELS[person.role]), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, form=form, role_labels=ROLE_LABELS)


@bp.post("/users/<id:user_id>/active")
def user_active(user_id: int):
    person = _found(accounts.get_user(current_user, user_id))
    make_active = request.form.get("active") == "1"
    try:
        accounts.set_active(current_user, person, make_active, reason=request.form.get("reason", "")[:300])
    except accounts.LastAdmin:
        flash(LAST_ADMIN_MESSAGE, "error")
    else:
        flash(_("The account is turned on.") if make_active else _("The account is turned off."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


# Organizations -----------------------------------------------------------------


def _organization_form(org, **kwargs) -> OrganizationForm:
    form = OrganizationForm(obj=org, **kwargs)
    form.school_id.choices = choices(
        [(0, _("No particular school"))] + [(s.id, s.name) for s in orgs.list_schools(include_inactive=True)]
    )
    if org is not None and (request.method == "GET" or kwargs.get("formdata", True) is None):
        form.school_id.data = org.school_id or 0
    return form


def _organization_fields(form: OrganizationForm) -> dict:
    fields = {name: form[name].data for name in orgs.ORGANIZATION_FIELDS}
    fields["school_id"] = fields["school_id"] or None
    return fields


@bp.route("/organizations")
def organizations():
    return render_template(
        "admin/organizations.html",
        rows=orgs.list_organizations(current_user),
        kind_labels=ORGANIZATION_KIND_LABELS,
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@bp.route("/organizations/<id:organization_id>", methods=["GET", "POST"])
def organization(organization_id: int | None = None):
    org = _found(orgs.get_organization(current_user, organization_id)) if organization_id else None
    require(current_user, Permission.MANAGE_ORGANIZATIONS)  # before showing an empty form
    form = _organization_form(org)
    if form.validate_on_submit():
        try:
            saved = orgs.save_organization(current_user, org, **_organization_fields(form))
        except orgs.NameTaken:
            form.name.errors.append(_("Another organization already has this name."))
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("admin.organization", organization_id=saved.id))
    return render_template(
        "admin/organization.html", org=org, form=form, member_form=AddMemberForm(formdata=None)
    )


@bp.post("/organizations/<id:organization_id>/members")
def add_member(organization_id: int):
    org = _found(orgs.get_organization(current_user, organization_id))
    member_form = AddMemberForm()
    if member_form.validate_on_submit():
        try:
            membership = accounts.add_member(current_user, org, member_form.email.data)
        except accounts.UnknownPerson:
            member_form.email.errors.append(_("No account uses this email address. Ask the person to register first."))
        except accounts.AlreadyMember:
            member_form.email.errors.append(_("This person is already a member."))
        else:
            flash(_("%(name)s is now a member.", name=membership.user.display_name), "success")
            return redirect(url_for("admin.organization", organization_id=org.id))
    return render_template("admin/organization.html", org=org, form=_organization_form(org, formdata=None),
                           member_form=member_form)


@bp.post("/organizations/<id:organization_id>/members/<id:user_id>/remove")
def remove_member(organization_id: int, user_id: int):
    org = _found(orgs.get_organization(current_user, organization_id))
    accounts.remove_member(current_user, org, user_id)
    flash(_("The member is removed."), "success")
    return redirect(url_for("admin.organization", organization_id=org.id))


# Schools -----------------------------------------------------------------------


@bp.route("/schools")
def schools():
    require(current_user, Permission.MANAGE_SCHOOLS)
    return render_template(
        "admin/schools.html", schools=orgs.list_schools(include_inactive=True), level_labels=SCHOOL_LEVEL_LABELS
    )


@bp.route("/schools/new", methods=["GET", "POST"])
@bp.route("/schools/<id:school_id>", methods=["GET", "POST"])
def school(school_id: int | None = None):
    existing = _found(orgs.get_school(current_user, school_id)) if school_id else None
    require(current_user, Permission.MANAGE_SCHOOLS)  # before showing an empty form
    form = SchoolForm(obj=existing)
    if form.validate_on_submit():
        try:
            saved = orgs.save_school(current_user, existing, **{name: form[name].data for name in orgs.SCHOOL_FIELDS})
        except orgs.NameTaken:
            form.name.errors.append(_("Another school already has this name."))
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("admin.schools"))
    return render_template("admin/school.html", school=existing, form=form)


# Outbox and audit log ----------------------------------------------------------


@bp.route("/outbox")
def outbox():
    return render_template("admin/outbox.html", page=mail.list_outbox(current_user, page=_page()))


@bp.route("/outbox/<id:message_id>")
def outbox_message(message_id: int):
    return render_template("admin/outbox_message.html", message=_found(mail.get_outbox_message(current_user, message_id)))


@bp.route("/audit")
def audit_log():
    action_labels, field_labels, detail_labels = audit_labels(current_app.extensions["engage.components"])
    return render_template(
        "admin/audit.html",
        page=audit.list_events(current_user, page=_page()),
        action_labels=action_labels,
        detail_labels=detail_labels,
        field_labels=field_labels,
    )
