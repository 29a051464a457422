"""Administrators manage roles, organizations, members and schools; every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.accounts import services as accounts
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.orgs import services as orgs
from engage.orgs.models import Membership, Organization, School
from engage.permissions import PermissionDenied, Role
from tests.support.people import make_user
from tests.support.web import post_form


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_admin_changes_a_role_and_the_change_is_audited(client_as, users):
    admin = client_as("admin")
    target = users["participant"]
    response = post_form(admin, f"/admin/users/{target.id}", {"role": "moderator", "reason": "Volunteered"},
                         form_page=f"/admin/users/{target.id}")
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role == "moderator"
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.actor_id, event.details["new"], event.details["reason"]) == (
        "user.role_changed", users["admin"].id, "moderator", "Volunteered")

    log = admin.get("/admin/audit").get_data(as_text=True)
    assert "Changed a person's role" in log and "Volunteered" in log


def test_an_unknown_role_is_refused_beside_the_field(client_as, users):
    admin = client_as("admin")
    target = users["participant"]
    response = post_form(admin, f"/admin/users/{target.id}", {"role": "emperor"}, form_page=f"/admin/users/{target.id}")
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    db.session.refresh(target)
    assert target.role == "participant"


def test_the_last_administrator_cannot_step_down(users):
    admin = users["admin"]
    with pytest.raises(accounts.LastAdmin):
        accounts.set_role(admin, admin, Role.PARTICIPANT)
    with pytest.raises(accounts.LastAdmin):
        accounts.set_active(admin, admin, False)


def test_a_turned_off_administrator_can_be_demoted(users):
    admin = users["admin"]
    retired = make_user(email="retired@example.org", role=Role.ADMIN)
    accounts.set_active(admin, retired, False)
    accounts.set_role(admin, retired, Role.PARTICIPANT)
    assert retired.role == "participant"


def test_a_leader_cannot_change_roles_even_through_the_service(users):
    with pytest.raises(PermissionDenied):
        accounts.set_role(users["leader"], users["participant"], Role.ADMIN)


def test_turning_an_account_off_signs_it_out(app, client_as, users):
    participant = client_as("participant")
    admin = client_as("admin")
    post_form(admin, f"/admin/users/{users['participant'].id}/active", {"active": "0"}, form_page="/admin/")
    assert participant.get("/account").status_code == 302
    assert audit_actions() == ["user.deactivated"]


def test_admin_creates_an_organization(client_as):
    admin = client_as("admin")
    response = post_form(admin, "/admin/organizations/new", {
        "name": "Familias Unidas", "kind": "partner", "school_id": "0", "description": "Families together",
        "website": "https://familias.example.org", "contact_email": "", "hosts_conversations": "y",
    }, form_page="/admin/organizations/new")
    assert response.status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == "Familias Unidas"))
    assert org.hosts_conversations and org.school_id is None and org.contact_email is None
    assert "organization.created" in audit_actions()


def test_organization_names_are_unique_whatever_the_case(client_as, users):
    admin = client_as("admin")
    response = post_form(admin, "/admin/organizations/new", {"name": "hosting pto", "kind": "pto", "school_id": "0"},
                         form_page="/admin/organizations/new")
    assert response.status_code == 200
    assert "Another organization already has this name." in response.get_data(as_text=True)
    assert 'value="hosting pto"' in response.get_data(as_text=True)


def test_organization_form_rejects_a_bad_website(client_as):
    admin = client_as("admin")
    response = post_form(admin, "/admin/organizations/new", {"name": "X", "kind": "pto", "school_id": "0",
                                                             "website": "javascript:alert(1)"},
                         form_page="/admin/organizations/new")
    assert 'id="website-error"' in response.get_data(as_text=True)


def test_adding_and_removing_a_member_makes_and_unmakes_a_host(client_as, users):
    admin = client_as("admin")
    org = users["host"].memberships[0].organization
    person = users["participant"]
    add = post_form(admin, f"/admin/organizations/{org.id}/members", {"email": "PARTICIPANT@example.org"},
                    form_page=f"/admin/organizations/{org.id}")
    assert add.status_code == 302
    assert client_as("participant").get("/host/").status_code == 200
    post_form(admin, f"/admin/organizations/{org.id}/members/{person.id}/remove", form_page="/admin/")
    assert client_as("participant").get("/host/").status_code == 403
    assert audit_actions()[-2:] == ["organization.member_added", "organization.member_removed"]


def test_adding_an_unknown_or_existing_member_explains_why(client_as, users):
    admin = client_as("admin")
    org_id = users["host"].memberships[0].organization_id
    unknown = post_form(admin, f"/admin/organizations/{org_id}/members", {"email": "ghost@example.org"},
                        form_page=f"/admin/organizations/{org_id}")
    assert unknown.status_code == 200
    assert "No account uses this email address." in unknown.get_data(as_text=True)
    again = post_form(admin, f"/admin/organizations/{org_id}/members", {"email": "host@example.org"},
                      form_page=f"/admin/organizations/{org_id}")
    assert "already a member" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Membership)) == 1


def test_admin_creates_and_edits_a_school(client_as):
    admin = client_as("admin")
    post_form(admin, "/admin/schools/new", {"name": "Oak Elementary", "level": "elementary", "active": "y"},
              form_page="/admin/schools/new")
    school = db.session.scalar(select(School))
    assert (school.name, school.level, school.active) == ("Oak Elementary", "elementary", True)
    post_form(admin, f"/admin/schools/{school.id}", {"name": "Oak Elementary", "level": "elementary", "address": "1 Oak St"},
              form_page=f"/admin/schools/{school.id}")
    db.session.refresh(school)
    assert school.address == "1 Oak St" and school.active is False
    assert audit_actions() == ["school.created", "school.updated"]
    duplicate = post_form(admin, "/admin/schools/new", {"name": "OAK ELEMENTARY", "level": "other"},
                          form_page="/admin/schools/new")
    assert "Another school already has this name." in duplicate.get_data(as_text=True)


def test_the_outbox_shows_sent_mail_to_admins(client_as, users):
    post_form(client_as("anonymous"), "/password/forgot", {"email": "participant@example.org"})
    admin = client_as("admin")
    listing = admin.get("/admin/outbox").get_data(as_text=True)
    assert "participant@example.org" in listing and "Choose a new Engage password" in listing


def test_admin_searches_people(client_as, users):
    admin = client_as("admin")
    html = admin.get("/admin/users?q=hana").get_data(as_text=True)
    assert "host@example.org" in html and "participant@example.org" not in html
    html = admin.get("/admin/users?role=leader").get_data(as_text=True)
    assert "leader@example.org" in html and "host@example.org" not in html


def test_organizations_service_refuses_non_admins(users):
    with pytest.raises(PermissionDenied):
        orgs.save_organization(users["leader"], None, name="Sneaky", kind="pto")
    with pytest.raises(PermissionDenied):
        orgs.save_school(users["host"], None, name="Sneaky School", level="other")
    assert make_user  # factories stay importable for other modules
