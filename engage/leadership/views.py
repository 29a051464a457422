"""Who we are hearing from (leaders), and the enrollment figures it compares with (admins). Thin:
the rules live in participation.py, exports.py and enrollment.py."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..csv_export import download
from ..extensions import limit_from_config, limiter, person_id_for_limits
from ..forms import database_id
from ..orgs.services import list_schools
from ..permissions import Permission, require
from ..i18n import district_today
from .. import slots
from . import attention, bp, enrollment, exports, participation
from .forms import EnrollmentImportForm, enrollment_form_class
from .models import EnrollmentDimension

_enrollment_limit = limiter.limit(limit_from_config("RATELIMIT_ENROLLMENT"), methods=["POST"],
                                  key_func=lambda: f"enrollment:{person_id_for_limits()}")


def _filters() -> dict:
    """The page's filters from the query string; anything unreadable is left out."""
    return {"plan_id": database_id(request.args.get("plan")), "school_year": request.args.get("year") or None}


@bp.route("/", endpoint="home")
@login_required
def home():
    last = attention.last_visit(current_user)
    attention.record_visit(current_user)  # first: its commit would expire what the page reads
    return render_template("leadership/home.html", last_visit=last, page_slots=slots.fill(
        "attention", actor=current_user, since=attention.since_for(last)))


@bp.route("/participation", endpoint="participation")
@login_required
def participation_page():
    report = participation.hearing_from(current_user, **_filters())
    return render_template("leadership/participation.html", report=report, columns=participation.COLUMNS,
                           channel_labels=participation.CHANNEL_LABELS, dimension_labels=participation.DIMENSION_LABELS)


@bp.route("/participation.csv", endpoint="participation_csv")
@login_required
def participation_csv():
    return download(exports.export_participation(current_user, **_filters()))


# Enrollment (admins) ----------------------------------------------------------------------------


def _chosen_year() -> tuple[str, str | None]:
    """(the year to show, an error about ?year= when it was not a school year)."""
    current = enrollment.school_year_of(district_today())
    asked = request.args.get("year")
    if asked is None or asked == "":
        return current, None
    if enrollment.is_school_year(asked):
        return asked, None
    return current, _("Please give the school year like %(example)s.", example=current)


def _enrollment_page(form, import_form, year: str, year_error: str | None, problems=()):
    years = sorted({*enrollment.school_years(), year, enrollment.school_year_of(district_today())}, reverse=True)
    return render_template("leadership/enrollment.html", form=form, import_form=import_form, year=year,
                           year_error=year_error, years=years, problems=problems,
                           dimension=EnrollmentDimension)


@bp.route("/enrollment", methods=["GET", "POST"], endpoint="enrollment")
@login_required
@_enrollment_limit
def enrollment_page():
    require(current_user, Permission.MANAGE_ENROLLMENT)
    year, year_error = _chosen_year()
    form = enrollment_form_class(list_schools())()
    import_form = EnrollmentImportForm(formdata=None, school_year=year)
    if request.method == "GET":
        form.set_figures(enrollment.enrollment_for_year(year))
    elif year_error is None and form.validate_on_submit():
        try:
            changed = enrollment.save_enrollment(current_user, year, form.figures())
        except enrollment.EnrollmentRefused as refused:
            flash(str(refused.message), "error")
        else:
            flash(ngettext("Enrollment for %(year)s is saved: %(num)d figure changed.",
                           "Enrollment for %(year)s is saved: %(num)d figures changed.", changed, year=year),
                  "success")
            return redirect(url_for("leadership.enrollment", year=year))
    return _enrollment_page(form, import_form, year, year_error)


@bp.route("/enrollment/import", methods=["POST"])
@login_required
@_enrollment_limit
def import_enrollment():
    require(current_user, Permission.MANAGE_ENROLLMENT)
    import_form = EnrollmentImportForm()
    year = import_form.school_year.data or ""
    year_error = None
    if not enrollment.is_school_year(year):
        year, year_error = enrollment.school_year_of(district_today()), _("Please choose a school year first.")
    form = enrollment_form_class(list_schools())(formdata=None)
    form.set_figures(enrollment.enrollment_for_year(year))
    problems = []
    if year_error is None and import_form.validate_on_submit():
        result = enrollment.import_enrollment_csv(current_user, year, import_form.read_file())
        if result.ok:
            flash(ngettext("%(num)d enrollment figure for %(year)s is saved from the file.",
                           "%(num)d enrollment figures for %(year)s are saved from the file.", result.saved,
                           year=year), "success")
            return redirect(url_for("leadership.enrollment", year=year))
        problems = result.problems
        import_form.file.errors = [*import_form.file.errors,
                                   _("Nothing was saved: please correct the file and send it again.")]
    return _enrollment_page(form, import_form, year, year_error, problems=problems)


@bp.route("/enrollment/template.csv", endpoint="enrollment_template")
@login_required
def enrollment_template():
    require(current_user, Permission.MANAGE_ENROLLMENT)
    year, _error = _chosen_year()
    content = enrollment.template_csv(year)
    return Response(content.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="enrollment-{year}.csv"',
                             "Cache-Control": "no-store"})

