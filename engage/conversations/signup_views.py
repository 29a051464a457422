"""Signing up for a conversation, and the personal link to see or cancel one's place.

The personal link carries a signed token in its path, so its pages are never
cached and never send the address on as a referrer.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request_finished, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.tokens import TokenError, TokenExpired
from ..extensions import limit_from_config, limiter
from . import bp, listing
from .models import CancelledBy, RegistrationStatus
from .public_views import session_or_404, render_session_page
from .registration import (
    AlreadyRegistered,
    CannotCancel,
    SignupClosed,
    cancel_registration,
    register_for_session,
)
from .registration_links import cancel_token, registration_from_token
from .signup_forms import signup_form
from .translatable import session_texts

# Tokens we make are about 100 characters; anything far longer is not one of ours.
TOKEN_MAX = 500


def _keep_link_private() -> None:
    g.conversation_private_link = True


def _private_link_headers(sender, response, **_extra) -> None:
    # Flask-Talisman sets the site-wide Referrer-Policy after every view and
    # after_request hook, so the stricter one for these pages is set once the
    # response is final.
    if g.get("conversation_private_link"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"


@bp.record_once
def _connect_private_link_headers(state) -> None:
    request_finished.connect(_private_link_headers, state.app, weak=False)


@bp.post("/<id:session_id>/sign-up")
@limiter.limit(limit_from_config("RATELIMIT_CONVERSATION_SIGNUP"))
def sign_up(session_id: int):
    session = session_or_404(session_id)
    signed_in = bool(current_user.is_authenticated)
    form = signup_form(session, signed_in=signed_in)
    if not form.validate_on_submit():
        return render_session_page(session, form)
    user = current_user._get_current_object() if signed_in else None
    try:
        registration = register_for_session(session.id, form.signup(locale=str(get_locale()), user=user),
                                            submission_token=form.submission_token.data)
    except SignupClosed:
        return render_session_page(session_or_404(session_id), problem="closed", status=409)
    except AlreadyRegistered as already:
        if listing.is_owned_by(current_user, already.registration):
            flash(_("You are already signed up for this conversation."), "info")
            _keep_link_private()
            return redirect(url_for("conversations.manage_registration", token=cancel_token(already.registration)),
                            303)
        # Say nothing about someone else's registration: its owner has the link by email.
        if "email" in form:
            form.email.errors.append(_("This email address is already signed up for this conversation."))
        return render_session_page(session, form, problem="already_registered", status=409)
    except (ValueError, LookupError):
        abort(404)
    if registration.status == RegistrationStatus.WAITLISTED:
        flash(_("The session is full, so you are on the waitlist. We will email you if a place opens up."), "info")
    else:
        flash(_("You're signed up. We have emailed you the details."), "success")
    _keep_link_private()
    return redirect(url_for("conversations.manage_registration", token=cancel_token(registration)), 303)


def _registration_or_problem(token: str):
    """(registration, None) for a good link, else (None, the friendly page explaining the problem)."""
    _keep_link_private()
    try:
        if len(token) > TOKEN_MAX:
            raise TokenError()
        return registration_from_token(token), None
    except TokenExpired:
        return None, (render_template("conversations/registration.html", problem="expired"), 410)
    except TokenError:
        return None, (render_template("conversations/registration.html", problem="invalid"), 404)


def _render_registration(registration, token: str, *, notice: str | None = None, status: int = 200):
    page = listing.registration_page(registration)
    return render_template("conversations/registration.html", page=page, token=token, notice=notice,
                           problem=None, title=session_texts([page.session])(page.session)), status


@bp.route("/registration/<token>")
def manage_registration(token: str):
    registration, problem = _registration_or_problem(token)
    if problem is not None:
        return problem
    return _render_registration(registration, token)


@bp.get("/registration/<token>/cancel")
def confirm_cancel(token: str):
    """"Cancel your place?": the place and two buttons; nothing changes until the first is pressed."""
    registration, problem = _registration_or_problem(token)
    if problem is not None:
        return problem
    page = listing.registration_page(registration)
    if not page.can_cancel:  # cancelled already, or started: the place's own page says so
        return redirect(url_for("conversations.manage_registration", token=token), 303)
    return render_template("conversations/cancel_place.html", page=page, token=token,
                           title=session_texts([page.session])(page.session))


@bp.post("/registration/<token>/cancel")
def cancel_by_link(token: str):
    registration, problem = _registration_or_problem(token)
    if problem is not None:
        return problem
    try:
        cancel_registration(registration.id, by=CancelledBy.PARTICIPANT)
    except CannotCancel:
        # Already cancelled (the button pressed twice, or an old tab), or the session has begun.
        registration = registration_from_token(token)
        notice = "already_cancelled" if registration.status == RegistrationStatus.CANCELLED else "started"
        return _render_registration(registration, token, notice=notice,
                                    status=200 if notice == "already_cancelled" else 409)
    except LookupError:
        return render_template("conversations/registration.html", problem="invalid"), 404
    flash(_("Your place is cancelled. Thank you for letting us know."), "success")
    return redirect(url_for("conversations.manage_registration", token=token), 303)
