"""How the audit log reads the events of "who we are hearing from": enrollment figures and the export."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "enrollment.saved": _l("Saved enrollment figures"),
    "enrollment.imported": _l("Imported enrollment figures from a file"),
    "participation.exported": _l("Downloaded who we are hearing from"),
}
DETAIL_LABELS = {
    "school_year": _l("School year"),
    "saved": _l("Figures saved"),
    "deleted": _l("Figures removed"),
    "figures": _l("Figures"),
}
