"""Themes: groups feedback into themes that leaders can read, trust and correct.

The pipeline (`engage.themes.pipeline`) is pure scikit-learn and has no Flask
or database import, so it can be run and benchmarked on its own.
"""

from flask import Blueprint

bp = Blueprint("themes", __name__)

from . import export_views, views  # noqa: E402,F401
