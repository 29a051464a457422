"""What the progress tracker brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    blueprint=":bp",
    url_prefix="/progress",
    models=("models",),
    slots={"plan": "slots:plan"},
)
