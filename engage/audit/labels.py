"""How audit actions and their details read on the audit log page: the core's, and `audit_labels`
to gather every component's."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "user.role_changed": _l("Changed a person's role"),
    "user.activated": _l("Turned an account on"),
    "user.deactivated": _l("Turned an account off"),
    "user.password_changed": _l("Changed their password"),
    "user.password_reset": _l("Reset their password by email"),
    "user.email_changed": _l("Changed their email address"),
    "user.signed_out_everywhere": _l("Signed out on every device"),
    "user.made_admin_by_command": _l("Made an administrator from the command line"),
    "organization.created": _l("Added an organization"),
    "organization.updated": _l("Edited an organization"),
    "organization.member_added": _l("Added a member to an organization"),
    "organization.member_removed": _l("Removed a member from an organization"),
    "school.created": _l("Added a school"),
    "school.updated": _l("Edited a school"),
}

FIELD_LABELS = {
    "name": _l("Name"),
    "kind": _l("Kind of organization"),
    "description": _l("Description"),
    "website": _l("Website"),
    "contact_email": _l("Contact email"),
    "hosts_conversations": _l("Hosts conversations"),
    "school_id": _l("School"),
    "level": _l("Level"),
    "address": _l("Address"),
    "active": _l("Status"),
}

DETAIL_LABELS = {
    "old": _l("Before"),
    "new": _l("After"),
    "reason": _l("Reason"),
    "changes": _l("Changes"),
    "user_id": _l("Person (account number)"),
}


def audit_labels(components) -> tuple[dict, dict, dict]:
    """Action, field and detail labels: the core's and those of every component (`audit_labels`)."""
    actions, fields, details = dict(ACTION_LABELS), dict(FIELD_LABELS), dict(DETAIL_LABELS)
    for component in components:
        if component.audit_labels:
            module = component.module(component.audit_labels)
            actions.update(getattr(module, "ACTION_LABELS", {}))
            fields.update(getattr(module, "FIELD_LABELS", {}))
            details.update(getattr(module, "DETAIL_LABELS", {}))
    return actions, fields, details
