"""Progress tracker: where each action of a plan stands, its dated updates, and who follows them."""

from flask import Blueprint

bp = Blueprint("tracker", __name__)

from . import office_views, public_views, subscription_views  # noqa: E402,F401
