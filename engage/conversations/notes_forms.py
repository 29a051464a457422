"""Forms for hosts' notes and for typing in paper comment cards.

Both are grids of rows (FieldList of FormField) with blank rows to fill in:
rows left empty are skipped, and a row with a tag but no text is an error
beside that row. Choices that depend on the session (the plan's parts, the
schools) are given to the form when it is made.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import NumberInput

from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..forms import WholeNumberField, WholeNumberRange, choices, max_length, strip_whitespace, TextForm
from ..vocabulary import LANGUAGE_CHOICES
from .notes import EntryInput
from .toolkit import SOMETHING_ELSE, comment_card_fields

ENTRY_TEXT_MAX = 5000
SUMMARY_MAX = 10000
ATTENDANCE_MAX = 10000
BLANK_NOTE_ROWS = 3  # blank "what we heard" rows under the saved ones; "Add more rows" adds as many again
BLANK_CARD_ROWS = 10  # blank card rows per page
MAX_BLANK_ROWS = 60
MAX_ROWS = 300  # rows one form may send

# The languages a host writes notes in (the site's languages).
WRITTEN_IN_CHOICES = [("en", _l("English")), ("es", _l("Spanish"))]
LANGUAGE_LABELS = dict(LANGUAGE_CHOICES)
REMOVED_PART_LABEL = _l("A part of the plan that has since been removed")
REMOVED_SCHOOL_LABEL = _l("A school no longer listed")


def _ui_language() -> str:
    locale = str(get_locale() or "en")
    return locale if locale in dict(WRITTEN_IN_CHOICES) else "en"


def _int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class CountField(WholeNumberField):
    """A whole number of people, with our own message for anything else."""

    widget = NumberInput(min=0)
    message = _l("Please enter a whole number, like 12.")


def _with_stored(options: list[tuple], stored: str | None, label) -> list[tuple]:
    """The options, plus the value saved earlier when it is no longer one of them."""
    if stored and stored not in {value for value, _ in options}:
        return [*options, (stored, label)]
    return options


# What we heard -----------------------------------------------------------------------


class HeardEntryForm(Form):
    """One thing heard at the session, optionally tagged."""

    entry_id = HiddenField()
    text = TextAreaField(_l("What we heard"), filters=[strip_whitespace], validators=[max_length(ENTRY_TEXT_MAX)],
                         render_kw={"rows": 3})
    anchor = SelectField(_l("Part of the plan it is about"), default="")
    relationship = SelectField(_l("Who said it"), default="",
                               choices=choices([("", _l("Not known, or several people")), *RELATIONSHIP_CHOICES]))
    participant_language = SelectField(_l("Language they spoke"), default="",
                                       choices=choices([("", _l("Not known")), *LANGUAGE_CHOICES]))
    language = SelectField(_l("Language this note is written in"), choices=choices(WRITTEN_IN_CHOICES),
                           default=_ui_language)

    def is_used(self) -> bool:
        return any((self.text.data, self.anchor.data, self.relationship.data, self.participant_language.data))

    def validate_text(self, field):
        if not field.data and self.is_used():
            raise ValidationError(_l("Please write what was heard, or clear this row's choices."))

    def entry_input(self) -> EntryInput:
        section_key, _, action_key = (self.anchor.data or "").partition("/")
        return EntryInput(
            text=self.text.data,
            entry_id=_int_or_none(self.entry_id.data),
            language=self.language.data or None,
            section_key=section_key or None,
            action_key=action_key or None,
            relationship_to_district=self.relationship.data or None,
            participant_language=self.participant_language.data or None,
        )


def entry_row(entry) -> dict:
    """A saved entry as the data of one row of the notes form."""
    anchor = f"{entry.section_key}/{entry.action_key}" if entry.action_key else (entry.section_key or "")
    return {"entry_id": str(entry.id), "text": entry.text, "anchor": anchor,
            "relationship": entry.relationship_to_district or "",
            "participant_language": entry.participant_language or "",
            "language": entry.language or _ui_language()}


class NotesForm(TextForm):
    attendance_count = CountField(
        _l("How many people came"),
        validators=[Optional(), WholeNumberRange(min=0, max=ATTENDANCE_MAX,
                                                 message=_l("Please enter a number from 0 to %(max)d.",
                                                            max=ATTENDANCE_MAX))],
        description=_l("Count everyone, including walk-ins and children who took part."),
    )
    summary = TextAreaField(_l("Summary"), filters=[strip_whitespace], validators=[max_length(SUMMARY_MAX)],
                            description=_l("A few sentences on how the conversation went."))
    entries = FieldList(FormField(HeardEntryForm), min_entries=BLANK_NOTE_ROWS, max_entries=MAX_ROWS)

    def __init__(self, *args, parts=(), stored_anchors: dict[str, str] | None = None, **kwargs):
        self._anchor_options = [("", _l("Not about a specific part")), *((p.value, p.label) for p in parts)]
        self._stored_anchors = stored_anchors or {}
        super().__init__(*args, **kwargs)
        self._set_choices()

    def _set_choices(self) -> None:
        for row in self.rows():
            stored = self._stored_anchors.get(row.entry_id.data or "")
            row.anchor.choices = choices(_with_stored(self._anchor_options, stored, REMOVED_PART_LABEL))

    def rows(self) -> list[HeardEntryForm]:
        return [entry.form for entry in self.entries]

    def fill(self, note, *, attendance_default: int | None, blank_rows: int) -> None:
        """Show the saved note (or a new one) with blank rows under its entries."""
        self.attendance_count.data = note.attendance_count if note is not None else None
        if self.attendance_count.data is None:
            self.attendance_count.data = attendance_default
        self.summary.data = note.summary if note is not None else ""
        self.entries.process(None, [entry_row(entry) for entry in (note.heard if note is not None else [])])
        total = min(len(note.heard if note is not None else []) + blank_rows, MAX_ROWS)
        while len(self.entries) < total:
            self.entries.append_entry()
        self._set_choices()

    def entry_inputs(self) -> list[EntryInput]:
        return [row.entry_input() for row in self.rows() if row.is_used()]

    def empty_rows(self) -> int:
        return sum(1 for row in self.rows() if not row.is_used())


# Paper comment cards -------------------------------------------------------------------
# The fields, their labels and their order match the printed card (toolkit), so a
# volunteer can type a card in top to bottom.


def card_language_choices(session) -> list[tuple]:
    """The languages cards may be written in: the session's, then the site's."""
    codes = [*session.language_codes, *(code for code, _ in WRITTEN_IN_CHOICES)]
    seen: list[str] = []
    for code in codes:
        if code not in seen and code in LANGUAGE_LABELS:
            seen.append(code)
    return [(code, LANGUAGE_LABELS[code]) for code in seen]


class CardFields(Form):
    """The questions of the paper comment card, in the card's order and with its
    wording (toolkit.comment_card_fields); each field is named for the NoteEntry
    attribute it fills."""

    text = TextAreaField(_l("Your comment"), filters=[strip_whitespace], validators=[max_length(ENTRY_TEXT_MAX)],
                         render_kw={"rows": 3})
    section_key = SelectField(_l("Which part of the plan is it about?"), default="")
    relationship_to_district = SelectField(_l("I am a…"), default="",
                                           choices=choices([("", _l("Not given")), *RELATIONSHIP_CHOICES]))
    participant_language = SelectField(_l("The language I speak at home"), default="",
                                       choices=choices([("", _l("Not given")), *LANGUAGE_CHOICES]))
    school_id = SelectField(_l("My school"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for card_field in comment_card_fields():
            self[card_field.name].label.text = card_field.label

    def set_card_choices(self, sections, schools, *, stored_section: str | None = None,
                         stored_school: str | None = None) -> None:
        # As on the printed card: the sections, then "Something else" (also chosen for an unmarked card).
        section_options = _with_stored([(s.section_key, s.label) for s in sections], stored_section,
                                       REMOVED_PART_LABEL)
        self.section_key.choices = choices([*section_options, ("", SOMETHING_ELSE)])
        self.school_id.choices = choices(_with_stored(
            [("", _l("Not given")), *((str(school.id), school.name) for school in schools)],
            stored_school, REMOVED_SCHOOL_LABEL))

    def is_used(self) -> bool:
        return any((self.text.data, self.section_key.data, self.relationship_to_district.data,
                    self.participant_language.data, self.school_id.data))

    def validate_text(self, field):
        if not field.data and self.is_used():
            raise ValidationError(_l("Please type the comment, or clear this card's choices."))

    def card_input(self, language: str | None) -> EntryInput:
        return EntryInput(
            text=self.text.data,
            language=language or None,
            section_key=self.section_key.data or None,
            relationship_to_district=self.relationship_to_district.data or None,
            participant_language=self.participant_language.data or None,
            school_id=_int_or_none(self.school_id.data),
        )


class CardsForm(TextForm):
    """Many cards at once: blank rows, and the language they are written in."""

    language = SelectField(_l("Language the cards are written in"),
                           description=_l("If some cards are in another language, save these first, "
                                          "then enter those with their language."))
    # The highest card id when the page was shown: a form sent twice adds its cards once.
    seen_up_to = HiddenField()
    cards = FieldList(FormField(CardFields), min_entries=BLANK_CARD_ROWS, max_entries=MAX_ROWS)

    def __init__(self, *args, session, sections=(), schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choices(card_language_choices(session))
        if not self.is_submitted():
            self.language.data = next(iter(session.language_codes), None) or _ui_language()
        self._sections, self._schools = sections, schools
        self._set_choices()

    def _set_choices(self) -> None:
        for row in self.rows():
            row.set_card_choices(self._sections, self._schools)

    def rows(self) -> list[CardFields]:
        return [entry.form for entry in self.cards]

    def add_blank_rows(self, total: int) -> None:
        while len(self.cards) < min(total, MAX_ROWS):
            self.cards.append_entry()
        self._set_choices()

    def card_inputs(self) -> list[EntryInput]:
        return [row.card_input(self.language.data) for row in self.rows() if row.is_used()]

    def empty_rows(self) -> int:
        return sum(1 for row in self.rows() if not row.is_used())

    def seen_up_to_id(self) -> int:
        return _int_or_none(self.seen_up_to.data) or 0


class CardForm(CardFields, TextForm):
    """One typed-in card, to correct it."""

    language = SelectField(_l("Language the card is written in"))

    def __init__(self, *args, session, sections=(), schools=(), card=None, **kwargs):
        super().__init__(*args, **kwargs)
        stored_language = card.language if card is not None else None
        self._default_language = next(iter(session.language_codes), None) or _ui_language()
        self.language.choices = choices(_with_stored(card_language_choices(session), stored_language,
                                                     LANGUAGE_LABELS.get(stored_language, stored_language)))
        self.set_card_choices(
            sections, schools,
            stored_section=card.section_key if card is not None else None,
            stored_school=str(card.school_id) if card is not None and card.school_id else None,
        )

    def validate_text(self, field):
        if not field.data:
            raise ValidationError(_l("Please type the comment."))

    def fill(self, card) -> None:
        self.text.data = card.text
        self.section_key.data = card.section_key or ""
        self.relationship_to_district.data = card.relationship_to_district or ""
        self.participant_language.data = card.participant_language or ""
        self.school_id.data = str(card.school_id) if card.school_id else ""
        self.language.data = card.language or self._default_language
