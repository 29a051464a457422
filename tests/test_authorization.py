"""Who may open what: every role against every host, leader and admin route."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config import Config
from engage import components
from engage.conversations.models import ResourceKind, ToolkitResource
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.orgs.models import Organization, School
from engage.outcomes.models import FeedbackOutcome
from engage.permissions import Permission, PermissionDenied, can, require
from engage.themes.models import Theme, ThemeAnalysis
from engage.tracker.component import UPDATE_PROGRESS
from engage.translation.component import TRANSLATE
from tests.conversations.factories import add_registration, make_session
from tests.plans.factories import make_plan
from tests.support.people import ROLES
from tests.support.web import post_form
from tests.surveys.factories import make_survey
from tests.tracker.factories import first_action, make_update, publish

ADMIN = {"admin"}
LEADERSHIP = {"leader", "admin"}
MODERATORS = {"moderator", "leader", "admin"}
HOSTS = {"host", "leader", "admin"}
TRANSLATORS = {"translator", "leader", "admin"}
SIGNED_IN = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)  # public pages: signed out too

# (method, path, roles allowed). Paths with {org} / {user} / {school} are filled per test.
ROUTES = [
    ("GET", "/account", SIGNED_IN),
    ("GET", "/account/profile", SIGNED_IN),
    ("GET", "/host/", HOSTS),
    ("GET", "/leadership/", LEADERSHIP),
    ("GET", "/leadership/participation", LEADERSHIP),
    ("GET", "/leadership/participation.csv", LEADERSHIP),
    ("GET", "/leadership/enrollment", ADMIN),
    ("POST", "/leadership/enrollment", ADMIN),
    ("POST", "/leadership/enrollment/import", ADMIN),
    ("GET", "/leadership/enrollment/template.csv", ADMIN),
    ("GET", "/moderation/", MODERATORS),
    ("GET", "/plans/manage", LEADERSHIP),
    ("GET", "/translate/", TRANSLATORS),
    ("GET", "/translate/es/plan:{plan}", TRANSLATORS),
    ("GET", "/translate/es/plan:{plan}.po", TRANSLATORS),
    ("POST", "/translate/es/plan:{plan}/publish", TRANSLATORS),
    ("GET", "/plans/{plan}/preview", LEADERSHIP),
    ("POST", "/plans/{plan}/publish", LEADERSHIP),
    ("GET", "/surveys/manage", LEADERSHIP),
    ("GET", "/surveys/new", LEADERSHIP),
    ("GET", "/surveys/{survey}/edit", LEADERSHIP),
    ("GET", "/surveys/{survey}/preview", LEADERSHIP),
    ("POST", "/surveys/{survey}/close", LEADERSHIP),
    ("GET", "/surveys/{survey}/results", LEADERSHIP),
    ("GET", "/surveys/{survey}/results/print", LEADERSHIP),
    ("GET", "/surveys/{survey}/export.csv", LEADERSHIP),
    ("GET", "/conversations/manage", HOSTS),
    ("GET", "/conversations/new", HOSTS),
    ("GET", "/conversations/{session}/edit", HOSTS),
    ("POST", "/conversations/{session}/edit", HOSTS),
    ("GET", "/conversations/{session}/cancel", HOSTS),
    ("POST", "/conversations/{session}/cancel", HOSTS),
    ("POST", "/conversations/{session}/complete", HOSTS),
    ("GET", "/conversations/{session}/roster", HOSTS),
    ("GET", "/conversations/{session}/roster.csv", HOSTS),
    ("POST", "/conversations/{session}/registrations/{registration}/remove", HOSTS),
    ("GET", "/conversations/{session}/check-in", HOSTS),
    ("POST", "/conversations/{session}/walk-ins", HOSTS),
    ("GET", "/conversations/{session}/notes", HOSTS),
    ("POST", "/conversations/{session}/notes", HOSTS),
    ("GET", "/conversations/{session}/notes/cards", HOSTS),
    ("POST", "/conversations/{session}/notes/cards", HOSTS),
    ("GET", "/conversations/{session}/toolkit/guide", HOSTS),
    ("GET", "/conversations/{session}/toolkit/sign-in-sheet", HOSTS),
    ("GET", "/conversations/{session}/toolkit/comment-cards", HOSTS),
    ("GET", "/conversations/toolkit", HOSTS),
    ("POST", "/conversations/toolkit", LEADERSHIP),
    ("POST", "/conversations/toolkit/{resource}/delete", LEADERSHIP),
    ("GET", "/admin/", ADMIN),
    ("GET", "/admin/users", ADMIN),
    ("GET", "/admin/users/{user}", ADMIN),
    ("POST", "/admin/users/{user}", ADMIN),
    ("POST", "/admin/users/{user}/active", ADMIN),
    ("GET", "/admin/organizations", ADMIN),
    ("GET", "/admin/organizations/new", ADMIN),
    ("POST", "/admin/organizations/new", ADMIN),
    ("GET", "/admin/organizations/{org}", ADMIN),
    ("POST", "/admin/organizations/{org}", ADMIN),
    ("POST", "/admin/organizations/{org}/members", ADMIN),
    ("POST", "/admin/organizations/{org}/members/{user}/remove", ADMIN),
    ("GET", "/admin/schools", ADMIN),
    ("GET", "/admin/schools/new", ADMIN),
    ("POST", "/admin/schools/new", ADMIN),
    ("GET", "/admin/schools/{school}", ADMIN),
    ("POST", "/admin/schools/{school}", ADMIN),
    ("GET", "/admin/outbox", ADMIN),
    ("GET", "/admin/outbox/{message}", ADMIN),
    ("GET", "/admin/audit", ADMIN),
    ("GET", "/themes/", LEADERSHIP),
    ("GET", "/themes/plans/{plan}", LEADERSHIP),
    ("POST", "/themes/plans/{plan}/analyses", LEADERSHIP),
    ("GET", "/themes/analyses/{analysis}", LEADERSHIP),
    ("GET", "/themes/analyses/{analysis}/status.json", LEADERSHIP),
    ("POST", "/themes/analyses/{analysis}/run", LEADERSHIP),
    ("GET", "/themes/analyses/{analysis}/other", LEADERSHIP),
    ("GET", "/themes/analyses/{analysis}/off-topic", LEADERSHIP),
    ("GET", "/themes/analyses/{analysis}/export.csv", LEADERSHIP),
    ("GET", "/themes/analyses/{analysis}/report", LEADERSHIP),
    ("POST", "/themes/analyses/{analysis}/items/move", LEADERSHIP),
    ("POST", "/themes/analyses/{analysis}/items/off-topic", LEADERSHIP),
    ("GET", "/themes/analyses/{analysis}/themes/{theme}", LEADERSHIP),
    ("POST", "/themes/analyses/{analysis}/themes/{theme}/rename", LEADERSHIP),
    ("POST", "/themes/analyses/{analysis}/themes/{theme}/response", LEADERSHIP),
    ("POST", "/themes/analyses/{analysis}/themes/{theme}/merge", LEADERSHIP),
    ("POST", "/themes/analyses/{analysis}/themes/{theme}/split", LEADERSHIP),
    ("GET", "/progress/subscriptions", SIGNED_IN),
    # Progress tracker, office side (members of the responsible district office too: tests/tracker/test_updates.py)
    ("GET", "/progress/office", LEADERSHIP),
    ("GET", "/progress/actions/{action}/update", LEADERSHIP),
    ("POST", "/progress/actions/{action}/update", LEADERSHIP),
    ("GET", "/progress/updates/{update}/edit", LEADERSHIP),
    ("POST", "/progress/updates/{update}/edit", LEADERSHIP),
    ("POST", "/progress/updates/{update}/delete", LEADERSHIP),
    ("GET", "/progress/", EVERYONE),
    ("GET", "/progress/plans/{plan}", EVERYONE),
    ("GET", "/progress/actions/{action}", EVERYONE),
    ("GET", "/progress/plans/{plan}/feed.atom", EVERYONE),
    ("GET", "/progress/actions/{action}/feed.atom", EVERYONE),
    # You said, we did
    ("GET", "/outcomes/plans/{plan}", LEADERSHIP),
    ("GET", "/outcomes/plans/{plan}/new", LEADERSHIP),
    ("POST", "/outcomes/plans/{plan}/new", LEADERSHIP),
    ("GET", "/outcomes/{outcome}/edit", LEADERSHIP),
    ("POST", "/outcomes/{outcome}/edit", LEADERSHIP),
    ("POST", "/outcomes/{outcome}/delete", LEADERSHIP),
    ("GET", "/plans/{plan}/heard/{theme}", EVERYONE),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_access_by_role(client_as, users, role, method, path, allowed):
    client = client_as(role)
    org = users["host"].memberships[0].organization_id
    school = School(name="Oak Elementary")
    message = OutboxMessage(recipient="x@example.org", subject="Hello", body_text="Hi")
    db.session.add_all([school, message])
    db.session.commit()
    plan = make_plan()
    publish(plan)
    action = first_action(plan)
    update = make_update(users["leader"], action)
    survey = make_survey()
    session = make_session(organization=db.session.get(Organization, org), starts_in=timedelta(hours=-1))
    registration = add_registration(session)
    resource = ToolkitResource(title="Tips", kind=ResourceKind.LINK, url="https://example.org/tips")
    analysis = ThemeAnalysis(plan_id=plan.id, title="", sources=[], is_default=True)
    theme = Theme(analysis=analysis, key="t1", generated_label="Late buses")
    db.session.add_all([resource, analysis, theme])
    db.session.commit()
    outcome = FeedbackOutcome(plan_id=plan.id, theme_id=theme.id, action_key=action.key, explanation="Late bus added.",
                              submission_token="authorization-test")
    db.session.add(outcome)
    db.session.commit()
    url = path.format(org=org, user=users["participant"].id, school=school.id, message=message.id, plan=plan.id,
                      survey=survey.id, session=session.id, registration=registration.id, resource=resource.id,
                      analysis=analysis.id, theme=theme.id, action=action.id, update=update.id, outcome=outcome.id)
    if method == "GET":
        response = client.get(url)
    else:
        response = post_form(client, url, {})
    if role == "anonymous" and role not in allowed:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403
        assert "This page is not open to you" in response.get_data(as_text=True)


# The core's permissions and those the components bring.
PERMISSIONS = [*Permission, *(name for c in components.load(Config.COMPONENTS) for name in c.permissions)]
ROLE_PERMISSIONS = {
    "participant": set(),
    "host": {Permission.HOST},
    "moderator": {Permission.MODERATE},
    "translator": {TRANSLATE},
    "leader": {Permission.MODERATE, Permission.VIEW_PARTICIPATION, Permission.HOST, Permission.MANAGE_PLANS,
               Permission.MANAGE_SURVEYS, Permission.MANAGE_CONVERSATIONS, Permission.MANAGE_THEMES,
               UPDATE_PROGRESS, TRANSLATE},
    "admin": set(PERMISSIONS),
}


@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
@pytest.mark.parametrize("permission", PERMISSIONS)
def test_permission_table(users, role, permission):
    user = users[role]
    expected = permission in ROLE_PERMISSIONS[role]
    assert can(user, permission) is expected
    if not expected:
        with pytest.raises(PermissionDenied):
            require(user, permission)


def test_nobody_signed_out_has_any_permission():
    class Anonymous:
        is_authenticated = False

    assert not any(can(Anonymous(), permission) for permission in Permission)
    assert not any(can(None, permission) for permission in Permission)


def test_membership_of_a_non_hosting_organization_does_not_make_a_host(app):
    from tests.support.people import make_organization, make_user

    office = make_organization("Budget Office", hosts=False)
    assert not can(make_user(organization=office), Permission.HOST)
