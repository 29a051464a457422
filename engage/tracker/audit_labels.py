"""How the audit log reads the events of the progress tracker: updates on actions."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "progress.update_posted": _l("Posted a progress update"),
    "progress.update_edited": _l("Edited a progress update"),
    "progress.update_deleted": _l("Deleted a progress update"),
}
DETAIL_LABELS = {
    "action_id": _l("Action (number)"),
    "as_of": _l("As of"),
    "status": _l("Status"),
    "percent_complete": _l("Percent complete"),
    "evidence": _l("Evidence"),
}
