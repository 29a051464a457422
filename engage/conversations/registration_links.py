"""A registration's own link (to see, change or cancel it, with no account) and its place in line:
what the sign-up pages and the emails about a registration both show."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from ..accounts.tokens import TokenError, make_token, read_token
from ..extensions import db
from .models import Registration, RegistrationStatus

CANCEL_TOKEN_PURPOSE = "registration-cancel"


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalars(
        select(Registration.id).where(
            Registration.session_id == registration.session_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.waitlisted_at < registration.waitlisted_at)
            | ((Registration.waitlisted_at == registration.waitlisted_at) & (Registration.id < registration.id)),
        )
    ).all()
    return len(ahead) + 1


def _address_digest(registration: Registration) -> str:
    # The link names the address only by a digest: tokens are readable base64
    # and end up in server logs and browser history.
    return hashlib.sha256((registration.email or "").encode("utf-8")).hexdigest()[:20]


def cancel_token(registration: Registration) -> str:
    return make_token(CANCEL_TOKEN_PURPOSE, {"r": registration.id, "a": _address_digest(registration)})


def registration_from_token(token: str) -> Registration:
    """The registration a personal link names; TokenError (or TokenExpired) when it is not valid."""
    payload = read_token(CANCEL_TOKEN_PURPOSE, token, current_app.config["REGISTRATION_CANCEL_MAX_AGE"])
    registration = db.session.get(Registration, payload.get("r")) if isinstance(payload.get("r"), int) else None
    # Tied to the address too, so a link stays with the person it was sent to.
    if registration is None or not hmac.compare_digest(_address_digest(registration), str(payload.get("a"))):
        raise TokenError()
    return registration
