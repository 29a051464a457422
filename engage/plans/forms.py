from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..forms import choices, max_length, strip_whitespace
from .models import PlanStatus

STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Draft, open for feedback"),
    PlanStatus.UNDER_REVISION: _l("Under revision"),
    PlanStatus.REVISED_DRAFT: _l("Revised draft, open for feedback"),
    PlanStatus.FINAL: _l("Final"),
    PlanStatus.ARCHIVED: _l("Archived"),
}


class PublishForm(FlaskForm):
    status = SelectField(_l("Status of this version"), choices=choices(STATUS_LABELS.items()),
                         validators=[InputRequired()])
    change_note = TextAreaField(
        _l("What changed in this version"),
        description=_l("Shown to readers next to the version, for example: \"Added transportation targets after the October conversations.\""),
        filters=[strip_whitespace],
        validators=[Optional(), max_length(2000)],
    )
