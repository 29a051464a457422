"""The themes blueprint with all its routes: leaders' pages and exports."""

from . import export_views, views  # noqa: F401 - they add their routes to bp
from .blueprint import bp

__all__ = ["bp"]
