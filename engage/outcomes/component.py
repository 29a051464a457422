"""What "you said, we did" brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    layer="outputs",
    blueprint=":bp",
    models=("models",),
    slots={"home": "slots:home", "theme": "slots:theme", "comments": "slots:comments", "plan": "slots:plan",
           "compare": "slots:compare"},
    audit_labels="audit_labels",
)
