"""What every template can use."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import get_locale

from .permissions import Permission, can


def _safe_next_path() -> str:
    return request.full_path.rstrip("?") if request else "/"


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject_globals():
        return {
            "district_name": current_app.config["DISTRICT_NAME"],
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "current_path": _safe_next_path(),
            "can": can,
            "Permission": Permission,
        }
