"""What leadership brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Permission

component = Component(
    __package__,
    layer="outputs",
    blueprint=":bp",
    url_prefix="/leadership",
    models=("models",),
    jobs=("participation",),
    audit_labels="audit_labels",
    slots={"themes": "slots:themes", "attention": "slots:attention"},
    landing=(Permission.VIEW_PARTICIPATION, "leadership.home"),
    menu=(
        MenuEntry(_l("What needs attention"), "leadership.home", 5, current=("leadership.home",),
                  permission=Permission.VIEW_PARTICIPATION),
        MenuEntry(_l("Who we are hearing from"), "leadership.participation", 80,
                  current=("leadership.participation",), permission=Permission.VIEW_PARTICIPATION),
        MenuEntry(_l("Enrollment"), "leadership.enrollment", 120, current=("leadership.enrollment",),
                  permission=Permission.MANAGE_ENROLLMENT),
    ),
    settings={
        # Enrollment figures imported from a CSV file (a few hundred lines at most).
        "ENROLLMENT_MAX_UPLOAD_BYTES": 1024 * 1024,
        # Admins saving or importing enrollment figures, per person.
        "RATELIMIT_ENROLLMENT": "30 per minute;300 per hour",
    },
)
