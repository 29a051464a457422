"""Who may do what: one table of roles and permissions for every feature.

Services call `require(actor, Permission.X)` before they change or reveal
anything; views only turn the resulting PermissionDenied into a 403 page.
A component brings its own permissions (`Component.permissions`): plain
names that `grant` adds to roles when the app installs it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    # District staff or a contracted translator: translates what the district writes.
    TRANSLATOR = "translator"
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
    # Enter or import the district's enrollment figures (compared with who takes part).
    MANAGE_ENROLLMENT = "manage_enrollment"


ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.PARTICIPANT: frozenset(),
    Role.MODERATOR: frozenset({Permission.MODERATE}),
    Role.TRANSLATOR: frozenset(),
    Role.LEADER: frozenset(
        {Permission.MODERATE, Permission.VIEW_PARTICIPATION, Permission.HOST, Permission.MANAGE_PLANS,
         Permission.MANAGE_SURVEYS, Permission.MANAGE_CONVERSATIONS,
         Permission.MANAGE_THEMES}
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


# Components' permissions -> the roles granted them.
_GRANTED: dict[str, frozenset[Role]] = {}


def grant(permission: str, roles: tuple[str, ...]) -> None:
    """A component's permission, held by these roles and by administrators."""
    if permission in set(Permission):
        raise ValueError(f"{permission!r} is already a permission of the core")
    _GRANTED[permission] = frozenset(Role(role) for role in roles) | {Role.ADMIN}


def can(actor: Actor | None, permission: str) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    role = Role(actor.role)
    if permission in ROLE_PERMISSIONS.get(role, frozenset()) or role in _GRANTED.get(permission, ()):
        return True
    return permission in MEMBERSHIP_PERMISSIONS and actor.is_host


def require(actor: Actor | None, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied(permission)
