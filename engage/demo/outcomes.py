"""A few "you said, we did" links on the demo's open plan, made through the outcomes service.

They follow what the demo's version 2 changed after early feedback (engage.demo.data._revise_open_plan):
action 5 now names Vietnamese and Chinese (the interpreters theme), action 3 adds a family guide to the
code of conduct (the discipline theme); and the late-buses theme, with two parents' comments, led to
action 6's on-time measure. Themes are found by the responses the demo published on them
(engage.demo.themes), so the links land on the right themes whatever a run calls them.

Each link has a fixed form token: loading the demo again adds nothing and emails no one twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import User
from ..comments.models import Comment, CommentStatus
from ..extensions import db
from ..outcomes import services as outcomes
from ..outcomes.models import FeedbackOutcome
from ..outcomes.translatable import outcome_document
from ..plans.models import Plan
from ..themes import services as theme_services
from ..themes.models import Theme
from ..translation import services as translation
from .themes import RESPONSES


@dataclass(frozen=True)
class DemoOutcome:
    token: str
    response: int  # which of engage.demo.themes.RESPONSES the theme answers
    action_number: str
    in_revision: bool  # the action changed in version 2
    explanation: str
    explanation_es: str
    comments_matching: str = ""  # link the two earliest comments whose text matches


LINKS = (
    DemoOutcome(
        token="demo-outcome-interpreters", response=1, action_number="5", in_revision=True,
        explanation=(
            "You told us Spanish alone is not enough. Action 5 now commits to Vietnamese and Chinese as well, the "
            "languages families asked for most after Spanish, and to answering requests for any other language "
            "within five school days."
        ),
        explanation_es=(
            "Nos dijeron que el español no basta. La acción 5 ahora incluye también el vietnamita y el chino, los "
            "idiomas que más pidieron las familias después del español, y responder en cinco días escolares a "
            "las solicitudes de cualquier otro idioma."
        ),
    ),
    DemoOutcome(
        token="demo-outcome-discipline", response=2, action_number="3", in_revision=True,
        explanation=(
            "Families said they hear about discipline rules only after something goes wrong. Action 3 now adds a "
            "family guide to the revised code of conduct, in English and Spanish, shared at school meetings."
        ),
        explanation_es=(
            "Las familias dijeron que conocen las reglas de disciplina solo cuando algo sale mal. La acción 3 "
            "ahora añade una guía para familias sobre el nuevo código de conducta, en inglés y español, "
            "presentada en las reuniones escolares."
        ),
    ),
    DemoOutcome(
        token="demo-outcome-buses", response=0, action_number="6", in_revision=False,
        explanation=(
            "Late buses came up more than anything else. Action 6 puts transportation first in next year's "
            "budget, for the schools with the greatest need, and names bus reliability as a measure: "
            "Transportation will publish on-time data for every route each month."
        ),
        explanation_es=(
            "Los autobuses tarde fueron la preocupación más repetida. La acción 6 pone el transporte primero en "
            "el presupuesto del próximo año, para las escuelas con más necesidad, y mide la puntualidad: "
            "Transporte publicará cada mes los datos de puntualidad de cada ruta."
        ),
        comments_matching=r"\b(bus|buses|autobús|autobuses)\b",
    ),
)


def load_demo_outcomes(plan: Plan, leader: User, added: dict[str, int]) -> None:
    """Make the demo's links on the open plan (once). Run after the themes and their responses."""
    added["outcomes"] = added.get("outcomes", 0)
    existing = set(db.session.scalars(select(FeedbackOutcome.submission_token).where(
        FeedbackOutcome.plan_id == plan.id, FeedbackOutcome.created_by_id == leader.id)))
    wanted = [link for link in LINKS if link.token not in existing]
    if not wanted or not plan.versions:
        return
    themes = _answered_themes(plan)
    latest, revision = plan.versions[-1], (plan.versions[1] if len(plan.versions) > 1 else None)
    action_keys = {action["number"]: action["key"]
                   for section in latest.snapshot["sections"] for action in section["actions"]}
    made = 0
    for link in wanted:
        theme = themes.get(link.response)
        action_key = action_keys.get(link.action_number)
        comment_ids = _matching_comments(plan, link.comments_matching, leader) if link.comments_matching else []
        if action_key is None or (theme is None and not comment_ids):
            continue
        outcome = outcomes.create_outcome(
            leader, plan.id, explanation=link.explanation,
            theme_id=theme.id if theme is not None else None, comment_ids=comment_ids,
            version_id=revision.id if link.in_revision and revision is not None else None,
            action_key=action_key, submission_token=link.token)
        translation.save_translations(None, outcome_document(outcome), "es", {"explanation": link.explanation_es},
                                      publish=True)
        made += 1
    added["outcomes"] += made


def _answered_themes(plan: Plan) -> dict[int, Theme]:
    """The default analysis's themes that carry the demo's responses, by response."""
    analysis = theme_services.default_analysis(None, plan.id)
    by_heard = {response.heard: index for index, response in enumerate(RESPONSES)}
    return {by_heard[theme.response_heard]: theme for theme in analysis.themes if theme.response_heard in by_heard}


def _matching_comments(plan: Plan, pattern: str, leader: User, count: int = 2) -> list[int]:
    """The earliest visible, non-official comments whose text matches, by different people."""
    wanted = re.compile(pattern, re.IGNORECASE)
    chosen, authors = [], set()
    rows = db.session.execute(
        select(Comment.id, Comment.body, Comment.author_id)
        .where(Comment.plan_id == plan.id, Comment.status == CommentStatus.VISIBLE, Comment.official.is_(False),
               Comment.parent_id.is_(None), Comment.author_id != leader.id)
        .order_by(Comment.created_at, Comment.id))
    for comment_id, body, author_id in rows:
        if author_id not in authors and wanted.search(body):
            chosen.append(comment_id)
            authors.add(author_id)
            if len(chosen) == count:
                break
    return chosen
