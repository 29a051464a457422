"""Redirect targets that come from the request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next_url(default_endpoint: str = "main.home") -> str:
    """The `next` form or query value when it is a path on this site, else a default.

    Anything with a scheme or host (or that a browser would read as one) is
    refused, so a link cannot send people to another site after signing in.
    """
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and not parts.scheme and not parts.netloc:
        return target
    return url_for(default_endpoint)
