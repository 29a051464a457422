"""Build a whole district's data, through the app's models and in bulk, and time it.

    .venv/bin/python bench/district.py                  # large: 100,000 accounts, 200,000 comments
    .venv/bin/python bench/district.py --size medium    # a tenth of the activity (for CI)
    .venv/bin/python bench/district.py --size small     # a hundredth, for quick checks
    .venv/bin/python bench/district.py --skip-themes    # without the theme run
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/district.py

Every size builds the same district: 200 schools (140 elementary, 40 middle, 20
high) with this school year's enrollment (about 160,000 students, and
district-wide figures by home language and by race or ethnicity); a leader; the
district's plan (8 sections x 5 actions, each with one to three indicators),
published twice and taking feedback now; 19 school plans, each owned by a
school and implementing a few district actions, 13 taking feedback and 6 final;
5 published surveys on the district plan (3 identified, 2 anonymous). The sizes
differ in how much the community did over the last six months:

                     large      medium    small
    accounts         100,000    10,000    1,000   each with a profile and one or two schools
    comments         200,000    20,000    2,000   70% top level, 30% replies; about 1 "I agree" per 2
    survey responses  60,000     6,000      600   with their answers; identified and anonymous
    sessions             300        30        3   conversations, at schools or online
    registrations     20,000     2,000      200   seats taken match the confirmed party sizes
    progress updates   2,000       200       20   on the district plan's actions

Comments are three fifths on the district plan, on the plan, its sections and
its actions, written from a few dozen phrases about buses, lunch, interpreters,
discipline, homework, safety, the budget... in English and Spanish, so that a
theme run finds themes; replies are nested as the app nests them (parent, root
and depth, reply_count and support_count matching the rows). Then one theme run
on the district plan, through the app's own job, with TF-IDF.

Everything else is bulk inserted, in batches; every person shares one
precomputed password hash; random.Random(seed) makes the data repeatable.
`build_district(size)` is for other benchmarks: it seeds the empty database of
the current app context and returns the row count of each table it filled.
`main()` prints how long each stage took, the total, and the row counts.

The database is a temporary SQLite file, or the PostgreSQL database DATABASE_URL
points at, which must be empty (the migrations build the schema; drop the
database afterwards).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from harness import bench_app  # noqa: E402 - bench/ is on sys.path
from participation import Person, pick, plan_registration  # noqa: E402
from plan_page import check_consistency  # noqa: E402
from engage.accounts.models import ParticipantProfile, User, hash_password, profile_schools  # noqa: E402
from engage.comments.models import Comment, CommentStatus, CommentSupport  # noqa: E402
from engage.comments.services import MAX_DEPTH  # noqa: E402
from engage.conversations.models import (  # noqa: E402
    ConversationSession,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionLanguage,
    SessionStatus,
)
from engage.extensions import db  # noqa: E402
from engage.i18n import district_today  # noqa: E402
from engage.leadership.enrollment import school_year_of  # noqa: E402
from engage.leadership.models import TWO_OR_MORE, EnrollmentDimension, EnrollmentFigure  # noqa: E402
from engage.models import as_utc, utcnow  # noqa: E402
from engage.orgs.models import School, SchoolLevel  # noqa: E402
from engage.plans import services as plans  # noqa: E402
from engage.plans.models import (  # noqa: E402
    Plan,
    PlanAction,
    PlanIndicator,
    PlanSection,
    PlanStatus,
    PlanVersion,
    plan_implements,
)
from engage.surveys.disclosure import refresh_facts_keys  # noqa: E402
from engage.surveys.models import (  # noqa: E402
    OTHER_OPTION_KEY,
    QuestionKind,
    Survey,
    SurveyAnonymity,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    survey_response_schools,
)
from engage.surveys.questions import PROFILE_PROMPTS, default_options  # noqa: E402
from engage.themes import services as themes  # noqa: E402
from engage.themes.models import Theme, ThemeAssignment, ThemeRun  # noqa: E402
from engage.tracker.models import (  # noqa: E402
    ActionProgress,
    EvidenceKind,
    MetricValue,
    ProgressStatus,
    ProgressUpdate,
)

PASSWORD = "bench password 123"
LEADER = "leader@example.org"
DAYS = 182  # six months of taking part
BATCH = 10_000  # rows per INSERT execution


@dataclass(frozen=True)
class Size:
    accounts: int
    comments: int
    responses: int
    sessions: int
    registrations: int
    updates: int


SIZES = {
    "large": Size(accounts=100_000, comments=200_000, responses=60_000, sessions=300, registrations=20_000,
                  updates=2_000),
    "medium": Size(accounts=10_000, comments=20_000, responses=6_000, sessions=30, registrations=2_000, updates=200),
    "small": Size(accounts=1_000, comments=2_000, responses=600, sessions=3, registrations=200, updates=20),
}

# The district --------------------------------------------------------------------

NAMES = ["Adams", "Brookside", "Cedar Grove", "Eastgate", "Fairview", "Glenwood", "Hillcrest", "Lakeview",
         "Maple Hill", "Northside", "Oak Park", "Riverside", "Harbor View", "Jefferson", "Kennedy", "Westfield",
         "Sunnyside", "Riverbend", "Central", "Summit", "Lincoln", "Roosevelt", "Washington", "Madison", "Monroe",
         "Garfield", "Hawthorne", "Whittier", "Emerson", "Franklin", "Audubon", "Bryant", "Chavez", "Douglass",
         "Earhart", "Grant", "Hamilton", "Irving", "Jackson", "King", "Lowell", "Marshall", "Nightingale",
         "Olympic", "Parks", "Quincy", "Ridgeway", "Sequoia", "Truman", "Union", "Valley View", "Willow Creek",
         "Aspen", "Birchwood", "Cottonwood", "Dogwood", "Elmhurst", "Forest Hills", "Greenfield", "Highland",
         "Ivy Lane", "Juniper", "Kingswood", "Laurel", "Meadowbrook", "Northwood", "Orchard", "Pinecrest",
         "Quail Run", "Redwood"]
# (name, short name, level, students from, to): about 81,000 + 36,000 + 43,000 students.
SCHOOLS = ([(f"{name} Elementary School", name, SchoolLevel.ELEMENTARY, (400, 760)) for name in NAMES]
           + [(f"{name} Primary School", name, SchoolLevel.ELEMENTARY, (400, 760)) for name in NAMES]
           + [(f"{name} Middle School", name, SchoolLevel.MIDDLE, (700, 1100)) for name in NAMES[:40]]
           + [(f"{name} High School", name, SchoolLevel.HIGH, (1700, 2600)) for name in NAMES[40:60]])
ENROLLED_LANGUAGES = {"en": 0.0, "es": 0.22, "so": 0.04, "vi": 0.03, "ar": 0.025, "zh": 0.02, "am": 0.01,
                      "fr": 0.01, "ht": 0.01, "ko": 0.0005, "other": 0.02}
ENROLLED_RACES = {"white": 0.0, "hispanic": 0.28, "black": 0.17, "asian": 0.09, TWO_OR_MORE: 0.07,
                  "middle_eastern": 0.025, "american_indian": 0.01, "pacific_islander": 0.005}
LANGUAGES = {"en": 70, "es": 14, "so": 2, "vi": 2, "ar": 1, "zh": 2, "am": 0.5, "fr": 0.5, "ht": 0.5, "ko": 0.2,
             "other": 1, None: 6}
RESPONSE_LANGUAGES = {key: weight for key, weight in LANGUAGES.items() if key}
RACES = {"white": 45, "hispanic": 18, "black": 12, "asian": 8, "middle_eastern": 2, "american_indian": 1,
         "pacific_islander": 0.5}
RELATIONSHIPS = {"parent": 60, "student": 8, "staff": 17, "community": 10, None: 5}
SCHOOL_YEAR = [8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6]

# The district plan: 8 sections of 5 short actions, each section with its office and the
# topics (keys of TOPICS) people raise about it.
SECTIONS = [
    ("Welcoming schools", "Family Engagement Office", ["welcome", "office", "diversity"],
     ["Greeters at every door", "A family room in every school", "Welcome packets in ten languages",
      "New-family nights", "Front office training"]),
    ("Two-way communication", "Communications", ["app", "communication", "report_cards"],
     ["One messaging app", "Monthly principal coffees", "Translated report cards", "Replies within a week",
      "A survey every term"]),
    ("Getting to school", "Transportation", ["buses", "bus_stops", "traffic"],
     ["Later bus pickups", "Safer bus stops", "Walking school buses", "Crossing guards", "Live bus tracking"]),
    ("Meals and the school day", "Nutrition Services", ["lunch", "lunch_time", "start_times", "recess"],
     ["Healthier lunches", "Longer lunch periods", "Free breakfast for all", "Daily recess",
      "Later high school start"]),
    ("Student well-being", "Counseling", ["counselors", "discipline", "bullying", "attendance"],
     ["More counselors", "Restorative discipline", "Anti-bullying program", "Mental health days",
      "Attendance outreach"]),
    ("Learning at home", "Teaching and Learning", ["homework", "tutoring", "devices", "testing"],
     ["Homework guidelines", "Free tutoring", "Devices and hotspots", "Family math nights", "Summer reading"]),
    ("Language access", "Multilingual Services", ["interpreters", "translation"],
     ["Interpreters at every meeting", "Bilingual hiring", "Translated documents", "A language line",
      "Interpreter training"]),
    ("Family leadership", "Family Engagement Office", ["budget", "leadership", "class_size", "buildings"],
     ["Parent advisory councils", "Budget input sessions", "Leadership training", "Family seats on committees",
      "A yearly report back"]),
]
SCHOOL_PLAN_SECTIONS = [
    ("Reading and math", ["Small-group reading", "Math coaches", "Tutoring after school"]),
    ("A safe, welcoming school", ["Morning greeters", "Recess games", "A calm-down corner"]),
    ("Families as partners", ["Family nights", "Interpreters at conferences", "A parent volunteer hub"]),
]
INDICATORS = [("Sessions held at every school", "Number of sessions", "sessions"),
              ("Families who took part", "Number of families, from sign-in sheets", "families"),
              ("Staff trained", "Number of staff", "staff"),
              ("What families said", "Summary of the exit cards", ""),
              ("Schools that started it", "Share of schools", "%")]

# What people write: a few sentences from a few dozen topics, in English or Spanish.
TOPICS = {
    "buses": (["The {school} bus is late almost every morning.", "My kids wait 40 minutes for the bus in the cold.",
               "Bus routes changed again and nobody told us.", "We need later bus times for after-school clubs."],
              ["El autobús de {school} llega tarde casi todos los días.",
               "Mis hijos esperan el camión mucho tiempo en el frío."]),
    "bus_stops": (["The bus stop on the highway is not safe for little kids.",
                   "Please move the stop closer to the apartments near {school}."],
                  ["La parada del autobús está en una calle muy peligrosa.",
                   "Necesitamos una parada más cerca de los apartamentos."]),
    "traffic": (["Drop-off at {school} is chaos, cars everywhere.", "We need a crossing guard at the main street.",
                 "Pickup lines block the whole neighborhood."],
                ["La hora de recoger a los niños es un caos de carros.", "Necesitamos un guardia de cruce."]),
    "lunch": (["School lunch is mostly processed food.", "More fresh fruit and vegetables at lunch please.",
               "My son comes home hungry because he doesn't like the lunch."],
              ["La comida de la escuela no es saludable.", "El lonche no tiene suficientes verduras frescas."]),
    "lunch_time": (["Twenty minutes is not enough time to eat lunch.",
                    "Kids at {school} barely sit down before lunch ends."],
                   ["No les dan tiempo suficiente para comer.", "Mi hija no alcanza a terminar su almuerzo."]),
    "start_times": (["High school starts way too early, teens are exhausted.",
                     "A later start would help my teenager stay awake in class."],
                    ["Mis hijos se levantan a las 5:30 para llegar a tiempo.",
                     "La escuela empieza demasiado temprano para los adolescentes."]),
    "recess": (["Kids need more recess, not less.", "Recess at {school} was cut to fifteen minutes."],
               ["Los niños necesitan más tiempo de recreo.", "Quitaron el recreo como castigo, eso no está bien."]),
    "interpreters": (["There was no interpreter at our parent-teacher conference.",
                      "Please have Spanish and Somali interpreters at every meeting.",
                      "My husband could not follow the meeting at {school} without an interpreter."],
                     ["Nunca hay intérprete en las juntas de padres.",
                      "Necesitamos intérpretes en las conferencias con los maestros."]),
    "translation": (["Letters home should be translated, not just in English.",
                     "The website is only in English, many families cannot read it."],
                    ["Las cartas de la escuela llegan solo en inglés.",
                     "Queremos los documentos traducidos al español."]),
    "app": (["There are too many apps, I miss important messages.", "The school app sends five notifications a day.",
             "Please use one app for all messages from {school}."],
            ["Hay demasiadas aplicaciones y no sé cuál revisar.", "Los mensajes de la aplicación llegan tarde."]),
    "communication": (["Teachers take weeks to answer emails.", "We hear about events the day before they happen.",
                       "I want to know how my child is doing before report cards."],
                      ["Los maestros no contestan los correos.", "Nos avisan de los eventos muy tarde."]),
    "report_cards": (["Report cards are confusing, what does a 3 mean?", "Grades online are never up to date."],
                     ["No entiendo las calificaciones de mi hijo.", "Las boletas de calificaciones son confusas."]),
    "discipline": (["Suspensions are not fair to Black and Latino students.",
                    "Discipline at {school} is inconsistent from class to class.",
                    "Restorative practices work better than sending kids home."],
                   ["Suspenden a los niños por cualquier cosa.",
                    "La disciplina no es justa para todos los estudiantes."]),
    "bullying": (["My daughter is bullied on the bus and nothing happens.", "Bullying online follows kids into school.",
                  "Staff at {school} need training to stop bullying."],
                 ["A mi hijo le hacen bullying y nadie hace nada.", "La escuela no toma en serio el acoso."]),
    "counselors": (["One counselor for 500 students is not enough.", "Students need mental health support now.",
                    "Please hire more counselors and social workers."],
                   ["Necesitamos más consejeros en la escuela.", "Los estudiantes necesitan apoyo de salud mental."]),
    "attendance": (["Call families when a child misses school, do not just send a letter.",
                    "Attendance outreach should start in kindergarten."],
                   ["Deberían llamar a la familia cuando un niño falta.",
                    "Muchos niños faltan y nadie pregunta por qué."]),
    "homework": (["Too much homework for second graders.", "Homework takes three hours a night at {school}.",
                  "Homework should be practice, not new material."],
                 ["Les dejan demasiada tarea a los niños.", "No puedo ayudar con la tarea porque está en inglés."]),
    "tutoring": (["Free tutoring after school would help so many families.",
                  "My son needs help in math and we cannot pay a tutor."],
                 ["Necesitamos tutoría gratis después de clases.", "Mi hija necesita ayuda con la lectura."]),
    "devices": (["The school laptops are broken half the time.", "Many families have no internet at home."],
                ["No tenemos internet en la casa para las tareas.", "La computadora de la escuela no funciona."]),
    "testing": (["Too much testing, not enough teaching.", "State test prep takes over the whole spring."],
                ["Hay demasiados exámenes.", "Los niños tienen mucho estrés por las pruebas."]),
    "welcome": (["The front office at {school} was not welcoming to us.",
                 "New families need a tour and someone to explain how things work."],
                ["En la oficina no nos trataron bien.", "Las familias nuevas no saben cómo funciona la escuela."]),
    "office": (["Office hours end before working parents can come.", "I waited an hour at the front desk to enroll."],
               ["La oficina cierra antes de que salgamos del trabajo.",
                "Tuve que esperar mucho para inscribir a mi hijo."]),
    "diversity": (["Our teachers should look like our students.", "Teach more history from our communities."],
                  ["Queremos maestros que hablen español.", "El currículo debe incluir nuestras culturas."]),
    "budget": (["Show us where the budget money actually goes.", "Cut central office spending before cutting teachers.",
                "Families should have a say in the budget."],
               ["Queremos saber en qué se gasta el presupuesto.",
                "No recorten a los maestros, recorten la oficina central."]),
    "leadership": (["Parent councils meet at 2 pm when we are at work.",
                    "Give parents real seats on district committees."],
                   ["Las juntas son a una hora en que trabajamos.", "Los padres deben participar en las decisiones."]),
    "class_size": (["Thirty-two kids in a kindergarten class is too many.", "Class sizes at {school} keep growing."],
                   ["Hay demasiados niños en cada salón.", "Los grupos son muy grandes para un solo maestro."]),
    "buildings": (["The heating at {school} has been broken for weeks.", "The bathrooms are dirty and have no soap.",
                   "Classrooms are too hot in June, we need air conditioning."],
                  ["Los baños de la escuela están muy sucios.", "Hace mucho calor en los salones."]),
    "safety": (["Anyone can walk into {school} during the day.", "We need a fence around the playground.",
                "Lockdown drills scare the little ones, explain them to families."],
               ["Cualquier persona puede entrar a la escuela.", "Necesitamos más seguridad en la entrada."]),
}
TOPIC_KEYS = list(TOPICS)
OPENERS = (["", "", "", "As a parent of two, I have to say this.", "Thank you for asking families.",
            "I have kids at {school}.", "Honestly.", "I work nights, so this matters to us."],
           ["", "", "Gracias por preguntar.", "Tengo dos hijos en {school}.", "Soy madre de familia."])
CLOSERS = (["", "", "", "Please fix this.", "Thank you.", "This has gone on for years.", "We are counting on you."],
           ["", "", "Gracias.", "Por favor.", "Esperamos una respuesta."])
REPLY_OPENERS = (["I agree.", "Same here.", "Same at {school}.", "Yes!", "Not at our school, but I hear you.",
                  "This.", "Thank you for saying this."],
                 ["Estoy de acuerdo.", "Igual en {school}.", "Sí, es cierto.", "Gracias por decirlo."])
OFFICIAL = ("Thank you for raising this. The {office} is looking into it and will report back.",
            "Gracias por decirnos. La oficina responsable lo está revisando y les informará.")
OFFICES = sorted({office for _title, office, _topics, _actions in SECTIONS})

# The five surveys on the district plan: title, the section they ask about, a single-choice and a
# multiple-choice question with their options, and who answers.
SURVEYS = [
    ("Getting to school", 2, ("How does your child usually get to school?",
                              ["School bus", "Car", "Walking or biking", "Public transit"]),
     ("What would make the trip safer?", ["Crossing guards", "Later pickups", "Bus tracking", "Sidewalks",
                                          "Walking groups"]), SurveyAnonymity.IDENTIFIED),
    ("Meals and the school day", 3, ("Does your child eat school lunch?", ["Every day", "Some days", "Never"]),
     ("What should change first?", ["Fresher food", "Longer lunch", "Breakfast for all", "More recess",
                                    "Later start"]), SurveyAnonymity.IDENTIFIED),
    ("Hearing from every family", 6, ("In which language do you prefer to hear from school?",
                                      ["English", "Spanish", "Another language"]),
     ("Where have you needed an interpreter?", ["Conferences", "Meetings", "The front office", "Phone calls",
                                                "Never"]), SurveyAnonymity.IDENTIFIED),
    ("Student well-being", 4, ("Does your child feel safe at school?", ["Always", "Mostly", "Sometimes", "Rarely"]),
     ("Which supports have you used?", ["Counselor", "Social worker", "Nurse", "Mentoring", "None"]),
     SurveyAnonymity.ANONYMOUS),
    ("The plan as a whole", 7, ("Which goal matters most to you?", [title for title, *_rest in SECTIONS[:4]]),
     ("How would you like to take part?", ["Surveys", "Meetings", "Councils", "Online comments", "Conversations"]),
     SurveyAnonymity.ANONYMOUS),
]


@dataclass(frozen=True)
class SeededSchool:
    id: int
    short_name: str
    students: int


@dataclass
class SeededPlan:
    id: int
    school_id: int | None
    versions: list[tuple[datetime, int]]  # (published at, version id), oldest first
    sections: list[tuple[str, list[str]]]  # (section key, its action keys), from the latest snapshot
    comments_until: datetime

    def version_at(self, moment: datetime) -> int:
        return [version_id for at, version_id in self.versions if at <= moment][-1]

    def anchor(self, rng: random.Random) -> tuple[str | None, str | None]:
        """Where a comment goes: a tenth on the plan as a whole, half on a section, the rest on an action."""
        roll = rng.random()
        if roll < 0.1:
            return None, None
        section_key, action_keys = rng.choice(self.sections)
        return (section_key, None) if roll < 0.6 else (section_key, rng.choice(action_keys))


@dataclass(slots=True)
class Node:
    """A comment planned in memory, so counts are right before anything is inserted."""

    plan: SeededPlan
    section_key: str | None
    action_key: str | None
    author_id: int
    created_at: datetime
    body: str
    language: str
    topic: str
    anonymous: bool = False
    official: bool = False
    status: str = CommentStatus.VISIBLE
    moderation_reason: str | None = None
    depth: int = 0
    parent: Node | None = None
    root: Node | None = None
    replies: int = 0
    supporters: set[int] | None = None
    id: int | None = None


def token(rng: random.Random) -> str:
    """A submission token, repeatable from the seed."""
    return f"{rng.getrandbits(128):032x}"


# Through the models' tables rather than the ORM's bulk insert: the ORM splits a batch wherever the
# rows' None values differ (a reply among comments, a text answer among choices) and executes each
# part on its own, which on SQLite makes a batch of comments with RETURNING take time quadratic in its size.
def insert_rows(model, rows: list[dict]) -> None:
    table = getattr(model, "__table__", model)
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])


def insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert the rows and return their ids, in the rows' order."""
    table = model.__table__
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        ids += db.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                  rows[start:start + BATCH]).all()
    return ids


class Writer:
    """Texts from TOPICS: an opener, one or two sentences on the topic, sometimes another topic, a closer."""

    def __init__(self, schools: list[SeededSchool], rng: random.Random):
        self.schools = [school.short_name for school in schools]
        self.rng = rng

    def sentence(self, topic: str, spanish: bool) -> str:
        return self.rng.choice(TOPICS[topic][spanish]).replace("{school}", self.rng.choice(self.schools))

    def comment(self, topic: str, spanish: bool) -> str:
        rng = self.rng
        said = rng.sample(TOPICS[topic][spanish], 2 if rng.random() < 0.4 else 1)
        parts = [rng.choice(OPENERS[spanish]), *said]
        if rng.random() < 0.2:
            parts.append(self.sentence(rng.choice(TOPIC_KEYS), spanish))
        parts.append(rng.choice(CLOSERS[spanish]))
        return " ".join(part for part in parts if part).replace("{school}", rng.choice(self.schools))

    def reply(self, topic: str, spanish: bool) -> str:
        opener = self.rng.choice(REPLY_OPENERS[spanish]).replace("{school}", self.rng.choice(self.schools))
        return opener if self.rng.random() < 0.3 else f"{opener} {self.sentence(topic, spanish)}"


# Seeding -------------------------------------------------------------------------


def seed_schools_and_enrollment(rng: random.Random) -> list[SeededSchool]:
    """200 schools and this school year's figures: each school's total, and the district's by language and race."""
    ids = insert_returning_ids(School, [{"name": name, "level": level} for name, _short, level, _range in SCHOOLS])
    schools = [SeededSchool(school_id, short, rng.randint(*students))
               for school_id, (_name, short, _level, students) in zip(ids, SCHOOLS, strict=True)]
    district = sum(school.students for school in schools)

    def split(shares: dict[str, float]) -> dict[str, int]:
        counts = {key: round(district * share) for key, share in shares.items()}
        first = next(iter(shares))
        counts[first] = district - sum(counts.values())
        return counts

    rows = [{"school_id": school.id, "dimension": EnrollmentDimension.TOTAL, "group_key": "",
             "students": school.students} for school in schools]
    rows += [{"school_id": None, "dimension": EnrollmentDimension.LANGUAGE, "group_key": key, "students": students}
             for key, students in split(ENROLLED_LANGUAGES).items()]
    rows += [{"school_id": None, "dimension": EnrollmentDimension.RACE_ETHNICITY, "group_key": key,
              "students": students} for key, students in split(ENROLLED_RACES).items()]
    school_year = school_year_of(district_today())
    insert_rows(EnrollmentFigure, [{**row, "school_year": school_year} for row in rows])
    db.session.commit()
    return schools


def seed_leader() -> User:
    leader = User(email=LEADER, display_name="Lee Leader", password_hash=hash_password(PASSWORD), role="leader",
                  email_verified_at=utcnow())
    db.session.add(leader)
    db.session.commit()
    return leader


def _indicators(rng: random.Random, first_deadline: date) -> list[PlanIndicator]:
    indicators = []
    for position, (text_, metric, _unit) in enumerate(rng.sample(INDICATORS, rng.randint(1, 3))):
        deadline = first_deadline + timedelta(days=rng.randint(0, 540))
        indicators.append(PlanIndicator(position=position, text=text_, deadline=deadline,
                                        deadline_text=deadline.strftime("%B %Y"), metric=metric))
    return indicators


def _seeded(plan: Plan, versions: list, comments_until: datetime) -> SeededPlan:
    snapshot = versions[-1].snapshot
    sections = [(section["key"], [action["key"] for action in section["actions"]]) for section in snapshot["sections"]]
    return SeededPlan(plan.id, plan.owner_school_id, [(as_utc(v.published_at), v.id) for v in versions], sections,
                      as_utc(comments_until))


def seed_plans(leader: User, schools: list[SeededSchool], rng: random.Random) -> list[SeededPlan]:
    """The district plan (published twice, taking feedback) first, then 19 school plans."""
    now = utcnow()
    first_deadline = date.today().replace(day=1) - timedelta(days=180)
    district = Plan(title="Family Engagement Plan 2026-27", summary="How schools and families work together.",
                    status=PlanStatus.DRAFT, timeline_months=SCHOOL_YEAR, created_by_id=leader.id,
                    feedback_opens_at=now - timedelta(days=DAYS + 3), feedback_closes_at=now + timedelta(days=30))
    for s, (title, office, _topics, actions) in enumerate(SECTIONS):
        section = PlanSection(position=s, title=f"Goal {s + 1}: {title}", intro="")
        for a, action_title in enumerate(actions):
            action = PlanAction(position=a, number=f"{s + 1}.{a + 1}", title=action_title,
                                description=f"{action_title}, in every school, with families.",
                                responsible_office=office, months=SCHOOL_YEAR[a:a + 5])
            action.indicators = _indicators(rng, first_deadline)
            section.actions.append(action)
        district.sections.append(section)
    db.session.add(district)
    db.session.commit()
    first = plans.publish_version(leader, district, status=PlanStatus.DRAFT, change_note="For the community's feedback")
    district = plans.get_plan(district.id)
    district.sections[2].actions[0].description = "Pickups after 7:30, and buses for after-school clubs."
    db.session.commit()
    second = plans.publish_version(leader, district, status=PlanStatus.REVISED_DRAFT,
                                   change_note="Revised after the first months of feedback")
    first.published_at, second.published_at = now - timedelta(days=DAYS + 3), now - timedelta(days=60)
    db.session.commit()
    seeded = [_seeded(district, [first, second], now)]

    district_actions = list(db.session.scalars(select(PlanAction.id).join(PlanSection)
                                               .where(PlanSection.plan_id == district.id).order_by(PlanAction.id)))
    owners = rng.sample(schools, 19)
    for n, owner in enumerate(owners):
        final = n >= 13  # adopted a month ago: its feedback is over
        plan = Plan(title=f"{owner.short_name} School Improvement Plan 2026-27", summary="Our school's goals.",
                    owner_school_id=owner.id, status=PlanStatus.DRAFT, timeline_months=SCHOOL_YEAR,
                    created_by_id=leader.id, feedback_opens_at=now - timedelta(days=DAYS + 3),
                    feedback_closes_at=now - timedelta(days=30) if final else now + timedelta(days=30))
        for s, (title, actions) in enumerate(SCHOOL_PLAN_SECTIONS):
            section = PlanSection(position=s, title=title, intro="")
            for a, action_title in enumerate(actions):
                action = PlanAction(position=a, number=f"{s + 1}.{a + 1}", title=action_title,
                                    description=f"{action_title} at our school.", responsible_office="Principal",
                                    months=SCHOOL_YEAR[a:a + 6])
                action.indicators = _indicators(rng, first_deadline)
                section.actions.append(action)
            plan.sections.append(section)
        db.session.add(plan)
        db.session.commit()
        version = plans.publish_version(leader, plan, status=PlanStatus.DRAFT, change_note="For families' feedback")
        version.published_at = now - timedelta(days=DAYS + 3)
        versions = [version]
        if final:
            adopted = plans.publish_version(leader, plan, status=PlanStatus.FINAL, change_note="Adopted")
            adopted.published_at = now - timedelta(days=30)
            versions.append(adopted)
        db.session.commit()
        seeded.append(_seeded(plan, versions, plan.feedback_closes_at if final else now))
    insert_rows(plan_implements, [{"plan_id": plan.id, "action_id": action_id} for plan in seeded[1:]
                                  for action_id in rng.sample(district_actions, rng.randint(2, 4))])
    db.session.commit()
    return seeded


def seed_people(size: Size, schools: list[SeededSchool], rng: random.Random) -> list[Person]:
    """Accounts with a profile each (the leader is one of size.accounts); a school's pull is its enrollment
    times a factor of its own."""
    password = hash_password(PASSWORD)
    now = utcnow()
    insert_rows(User, [
        {"email": f"person{i}@example.org", "display_name": f"Person {i}", "password_hash": password,
         "role": "participant", "email_verified_at": now, "locale": "es" if i % 6 == 0 else "en",
         "created_at": now - timedelta(days=rng.uniform(DAYS, 3 * DAYS))}
        for i in range(size.accounts - 1)
    ])
    accounts = db.session.execute(select(User.id, User.display_name, User.email).where(User.role == "participant")
                                  .order_by(User.id)).all()
    school_ids = [school.id for school in schools]
    cumulative = list(itertools.accumulate(school.students * rng.uniform(0.2, 1.5) for school in schools))
    people, profiles, links = [], [], []
    for user_id, name, email in accounts:
        relationship, language = pick(RELATIONSHIPS, rng), pick(LANGUAGES, rng)
        chance = rng.random()
        races = [] if chance < 0.15 else rng.sample(list(RACES), 2) if chance > 0.9 else [pick(RACES, rng)]
        chosen = tuple(sorted(set(rng.choices(school_ids, cum_weights=cumulative, k=rng.choice([1, 1, 1, 2])))))
        people.append(Person(user_id, name, email, relationship, language, chosen))
        profiles.append({"user_id": user_id, "relationship_to_district": relationship, "preferred_language": language,
                         "race_ethnicity": races, "updated_at": now})
        links += [{"profile_id": user_id, "school_id": school_id} for school_id in chosen]
    insert_rows(ParticipantProfile, profiles)
    insert_rows(profile_schools, links)
    db.session.commit()
    return people


def seed_comments(seeded: list[SeededPlan], people: list[Person], leader: User, writer: Writer, size: Size,
                  rng: random.Random) -> tuple[int, int]:
    """Comments and replies, three fifths on the district plan, and "I agree" marks. Returns the counts."""
    now = utcnow()
    district, school_plans = seeded[0], seeded[1:]
    # Half the people write; every writer at least once, a few many times.
    writers = [person.id for person in rng.sample(people, min(len(people), size.comments) // 2)]
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(writers))]
    authors = writers + rng.choices(writers, weights, k=size.comments - len(writers))
    rng.shuffle(authors)
    plan_topics = [topic for _title, _office, topics, _actions in SECTIONS for topic in topics]
    section_topics = {key: SECTIONS[s][2] for s, (key, _actions) in enumerate(district.sections)}
    section_office = {key: SECTIONS[s][1] for s, (key, _actions) in enumerate(district.sections)}

    def topic_for(plan: SeededPlan, section_key: str | None) -> str:
        if plan is district and section_key and rng.random() < 0.7:
            return rng.choice(section_topics[section_key])
        return rng.choice(plan_topics) if rng.random() < 0.8 else rng.choice(TOPIC_KEYS)

    top_level = round(size.comments * 0.7)
    nodes: list[Node] = []
    for n in range(top_level):
        plan = district if rng.random() < 0.6 else rng.choice(school_plans)
        section_key, action_key = plan.anchor(rng)
        start = plan.versions[0][0]
        created = start + (plan.comments_until - start - timedelta(hours=2)) * rng.random()
        topic, spanish = topic_for(plan, section_key), rng.random() < 0.15
        nodes.append(Node(plan, section_key, action_key, authors[n], created, writer.comment(topic, spanish),
                          "es" if spanish else "en", topic, anonymous=rng.random() < 0.05))
    # Replies, each to a comment already planned; a reply to the deepest level joins it, as the app does.
    discussed = rng.sample(nodes, max(1, len(nodes) // 4))
    replies: list[Node] = []
    for n in range(top_level, size.comments):
        target = rng.choice(discussed) if rng.random() < 0.6 or not replies else rng.choice(replies)
        attach_to = target if target.depth < MAX_DEPTH else target.parent
        until = attach_to.plan.comments_until - timedelta(hours=1)  # replies of replies add a second each
        created = min(target.created_at + timedelta(minutes=rng.uniform(1, 3 * 1440)), until)
        created = max(created, attach_to.created_at + timedelta(seconds=1))
        official = rng.random() < 0.02
        spanish = attach_to.language == "es" if rng.random() < 0.8 else rng.random() < 0.15
        office = section_office.get(attach_to.section_key, "Family Engagement Office") \
            if attach_to.plan is district else "principal's office"
        body = OFFICIAL[spanish].format(office=office) if official else writer.reply(attach_to.topic, spanish)
        author = authors[n] if authors[n] != attach_to.author_id else rng.choice(writers)
        node = Node(attach_to.plan, attach_to.section_key, attach_to.action_key, leader.id if official else author,
                    created, body, "es" if spanish else "en", attach_to.topic, official=official,
                    anonymous=not official and rng.random() < 0.05, depth=attach_to.depth + 1, parent=attach_to,
                    root=attach_to.root or attach_to)
        attach_to.replies += 1
        replies.append(node)
    nodes += replies
    # A few taken back by their authors, a few hidden by moderators.
    for node in rng.sample(nodes, len(nodes) // 100):
        node.status, node.body = CommentStatus.DELETED, ""
    for node in rng.sample([node for node in nodes if node.status == CommentStatus.VISIBLE], len(nodes) // 100):
        node.status, node.moderation_reason = CommentStatus.HIDDEN, "Personal attack"
    # "I agree": about one per two comments, most on a popular few; never by the comment's author.
    visible = [node for node in nodes if node.status == CommentStatus.VISIBLE]
    popular = rng.sample(visible, max(1, len(visible) // 20))
    person_ids = [person.id for person in people]
    supports = 0
    while supports < size.comments // 2:
        node = rng.choice(popular) if rng.random() < 0.7 else rng.choice(visible)
        supporter = rng.choice(person_ids)
        if node.supporters is None:
            node.supporters = set()
        if supporter != node.author_id and supporter not in node.supporters:
            node.supporters.add(supporter)
            supports += 1

    # Depth by depth, so every parent has its id before its replies go in; rows made a batch at a time.
    for depth in range(MAX_DEPTH + 1):
        wave = [node for node in nodes if node.depth == depth]
        for start in range(0, len(wave), BATCH):
            batch = wave[start:start + BATCH]
            rows = [{"plan_id": node.plan.id, "version_id": node.plan.version_at(node.created_at),
                     "section_key": node.section_key, "action_key": node.action_key,
                     "parent_id": node.parent.id if node.parent else None,
                     "root_id": node.root.id if node.root else None, "depth": depth, "author_id": node.author_id,
                     "body": node.body, "language": node.language, "anonymous": node.anonymous,
                     "official": node.official, "status": node.status, "moderation_reason": node.moderation_reason,
                     "submission_token": token(rng), "reply_count": node.replies,
                     "support_count": len(node.supporters or ()), "created_at": node.created_at} for node in batch]
            for node, comment_id in zip(batch, insert_returning_ids(Comment, rows), strict=True):
                node.id = comment_id
    insert_rows(CommentSupport, [
        {"comment_id": node.id, "user_id": user_id,
         "created_at": min(node.created_at + timedelta(hours=rng.uniform(0.1, 72)), now)}
        for node in nodes if node.supporters for user_id in sorted(node.supporters)
    ])
    db.session.commit()
    return len(nodes), supports


def _survey_questions(section: int, single, multiple, district: SeededPlan, rng: random.Random) -> list[SurveyQuestion]:
    section_key, action_keys = district.sections[section]
    action = rng.randrange(len(action_keys))

    def choices(labels: list[str]) -> list[dict]:
        return [{"key": f"k{i}", "label": label} for i, label in enumerate(labels)]

    questions = [
        SurveyQuestion(kind=QuestionKind.SINGLE_CHOICE, prompt=single[0], options=choices(single[1]), required=True),
        SurveyQuestion(kind=QuestionKind.MULTIPLE_CHOICE, prompt=multiple[0], options=choices(multiple[1]),
                       allow_other=True),
        SurveyQuestion(kind=QuestionKind.LIKERT, prompt=f"Action {section + 1}.{action + 1} would help my family.",
                       options=default_options(QuestionKind.LIKERT), section_key=section_key,
                       action_key=action_keys[action]),
        SurveyQuestion(kind=QuestionKind.LIKERT, prompt=f"The goal \"{SECTIONS[section][0]}\" is the right one.",
                       options=default_options(QuestionKind.LIKERT), section_key=section_key),
        SurveyQuestion(kind=QuestionKind.SHORT_TEXT, prompt="What one change would help your family most?",
                       options=[], section_key=section_key),
        SurveyQuestion(kind=QuestionKind.SECTION, prompt="About you", options=[]),
    ]
    questions += [SurveyQuestion(kind=kind, prompt=PROFILE_PROMPTS[kind], options=default_options(kind))
                  for kind in QuestionKind.PROFILE_KINDS]
    for position, question in enumerate(questions):
        question.position = position
    return questions


def seed_surveys(district: SeededPlan, people: list[Person], schools: list[SeededSchool], leader: User,
                 writer: Writer, size: Size, rng: random.Random) -> tuple[int, int]:
    """Five surveys on the district plan and their responses. Returns the numbers of responses and answers."""
    now = utcnow()
    opened = now - timedelta(days=DAYS)
    school_ids = [school.id for school in schools]
    surveys = []
    for title, section, single, multiple, anonymity in SURVEYS:
        survey = Survey(title=title, introduction="Tell us what you think of this part of the plan.",
                        plan_id=district.id, status=SurveyStatus.PUBLISHED, anonymity=anonymity, opens_at=opened,
                        closes_at=now + timedelta(days=30), published_at=opened, created_by_id=leader.id)
        survey.questions = _survey_questions(section, single, multiple, district, rng)
        surveys.append(survey)
    db.session.add_all(surveys)
    db.session.commit()

    responses = answers = 0
    for n, survey in enumerate(surveys):
        count = size.responses // len(surveys) + (n < size.responses % len(surveys))
        anonymous = survey.anonymity == SurveyAnonymity.ANONYMOUS
        # People signed in answer once each; visitors answer from a browser.
        signed_in = iter(rng.sample(people, min(len(people), round(count * (0.4 if anonymous else 0.6)))))
        by_kind = {question.kind: question for question in survey.questions}
        single, multi = by_kind[QuestionKind.SINGLE_CHOICE], by_kind[QuestionKind.MULTIPLE_CHOICE]
        likerts = [question for question in survey.questions if question.kind == QuestionKind.LIKERT]
        short = by_kind[QuestionKind.SHORT_TEXT]
        rel_q, school_q, lang_q = (by_kind[kind] for kind in QuestionKind.PROFILE_KINDS)
        single_keys = [option["key"] for option in single.options]
        multi_keys = [option["key"] for option in multi.options]
        topics = SECTIONS[SURVEYS[n][1]][2]
        for start in range(0, count, BATCH):
            rows, plans_of = [], []
            for _ in range(min(BATCH, count - start)):
                person = next(signed_in, None) if rng.random() < 0.7 else None
                submitted = opened + (now - opened) * rng.random()
                if person is not None:
                    relationship, language, chosen = person.relationship, person.language or "en", person.school_ids
                    key = f"user:{person.id}"
                else:
                    relationship, language = pick(RELATIONSHIPS, rng), pick(RESPONSE_LANGUAGES, rng)
                    chosen = tuple(rng.sample(school_ids, rng.choice([0, 1, 1, 1, 1, 2])))
                    key = f"browser:{rng.getrandbits(256):064x}"
                if anonymous:
                    submitted = submitted.replace(hour=0, minute=0, second=0, microsecond=0)
                spanish = language == "es"
                given = [(single.id, rng.choices(single_keys, [40, 30, 20, 10][:len(single_keys)])[0], None)]
                given += [(multi.id, key_, None) for key_ in rng.sample(multi_keys, rng.randint(1, 3))]
                if rng.random() < 0.05:
                    given.append((multi.id, OTHER_OPTION_KEY, writer.sentence(rng.choice(topics), spanish)))
                given += [(likert.id, rng.choices("12345", [8, 12, 20, 40, 20])[0], None)
                          for likert in likerts if rng.random() < 0.9]
                if rng.random() < 0.4:
                    topic = rng.choice(topics) if rng.random() < 0.7 else rng.choice(TOPIC_KEYS)
                    given.append((short.id, None, writer.sentence(topic, spanish)))
                if relationship:
                    given.append((rel_q.id, relationship, None))
                given += [(school_q.id, str(school_id), None) for school_id in chosen]
                given.append((lang_q.id, language, None))
                rows.append({"survey_id": survey.id,
                             "respondent_id": person.id if person is not None and not anonymous else None,
                             "relationship_to_district": relationship, "language": language,
                             "submission_token": token(rng), "submitted_at": submitted})
                plans_of.append((given, chosen, key, person.id if person is not None else None))
            ids = insert_returning_ids(SurveyResponse, rows)
            answer_rows = [{"response_id": response_id, "question_id": question_id, "option_key": option_key,
                            "text": text_}
                           for response_id, (given, _c, _k, _u) in zip(ids, plans_of, strict=True)
                           for question_id, option_key, text_ in given]
            insert_rows(SurveyAnswer, answer_rows)
            insert_rows(survey_response_schools, [
                {"response_id": response_id, "school_id": school_id}
                for response_id, (_g, chosen, _k, _u) in zip(ids, plans_of, strict=True) for school_id in chosen])
            insert_rows(SurveyParticipation, [{"survey_id": survey.id, "participant_key": key, "user_id": user_id}
                                              for _g, _c, key, user_id in plans_of])
            db.session.commit()
            responses, answers = responses + len(rows), answers + len(answer_rows)
    refresh_facts_keys([survey.id for survey in surveys])  # bulk rows skip the ORM's flush, which keeps them
    return responses, answers


def seed_conversations(seeded: list[SeededPlan], people: list[Person], schools: list[SeededSchool], leader: User,
                       size: Size, rng: random.Random) -> None:
    """Sessions over the six months (a few to come, a few cancelled), their languages, and registrations."""
    now = utcnow()
    district = seeded[0]
    by_id = {school.id: school for school in schools}
    sessions, languages = [], []
    for n in range(size.sessions):
        plan = district if rng.random() < 0.7 else rng.choice(seeded[1:])
        starts = now - timedelta(days=rng.uniform(-21, DAYS - 7))
        online = plan is district and rng.random() < 0.15
        school_id = None if online else plan.school_id or rng.choice(schools).id
        cancelled = n % 20 == 10  # one in twenty
        spoken = ["en"] + (["es"] if rng.random() < 0.5 else []) + (["so"] if rng.random() < 0.1 else [])
        sessions.append({
            "plan_id": plan.id, "school_id": school_id, "created_by_id": leader.id,
            "section_keys": [key for key, _actions in rng.sample(plan.sections, min(3, len(plan.sections)))],
            "title": f"Community conversation {n + 1}" + (f" at {by_id[school_id].short_name}" if school_id else ""),
            "description": "Talk with us about the plan.", "starts_at": starts,
            "ends_at": starts + timedelta(hours=1.5),
            "format": SessionFormat.ONLINE if online else SessionFormat.IN_PERSON,
            "address": "" if online else "Library", "online_url": "https://meet.example.org/x" if online else "",
            "interpretation_available": len(spoken) > 1, "childcare_offered": rng.random() < 0.5,
            "food_offered": rng.random() < 0.6, "capacity": rng.choice([80, 100, 120, 150]),
            "status": (SessionStatus.CANCELLED if cancelled else SessionStatus.COMPLETED if starts < now
                       else SessionStatus.SCHEDULED),
            "cancelled_at": starts - timedelta(days=2) if cancelled else None,
            "cancellation_reason": "The room is not available." if cancelled else "",
            "submission_token": token(rng), "created_at": starts - timedelta(days=40),
        })
        languages.append(spoken)
    registrations: list[tuple[int, dict]] = []
    signed_up: set[tuple[int, int]] = set()
    for n in range(size.registrations):
        index = rng.randrange(len(sessions))
        person = rng.choice(people) if rng.random() < 0.75 else None
        if person is not None and (index, person.id) in signed_up:
            person = None  # already signed up: a guest instead
        row = plan_registration(sessions[index], person, n, now, rng)
        row["submission_token"] = token(rng)
        if not sessions[index]["interpretation_available"]:
            row["interpretation_language"] = None
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
    ids = insert_returning_ids(ConversationSession, sessions)
    insert_rows(SessionLanguage, [{"session_id": session_id, "code": code, "position": position}
                                  for session_id, spoken in zip(ids, languages, strict=True)
                                  for position, code in enumerate(spoken)])
    insert_rows(Registration, [{**row, "session_id": ids[index]} for index, row in registrations])
    db.session.commit()


def seed_progress(district: SeededPlan, leader: User, size: Size, rng: random.Random) -> int:
    """Updates on the district plan's actions, with a value per indicator, and each action's progress row
    as the app keeps it. Returns the number of actions updated."""
    actions = db.session.execute(
        select(PlanAction.id, PlanAction.responsible_office, PlanAction.title).join(PlanSection)
        .where(PlanSection.plan_id == district.id).order_by(PlanAction.id)).all()
    indicators: dict[int, list[tuple[int, str]]] = {}
    units = {text_: unit for text_, _metric, unit in INDICATORS}
    for indicator_id, action_id, indicator_text in db.session.execute(
            select(PlanIndicator.id, PlanIndicator.action_id, PlanIndicator.text)
            .where(PlanIndicator.action_id.in_([action.id for action in actions])).order_by(PlanIndicator.position)):
        indicators.setdefault(action_id, []).append((indicator_id, units[indicator_text]))
    # A few busy actions get most updates; each action's percent only grows.
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(actions))]
    now = utcnow()
    start = now - timedelta(days=DAYS)
    planned: dict[int, list[datetime]] = {}
    for action in rng.choices(actions, weights, k=size.updates):
        planned.setdefault(action.id, []).append(start + (now - start) * rng.random())
    by_id = {action.id: action for action in actions}
    rows = []
    for action_id, moments in planned.items():
        percent = 0
        for moment in sorted(moments):
            percent = min(100, percent + rng.randint(0, 8))
            status = (ProgressStatus.DONE if percent == 100 else ProgressStatus.NOT_STARTED if percent == 0
                      else rng.choices([ProgressStatus.ON_TRACK, ProgressStatus.AT_RISK, ProgressStatus.DELAYED],
                                       [65, 20, 15])[0])
            link = rng.random() < 0.1
            spanish = rng.random() < 0.2
            summary = (f"{by_id[action_id].title}: avanzamos este mes; las familias pidieron más horarios."
                       if spanish else f"{by_id[action_id].title}: progress this month; families asked for more "
                                       "evening times.")
            rows.append({
                "action_id": action_id, "plan_id": district.id, "author_id": leader.id,
                "office": by_id[action_id].responsible_office,
                "as_of": (moment - timedelta(days=rng.randint(0, 10))).date(), "status": status,
                "percent_complete": percent, "summary": summary,
                "evidence_kind": EvidenceKind.LINK if link else EvidenceKind.NONE,
                "evidence_url": f"https://example.org/minutes/{len(rows)}.pdf" if link else "",
                "evidence_title": "Meeting minutes" if link else "",
                "submission_token": token(rng), "created_at": moment,
            })
    ids = insert_returning_ids(ProgressUpdate, rows)
    values = []
    for update_id, row in zip(ids, rows, strict=True):
        for position, (indicator_id, unit) in enumerate(indicators[row["action_id"]]):
            if unit:
                values.append({"update_id": update_id, "indicator_id": indicator_id,
                               "number": float(rng.randint(1, 100 if unit == "%" else 40)), "unit": unit, "text": ""})
            elif position == 0 or rng.random() < 0.5:
                values.append({"update_id": update_id, "indicator_id": indicator_id, "number": None, "unit": "",
                               "text": "Families asked for more evening times."})
    insert_rows(MetricValue, values)
    latest: dict[int, tuple] = {}
    counts: dict[int, int] = {}
    for update_id, row in zip(ids, rows, strict=True):
        key = (row["as_of"], row["created_at"], update_id)
        counts[row["action_id"]] = counts.get(row["action_id"], 0) + 1
        if row["action_id"] not in latest or key > latest[row["action_id"]][0]:
            latest[row["action_id"]] = (key, row)
    insert_rows(ActionProgress, [
        {"action_id": action_id, "plan_id": district.id, "status": row["status"],
         "percent_complete": row["percent_complete"], "update_count": counts[action_id], "last_update_id": key[2],
         "updated_at": row["created_at"]}
        for action_id, (key, row) in latest.items()
    ])
    db.session.commit()
    return len(latest)


COUNTED = [School, EnrollmentFigure, User, ParticipantProfile, profile_schools, Plan, PlanSection, PlanAction,
           PlanIndicator, PlanVersion, plan_implements, Comment, CommentSupport, Survey, SurveyQuestion,
           SurveyResponse, SurveyAnswer, SurveyParticipation, survey_response_schools, ConversationSession,
           SessionLanguage, Registration, ProgressUpdate, MetricValue, ActionProgress, ThemeRun, Theme,
           ThemeAssignment]


def row_counts() -> dict[str, int]:
    """Rows in each table the district fills, by table name."""
    counts = {}
    for table in COUNTED:
        table = getattr(table, "__table__", table)
        counts[table.name] = db.session.scalar(select(func.count()).select_from(table))
    return counts


# Building --------------------------------------------------------------------------


def build_district(size: str | Size = "large", *, themes_run: bool = True, seed: int = 20,
                   report: Callable[[str, str, float], None] | None = None) -> dict[str, int]:
    """Seed the empty database of the current app context with a district, and return its row counts.

    `size` is a key of SIZES or a Size; `report(stage, what, seconds)` is called after each stage.
    The theme run uses the app's THEMES_REPRESENTATION (TF-IDF in the benchmarks' config).
    """
    size = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)
    stage_started = [time.perf_counter()]

    def done(stage: str, what: str) -> None:
        now = time.perf_counter()
        if report is not None:
            report(stage, what, now - stage_started[0])
        stage_started[0] = now

    schools = seed_schools_and_enrollment(rng)
    students = sum(school.students for school in schools)
    done("schools", f"{len(schools)} schools, enrollment of {students:,} students")
    leader = seed_leader()
    seeded = seed_plans(leader, schools, rng)
    actions = sum(len(keys) for _key, keys in seeded[0].sections)
    done("plans", f"{len(seeded)} plans (the district's with {actions} actions), "
                  f"{sum(len(plan.versions) for plan in seeded)} versions")
    people = seed_people(size, schools, rng)
    done("people", f"{len(people) + 1:,} accounts")
    writer = Writer(schools, rng)
    comments, supports = seed_comments(seeded, people, leader, writer, size, rng)
    check_consistency()
    done("comments", f"{comments:,} comments, {supports:,} supports")
    responses, answers = seed_surveys(seeded[0], people, schools, leader, writer, size, rng)
    done("surveys", f"{responses:,} responses with {answers:,} answers on {len(SURVEYS)} surveys")
    seed_conversations(seeded, people, schools, leader, size, rng)
    done("conversations", f"{size.registrations:,} sign-ups over {size.sessions} sessions")
    updated = seed_progress(seeded[0], leader, size, rng)
    done("progress", f"{size.updates:,} progress updates on {updated} actions")
    # A database in use has planner statistics; freshly bulk-loaded tables have none.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    done("statistics", "ANALYZE")
    if themes_run:
        analysis = themes.default_analysis(None, seeded[0].id)
        run = themes.run_analysis_now(None, analysis)
        done("themes", f"a run on the district plan: {run.n_items:,} items, {run.n_themes} themes "
                       f"({run.representation})")
    return row_counts()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=list(SIZES), default="large", help="how much activity (default: large)")
    parser.add_argument("--skip-themes", action="store_true", help="leave out the theme run")
    args = parser.parse_args()

    def print_stage(stage: str, what: str, seconds: float) -> None:
        print(f"{stage}: {what} in {seconds:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp, THEMES_REPRESENTATION="tfidf")
        with app.app_context():
            print(f"database: {db.engine.url.get_backend_name()}; size: {args.size}", flush=True)
            started = time.perf_counter()
            counts = build_district(args.size, themes_run=not args.skip_themes, report=print_stage)
            print(f"total: {time.perf_counter() - started:.1f} s")
            width = max(len(name) for name in counts)
            print("\n".join(f"  {name:<{width}} {count:>10,}" for name, count in counts.items()))
            db.engine.dispose()


if __name__ == "__main__":
    main()
