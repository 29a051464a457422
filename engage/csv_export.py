"""CSV files that people open in a spreadsheet, shared by every export.

A file starts with a byte order mark, so Excel reads accented text (Spanish
answers) correctly; a cell that a spreadsheet would run as a formula (one
starting with = + - @, a tab or a carriage return) starts with a single
quote instead. Files are sent as they are made (`download`): the first bytes
leave at once, and a large file is never whole in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass

from flask import Response, stream_with_context
from flask_babel import force_locale

FORMULA_STARTS = frozenset("=+-@\t\r")
BYTE_ORDER_MARK = "\ufeff"
ROWS_PER_PIECE = 500


@dataclass(frozen=True)
class CsvExport:
    filename: str
    text: Iterable[str]  # the file in pieces, byte order mark first, made as they are sent


def csv_text(header: list, rows: Iterable[list], *, language: str | None = None) -> Iterator[str]:
    """A CSV file's text in pieces of ROWS_PER_PIECE rows, the byte order mark and the header first;
    the rows are made in `language` (the reader's if None)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write(BYTE_ORDER_MARK)
    writer.writerow(header)
    yield out.getvalue()  # the download starts before the rows are made
    out.seek(0)
    out.truncate()
    with force_locale(language) if language else nullcontext():
        for count, row in enumerate(rows, start=1):
            writer.writerow(row)
            if count % ROWS_PER_PIECE == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
    yield out.getvalue()


def download(export: CsvExport) -> Response:
    """The file as a download, sent as it is made (the request's context stays open meanwhile)."""
    return Response(stream_with_context(piece.encode("utf-8") for piece in export.text), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"',
                             "Cache-Control": "no-store"})


def safe_cell(value) -> str:
    """The value as text that a spreadsheet shows, never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
