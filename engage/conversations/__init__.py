from flask import Blueprint

bp = Blueprint("conversations", __name__)

from . import host_views, notes_views, public_views, signup_views, toolkit_views  # noqa: E402,F401
