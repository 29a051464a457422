"""Errors that services raise and views answer, so services know nothing of HTTP.

`PermissionDenied` (in `engage.permissions`) is the other one; `engage.errors`
renders both as friendly pages.
"""

from __future__ import annotations


class RecordNotFound(LookupError):
    """No such record (or none this reader may know of). Rendered as a 404 page."""
