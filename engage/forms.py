"""Form pieces shared by every feature."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, SelectChoice, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from .models import SUBMISSION_TOKEN_MAX


def database_id(value: str | None) -> int | None:
    """A database id typed as ASCII digits, 1 to 2**31 - 1; None for anything else.

    str.isdigit() alone is not enough: it accepts "²" and Arabic-Indic digits,
    which int() then refuses or reads as a number nobody typed.
    """
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) < 2**31:
        return int(value)
    return None


class TextForm(FlaskForm):
    """The base of every form without a file field: fields are read from the posted
    form and nothing else.

    Flask-WTF also reads uploaded files and JSON bodies into a form's fields;
    a file or a JSON number where text is expected then reaches validators and
    filters that call len() or .strip() on it, which is a server error, not a
    field error. (The toolkit's upload form, which takes a file, is a FlaskForm.)
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            # formdata with no getlist is Flask-WTF's "read the request" marker; None and a
            # MultiDict given by the view are kept as they are.
            if formdata is not None and not hasattr(formdata, "getlist") and request \
                    and request.method in {"POST", "PUT", "PATCH", "DELETE"}:
                return request.form or None
            return super().wrap_formdata(form, formdata)


_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class WholeNumberField(IntegerField):
    """An optional whole number, with our own message for anything else."""

    message = _l("Please enter a whole number, or leave it empty.")

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
        # ASCII digits only: int() would also take "+5", "1_000" and other scripts' digits.
        elif _WHOLE_NUMBER.fullmatch(text) and len(text) <= 18:
            self.data = int(text)
        else:
            self.data = None
            raise ValueError(self.message)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; renders as a fieldset in templates/_macros/forms.html."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("Please keep this under %(max)d characters.", max=limit))


class WholeNumberRange(NumberRange):
    """NumberRange for IntegerField, with our own message. WTForms' own hands the
    number to math.isnan, which raises OverflowError (a 500) for one too large
    for a float, such as 400 nines typed into a form: whole numbers are compared as they are."""

    def __init__(self, min=None, max=None, *, message):
        super().__init__(min=min, max=max, message=message)

    def __call__(self, form, field):
        data = field.data
        if not isinstance(data, int) or isinstance(data, bool):
            return super().__call__(form, field)
        low, high = self._resolve(self.min), self._resolve(self.max)
        if (low is None or data >= low) and (high is None or data <= high):
            return None
        raise ValidationError(self.message % dict(min=low, max=high))


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


def single_line(value):
    """Whitespace runs, line breaks included, as one space: for titles that become email subjects."""
    return " ".join(value.split()) if isinstance(value, str) else value


EMAIL_MAX = 254


def email_field(label, *, required: bool = True, description=None, missing_message=None) -> EmailField:
    """An email input: trimmed, checked, with our messages and no autocorrect."""
    presence = (
        InputRequired(message=missing_message or _l("Please enter an email address."))
        if required
        else Optional()
    )
    return EmailField(
        label,
        description=description,
        filters=[strip_whitespace],
        validators=[
            presence,
            max_length(EMAIL_MAX),
            Email(message=_l("Please enter an email address like name@example.org."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )


def name_field(label, limit: int) -> StringField:
    """A required name: spaces around it are dropped, and only spaces count as empty."""
    return StringField(
        label,
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please enter a name.")), max_length(limit)],
    )


class OneSubmission:
    """A form mixin: a hidden random token, so the same form sent twice
    (double click, reload, two tabs) makes one record. Services keep the
    token in a unique column and return the first record when it comes again."""

    # A form sent without one (not from our page) gets a fresh token: accepted, but not deduplicated.
    submission_token = HiddenField(validators=[DataRequired(), Length(max=SUBMISSION_TOKEN_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_token.data:
            self.submission_token.data = secrets.token_urlsafe(24)
