"""Signed, expiring tokens for links sent by email."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(Exception):
    """The link is not valid (tampered with, for another purpose, or already used)."""


class TokenExpired(TokenError):
    """The link was valid but is too old."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"engage.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadSignature as exc:
        raise TokenError() from exc
    if not isinstance(payload, dict):
        raise TokenError()
    return payload
