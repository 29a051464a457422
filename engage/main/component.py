"""What the home page brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry

component = Component(
    __package__,
    layer="shell",
    blueprint=":bp",
    menu=(MenuEntry(_l("Home"), "main.home", 10, current=("main.home",)),),
)
