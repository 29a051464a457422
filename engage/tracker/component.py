"""What the progress tracker brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Role

# Post progress updates on any action (members of a district office may post on
# their office's actions without it: see services.can_update_action).
UPDATE_PROGRESS = "update_progress"

component = Component(
    __package__,
    layer="outputs",
    blueprint=":bp",
    url_prefix="/progress",
    models=("models",),
    migrations="migrations",
    permissions={UPDATE_PROGRESS: (Role.LEADER,)},
    audit_labels="audit_labels",
    demo="demo:load_demo_progress",
    menu=(
        MenuEntry(_l("Progress"), "tracker.index", 30,
                  current=("tracker.index", "tracker.show_plan", "tracker.show_action")),
        MenuEntry(_l("Office updates"), "tracker.office", 100,
                  current=("tracker.office", "tracker.new_update", "tracker.edit_update"),
                  shown_if="services:posts_updates"),
    ),
    settings={
        # Evidence attached to progress updates (PDF or image).
        "TRACKER_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        # Posting or editing updates, per person.
        "RATELIMIT_PROGRESS_UPDATE": "30 per minute;300 per hour",
        # Following an action or plan by email, per network address (each may send a confirmation email).
        "RATELIMIT_TRACKER_SUBSCRIBE": "10 per hour",
    },
    slots={"plan": "slots:plan", "attention": "slots:attention"},
    translatable=("translatable:UPDATES",),
)
