"""Forms of the survey builder: a survey's settings, and one question."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateTimeLocalField, FieldList, Form, FormField, HiddenField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..forms import OneSubmission, choices, max_length, strip_whitespace, TextForm
from .builder import OPTIONS_MAX, TITLE_MAX
from .models import QuestionKind, SurveyAnonymity, SurveyAudience
from .services import SurveyState

STATE_LABELS = {
    SurveyState.DRAFT: _l("Draft"),
    SurveyState.SCHEDULED: _l("Scheduled"),
    SurveyState.OPEN: _l("Open"),
    SurveyState.CLOSED: _l("Closed"),
}
AUDIENCE_LABELS = {
    SurveyAudience.ANYONE: _l("Anyone with the link, signed in or not"),
    SurveyAudience.SIGNED_IN: _l("Only people who are signed in"),
}
ANONYMITY_LABELS = {
    SurveyAnonymity.IDENTIFIED: _l("Identified: each response is linked to the account that sent it"),
    SurveyAnonymity.ANONYMOUS: _l("Anonymous: responses keep no link to anyone's account"),
}
PLAIN_TEXT_HINT = _l("Plain text. Leave a blank line between paragraphs.")
BLANK_OPTION_ROWS = 3  # empty rows offered under a choice question's options
OPTION_LABEL_MAX = 300


def _check_year(field) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Please enter a date between the years 2000 and 2100."))


class SurveyForm(OneSubmission, TextForm):
    title = StringField(_l("Title"), filters=[strip_whitespace],
                        validators=[DataRequired(message=_l("Please give the survey a title.")),
                                    max_length(TITLE_MAX)])
    introduction = TextAreaField(_l("Introduction"), description=PLAIN_TEXT_HINT, filters=[strip_whitespace],
                                 validators=[Optional(), max_length(5000)])
    plan_id = SelectField(_l("Plan this survey is about"), coerce=int,
                          description=_l("Linking a plan lets each question say which part of it it asks about. "
                                         "Only plans with a published version are listed."))
    opens_at = DateTimeLocalField(
        _l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("In the district's time zone. Leave empty to open as soon as it is published."),
    )
    closes_at = DateTimeLocalField(
        _l("Closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("Leave empty to take responses until you close it."),
    )
    audience = RadioField(_l("Who can answer"), choices=choices(AUDIENCE_LABELS.items()),
                          default=SurveyAudience.ANYONE,
                          validators=[InputRequired(message=_l("Please choose who can answer."))],
                          description=_l("This can't change once people have answered."))
    anonymity = RadioField(
        _l("Anonymity"), choices=choices(ANONYMITY_LABELS.items()), default=SurveyAnonymity.IDENTIFIED,
        validators=[InputRequired(message=_l("Please choose whether answers are anonymous."))],
        description=_l("This can't change once people have answered."),
    )
    paged = BooleanField(_l("Show one page per section heading"),
                         description=_l("Otherwise every question is on one page."))

    def validate_opens_at(self, field):
        _check_year(field)

    def validate_closes_at(self, field):
        _check_year(field)
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The closing time must be after the opening time."))


class OptionForm(Form):
    key = HiddenField()
    label = StringField(_l("Wording"), filters=[strip_whitespace])


class QuestionForm(OneSubmission, TextForm):
    """One question. Only the fields its kind uses are kept, and only the wording once people have answered."""

    prompt = TextAreaField(_l("Question"), filters=[strip_whitespace], validators=[max_length(1000)])
    help_text = TextAreaField(_l("Help text"), filters=[strip_whitespace], validators=[Optional(), max_length(2000)],
                              description=_l("Shown under the question, for example to explain a word."))
    required = BooleanField(_l("People must answer this question"))
    allow_other = BooleanField(_l("Also offer \"Other\", with a box to type in"))
    anchor = SelectField(_l("Part of the plan this asks about"))
    options = FieldList(FormField(OptionForm), label=_l("Options"), max_entries=OPTIONS_MAX + BLANK_OPTION_ROWS)

    def __init__(self, *args, kind: str, locked: bool = False, plan_parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.locked = kind, locked
        if kind == QuestionKind.SECTION:
            self.prompt.label.text = _l("Heading")
            self.help_text.label.text = _l("Text under the heading")
            self.help_text.description = None
        unused = set()
        if locked or kind == QuestionKind.SECTION:
            unused.add("required")
        if locked or kind not in QuestionKind.CHOICE_KINDS:
            unused.add("allow_other")
        if locked or kind in QuestionKind.PROFILE_KINDS or not plan_parts:
            unused.add("anchor")
        if kind not in (*QuestionKind.CHOICE_KINDS, *QuestionKind.SCALE_KINDS):
            unused.add("options")
        for name in unused:
            del self[name]
        if self.anchor is not None:
            self.anchor.choices = choices(
                [("", _l("The survey as a whole, or nothing in particular"))]
                + [(f"{p.section_key}/{p.action_key}" if p.action_key else p.section_key, p.label)
                   for p in plan_parts]
            )

    def validate_prompt(self, field):
        if not field.data and self.kind not in QuestionKind.PROFILE_KINDS:
            raise ValidationError(_l("Please write the heading.") if self.kind == QuestionKind.SECTION
                                  else _l("Please write the question."))

    def validate_options(self, field):
        # Checked here rather than on each row, so the error reads as one message beside the options.
        # Each entry is a FormField, whose own `label` is the row's; the option's fields are on entry.form.
        if any(len(entry.form.label.data or "") > OPTION_LABEL_MAX for entry in field):
            raise ValidationError(_l("Please keep each option under %(max)d characters.", max=OPTION_LABEL_MAX))

    def anchor_keys(self) -> tuple[str | None, str | None]:
        """The chosen part of the plan as (section key, action key)."""
        section_key, _, action_key = (self.anchor.data or "").partition("/")
        return section_key or None, action_key or None

    def set_anchor(self, section_key: str | None, action_key: str | None) -> None:
        if self.anchor is not None:
            self.anchor.data = f"{section_key}/{action_key}" if action_key else (section_key or "")

    def add_blank_option_rows(self) -> None:
        if self.options is not None and self.kind in QuestionKind.CHOICE_KINDS and not self.locked:
            for _ in range(BLANK_OPTION_ROWS):
                self.options.append_entry()

    def question_fields(self) -> dict:
        """What the form says, as arguments for builder.add_question / update_question."""
        fields = {name: getattr(self, name).data for name in ("prompt", "help_text")}
        for name in ("required", "allow_other"):
            if getattr(self, name) is not None:
                fields[name] = getattr(self, name).data
        if self.anchor is not None:
            fields["section_key"], fields["action_key"] = self.anchor_keys()
        if self.options is not None:
            fields["options"] = [{"key": row.key.data, "label": row.label.data}
                                 for row in (entry.form for entry in self.options)]
        return fields
