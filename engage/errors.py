"""Friendly error pages in the reader's language; never a stack trace."""

from __future__ import annotations

from flask import Flask, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .domain import RecordNotFound
from .extensions import db
from .permissions import PermissionDenied

ERROR_TEXT = {
    400: (_l("Something in that request was not right"),
          _l("Please go back, check what you entered, and try again.")),
    403: (_l("This page is not open to you"),
          _l("Your account does not have access to this page. If you think it should, contact the district.")),
    404: (_l("We could not find that page"),
          _l("The link may be old or mistyped. Try the home page or the menu above.")),
    405: (_l("That action is not possible here"),
          _l("Please go back and use the buttons on the page.")),
    413: (_l("That upload is too large"),
          _l("Please choose a smaller file and try again.")),
    429: (_l("Too many tries in a short time"),
          _l("To keep accounts safe, please wait a few minutes and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("Nothing you did caused this. Please try again in a moment; if it keeps happening, contact the district.")),
}

CSRF_TEXT = (
    _l("This form had expired"),
    _l("For your security, forms expire when you sign in or out, or after a long time. Go back, reload the page, and send it again."),
)


def render_error(status: int, text=None):
    title, message = text or ERROR_TEXT.get(status, ERROR_TEXT[500])
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def reject_null_characters():
        # No form field has a use for NUL, and PostgreSQL refuses to store it.
        values = (value for _name, values in (*request.args.lists(), *request.form.lists()) for value in values)
        if any("\x00" in value for value in values):
            abort(400)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_TEXT)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # The Host header is not one of TRUSTED_HOSTS: no page can be built for it.
        return "Bad Request: this server does not answer to that host name.\n", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(PermissionDenied)
    def permission_denied(error):
        return render_error(403)

    @app.errorhandler(RecordNotFound)
    def record_not_found(error):
        return render_error(404)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        known = error.code if error.code in ERROR_TEXT else (500 if error.code >= 500 else 400)
        body, _status = render_error(known)
        return body, error.code, _passthrough_headers(error)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def _passthrough_headers(error: HTTPException) -> dict[str, str]:
    # Keep Retry-After (429) and Allow (405) so clients can act on them.
    response = error.get_response()
    return {k: v for k, v in response.headers.items() if k in {"Retry-After", "Allow"}}
