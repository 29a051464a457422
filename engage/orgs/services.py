"""Organizations and the district's schools. (Adding people to an organization is in accounts.services:
people are the layer above places.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..extensions import db
from ..permissions import Permission, require
from .models import Membership, Organization, School

if TYPE_CHECKING:  # pragma: no cover
    from ..accounts.models import User


class NameTaken(Exception):
    pass


ORGANIZATION_FIELDS = ("name", "kind", "description", "website", "contact_email", "hosts_conversations", "school_id")
SCHOOL_FIELDS = ("name", "level", "address", "active")


def _clean(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def _save_named(actor, model, existing, fields: dict, allowed: tuple[str, ...], target_type: str):
    """Create or update an organization or school whose name is unique regardless of case."""
    if _name_in_use(model, fields["name"], existing.id if existing else None):
        raise NameTaken(fields["name"])
    action = f"{target_type}.{'updated' if existing else 'created'}"
    obj = existing or model()
    changes = {}
    for name in allowed:
        if name in fields:
            new = _clean(fields[name])
            if getattr(obj, name, None) != new:
                changes[name] = new
                setattr(obj, name, new)
    db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise NameTaken(fields.get("name")) from exc
    if changes:
        audit.record(actor, action, target_type, obj.id, changes={k: str(v) for k, v in changes.items()})
    db.session.commit()
    return obj


def _name_in_use(model, name: str, exclude_id: int | None) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


# Organizations -----------------------------------------------------------------


def list_organizations(actor) -> list[tuple[Organization, int]]:
    """Every organization with its member count, in one query."""
    require(actor, Permission.MANAGE_ORGANIZATIONS)
    member_count = (
        select(Membership.organization_id, func.count().label("n")).group_by(Membership.organization_id).subquery()
    )
    rows = db.session.execute(
        select(Organization, func.coalesce(member_count.c.n, 0))
        .outerjoin(member_count, member_count.c.organization_id == Organization.id)
        .options(selectinload(Organization.school))
        .order_by(Organization.name)
    )
    return [(org, count) for org, count in rows]


def get_organization(actor, organization_id: int) -> Organization | None:
    require(actor, Permission.MANAGE_ORGANIZATIONS)
    return db.session.scalar(
        select(Organization)
        .where(Organization.id == organization_id)
        .options(selectinload(Organization.memberships).selectinload(Membership.user))
    )


def save_organization(actor, organization: Organization | None, **fields) -> Organization:
    """Create (organization=None) or update an organization."""
    require(actor, Permission.MANAGE_ORGANIZATIONS)
    return _save_named(actor, Organization, organization, fields, ORGANIZATION_FIELDS, "organization")


def organizations_of(actor: User) -> list[Organization]:
    """The hosting organizations a person belongs to, with their members."""
    require(actor, Permission.HOST)
    return list(
        db.session.scalars(
            select(Organization)
            .join(Membership)
            .where(Membership.user_id == actor.id)
            .options(
                selectinload(Organization.memberships).selectinload(Membership.user),
                selectinload(Organization.school),
            )
            .order_by(Organization.name)
        )
    )


# Schools -----------------------------------------------------------------------


def list_schools(*, include_inactive: bool = False) -> list[School]:
    query = select(School).order_by(School.name)
    if not include_inactive:
        query = query.where(School.active)
    return list(db.session.scalars(query))


def get_school(actor, school_id: int) -> School | None:
    require(actor, Permission.MANAGE_SCHOOLS)
    return db.session.get(School, school_id)


def save_school(actor, school: School | None, **fields) -> School:
    """Create (school=None) or update a school."""
    require(actor, Permission.MANAGE_SCHOOLS)
    return _save_named(actor, School, school, fields, SCHOOL_FIELDS, "school")
