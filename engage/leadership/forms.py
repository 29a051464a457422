"""The enrollment form (one whole number per school and group) and the CSV upload."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField
from wtforms.validators import Optional, ValidationError
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from ..forms import TextForm, WholeNumberField, WholeNumberRange
from ..uploads import file_size_label
from . import enrollment
from .models import EnrollmentDimension

STUDENTS_MESSAGE = _l("Please enter a whole number from 0 to %(max)s, or leave it empty.",
                      max=f"{enrollment.STUDENTS_MAX:,}")


def field_name(key: enrollment.FigureKey) -> str:
    school_id, dimension, group_key = key
    if dimension == EnrollmentDimension.TOTAL:
        return f"school_{school_id}"
    return f"{dimension}_{group_key}"


class EnrollmentForm(TextForm):
    """Fields are added per school and group by enrollment_form_class()."""

    keys: tuple = ()

    def figures(self) -> dict:
        return {key: self[field_name(key)].data for key in self.keys}

    def set_figures(self, figures: dict) -> None:
        for key in self.keys:
            self[field_name(key)].data = figures.get(key)

    def fields_of(self, dimension: str) -> list:
        return [self[field_name(key)] for key in self.keys if key[1] == dimension]


def enrollment_form_class(schools: list) -> type[EnrollmentForm]:
    labels = {**dict(enrollment.LANGUAGE_GROUPS), **dict(enrollment.RACE_GROUPS)}
    names = {school.id: school.name for school in schools}
    keys = tuple(enrollment.figure_keys(schools))
    fields: dict = {"keys": keys}
    for key in keys:
        school_id, dimension, group_key = key
        label = names[school_id] if dimension == EnrollmentDimension.TOTAL else labels[group_key]
        fields[field_name(key)] = WholeNumberField(
            label,
            validators=[Optional(), WholeNumberRange(min=0, max=enrollment.STUDENTS_MAX, message=STUDENTS_MESSAGE)],
            render_kw={"inputmode": "numeric", "min": 0, "max": enrollment.STUDENTS_MAX, "autocomplete": "off"})
    return type("SchoolsEnrollmentForm", (EnrollmentForm,), fields)


class _MaxSize:
    def __str__(self) -> str:
        return file_size_label(enrollment.max_upload_bytes())


class EnrollmentImportForm(FlaskForm):
    school_year = HiddenField()
    file = FileField(
        _l("CSV file"),
        description=_l("Columns school, group and students; at most %(size)s.", size=_MaxSize()),
        render_kw={"accept": ".csv,text/csv"},
    )

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            # Like TextForm: the text fields from the posted form only, the file from the files.
            if formdata is not None and not hasattr(formdata, "getlist") and request \
                    and request.method == "POST":
                files = MultiDict([("file", upload) for upload in request.files.getlist("file")])
                if not request.form and not files:
                    return None
                return CombinedMultiDict([files, request.form])
            return super().wrap_formdata(form, formdata)

    def validate_file(self, field):
        upload = self.chosen_file()
        if upload is None:
            raise ValidationError(_l("Please choose a CSV file."))

    def chosen_file(self):
        upload = self.file.data
        return upload if upload is not None and getattr(upload, "filename", "") else None

    def read_file(self) -> bytes:
        """The upload's bytes, at most one byte over the limit (enough to say it is too big)."""
        return self.chosen_file().stream.read(enrollment.max_upload_bytes() + 1)
