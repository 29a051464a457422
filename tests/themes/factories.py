"""Feedback with clear topics, built directly in the database, for theme tests."""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import timedelta

from engage.comments.models import Comment
from engage.demo.feedback import CONCERNS, FeedbackWriter
from engage.extensions import db
from engage.models import utcnow
from engage.plans.models import Plan, PlanVersion
from engage.themes import services
from engage.themes.models import ThemeAnalysis
from tests.plans.factories import make_plan
from tests.support.people import make_user

TOPICS = {
    "bus": ["The school bus is late every morning on our route", "Bus route 12 skips our stop and the bus is late",
            "El autobús escolar llega tarde todos los días", "Please add a bus stop closer to the apartments",
            "The bus driver changes every week and the route is confusing", "Bus pickup is too early for little kids"],
    "translation": ["We need interpreters at meetings for Spanish speaking families",
                    "Necesitamos intérpretes en las reuniones de padres",
                    "Translate the newsletters and report cards into Spanish and Somali",
                    "Interpretation at parent conferences would help my family",
                    "Las cartas de la escuela deben estar traducidas al español",
                    "Provide translated documents and an interpreter for every meeting"],
    "counselors": ["Hire more counselors for student mental health", "My child needs a school counselor to talk to",
                   "Mental health support and social workers in every school",
                   "Más consejeros y apoyo de salud mental para los estudiantes",
                   "Counselors have too many students to give real support",
                   "Students need mental health days and a counselor they trust"],
}


def make_feedback_plan(*, per_topic: int = 12, topics: dict[str, list[str]] | None = None,
                       title: str = "Equity Plan", days: int = 40) -> Plan:
    """A plan with a published version and per_topic comments on each topic, from distinct people,
    spread over `days` days, varied by suffixes so no two texts are identical."""
    plan = make_plan(title)
    version = PlanVersion(plan_id=plan.id, number=1, status=plan.status, snapshot={})
    db.session.add(version)
    db.session.flush()
    section_keys = [section.key for section in plan.sections]
    add_comments(plan, version, per_topic=per_topic, topics=topics or TOPICS, section_keys=section_keys, days=days)
    return plan


def analysed_plan(leader, **feedback) -> tuple[Plan, ThemeAnalysis]:
    """A plan with feedback (`make_feedback_plan`'s arguments) and its default analysis, run once."""
    plan = make_feedback_plan(**feedback)
    analysis = services.default_analysis(leader, plan.id)
    services.start_run(leader, analysis)
    db.session.expire_all()
    return plan, analysis


_SUFFIXES = ["", " please", " this year", " for our family", " thank you", " at our school", " now", " again"]


def add_comments(plan: Plan, version: PlanVersion | None = None, *, per_topic: int, topics: dict[str, list[str]],
                 section_keys: list[str] | None = None, days: int = 40, start: int = 0) -> list[Comment]:
    version = version or db.session.query(PlanVersion).filter_by(plan_id=plan.id).first()
    section_keys = section_keys or [None]
    now = utcnow()
    made = []
    for t_index, (topic, phrases) in enumerate(topics.items()):
        cycle = itertools.cycle(itertools.product(_SUFFIXES, phrases))
        for i in range(start, start + per_topic):
            suffix, phrase = next(itertools.islice(cycle, i % (len(_SUFFIXES) * len(phrases)), None))
            author = make_user(name=f"{topic} parent {i}")
            comment = Comment(plan_id=plan.id, version_id=version.id, section_key=section_keys[t_index % len(section_keys)],
                              author_id=author.id, body=f"{phrase}{suffix} ({i})",
                              language="es" if any(c in phrase for c in "áéíóúñ") else "en",
                              submission_token=uuid.uuid4().hex, created_at=now - timedelta(days=(i * 7) % days))
            db.session.add(comment)
            made.append(comment)
    db.session.commit()
    return made


def demo_comments(n: int, seed: int = 15, concerns: int = len(CONCERNS)) -> list[str]:
    """n comments like the demo's, in turn on its first `concerns` concerns, a quarter in Spanish:
    varied the way people write, unlike TOPICS' few phrasings."""
    writer = FeedbackWriter(random.Random(seed))
    chosen = list(CONCERNS.values())[:concerns]
    return [writer.comment(chosen[i % len(chosen)], "es" if i % 4 == 3 else "en") for i in range(n)]
