"""What outgoing email brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    models=("models",),
    jobs=("services",),
)
