"""What "you said, we did" brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    layer="outputs",
    blueprint=":bp",
    models=("models",),
    translatable=("translatable:OUTCOMES",),
    slots={"home": "slots:home", "dashboard": "slots:dashboard", "theme": "slots:theme", "bucket": "slots:bucket",
           "comments": "slots:comments", "plan": "slots:plan", "compare": "slots:compare"},
    audit_labels="audit_labels",
    settings={
        # Leaders' "you said, we did" links, per person (each may email the linked comments' authors).
        "RATELIMIT_OUTCOMES_EDIT": "30 per minute;300 per hour",
    },
)
