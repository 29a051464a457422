"""How the audit log reads the events of community conversations: sessions, roster and check-in, notes, toolkit."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "conversation.created": _l("Scheduled a community conversation"),
    "conversation.updated": _l("Changed a community conversation"),
    "conversation.cancelled": _l("Cancelled a community conversation"),
    "conversation.completed": _l("Marked a community conversation as held"),
    "conversation.checked_in": _l("Checked someone in at a conversation"),
    "conversation.check_in_undone": _l("Undid a check-in at a conversation"),
    "conversation.walk_in_added": _l("Added a walk-in at a conversation"),
    "conversation.registration_removed": _l("Removed someone from a conversation's roster"),
    "conversation.roster_exported": _l("Downloaded a conversation's roster"),
    "conversation.notes_submitted": _l("Submitted the notes of a conversation"),
    "conversation.notes_edited_after_submission": _l("Edited a conversation's notes after submitting them"),
    "toolkit.resource_added": _l("Added a resource to the hosts' toolkit"),
    "toolkit.resource_removed": _l("Removed a resource from the hosts' toolkit"),
}
FIELD_LABELS = {
    "organization_id": _l("Hosted by"),
    "section_keys": _l("Parts of the plan"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "registration_deadline": _l("Sign-ups close"),
    "format": _l("In person or online"),
    "room": _l("Room"),
    "accessibility_notes": _l("Accessibility"),
    "online_url": _l("Link to join online"),
    "languages": _l("Languages"),
    "interpretation_available": _l("Interpretation available"),
    "childcare_offered": _l("Childcare offered"),
    "food_offered": _l("Food offered"),
    "capacity": _l("Places"),
}
DETAIL_LABELS = {
    "title": _l("Title"),
    "organization_id": _l("Organization (number)"),
    "registration": _l("Registration (number)"),
}
