from __future__ import annotations

import hashlib
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, TextAreaField

from ..forms import TextForm, max_length, strip_whitespace
from .services import PassageWork
from .texts import source_hash

TRANSLATION_MAX = 20_000


def field_name(path: str) -> str:
    """A form field's name for a passage: stable across requests, safe in HTML."""
    return "t_" + hashlib.sha1(path.encode()).hexdigest()[:12]


class PassagesForm(TextForm):
    """The translations of some passages, one text area each, with the source each was read from."""

    @classmethod
    def for_work(cls, work: Sequence[PassageWork]) -> PassagesForm:
        fields = {}
        for item in work:
            name = field_name(item.passage.path)
            fields[name] = TextAreaField(item.passage.label, filters=[strip_whitespace],
                                         validators=[max_length(TRANSLATION_MAX)])
            fields[name + "_source"] = HiddenField(default=source_hash(item.passage.text))
        form_class = type("PassagesForm", (cls,), fields)
        form = form_class(data={field_name(w.passage.path): w.text for w in work if w.translation})
        form.work = list(work)
        return form

    def _read_as_it_is(self, item: PassageWork) -> bool:
        """Whether the translator read the passage's source as it is now."""
        return self[field_name(item.passage.path) + "_source"].data == source_hash(item.passage.text)

    def translations(self) -> dict[str, str]:
        """Path -> the text typed, for the passages whose source is the one the translator read."""
        return {item.passage.path: self[field_name(item.passage.path)].data or "" for item in self.work
                if self._read_as_it_is(item)}

    def changed_sources(self) -> list[PassageWork]:
        """Passages whose source changed after the form was shown."""
        return [item for item in self.work if not self._read_as_it_is(item)]


class ImportForm(FlaskForm):
    file = FileField(_l("A PO file of translations"), validators=[
        FileRequired(_l("Choose the PO file your translator sent back.")),
        FileAllowed(["po"], _l("Choose a PO file (.po), as exported from this page.")),
    ])
