from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..forms import MultiCheckboxField, choices, max_length, name_field, strip_whitespace, TextForm
from .models import PlanStatus

FORMATTING_HINT = _l(
    "Plain text. Leave a blank line between paragraphs, start a line with \"- \" for a bullet, "
    "and put **two stars** around words to make them bold."
)

STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Draft, open for feedback"),
    PlanStatus.UNDER_REVISION: _l("Under revision"),
    PlanStatus.REVISED_DRAFT: _l("Revised draft, open for feedback"),
    PlanStatus.FINAL: _l("Final"),
    PlanStatus.ARCHIVED: _l("Archived"),
}


class PublishForm(TextForm):
    status = SelectField(_l("Status of this version"), choices=choices(STATUS_LABELS.items()),
                         validators=[InputRequired()])
    change_note = TextAreaField(
        _l("What changed in this version"),
        description=_l("Shown to readers next to the version, for example: \"Added transportation targets after the October conversations.\""),
        filters=[strip_whitespace],
        validators=[Optional(), max_length(2000)],
    )
    translation_coming = BooleanField(
        _l("Publish it now and tell readers the translation is coming"),
        description=_l("Readers of those languages see the parts not translated yet in the original, marked, with a notice that a translation is coming."),
    )


SCHOOL_YEAR_MONTHS = (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7)


class PlanForm(TextForm):
    title = name_field(_l("Title"), 200)
    summary = TextAreaField(
        _l("Summary"),
        description=FORMATTING_HINT,
        filters=[strip_whitespace],
        validators=[Optional(), max_length(20000)],
    )
    owner_school_id = SelectField(_l("Whose plan is it?"), coerce=int)
    feedback_opens_at = DateTimeLocalField(
        _l("Feedback opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("In the district's time zone. Leave empty to open as soon as a draft is published."),
    )
    feedback_closes_at = DateTimeLocalField(
        _l("Feedback closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("Leave empty to keep taking feedback until the plan is final."),
    )
    timeline_months = MultiCheckboxField(_l("Months on the plan's timeline"), coerce=int, validators=[Optional()])
    implements = MultiCheckboxField(
        _l("District actions this plan carries out"),
        description=_l("For a school's plan: the actions of the district's plans it implements."),
        coerce=int,
        validators=[Optional()],
    )

    def validate_feedback_opens_at(self, field):
        _check_year(field)

    def validate_feedback_closes_at(self, field):
        _check_year(field)
        if field.data and self.feedback_opens_at.data and field.data <= self.feedback_opens_at.data:
            raise ValidationError(_l("The closing time must be after the opening time."))


def _check_year(field) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Please enter a date between the years 2000 and 2100."))


class SectionForm(TextForm):
    title = name_field(_l("Section title"), 300)
    intro = TextAreaField(_l("Introduction"), description=FORMATTING_HINT, filters=[strip_whitespace],
                          validators=[Optional(), max_length(20000)])


class IndicatorForm(Form):
    text = TextAreaField(_l("Interim indicator of success"), filters=[strip_whitespace],
                         validators=[Optional(), max_length(2000)])
    deadline_text = StringField(_l("Target deadline"), filters=[strip_whitespace],
                                description=_l("For example: June 10, 2027 or September 2027"),
                                validators=[Optional(), max_length(100)])
    metric = StringField(_l("Performance metric"), filters=[strip_whitespace], validators=[Optional(), max_length(2000)])


class ActionForm(TextForm):
    number = StringField(_l("Number"), filters=[strip_whitespace], validators=[Optional(), max_length(20)])
    title = StringField(_l("Title"), filters=[strip_whitespace],
                        validators=[DataRequired(message=_l("Please give the action a title.")), max_length(500)])
    description = TextAreaField(_l("Description"), description=FORMATTING_HINT, filters=[strip_whitespace],
                                validators=[Optional(), max_length(20000)])
    responsible_office = StringField(_l("Responsible office"), filters=[strip_whitespace],
                                     validators=[Optional(), max_length(200)])
    months = MultiCheckboxField(_l("Months when this action is active"), coerce=int, validators=[Optional()])
    indicators = FieldList(FormField(IndicatorForm), min_entries=1, max_entries=50)
