"""Time "Who we are hearing from" with a large district: 10,000 accounts and 33,000 participations.

    .venv/bin/python bench/participation.py            # 10,000 accounts, 20 requests each
    .venv/bin/python bench/participation.py --quick    # 2,000 accounts, 10 requests each (for CI)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/participation.py

Seeds a district of 20 schools (12 elementary, 5 middle, 3 high) with this school
year's enrollment figures, as an admin would enter them: each school's total, and
district-wide figures by home language and by race or ethnicity (one group under
ten students, shown as "fewer than 10"). Two plans, both published, six months ago.
Then, spread over the last six months:

- accounts, each with a profile: connection to the district, language and race or
  ethnicity (some left empty, a tenth with two groups), and one or two schools,
  the schools weighted unevenly so that their participation rates differ;
- comments by half of those accounts, a few people writing many (three fifths on
  the first plan), a few hidden or deleted, a few official answers by the leader;
- survey responses to four published surveys (an identified and an anonymous one
  per plan): half anonymous (the day kept, not the time, no account), facts and
  schools copied from the profile on identified ones and as answered on anonymous
  ones, some naming no school;
- conversation sessions, at schools or online, a few cancelled (their sign-ups
  too), a few still to come, and registrations: three quarters with an account,
  the rest guests with an interpretation language; a tenth cancelled, a few
  waitlisted, most of those at past sessions checked in, and walk-ins.

Everything is bulk inserted; every person shares one precomputed password hash.

Then, through the WSGI app with the Flask test client (CSRF and rate limits off),
signed in as a leader, it times N requests of each:

    page, all plans      GET /leadership/participation
    page, one plan       GET /leadership/participation?plan=<id>   (the first plan)
    CSV export           GET /leadership/participation.csv         (writes an audit row)

and prints requests per second, median (p50) and 95th percentile latency in
milliseconds, and SQL statements per request. One untimed request per line warms
the template cache first. The pages read the counts from the summary table; the
job that counts every participation into it is timed first.

The database is a temporary SQLite file, or the PostgreSQL database DATABASE_URL
points at, which must be empty (the migrations build the schema; drop the
database afterwards).
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from harness import HEADER, bench_app, count_statements, measure  # noqa: E402 - bench/ is on sys.path
from engage.accounts.models import ParticipantProfile, User, hash_password, profile_schools  # noqa: E402
from engage.comments.models import Comment, CommentStatus  # noqa: E402
from engage.conversations.models import (  # noqa: E402
    CancelledBy,
    ConversationSession,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionStatus,
)
from engage.extensions import db  # noqa: E402
from engage.leadership.enrollment import school_year_of  # noqa: E402
from engage.leadership.models import TWO_OR_MORE, EnrollmentDimension, EnrollmentFigure  # noqa: E402
from engage.leadership.participation import count_everyone, load_participations  # noqa: E402
from engage.models import utcnow  # noqa: E402
from engage.orgs.models import School, SchoolLevel  # noqa: E402
from engage.plans import services as plans  # noqa: E402
from engage.plans.models import Plan, PlanAction, PlanSection, PlanStatus  # noqa: E402
from engage.surveys.disclosure import refresh_facts_keys  # noqa: E402
from engage.surveys.models import (  # noqa: E402
    Survey,
    SurveyAnonymity,
    SurveyResponse,
    SurveyStatus,
    survey_response_schools,
)
from engage.i18n import district_today  # noqa: E402

PASSWORD = "bench password 123"
LEADER = "leader@example.org"
DAYS = 182  # six months of taking part
SCHOOLS = ([(f"{name} Elementary School", SchoolLevel.ELEMENTARY, (320, 640)) for name in (
               "Adams", "Brookside", "Cedar Grove", "Eastgate", "Fairview", "Glenwood", "Hillcrest", "Lakeview",
               "Maple Hill", "Northside", "Oak Park", "Riverside")]
           + [(f"{name} Middle School", SchoolLevel.MIDDLE, (650, 1000)) for name in (
               "Harbor View", "Jefferson", "Kennedy", "Westfield", "Sunnyside")]
           + [(f"{name} High School", SchoolLevel.HIGH, (1300, 1900)) for name in ("Riverbend", "Central", "Summit")])
# Shares of the district's students (the first group takes what rounding leaves), and of the people
# who take part: not the same, so the page has gaps to show.
ENROLLED_LANGUAGES = {"en": 0.0, "es": 0.22, "so": 0.04, "vi": 0.03, "ar": 0.025, "zh": 0.02, "am": 0.01,
                      "fr": 0.01, "ht": 0.01, "ko": 0.0005, "other": 0.02}
ENROLLED_RACES = {"white": 0.0, "hispanic": 0.28, "black": 0.17, "asian": 0.09, TWO_OR_MORE: 0.07,
                  "middle_eastern": 0.025, "american_indian": 0.01, "pacific_islander": 0.005}
LANGUAGES = {"en": 70, "es": 14, "so": 2, "vi": 2, "ar": 1, "zh": 2, "am": 0.5, "fr": 0.5, "ht": 0.5, "ko": 0.2,
             "other": 1, None: 6}
RACES = {"white": 45, "hispanic": 18, "black": 12, "asian": 8, "middle_eastern": 2, "american_indian": 1,
         "pacific_islander": 0.5}
RELATIONSHIPS = {"parent": 60, "student": 8, "staff": 17, "community": 10, None: 5}
RESPONSE_LANGUAGES = {key: weight for key, weight in LANGUAGES.items() if key}  # the page's, when not asked
INTERPRETATION = {None: 70, "es": 20, "so": 4, "vi": 3, "ar": 3}


@dataclass
class Size:
    people: int
    commenters: int
    comments: int
    responses: int
    sessions: int
    registrations: int
    requests: int


FULL = Size(people=10_000, commenters=5_000, comments=20_000, responses=10_000, sessions=100, registrations=3_000,
            requests=20)
QUICK = Size(people=2_000, commenters=1_000, comments=4_000, responses=2_000, sessions=20, registrations=600,
             requests=10)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    relationship: str | None
    language: str | None
    school_ids: tuple[int, ...]


@dataclass(frozen=True)
class SeededPlan:
    id: int
    version_id: int
    section_keys: list[str]


def pick(weights: dict, rng: random.Random):
    return rng.choices(list(weights), list(weights.values()))[0]


def moment_in_last_six_months(now: datetime, rng: random.Random) -> datetime:
    return now - timedelta(seconds=rng.uniform(0, DAYS * 86400))


# Seeding -------------------------------------------------------------------------


def seed_schools_and_enrollment(rng: random.Random) -> tuple[list[int], dict[int, int], str]:
    """20 schools and this school year's figures; returns the school ids, their totals and the year."""
    db.session.add_all([School(name=name, level=level) for name, level, _range in SCHOOLS])
    db.session.commit()
    school_ids = list(db.session.scalars(select(School.id).order_by(School.id)))
    totals = {school_id: rng.randint(*students) for school_id, (_name, _level, students) in zip(school_ids, SCHOOLS,
                                                                                                  strict=True)}
    district = sum(totals.values())

    def split(shares: dict[str, float]) -> dict[str, int]:
        counts = {key: round(district * share) for key, share in shares.items()}
        first = next(iter(shares))
        counts[first] = district - sum(counts.values())
        return counts

    school_year = school_year_of(district_today())
    rows = [{"school_id": school_id, "dimension": EnrollmentDimension.TOTAL, "group_key": "", "students": students}
            for school_id, students in totals.items()]
    rows += [{"school_id": None, "dimension": EnrollmentDimension.LANGUAGE, "group_key": key, "students": students}
             for key, students in split(ENROLLED_LANGUAGES).items()]
    rows += [{"school_id": None, "dimension": EnrollmentDimension.RACE_ETHNICITY, "group_key": key,
              "students": students} for key, students in split(ENROLLED_RACES).items()]
    db.session.execute(insert(EnrollmentFigure), [{**row, "school_year": school_year} for row in rows])
    db.session.commit()
    return school_ids, totals, school_year


def seed_leader() -> User:
    leader = User(email=LEADER, display_name="Lee Leader", password_hash=hash_password(PASSWORD), role="leader",
                  email_verified_at=utcnow())
    db.session.add(leader)
    db.session.commit()
    return leader


def seed_plans(leader: User) -> list[SeededPlan]:
    """Two plans of 3 sections x 3 actions, each published six months ago."""
    seeded = []
    for title, status in (("Family Engagement Plan 2026-27", PlanStatus.DRAFT),
                          ("Equity and Belonging Plan", PlanStatus.FINAL)):
        plan = Plan(title=title, summary="How schools and families work together.", status=PlanStatus.DRAFT,
                    timeline_months=[10, 11, 12, 1, 2, 3, 4, 5, 6], created_by_id=leader.id)
        for s in range(3):
            section = PlanSection(position=s, title=f"Goal {s + 1}: welcoming every family", intro="")
            section.actions = [PlanAction(position=a, number=f"{s + 1}.{a + 1}", title="Family nights",
                                          description="Hold evening sessions at every school, with interpreters.",
                                          responsible_office="Family Engagement Office", months=[10, 11, 12])
                               for a in range(3)]
            plan.sections.append(section)
        db.session.add(plan)
        db.session.commit()
        version = plans.publish_version(leader, plan, status=status, change_note="For the community's feedback")
        version.published_at = utcnow() - timedelta(days=DAYS + 3)
        db.session.commit()
        seeded.append(SeededPlan(plan.id, version.id, [section["key"] for section in version.snapshot["sections"]]))
    return seeded


def seed_people(size: Size, school_ids: list[int], totals: dict[int, int], rng: random.Random) -> list[Person]:
    """Accounts with a profile each; a school's pull is its enrollment times a factor of its own."""
    password = hash_password(PASSWORD)
    now = utcnow()
    db.session.execute(insert(User), [
        {"email": f"person{i}@example.org", "display_name": f"Person {i}", "password_hash": password,
         "role": "participant", "email_verified_at": now,
         "locale": "es" if i % 6 == 0 else "en", "created_at": now - timedelta(days=rng.uniform(DAYS, 3 * DAYS))}
        for i in range(size.people)
    ])
    accounts = db.session.execute(select(User.id, User.display_name, User.email).where(User.role == "participant")
                                  .order_by(User.id))
    pull = [totals[school_id] * rng.uniform(0.2, 1.5) for school_id in school_ids]
    people, profiles, links = [], [], []
    for user_id, name, email in accounts:
        relationship, language = pick(RELATIONSHIPS, rng), pick(LANGUAGES, rng)
        chance = rng.random()
        races = [] if chance < 0.15 else rng.sample(list(RACES), 2) if chance > 0.9 else [pick(RACES, rng)]
        schools = tuple(sorted(set(rng.choices(school_ids, pull, k=rng.choice([1, 1, 1, 2])))))
        people.append(Person(user_id, name, email, relationship, language, schools))
        profiles.append({"user_id": user_id, "relationship_to_district": relationship, "preferred_language": language,
                         "race_ethnicity": races, "updated_at": now})
        links += [{"profile_id": user_id, "school_id": school_id} for school_id in schools]
    db.session.execute(insert(ParticipantProfile), profiles)
    db.session.execute(insert(profile_schools), links)
    db.session.commit()
    return people


def seed_comments(seeded: list[SeededPlan], people: list[Person], leader: User, size: Size,
                  rng: random.Random) -> None:
    """Every commenter writes at least one; a few write many."""
    now = utcnow()
    writers = [person.id for person in rng.sample(people, size.commenters)]
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(writers))]
    authors = writers + rng.choices(writers, weights, k=size.comments - len(writers))
    rows = []
    for n, author_id in enumerate(authors):
        plan = seeded[0] if rng.random() < 0.6 else seeded[1]
        chance = rng.random()
        official = n >= len(writers) and chance < 0.01  # in place of a later comment: every writer keeps one
        status = (CommentStatus.HIDDEN if chance > 0.99 else CommentStatus.DELETED if chance > 0.98
                  else CommentStatus.VISIBLE)
        rows.append({"plan_id": plan.id, "version_id": plan.version_id, "section_key": rng.choice(plan.section_keys),
                     "action_key": None, "author_id": leader.id if official else author_id,
                     "body": "" if status == CommentStatus.DELETED else "We need later bus times. " * rng.randint(1, 6),
                     "language": "es" if rng.random() < 0.15 else "en", "anonymous": rng.random() < 0.05,
                     "official": official, "status": status,
                     "moderation_reason": "Personal attack" if status == CommentStatus.HIDDEN else None,
                     "submission_token": secrets.token_urlsafe(24), "created_at": moment_in_last_six_months(now, rng)})
    db.session.execute(insert(Comment), rows)
    db.session.commit()


def seed_surveys(seeded: list[SeededPlan], people: list[Person], school_ids: list[int], leader: User, size: Size,
                 rng: random.Random) -> None:
    """An identified and an anonymous survey per plan, the responses split evenly between the four."""
    now = utcnow()
    surveys = [Survey(title=f"{label} survey on plan {n + 1}", plan_id=plan.id, status=SurveyStatus.PUBLISHED,
                      anonymity=anonymity, opens_at=now - timedelta(days=DAYS + 1),
                      published_at=now - timedelta(days=DAYS + 1), created_by_id=leader.id)
               for n, plan in enumerate(seeded)
               for label, anonymity in (("Identified", SurveyAnonymity.IDENTIFIED),
                                        ("Anonymous", SurveyAnonymity.ANONYMOUS))]
    db.session.add_all(surveys)
    db.session.commit()
    rows, schools_of = [], []
    for n, survey in enumerate(surveys):
        count = size.responses // len(surveys) + (n < size.responses % len(surveys))
        if survey.anonymity == SurveyAnonymity.IDENTIFIED:
            for person in rng.sample(people, count):  # one response per account
                rows.append({"survey_id": survey.id, "respondent_id": person.id,
                             "relationship_to_district": person.relationship,
                             "language": person.language or rng.choice(["en", "es"]),
                             "submission_token": secrets.token_urlsafe(24),
                             "submitted_at": moment_in_last_six_months(now, rng)})
                schools_of.append(person.school_ids)
        else:
            for _ in range(count):
                submitted = moment_in_last_six_months(now, rng).replace(hour=0, minute=0, second=0, microsecond=0)
                rows.append({"survey_id": survey.id, "respondent_id": None,
                             "relationship_to_district": pick(RELATIONSHIPS, rng),
                             "language": pick(RESPONSE_LANGUAGES, rng),
                             "submission_token": secrets.token_urlsafe(24), "submitted_at": submitted})
                schools_of.append(tuple(rng.sample(school_ids, rng.choice([0, 1, 1, 1, 1, 2]))))
    ids = db.session.scalars(insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
                             rows).all()
    db.session.execute(insert(survey_response_schools), [
        {"response_id": response_id, "school_id": school_id}
        for response_id, schools in zip(ids, schools_of, strict=True) for school_id in schools
    ])
    db.session.commit()
    refresh_facts_keys({row["survey_id"] for row in rows})  # bulk rows skip the ORM's flush, which keeps them


def plan_registration(session: dict, person: Person | None, n: int, now: datetime, rng: random.Random) -> dict:
    """One registration for a session, as the app would have left it by now."""
    starts = session["starts_at"]
    past = session["ends_at"] < now
    created = min(max(starts - timedelta(days=rng.uniform(3, 30)), now - timedelta(days=DAYS)), now)
    row = {"user_id": person.id if person else None, "name": person.name if person else f"Guest {n}",
           "party_size": rng.choice([1, 1, 1, 2, 3]),
           "email": person.email if person else f"guest{n}@example.org", "consented_at": created,
           "interpretation_language": pick(INTERPRETATION, rng), "locale": rng.choice(["en", "en", "es"]),
           "status": RegistrationStatus.CONFIRMED, "walk_in": False, "created_at": created, "confirmed_at": created,
           "waitlisted_at": None, "cancelled_at": None, "cancelled_by": None, "checked_in_at": None,
           "submission_token": secrets.token_urlsafe(24)}
    chance = rng.random()
    if session["status"] == SessionStatus.CANCELLED:
        row.update(status=RegistrationStatus.CANCELLED, cancelled_at=session["cancelled_at"],
                   cancelled_by=CancelledBy.SESSION)
    elif past and chance < 0.06:
        arrived = starts + timedelta(minutes=rng.uniform(0, 20))
        row.update(user_id=None, name=f"Walk-in {n}", email=None, consented_at=None, walk_in=True,
                   created_at=arrived, confirmed_at=arrived, checked_in_at=arrived)
    elif chance < 0.16:
        row.update(status=RegistrationStatus.CANCELLED, cancelled_at=min(created + timedelta(days=1), now),
                   cancelled_by=rng.choice([CancelledBy.PARTICIPANT, CancelledBy.PARTICIPANT, CancelledBy.HOST]))
    elif chance < 0.20:
        row.update(status=RegistrationStatus.WAITLISTED, waitlisted_at=created, confirmed_at=None)
    elif past and rng.random() < 0.7:
        row["checked_in_at"] = starts + timedelta(minutes=rng.uniform(-10, 15))
    return row


def seed_conversations(seeded: list[SeededPlan], people: list[Person], school_ids: list[int], leader: User,
                       size: Size, rng: random.Random) -> None:
    """Sessions over the six months (a few to come, a few cancelled), and their registrations."""
    now = utcnow()
    sessions = []
    for n in range(size.sessions):
        starts = now - timedelta(days=rng.uniform(-14, DAYS - 7))
        online = rng.random() < 0.1
        cancelled = n % 20 == 10  # one in twenty
        sessions.append({
            "plan_id": rng.choice(seeded).id, "school_id": None if online else rng.choice(school_ids),
            "title": f"Community conversation {n + 1}", "description": "Talk with us about the plan.",
            "starts_at": starts, "ends_at": starts + timedelta(hours=1.5), "created_by_id": leader.id,
            "format": SessionFormat.ONLINE if online else SessionFormat.IN_PERSON,
            "address": "" if online else "Library", "online_url": "https://meet.example.org/x" if online else "",
            "capacity": 60, "status": (SessionStatus.CANCELLED if cancelled else SessionStatus.COMPLETED
                                       if starts < now else SessionStatus.SCHEDULED),
            "cancelled_at": starts - timedelta(days=2) if cancelled else None,
            "cancellation_reason": "The room is not available." if cancelled else "",
            "submission_token": secrets.token_urlsafe(24), "created_at": starts - timedelta(days=40),
        })
    registrations: list[tuple[int, dict]] = []
    signed_up: set[tuple[int, int]] = set()
    for n in range(size.registrations):
        index = rng.randrange(len(sessions))
        person = rng.choice(people) if rng.random() < 0.75 else None
        if person is not None and (index, person.id) in signed_up:
            person = None  # already signed up: a guest instead
        row = plan_registration(sessions[index], person, n, now, rng)
        if row["user_id"] is not None:
            signed_up.add((index, row["user_id"]))
        registrations.append((index, row))
    for index, row in registrations:
        if row["status"] == RegistrationStatus.CONFIRMED:
            sessions[index]["seats_taken"] = sessions[index].get("seats_taken", 0) + row["party_size"]
    for session in sessions:
        session.setdefault("seats_taken", 0)
        session["capacity"] = max(session["capacity"], session["seats_taken"])
        if session["status"] == SessionStatus.SCHEDULED and session["seats_taken"] >= session["capacity"]:
            session["status"] = SessionStatus.FULL
    ids = db.session.scalars(insert(ConversationSession).returning(ConversationSession.id,
                                                                   sort_by_parameter_order=True), sessions).all()
    db.session.execute(insert(Registration), [{**row, "session_id": ids[index]} for index, row in registrations])
    db.session.commit()


def row_counts(school_year: str) -> list[str]:
    def count(table, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(table).where(*where))

    def figures(dimension: str) -> int:
        return count(EnrollmentFigure, EnrollmentFigure.dimension == dimension)

    students = db.session.scalar(select(func.sum(EnrollmentFigure.students))
                                 .where(EnrollmentFigure.dimension == EnrollmentDimension.TOTAL))
    commenters = db.session.scalar(select(func.count(func.distinct(Comment.author_id)))
                                   .where(Comment.official.is_(False)))
    status = Registration.status
    return [
        f"{count(School)} schools; enrollment {school_year}: {figures(EnrollmentDimension.TOTAL)} school totals "
        f"({students:,} students), {figures(EnrollmentDimension.LANGUAGE)} languages and "
        f"{figures(EnrollmentDimension.RACE_ETHNICITY)} race/ethnicity groups district-wide",
        f"{count(User):,} accounts, {count(ParticipantProfile):,} profiles naming "
        f"{count(profile_schools):,} schools; "
        f"{count(Plan)} published plans",
        f"{count(Comment):,} comments by {commenters:,} people "
        f"({count(Comment, Comment.status != CommentStatus.VISIBLE)} hidden or deleted, "
        f"{count(Comment, Comment.official)} official)",
        f"{count(SurveyResponse):,} survey responses "
        f"({count(SurveyResponse, SurveyResponse.respondent_id.is_(None)):,} anonymous) to {count(Survey)} surveys, "
        f"naming {count(survey_response_schools):,} schools",
        f"{count(ConversationSession)} sessions "
        f"({count(ConversationSession, ConversationSession.status == SessionStatus.CANCELLED)} cancelled, "
        f"{count(ConversationSession, ConversationSession.starts_at > utcnow())} to come); "
        f"{count(Registration):,} registrations "
        f"({count(Registration, status == RegistrationStatus.CANCELLED)} cancelled, "
        f"{count(Registration, status == RegistrationStatus.WAITLISTED)} waitlisted, "
        f"{count(Registration, Registration.checked_in_at.is_not(None)):,} checked in, "
        f"{count(Registration, Registration.walk_in)} walk-ins)",
    ]


# Timing ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 accounts and 10 requests each, for CI")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    rng = random.Random(11)

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        with app.app_context():
            started = time.perf_counter()
            school_ids, totals, school_year = seed_schools_and_enrollment(rng)
            leader = seed_leader()
            seeded = seed_plans(leader)
            people = seed_people(size, school_ids, totals, rng)
            seed_comments(seeded, people, leader, size, rng)
            seed_surveys(seeded, people, school_ids, leader, size, rng)
            seed_conversations(seeded, people, school_ids, leader, size, rng)
            print(f"database: {db.engine.url.get_backend_name()} (loaded in {time.perf_counter() - started:.1f}s)")
            print("\n".join(row_counts(school_year)))
            participations = load_participations()
            print(f"the count reads {len(participations):,} participations by "
                  f"{len({p.person for p in participations}):,} people")
            counting = []
            for _run in range(3):
                started = time.perf_counter()
                rows = count_everyone()
                counting.append(time.perf_counter() - started)
            print(f"counting everyone into the summary table (the queue's job, {rows} rows): "
                  f"{min(counting) * 1000:.0f} ms (best of 3); the pages below read the summary")
            plan_id = seeded[0].id
            engine = db.engine
        started_at = datetime.now()

        client = app.test_client()
        response = client.post("/login", data={"email": LEADER, "password": PASSWORD})
        assert response.status_code == 302, "could not sign in"
        queries = count_statements(engine)

        def get(path: str):
            def send(_i: int) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            return send

        print(f"\n{size.requests} requests each, signed in as {LEADER}")
        print(HEADER)
        measure("page, all plans", size.requests, get("/leadership/participation"), queries)
        measure("page, one plan", size.requests, get(f"/leadership/participation?plan={plan_id}"), queries)
        measure("CSV export", size.requests, get("/leadership/participation.csv"), queries)
        print(f"timed in {(datetime.now() - started_at).total_seconds():.1f}s")
        engine.dispose()


if __name__ == "__main__":
    main()
