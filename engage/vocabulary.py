"""The district's vocabulary that every feature shares: the languages families speak and the
race and ethnicity groups enrollment is reported by, with their labels in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LANGUAGE_CHOICES = [
    ("en", _l("English")),
    ("es", _l("Spanish")),
    ("zh", _l("Chinese")),
    ("vi", _l("Vietnamese")),
    ("ar", _l("Arabic")),
    ("am", _l("Amharic")),
    ("fr", _l("French")),
    ("ht", _l("Haitian Creole")),
    ("ko", _l("Korean")),
    ("so", _l("Somali")),
    ("other", _l("Another language")),
]

RACE_ETHNICITY_CHOICES = [
    ("american_indian", _l("American Indian or Alaska Native")),
    ("asian", _l("Asian")),
    ("black", _l("Black or African American")),
    ("hispanic", _l("Hispanic or Latino")),
    ("middle_eastern", _l("Middle Eastern or North African")),
    ("pacific_islander", _l("Native Hawaiian or Pacific Islander")),
    ("white", _l("White")),
]
