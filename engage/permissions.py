"""Who may do what: one table of roles and permissions for every feature.

Services call `require(actor, Permission.X)` before they change or reveal
anything; views only turn the resulting PermissionDenied into a 403 page.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    LEADER = "leader"
    ADMIN = "admin"


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_ORGANIZATIONS = "manage_organizations"
    MANAGE_SCHOOLS = "manage_schools"
    VIEW_OUTBOX = "view_outbox"
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_PARTICIPATION = "view_participation"
    MODERATE = "moderate"
    HOST = "host"
    MANAGE_PLANS = "manage_plans"
    MANAGE_SURVEYS = "manage_surveys"  # build surveys, read results, export
    # Every community conversation (not only one's own organization's) and the hosts' toolkit.
    MANAGE_CONVERSATIONS = "manage_conversations"
    # Read the themes of all feedback, run the analysis, correct it and write responses.
    MANAGE_THEMES = "manage_themes"
    # Post progress updates on any action (members of a district office may post on
    # their office's actions without it: see engage/tracker/services.py).
    UPDATE_PROGRESS = "update_progress"
    # Enter or import the district's enrollment figures (compared with who takes part).
    MANAGE_ENROLLMENT = "manage_enrollment"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PARTICIPANT: frozenset(),
    Role.MODERATOR: frozenset({Permission.MODERATE}),
    Role.LEADER: frozenset(
        {Permission.MODERATE, Permission.VIEW_PARTICIPATION, Permission.HOST, Permission.MANAGE_PLANS,
         Permission.MANAGE_SURVEYS, Permission.MANAGE_CONVERSATIONS,
         Permission.MANAGE_THEMES, Permission.UPDATE_PROGRESS}
    ),
    Role.ADMIN: frozenset(Permission),
}

# Permissions that come from belonging to an organization, not from a role.
MEMBERSHIP_PERMISSIONS = frozenset({Permission.HOST})


class Actor(Protocol):
    is_authenticated: bool
    role: str
    is_host: bool


class PermissionDenied(Exception):
    """The actor may not do this. Rendered as a 403 page."""

    def __init__(self, permission: Permission | str):
        super().__init__(f"permission denied: {permission}")
        self.permission = permission


def can(actor: Actor | None, permission: Permission) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if permission in ROLE_PERMISSIONS.get(Role(actor.role), frozenset()):
        return True
    return permission in MEMBERSHIP_PERMISSIONS and actor.is_host


def require(actor: Actor | None, permission: Permission) -> None:
    if not can(actor, permission):
        raise PermissionDenied(permission)
