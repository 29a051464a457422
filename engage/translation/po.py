"""Translations in and out as PO files (GNU gettext), the format translation tools read.

Each passage is one message: its path is the context, its source the msgid, its translation
the msgstr. An out-of-date translation goes out fuzzy, with the words it was made from as the
previous msgid, as gettext's own tools do. Babel reads and writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from .services import PassageWork, Status
from .sources import Document


class UnreadableFile(Exception):
    """Not a PO file Babel can read, or one that holds no passage of the document."""


def export_po(document: Document, language: str, work: list[PassageWork], *, project: str) -> bytes:
    catalog = Catalog(locale=language, project=project, domain=document.scope, fuzzy=False,
                      header_comment=f"# {document.title}\n# {document.scope}, {document.language} -> {language}")
    for item in work:
        out_of_date = item.status == Status.OUT_OF_DATE
        catalog.add(item.passage.text, item.text, context=item.passage.path, auto_comments=[item.passage.label],
                    flags=("fuzzy",) if out_of_date else (),
                    previous_id=[item.earlier_source] if out_of_date else ())
    buffer = BytesIO()
    write_po(buffer, catalog, width=0, include_previous=True, sort_output=False)
    return buffer.getvalue()


@dataclass
class Imported:
    translations: dict[str, str] = field(default_factory=dict)  # path -> text, for today's sources
    changed_since: list[str] = field(default_factory=list)  # labels of passages whose source changed
    fuzzy: list[str] = field(default_factory=list)  # labels of translations marked as needing review
    unknown: int = 0  # messages of no passage of the document


def import_po(document: Document, language: str, data: bytes) -> Imported:
    """The translations a PO file holds for today's words of the document's passages."""
    try:
        catalog = read_po(BytesIO(data), locale=language, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as error:
        raise UnreadableFile(str(error)) from error
    passages = {passage.path: passage for passage in document.passages}
    result, matched = Imported(), 0
    for message in catalog:
        if not message.id:
            continue
        passage = passages.get(message.context or "")
        text = message.string if isinstance(message.string, str) else ""
        matched += passage is not None
        if passage is None or not isinstance(message.id, str):
            result.unknown += 1
        elif message.id != passage.text:
            result.changed_since.append(passage.label)
        elif message.fuzzy and text:
            result.fuzzy.append(passage.label)
        elif text.strip():
            result.translations[passage.path] = text
    if not matched:
        raise UnreadableFile("no passage of the document")
    return result
