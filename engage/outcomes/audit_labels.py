"""How the audit log reads the events of "you said, we did": feedback linked to what it led to."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "outcomes.created": _l("Linked feedback to what it led to"),
    "outcomes.updated": _l("Changed a link from feedback to what it led to"),
    "outcomes.deleted": _l("Deleted a link from feedback to what it led to"),
}
DETAIL_LABELS = {
    "theme_id": _l("Theme (number)"),
    "version_id": _l("Plan version (number)"),
    "section_key": _l("Section"),
    "action_key": _l("Action"),
    "comment_ids": _l("Comments (numbers)"),
}
FIELD_LABELS = {
    "explanation": _l("What we did, and why"),
    "theme_id": _l("Theme"),
    "version_id": _l("Plan version"),
    "section_key": _l("Section"),
    "action_key": _l("Action"),
    "comment_ids": _l("Comments"),
}
