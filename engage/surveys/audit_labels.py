"""How the audit log reads the events of surveys: the builder, results and export."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
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
    "survey.exported": _l("Downloaded a survey's responses"),
}
FIELD_LABELS = {
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
}
DETAIL_LABELS = {
    "question_id": _l("Question (number)"),
    "field": _l("Wording"),
    "from_survey_id": _l("Copied from survey (number)"),
    "cleared_closes_at": _l("Closing time removed"),
    "position": _l("New place"),
    # Results and export
    "rows": _l("Rows"),
    "anonymous": _l("Anonymous survey"),
    "relationship": _l("Filter: connection to the district"),
    "school_id": _l("Filter: school (number)"),
    "language": _l("Filter: language"),
}
