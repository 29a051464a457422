"""The form an office fills in to post (or correct) a progress update on an action."""

from __future__ import annotations

from decimal import InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal
from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from ..forms import OneSubmission, WholeNumberRange, choices, max_length, strip_whitespace
from ..plans.models import PlanAction
from ..uploads import file_size_label, is_web_address
from . import updates
from .listing import STATUS_LABELS
from .models import ProgressStatus


class _MaxSize:
    """The upload limit from the configuration, read when the hint is shown."""

    def __str__(self) -> str:
        return file_size_label(updates.max_upload_bytes())


def parse_number(text: str) -> float | None:
    """A number as typed in the reader's language ("1,234.5" in English, "1.234,5" in Spanish), or None."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        return float(parse_decimal(text, locale=get_locale() or "en", strict=True))
    except (NumberFormatError, InvalidOperation, ValueError, OverflowError):
        pass
    try:
        return float(text)
    except (ValueError, OverflowError):
        raise ValueError(text) from None


def _number_check(form, field):
    try:
        parse_number(field.data)
    except ValueError:
        raise ValidationError(_l("Please enter a number, like 25 or 3.5.")) from None


class ProgressUpdateForm(OneSubmission, FlaskForm):
    """Status, percent, date and summary; evidence as a link or a file; metric fields are
    added per indicator by update_form_class()."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            # As engage.forms.TextForm, but the evidence file is read too: text fields come from
            # the posted form only, so a file or JSON sent where text is expected is not a 500.
            if formdata is not None and not hasattr(formdata, "getlist") and request \
                    and request.method in {"POST", "PUT", "PATCH", "DELETE"}:
                files = MultiDict([("evidence_file", upload) for upload in request.files.getlist("evidence_file")])
                if not request.form and not files:
                    return None
                return CombinedMultiDict([files, request.form])
            return super().wrap_formdata(form, formdata)

    status = RadioField(_l("Status"), default=ProgressStatus.ON_TRACK,
                        choices=choices([(status, STATUS_LABELS[status]) for status in ProgressStatus.ALL]),
                        validators=[DataRequired(message=_l("Please choose a status."))])
    percent_complete = IntegerField(
        _l("Percent complete"), default=0,
        description=_l("A whole number from 0 to 100. An action that is done is 100% complete."),
        validators=[InputRequired(message=_l("Please enter a whole number from 0 to 100.")),
                    WholeNumberRange(min=0, max=100, message=_l("Please enter a whole number from 0 to 100."))],
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
    )
    as_of = DateField(_l("As of"), description=_l("The day this update is about: today, or an earlier day."),
                      validators=[InputRequired(message=_l("Please enter the date this update is about."))])
    summary = TextAreaField(_l("What has happened"), filters=[strip_whitespace],
                            description=_l("Plain words families can follow: what was done, what comes next."),
                            validators=[DataRequired(message=_l("Please say what has happened on this action.")),
                                        max_length(updates.SUMMARY_MAX)])
    evidence_url = StringField(_l("Link to evidence"), filters=[strip_whitespace],
                               description=_l("A web page that shows the work, starting with https://"),
                               validators=[Optional(), max_length(updates.EVIDENCE_URL_MAX)],
                               render_kw={"type": "url", "spellcheck": "false", "autocapitalize": "none",
                                          "inputmode": "url"})
    evidence_file = FileField(
        _l("Or a file"),
        description=_l("A PDF or an image (PNG, JPEG or WebP), at most %(size)s.", size=_MaxSize()),
        render_kw={"accept": ",".join(updates.ACCEPTED_EXTENSIONS)},
    )
    evidence_title = StringField(_l("What the evidence is"), filters=[strip_whitespace],
                                 description=_l("For example: “Minutes of the March board meeting”."),
                                 validators=[Optional(), max_length(updates.EVIDENCE_TITLE_MAX)])
    remove_file = BooleanField(_l("Remove the attached file"))

    def validate_percent_complete(self, field):
        if self.status.data == ProgressStatus.DONE and field.data is not None and field.data != 100:
            raise ValidationError(_l("An action that is done is 100% complete."))

    def validate_evidence_url(self, field):
        if field.data and not is_web_address(field.data):
            raise ValidationError(_l("Please enter a web address that starts with https:// (or http://)."))
        if field.data and self.chosen_file() is not None:
            raise ValidationError(_l("Please give a link or a file, not both."))

    def validate_evidence_file(self, field):
        upload = self.chosen_file()
        if upload is None:
            return
        try:
            updates.checked_evidence_file(upload.filename, upload.stream)
        except updates.UpdateRefused as refused:
            raise ValidationError(str(refused.message)) from None
        finally:
            upload.stream.seek(0)

    def chosen_file(self):
        upload = self.evidence_file.data
        return upload if upload is not None and getattr(upload, "filename", "") else None

    # Metric fields -----------------------------------------------------------------

    indicator_ids: tuple[int, ...] = ()

    def metric_fields(self, indicator_id: int):
        return (self[f"metric_{indicator_id}_number"], self[f"metric_{indicator_id}_unit"],
                self[f"metric_{indicator_id}_text"])

    def metric_values(self) -> dict[int, tuple[float | None, str, str]]:
        values = {}
        for indicator_id in self.indicator_ids:
            number, unit, text = self.metric_fields(indicator_id)
            values[indicator_id] = (parse_number(number.data), unit.data or "", text.data or "")
        return values

    def set_metric_values(self, metric_values) -> None:
        for value in metric_values:
            if value.indicator_id not in self.indicator_ids:
                continue
            number, unit, text = self.metric_fields(value.indicator_id)
            number.data = "" if value.number is None else f"{value.number:g}"
            unit.data = value.unit
            text.data = value.text

    def field_for(self, name: str):
        """The field a service's refusal belongs beside."""
        if name.startswith("metric_") and f"{name}_number" in self:
            return self[f"{name}_number"]
        return self[name] if name in self and name not in ("csrf_token",) else self.summary

    def add_error(self, name: str, message) -> None:
        field = self.field_for(name)
        field.errors = [*field.errors, message]


def update_form_class(action: PlanAction) -> type[ProgressUpdateForm]:
    """The update form for one action: a number (with unit) or a few words per indicator."""
    fields = {"indicator_ids": tuple(indicator.id for indicator in action.indicators)}
    for indicator in action.indicators:
        fields[f"metric_{indicator.id}_number"] = StringField(
            _l("Number"), filters=[strip_whitespace], validators=[Optional(), max_length(40), _number_check],
            render_kw={"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"})
        fields[f"metric_{indicator.id}_unit"] = StringField(
            _l("Unit"), filters=[strip_whitespace], validators=[Optional(), max_length(updates.UNIT_MAX)],
            description=_l("For example: families, %, events"))
        fields[f"metric_{indicator.id}_text"] = StringField(
            _l("Or in words"), filters=[strip_whitespace],
            validators=[Optional(), max_length(updates.METRIC_TEXT_MAX)])
    return type("ActionProgressUpdateForm", (ProgressUpdateForm,), fields)
