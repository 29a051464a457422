"""What community conversations brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry

component = Component(
    __package__,
    layer="sources",
    blueprint=":bp",
    url_prefix="/conversations",
    models=("models",),
    jobs=("jobs",),
    slots={"home": "slots:home", "account": "slots:account"},
    translatable=("translatable:SESSIONS", "translatable:RESOURCES"),
    audit_labels="audit_labels",
    menu=(MenuEntry(_l("Conversations"), "conversations.list_sessions", 50, current=("conversations.",)),),
    settings={
        # Files hosts upload to the toolkit.
        "TOOLKIT_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        # Signing up for a community conversation, per address (guest or signed in).
        "RATELIMIT_CONVERSATION_SIGNUP": "20 per hour",
    },
)
