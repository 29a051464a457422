"""How the audit log reads the events of themes: analyses, runs, leaders' corrections and responses."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "themes.analysis_created": _l("Started a new analysis of feedback"),
    "themes.run_started": _l("Started finding themes in feedback"),
    "themes.renamed": _l("Renamed a theme"),
    "themes.merged": _l("Merged two themes"),
    "themes.split": _l("Split a theme"),
    "themes.seeded": _l("Started a theme before a run"),
    "themes.seeded_from_actions": _l("Started themes from the plan's actions"),
    "themes.seed_removed": _l("Stopped starting runs from a theme"),
    "themes.item_moved": _l("Moved feedback to another theme"),
    "themes.item_off_topic": _l("Marked feedback as off-topic"),
    "themes.item_on_topic": _l("Marked feedback as on-topic again"),
    "themes.response_published": _l("Published a response to a theme"),
    "themes.response_unpublished": _l("Took down a response to a theme"),
    "themes.response_edited": _l("Edited a response to a theme"),
    "themes.exported": _l("Downloaded feedback with its themes"),
}
FIELD_LABELS = {
    "label": _l("Name"),
    "response_heard": _l("What we heard"),
    "response_will_do": _l("What we will do"),
}
DETAIL_LABELS = {
    "analysis_id": _l("Analysis (number)"),
    "run_id": _l("Run (number)"),
    "n_themes": _l("Number of themes asked for"),
    "sources": _l("Sources"),
    "since": _l("From"),
    "until": _l("Until"),
    "merged_theme_id": _l("Merged theme (number)"),
    "merged_label": _l("Merged theme"),
    "into_label": _l("Merged into"),
    "into": _l("New themes"),
    "parts": _l("Parts"),
    "source": _l("Source"),
    "source_id": _l("Item (number)"),
    "from_theme_id": _l("From theme (number)"),
    "to_theme_id": _l("To theme (number)"),
}
