from flask import Blueprint

bp = Blueprint("surveys", __name__)

from . import builder_views, response_views, results_views  # noqa: E402,F401
