from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.after_request
def _never_stored(response):
    # Signing in, registering, resetting a password and one's own account: never
    # kept by a browser or proxy, whoever asks (see engage/app.py for the rest).
    response.headers["Cache-Control"] = "no-store"
    return response

from . import views  # noqa: E402,F401  (routes register on import)
