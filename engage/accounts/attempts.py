"""Signing in with a password: failed attempts slow whoever fails, and never lock the owner out.

Failed attempts are counted three ways, in the rate limiter's storage (Redis,
shared by every app server, when REDIS_URL is set; else this process's memory):

- per network address, and per address and account: the limits on the sign-in
  view (accounts/views.py). Past them, that address waits (429, with the time
  to wait); the owner elsewhere is not affected.
- per account, from every address (here): past RATELIMIT_LOGIN_PER_ACCOUNT,
  the right password alone no longer signs in; we email the owner a one-time
  link to finish. A stranger can make the owner take that extra step, never
  keep them out.

Attempts that sign in are never counted, so a family or a school sharing one
address can all sign in.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from flask import current_app
from limits import RateLimitItem, parse_many

from ..extensions import limiter
from ..mail.services import send_email
from ..models import as_utc, utcnow
from ..urls import external_url
from .models import User, normalize_email
from .services import authenticate, read_account_link
from .sign_ins import start_sign_in
from .tokens import make_token

SIGN_IN_LINK_PURPOSE = "sign-in-link"


class SignInOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    # The account has seen too many failures: if the password was right, a link
    # to finish signing in is on its way. Said whether it was right or not.
    CHECK_EMAIL = "check_email"


@dataclass(frozen=True)
class SignInAttempt:
    outcome: SignInOutcome
    user: User | None = None
    remember: bool = False


@dataclass(frozen=True)
class SignInLink:
    """Whom an emailed sign-in link is for, and whether to remember their browser."""

    user: User
    remember: bool


def account_key(email: str) -> str:
    """How an account is named in rate-limit keys: a hash, so Redis holds no email addresses."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]


def _limits(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _identifiers(kind: str, key: str) -> list[str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return [part for part in (prefix, "engage", kind, key) if part]


def _account_needs_emailed_link(key: str) -> bool:
    if not limiter.enabled:
        return False
    ids = _identifiers("sign-in-failures", key)
    return not all(limiter.limiter.test(item, *ids) for item in _limits("RATELIMIT_LOGIN_PER_ACCOUNT"))


def _count_failure(key: str) -> None:
    if limiter.enabled:
        ids = _identifiers("sign-in-failures", key)
        for item in _limits("RATELIMIT_LOGIN_PER_ACCOUNT"):
            limiter.limiter.hit(item, *ids)


def _may_email_a_link(key: str) -> bool:
    # A guesser who has the right password must not be able to flood the owner's inbox.
    if not limiter.enabled:
        return True
    ids = _identifiers("sign-in-link", key)
    return all([limiter.limiter.hit(item, *ids) for item in _limits("RATELIMIT_SEND_LINK")])


def attempt_sign_in(email: str, password: str, *, remember: bool) -> SignInAttempt:
    """Check an email and password; sign in, refuse, or ask for the emailed step.

    Once the account has had too many failed attempts, the answer is
    CHECK_EMAIL whether the password was right or not, so it tells a guesser
    nothing; only the right password sends the owner a link. Every attempt
    that does not sign in counts as failed.
    """
    key = account_key(email)
    needs_link = _account_needs_emailed_link(key)
    user = authenticate(email, password)
    if user is not None and not needs_link:
        start_sign_in(user, remember=remember)
        return SignInAttempt(SignInOutcome.SIGNED_IN, user, remember)
    _count_failure(key)
    if not needs_link:
        return SignInAttempt(SignInOutcome.WRONG)
    if user is not None and _may_email_a_link(key):
        _send_sign_in_link(user, remember=remember)
    return SignInAttempt(SignInOutcome.CHECK_EMAIL)


# The emailed link ---------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _link_fingerprint(user: User) -> str:
    # The link dies once any sign-in happens (the last sign-in time moves, so
    # it works once) or the password changes. Microseconds since the epoch
    # read the same from SQLite and from PostgreSQL in any time zone.
    last = as_utc(user.last_login_at)
    stamp = "never" if last is None else str((last - _EPOCH) // timedelta(microseconds=1))
    return hmac.new(user.password_hash.encode(), f"sign-in-link:{stamp}".encode(), hashlib.sha256).hexdigest()[:32]


def _send_sign_in_link(user: User, *, remember: bool) -> None:
    token = make_token(SIGN_IN_LINK_PURPOSE, {"user": user.id, "email": user.email,
                                              "fp": _link_fingerprint(user), "remember": bool(remember)})
    send_email(user.email, "sign_in_link", locale=user.locale, user=user,
               link=external_url("accounts.sign_in_with_link", token=token),
               reset_link=external_url("accounts.forgot_password"),
               minutes=sign_in_link_minutes())


def sign_in_link_minutes() -> int:
    return current_app.config["SIGN_IN_LINK_MAX_AGE"] // 60


def user_for_sign_in_link(token: str) -> SignInLink:
    """Who an emailed sign-in link is for. Raises TokenError/TokenExpired once it is used, old or damaged."""
    user, payload = read_account_link(SIGN_IN_LINK_PURPOSE, token, "SIGN_IN_LINK_MAX_AGE", _link_fingerprint)
    return SignInLink(user, bool(payload.get("remember")))


def sign_in_on_confirming(user: User) -> None:
    """Confirming one's address with the emailed link, then pressing "Continue", signs one in: the
    link proves the address, as a sign-in link does."""
    start_sign_in(user, remember=False)


def sign_in_with_link(token: str) -> SignInLink:
    """Finish signing in with an emailed link (it then stops working). Raises TokenError like user_for_sign_in_link."""
    link = user_for_sign_in_link(token)
    # Opening the link proves the address too.
    link.user.email_verified_at = link.user.email_verified_at or utcnow()
    start_sign_in(link.user, remember=link.remember)
    return link
