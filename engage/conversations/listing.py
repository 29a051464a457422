"""Finding a community conversation: the filtered listing, the month calendar, one session's page,
and the conversations a signed-in person is registered for.

Every list here runs a fixed number of queries however many sessions there
are: the organization and school come joined, the languages in one more query.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..extensions import db
from ..i18n import local_to_utc, utc_to_local
from ..models import as_utc, utcnow
from ..plans.models import PlanVersion
from .models import (
    ConversationSession,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionLanguage,
    SessionStatus,
)
from .registration import signup_state
from .registration_links import cancel_token, waitlist_position

PER_PAGE = 20
# Far beyond any real listing; keeps OFFSET a sane number whatever the link says.
MAX_PAGE = 10_000
# Dates outside these years are typing mistakes, and would overflow date arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2999


@dataclass(frozen=True)
class SessionFilters:
    """What someone narrowed the listing to; None or False means "any"."""

    date_from: date | None = None  # district-local dates, both ends included
    date_to: date | None = None
    school_id: int | None = None
    language: str | None = None
    format: str | None = None  # SessionFormat.IN_PERSON or ONLINE
    childcare: bool = False
    has_seats: bool = False

    def as_args(self) -> dict[str, str]:
        """The filters as query-string values, for links that keep them (calendar, pages, months)."""
        args = {}
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        if self.school_id:
            args["school"] = str(self.school_id)
        if self.language:
            args["language"] = self.language
        if self.format:
            args["format"] = self.format
        if self.childcare:
            args["childcare"] = "y"
        if self.has_seats:
            args["seats"] = "y"
        return args

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _local_midnight_utc(day: date) -> datetime:
    return local_to_utc(datetime.combine(day, time.min))


def _with_details(query: Select) -> Select:
    return query.options(
        joinedload(ConversationSession.organization),
        joinedload(ConversationSession.school),
        selectinload(ConversationSession.languages),
    )


def _filtered(query: Select, filters: SessionFilters) -> Select:
    if filters.date_from:
        query = query.where(ConversationSession.starts_at >= _local_midnight_utc(filters.date_from))
    if filters.date_to:
        query = query.where(ConversationSession.starts_at < _local_midnight_utc(filters.date_to + timedelta(days=1)))
    if filters.school_id:
        query = query.where(ConversationSession.school_id == filters.school_id)
    if filters.language:
        query = query.where(ConversationSession.languages.any(SessionLanguage.code == filters.language))
    if filters.format in (SessionFormat.IN_PERSON, SessionFormat.ONLINE):
        query = query.where(ConversationSession.format == filters.format)
    if filters.childcare:
        query = query.where(ConversationSession.childcare_offered.is_(True))
    if filters.has_seats:
        query = query.where(ConversationSession.seats_taken < ConversationSession.capacity)
    return query


def _page_number(page: int | None) -> int:
    return min(max(page or 1, 1), MAX_PAGE)


def list_upcoming_sessions(filters: SessionFilters, *, page: int | None = 1, per_page: int = PER_PAGE,
                           now: datetime | None = None):
    """Sessions still to come that take sign-ups or a waitlist, soonest first (a Flask-SQLAlchemy page)."""
    now = now or utcnow()
    query = _filtered(
        select(ConversationSession).where(
            ConversationSession.status.in_(SessionStatus.OPEN),
            ConversationSession.starts_at > now,
        ),
        filters,
    )
    query = _with_details(query).order_by(ConversationSession.starts_at, ConversationSession.id)
    return db.paginate(query, page=_page_number(page), per_page=per_page, error_out=False)


def list_past_sessions(filters: SessionFilters, *, page: int | None = 1, per_page: int = PER_PAGE):
    """Conversations that took place, most recent first."""
    query = _filtered(select(ConversationSession).where(ConversationSession.status == SessionStatus.COMPLETED),
                      filters)
    query = _with_details(query).order_by(ConversationSession.starts_at.desc(), ConversationSession.id.desc())
    return db.paginate(query, page=_page_number(page), per_page=per_page, error_out=False)


# The month calendar -------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    sessions: list[ConversationSession] = field(default_factory=list)


@dataclass
class MonthCalendar:
    year: int
    month: int
    first_day: date
    weeks: list[list[CalendarDay]]
    weekdays: list[int]  # column order, 0 = Monday
    previous: str  # "YYYY-MM"
    next: str

    @property
    def session_count(self) -> int:
        return sum(len(day.sessions) for week in self.weeks for day in week)


def parse_month(text: str | None) -> tuple[int, int] | None:
    """'2026-05' as (2026, 5); None for anything else."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return year, month


def local_today(now: datetime | None = None) -> date:
    """Today's date in the district."""
    return utc_to_local(now or utcnow()).date()


def current_month(now: datetime | None = None) -> tuple[int, int]:
    today = local_today(now)
    return today.year, today.month


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_calendar(filters: SessionFilters, year: int, month: int, *, first_weekday: int = 0) -> MonthCalendar:
    """A month's grid of weeks with the (not cancelled) sessions on their district-local days."""
    first_day = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    query = _filtered(
        select(ConversationSession).where(
            ConversationSession.status != SessionStatus.CANCELLED,
            ConversationSession.starts_at >= _local_midnight_utc(first_day),
            ConversationSession.starts_at < _local_midnight_utc(following),
        ),
        filters,
    )
    sessions = db.session.scalars(
        _with_details(query).order_by(ConversationSession.starts_at, ConversationSession.id)
    ).all()
    by_day: dict[date, list[ConversationSession]] = {}
    for session in sessions:
        by_day.setdefault(utc_to_local(session.starts_at).date(), []).append(session)
    grid = calendar.Calendar(firstweekday=first_weekday).monthdatescalendar(year, month)
    weeks = [[CalendarDay(day, day.month == month, by_day.get(day, []) if day.month == month else [])
              for day in week] for week in grid]
    return MonthCalendar(
        year=year, month=month, first_day=first_day, weeks=weeks,
        weekdays=[(first_weekday + i) % 7 for i in range(7)],
        previous=_month_key(previous.year, previous.month) if previous.year >= FIRST_YEAR else "",
        next=_month_key(following.year, following.month) if following.year <= LAST_YEAR else "",
    )


# One session's page -------------------------------------------------------------


@dataclass(frozen=True)
class PlanTopic:
    key: str
    title: str


@dataclass(frozen=True)
class SessionPage:
    session: ConversationSession
    signup_state: str | None  # None: sign-ups open; else 'cancelled', 'completed', 'closed'
    plan_published: bool  # only a published plan is linked: drafts are not public
    topics: list[PlanTopic]  # the plan sections to discuss, in the host's order
    my_registration: Registration | None  # the signed-in person's active registration
    my_manage_token: str | None


def plan_topics(session: ConversationSession) -> tuple[bool, list[PlanTopic]]:
    """Whether the session's plan is published, and the titles of its sections to discuss (as published)."""
    if session.plan_id is None:
        return False, []
    version = db.session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == session.plan_id)
        .order_by(PlanVersion.number.desc()).limit(1)
    )
    if version is None:
        return False, []
    titles = {section.get("key"): section.get("title") for section in version.snapshot.get("sections", [])}
    return True, [PlanTopic(key, titles[key]) for key in (session.section_keys or []) if titles.get(key)]


def _owned_by(user):
    """Registrations that are the person's: made while signed in, or to their address once they confirmed it
    (an account can be made with anyone's address: until it is confirmed, a guest's place there is not theirs)."""
    if not user.is_verified:
        return Registration.user_id == user.id
    return or_(Registration.user_id == user.id, Registration.email == (user.email or "").strip().lower())


def is_owned_by(user, registration: Registration) -> bool:
    """The same rule as _owned_by, for one registration in hand."""
    if user is None or not user.is_authenticated:
        return False
    return registration.user_id == user.id or (
        user.is_verified and registration.email == (user.email or "").strip().lower())


def active_registration_for(user, session_id: int) -> Registration | None:
    """The signed-in person's place (or waitlist spot) at a session, if they have one."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalars(
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status.in_(RegistrationStatus.ACTIVE),
               _owned_by(user))
        .order_by(Registration.id)
        .limit(1)
    ).first()


def session_page(session: ConversationSession, user, *, now: datetime | None = None) -> SessionPage:
    """Everything the public page of a session shows, for this person."""
    published, topics = plan_topics(session)
    mine = active_registration_for(user, session.id)
    return SessionPage(
        session=session,
        signup_state=signup_state(session, now),
        plan_published=published,
        topics=topics,
        my_registration=mine,
        my_manage_token=cancel_token(mine) if mine is not None else None,
    )


# A personal registration page ---------------------------------------------------


@dataclass(frozen=True)
class RegistrationPage:
    registration: Registration
    session: ConversationSession
    waitlist_position: int | None
    can_cancel: bool
    # The online link, only for a confirmed place at a session still on.
    online_url: str | None
    # A cancelled place at a session still taking sign-ups: "Changed your mind?"
    can_sign_up_again: bool = False

    @property
    def online_url_is_link(self) -> bool:
        """Only web addresses become links: never a javascript: or other scheme a host typed."""
        return bool(self.online_url) and urlsplit(self.online_url).scheme.lower() in ("http", "https")


def registration_page(registration: Registration, *, now: datetime | None = None) -> RegistrationPage:
    """What the person holding a registration's link sees."""
    now = now or utcnow()
    session = db.session.get(ConversationSession, registration.session_id,
                             options=[selectinload(ConversationSession.languages),
                                      joinedload(ConversationSession.organization)])
    started = now >= as_utc(session.starts_at)
    show_link = (
        session.format == SessionFormat.ONLINE
        and registration.status == RegistrationStatus.CONFIRMED
        and session.status in SessionStatus.OPEN
        and bool(session.online_url)
    )
    return RegistrationPage(
        registration=registration,
        session=session,
        waitlist_position=waitlist_position(registration),
        can_cancel=registration.is_active and not started and session.status in SessionStatus.OPEN,
        online_url=session.online_url if show_link else None,
        can_sign_up_again=(registration.status == RegistrationStatus.CANCELLED and not started
                           and session.status in SessionStatus.OPEN),
    )


# "My conversations" ------------------------------------------------------------


@dataclass(frozen=True)
class MyConversation:
    registration: Registration
    session: ConversationSession
    manage_token: str


def my_conversations(user, *, now: datetime | None = None) -> list[MyConversation]:
    """The person's active places and waitlist spots at conversations that have not ended, soonest first."""
    if user is None or not user.is_authenticated:
        return []
    now = now or utcnow()
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.session)
        .where(
            _owned_by(user),
            Registration.status.in_(RegistrationStatus.ACTIVE),
            Registration.walk_in.is_(False),
            ConversationSession.status.in_(SessionStatus.OPEN),
            ConversationSession.ends_at > now,
        )
        .options(contains_eager(Registration.session))
        .order_by(ConversationSession.starts_at, Registration.id)
    ).all()
    return [MyConversation(r, r.session, cancel_token(r)) for r in registrations]
