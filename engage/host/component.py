"""What hosts' pages brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Permission

component = Component(
    __package__,
    layer="shell",
    blueprint=":bp",
    url_prefix="/host",
    menu=(MenuEntry(_l("Hosting"), "host.organizations", 60, current=("host.",), permission=Permission.HOST),),
)
