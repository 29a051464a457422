"""The themes blueprint. Its routes are added by views and export_views (see routes.py)."""

from flask import Blueprint

bp = Blueprint("themes", __name__)
