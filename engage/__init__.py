"""Engage: hear your community on a draft plan, and show what you did with it.

The application factory lives in `engage.app`; `create_app` and
`ConfigurationError` are read from it on first use, so that importing a pure
module of the package (the themes pipeline, say) does not load Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .app import ConfigurationError, create_app

__all__ = ["ConfigurationError", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
