"""What the audit log brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    layer="people",
    models=("models",),
)
