"""What administration brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Permission

component = Component(
    __package__,
    layer="shell",
    blueprint=":bp",
    url_prefix="/admin",
    menu=(MenuEntry(_l("Administration"), "admin.index", 110, current=("admin.",), permission=Permission.MANAGE_USERS),),
)
