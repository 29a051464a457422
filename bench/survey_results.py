"""Time a survey's results pages and its CSV export with 20,000 responses.

    .venv/bin/python bench/survey_results.py            # 20,000 responses, 20 requests each
    .venv/bin/python bench/survey_results.py --quick    # 2,000 responses, 10 requests each (for CI)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/survey_results.py

Seeds five schools, a leader and 2,000 people with accounts, and one published,
identified survey with a question of every kind (section headings, single and
multiple choice with "Other", a five-point agreement scale, a 0-10 rating,
short and long text, and the three profile questions). Responses are spread
as a district's would be: most from parents, a fifth in Spanish, most naming
one school and some two or none, a tenth from people signed in (the rest from
visitors); choices skewed, "Other" now and then, text answers from a few words
to a few sentences in English or Spanish. Everything is bulk inserted.

Then, through the WSGI app with the Flask test client (CSRF and rate limits
off), signed in as the leader, it times N requests of each:

    results                 GET /surveys/<id>/results
    results, 1 filter       GET /surveys/<id>/results?school=<id>
    results, 2 filters      GET /surveys/<id>/results?school=<id>&relationship=parent
    results, search         GET /surveys/<id>/results?q=bus
    printable page          GET /surveys/<id>/results/print
    CSV export              GET /surveys/<id>/export.csv

and prints requests per second, median (p50) and 95th percentile latency in
milliseconds, SQL statements per request (counted with a SQLAlchemy
before_cursor_execute listener; "a-b" when requests differ) and the size of
the CSV file. One untimed request per line warms the template cache first.

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
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from harness import HEADER, bench_app, count_statements, measure  # noqa: E402 - bench/ is on sys.path
from engage.accounts.models import User, hash_password  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import utcnow  # noqa: E402
from engage.orgs.models import School  # noqa: E402
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
from engage.surveys.questions import default_options  # noqa: E402
from engage.surveys.translatable import survey_document  # noqa: E402
from engage.translation import services as translation  # noqa: E402

PASSWORD = "bench password 123"
LEADER = "leader@example.org"
WORDS_EN = ("bus times later start family nights more interpreters childcare after school tutoring safer crossing "
            "lunch healthier teachers communication weekly newsletter earlier notice sports arts music library").split()
WORDS_ES = ("autobús horarios más tarde noches familiares intérpretes cuidado de niños tutoría después de clases "
            "almuerzo maestros comunicación boletín semanal aviso deportes música biblioteca cruce seguro").split()


@dataclass
class Size:
    responses: int
    people: int
    requests: int


FULL = Size(responses=20_000, people=2_000, requests=20)
QUICK = Size(responses=2_000, people=200, requests=10)


# Seeding -------------------------------------------------------------------------


def seed_people(count: int) -> list[int]:
    """The leader first, then people who answer signed in."""
    password = hash_password(PASSWORD)
    now = utcnow()
    rows = [{"email": LEADER, "display_name": "Lee Leader", "password_hash": password, "role": "leader",
             "email_verified_at": now, "locale": "en"}]
    rows += [{"email": f"person{i}@example.org", "display_name": f"Person {i}", "password_hash": password,
              "role": "participant", "email_verified_at": now,
              "locale": "es" if i % 5 == 0 else "en"} for i in range(count)]
    db.session.execute(insert(User), rows)
    db.session.commit()
    return list(db.session.scalars(select(User.id).where(User.role == "participant").order_by(User.id)))


def seed_schools() -> list[int]:
    names = ["Lincoln Elementary", "Roosevelt Elementary", "Cedar Grove Middle", "Riverbend Middle",
             "Washington High"]
    db.session.add_all([School(name=name) for name in names])
    db.session.commit()
    return list(db.session.scalars(select(School.id).order_by(School.id)))


def _question(kind: str, prompt: str, **fields) -> SurveyQuestion:
    fields.setdefault("options", default_options(kind))
    return SurveyQuestion(kind=kind, prompt=prompt, **fields)


def seed_survey() -> Survey:
    """One question of every kind, as tests/surveys/factories.every_kind_of_question builds them."""
    def choices(labels):
        return [{"key": f"k{i}", "label": label} for i, label in enumerate(labels)]

    questions = [
        _question(QuestionKind.SECTION, "About the plan", help_text="Questions on the draft plan."),
        _question(QuestionKind.SINGLE_CHOICE, "Which goal matters most?", required=True,
                  options=choices(["Welcoming families", "Two-way communication", "Learning at home",
                                   "Family leadership"])),
        _question(QuestionKind.MULTIPLE_CHOICE, "Which supports have you used?", allow_other=True,
                  options=choices(["Family nights", "Interpreters", "Childcare", "Tutoring", "Newsletter"])),
        _question(QuestionKind.LIKERT, "Action 3 addresses my school's needs.", required=True),
        _question(QuestionKind.RATING, "How likely are you to recommend the plan?"),
        _question(QuestionKind.SHORT_TEXT, "One word for the plan"),
        _question(QuestionKind.LONG_TEXT, "What should we change?"),
        _question(QuestionKind.SECTION, "About you"),
        _question(QuestionKind.PROFILE_RELATIONSHIP, "Your connection to the district"),
        _question(QuestionKind.PROFILE_SCHOOL, "Your schools"),
        _question(QuestionKind.PROFILE_LANGUAGE, "Your language"),
    ]
    survey = Survey(title="Family engagement plan survey", introduction="Tell us.",
                    status=SurveyStatus.PUBLISHED, anonymity=SurveyAnonymity.IDENTIFIED,
                    published_at=utcnow() - timedelta(days=30))
    for position, question in enumerate(questions):
        question.position = position
        survey.questions.append(question)
    db.session.add(survey)
    db.session.commit()
    # Translated into Spanish, as a district's survey would be.
    document = survey_document(survey)
    translation.save_translations(None, document, "es", {p.path: f"ES: {p.text}" for p in document.passages},
                                  publish=True)
    return survey


def seed_responses(survey: Survey, people: list[int], schools: list[int], count: int, rng: random.Random) -> None:
    by_kind = {q.kind: q for q in survey.questions}
    single, multi = by_kind[QuestionKind.SINGLE_CHOICE], by_kind[QuestionKind.MULTIPLE_CHOICE]
    likert, rating = by_kind[QuestionKind.LIKERT], by_kind[QuestionKind.RATING]
    short, long = by_kind[QuestionKind.SHORT_TEXT], by_kind[QuestionKind.LONG_TEXT]
    rel_q, school_q, lang_q = (by_kind[k] for k in QuestionKind.PROFILE_KINDS)
    now = utcnow()
    signed_in = iter(rng.sample(people, min(len(people), count // 10)))

    plans, responses = [], []
    for _ in range(count):
        respondent = next(signed_in, None) if rng.random() < 0.1 else None
        relationship = rng.choices(["parent", "student", "staff", "community", None], [60, 15, 15, 8, 2])[0]
        language = rng.choices(["en", "es", "zh", "vi", "ar", "other"], [70, 22, 3, 2, 1, 2])[0]
        named = rng.choices([0, 1, 2], [8, 80, 12])[0]
        chosen_schools = rng.sample(schools, named)
        words = WORDS_ES if language == "es" else WORDS_EN
        answers = [(single.id, rng.choices([o["key"] for o in single.options], [40, 30, 20, 10])[0], None)]
        for option in rng.sample([o["key"] for o in multi.options], rng.randint(1, 3)):
            answers.append((multi.id, option, None))
        if rng.random() < 0.05:
            answers.append((multi.id, OTHER_OPTION_KEY, " ".join(rng.choices(words, k=rng.randint(2, 6)))))
        answers.append((likert.id, rng.choices("12345", [8, 12, 20, 40, 20])[0], None))
        if rng.random() < 0.9:
            answers.append((rating.id, str(min(10, max(0, round(rng.gauss(7, 2))))), None))
        if rng.random() < 0.4:
            answers.append((short.id, None, rng.choice(words)))
        if rng.random() < 0.25:
            answers.append((long.id, None, " ".join(rng.choices(words, k=rng.randint(5, 60))).capitalize() + "."))
        if relationship:
            answers.append((rel_q.id, relationship, None))
        answers += [(school_q.id, str(school_id), None) for school_id in chosen_schools]
        answers.append((lang_q.id, language, None))
        responses.append({"survey_id": survey.id, "respondent_id": respondent,
                          "submission_token": secrets.token_hex(16), "relationship_to_district": relationship,
                          "language": language, "submitted_at": now - timedelta(minutes=rng.uniform(0, 30 * 1440))})
        plans.append((answers, chosen_schools, respondent))

    ids = db.session.scalars(insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
                             responses).all()
    answer_rows = [{"response_id": rid, "question_id": qid, "option_key": key, "text": text}
                   for rid, (answers, _s, _r) in zip(ids, plans, strict=True) for qid, key, text in answers]
    for start in range(0, len(answer_rows), 50_000):
        db.session.execute(insert(SurveyAnswer), answer_rows[start:start + 50_000])
    db.session.execute(insert(survey_response_schools), [
        {"response_id": rid, "school_id": school_id}
        for rid, (_a, chosen, _r) in zip(ids, plans, strict=True) for school_id in chosen
    ])
    participations = [{"survey_id": survey.id, "participant_key": f"user:{r}", "user_id": r}
                      for _a, _s, r in plans if r is not None]
    participations += [{"survey_id": survey.id, "participant_key": f"browser:{secrets.token_hex(32)}", "user_id": None}
                       for _a, _s, r in plans if r is None]
    db.session.execute(insert(SurveyParticipation), participations)
    db.session.commit()
    refresh_facts_keys([survey.id])  # rows written in bulk skip the ORM's flush, which keeps them


def row_counts() -> str:
    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return (f"{count(SurveyResponse):,} responses, {count(SurveyAnswer):,} answers, "
            f"{count(survey_response_schools):,} response schools, {count(SurveyQuestion)} questions, "
            f"{count(School)} schools, {count(User):,} people")


# Timing ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 responses and 10 requests each, for CI")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        with app.app_context():
            started = time.perf_counter()
            people = seed_people(size.people)
            schools = seed_schools()
            survey = seed_survey()
            seed_responses(survey, people, schools, size.responses, rng)
            # A database in use has planner statistics; freshly bulk-loaded tables have none.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            survey_id, school_id = survey.id, schools[0]
            print(f"database: {db.engine.url.get_backend_name()} (loaded in {time.perf_counter() - started:.1f}s)")
            print(row_counts())
            engine = db.engine

        client = app.test_client()
        response = client.post("/login", data={"email": LEADER, "password": PASSWORD})
        assert response.status_code == 302, "could not sign in"
        queries = count_statements(engine)
        csv_bytes = [0]

        def get(path: str, csv: bool = False):
            def send(_i: int) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                if csv:
                    assert response.mimetype == "text/csv", "the export was refused"
                    csv_bytes[0] = len(response.data)
                else:
                    assert "fewer than 10 people match" not in response.get_data(as_text=True).lower(), path
            return send

        base = f"/surveys/{survey_id}"
        print(f"{size.requests} requests each, signed in as {LEADER}")
        print(HEADER)
        measure("results", size.requests, get(f"{base}/results"), queries)
        measure("results, 1 filter", size.requests, get(f"{base}/results?school={school_id}"), queries)
        measure("results, 2 filters", size.requests,
                get(f"{base}/results?school={school_id}&relationship=parent"), queries)
        measure("results, search", size.requests, get(f"{base}/results?q=bus"), queries)
        measure("printable page", size.requests, get(f"{base}/results/print"), queries)
        measure("CSV export", size.requests, get(f"{base}/export.csv", csv=True), queries)
        megabytes = csv_bytes[0] / 1024 / 1024
        print(f"CSV file: {csv_bytes[0]:,} bytes ({megabytes:.1f} MB) for {size.responses:,} responses")
        engine.dispose()


if __name__ == "__main__":
    main()
