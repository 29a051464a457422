"""The public tracker: plans being tracked, a plan's overview, an action's history, Atom feeds.

Open to everyone, signed in or not; only plans with a published version are shown.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from flask import Response, abort, render_template, request
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..i18n import utc_to_local
from ..page_cache import public_page
from ..urls import external_url
from . import bp, feed, listing, services
from .models import ProgressStatus
from .translatable import update_texts

FEED_LENGTH = 50
# Shown beside the status words (never instead of them), so status is not colour alone.
STATUS_SYMBOLS = {ProgressStatus.NOT_STARTED: "○", ProgressStatus.ON_TRACK: "●", ProgressStatus.AT_RISK: "▲",
                  ProgressStatus.DELAYED: "■", ProgressStatus.DONE: "✓"}


@bp.context_processor
def tracker_helpers():
    """Labels and formatters the tracker's templates share.

    The overview repeats them for hundreds of actions and indicators, so each
    is translated or formatted once per request rather than once per row.
    """
    complete = _("%(percent)d%% complete")  # no variables: formatted below, per row

    @cache
    def day_format(moment: date, width: str) -> str:
        return format_date(moment, width)

    def day(moment: date | datetime, width: str = "medium") -> str:
        """A date, or the district-local date of a stored time: "Nov 5, 2026" (or "November 5, 2026" for "long")."""
        return day_format(utc_to_local(moment).date() if isinstance(moment, datetime) else moment, width)

    return {
        "status_labels": {status: str(label) for status, label in listing.STATUS_LABELS.items()},
        "status_symbols": STATUS_SYMBOLS,
        "percent_text": lambda percent: complete % {"percent": percent},
        "day": day,
        "is_web_link": feed.is_web_link,
    }


def _public_plan_or_404(plan_id: int) -> listing.PublicPlan:
    public = listing.public_plan(plan_id)
    if public is None:
        abort(404)
    return public


def _public_action_or_404(action_id: int):
    """The action and its plan as the public reads it; 404 unless published."""
    action = services.find_action(action_id)
    if action is None:
        abort(404)
    public = _public_plan_or_404(action.section.plan_id)
    if not public.shows(action):
        abort(404)
    return action, public


@bp.route("/")
@public_page
def index():
    plans = listing.public_plans()
    return render_template("tracker/index.html", plans=plans, counts=listing.status_counts_by_plan(plans))


@bp.route("/plans/<id:plan_id>")
@public_page
def show_plan(plan_id: int):
    public = _public_plan_or_404(plan_id)
    rows = listing.public_rows(public, services.plan_actions(plan_id))
    filters = listing.parse_filters(request.args, rows)
    return render_template(
        "tracker/plan.html",
        public=public,
        plan=public.plan,
        action=None,
        rows=rows,
        shown=listing.apply_filters(rows, filters),
        filters=filters,
        counts=listing.count_by_status(rows),
        timeline=listing.deadline_timeline(rows),
        overdue=listing.overdue_indicators(rows),
        sections=listing.sections_of(rows),
        offices=listing.offices_of(rows),
    )


def _page_number() -> int:
    """?page=N for the history; anything else is the first page (never an error)."""
    page = request.args.get("page", default=1, type=int)
    return page if 1 <= page <= 10_000 else 1


@bp.route("/actions/<id:action_id>")
@public_page
def show_action(action_id: int):
    action, public = _public_action_or_404(action_id)
    row = listing.action_row(public, services.track_actions([action])[0])
    history = listing.action_history_page(action_id, _page_number())
    return render_template(
        "tracker/action.html",
        public=public,
        plan=public.plan,
        action=action,
        row=row,
        history=history,
        update_text=update_texts(history.updates),
        can_update=services.can_update_action(current_user, action),
    )


def _indicator_text(public: listing.PublicPlan, action):
    return lambda indicator: public.indicator_text(action, indicator, "text")


def _atom(document: bytes) -> Response:
    response = Response(document, mimetype="application/atom+xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/plans/<id:plan_id>/feed.atom")
@public_page
def plan_feed(plan_id: int):
    public = _public_plan_or_404(plan_id)
    updates = [u for u in services.recent_updates(plan_id, limit=FEED_LENGTH) if u.action.key in public.actions]
    summaries = update_texts(updates)
    return _atom(feed.build_feed(
        feed_id=feed.tag_id(f"plan/{plan_id}", public.plan.created_at),
        title=_("Progress on %(plan)s", plan=public.title),
        page_url=external_url("tracker.show_plan", plan_id=plan_id),
        self_url=external_url("tracker.plan_feed", plan_id=plan_id),
        fallback_updated=public.version.published_at,
        entries=[feed.entry_for(update, listing.action_text(public, update.action), summaries(update),
                                _indicator_text(public, update.action)) for update in updates],
        language=str(get_locale()),
    ))


@bp.route("/actions/<id:action_id>/feed.atom")
@public_page
def action_feed(action_id: int):
    action, public = _public_action_or_404(action_id)
    text = listing.action_text(public, action)
    updates = listing.action_updates_for_feed(action_id, limit=FEED_LENGTH)
    summaries = update_texts(updates)
    return _atom(feed.build_feed(
        feed_id=feed.tag_id(f"action/{action_id}", public.plan.created_at),
        title=_("Progress on %(action)s", action=text.heading),
        page_url=external_url("tracker.show_action", action_id=action_id),
        self_url=external_url("tracker.action_feed", action_id=action_id),
        fallback_updated=public.version.published_at,
        entries=[feed.entry_for(update, text, summaries(update), _indicator_text(public, action)) for update in updates],
        language=str(get_locale()),
    ))
