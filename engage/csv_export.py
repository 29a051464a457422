"""CSV files that people open in a spreadsheet, shared by every export.

A file starts with a byte order mark, so Excel reads accented text (Spanish
answers) correctly; a cell that a spreadsheet would run as a formula (one
starting with = + - @, a tab or a carriage return) starts with a single
quote instead.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMULA_STARTS = frozenset("=+-@\t\r")
BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class CsvExport:
    filename: str
    content: str  # the whole file, byte order mark first
    rows: int


def safe_cell(value) -> str:
    """The value as text that a spreadsheet shows, never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
