"""What themes brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Permission

component = Component(
    __package__,
    layer="themes",
    blueprint="routes:bp",
    url_prefix="/themes",
    models=("models",),
    jobs=("jobs",),
    commands=("cli:themes_cli",),
    slots={"plan": "slots:plan"},
    audit_labels="audit_labels",
    menu=(MenuEntry(_l("Themes"), "themes.index", 90, current=("themes.",), permission=Permission.MANAGE_THEMES),),
)
