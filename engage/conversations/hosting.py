"""Running community conversations: hosts create, change, cancel and close
sessions, read the roster, export it, and check people in on the day.

Every function takes the acting person first and checks they may run the
session (services.require_manage_session); every change leaves an audit row.
Seats are only ever moved by registration.py, under the session's row lock:
a new capacity goes through registration.change_capacity, a host removing
someone through registration.cancel_registration, calling a session off
through registration.cancel_session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..csv_export import CsvExport, csv_text, safe_cell
from ..extensions import db
from ..i18n import content_language, utc_to_local
from ..models import as_utc, utcnow
from ..orgs.models import School
from ..permissions import Permission, PermissionDenied, can
from ..plans import services as plans
from ..vocabulary import LANGUAGE_CHOICES
from . import jobs
from . import registration as seats
from .models import (
    ConversationSession,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionLanguage,
    SessionStatus,
)
from .services import can_manage_all_sessions, hosting_organization_ids, organizations_for_new_session
from .services import require_manage_session

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
ADDRESS_MAX = 300
ROOM_MAX = 120
ACCESSIBILITY_MAX = 2000
URL_MAX = 500
REASON_MAX = 1000
CAPACITY_MAX = 1000
CHILDCARE_MAX = 20

SESSION_FIELDS = ("title", "description", "written_in", "organization_id", "plan_id", "section_keys", "school_id", "starts_at",
                  "ends_at", "registration_deadline", "format", "address", "room", "accessibility_notes",
                  "online_url", "languages", "interpretation_available", "childcare_offered", "food_offered",
                  "capacity")
TEXT_FIELDS = ("title", "description", "address", "room", "accessibility_notes", "online_url")
FLAGS = ("interpretation_available", "childcare_offered", "food_offered")
# Changes people who signed up are emailed about, and what each is called in that email.
NOTIFIED_CHANGES = {"starts_at": "time", "ends_at": "time", "format": "place", "address": "place", "room": "place",
                    "online_url": "place"}
LANGUAGE_CODES = tuple(code for code, _label in LANGUAGE_CHOICES)
ID_MAX = 2**31 - 1  # the largest id an INTEGER column holds (as engage.urls.IdConverter)


class HostingRefused(Exception):
    """A change the session's status or the time rules out; `message` says why, for a flash."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidTransition(HostingRefused):
    """A status change the table below does not allow."""


class InvalidSession(Exception):
    """Fields that do not make a session. `problems` maps each field (SESSION_FIELDS, or "reason") to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


# Status --------------------------------------------------------------------------

BY_SIGNUPS = "signups"  # registration.py, as seats fill up and free up
BY_HOST = "host"

ANY_TIME = "any_time"
AFTER_START = "after_start"
BEFORE_END = "before_end"


class Rule(NamedTuple):
    by: str
    when: str


# Every status change a session can make; anything else is refused. Cancelled
# and completed are final: nothing leaves them.
ALLOWED_TRANSITIONS: dict[tuple[str, str], Rule] = {
    (SessionStatus.SCHEDULED, SessionStatus.FULL): Rule(BY_SIGNUPS, ANY_TIME),
    (SessionStatus.FULL, SessionStatus.SCHEDULED): Rule(BY_SIGNUPS, ANY_TIME),
    (SessionStatus.SCHEDULED, SessionStatus.CANCELLED): Rule(BY_HOST, BEFORE_END),
    (SessionStatus.FULL, SessionStatus.CANCELLED): Rule(BY_HOST, BEFORE_END),
    (SessionStatus.SCHEDULED, SessionStatus.COMPLETED): Rule(BY_HOST, AFTER_START),
    (SessionStatus.FULL, SessionStatus.COMPLETED): Rule(BY_HOST, AFTER_START),
}

FINAL_MESSAGES = {
    SessionStatus.CANCELLED: _l("This conversation was cancelled, so it can't change any more."),
    SessionStatus.COMPLETED: _l("This conversation has taken place and is marked as held, so it can't change any "
                                "more."),
}


def transition_problem(session: ConversationSession, to_status: str, *, by: str = BY_HOST,
                       now: datetime | None = None) -> str | None:
    """Why the session can't go to this status now, or None when it can."""
    now = now or utcnow()
    rule = ALLOWED_TRANSITIONS.get((session.status, to_status))
    if session.status in FINAL_MESSAGES:
        return FINAL_MESSAGES[session.status]
    if rule is None:
        if to_status == session.status:
            return _l("Nothing to change: the conversation already has this status.")
        return _l("That status change is not possible.")
    if rule.by != by:
        return _l("A conversation becomes full, or takes sign-ups again, on its own as people sign up and cancel.")
    if rule.when == AFTER_START and now < as_utc(session.starts_at):
        return _l("You can mark a conversation as held once it has started.")
    if rule.when == BEFORE_END and now >= as_utc(session.ends_at):
        return _l("This conversation has already taken place: mark it as held instead of cancelling it.")
    return None


def check_transition(session: ConversationSession, to_status: str, *, by: str = BY_HOST,
                     now: datetime | None = None) -> None:
    problem = transition_problem(session, to_status, by=by, now=now)
    if problem is not None:
        raise InvalidTransition(problem)


def can_edit(session: ConversationSession) -> bool:
    return session.status in SessionStatus.OPEN


def require_editable(session: ConversationSession) -> None:
    if not can_edit(session):
        raise InvalidTransition(FINAL_MESSAGES[session.status])


# Reading -------------------------------------------------------------------------


def require_host_tools(actor) -> None:
    """Hosts (members of a hosting organization), leaders and administrators."""
    if not (can_manage_all_sessions(actor) or can(actor, Permission.HOST)):
        raise PermissionDenied(Permission.HOST)


class HostStage:
    """Where a session is in a host's work, which follows the clock as well as the status."""

    BEFORE = "before"  # getting ready: materials; reminders go out the day before
    TODAY = "today"  # the day itself, or under way: checking people in
    AFTER = "after"  # it has ended, marked as held or not: writing down what was heard
    CANCELLED = "cancelled"


def host_stage(session: ConversationSession, now: datetime | None = None) -> str:
    now = now or utcnow()
    if session.status == SessionStatus.CANCELLED:
        return HostStage.CANCELLED
    if session.status == SessionStatus.COMPLETED or now >= as_utc(session.ends_at):
        return HostStage.AFTER
    if now >= as_utc(session.starts_at) or utc_to_local(now).date() == utc_to_local(session.starts_at).date():
        return HostStage.TODAY
    return HostStage.BEFORE


@dataclass(frozen=True)
class ManagedSession:
    session: ConversationSession
    waitlisted: int
    note_status: str | None  # None: no notes yet
    stage: str  # a HostStage
    under_way: bool  # started and not ended


def sessions_to_manage(actor, *, now: datetime | None = None) -> tuple[list[ManagedSession], list[ManagedSession]]:
    """The sessions this person runs: (upcoming, soonest first; past, latest first)."""
    require_host_tools(actor)
    now = now or utcnow()
    query = select(ConversationSession).options(
        selectinload(ConversationSession.organization), selectinload(ConversationSession.note)
    )
    waiting = (
        select(Registration.session_id, func.count())
        .where(Registration.status == RegistrationStatus.WAITLISTED)
        .group_by(Registration.session_id)
    )
    if not can_manage_all_sessions(actor):
        own = hosting_organization_ids(actor) or {-1}
        query = query.where(ConversationSession.organization_id.in_(own))
        waiting = waiting.join(ConversationSession).where(ConversationSession.organization_id.in_(own))
    sessions = db.session.scalars(query.order_by(ConversationSession.starts_at, ConversationSession.id)).all()
    waitlisted = dict(db.session.execute(waiting).all())
    upcoming, past = [], []
    for session in sessions:
        row = ManagedSession(session, waitlisted.get(session.id, 0),
                             session.note.status if session.note is not None else None, host_stage(session, now),
                             as_utc(session.starts_at) <= now < as_utc(session.ends_at))
        (upcoming if as_utc(session.ends_at) >= now else past).append(row)
    past.reverse()
    return upcoming, past


def session_to_manage(actor, session_id: int) -> ConversationSession | None:
    """The session, when it exists and this person runs it (PermissionDenied when they don't)."""
    require_host_tools(actor)
    session = db.session.get(
        ConversationSession,
        session_id,
        options=[selectinload(ConversationSession.languages), selectinload(ConversationSession.organization),
                 selectinload(ConversationSession.school), selectinload(ConversationSession.plan)],
    )
    if session is not None:
        require_manage_session(actor, session)
    return session


def _is_id(value) -> bool:
    return isinstance(value, int) and 1 <= value <= ID_MAX


@dataclass(frozen=True)
class PlanChoice:
    """A published plan, and the sections of its latest version a session may discuss."""

    plan_id: int
    title: str
    sections: list[tuple[str, str]]  # (key, title) in the plan's order


def plan_section_keys(plan_id: int) -> list[str] | None:
    """The section keys of the plan's latest published version in order; None when it has none."""
    if not _is_id(plan_id):
        return None  # no such plan: a number the database can't even compare with its ids
    plan = plans.get_plan(plan_id)
    if plan is None or not plan.versions:
        return None
    return [section["key"] for section in plan.versions[-1].snapshot.get("sections", [])]


def plan_choices() -> list[PlanChoice]:
    return [PlanChoice(listing.plan.id, listing.plan.title,
                       [(section["key"], section["title"]) for section in listing.latest.snapshot.get("sections", [])])
            for listing in plans.list_published_plans()]


# Creating and changing -------------------------------------------------------------


def _values_of(session: ConversationSession | None) -> dict:
    """A session's fields (times as aware UTC), or a new session's defaults."""
    if session is None:
        return {"title": "", "description": "", "written_in": content_language(), "organization_id": None, "plan_id": None, "section_keys": [],
                "school_id": None, "starts_at": None, "ends_at": None, "registration_deadline": None,
                "format": SessionFormat.IN_PERSON, "address": "", "room": "", "accessibility_notes": "",
                "online_url": "", "languages": [], "interpretation_available": False, "childcare_offered": False,
                "food_offered": False, "capacity": None}
    values = {name: getattr(session, name) for name in SESSION_FIELDS if name != "languages"}
    values["languages"] = session.language_codes
    values["section_keys"] = list(session.section_keys or [])
    for name in ("starts_at", "ends_at", "registration_deadline"):
        values[name] = as_utc(values[name])
    return values


def _normalized(values: dict) -> dict:
    """Trimmed text, lists without repeats, and only the place fields the format uses."""
    values = dict(values)
    for name in TEXT_FIELDS:
        values[name] = (values.get(name) or "").strip()
    for name in FLAGS:
        values[name] = bool(values.get(name))
    values["languages"] = list(dict.fromkeys(values.get("languages") or []))
    values["section_keys"] = list(dict.fromkeys(values.get("section_keys") or []))
    for name in ("starts_at", "ends_at", "registration_deadline"):
        moment = values.get(name)
        if moment is not None:
            if moment.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime")
            values[name] = moment.astimezone(UTC)
    if values.get("format") == SessionFormat.ONLINE:
        values["address"] = values["room"] = ""
    elif values.get("format") == SessionFormat.IN_PERSON:
        values["online_url"] = ""
    return values


def is_web_link(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


def session_problems(actor, values: dict, *, session: ConversationSession | None = None,
                     now: datetime | None = None) -> dict[str, str]:
    """Everything wrong with these fields (as create_session/update_session take them), by field.

    Fields that are None where a value is needed are reported too, so a form
    can call this with whatever it could read and show every problem at once.
    """
    now = now or utcnow()
    values = _normalized({**_values_of(session), **values})
    before = _values_of(session)
    problems: dict[str, str] = {}

    def unchanged(name: str) -> bool:
        return session is not None and values[name] == before[name]

    if not values["title"]:
        problems["title"] = _l("Please give the conversation a title.")
    if values["written_in"] not in current_app.config["LANGUAGES"] and not unchanged("written_in"):
        problems["written_in"] = _l("Please choose the language you wrote it in from the list.")
    for name, limit in (("title", TITLE_MAX), ("description", DESCRIPTION_MAX), ("address", ADDRESS_MAX),
                        ("room", ROOM_MAX), ("accessibility_notes", ACCESSIBILITY_MAX), ("online_url", URL_MAX)):
        if len(values[name]) > limit:
            problems[name] = _l("Please keep this under %(max)d characters.", max=limit)

    if not unchanged("organization_id"):
        if values["organization_id"] is None:
            if not can_manage_all_sessions(actor):
                problems["organization_id"] = _l("Please choose the organization hosting the conversation.")
        elif values["organization_id"] not in {org.id for org in organizations_for_new_session(actor)}:
            problems["organization_id"] = _l("You can only host conversations for your own organizations.")

    sections = plan_section_keys(values["plan_id"]) if values["plan_id"] is not None else None
    if values["plan_id"] is not None and sections is None:
        problems["plan_id"] = _l("Please choose a plan that has a published version.")
    if values["section_keys"]:
        if values["plan_id"] is None:
            problems["section_keys"] = _l("Please choose the plan these parts belong to, or clear them.")
        elif sections is not None and not set(values["section_keys"]) <= set(sections):
            problems["section_keys"] = _l("Please choose only parts of the plan you linked.")

    if values["school_id"] is not None and not unchanged("school_id"):
        school = db.session.get(School, values["school_id"]) if _is_id(values["school_id"]) else None
        if school is None or not school.active:
            problems["school_id"] = _l("Please choose a school from the list.")

    starts_at, ends_at, deadline = values["starts_at"], values["ends_at"], values["registration_deadline"]
    if starts_at is None:
        problems["starts_at"] = _l("Please enter the date and the time it starts.")
    elif not unchanged("starts_at") and starts_at <= now:
        problems["starts_at"] = _l("The conversation must start in the future.")
    if ends_at is None:
        problems["ends_at"] = _l("Please enter the time it ends.")
    elif starts_at is not None and ends_at <= starts_at:
        problems["ends_at"] = _l("The end must be after the start.")
    if deadline is not None and starts_at is not None and deadline > starts_at:
        problems["registration_deadline"] = _l("Sign-ups must close before the conversation starts.")

    if values["format"] not in (SessionFormat.IN_PERSON, SessionFormat.ONLINE):
        problems["format"] = _l("Please choose in person or online.")
    elif values["format"] == SessionFormat.IN_PERSON and not values["address"]:
        problems["address"] = _l("Please enter the address where people meet.")
    elif values["format"] == SessionFormat.ONLINE and "online_url" not in problems:
        if not values["online_url"]:
            problems["online_url"] = _l("Please enter the link people use to join.")
        elif not is_web_link(values["online_url"]):
            problems["online_url"] = _l("Please enter a web link starting with https:// or http://.")

    if not values["languages"]:
        problems["languages"] = _l("Please choose at least one language.")
    elif not set(values["languages"]) <= set(LANGUAGE_CODES):
        problems["languages"] = _l("Please choose languages from the list.")

    capacity = values["capacity"]
    if not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
        problems["capacity"] = _l("Please enter a number of places from 1 to %(max)d.", max=CAPACITY_MAX)
    return problems


def _checked(actor, fields: dict, session: ConversationSession | None, now: datetime) -> dict:
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    problems = session_problems(actor, fields, session=session, now=now)
    if problems:
        raise InvalidSession(problems)
    values = _normalized({**_values_of(session), **fields})
    if values["section_keys"]:
        order = plan_section_keys(values["plan_id"])
        values["section_keys"] = sorted(values["section_keys"], key=order.index)
    return values


def _set_languages(session: ConversationSession, codes: list[str]) -> None:
    # Keep the rows of languages that stay: a new row for a code already there
    # would be inserted before the old one is deleted, against the unique index.
    kept = {language.code: language for language in session.languages}
    session.languages = [kept.get(code) or SessionLanguage(code=code) for code in codes]
    for position, language in enumerate(session.languages):
        language.position = position


def _already_made(submission_token: str | None) -> ConversationSession | None:
    if not submission_token:
        return None
    return db.session.scalar(select(ConversationSession).where(ConversationSession.submission_token == submission_token))


def create_session(actor, *, submission_token: str | None = None, now: datetime | None = None,
                   **fields) -> ConversationSession:
    """A new scheduled session (fields: SESSION_FIELDS; times aware UTC).

    Hosts may create sessions for their own hosting organizations; leaders and
    administrators for any, or for the district itself (organization_id None).
    The same form (submission_token) sent twice makes one session.
    """
    require_host_tools(actor)
    now = now or utcnow()
    existing = _already_made(submission_token)
    if existing is not None:
        return existing
    values = _checked(actor, fields, None, now)
    languages = values.pop("languages")
    session = ConversationSession(created_by_id=actor.id, status=SessionStatus.SCHEDULED, seats_taken=0,
                                  submission_token=submission_token, **values)
    _set_languages(session, languages)
    db.session.add(session)
    try:
        db.session.flush()
        audit.record(actor, "conversation.created", "conversation_session", session.id, title=session.title,
                     organization_id=session.organization_id)
        db.session.commit()
    except IntegrityError:
        # The same form sent twice at the same moment: the first one made it.
        db.session.rollback()
        existing = _already_made(submission_token)
        if existing is None:
            raise
        return existing
    return session


def _audit_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def update_session(actor, session: ConversationSession, *, now: datetime | None = None,
                   **fields) -> ConversationSession:
    """Change a scheduled (or full) session; cancelled and held ones stay as they were.

    A new capacity goes through registration.change_capacity (people on the
    waitlist may get the new seats); it can't go below the seats taken. When
    the time or the place changes, everyone signed up or waiting is emailed,
    with a new calendar file for those with a seat.
    """
    require_manage_session(actor, session)
    require_editable(session)
    now = now or utcnow()
    before = _values_of(session)
    values = _checked(actor, fields, session, now)
    changes = {name: [_audit_value(before[name]), _audit_value(values[name])]
               for name in SESSION_FIELDS if before[name] != values[name]}
    if not changes:
        return session
    if "capacity" in changes:
        try:
            seats.change_capacity(session.id, values["capacity"], now=now)
        except seats.CapacityTooSmall as too_small:
            raise InvalidSession({"capacity": lazy_ngettext("%(num)d seat is already taken.",
                                                            "%(num)d seats are already taken.",
                                                            too_small.seats_taken)}) from None
    session = seats.lock_session(session.id)
    try:
        require_editable(session)
        for name in SESSION_FIELDS:
            if name not in ("languages", "capacity"):
                setattr(session, name, values[name])
        _set_languages(session, values["languages"])
        if "starts_at" in changes:
            # Reminders go out a day before the new time, even to people who had one for the old time.
            db.session.execute(update(Registration).where(Registration.session_id == session.id)
                               .values(reminder_sent_at=None).execution_options(synchronize_session=False))
        audit.record(actor, "conversation.updated", "conversation_session", session.id, changes=changes)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    changed = sorted({NOTIFIED_CHANGES[name] for name in changes if name in NOTIFIED_CHANGES})
    if changed and _has_active_registrations(session.id):
        jobs.notify_session_changed(session.id, changed)
    return session


def _has_active_registrations(session_id: int) -> bool:
    return db.session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.session_id == session_id,
            Registration.status.in_(RegistrationStatus.ACTIVE),
            Registration.email.is_not(None),
        )
    ) > 0


def cancel_session(actor, session: ConversationSession, *, reason: str,
                   now: datetime | None = None) -> ConversationSession:
    """Call the session off with a reason; everyone registered is emailed (registration.cancel_session)."""
    require_manage_session(actor, session)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidSession({"reason": _l("Please tell people why, so they understand.")})
    if len(reason) > REASON_MAX:
        raise InvalidSession({"reason": _l("Please keep this under %(max)d characters.", max=REASON_MAX)})
    check_transition(session, SessionStatus.CANCELLED, now=now)
    try:
        return seats.cancel_session(actor, session.id, reason=reason, now=now)
    except seats.CannotCancel:
        # Someone else cancelled it or marked it held a moment ago.
        db.session.refresh(session)
        check_transition(session, SessionStatus.CANCELLED, now=now)
        raise


def complete_session(actor, session: ConversationSession, *, now: datetime | None = None) -> ConversationSession:
    """Mark the session as held, once it has started. Notes stay open to write."""
    require_manage_session(actor, session)
    now = now or utcnow()
    session = seats.lock_session(session.id)
    try:
        check_transition(session, SessionStatus.COMPLETED, now=now)
        session.status = SessionStatus.COMPLETED
        audit.record(actor, "conversation.completed", "conversation_session", session.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return session


# Roster --------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    registration: Registration
    waitlist_position: int | None = None


@dataclass(frozen=True)
class NeedsTotals:
    """What to plan for: the people holding a seat (walk-ins are counted apart)."""

    registrations: int
    people: int
    interpretation: list[tuple[str, int]]  # (language code, people), most people first
    childcare_children: int
    accessibility_requests: int
    waitlisted_people: int
    walk_in_people: int


@dataclass(frozen=True)
class Roster:
    session: ConversationSession
    confirmed: list[RosterEntry]
    waitlisted: list[RosterEntry]
    walk_ins: list[RosterEntry]
    cancelled: list[RosterEntry]
    totals: NeedsTotals

    @property
    def everyone(self) -> list[RosterEntry]:
        return [*self.confirmed, *self.waitlisted, *self.walk_ins, *self.cancelled]


def _registrations(session: ConversationSession) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.session_id == session.id)
        .order_by(Registration.waitlisted_at, Registration.id)
    ))


def _by_name(registration: Registration):
    return (registration.name.casefold(), registration.id)


def roster(actor, session: ConversationSession) -> Roster:
    """Who is coming, waiting, walked in and cancelled, with what they need; in a fixed number of queries."""
    require_manage_session(actor, session)
    confirmed, waitlisted, walk_ins, cancelled = [], [], [], []
    for registration in _registrations(session):
        if registration.status == RegistrationStatus.WAITLISTED:
            # Already in waitlist order (registration.waitlist_position's order).
            waitlisted.append(RosterEntry(registration, len(waitlisted) + 1))
        elif registration.status == RegistrationStatus.CANCELLED:
            cancelled.append(RosterEntry(registration))
        elif registration.walk_in:
            walk_ins.append(RosterEntry(registration))
        else:
            confirmed.append(RosterEntry(registration))
    confirmed.sort(key=lambda entry: _by_name(entry.registration))
    walk_ins.sort(key=lambda entry: _by_name(entry.registration))
    cancelled.sort(key=lambda entry: _by_name(entry.registration))
    coming = [entry.registration for entry in confirmed]
    interpretation: dict[str, int] = {}
    for registration in coming:
        if registration.interpretation_language:
            code = registration.interpretation_language
            interpretation[code] = interpretation.get(code, 0) + registration.party_size
    totals = NeedsTotals(
        registrations=len(coming),
        people=sum(r.party_size for r in coming),
        interpretation=sorted(interpretation.items(), key=lambda item: (-item[1], item[0])),
        childcare_children=sum(r.childcare_count for r in coming),
        accessibility_requests=sum(1 for r in coming if r.accessibility_needs.strip()),
        waitlisted_people=sum(entry.registration.party_size for entry in waitlisted),
        walk_in_people=sum(entry.registration.party_size for entry in walk_ins),
    )
    return Roster(session, confirmed, waitlisted, walk_ins, cancelled, totals)


def can_remove_registrations(session: ConversationSession, *, now: datetime | None = None) -> bool:
    # Freed seats go to the waitlist, who are emailed: not once people are already in the room.
    return can_edit(session) and (now or utcnow()) < as_utc(session.starts_at)


def _registration_of(session: ConversationSession, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.session_id != session.id:
        raise LookupError(registration_id)
    return registration


def remove_registration(actor, session: ConversationSession, registration_id: int,
                        *, now: datetime | None = None) -> Registration:
    """Take someone off the roster (their seats go to the waitlist). LookupError when not this session's."""
    require_manage_session(actor, session)
    registration = _registration_of(session, registration_id)
    require_editable(session)
    if not can_remove_registrations(session, now=now):
        raise HostingRefused(_l("The conversation has started, so the list of who signed up stays as it is. "
                                "Use check-in to record who came."))
    try:
        seats.cancel_registration(registration.id, by=seats.CancelledBy.HOST, actor=actor, now=now)
    except seats.CannotCancel:
        raise HostingRefused(_l("%(name)s was already off the list.", name=registration.name)) from None
    return registration


# Export --------------------------------------------------------------------------

def roster_columns() -> list[str]:
    return [_("Status"), _("Waitlist position"), _("Name"), _("Email"), _("Phone"), _("Party size"),
            _("Interpretation language"), _("Children needing childcare"), _("Accessibility needs"),
            _("Checked in")]


def export_roster(actor, session: ConversationSession) -> CsvExport:
    """The roster as CSV, in the reader's language, with an audit row.

    It starts with a byte order mark so Excel reads accented names right, and
    cells a spreadsheet would run as a formula start with a quote instead.
    """
    listing = roster(actor, session)
    statuses = {"confirmed": _("Confirmed"), "waitlisted": _("Waitlisted"), "walk_in": _("Walk-in"),
                "cancelled": _("Cancelled")}
    languages = {code: str(label) for code, label in LANGUAGE_CHOICES}
    rows = []
    for entry in listing.everyone:
        registration = entry.registration
        status = "walk_in" if registration.walk_in and registration.is_active else registration.status
        checked_in = utc_to_local(registration.checked_in_at)
        rows.append([safe_cell(value) for value in (
            statuses[status], entry.waitlist_position or "", registration.name, registration.email or "",
            registration.phone, registration.party_size,
            languages.get(registration.interpretation_language, registration.interpretation_language or ""),
            registration.childcare_count, registration.accessibility_needs,
            checked_in.strftime("%Y-%m-%d %H:%M") if checked_in else "",
        )])
    audit.record(actor, "conversation.roster_exported", "conversation_session", session.id, rows=len(rows))
    db.session.commit()
    return CsvExport(filename=f"conversation-{session.id}-roster.csv",
                     text=csv_text(roster_columns(), rows))


# Check-in ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInList:
    people: list[Registration]  # confirmed and walk-ins, by name
    checked_in_people: int  # party sizes of those checked in
    expected_people: int  # seats taken by people who signed up
    walk_in_people: int


def check_in_list(actor, session: ConversationSession) -> CheckInList:
    require_manage_session(actor, session)
    people = sorted((r for r in _registrations(session) if r.status == RegistrationStatus.CONFIRMED), key=_by_name)
    return CheckInList(
        people=people,
        checked_in_people=sum(r.party_size for r in people if r.checked_in_at is not None),
        expected_people=sum(r.party_size for r in people if not r.walk_in),
        walk_in_people=sum(r.party_size for r in people if r.walk_in),
    )


def _require_not_cancelled(session: ConversationSession) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise HostingRefused(FINAL_MESSAGES[SessionStatus.CANCELLED])


def check_in(actor, session: ConversationSession, registration_id: int, attended: bool,
             *, now: datetime | None = None) -> Registration:
    """Mark someone with a place as here (or undo it). LookupError when not this session's."""
    require_manage_session(actor, session)
    registration = _registration_of(session, registration_id)
    _require_not_cancelled(session)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise HostingRefused(_l("Only people with a place can be checked in. Add %(name)s as a walk-in instead.",
                                name=registration.name))
    if (registration.checked_in_at is not None) != attended:  # a second tap changes nothing
        seats.set_checked_in(actor, registration, attended, now=now)
    return registration


def add_walk_in(actor, session: ConversationSession, *, submission_token: str | None = None, name: str,
                email: str = "", party_size: int = 1, interpretation_language: str | None = None,
                childcare_count: int = 0, now: datetime | None = None) -> Registration:
    """Someone who came without signing up: on the roster, checked in, holding no seat.

    The same form (submission_token) sent twice adds them once.
    """
    require_manage_session(actor, session)
    _require_not_cancelled(session)
    name = (name or "").strip()
    if not name:
        raise InvalidSession({"name": _l("Please enter a name.")})
    if interpretation_language not in LANGUAGE_CODES:
        interpretation_language = None
    return seats.add_walk_in(actor, session, name=name, email=email, party_size=party_size,
                             interpretation_language=interpretation_language,
                             childcare_count=min(max(childcare_count, 0), CHILDCARE_MAX),
                             submission_token=submission_token, now=now)
