from flask import Blueprint

bp = Blueprint("leadership", __name__)

from . import views  # noqa: E402,F401
