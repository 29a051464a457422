"""Following an action, or every action of a plan, by email.

Guests confirm by a signed link first; people signed in with a confirmed
address follow at once. Links name a subscription by its id and a digest of
its address, never by the address itself: tokens are readable base64 and end
up in server logs and browser history. Stopping deletes the row, so nothing is
kept about people who no longer follow anything.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import normalize_email
from ..accounts.tokens import TokenError, make_token, read_token
from ..extensions import db
from ..mail.services import send_email
from ..models import utcnow
from ..plans.models import Plan, PlanAction, PlanSection
from ..queue import job, periodic_job
from ..urls import external_url
from . import listing
from .listing import STATUS_LABELS
from .models import ProgressUpdate, TrackerSubscription
from .translatable import update_texts

CONFIRM_PURPOSE = "tracker.subscription.confirm"
UNSUBSCRIBE_PURPOSE = "tracker.subscription.unsubscribe"
# A confirmation link works for a week; the stop link in every email works for as long as the subscription exists.
CONFIRM_MAX_AGE = 7 * 24 * 3600



class AlreadyFollowing(Exception):
    """This address already follows this action or plan (and has confirmed)."""

    def __init__(self, subscription: TrackerSubscription):
        super().__init__("already following")
        self.subscription = subscription


@dataclass(frozen=True)
class SubscribeOutcome:
    subscription: TrackerSubscription
    # False: an email with a confirmation link went out; True: following already.
    confirmed: bool


@dataclass(frozen=True)
class Target:
    """What a subscription follows: a plan, and one of its actions or None for all of them,
    with the titles the public reads (from the plan's latest published version)."""

    plan: Plan
    action: PlanAction | None
    plan_title: str
    action_number: str = ""
    action_title: str = ""


def _target(public: listing.PublicPlan, action: PlanAction | None) -> Target:
    if action is None:
        return Target(public.plan, None, public.title)
    published = public.actions.get(action.key, {})
    return Target(public.plan, action, public.title, published.get("number", action.number),
                  published.get("title", action.title))


# Finding what to follow ---------------------------------------------------------


def find_target(plan_id: int, action_id: int | None, *, reader: str | None = None) -> Target:
    """The public plan (and public action of it) to follow, worded for `reader`; LookupError when there is none."""
    public = listing.public_plan(plan_id, reader=reader)
    if public is None:
        raise LookupError("plan")
    action = None
    if action_id is not None:
        action = db.session.scalar(
            select(PlanAction)
            .join(PlanSection, PlanSection.id == PlanAction.section_id)
            .where(PlanAction.id == action_id, PlanSection.plan_id == public.plan.id)
        )
        if action is None or not public.shows(action):
            raise LookupError("action")
    return _target(public, action)


def target_of(subscription: TrackerSubscription) -> Target | None:
    """What a subscription follows, or None if it is no longer public."""
    try:
        return find_target(subscription.plan_id, subscription.action_id)
    except LookupError:
        return None


# Subscribing --------------------------------------------------------------------


def _existing(email: str, plan_id: int, action_id: int | None) -> TrackerSubscription | None:
    action_match = (TrackerSubscription.action_id.is_(None) if action_id is None
                    else TrackerSubscription.action_id == action_id)
    return db.session.scalar(
        select(TrackerSubscription)
        .where(TrackerSubscription.email == email, TrackerSubscription.plan_id == plan_id, action_match)
        .order_by(TrackerSubscription.id)
        .limit(1)
    )


def _signed_in_address(user) -> str | None:
    """The address of a signed-in person whose address is confirmed: they need no confirmation email."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_verified:
        return normalize_email(user.email)
    return None


def subscribe(*, plan_id: int, action_id: int | None, email: str | None, language: str,
              user=None) -> SubscribeOutcome:
    """Follow an action (or with action_id None, every action of a plan).

    Signed in with a confirmed address: that address follows at once (any address
    typed is ignored). Otherwise a confirmation email goes to the address given.
    The same address and target twice is one row; AlreadyFollowing once confirmed.
    LookupError when the plan or action is not public.
    """
    target = find_target(plan_id, action_id)
    trusted = _signed_in_address(user)
    address = trusted or normalize_email(email or "")
    if not address:
        raise ValueError("email")
    owner_id = user.id if user is not None and getattr(user, "is_authenticated", False) \
        and normalize_email(user.email) == address else None
    action_id = target.action.id if target.action else None

    subscription = _existing(address, target.plan.id, action_id)
    if subscription is None:
        subscription = TrackerSubscription(
            email=address, user_id=owner_id, plan_id=target.plan.id, action_id=action_id,
            language=language, confirmed_at=utcnow() if trusted else None,
        )
        db.session.add(subscription)
        try:
            db.session.commit()
        except IntegrityError:
            # The same form sent twice at once: the other request made the row.
            db.session.rollback()
            subscription = _existing(address, target.plan.id, action_id)
            if subscription is None:
                raise
        else:
            subscription = _drop_duplicate(subscription)
            if trusted:
                return SubscribeOutcome(subscription, confirmed=True)
            send_confirmation(subscription, target)
            return SubscribeOutcome(subscription, confirmed=False)

    if subscription.confirmed_at is not None:
        raise AlreadyFollowing(subscription)
    if trusted:
        subscription.confirmed_at = utcnow()
        subscription.user_id = subscription.user_id or owner_id
        subscription.language = language
        db.session.commit()
        return SubscribeOutcome(subscription, confirmed=True)
    # Not confirmed yet (the first email lost, or the link expired): send it again,
    # and keep the row as long as the new link works.
    subscription.language = language
    subscription.created_at = utcnow()
    db.session.commit()
    send_confirmation(subscription, target)
    return SubscribeOutcome(subscription, confirmed=False)


def _drop_duplicate(subscription: TrackerSubscription) -> TrackerSubscription:
    """Keep one row per address and whole plan.

    The unique constraint cannot do it there: databases count NULL action ids as
    all different. When two requests raced, the older row stays.
    """
    if subscription.action_id is not None:
        return subscription
    first = _existing(subscription.email, subscription.plan_id, None)
    if first is not None and first.id != subscription.id:
        db.session.delete(subscription)
        db.session.commit()
        return first
    return subscription


def send_confirmation(subscription: TrackerSubscription, target: Target | None = None) -> None:
    target = target or target_of(subscription)
    if target is None:
        return
    send_email(
        subscription.email,
        "tracker_confirm_subscription",
        locale=subscription.language,
        target=target,
        confirm_url=external_url("tracker.confirm_subscription", token=confirm_token(subscription)),
        target_url=target_url(target),
        max_days=CONFIRM_MAX_AGE // (24 * 3600),
    )


# Links --------------------------------------------------------------------------


def _address_digest(subscription: TrackerSubscription) -> str:
    return hashlib.sha256(subscription.email.encode("utf-8")).hexdigest()[:20]


def confirm_token(subscription: TrackerSubscription) -> str:
    return make_token(CONFIRM_PURPOSE, {"s": subscription.id, "a": _address_digest(subscription)})


def unsubscribe_token(subscription: TrackerSubscription) -> str:
    return make_token(UNSUBSCRIBE_PURPOSE, {"s": subscription.id, "a": _address_digest(subscription)})


class SubscriptionGone(Exception):
    """The link was ours, but the subscription it names no longer exists (already stopped)."""


def _from_token(purpose: str, token: str, max_age: int | None) -> TrackerSubscription:
    payload = read_token(purpose, token, max_age)
    subscription_id = payload.get("s")
    if not isinstance(subscription_id, int) or isinstance(subscription_id, bool):
        raise TokenError()
    subscription = db.session.get(TrackerSubscription, subscription_id)
    if subscription is None:
        raise SubscriptionGone()
    # Tied to the address too, so a link stays with the person it was sent to.
    if not hmac.compare_digest(_address_digest(subscription), str(payload.get("a"))):
        raise TokenError()
    return subscription


def confirm_subscription(token: str) -> TrackerSubscription:
    """Confirm the subscription a link names (again is fine).

    TokenExpired / TokenError for a bad link; SubscriptionGone when it was stopped since.
    """
    subscription = _from_token(CONFIRM_PURPOSE, token, _confirm_max_age())
    if subscription.confirmed_at is None:
        subscription.confirmed_at = utcnow()
        db.session.commit()
    return subscription


def _confirm_max_age() -> int:
    return current_app.config.get("TRACKER_CONFIRM_MAX_AGE", CONFIRM_MAX_AGE)


def forget_unconfirmed(now: datetime | None = None) -> int:
    """Delete subscriptions whose confirmation link has expired unused: an address
    someone typed, and its owner never confirmed, is not kept. Returns how many."""
    cutoff = (now or utcnow()) - timedelta(seconds=_confirm_max_age())
    result = db.session.execute(
        delete(TrackerSubscription).where(TrackerSubscription.confirmed_at.is_(None),
                                          TrackerSubscription.created_at < cutoff)
    )
    db.session.commit()
    return result.rowcount


@periodic_job(crontab(hour="3", minute="17"))
def forget_unconfirmed_job() -> None:
    forget_unconfirmed()


def subscription_from_unsubscribe_token(token: str) -> TrackerSubscription:
    """The subscription a stop link names. TokenError, or SubscriptionGone when already stopped."""
    return _from_token(UNSUBSCRIBE_PURPOSE, token, None)


def others_in_plan(subscription: TrackerSubscription) -> list[TrackerSubscription]:
    """The same address's other subscriptions in the same plan (to stop them all at once)."""
    return list(db.session.scalars(
        select(TrackerSubscription).where(
            TrackerSubscription.email == subscription.email,
            TrackerSubscription.plan_id == subscription.plan_id,
            TrackerSubscription.id != subscription.id,
        )
    ))


def unsubscribe(subscription: TrackerSubscription, *, whole_plan: bool = False) -> int:
    """Stop a subscription (and with whole_plan, the address's others in the plan). Returns how many stopped."""
    doomed = [subscription] + (others_in_plan(subscription) if whole_plan else [])
    for row in doomed:
        db.session.delete(row)
    db.session.commit()
    return len(doomed)


# Signed-in people's list --------------------------------------------------------



def subscriptions_of(user) -> list[tuple[TrackerSubscription, Target | None]]:
    """Everything a signed-in person follows (by account, or by their address once confirmed), plan by plan.

    The target is None for a plan or action no longer public.
    """
    conditions = [TrackerSubscription.user_id == user.id]
    if user.is_verified:
        conditions.append(TrackerSubscription.email == normalize_email(user.email))
    rows = list(db.session.scalars(
        select(TrackerSubscription)
        .where(or_(*conditions))
        .order_by(TrackerSubscription.plan_id, TrackerSubscription.action_id.is_not(None),
                  TrackerSubscription.action_id)
    ))
    publics = {plan_id: listing.public_plan(plan_id) for plan_id in {row.plan_id for row in rows}}
    action_ids = {row.action_id for row in rows if row.action_id}
    actions = {action.id: action for action in db.session.scalars(
        select(PlanAction).where(PlanAction.id.in_(action_ids)))} if action_ids else {}
    listed = []
    for row in rows:
        public, action = publics[row.plan_id], actions.get(row.action_id)
        visible = public is not None and (row.action_id is None or (action is not None and public.shows(action)))
        listed.append((row, _target(public, action) if visible else None))
    return listed


def unsubscribe_own(user, subscription_id: int) -> None:
    """A signed-in person stops one of their own subscriptions; LookupError when it is not theirs."""
    subscription = db.session.get(TrackerSubscription, subscription_id)
    if subscription is None or not any(row.id == subscription_id for row, _target in subscriptions_of(user)):
        raise LookupError("subscription")
    unsubscribe(subscription)


# Telling followers about an update ----------------------------------------------


def target_url(target: Target) -> str:
    if target.action is not None:
        return external_url("tracker.show_action", action_id=target.action.id)
    return external_url("tracker.show_plan", plan_id=target.plan.id)


def recipients_of(update: ProgressUpdate) -> list[TrackerSubscription]:
    """One confirmed subscription per address following the update's action or its whole plan.

    Someone following both gets one email; its stop link is for the action, the
    more specific of the two (the stop page offers to stop the whole plan too).
    """
    rows = db.session.scalars(
        select(TrackerSubscription)
        .where(
            TrackerSubscription.plan_id == update.plan_id,
            TrackerSubscription.confirmed_at.is_not(None),
            or_(TrackerSubscription.action_id == update.action_id, TrackerSubscription.action_id.is_(None)),
        )
        .order_by(TrackerSubscription.action_id.is_(None), TrackerSubscription.id)
    )
    chosen: dict[str, TrackerSubscription] = {}
    for row in rows:
        chosen.setdefault(row.email, row)
    return list(chosen.values())


@job()
def notify_update(update_id: int) -> int:
    """Email every confirmed follower of the update's action or plan, once each, in their language.

    Nothing goes out for an action the public cannot see (a plan never published,
    or an action added since its latest version). Returns how many emails went out.
    """
    update = db.session.get(ProgressUpdate, update_id, options=[selectinload(ProgressUpdate.action)])
    if update is None:
        return 0
    try:
        find_target(update.plan_id, update.action_id)
    except LookupError:
        return 0
    sent = 0
    in_language: dict[str, tuple[Target, str]] = {}  # language -> the target and summary in it
    for subscription in recipients_of(update):
        if subscription.language not in in_language:
            in_language[subscription.language] = (
                find_target(update.plan_id, update.action_id, reader=subscription.language),
                update_texts([update], subscription.language)(update))
        target, summary = in_language[subscription.language]
        action_url = target_url(target)
        unsubscribe_url = external_url("tracker.unsubscribe", token=unsubscribe_token(subscription))
        send_email(
            subscription.email,
            "tracker_update",
            locale=subscription.language,
            target=target,
            update=update,
            summary=summary,
            status_label=STATUS_LABELS.get(update.status, update.status),
            action_url=action_url,
            follows_whole_plan=subscription.action_id is None,
            unsubscribe_url=unsubscribe_url,
            headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
        )
        sent += 1
    return sent
