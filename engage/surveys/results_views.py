"""Results pages and the CSV export: parse the filters, call results/export, render."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from ..csv_export import download
from ..models import utcnow
from . import bp, export, results
from .export import ExportRefused


def _survey_or_404(survey_id: int):
    survey = results.get_survey_for_results(current_user, survey_id)
    if survey is None:
        abort(404)
    return survey


def _filter_values() -> dict:
    """The filters as typed in the link; unknown values are dropped by the service."""
    school = request.args.get("school", "").strip()
    return {
        "relationship": request.args.get("relationship", "").strip()[:40] or None,
        # 0 is never an id: a value that is not one is reported as ignored.
        "school_id": (int(school) if school.isdigit() and len(school) <= 9 else 0) if school else None,
        "language": request.args.get("language", "").strip()[:40] or None,
    }


def _survey_results(survey):
    return results.survey_results(current_user, survey, **_filter_values(), search=request.args.get("q"))


def _page_args(view: results.SurveyResults) -> dict:
    args = view.filters.as_args()
    if view.search:
        args["q"] = view.search
    return args


@bp.route("/<id:survey_id>/results", endpoint="results")
@login_required
def results_page(survey_id: int):
    survey = _survey_or_404(survey_id)
    view = _survey_results(survey)
    return render_template("surveys/results/show.html", survey=survey, results=view, filter_args=_page_args(view),
                           search_max=results.SEARCH_MAX_LENGTH)


@bp.route("/<id:survey_id>/results/print")
@login_required
def results_print(survey_id: int):
    survey = _survey_or_404(survey_id)
    view = _survey_results(survey)
    return render_template("surveys/results/print.html", survey=survey, results=view, filter_args=_page_args(view),
                           generated_at=utcnow())


@bp.route("/<id:survey_id>/export.csv")
@login_required
def export_csv(survey_id: int):
    survey = _survey_or_404(survey_id)
    try:
        made = export.export_responses(current_user, survey, **_filter_values())
    except ExportRefused as refused:
        return render_template("surveys/results/export_refused.html", survey=survey,
                               active_filters=refused.described, filter_args=refused.filters.as_args())
    return download(made)
