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


def soonest_first(closes_at: datetime | None) -> datetime:
    """A sort key for things that close: the soonest first, those that never close last."""
    return as_utc(closes_at) or datetime.max.replace(tzinfo=UTC)


class TimeWindow:
    """Where a moment falls in an optional opening/closing window (the closing moment is outside)."""

    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def time_window_state(opens_at: datetime | None, closes_at: datetime | None, now: datetime | None = None) -> str:
    """A TimeWindow value; a missing opening or closing time leaves that side open."""
    now = now or utcnow()
    opens, closes = as_utc(opens_at), as_utc(closes_at)
    if opens and now < opens:
        return TimeWindow.NOT_YET_OPEN
    if closes and now >= closes:
        return TimeWindow.CLOSED
    return TimeWindow.OPEN
