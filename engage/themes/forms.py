"""Forms for the themes dashboard: creating an analysis, running it, and leaders' edits.

Forms shown once per item (move, off-topic) are written out by hand in the
templates, with ids made from the item; the classes here read them back.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..feedback.services import FeedbackSource
from ..forms import (MultiCheckboxField, WholeNumberField, OneSubmission, WholeNumberRange, choices, database_id,
                     max_length, single_line, strip_whitespace, TextForm)
from .services import LABEL_MAX, RESPONSE_MAX, SEED_EXAMPLE_MAX, SEED_EXAMPLES_MAX, SPLIT_MAX_PARTS

TITLE_MAX = LABEL_MAX
# A run into one theme tells nothing; the service takes up to 200.
N_THEMES_MIN, N_THEMES_MAX = 2, 200
FIRST_YEAR, LAST_YEAR = 2000, 2999
SPLIT_MIN, SPLIT_MAX = 2, SPLIT_MAX_PARTS
# What goes in the "theme" select for Other / unclustered.
OTHER = "other"

SOURCE_LABELS = {
    FeedbackSource.COMMENT: _l("Plan comments"),
    FeedbackSource.SURVEY_ANSWER: _l("Survey answers"),
    FeedbackSource.CONVERSATION_NOTE: _l("Conversation notes"),
    FeedbackSource.PAPER_CARD: _l("Paper comment cards"),
}
SOURCES = tuple(SOURCE_LABELS)
# A theme's items in none of its sub-themes, where its parts are listed.
NO_PART_LABEL = _l("Not in a sub-theme")


class LocalDateField(DateField):
    """A day in the district's calendar, with our message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Please enter a date like 2026-09-01.")) from None


def _sensible_year(form, field) -> None:
    if field.data is not None and not (FIRST_YEAR <= field.data.year <= LAST_YEAR):
        raise ValidationError(_l("Please enter a date like 2026-09-01."))


class CreateAnalysisForm(TextForm):
    title = StringField(
        _l("Title"),
        description=_l("For example: \"Survey answers since the town hall\"."),
        filters=[single_line],
        validators=[DataRequired(message=_l("Please give the analysis a title.")), max_length(TITLE_MAX)],
    )
    sources = MultiCheckboxField(
        _l("Channels"),
        description=_l("Leave all unticked to include every channel."),
        choices=choices(SOURCE_LABELS.items()),
        validate_choice=False,
    )
    since = LocalDateField(_l("From"), validators=[Optional(), _sensible_year],
                           description=_l("Feedback given on or after this day."))
    until = LocalDateField(_l("Until"), validators=[Optional(), _sensible_year],
                           description=_l("Feedback given on or before this day."))

    def validate_sources(self, field):
        if any(value not in SOURCES for value in field.data or ()):
            raise ValidationError(_l("Please choose channels from the list."))

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


class RunForm(OneSubmission, TextForm):
    n_themes = WholeNumberField(
        _l("Number of themes"),
        description=_l("Leave empty to let Engage choose. Between %(min)d and %(max)d.",
                       min=N_THEMES_MIN, max=N_THEMES_MAX),
        validators=[Optional(), WholeNumberRange(min=N_THEMES_MIN, max=N_THEMES_MAX, message=_l(
            "Please enter a number from %(min)d to %(max)d, or leave it empty."))],
        render_kw={"inputmode": "numeric"},
    )


class RenameForm(TextForm):
    label = StringField(
        _l("Name of the theme"),
        description=_l("Leave empty to go back to the name Engage gave it."),
        filters=[single_line],
        validators=[max_length(LABEL_MAX)],
    )


class MergeForm(TextForm):
    into = SelectField(_l("Merge this theme into"), coerce=str, validate_choice=False,
                       validators=[InputRequired(message=_l("Please choose a theme."))])
    # "1" once the leader has seen what merging does and pressed "Yes, merge" (it cannot be undone).
    confirmed = HiddenField()

    def set_themes(self, themes, current) -> None:
        self.into.choices = choices([("", _l("Choose a theme"))] + [
            (str(theme.id), theme.label or theme.key) for theme in themes if theme.id != current.id])

    def validate_into(self, field):
        # The theme itself is looked up by the view: one of another analysis is a 404.
        if database_id(field.data) is None:
            raise ValidationError(_l("Please choose a theme."))

    @property
    def theme_id(self) -> int:
        return database_id(self.into.data)


class SplitForm(TextForm):
    n_parts = SelectField(
        _l("Split into"),
        choices=choices([("", _l("As many themes as Engage finds"))]
                        + [(str(n), _l("%(n)d themes", n=n)) for n in range(SPLIT_MIN, SPLIT_MAX + 1)]),
        validate_choice=False,
    )

    def validate_n_parts(self, field):
        if field.data and field.data not in {str(n) for n in range(SPLIT_MIN, SPLIT_MAX + 1)}:
            raise ValidationError(_l("Please choose from %(min)d to %(max)d themes, or let Engage choose.",
                                     min=SPLIT_MIN, max=SPLIT_MAX))

    @property
    def parts(self) -> int | None:
        return int(self.n_parts.data) if self.n_parts.data else None


class ResponseForm(TextForm):
    heard = TextAreaField(
        _l("What we heard"),
        description=_l("In plain words, what people told us about this theme."),
        filters=[strip_whitespace],
        validators=[max_length(RESPONSE_MAX)],
    )
    will_do = TextAreaField(
        _l("What we will do"),
        description=_l("What the district will change or do because of it, or why not."),
        filters=[strip_whitespace],
        validators=[max_length(RESPONSE_MAX)],
    )
    publish = BooleanField(
        _l("Publish on the plan's public page"),
        description=_l("Anyone can read a published response. Untick to take it down."),
    )

    def validate_heard(self, field):
        if self.publish.data and not field.data:
            raise ValidationError(_l("Please write what we heard before publishing."))

    def validate_will_do(self, field):
        if self.publish.data and not field.data:
            raise ValidationError(_l("Please write what we will do before publishing."))


class ItemForm(TextForm):
    """Names one feedback item; the per-item forms are written out in templates/themes/_items.html."""

    source = HiddenField(validators=[DataRequired()])
    source_id = HiddenField(validators=[DataRequired()])
    next = HiddenField()

    def validate_source(self, field):
        if field.data not in SOURCES:
            raise ValidationError(_l("Unknown channel."))

    def validate_source_id(self, field):
        if database_id(field.data) is None:
            raise ValidationError(_l("Unknown item."))


class MoveItemForm(ItemForm):
    theme = StringField(validators=[DataRequired()])

    def theme_id(self) -> int | None:
        """The chosen theme's id, None for Other; ValueError when it is neither."""
        value = (self.theme.data or "").strip()
        if value == OTHER:
            return None
        if (theme_id := database_id(value)) is not None:
            return theme_id
        raise ValueError(value)


class OffTopicForm(ItemForm):
    off_topic = HiddenField()

    @property
    def marked(self) -> bool:
        return self.off_topic.data == "1"


class SeedForm(TextForm):
    label = StringField(_l("Name of the theme"), filters=[single_line],
                        validators=[DataRequired(message=_l("Please give the theme a name.")), max_length(LABEL_MAX)])
    examples = TextAreaField(
        _l("Examples of what belongs in it"),
        description=_l("One per line: phrases or comments like the ones this theme should gather. "
                       "Three or more help; up to %(count)d.", count=SEED_EXAMPLES_MAX),
        validators=[Optional(), max_length(SEED_EXAMPLES_MAX * (SEED_EXAMPLE_MAX + 1))])

    def example_lines(self) -> list[str]:
        return (self.examples.data or "").splitlines()
