"""Every page each role can reach passes axe's WCAG 2.1 A/AA rules, in English
on a desktop and in Spanish on a phone, including forms showing their errors
and the error pages.

One test per role and language: it signs in once with the form, then walks
through that role's pages and reports every violation on every page together.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.orgs import services as orgs
from engage.orgs.models import SchoolLevel
from tests.browser.conftest import axe_violations, describe_violations, expect, sign_in
from tests.conftest import ROLES, make_user

PUBLIC = ["/", "/privacy", "/password/forgot"]
SIGNED_OUT_ONLY = ["/login", "/register"]
ACCOUNT = ["/account", "/account/profile", "/account/email", "/account/password"]
HOSTING = ["/host/"]
LEADERSHIP = ["/leadership/participation"]
ADMINISTRATION = [
    "/admin/",
    "/admin/users",
    "/admin/users/{unconfirmed_user}",
    "/admin/organizations",
    "/admin/organizations/new",
    "/admin/organizations/{organization}",
    "/admin/schools",
    "/admin/schools/new",
    "/admin/schools/{school}",
    "/admin/outbox",
    "/admin/outbox/{message}",
    "/admin/audit",
]
NOT_FOUND = "/does-not-exist"

# Pages each role may see, and one it may not (403) where there is one.
VISIBLE = {
    "anonymous": PUBLIC + SIGNED_OUT_ONLY,
    "participant": PUBLIC + ACCOUNT,
    "host": PUBLIC + ACCOUNT + HOSTING,
    "moderator": PUBLIC + ACCOUNT,
    "leader": PUBLIC + ACCOUNT + HOSTING + LEADERSHIP,
    "admin": PUBLIC + ACCOUNT + HOSTING + LEADERSHIP + ADMINISTRATION,
}
FORBIDDEN = {"participant": "/host/", "host": "/leadership/participation", "moderator": "/host/", "leader": "/admin/"}

# Forms submitted empty, to check the error summary and the fields' error messages.
EMPTY_FORMS = {
    "anonymous": ["/register", "/login"],
    "participant": ["/account/password"],
    "host": ["/account/email"],
    "moderator": ["/account/password"],
    "leader": ["/account/email"],
    "admin": ["/admin/organizations/new", "/admin/schools/new"],
}


@dataclass
class Visit:
    page: object
    problems: list[str]

    def check(self, label: str) -> None:
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(describe_violations(label, violations))

    def open(self, path: str, status: int = 200) -> None:
        response = self.page.goto(path)
        landed = urlsplit(self.page.url).path
        assert (response.status, landed) == (status, path), f"{path}: expected HTTP {status}, got {response.status} at {landed}"
        self.check(f"{path} ({status})")

    def submit_empty(self, path: str) -> None:
        self.page.goto(path)
        self.page.locator("main form.stacked").first.locator("button[type=submit]").click()
        expect(self.page.locator(".error-summary")).to_be_visible()
        self.check(f"{path} submitted empty")


@pytest.fixture
def site(users):
    """Something on every admin page: a school, an unconfirmed person, an email, audit rows."""
    admin = users["admin"]
    school = orgs.save_school(admin, None, name="Riverside Elementary", level=SchoolLevel.ELEMENTARY,
                              address="12 River Road", active=True)
    organization = orgs.list_organizations(admin)[0][0]
    orgs.save_organization(admin, organization, name=organization.name, school_id=school.id,
                           description="Families of Riverside.")
    unconfirmed = make_user(email="new.parent@example.org", name="Nuevo Padre", verified=False)
    message = OutboxMessage(recipient=unconfirmed.email, subject="Confirm your email address for Engage",
                            body_text="Please confirm: http://127.0.0.1/verify/abc\n")
    db.session.add(message)
    db.session.commit()
    return {"school": school.id, "organization": organization.id, "unconfirmed_user": unconfirmed.id,
            "message": message.id}


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_reach_has_no_wcag_violations(role, locale, new_context, users, site):
    # English on a desktop, Spanish on a phone: both languages and both layouts.
    page = new_context(locale, phone=locale == "es").new_page()
    visit = Visit(page, [])
    if role != "anonymous":
        sign_in(page, users[role].email)
        visit.check(f"{page.url} after signing in")
    for path in VISIBLE[role]:
        visit.open(path.format(**site))
        expect(page.locator("html")).to_have_attribute("lang", locale)
    if role in FORBIDDEN:
        visit.open(FORBIDDEN[role], 403)
    visit.open(NOT_FOUND, 404)
    for path in EMPTY_FORMS[role]:
        visit.submit_empty(path)
    assert not visit.problems, "\n\n".join(visit.problems)


def test_the_accessibility_check_finds_a_field_without_a_label(page):
    # Guards the guard: axe really runs inside the served page, CSP and all.
    page.goto("/login")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text name=stray>')")
    assert [violation["id"] for violation in axe_violations(page)] == ["label"]
