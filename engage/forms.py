"""Form pieces shared by every feature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from collections.abc import Iterable

from wtforms import SelectChoice, SelectMultipleField, widgets
from wtforms.validators import Length


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; renders as a fieldset in templates/_macros/forms.html."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("Please keep this under %(max)d characters.", max=limit))
