"""What themes brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    blueprint="blueprint:bp",
    url_prefix="/themes",
    models=("models",),
    jobs=("jobs",),
    commands=("cli:themes_cli",),
    slots={"plan": "slots:plan"},
)
