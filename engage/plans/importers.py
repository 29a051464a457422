"""Read a district's plan from a text file, in one of two formats.

``action-table``: an optional title line, then a tab-separated table headed
``Actions / Interim Indicators of Success / Target Deadline / Performance
Metric``. A row whose first cell starts with a number (``1. ``) starts an
action; the other cells give one indicator. A row with an empty first cell
adds another indicator; a row with un-numbered text in its first cell is the
current action's description wrapping onto a new row.

``month-table``: an optional ``### Title`` and intro (the summary), then one
or more blocks, each headed ``<Section title> Oct Nov ... June``; every row
below is one action: an HTML cell (bold headline and bullets) and a cell per
month, marked (x, ✓, ●, yes...) when the action is active that month. Lines
after the blocks are footnotes and join the summary.

Pure Python (standard library only): no Flask, no database. ``parse_plan``
either returns a complete ``ImportedPlan`` or raises ``PlanImportError``
naming the 1-based line at fault.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

ACTION_TABLE = "action-table"
MONTH_TABLE = "month-table"

ACTION_TABLE_HEADER = ("actions", "interim indicators of success", "target deadline", "performance metric")
_ACTION_TABLE_HEADER_SHOWN = "Actions<TAB>Interim Indicators of Success<TAB>Target Deadline<TAB>Performance Metric"
_MONTH_TABLE_HEADER_SHOWN = "<Section title><TAB>Oct<TAB>Nov<TAB>...<TAB>June"

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | {
    name.lower(): number for number, name in enumerate(calendar.month_abbr) if name
}
MONTHS["sept"] = 9
# A school year runs July to June; ties in timeline order are broken that way.
SCHOOL_YEAR = (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)

ACTIVE_MARKS = frozenset({"x", "✓", "✔", "✅", "☑", "●", "•", "■", "▪", "◼", "yes"})
INACTIVE_MARKS = frozenset({"", "-", "–", "—", "no"})


@dataclass
class ImportedIndicator:
    text: str
    deadline_text: str
    deadline: date | None
    metric: str


@dataclass
class ImportedAction:
    number: str | None  # "1", "2"... when the source numbers actions
    title: str  # short headline ("" when the source has none)
    description: str  # plain text; may hold newlines and "- " bullet lines
    indicators: list[ImportedIndicator] = field(default_factory=list)
    months: list[int] = field(default_factory=list)  # active months, 1-12
    responsible_office: str = ""


@dataclass
class ImportedSection:
    title: str
    actions: list[ImportedAction]


@dataclass
class ImportedPlan:
    title: str
    summary: str  # plain text
    timeline_months: list[int]  # e.g. [10, 11, 12, 1, 2, 3, 4, 5, 6]; [] when none
    sections: list[ImportedSection]
    source_format: str  # ACTION_TABLE or MONTH_TABLE


class PlanImportError(ValueError):
    """The file is not a plan this module can read; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message, line)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


def parse_plan_file(path: str | Path) -> ImportedPlan:
    """Read a UTF-8 plan file (a byte-order mark is fine) and parse it."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:offset].count(b"\n") + 1
        raise PlanImportError(
            f"the file is not UTF-8 text (byte 0x{raw[offset]:02x} cannot be read); save it as UTF-8 and try again",
            line,
        ) from None
    return parse_plan(text)


def parse_plan(text: str) -> ImportedPlan:
    """Detect the format of ``text`` and parse it into an ``ImportedPlan``.

    The first line holding a tab must be a table header: it decides the format.
    """
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    if not any(line.strip() for line in lines):
        raise PlanImportError("the file is empty")
    for index, line in enumerate(lines):
        if "\t" not in line or not line.strip():
            continue
        cells = _split_cells(line)
        if _is_action_table_header(cells):
            return _parse_action_table(lines, index)
        if _is_block_header(cells) and any(_month_number(cell) for cell in cells[1:]):
            return _parse_month_table(lines, index)
        raise PlanImportError(
            f"expected a table header, either {_ACTION_TABLE_HEADER_SHOWN} or {_MONTH_TABLE_HEADER_SHOWN}; "
            f"found {_preview(line)}",
            index + 1,
        )
    raise PlanImportError(
        f"no table found: expected a tab-separated header row, either {_ACTION_TABLE_HEADER_SHOWN} "
        f"or {_MONTH_TABLE_HEADER_SHOWN}"
    )


# -- action table ---------------------------------------------------------------

_ACTION_NUMBER = re.compile(r"(\d+)[.)](?:\s+|$)(.*)")


def _is_action_table_header(cells: list[str]) -> bool:
    return tuple(cell.lower() for cell in _trim_trailing_empty(cells)) == ACTION_TABLE_HEADER


def _parse_action_table(lines: list[str], header_index: int) -> ImportedPlan:
    preamble = [_collapse(line) for line in lines[:header_index] if line.strip()]
    title = _strip_heading_marks(preamble[0]) if preamble else ""
    actions: list[ImportedAction] = []
    for index in range(header_index + 1, len(lines)):
        line_number = index + 1
        if not lines[index].strip():
            continue
        cells = _row_cells(lines[index], len(ACTION_TABLE_HEADER), line_number)
        if _is_action_table_header(cells):
            continue  # tables pasted across pages repeat their header
        first, indicator_cells = cells[0], cells[1:]
        numbered = _ACTION_NUMBER.fullmatch(first)
        if numbered:
            actions.append(ImportedAction(number=numbered[1], title="", description=numbered[2]))
        elif not actions:
            what = "an indicator row" if not first else "un-numbered action text"
            raise PlanImportError(
                f"{what} comes before the first action; start the first action with its number, like '1. '",
                line_number,
            )
        elif first:
            actions[-1].description = _join_wrapped(actions[-1].description, first)
        if any(indicator_cells):
            text, deadline_text, metric = indicator_cells
            actions[-1].indicators.append(
                ImportedIndicator(
                    text=text, deadline_text=deadline_text, deadline=parse_deadline(deadline_text), metric=metric
                )
            )
    if not actions:
        raise PlanImportError(
            "no actions below the header; the first action starts with its number, like '1. '", header_index + 1
        )
    return ImportedPlan(
        title=title,
        summary="\n".join(preamble[1:]),
        timeline_months=[],
        sections=[ImportedSection(title=title or "Actions", actions=actions)],
        source_format=ACTION_TABLE,
    )


def _join_wrapped(text: str, more: str) -> str:
    """Join description text that wrapped onto another row.

    Text ending in a colon introduces a list, so what follows starts a new line.
    """
    if not text:
        return more
    return f"{text}\n{more}" if text.endswith(":") else f"{text} {more}"


# -- month table ----------------------------------------------------------------


@dataclass
class _Block:
    title: str
    months: list[int]
    line_number: int
    actions: list[ImportedAction] = field(default_factory=list)


def _is_block_header(cells: list[str]) -> bool:
    """A row of labels: every cell after the first filled, and none of them a month mark."""
    rest = [html_to_text(cell).lower() for cell in _trim_trailing_empty(cells)[1:]]
    return bool(rest) and all(rest) and not any(cell in ACTIVE_MARKS | INACTIVE_MARKS for cell in rest)


def _parse_month_table(lines: list[str], header_index: int) -> ImportedPlan:
    title, summary = _title_and_summary(lines[:header_index])
    blocks: list[_Block] = []
    notes: list[str] = []
    for index in range(header_index, len(lines)):
        line, line_number = lines[index], index + 1
        if not line.strip():
            continue
        if "\t" not in line and not line.lstrip().startswith("<"):
            notes.append(line)  # footnotes, mostly; a note between tables joins them
            continue
        cells = _split_cells(line)
        if _is_block_header(cells):
            blocks.append(_block_from_header(_trim_trailing_empty(cells), line_number))
            continue
        block = blocks[-1]
        cells = _row_cells(line, len(block.months) + 1, line_number)
        block.actions.append(_action_from_row(cells, block, line_number))
    for block in blocks:
        if not block.actions:
            raise PlanImportError(f"the table {block.title!r} has no actions below its header", block.line_number)
    footnotes = _markdown_paragraphs(notes)
    timeline = _timeline({month for block in blocks for month in block.months}, blocks[0].months[0])
    for block in blocks:
        for action in block.actions:
            action.months = [month for month in timeline if month in action.months]
    return ImportedPlan(
        title=title,
        summary="\n\n".join(part for part in (summary, footnotes) if part),
        timeline_months=timeline,
        sections=[ImportedSection(title=block.title, actions=block.actions) for block in blocks],
        source_format=MONTH_TABLE,
    )


def _timeline(months: set[int], first_listed: int) -> list[int]:
    """The months in order round the year, starting after the longest stretch with none.

    Oct..June starts in October; adding July still starts in October. With all
    twelve months there is no gap, so the first month listed comes first.
    """
    start, longest_gap = first_listed, -1
    for month in SCHOOL_YEAR:  # on a tie, the earliest in a July-June year wins
        if month not in months:
            continue
        gap, before = 0, _previous_month(month)
        while before not in months:
            gap, before = gap + 1, _previous_month(before)
        if gap > longest_gap:
            start, longest_gap = month, gap
    if longest_gap == 0:
        start = first_listed
    return [month for month in ((start - 1 + step) % 12 + 1 for step in range(12)) if month in months]


def _previous_month(month: int) -> int:
    return (month - 2) % 12 + 1


def _block_from_header(cells: list[str], line_number: int) -> _Block:
    months: list[int] = []
    for cell in cells[1:]:
        month = _month_number(cell)
        if month is None:
            raise PlanImportError(
                f"unknown month name {cell!r} in the table header; use month names like Oct, Nov or November",
                line_number,
            )
        if month in months:
            raise PlanImportError(f"the month {cell!r} appears twice in the table header", line_number)
        months.append(month)
    return _Block(title=html_to_text(cells[0]), months=months, line_number=line_number)


def _action_from_row(cells: list[str], block: _Block, line_number: int) -> ImportedAction:
    title, description = _headline_and_description(cells[0])
    if not title and not description:
        raise PlanImportError("the action cell (the first cell) is empty", line_number)
    active = []
    for month, cell in zip(block.months, cells[1:], strict=True):
        mark = html_to_text(cell).lower()
        if mark in ACTIVE_MARKS:
            active.append(month)
        elif mark not in INACTIVE_MARKS:
            raise PlanImportError(
                f"unrecognized value {cell.strip()!r} in the {calendar.month_abbr[month]} column; "
                "mark an active month with x or ✓, and leave other months empty or '-'",
                line_number,
            )
    # Put in timeline order once every block's months are known.
    return ImportedAction(number=None, title=title, description=description, months=active)


def _title_and_summary(lines: list[str]) -> tuple[str, str]:
    """The first Markdown heading is the title; everything else is the summary."""
    title = ""
    rest = []
    for line in lines:
        if not title and (heading := _HEADING.fullmatch(line)):
            title = html_to_text(_strip_markdown(heading[1]))
        else:
            rest.append(line)
    return title, _markdown_paragraphs(rest)


_HEADING = re.compile(r"\s*#{1,6}\s+(.*)")
_BULLET_LINE = re.compile(r"\s*[-*+•●]\s+(.*)")


def _markdown_paragraphs(lines: list[str]) -> str:
    """Plain text from Markdown-ish lines: paragraphs apart, "- " bullets one per line."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            paragraphs.append([])
            continue
        bullet = _BULLET_LINE.fullmatch(line)
        text = html_to_text(_strip_markdown(bullet[1] if bullet else line))
        if bullet:
            paragraphs[-1].append(f"- {text}")
        elif paragraphs[-1] and not paragraphs[-1][-1].startswith("- "):
            paragraphs[-1][-1] += f" {text}"  # a soft-wrapped paragraph
        else:
            paragraphs[-1].append(text)
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs if paragraph)


_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MARKDOWN_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MARKDOWN_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MARKDOWN_CODE = re.compile(r"`([^`]+)`")


def _strip_markdown(text: str) -> str:
    # Escaped characters are literal: park them where emphasis cannot see them.
    escaped: list[str] = []

    def park(match: re.Match[str]) -> str:
        escaped.append(match[1])
        return f"\x00{len(escaped) - 1}\x00"

    text = _MARKDOWN_ESCAPE.sub(park, text)
    text = _MARKDOWN_LINK.sub(r"\1 (\2)", text)
    text = _MARKDOWN_CODE.sub(r"\1", text)
    text = _MARKDOWN_STRONG.sub(r"\2", text)
    text = _MARKDOWN_EMPHASIS.sub(lambda m: m[1] or m[2], text)
    return re.sub(r"\x00(\d+)\x00", lambda m: escaped[int(m[1])], text)


# -- HTML cells -----------------------------------------------------------------

_DROPPED_ELEMENTS = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "head", "title"}
)
_BREAKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "blockquote"}
)
_BOLD = frozenset({"b", "strong"})
_BULLET_GLYPH = re.compile(r"(?:[●•▪◦‣○■◼◆▸►]\s*|[-*–]\s+)")


class _CellText(HTMLParser):
    """Collects an HTML cell's text as blocks of (is_bullet, [(text, is_bold), ...]).

    Tags and attributes are dropped; so is everything inside script-like elements.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[bool, list[tuple[str, bool]]]] = []
        self._runs: list[tuple[str, bool]] = []
        self._list_items = 0
        self._bold = 0
        self._dropped = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROPPED_ELEMENTS:
            self._dropped += 1
        elif tag in _BREAKS:
            self._flush()
            self._list_items += tag == "li"
        elif tag in _BOLD:
            self._bold += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BREAKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_ELEMENTS:
            self._dropped = max(0, self._dropped - 1)
        elif tag in _BREAKS:
            self._flush()
            if tag == "li":
                self._list_items = max(0, self._list_items - 1)
        elif tag in _BOLD:
            self._bold = max(0, self._bold - 1)

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self._runs.append((data, self._bold > 0))

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        if "".join(text for text, _ in self._runs).strip():
            self.blocks.append((self._list_items > 0, self._runs))
        self._runs = []


def _cell_blocks(html: str) -> list[tuple[bool, list[tuple[str, bool]]]]:
    parser = _CellText()
    parser.feed(html)
    parser.close()
    return parser.blocks


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    return _collapse(" ".join("".join(text for text, _ in runs) for _, runs in _cell_blocks(html)))


def _headline_and_description(html: str) -> tuple[str, str]:
    """The bold text opening the first paragraph is the headline; bullets become "- " lines.

    When the first paragraph does not open in bold, all of it is the headline.
    """
    title = ""
    lines: list[str] = []
    for index, (is_bullet, runs) in enumerate(_cell_blocks(html)):
        text = _collapse("".join(text for text, _ in runs))
        if is_bullet:
            glyph = _BULLET_GLYPH.match(text)
            lines.append(f"- {text[glyph.end():] if glyph else text}")
        elif index == 0:
            lead = 0
            while lead < len(runs) and (runs[lead][1] or runs[lead][0].isspace()):
                lead += 1
            headline = _collapse("".join(text for text, _ in runs[:lead]))
            title = headline or text
            if headline:
                lines.append(_collapse("".join(text for text, _ in runs[lead:])))
        else:
            lines.append(text)
    return title, "\n".join(line for line in lines if line not in ("", "- "))


# -- deadlines ------------------------------------------------------------------

_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_DAY_MONTH_YEAR = (
    re.compile(rf"{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"),  # June 10, 2019
    re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_WORD},?\s+(\d{{4}})"),  # 10 June 2019
)
_MONTH_YEAR = re.compile(rf"{_MONTH_WORD},?\s+(\d{{4}})")  # September 2019, July, 2019
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_RANGE_SEPARATOR = re.compile(r"\s*[–—]\s*|\s+-\s+|\s+to\s+|\s+through\s+", re.IGNORECASE)
_DEADLINE_PREFIX = re.compile(r"(?:by\s+(?:the\s+)?end\s+of|end\s+of|by)\s+", re.IGNORECASE)


def parse_deadline(text: str) -> date | None:
    """The date a deadline names, or None when it names none.

    "June 10, 2019" is that day; "September 2019" is the month's last day; a
    range ("August 2019 – May 2020") ends when its last period ends.
    """
    text = _collapse(text)
    if not text:
        return None
    last_period = _RANGE_SEPARATOR.split(text)[-1]
    return _parse_single_deadline(_DEADLINE_PREFIX.sub("", last_period, count=1))


def _parse_single_deadline(text: str) -> date | None:
    try:
        for pattern in _DAY_MONTH_YEAR:
            if match := pattern.fullmatch(text):
                month_word, day = (match[1], match[2]) if pattern is _DAY_MONTH_YEAR[0] else (match[2], match[1])
                month = _month_number(month_word)
                return date(int(match[3]), month, int(day)) if month else None
        if match := _MONTH_YEAR.fullmatch(text):
            month = _month_number(match[1])
            if month is None:
                return None
            year = int(match[2])
            return date(year, month, calendar.monthrange(year, month)[1])
        if match := _ISO_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _US_DATE.fullmatch(text):
            return date(int(match[3]), int(match[1]), int(match[2]))
    except ValueError:  # a day or month out of range, like "June 31, 2019"
        return None
    return None


# -- small helpers --------------------------------------------------------------


def _month_number(name: str) -> int | None:
    return MONTHS.get(_collapse(name).rstrip(".").lower())


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _split_cells(line: str) -> list[str]:
    return [_collapse(cell) for cell in line.split("\t")]


def _trim_trailing_empty(cells: list[str]) -> list[str]:
    end = len(cells)
    while end > 1 and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _row_cells(line: str, expected: int, line_number: int) -> list[str]:
    """The row's cells, exactly ``expected`` of them; extra empty cells at the end are ignored."""
    cells = _split_cells(line)
    if len(cells) > expected and not any(cells[expected:]):
        cells = cells[:expected]
    if len(cells) != expected:
        raise PlanImportError(
            f"expected {expected} tab-separated cells, found {len(cells)}: {_preview(line)}", line_number
        )
    return cells


def _strip_heading_marks(line: str) -> str:
    heading = _HEADING.fullmatch(line)
    return _collapse(heading[1] if heading else line)


def _preview(line: str, limit: int = 60) -> str:
    text = _collapse(line.replace("\t", " | "))
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
