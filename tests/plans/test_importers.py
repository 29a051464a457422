"""The plan importer reads both district formats fully, or fails naming the line."""

from __future__ import annotations

import ast
import dataclasses
import sys
from datetime import date
from pathlib import Path

import pytest

from engage.plans import importers
from engage.plans.importers import (
    ImportedPlan,
    PlanImportError,
    parse_deadline,
    parse_plan,
    parse_plan_file,
)
from tests.support.environment import require_or_skip

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

HEADER_A = "Actions\tInterim Indicators of Success\tTarget Deadline\tPerformance Metric"
HEADER_B = "Listen\tOct\tNov\tDec"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def action_plan() -> ImportedPlan:
    return parse_plan_file(FIXTURES / "action_table.txt")


@pytest.fixture(scope="module")
def month_plan() -> ImportedPlan:
    return parse_plan_file(FIXTURES / "month_table.txt")


def all_text(plan: ImportedPlan) -> str:
    """Every string anywhere in the plan, joined."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif dataclasses.is_dataclass(value):
            for item in dataclasses.fields(value):
                walk(getattr(value, item.name))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(plan)
    return "\n".join(found)


def import_error(text: str) -> PlanImportError:
    with pytest.raises(PlanImportError) as caught:
        parse_plan(text)
    return caught.value


# -- action table ---------------------------------------------------------------


def test_action_table_first_line_is_the_title_and_other_lines_the_summary(action_plan):
    assert action_plan.source_format == "action-table"
    assert action_plan.title == "Juniper Valley Unified School District: Family Partnership Plan"
    assert action_plan.summary == "Draft for community review, spring term"
    assert action_plan.timeline_months == []


def test_action_table_puts_every_action_in_one_section_named_for_the_plan(action_plan):
    [section] = action_plan.sections
    assert section.title == action_plan.title
    assert [action.number for action in section.actions] == ["1", "2", "3", "4"]


def test_action_table_without_a_title_names_its_section_actions():
    plan = parse_plan(f"{HEADER_A}\n1. Paint the gym\tGym painted\tJune 2025\tPhotos\n")
    assert plan.title == ""
    assert plan.sections[0].title == "Actions"


def test_action_table_number_is_split_from_the_description(action_plan):
    action = action_plan.sections[0].actions[0]
    assert action.number == "1"
    assert action.title == ""
    assert action.description == "Start a family advisory council that meets every month."
    assert action.months == []
    assert action.responsible_office == ""


def test_action_table_rows_with_empty_first_cell_add_indicators(action_plan):
    counts = [len(action.indicators) for action in action_plan.sections[0].actions]
    assert counts == [2, 3, 2, 1]
    assert action_plan.sections[0].actions[0].indicators[1].text == "First meeting held"


def test_action_table_empty_metric_is_an_empty_string(action_plan):
    assert action_plan.sections[0].actions[0].indicators[1].metric == ""


def test_action_table_continuation_row_extends_description_and_adds_indicator(action_plan):
    action = action_plan.sections[0].actions[2]
    # The blank line between the two rows does not end the action.
    assert action.description == (
        "Translate board meeting summaries into the three most spoken home languages within a week of each meeting."
    )
    assert [indicator.text for indicator in action.indicators] == ["Translator contract signed", "Summaries posted"]


def test_action_table_continuation_after_a_colon_starts_a_new_line(action_plan):
    action = action_plan.sections[0].actions[1]
    assert action.description.splitlines() == [
        "Every school writes a family welcome guide covering the following topics:",
        "Arrival routines, lunch, and who to call",
    ]
    assert action.indicators[2].text == "Guides posted on school websites"


def test_action_table_deadlines_are_kept_as_written_and_parsed(action_plan):
    indicators = [indicator for action in action_plan.sections[0].actions for indicator in action.indicators]
    assert [(indicator.deadline_text, indicator.deadline) for indicator in indicators] == [
        ("March 3, 2025", date(2025, 3, 3)),
        ("April 2025", date(2025, 4, 30)),
        ("May, 2025", date(2025, 5, 31)),
        ("TBD", None),
        ("August 2025 - June 2026", date(2026, 6, 30)),
        ("September 2025", date(2025, 9, 30)),
        ("October 2025 – May 2026", date(2026, 5, 31)),
        ("Ongoing", None),
    ]


def test_action_table_header_matches_any_case_and_extra_spaces():
    header = "  ACTIONS \tinterim   indicators of success\tTarget Deadline \t Performance metric\t\t"
    plan = parse_plan(f"{header}\n1. Plant a garden\tBeds built\tMay 2025\t\n")
    assert plan.sections[0].actions[0].indicators[0].metric == ""


def test_action_table_repeated_header_row_is_skipped():
    rows = ["1. Plant a garden\tBeds built\tMay 2025\tPhotos", HEADER_A, "\tSeeds sown\tJune 2025\t"]
    plan = parse_plan("\n".join([HEADER_A, *rows]))
    assert len(plan.sections[0].actions[0].indicators) == 2


# -- month table ----------------------------------------------------------------


def test_month_table_heading_is_the_title(month_plan):
    assert month_plan.source_format == "month-table"
    assert month_plan.title == "Juniper Valley Listening Tour"


def test_month_table_intro_and_footnotes_form_the_summary(month_plan):
    assert month_plan.summary == (
        "This plan explains how Juniper Valley will hear from families & staff before the school board votes in June.\n"
        "\n"
        "- Part one covers the listening sessions.\n"
        "- Part two covers what happens after we listen.\n"
        "\n"
        "* Advisory council – twelve parents and four students, chosen by lottery."
    )


def test_month_table_each_block_is_a_section(month_plan):
    assert [(section.title, len(section.actions)) for section in month_plan.sections] == [
        ("Listen to families", 3),
        ("Act on what we heard", 2),
    ]


def test_month_table_bold_headline_is_the_action_title(month_plan):
    titles = [action.title for action in month_plan.sections[0].actions]
    assert titles == [
        "Host a listening session at every school",
        "Publish a summary of what we heard",
        "Open an online comment form",
    ]
    assert all(action.number is None for section in month_plan.sections for action in section.actions)


def test_month_table_bullets_become_dash_lines_without_glyphs(month_plan):
    assert month_plan.sections[0].actions[0].description == (
        "- Sessions run in English, Spanish & Vietnamese\n- Childcare and a light dinner are provided"
    )
    assert month_plan.sections[0].actions[1].description == ""


def test_month_table_entities_are_decoded_and_whitespace_collapsed(month_plan):
    description = month_plan.sections[0].actions[2].description
    assert description.splitlines() == [
        '- The form is "mobile first" and takes five minutes',
        "- Paper copies at every front office",
    ]


def test_month_table_text_after_the_bold_headline_joins_the_description(month_plan):
    action = month_plan.sections[1].actions[0]
    assert (action.title, action.description) == ("Revise the plan", "with the advisory council")


def test_month_table_plain_text_cell_is_the_title(month_plan):
    action = month_plan.sections[1].actions[1]
    assert (action.title, action.description) == ("Report back at the June board meeting", "")


def test_month_table_marked_cells_are_active_months(month_plan):
    listen, act = month_plan.sections
    assert [action.months for action in listen.actions] == [[9, 10, 11], [12, 1], [2, 3, 4]]
    assert [action.months for action in act.actions] == [[1, 2], [6, 7]]


def test_month_table_timeline_spans_every_block_in_school_year_order(month_plan):
    assert month_plan.timeline_months == [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7]


def test_month_table_accepts_every_documented_mark():
    marks = ["x", "X", "✓", "✔", "●", "•", "■", "yes", "YES"]
    header = "Plan\t" + "\t".join(["Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"])
    plan = parse_plan(f"{header}\nDo it\t" + "\t".join(marks) + "\n")
    assert plan.sections[0].actions[0].months == [10, 11, 12, 1, 2, 3, 4, 5, 6]


def test_month_cells_may_hold_html_entities():
    plan = parse_plan("Steps\tOct\tNov\nDo\t&#10003;\t&nbsp;\n")
    assert plan.sections[0].actions[0].months == [10]


def test_month_table_paragraph_not_opening_in_bold_is_the_whole_title():
    plan = parse_plan("Steps\tOct\nMeet <b>every</b> family\tx\n")
    assert plan.sections[0].actions[0].title == "Meet every family"


def test_html_scripts_and_attributes_never_reach_the_output(month_plan):
    text = all_text(month_plan)
    for leftover in ("<", "script", "alert", "gotcha", "onclick", "stealCookies", "style", "color", "javascript"):
        assert leftover not in text


# -- deadlines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("June 10, 2019", date(2019, 6, 10)),
        ("Sept. 3 2024", date(2024, 9, 3)),
        ("10 June 2019", date(2019, 6, 10)),
        ("September 2019", date(2019, 9, 30)),
        ("July, 2019", date(2019, 7, 31)),
        ("February 2024", date(2024, 2, 29)),
        ("By December 2025", date(2025, 12, 31)),
        ("August 2019 – May 2020", date(2020, 5, 31)),
        ("August 2019 - May 2020", date(2020, 5, 31)),
        ("2025-03-14", date(2025, 3, 14)),
        ("3/14/2025", date(2025, 3, 14)),
        ("TBD", None),
        ("", None),
        ("Spring 2025", None),
        ("June 31, 2019", None),
    ],
)
def test_parse_deadline(text, expected):
    assert parse_deadline(text) == expected


# -- errors ---------------------------------------------------------------------


def test_error_message_starts_with_the_line():
    error = PlanImportError("something is off", line=7)
    assert str(error) == "line 7: something is off"
    assert (error.message, error.line) == ("something is off", 7)
    assert str(PlanImportError("no line here")) == "no line here"


@pytest.mark.parametrize("text", ["", "\n \n\t\n", "\ufeff"])
def test_empty_file_is_an_error(text):
    error = import_error(text)
    assert "empty" in str(error)
    assert error.line is None


def test_text_without_any_table_is_an_error():
    error = import_error("A title\n\nSome words but no table.\n")
    assert "no table found" in str(error)


def test_first_table_row_that_is_no_header_is_an_error_on_its_line():
    error = import_error("A title\n\nAction\tIndicator\tWhen\tHow measured\n1. Do\ta\tb\tc\n")
    assert error.line == 3
    assert "expected a table header" in str(error)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (f"Title\n{HEADER_A}\n1. Do it\tDone\tMay 2025\n", 3, "expected 4 tab-separated cells, found 3"),
        (f"{HEADER_A}\n1. Do it\tDone\tMay 2025\tx\textra\n", 2, "expected 4 tab-separated cells, found 5"),
        (f"{HEADER_A}\n1. Do it\tDone\tMay 2025\tx\nA stray note\n", 3, "expected 4 tab-separated cells, found 1"),
        (f"{HEADER_A}\n\n\tDone\tMay 2025\tx\n", 3, "an indicator row comes before the first action"),
        (f"{HEADER_A}\nDo it\tDone\tMay 2025\tx\n", 2, "un-numbered action text comes before the first action"),
        (f"Title\n\n{HEADER_A}\n\n", 3, "no actions below the header"),
    ],
)
def test_action_table_errors_name_the_line(text, line, fragment):
    error = import_error(text)
    assert error.line == line
    assert fragment in str(error)
    assert str(error).startswith(f"line {line}: ")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (f"{HEADER_B}\n<p><b>Do</b></p>\tx\t\n", 2, "expected 4 tab-separated cells, found 3"),
        (f"{HEADER_B}\n<p><b>Do</b></p>\tx\tmaybe\t\n", 2, "unrecognized value 'maybe' in the Nov column"),
        (f"{HEADER_B}\nDo\tx\t\t\nMore\tOct\tNovembre\tDec\nDo\t\t\tx\n", 3, "unknown month name 'Novembre'"),
        (f"{HEADER_B}\nDo\tx\t\t\nMore\tOct\tNov\tOctober\nDo\t\t\tx\n", 3, "the month 'October' appears twice"),
        (f"{HEADER_B}\n<p><b>Do</b></p>\tx\t\t\n<p><b>Again</b></p>\n", 3, "expected 4 tab-separated cells, found 1"),
        (f"{HEADER_B}\n<p></p>\tx\t\t\n", 2, "the action cell (the first cell) is empty"),
        (f"### Plan\n\n{HEADER_B}\n\n", 3, "the table 'Listen' has no actions"),
        (f"{HEADER_B}\nDo\tx\t\t\n\nLater\tOct\tNov\tDec\n", 4, "the table 'Later' has no actions"),
    ],
)
def test_month_table_errors_name_the_line(text, line, fragment):
    error = import_error(text)
    assert error.line == line
    assert fragment in str(error)


def test_error_lines_count_crlf_line_endings_once():
    error = import_error(f"Title\r\n\r\n{HEADER_A}\r\n1. Do it\tDone\r\n")
    assert error.line == 4


# -- format detection, line endings, encodings -------------------------------------


@pytest.mark.parametrize(
    ("name", "source_format"), [("action_table.txt", "action-table"), ("month_table.txt", "month-table")]
)
def test_format_is_detected_from_the_first_table_row(name, source_format):
    assert parse_plan(fixture_text(name)).source_format == source_format


def test_month_table_header_may_use_full_month_names():
    plan = parse_plan("Steps\tSeptember\tOctober\nDo\t\tx\n")
    assert plan.source_format == "month-table"
    assert plan.timeline_months == [9, 10]


@pytest.mark.parametrize("name", ["action_table.txt", "month_table.txt"])
def test_crlf_line_endings_parse_like_lf(name):
    text = fixture_text(name)
    assert parse_plan(text.replace("\n", "\r\n")) == parse_plan(text)


@pytest.mark.parametrize("name", ["action_table.txt", "month_table.txt"])
def test_byte_order_mark_is_ignored(tmp_path, name):
    text = fixture_text(name)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert parse_plan_file(path) == parse_plan(text)
    assert parse_plan("\ufeff" + text) == parse_plan(text)


def test_file_that_is_not_utf8_is_an_import_error_on_its_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(f"Plan\n{HEADER_A}\n1. Caf\xe9 menus\tPosted\tMay 2025\t\n".encode("latin-1"))
    with pytest.raises(PlanImportError) as caught:
        parse_plan_file(path)
    assert caught.value.line == 3
    assert "UTF-8" in str(caught.value)


def test_importer_uses_only_the_standard_library():
    tree = ast.parse(Path(importers.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, "no relative imports: the importer stands alone"
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


# -- the real district files ------------------------------------------------------


def seed(name: str) -> Path:
    path = SEEDS / name
    if not path.is_file():
        require_or_skip(f"the real plan file {path} is not here")
    return path


def test_real_action_table_seed_parses_fully():
    plan = parse_plan_file(seed("000_79fb603df726b0c6.txt"))
    assert plan.source_format == "action-table"
    assert "District 97" in plan.title
    [section] = plan.sections
    assert [action.number for action in section.actions] == ["1", "2", "3", "4", "5", "6"]
    assert [len(action.indicators) for action in section.actions] == [2, 3, 4, 2, 1, 1]
    deadlines = [indicator.deadline for action in section.actions for indicator in action.indicators]
    assert date(2019, 6, 10) in deadlines
    assert deadlines[-1] == date(2020, 5, 31)  # the last deadline is a range
    assert all(deadlines)
    # Action 4's description wraps over a blank line onto a row of its own.
    assert section.actions[3].description.endswith("Equity.")


def test_real_month_table_seed_parses_fully():
    plan = parse_plan_file(seed("002_1af784b31cf88430.txt"))
    assert plan.source_format == "month-table"
    assert plan.title
    assert plan.summary
    assert "Theory of Change" in plan.summary
    assert "**" not in plan.summary
    assert plan.timeline_months == [10, 11, 12, 1, 2, 3, 4, 5, 6]
    assert [len(section.actions) for section in plan.sections] == [5, 4]
    first = plan.sections[0].actions[0]
    assert first.title
    assert first.description.startswith("- ")
    assert "●" not in all_text(plan)
    assert "<" not in all_text(plan)
