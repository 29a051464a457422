"""Who may use the hosts' pages: a table of every host route against every role,
and against a host of another organization."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.conversations import hosting
from engage.conversations.models import ConversationSession, Registration, RegistrationStatus, SessionStatus
from engage.extensions import db
from engage.permissions import PermissionDenied
from tests.conversations.factories import add_registration, make_session
from tests.support.people import ROLES, make_organization, make_user
from tests.support.web import post_form

HOSTS = {"host", "leader", "admin"}
LEADERSHIP = {"leader", "admin"}

# (method, path, form data); {s} is the session, {r} a confirmed registration on it.
ROUTES = [
    ("GET", "/conversations/manage", None),
    ("GET", "/conversations/new", None),
    ("POST", "/conversations/new", {"title": ""}),
    ("GET", "/conversations/{s}/edit", None),
    ("POST", "/conversations/{s}/edit", {"title": ""}),
    ("GET", "/conversations/{s}/cancel", None),
    ("POST", "/conversations/{s}/cancel", {"reason": ""}),
    ("POST", "/conversations/{s}/complete", {}),
    ("GET", "/conversations/{s}/roster", None),
    ("GET", "/conversations/{s}/roster.csv", None),
    ("POST", "/conversations/{s}/registrations/{r}/remove", {}),
    ("GET", "/conversations/{s}/check-in", None),
    ("POST", "/conversations/{s}/registrations/{r}/check-in", {"attended": "1"}),
    ("POST", "/conversations/{s}/walk-ins", {"name": ""}),
]
SESSION_ROUTES = [route for route in ROUTES if "{s}" in route[1]]


def request(client, method: str, path: str, data):
    if method == "GET":
        return client.get(path)
    return post_form(client, path, data)


def fill(path: str, session: ConversationSession, registration: Registration) -> str:
    return path.format(s=session.id, r=registration.id)


def assert_allowed(response, what) -> None:
    assert response.status_code in (200, 302), what
    assert "/login" not in response.headers.get("Location", ""), what


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "data"), ROUTES, ids=[f"{m} {p}" for m, p, _d in ROUTES])
def test_host_routes_by_role_on_the_hosts_own_session(client_as, users, role, method, path, data):
    session = make_session(organization=users["host"].memberships[0].organization)
    registration = add_registration(session)
    response = request(client_as(role), method, fill(path, session, registration), data)
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in HOSTS:
        assert_allowed(response, (role, method, path))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["host", "leader", "admin"])
@pytest.mark.parametrize(("method", "path", "data"), SESSION_ROUTES, ids=[f"{m} {p}" for m, p, _d in SESSION_ROUTES])
def test_only_leaders_and_admins_reach_another_organizations_session(client_as, users, role, method, path, data):
    session = make_session(organization=make_organization("Other PTO"))
    registration = add_registration(session, name="Private Person")
    response = request(client_as(role), method, fill(path, session, registration), data)
    if role in LEADERSHIP:
        assert_allowed(response, (role, method, path))
    else:
        assert response.status_code == 403
        assert "Private Person" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path", "data"), SESSION_ROUTES, ids=[f"{m} {p}" for m, p, _d in SESSION_ROUTES])
def test_a_host_cannot_reach_a_district_hosted_session(client_as, users, method, path, data):
    session = make_session(organization=None)
    registration = add_registration(session)
    assert request(client_as("host"), method, fill(path, session, registration), data).status_code == 403


def test_another_organizations_host_changes_nothing(client_as, users):
    session = make_session(organization=make_organization("Other PTO"))
    registration = add_registration(session)
    client = client_as("host")
    post_form(client, f"/conversations/{session.id}/cancel", {"reason": "Mine now"})
    post_form(client, f"/conversations/{session.id}/registrations/{registration.id}/remove")
    post_form(client, f"/conversations/{session.id}/registrations/{registration.id}/check-in", {"attended": "1"})
    db.session.expire_all()
    assert db.session.get(ConversationSession, session.id).status == SessionStatus.SCHEDULED
    unchanged = db.session.get(Registration, registration.id)
    assert unchanged.status == RegistrationStatus.CONFIRMED and unchanged.checked_in_at is None


def test_a_member_of_an_organization_that_does_not_host_is_not_a_host(client_as, users):
    club = make_organization("Book club", hosts=False)
    member = make_user(email="reader@example.org", organization=club)
    session = make_session(organization=club)
    with pytest.raises(PermissionDenied):
        hosting.session_to_manage(member, session.id)
    with pytest.raises(PermissionDenied):
        hosting.sessions_to_manage(member)


def test_an_unknown_session_is_not_found(client_as, users):
    assert client_as("host").get("/conversations/999999/roster").status_code == 404


@pytest.mark.parametrize("service", ["roster", "export_roster", "check_in_list", "complete_session"])
def test_the_services_check_permission_themselves(users, service):
    session = make_session(organization=make_organization("Other PTO"))
    with pytest.raises(PermissionDenied):
        getattr(hosting, service)(users["host"], session)


def test_the_update_service_checks_permission_itself(users):
    session = make_session(organization=make_organization("Other PTO"))
    with pytest.raises(PermissionDenied):
        hosting.update_session(users["host"], session, title="Mine now")
    db.session.expire_all()
    assert db.session.scalar(select(ConversationSession.title)) != "Mine now"
