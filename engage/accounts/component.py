"""What accounts brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    layer="people",
    blueprint=":bp",
    models=("models",),
    jobs=("services",),
)
