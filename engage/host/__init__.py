from flask import Blueprint

bp = Blueprint("host", __name__)

from . import views  # noqa: E402,F401
