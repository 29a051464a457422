"""People and organizations made directly in the database for tests."""

from __future__ import annotations

import uuid

from engage.accounts.models import User
from engage.extensions import db
from engage.models import utcnow
from engage.orgs.models import Membership, Organization, OrganizationKind
from engage.permissions import Role

PASSWORD = "correct horse battery staple"
ROLES = ("anonymous", "participant", "host", "moderator", "translator", "leader", "admin")


def make_user(
    *,
    email: str | None = None,
    role: Role = Role.PARTICIPANT,
    name: str = "Test Person",
    verified: bool = True,
    password: str = PASSWORD,
    organization: Organization | None = None,
) -> User:
    user = User(
        email=email or f"person-{uuid.uuid4().hex[:8]}@example.org",
        display_name=name,
        role=role.value,
        email_verified_at=utcnow() if verified else None,
    )
    user.set_password(password)
    db.session.add(user)
    if organization is not None:
        db.session.add(Membership(user=user, organization=organization))
    db.session.commit()
    return user


def make_organization(name: str = "Test PTO", *, hosts: bool = True) -> Organization:
    org = Organization(name=name, kind=OrganizationKind.PTO, hosts_conversations=hosts)
    db.session.add(org)
    db.session.commit()
    return org
