"""Finding a community conversation: the listing, the month calendar, a session's page and its .ics."""

from __future__ import annotations

from babel.dates import get_day_names
from flask import Response, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ..orgs.services import list_schools
from ..page_cache import public_page
from ..vocabulary import LANGUAGE_CHOICES
from . import bp, listing
from .jobs import calendar_invitation
from .models import SessionStatus
from .registration import signup_state
from .services import get_session
from .signup_forms import SessionFilterForm, signup_form
from .translatable import session_texts

PAST = "past"


@bp.context_processor
def conversation_helpers():
    language_names = dict(LANGUAGE_CHOICES)
    return {
        "conversation_language": lambda code: language_names.get(code, code),
        "conversation_signup_state": signup_state,
    }


def _filter_form() -> SessionFilterForm:
    form = SessionFilterForm(request.args, list_schools())
    form.validate()  # a bad value gets an error beside its field; filters() leaves it out
    return form


def _page() -> int:
    return request.args.get("page", 1, type=int)


@bp.route("/")
@public_page
def list_sessions():
    form = _filter_form()
    filters = form.filters()
    past = request.args.get("when") == PAST
    if past:
        sessions = listing.list_past_sessions(filters, page=_page())
    else:
        sessions = listing.list_upcoming_sessions(filters, page=_page())
    return render_template("conversations/list.html", form=form, filters=filters, sessions=sessions, past=past,
                           session_text=session_texts(sessions.items))


@bp.route("/calendar")
@public_page
def calendar():
    form = _filter_form()
    filters = form.filters()
    month = listing.parse_month(request.args.get("month"))
    month_ignored = bool(request.args.get("month")) and month is None
    year, number = month or listing.current_month()
    locale = get_locale()
    grid = listing.month_calendar(filters, year, number, first_weekday=locale.first_week_day)
    return render_template(
        "conversations/calendar.html", form=form, filters=filters, grid=grid, month_ignored=month_ignored,
        session_text=session_texts(s for week in grid.weeks for day in week for s in day.sessions),
        day_names=get_day_names("wide", locale=locale), short_day_names=get_day_names("abbreviated", locale=locale),
        today=listing.local_today(),
    )


def session_or_404(session_id: int):
    session = get_session(session_id)
    if session is None:
        abort(404)
    return session


def render_session_page(session, form=None, *, problem: str | None = None, status: int = 200):
    """The session's page, with the sign-up form (as typed, with errors) when sign-ups are open.

    problem: 'closed' or 'already_registered', a message shown above the form.
    """
    page = listing.session_page(session, current_user)
    if form is None and page.signup_state is None and page.my_registration is None:
        form = signup_form(session, signed_in=current_user.is_authenticated, formdata=None)
    response = Response(render_template("conversations/session.html", page=page, session=session, form=form,
                                        problem=problem, session_text=session_texts([session])), status)
    if page.my_manage_token:
        # The page holds the person's personal link: keep it out of shared caches.
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<id:session_id>")
def session_page(session_id: int):
    return render_session_page(session_or_404(session_id))


@bp.route("/<id:session_id>/calendar.ics")
@public_page
def session_ics(session_id: int):
    session = session_or_404(session_id)
    content = calendar_invitation(session, for_registrant=False,
                                  cancelled=session.status == SessionStatus.CANCELLED)
    return Response(content, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="conversation-{session.id}.ics"'})
