"""What comments brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Permission

component = Component(
    __package__,
    layer="sources",
    blueprint=":bp",
    models=("models",),
    slots={"plan": "slots:plan", "account": "slots:account", "attention": "slots:attention"},
    menu=(MenuEntry(_l("Moderation"), "comments.moderation_queue", 70, current=("comments.moderation_queue",),
                    permission=Permission.MODERATE),),
    settings={
        # Posting comments, per account.
        "RATELIMIT_COMMENT": "10 per minute;200 per day",
    },
)
