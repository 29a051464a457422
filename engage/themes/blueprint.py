"""The themes blueprint, with its routes (leaders' pages and exports)."""

from flask import Blueprint

bp = Blueprint("themes", __name__)

from . import export_views, views  # noqa: E402,F401 - they add their routes to bp
