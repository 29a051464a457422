"""The CSV of an analysis's items and the printable board report: call exports, send or render."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from ..csv_export import download
from . import exports, services
from .blueprint import bp


@bp.route("/analyses/<id:analysis_id>/export.csv")
@login_required
def export_csv(analysis_id: int):
    services.require_manage_themes(current_user)
    analysis = services.get_analysis(current_user, analysis_id)
    return download(exports.export_items(current_user, analysis))


@bp.route("/analyses/<id:analysis_id>/report")
@login_required
def report(analysis_id: int):
    services.require_manage_themes(current_user)
    analysis = services.get_analysis(current_user, analysis_id)
    board = exports.board_report(current_user, analysis)
    response = render_template("themes/report.html", report=board, quotes_of=exports.report_quotes,
                               shares_of=exports.channel_shares)
    return response, 200, {"Cache-Control": "no-store"}
