"""The form leaders use to share a resource (a link or a file) with every host."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..forms import OneSubmission, choices, max_length, strip_whitespace
from ..vocabulary import LANGUAGE_CHOICES
from . import toolkit
from .models import ResourceKind


class _MaxSize:
    """The upload limit from the configuration, read when the hint is shown."""

    def __str__(self) -> str:
        return toolkit.file_size_label(toolkit.max_upload_bytes())


class ResourceForm(OneSubmission, FlaskForm):
    """Title and details, and either a web address or a file (which one: `kind`).

    The link and file checks are the service's own (toolkit.checked_url,
    toolkit.checked_upload), run here too so every problem shows at once.
    """

    title = StringField(_l("Title"), filters=[strip_whitespace],
                        validators=[DataRequired(message=_l("Please give the resource a title.")),
                                    max_length(toolkit.TITLE_MAX)])
    description = TextAreaField(_l("Description"), filters=[strip_whitespace],
                                description=_l("What it is and when a host would use it."),
                                validators=[Optional(), max_length(toolkit.DESCRIPTION_MAX)])
    language = SelectField(_l("Language of the resource"),
                           choices=choices([("", _l("Not specific to one language")), *LANGUAGE_CHOICES]),
                           validators=[Optional()])
    kind = RadioField(_l("What are you sharing?"), default=ResourceKind.LINK,
                      choices=choices([(ResourceKind.LINK, _l("A link to a web page")),
                                       (ResourceKind.FILE, _l("A file"))]),
                      validators=[DataRequired(message=_l("Please choose a link or a file."))])
    url = StringField(_l("Web address"), filters=[strip_whitespace],
                      description=_l("For a link: starts with https://"),
                      render_kw={"type": "url", "spellcheck": "false", "autocapitalize": "none",
                                 "inputmode": "url"})
    file = FileField(_l("File"),
                     description=_l("For a file: PDF, PNG, JPEG, Word (.docx) or PowerPoint (.pptx), at most %(size)s.",
                                    size=_MaxSize()),
                     render_kw={"accept": ",".join(toolkit.ACCEPTED_EXTENSIONS)})

    def validate_url(self, field):
        if self.kind.data != ResourceKind.LINK:
            return
        try:
            field.data = toolkit.checked_url(field.data)
        except toolkit.ResourceRefused as refused:
            raise ValidationError(str(refused.message)) from None

    def validate_file(self, field):
        if self.kind.data != ResourceKind.FILE:
            return
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Please choose a file to upload."))
        try:
            toolkit.checked_upload(upload.filename, upload.stream)
        except toolkit.ResourceRefused as refused:
            raise ValidationError(str(refused.message)) from None
        finally:
            upload.stream.seek(0)
