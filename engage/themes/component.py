"""What themes brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Permission

component = Component(
    __package__,
    layer="themes",
    blueprint="routes:bp",
    url_prefix="/themes",
    models=("models",),
    jobs=("jobs",),
    commands=("cli:themes_cli",),
    translatable=("translatable:RESPONSES",),
    slots={"plan": "slots:plan", "attention": "slots:attention"},
    audit_labels="audit_labels",
    menu=(MenuEntry(_l("Themes"), "themes.index", 90, current=("themes.",), permission=Permission.MANAGE_THEMES),),
    settings={
        # How a run turns feedback into vectors: "auto" (sentence embeddings, part of the default
        # install, when a model loads; TF-IDF/LSA otherwise), "tfidf" or "embeddings".
        "THEMES_REPRESENTATION": "auto",
        # Up to this many new feedback items are put in their nearest theme while a leader waits
        # for the dashboard; more go to a background job.
        "THEMES_ASSIGN_INLINE_MAX": 2000,
        # A run that reports no progress for this long is taken as dead (its worker was stopped)
        # and a new run may start.
        "THEMES_RUN_STALE_MINUTES": 120,
        # Leaders' theme edits and runs, per person.
        "RATELIMIT_THEMES_EDIT": "60 per minute;600 per hour",
    },
)
