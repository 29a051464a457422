"""What surveys brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry

component = Component(
    __package__,
    layer="sources",
    blueprint=":bp",
    url_prefix="/surveys",
    models=("models",),
    audit_labels="audit_labels",
    translatable=("translatable:SURVEYS",),
    slots={"home": "slots:home", "account": "slots:account"},
    menu=(MenuEntry(_l("Surveys"), "surveys.index", 40, current=("surveys.",)),),
    settings={
        # Sending or saving survey answers, per account (or browser, or address); page turns are free.
        "RATELIMIT_SURVEY_RESPONSE": "30 per hour",
    },
)
