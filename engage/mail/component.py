"""What outgoing email brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    layer="core",
    models=("models",),
    jobs=("services",),
)
