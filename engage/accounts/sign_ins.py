"""Server-side sign-ins: signing out ends the session, wherever its cookies went.

Each time someone signs in, a random token is made and its hash stored as a
`SignIn` row. Flask-Login keeps the token (User.get_id) in the session cookie
and, with "remember me", in the remember-me cookie; the user loader finds the
person through the row. Revoking the row therefore ends both cookies on the
server, on every app server at once: a copy of an old cookie opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..extensions import db
from ..models import as_utc, utcnow
from .models import SignIn, User


def _token_hash(token: str) -> str:
    # The token is 256 random bits, so a plain hash is enough to make a copy of
    # the table useless for signing in.
    return hashlib.sha256(token.encode()).hexdigest()


def start_sign_in(user: User, *, remember: bool) -> str:
    """Record a new sign-in for a person whose password (or emailed link) was checked.

    Returns the token and sets it on `user`, so `flask_login.login_user(user)`
    stores it. A remembered sign-in lasts as long as the remember-me cookie;
    another, as long as Flask accepts its session cookie.
    """
    now = utcnow()
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["PERMANENT_SESSION_LIFETIME"]
    token = secrets.token_urlsafe(32)
    user.last_login_at = now
    # Sign-ins past their end open nothing; dropping them here keeps the table small.
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id, SignIn.expires_at <= now))
    db.session.add(SignIn(user_id=user.id, token_hash=_token_hash(token), created_at=now, expires_at=now + lifetime))
    db.session.commit()
    user.sign_in_token = token
    return token


def user_for_sign_in(token: str) -> User | None:
    """The person a session's token belongs to; None once it is ended, expired or unknown, or the account is off."""
    if not isinstance(token, str) or not token:
        return None
    sign_in = db.session.scalar(
        select(SignIn).options(joinedload(SignIn.user)).where(SignIn.token_hash == _token_hash(token))
    )
    if sign_in is None or sign_in.revoked_at is not None or as_utc(sign_in.expires_at) <= utcnow():
        return None
    if not sign_in.user.active:
        return None
    sign_in.user.sign_in_token = token
    return sign_in.user


def end_sign_in(token: str) -> None:
    """Sign out: this sign-in's session and remember-me cookies stop working."""
    db.session.execute(
        update(SignIn).where(SignIn.token_hash == _token_hash(token), SignIn.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    db.session.commit()


def end_all_sign_ins(user: User, *, keep_token: str | None = None) -> None:
    """Revoke every sign-in of this person but `keep_token`'s; the caller commits.

    Used when the password changes or is reset, when an account is turned off,
    and by "sign out everywhere".
    """
    query = update(SignIn).where(SignIn.user_id == user.id, SignIn.revoked_at.is_(None))
    if keep_token is not None:
        query = query.where(SignIn.token_hash != _token_hash(keep_token))
    db.session.execute(query.values(revoked_at=utcnow()))


def sign_out_everywhere(user: User) -> None:
    """End every sign-in of this person, the one asking included, and audit it."""
    end_all_sign_ins(user)
    audit.record(user, "user.signed_out_everywhere", "user", user.id)
    db.session.commit()


def count_sign_ins(user: User) -> int:
    """How many browsers or devices this person is signed in on now."""
    return db.session.scalar(
        select(func.count()).select_from(SignIn)
        .where(SignIn.user_id == user.id, SignIn.revoked_at.is_(None), SignIn.expires_at > utcnow())
    ) or 0
