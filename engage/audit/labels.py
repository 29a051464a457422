"""How audit actions and their details read on the audit log page."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "user.role_changed": _l("Changed a person's role"),
    "user.activated": _l("Turned an account on"),
    "user.deactivated": _l("Turned an account off"),
    "user.password_changed": _l("Changed their password"),
    "user.password_reset": _l("Reset their password by email"),
    "user.email_changed": _l("Changed their email address"),
    "user.signed_out_everywhere": _l("Signed out on every device"),
    "user.made_admin_by_command": _l("Made an administrator from the command line"),
    "organization.created": _l("Added an organization"),
    "organization.updated": _l("Edited an organization"),
    "organization.member_added": _l("Added a member to an organization"),
    "organization.member_removed": _l("Removed a member from an organization"),
    "school.created": _l("Added a school"),
    "school.updated": _l("Edited a school"),
}

FIELD_LABELS = {
    "name": _l("Name"),
    "kind": _l("Kind of organization"),
    "description": _l("Description"),
    "website": _l("Website"),
    "contact_email": _l("Contact email"),
    "hosts_conversations": _l("Hosts conversations"),
    "school_id": _l("School"),
    "level": _l("Level"),
    "address": _l("Address"),
    "active": _l("Status"),
}

DETAIL_LABELS = {
    "old": _l("Before"),
    "new": _l("After"),
    "reason": _l("Reason"),
    "changes": _l("Changes"),
    "user_id": _l("Person (account number)"),
}

# Surveys: builder
ACTION_LABELS.update({
    "survey.created": _l("Started a survey"),
    "survey.updated": _l("Changed a survey's settings"),
    "survey.published": _l("Published a survey"),
    "survey.closed": _l("Closed a survey"),
    "survey.reopened": _l("Reopened a survey"),
    "survey.duplicated": _l("Copied a survey"),
    "survey.deleted": _l("Deleted a draft survey"),
    "survey.question_added": _l("Added a survey question"),
    "survey.question_changed": _l("Changed a survey question"),
    "survey.question_moved": _l("Moved a survey question"),
    "survey.question_deleted": _l("Deleted a survey question"),
    "survey.wording_fixed": _l("Fixed the wording of an answered survey question"),
})
FIELD_LABELS.update({
    "title": _l("Title"),
    "title_es": _l("Title in Spanish"),
    "introduction": _l("Introduction"),
    "introduction_es": _l("Introduction in Spanish"),
    "plan_id": _l("Plan"),
    "opens_at": _l("Opens"),
    "closes_at": _l("Closes"),
    "audience": _l("Who can answer"),
    "anonymity": _l("Anonymity"),
    "paged": _l("One page per section"),
    "prompt": _l("Question"),
    "prompt_es": _l("Question in Spanish"),
    "help_text": _l("Help text"),
    "help_text_es": _l("Help text in Spanish"),
    "required": _l("Required"),
    "allow_other": _l("Offers \"Other\""),
    "options": _l("Options"),
    "section_key": _l("Part of the plan"),
    "action_key": _l("Action of the plan"),
})
DETAIL_LABELS.update({
    "question_id": _l("Question (number)"),
    "field": _l("Wording"),
    "from_survey_id": _l("Copied from survey (number)"),
    "cleared_closes_at": _l("Closing time removed"),
    "position": _l("New place"),
})

# Surveys: results and export
ACTION_LABELS.update({
    "survey.exported": _l("Downloaded a survey's responses"),
})
DETAIL_LABELS.update({
    "rows": _l("Rows"),
    "anonymous": _l("Anonymous survey"),
    "relationship": _l("Filter: connection to the district"),
    "school_id": _l("Filter: school (number)"),
    "language": _l("Filter: language"),
})

# Community conversations: hosts' sessions, roster and check-in, notes, toolkit
ACTION_LABELS.update({
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
})
FIELD_LABELS.update({
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
})
DETAIL_LABELS.update({
    "title": _l("Title"),
    "organization_id": _l("Organization (number)"),
    "registration": _l("Registration (number)"),
})

# Themes: analyses, runs, leaders' corrections and responses
ACTION_LABELS.update({
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
})
FIELD_LABELS.update({
    "label": _l("Name"),
    "response_heard": _l("What we heard"),
    "response_will_do": _l("What we will do"),
})
DETAIL_LABELS.update({
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
})

# Progress tracker: updates on actions
ACTION_LABELS.update({
    "progress.update_posted": _l("Posted a progress update"),
    "progress.update_edited": _l("Edited a progress update"),
    "progress.update_deleted": _l("Deleted a progress update"),
})
DETAIL_LABELS.update({
    "action_id": _l("Action (number)"),
    "as_of": _l("As of"),
    "status": _l("Status"),
    "percent_complete": _l("Percent complete"),
    "evidence": _l("Evidence"),
})

# Who we are hearing from: enrollment figures and the participation export
ACTION_LABELS.update({
    "enrollment.saved": _l("Saved enrollment figures"),
    "enrollment.imported": _l("Imported enrollment figures from a file"),
    "participation.exported": _l("Downloaded who we are hearing from"),
})
DETAIL_LABELS.update({
    "school_year": _l("School year"),
    "saved": _l("Figures saved"),
    "deleted": _l("Figures removed"),
    "figures": _l("Figures"),
})

# You said, we did: feedback linked to what it led to
ACTION_LABELS.update({
    "outcomes.created": _l("Linked feedback to what it led to"),
    "outcomes.updated": _l("Changed a link from feedback to what it led to"),
    "outcomes.deleted": _l("Deleted a link from feedback to what it led to"),
})
DETAIL_LABELS.update({
    "theme_id": _l("Theme (number)"),
    "version_id": _l("Plan version (number)"),
    "section_key": _l("Section"),
    "action_key": _l("Action"),
    "comment_ids": _l("Comments (numbers)"),
})
FIELD_LABELS.update({
    "explanation": _l("What we did, and why"),
    "explanation_es": _l("What we did, and why, in Spanish"),
    "theme_id": _l("Theme"),
    "version_id": _l("Plan version"),
    "section_key": _l("Section"),
    "action_key": _l("Action"),
    "comment_ids": _l("Comments"),
})
