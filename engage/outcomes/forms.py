"""The leaders' form for a "you said, we did" link.

The selects are filled by the view (the plan's themes, versions and parts);
what comes back is checked by the service, which says which field is at
fault, so ids that are not numbers, or not this plan's, come back as a
message beside the field rather than as an error page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired

from ..forms import MultiCheckboxField, OneSubmission, TextForm, database_id, max_length, strip_whitespace
from .services import EXPLANATION_MAX, OutcomeRefused, TargetKind


def _chosen_id(value, field: str, message) -> int | None:
    """An id from a list ("" is none); anything else is refused beside the field."""
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        return None
    chosen = database_id(value)
    if chosen is None:
        raise OutcomeRefused(field, message)
    return chosen


class OutcomeForm(TextForm):
    theme_id = SelectField(_l("The theme it came from"), validate_choice=False,
                           description=_l("A theme of this plan's feedback. You can also, or instead, link "
                                          "particular comments."))
    comment_ids = MultiCheckboxField(_l("Comments it came from"), validate_choice=False,
                                     description=_l("Their authors get an email saying what their comment led to."))
    version_id = SelectField(_l("The version in which the plan changed"), validate_choice=False,
                             description=_l("Choose a version when the feedback changed the plan's text."))
    target = SelectField(_l("What it led to"), validate_choice=False,
                         description=_l("The section or action it changed or led to. With a version chosen, the "
                                        "part must be in that version."))
    explanation = TextAreaField(
        _l("What we did, and why"),
        description=_l("A sentence or two in plain words, shown on the plan page and the theme's summary."),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please explain, in a sentence or two, what the feedback led to.")),
                    max_length(EXPLANATION_MAX)],
    )

    def add_error(self, name: str, message) -> None:
        """Show a service's refusal beside its field (the explanation when the field is not on the form)."""
        field = self[name] if name in self and name != "csrf_token" else self.explanation
        field.errors = [*field.errors, message]

    def service_arguments(self) -> dict:
        """The form's values as the service takes them; OutcomeRefused for values no list offered."""
        theme_id = _chosen_id(self.theme_id.data, "theme_id", _l("Choose a theme from the list."))
        comment_ids = []
        for value in self.comment_ids.data or []:
            comment_id = _chosen_id(value, "comment_ids", _l("Choose comments from the list."))
            if comment_id is not None:
                comment_ids.append(comment_id)
        version_id = _chosen_id(self.version_id.data, "version_id", _l("Choose a version from the list."))
        kind, _sep, key = (self.target.data or "").partition(":")
        if self.target.data and (kind not in (TargetKind.SECTION, TargetKind.ACTION) or not key):
            raise OutcomeRefused("target", _l("Choose a section or an action of this plan from the list."))
        return {
            "theme_id": theme_id,
            "comment_ids": comment_ids,
            "version_id": version_id,
            "section_key": key if kind == TargetKind.SECTION else None,
            "action_key": key if kind == TargetKind.ACTION else None,
            "explanation": self.explanation.data or "",
        }


class NewOutcomeForm(OneSubmission, OutcomeForm):
    pass
