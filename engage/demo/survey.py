"""The demo survey on the open plan, answered a few hundred times.

The survey is anonymous and open to anyone with the link, on two pages. About
a hundred demo accounts answer it signed in; the rest answer as guests, each
from their own "browser". Every response goes through the responding service,
so the rules (one response each, no account on anonymous answers) hold for the
demo as they do for real people.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from flask_login import AnonymousUserMixin
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import ParticipantProfile, User
from ..extensions import db
from ..models import utcnow
from ..orgs.models import School
from ..plans.models import Plan
from ..surveys import responding
from ..surveys.models import (
    OTHER_OPTION_KEY,
    QuestionKind,
    Survey,
    SurveyAnonymity,
    SurveyAudience,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from ..surveys.questions import PROFILE_PROMPTS, default_options
from ..surveys.translatable import question_path, survey_document
from ..translation import services as translation
from .comment_writer import Person
from .feedback import FeedbackWriter

TITLE = "The draft equity plan: tell us what you think"
TITLE_ES = "El borrador del plan de equidad: díganos qué piensa"
INTRODUCTION = (
    "This short survey asks how well the draft plan meets the needs of your family and your school. "
    "It takes about five minutes. Your answers are anonymous.\n\n"
    "The district will publish a summary of what we heard and what we changed."
)
INTRODUCTION_ES = (
    "Esta breve encuesta pregunta qué tan bien el borrador del plan responde a las necesidades de su familia "
    "y de su escuela. Toma unos cinco minutos. Sus respuestas son anónimas.\n\n"
    "El distrito publicará un resumen de lo que escuchamos y de lo que cambiamos."
)
GUEST_RESPONSES = 190
SURVEY_OPENED_DAYS_AGO = 42
# Shares of respondents who answer "what would you change" (a few of them with nothing
# to do with the plan) and "in a word or two".
CHANGE_ANSWERED, CHANGE_OFF_TOPIC, ONE_WORD_ANSWERED = 0.75, 0.03, 0.2

LIKERT_ACTIONS = {  # action number -> (prompt, Spanish prompt)
    "1": ("The equity data dashboard (action 1) will help my family understand how our school is doing.",
          "El tablero de datos de equidad (acción 1) ayudará a mi familia a entender cómo le va a nuestra escuela."),
    "3": ("The new approach to discipline (action 3) will make my school fairer.",
          "El nuevo enfoque de la disciplina (acción 3) hará que mi escuela sea más justa."),
    "5": ("Translation and interpretation (action 5) will meet my family's needs.",
          "La traducción y la interpretación (acción 5) responderán a las necesidades de mi familia."),
}
PRIORITIES = [
    ("dashboard", "The equity data dashboard", "El tablero de datos de equidad"),
    ("school_plans", "School equity action plans", "Los planes de acción de equidad de cada escuela"),
    ("discipline", "Fairer discipline and restorative practices", "Disciplina más justa y prácticas restaurativas"),
    ("teachers", "Teachers who reflect our students", "Maestros que reflejen a nuestros estudiantes"),
    ("languages", "Messages and meetings in our languages", "Mensajes y reuniones en nuestros idiomas"),
    ("budget", "A budget that puts the greatest need first", "Un presupuesto que dé prioridad a la mayor necesidad"),
]
CHANNELS = [
    ("email", "Email", "Correo electrónico"),
    ("text", "Text message", "Mensaje de texto"),
    ("newsletter", "The school newsletter", "El boletín de la escuela"),
    ("meetings", "Meetings at my school", "Reuniones en mi escuela"),
    ("website", "The district website", "El sitio web del distrito"),
]
OTHER_CHANNELS = {
    "en": ["WhatsApp group", "The parent liaison", "Facebook", "A phone call", "Flyers in backpacks", "Instagram",
           "At pickup", "Through my church", "Class Dojo", "Robocall"],
    "es": ["Grupo de WhatsApp", "La persona de enlace con las familias", "Facebook", "Una llamada",
           "Volantes en la mochila", "En la iglesia", "Por la radio"],
}
ONE_WORD = {
    "en": ["Hopeful", "Promising", "Overdue", "Vague", "Ambitious", "Encouraging", "Unclear", "Good start",
           "Cautiously optimistic", "Skeptical", "Excited", "Long", "Too long", "Finally", "Meh", "Worried",
           "Not enough", "Heard", "Grateful", "Confusing", "About time", "Mixed feelings"],
    "es": ["Esperanza", "Prometedor", "Necesario", "Vago", "Ambicioso", "Alentador", "Confuso", "Buen comienzo",
           "Contenta", "Preocupado", "Por fin", "Largo", "Falta más", "Agradecida"],
}


def load_demo_survey(plan: Plan, leader: User, added: dict[str, int]) -> None:
    """Create the survey on the plan and answer it. Skipped when it exists already."""
    if db.session.scalar(select(Survey.id).where(Survey.title == TITLE)) is not None:
        return
    survey = _create_survey(plan, leader)
    added["surveys"] += 1
    added["survey_responses"] += _answer_survey(survey)


def _question(kind: str, prompt: str, prompt_es: str, *, help_text_es: str = "", options_es: dict | None = None,
              **fields) -> tuple[SurveyQuestion, dict[str, str]]:
    """A question, and its Spanish by field ("prompt", "help_text", "option:<key>")."""
    fields.setdefault("options", default_options(kind))
    spanish = {"prompt": prompt_es, "help_text": help_text_es, **(options_es or {})}
    return SurveyQuestion(kind=kind, prompt=prompt, **fields), spanish


def _options(rows) -> dict:
    """Options and their Spanish, as arguments for `_question`."""
    return {"options": [{"key": key, "label": label} for key, label, _es in rows],
            "options_es": {f"option:{key}": label_es for key, _label, label_es in rows}}


def _create_survey(plan: Plan, leader: User) -> Survey:
    section = plan.versions[-1].snapshot["sections"][0]
    actions = {action["number"]: action["key"] for action in section["actions"]}
    questions = [
        _question(QuestionKind.SECTION, "About the draft plan", "Sobre el borrador del plan",
                  help_text="Think about your own family and school.",
                  help_text_es="Piense en su propia familia y su escuela."),
        _question(QuestionKind.SINGLE_CHOICE, "Which part of the plan matters most to you?",
                  "¿Qué parte del plan es la más importante para usted?", **_options(PRIORITIES), required=True),
        *[
            _question(QuestionKind.LIKERT, prompt, prompt_es, required=True, section_key=section["key"],
                      action_key=actions.get(number))
            for number, (prompt, prompt_es) in LIKERT_ACTIONS.items()
        ],
        _question(QuestionKind.RATING, "How well does the whole plan reflect what your community needs?",
                  "¿Qué tan bien refleja el plan completo lo que necesita su comunidad?"),
        _question(QuestionKind.MULTIPLE_CHOICE, "How would you like to hear about the plan's progress?",
                  "¿Cómo le gustaría enterarse del avance del plan?", **_options(CHANNELS), allow_other=True,
                  help_text="Choose all that apply.", help_text_es="Elija todas las que correspondan."),
        _question(QuestionKind.LONG_TEXT, "What would you change in the plan, and why?",
                  "¿Qué cambiaría en el plan y por qué?"),
        _question(QuestionKind.SHORT_TEXT, "In a word or two, how do you feel about the plan?",
                  "En una o dos palabras, ¿qué le parece el plan?"),
        _question(QuestionKind.SECTION, "About you", "Sobre usted",
                  help_text="These questions are optional. They show us who we are hearing from, and who we are not.",
                  help_text_es="Estas preguntas son opcionales. Nos muestran a quién estamos escuchando y a quién no."),
        *[_question(kind, PROFILE_PROMPTS[kind], "") for kind in QuestionKind.PROFILE_KINDS],
    ]
    now = utcnow()
    survey = Survey(
        title=TITLE, introduction=INTRODUCTION,
        plan_id=plan.id, status=SurveyStatus.PUBLISHED, audience=SurveyAudience.ANYONE,
        anonymity=SurveyAnonymity.ANONYMOUS, paged=True, created_by_id=leader.id,
        opens_at=now - timedelta(days=SURVEY_OPENED_DAYS_AGO), closes_at=plan.feedback_closes_at,
        published_at=now - timedelta(days=SURVEY_OPENED_DAYS_AGO),
    )
    for position, (question, _spanish) in enumerate(questions):
        question.position = position
        survey.questions.append(question)
    db.session.add(survey)
    db.session.commit()
    spanish = {"title": TITLE_ES, "introduction": INTRODUCTION_ES}
    spanish.update((question_path(question.id, field), text) for question, of_question in questions
                   for field, text in of_question.items() if text)
    translation.save_translations(None, survey_document(survey), "es", spanish, publish=True)
    return survey


def _answer_survey(survey: Survey) -> int:
    rng = random.Random(5)
    participants = db.session.scalars(
        select(User).where(User.email.like("family%@example.org")).order_by(User.email)
        .options(selectinload(User.profile).selectinload(ParticipantProfile.schools))
    ).all()
    schools = db.session.scalars(select(School).order_by(School.name)).all()
    signed_in = [user for user in participants if rng.random() < 0.85]
    respondents: list[tuple[User | None, Person, list[int]]] = [
        (user, Person(key=user.id, spanish=user.locale == "es",
                      relationship=user.profile.relationship_to_district if user.profile else None),
         [school.id for school in user.profile.schools] if user.profile else [])
        for user in signed_in
    ]
    for n in range(GUEST_RESPONSES):
        relationship = rng.choice(["parent"] * 6 + ["student", "staff", "community"] + [None])
        respondents.append((None, Person(key=f"guest-{n}", spanish=rng.random() < 0.3, relationship=relationship),
                            [rng.choice(schools).id] if rng.random() < 0.8 else []))
    rng.shuffle(respondents)
    now = utcnow()
    opened = now - timedelta(days=SURVEY_OPENED_DAYS_AGO)
    # "What would you change": each respondent's biggest concern, in their own words.
    voices = FeedbackWriter(rng)
    # Plain ids: every submit commits, and touching an expired question reloads it.
    questions = {q.kind: q.id for q in survey.questions}
    likerts = [q.id for q in survey.questions if q.kind == QuestionKind.LIKERT]
    guest = AnonymousUserMixin()
    for number, (user, person, school_ids) in enumerate(respondents):
        language = "es" if person.spanish else "en"
        concern = voices.concern()
        change = None
        if rng.random() < CHANGE_ANSWERED:
            change = (voices.off_topic(language) if rng.random() < CHANGE_OFF_TOPIC
                      else voices.survey_answer(concern, language, person.relationship))
        answers, other_texts = _answers(rng, questions, likerts, person, school_ids, language, change)
        response = responding.submit_response(
            user or guest, survey, answers=answers, other_texts=other_texts, submission_token=f"demo-{number}",
            browser_token=None if user else f"demo-browser-{number}", locale=language,
        )
        day = opened + (now - opened) * voices.when(concern)
        response.submitted_at = datetime(day.year, day.month, day.day, tzinfo=UTC)
    db.session.commit()
    return db.session.query(SurveyResponse).filter_by(survey_id=survey.id).count()


def _answers(rng: random.Random, questions: dict[str, int], likerts: list[int],
             person: Person, school_ids: list[int], language: str,
             change: str | None) -> tuple[dict[int, list[str]], dict[int, str]]:
    # Families who read the plan closely agree more with some actions than others.
    leaning = rng.gauss(3.4, 0.8)
    answers: dict[int, list[str]] = {
        questions[QuestionKind.SINGLE_CHOICE]: [rng.choices([p[0] for p in PRIORITIES], weights=[3, 2, 4, 2, 5, 3])[0]],
        questions[QuestionKind.RATING]: [str(min(10, max(0, round(rng.gauss(6.2, 2.2)))))],
    }
    for offset, question_id in enumerate(likerts):
        answers[question_id] = [str(min(5, max(1, round(rng.gauss(leaning + (0.4 if offset == 2 else 0), 1.0)))))]
    channels = rng.sample([c[0] for c in CHANNELS], k=rng.choice([1, 1, 2, 3]))
    other_texts: dict[int, str] = {}
    if rng.random() < 0.08:
        channels.append(OTHER_OPTION_KEY)
        other_texts[questions[QuestionKind.MULTIPLE_CHOICE]] = rng.choice(OTHER_CHANNELS[language])
    answers[questions[QuestionKind.MULTIPLE_CHOICE]] = channels
    if change:
        answers[questions[QuestionKind.LONG_TEXT]] = [change]
    if rng.random() < ONE_WORD_ANSWERED:
        answers[questions[QuestionKind.SHORT_TEXT]] = [rng.choice(ONE_WORD[language])]
    if person.relationship and rng.random() < 0.9:
        answers[questions[QuestionKind.PROFILE_RELATIONSHIP]] = [person.relationship]
    if school_ids:
        answers[questions[QuestionKind.PROFILE_SCHOOL]] = [str(school_id) for school_id in school_ids]
    if rng.random() < 0.85:
        answers[questions[QuestionKind.PROFILE_LANGUAGE]] = [language]
    return answers, other_texts
