"""Redirect targets that come from the request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.routing import IntegerConverter


class IdConverter(IntegerConverter):
    """<id:name>: a database id, 1 to 2**31 - 1; larger numbers are a 404, not an overflow.

    ASCII digits only: werkzeug's \\d would also take fullwidth and other scripts' digits.
    """

    regex = r"[0-9]+"

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails, built on BASE_URL.

    Never on the request's Host header, which whoever sends the request
    chooses; and it works outside a request too (background jobs, commands).
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def safe_next_url(default: str | None = None) -> str:
    """The `next` form or query value when it is a path on this site, else a default.

    Anything with a scheme or host (or that a browser would read as one) is
    refused, so a link cannot send people to another site after signing in.
    """
    return local_path(request.values.get("next")) or default or url_for("main.home")


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (see `safe_next_url`)."""
    target = target or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and not parts.scheme and not parts.netloc:
        return target
    return None
