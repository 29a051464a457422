"""Accounts: registration, verification, sign-in, password reset, profile, roles.

Functions take plain arguments and return models; they commit their own
transaction. Permission checks for managing other people live here too.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from collections.abc import Iterable
from functools import cache

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from ..audit import services as audit
from ..extensions import db
from ..mail.services import send_email
from ..models import utcnow
from ..orgs.models import Membership, Organization
from ..orgs.services import list_schools
from ..permissions import Permission, Role, require
from ..queue import job
from ..urls import external_url, local_path
from .models import (
    ParticipantProfile,
    User,
    find_user_by_email,
    hash_password,
    normalize_email,
)
from .sign_ins import end_all_sign_ins
from .tokens import TokenError, make_token, read_token

VERIFY_PURPOSE = "verify-email"
RESET_PURPOSE = "reset-password"
EMAIL_CHANGE_PURPOSE = "change-email"

class EmailTaken(Exception):
    pass


class WrongPassword(Exception):
    pass


# Registration and verification -------------------------------------------------


def register_user(*, email: str, password: str, display_name: str, locale: str | None,
                  next_path: str | None = None) -> User | None:
    """Create a participant account and email a verification link (which leads on to `next_path`,
    the page the person was on, once the address is confirmed).

    An address that already has an account gets no second one: its owner is
    emailed instead, with links to sign in and to choose a new password. The
    person registering is told to check their email either way, so the answer
    never says whether an address has an account. Returns the new account, or
    None when the address had one.
    """
    email = normalize_email(email)
    user = User(email=email, display_name=display_name.strip(), locale=locale, role=Role.PARTICIPANT.value)
    # Hashed whether or not the address is taken, so the answer takes as long either way.
    user.set_password(password)
    existing = find_user_by_email(email)
    if existing is None:
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:  # the same address registered a moment ago (a form sent twice)
            db.session.rollback()
            existing = find_user_by_email(email)
        else:
            send_verification_email(user, next_path)
            return user
    if existing is not None:
        _email_account_exists(existing, next_path)
    return None


def _email_account_exists(user: User, next_path: str | None = None) -> None:
    """Tell an account's owner that someone tried to register with their address."""
    if not user.active:  # a turned-off account can neither sign in nor reset its password
        return
    reset_link = external_url("accounts.reset_password", token=make_token(RESET_PURPOSE, _reset_payload(user)))
    send_email(user.email, "account_exists", locale=user.locale, user=user,
               login_link=external_url("accounts.login", next=local_path(next_path)),
               reset_link=reset_link, hours=current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600)


def _email_signed_link(recipient: str, user: User, *, purpose: str, payload: dict, endpoint: str,
                       template: str, max_age_setting: str, locale: str | None = None) -> None:
    """`locale` is the language to write in when the person saved none."""
    link = external_url(endpoint, token=make_token(purpose, payload))
    send_email(recipient, template, locale=user.locale or locale, user=user, link=link,
               hours=current_app.config[max_age_setting] // 3600)


def send_verification_email(user: User, next_path: str | None = None) -> None:
    """The link confirming the address; it carries, signed, the page to go on to."""
    payload = {"user": user.id, "email": user.email}
    if local_path(next_path):
        payload["next"] = next_path
    _email_signed_link(user.email, user, purpose=VERIFY_PURPOSE, payload=payload,
                       endpoint="accounts.verify_email", template="verify_email",
                       max_age_setting="EMAIL_VERIFICATION_MAX_AGE")


@dataclass(frozen=True)
class Verified:
    user: User
    next_path: str | None  # the page the person was on when they registered


def verify_email(token: str) -> Verified:
    """Mark the account's address as verified. Raises TokenError/TokenExpired."""
    payload = read_token(VERIFY_PURPOSE, token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = db.session.get(User, payload.get("user"))
    if user is None or user.email != payload.get("email"):
        raise TokenError()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
    return Verified(user, local_path(payload.get("next")))


# Signing in --------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None.

    Checks only: signing in is `attempts.attempt_sign_in`, which decides
    whether the right password is enough and records the sign-in.
    """
    user = find_user_by_email(email)
    if user is None:
        _spend_time_checking_a_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@cache
def _dummy_password_hash() -> str:
    return hash_password("no account has this password")


def _spend_time_checking_a_password(password: str) -> None:
    # A wrong email takes as long as a wrong password, so timing does not
    # reveal who has an account.
    check_password_hash(_dummy_password_hash(), password)


# Password reset ----------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    # A reset or email-change link stops working once the password it was
    # issued under has changed.
    return hmac.new(user.password_hash.encode(), b"reset", hashlib.sha256).hexdigest()[:16]


def _reset_payload(user: User) -> dict:
    return {"user": user.id, "email": user.email, "fp": _password_fingerprint(user)}


def request_password_reset(email: str, *, locale: str | None = None) -> None:
    """Email a reset link if the address has an active account. Says nothing either way.

    Only a job is queued here, the same for every address: looking the address
    up, making the link and writing the email happen in the job, so how long
    the page takes does not tell whether the address has an account. `locale`
    is the language of the page asking, for people who saved none.
    """
    email_password_reset_link(normalize_email(email), locale)


@job()
def email_password_reset_link(email: str, locale: str | None) -> None:
    """The job behind request_password_reset."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    _email_signed_link(user.email, user, purpose=RESET_PURPOSE, payload=_reset_payload(user),
                       endpoint="accounts.reset_password", template="reset_password",
                       max_age_setting="PASSWORD_RESET_MAX_AGE", locale=locale)


def read_account_link(purpose: str, token: str, max_age_setting: str, fingerprint) -> tuple[User, dict]:
    """The active account an emailed link is for, and the link's payload. Raises TokenError
    (TokenExpired) once the link is old, damaged, for another address, or spent: `fingerprint(user)`
    no longer matches the one it was made with."""
    payload = read_token(purpose, token, current_app.config[max_age_setting])
    user = db.session.get(User, payload.get("user"))
    if user is None or not user.active or user.email != payload.get("email"):
        raise TokenError()
    if not hmac.compare_digest(str(payload.get("fp", "")), fingerprint(user)):
        raise TokenError()
    return user, payload


def user_for_reset_token(token: str) -> User:
    return read_account_link(RESET_PURPOSE, token, "PASSWORD_RESET_MAX_AGE", _password_fingerprint)[0]


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    user.set_password(new_password)
    end_all_sign_ins(user)
    # Receiving the reset link proves the address too.
    user.email_verified_at = user.email_verified_at or utcnow()
    audit.record(user, "user.password_reset", "user", user.id)
    db.session.commit()
    return user


# Own account -------------------------------------------------------------------


def update_account(user: User, *, display_name: str, locale: str | None, notify_on_replies: bool = True) -> User:
    user.display_name = display_name.strip()
    user.locale = locale or None
    user.notify_on_replies = notify_on_replies
    db.session.commit()
    return user


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def change_password(user: User, *, current_password: str, new_password: str, keep_sign_in: str | None = None) -> User:
    """Set a new password and sign the person out everywhere but `keep_sign_in` (the browser asking)."""
    if not user.check_password(current_password):
        raise WrongPassword()
    user.set_password(new_password)
    end_all_sign_ins(user, keep_token=keep_sign_in)
    audit.record(user, "user.password_changed", "user", user.id)
    db.session.commit()
    return user


def request_email_change(user: User, *, new_email: str, current_password: str) -> None:
    """Send a confirmation link to the new address; the change happens when it is followed."""
    if not user.check_password(current_password):
        raise WrongPassword()
    new_email = normalize_email(new_email)
    existing = find_user_by_email(new_email)
    if existing is not None and existing.id != user.id:
        raise EmailTaken(new_email)
    _email_signed_link(new_email, user, purpose=EMAIL_CHANGE_PURPOSE,
                       payload={"user": user.id, "from": user.email, "email": new_email,
                                "fp": _password_fingerprint(user)},
                       endpoint="accounts.confirm_email_change", template="confirm_email_change",
                       max_age_setting="EMAIL_VERIFICATION_MAX_AGE")


def confirm_email_change(token: str) -> User:
    payload = read_token(EMAIL_CHANGE_PURPOSE, token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = db.session.get(User, payload.get("user"))
    new_email = payload.get("email")
    if user is None or not isinstance(new_email, str):
        raise TokenError()
    if user.email == new_email:
        return user
    # An older link must not undo a later change of address or password.
    if user.email != payload.get("from") or not hmac.compare_digest(
        str(payload.get("fp", "")), _password_fingerprint(user)
    ):
        raise TokenError()
    if find_user_by_email(new_email) is not None:
        raise EmailTaken(new_email)
    old_email = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    audit.record(user, "user.email_changed", "user", user.id)
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same address confirmed twice at once
        db.session.rollback()
        raise EmailTaken(new_email) from exc
    send_email(old_email, "email_changed", locale=user.locale, user=user, new_email=new_email)
    return user


# Profile -----------------------------------------------------------------------


def update_profile(
    user: User,
    *,
    relationship_to_district: str | None,
    school_ids: Iterable[int],
    preferred_language: str | None,
    preferred_language_other: str | None,
    race_ethnicity: Iterable[str],
    race_ethnicity_self_described: str | None,
    gender_self_described: str | None,
) -> ParticipantProfile:
    wanted = set(school_ids)
    schools = [school for school in list_schools() if school.id in wanted]
    profile = user.profile or ParticipantProfile(user=user)
    profile.relationship_to_district = relationship_to_district or None
    profile.schools = schools
    profile.preferred_language = preferred_language or None
    profile.preferred_language_other = (preferred_language_other or "").strip() or None
    profile.race_ethnicity = sorted(set(race_ethnicity))
    profile.race_ethnicity_self_described = (race_ethnicity_self_described or "").strip() or None
    profile.gender_self_described = (gender_self_described or "").strip() or None
    db.session.add(profile)
    db.session.commit()
    return profile


def delete_profile(user: User) -> None:
    """Erase every optional profile answer the person gave."""
    if user.profile is not None:
        db.session.delete(user.profile)
        db.session.commit()


# Managing people (admins) ------------------------------------------------------


def list_users(actor, *, search: str = "", role: str = "", page: int = 1, per_page: int = 50):
    require(actor, Permission.MANAGE_USERS)
    query = select(User).options(selectinload(User.memberships).selectinload(Membership.organization))
    if search.strip():
        term = search.strip().lower()
        query = query.where(
            or_(
                func.lower(User.email).contains(term, autoescape=True),
                func.lower(User.display_name).contains(term, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    query = query.order_by(User.display_name, User.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_user(actor, user_id: int) -> User | None:
    require(actor, Permission.MANAGE_USERS)
    return db.session.get(User, user_id)


class LastAdmin(Exception):
    """The change would leave the district with no administrator."""


def set_role(actor, user: User, role: Role, *, reason: str = "") -> User:
    require(actor, Permission.MANAGE_USERS)
    old = user.role
    if old == role.value:
        return user
    if old == Role.ADMIN.value and user.active and _admin_count() <= 1:
        raise LastAdmin()
    user.role = role.value
    audit.record(actor, "user.role_changed", "user", user.id, old=old, new=role.value, reason=reason)
    db.session.commit()
    return user


def set_active(actor, user: User, active: bool, *, reason: str = "") -> User:
    require(actor, Permission.MANAGE_USERS)
    if user.active == active:
        return user
    if not active and user.role == Role.ADMIN.value and _admin_count() <= 1:
        raise LastAdmin()
    user.active = active
    if not active:
        end_all_sign_ins(user)
    audit.record(actor, "user.activated" if active else "user.deactivated", "user", user.id, reason=reason)
    db.session.commit()
    return user


def make_administrator(*, email: str, display_name: str, password: str) -> User:
    """Create an administrator, or promote an existing account (the `users create-admin` command)."""
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalize_email(email), display_name=display_name, email_verified_at=utcnow())
        db.session.add(user)
    user.set_password(password)
    user.role = Role.ADMIN.value
    user.active = True
    db.session.flush()
    end_all_sign_ins(user)
    audit.record(None, "user.made_admin_by_command", "user", user.id)
    db.session.commit()
    return user


def _admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.active)
    ) or 0


# Members of organizations (admins) ----------------------------------------------


class UnknownPerson(Exception):
    pass


class AlreadyMember(Exception):
    pass


def add_member(actor, organization: Organization, email: str) -> Membership:
    require(actor, Permission.MANAGE_ORGANIZATIONS)
    user = find_user_by_email(email)
    if user is None:
        raise UnknownPerson(email)
    if any(m.user_id == user.id for m in organization.memberships):
        raise AlreadyMember(email)
    membership = Membership(user=user, organization=organization)
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise AlreadyMember(email) from exc
    audit.record(actor, "organization.member_added", "organization", organization.id, user_id=user.id)
    db.session.commit()
    return membership


def remove_member(actor, organization: Organization, user_id: int) -> None:
    require(actor, Permission.MANAGE_ORGANIZATIONS)
    membership = db.session.scalar(
        select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user_id)
    )
    if membership is None:
        return
    db.session.delete(membership)
    audit.record(actor, "organization.member_removed", "organization", organization.id, user_id=user_id)
    db.session.commit()
