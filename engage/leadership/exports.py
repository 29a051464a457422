"""The "who we are hearing from" page as a CSV file: exactly the values the page shows.

In English whoever downloads it (like the other exports), with a byte order mark so Excel reads
it as UTF-8, cells a spreadsheet would run as a formula quoted, and an audit row.
"""

from __future__ import annotations

from ..audit import services as audit
from ..extensions import db
from ..csv_export import CsvExport, csv_text, safe_cell
from ..themes.exports import plan_slug
from ..i18n import district_today
from .participation import CHANNEL_LABELS, COLUMNS, HearingFrom, hearing_from

HIDDEN = "hidden"
FEWER_THAN_10 = "fewer than 10"
HEADER = ["Section", "Group", *(f"People: {CHANNEL_LABELS[c]}" for c in COLUMNS), "Enrolled students",
          "Rate per 100 enrolled", "Share of participants (%)", "Share of enrollment (%)", "Gap (points)"]


def _count(value: int | None) -> str | int:
    return HIDDEN if value is None else value


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _enrolled(row) -> str | int:
    if row.enrolled_small:
        return FEWER_THAN_10
    return "" if row.enrolled is None else row.enrolled


def participation_rows(report: HearingFrom):
    """The file's rows (made in English: csv_text's language)."""
    yield ["Everyone", "All people heard from", *(_count(report.totals[c]) for c in COLUMNS), "", "", "", "", ""]
    for breakdown in report.breakdowns:
        for row in breakdown.rows:
            yield [safe_cell(str(breakdown.title)), safe_cell(str(row.label)),
                   *(_count(row.counts[c]) for c in COLUMNS), _enrolled(row), _number(row.rate),
                   _number(row.participant_share), _number(row.enrollment_share), _number(row.gap)]
    for month in report.months:
        yield ["By month", month.month.strftime("%Y-%m"), *(_count(month.counts[c]) for c in COLUMNS),
               "", "", "", "", ""]


def export_filename(report: HearingFrom) -> str:
    parts = ["who-we-are-hearing-from"]
    if report.plan_title:
        parts.append(plan_slug(report.plan_title))
    if report.school_year:
        parts.append(report.school_year)
    return f"{'-'.join(parts)}-{district_today().isoformat()}.csv"


def export_participation(actor, *, plan_id: int | None = None, school_year: str | None = None) -> CsvExport:
    """The page's shown values as CSV, with an audit row. Same permission as the page."""
    report = hearing_from(actor, plan_id=plan_id, school_year=school_year)
    audit.record(actor, "participation.exported", "participation", None, plan_id=report.plan_id,
                 school_year=report.school_year)
    db.session.commit()
    return CsvExport(filename=export_filename(report),
                     text=csv_text(HEADER, participation_rows(report), language="en"))
