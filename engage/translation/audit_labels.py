"""How the audit log reads the events of content translation."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "translation.saved": _l("Saved translations as drafts"),
    "translation.published": _l("Published translations"),
    "translation.removed": _l("Removed translations"),
    "translation.imported": _l("Imported translations"),
    "translation.machine_drafted": _l("Drafted translations by machine"),
}
DETAIL_LABELS = {
    "language": _l("Language"),
    "passages": _l("Passages"),
    "count": _l("Count"),
}
