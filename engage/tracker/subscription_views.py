"""Following an action or a plan by email: the subscribe form's target, the
confirmation and stop links from emails, and a signed-in person's list.

The links carry a signed token in their path, so their pages are never cached
and never send it on as a referrer.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request_finished, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.tokens import TokenError, TokenExpired
from ..extensions import limit_from_config, limiter
from . import bp, subscriptions
from .subscription_forms import StopForm, SubscribeForm

# Tokens we make are about 100 characters; anything far longer is not one of ours.
TOKEN_MAX = 500


def _keep_link_private() -> None:
    g.tracker_private_link = True


def _private_link_headers(sender, response, **_extra) -> None:
    # Flask-Talisman sets the site-wide Referrer-Policy after every view, so the
    # stricter one for these pages is set once the response is final.
    if g.get("tracker_private_link"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"


@bp.record_once
def _connect_private_link_headers(state) -> None:
    request_finished.connect(_private_link_headers, state.app, weak=False)


def _target_path(target: subscriptions.Target) -> str:
    if target.action is not None:
        return url_for("tracker.show_action", action_id=target.action.id)
    return url_for("tracker.show_plan", plan_id=target.plan.id)


@bp.post("/subscribe")
@limiter.limit(limit_from_config("RATELIMIT_TRACKER_SUBSCRIBE"))
def subscribe():
    user = current_user._get_current_object()
    form = SubscribeForm.for_person(user)
    if not form.validate_on_submit():
        if form.plan_id.errors or form.action_id.errors:
            abort(404)
        try:
            target = subscriptions.find_target(form.plan_id.data, form.action_id.data)
        except LookupError:
            abort(404)
        return render_template("tracker/subscriptions/subscribe.html", form=form, target=target), 400
    try:
        outcome = subscriptions.subscribe(
            plan_id=form.plan_id.data,
            action_id=form.action_id.data,
            email=form.email.data if "email" in form else None,
            language=str(get_locale()),
            user=user,
        )
    except LookupError:
        abort(404)
    except ValueError:
        abort(400)
    except subscriptions.AlreadyFollowing as already:
        target = subscriptions.target_of(already.subscription)
        if target is None:
            abort(404)
        return render_template("tracker/subscriptions/subscribed.html", target=target, outcome="already")
    target = subscriptions.target_of(outcome.subscription)
    if outcome.confirmed:
        if target.action is not None:
            flash(_("You're following this action. We will email you when it is updated."), "success")
        else:
            flash(_("You're following this plan. We will email you when any of its actions is updated."), "success")
        return redirect(_target_path(target), 303)
    return render_template("tracker/subscriptions/subscribed.html", target=target, outcome="check_email")


def _link_problem(kind: str, status: int):
    return render_template("tracker/subscriptions/link_problem.html", problem=kind), status


@bp.route("/subscriptions/confirm/<token>")
def confirm_subscription(token: str):
    _keep_link_private()
    try:
        if len(token) > TOKEN_MAX:
            raise TokenError()
        subscription = subscriptions.confirm_subscription(token)
    except TokenExpired:
        return _link_problem("expired", 410)
    except subscriptions.SubscriptionGone:
        return _link_problem("gone", 404)
    except TokenError:
        return _link_problem("invalid", 404)
    target = subscriptions.target_of(subscription)
    if target is None:
        return _link_problem("gone", 404)
    return render_template(
        "tracker/subscriptions/confirmed.html",
        target=target,
        subscription=subscription,
        unsubscribe_token=subscriptions.unsubscribe_token(subscription),
    )


@bp.route("/subscriptions/stop/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    _keep_link_private()
    try:
        if len(token) > TOKEN_MAX:
            raise TokenError()
        subscription = subscriptions.subscription_from_unsubscribe_token(token)
    except subscriptions.SubscriptionGone:
        # Stopped already (the button pressed twice, or the link opened again): say so kindly.
        return render_template("tracker/subscriptions/stopped.html", count=0)
    except TokenError:
        return _link_problem("invalid", 404)
    form = StopForm()
    if form.validate_on_submit():
        count = subscriptions.unsubscribe(subscription, whole_plan=form.scope.data == "plan")
        return render_template("tracker/subscriptions/stopped.html", count=count)
    return render_template(
        "tracker/subscriptions/stop.html",
        form=form,
        target=subscriptions.target_of(subscription),
        subscription=subscription,
        others=len(subscriptions.others_in_plan(subscription)),
    ), 400 if form.errors else 200


@bp.route("/subscriptions")
@login_required
def my_subscriptions():
    return render_template(
        "tracker/subscriptions/list.html",
        listed=subscriptions.subscriptions_of(current_user),
        form=StopForm(),
    )


@bp.post("/subscriptions/<id:subscription_id>/stop")
@login_required
def stop_own_subscription(subscription_id: int):
    form = StopForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        subscriptions.unsubscribe_own(current_user, subscription_id)
    except LookupError:
        abort(404)
    flash(_("You will no longer get these emails."), "success")
    return redirect(url_for("tracker.my_subscriptions"), 303)
