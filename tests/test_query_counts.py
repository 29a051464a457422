"""List pages run a fixed number of queries however many rows they show."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.accounts.models import ParticipantProfile
from engage.audit import services as audit
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.orgs.models import Membership, Organization, School
from tests.support.people import make_user
from tests.support.queries import count_queries

_counter = {"n": 0}


def add_rows(how_many: int, admin) -> None:
    """People in organizations with profiles and schools, mail and audit rows."""
    for _ in range(how_many):
        _counter["n"] += 1
        n = _counter["n"]
        user = make_user(email=f"row{n}@example.org", name=f"Row {n}")
        school = School(name=f"School {n}")
        org = Organization(name=f"Org {n}", kind="pto", school=school)
        profile = ParticipantProfile(relationship_to_district="parent", preferred_language="es", race_ethnicity=[])
        db.session.add_all([school, org, profile, Membership(user_id=user.id, organization=org),
                            OutboxMessage(recipient=user.email, subject="Hi", body_text="Hello")])
        profile.user = user
        profile.schools = [school]
        audit.record(admin, "test.row", "user", user.id)
    db.session.commit()


def join_every_organization(user) -> None:
    """So the host page lists many organizations with many members."""
    joined = set(db.session.scalars(select(Membership.organization_id).where(Membership.user_id == user.id)))
    for org_id in db.session.scalars(select(Organization.id)):
        if org_id not in joined:
            db.session.add(Membership(user_id=user.id, organization_id=org_id))
    db.session.commit()


PAGES = ["/admin/users", "/admin/organizations", "/admin/schools", "/admin/outbox", "/admin/audit",
         "/leadership/participation", "/leadership/participation.csv", "/leadership/enrollment", "/host/"]


@pytest.mark.parametrize("path", PAGES)
def test_list_page_query_count_stays_flat_as_rows_grow(client_as, users, path):
    admin = users["admin"]
    client = client_as("admin")
    add_rows(3, admin)
    join_every_organization(admin)

    def queries_for_page() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    few = queries_for_page()
    add_rows(30, admin)
    join_every_organization(admin)
    many = queries_for_page()
    assert many == few, f"{path}: {few} queries with few rows, {many} with many"
