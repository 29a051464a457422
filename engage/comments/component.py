"""What comments brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    blueprint=":bp",
    models=("models",),
    slots={"plan": "slots:plan"},
)
