"""Shared column helpers for models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Aware UTC now; every timestamp is stored in UTC."""
    return datetime.now(UTC)
