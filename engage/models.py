"""Shared column helpers for models."""

from __future__ import annotations

from datetime import UTC, datetime

# Forms that must not create two records carry a random token of at most this length.
SUBMISSION_TOKEN_MAX = 64


def utcnow() -> datetime:
    """Aware UTC now; every timestamp is stored in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as aware UTC: SQLite hands back naive datetimes, and every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
