"""You said, we did: community feedback linked to the plan change or action it led to."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)

from . import views  # noqa: E402,F401
