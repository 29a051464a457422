"""What plans brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry

component = Component(
    __package__,
    layer="plans",
    blueprint=":bp",
    url_prefix="/plans",
    models=("models",),
    commands=("cli:plans_cli",),
    menu=(MenuEntry(_l("Plans"), "plans.index", 20, current=("plans.",)),),
    translatable=("translatable:PLANS",),
    slots={"home": "slots:home"},
)
