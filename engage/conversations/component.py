"""What community conversations brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    blueprint=":bp",
    url_prefix="/conversations",
    models=("models",),
    jobs=("jobs",),
    slots={"account": "slots:account"},
)
