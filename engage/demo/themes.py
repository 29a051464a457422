"""The demo's themes: the analysis run once over each plan's feedback, and a few published responses.

Runs through the themes services, as `flask --app engage themes run` does, with
the configured representation (sentence embeddings on a default install). The district's
"what we heard / what we will do" goes on the themes the run finds about buses,
interpreters and discipline, found by what their feedback says, not by the
order or labels of a run, so the responses land on the right themes whatever
the pipeline calls them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import click

from ..accounts.models import User
from ..plans.models import Plan
from ..themes import services as theme_services
from ..themes.models import Theme
from ..themes.translatable import theme_document
from ..translation import services as translation


@dataclass(frozen=True)
class DemoResponse:
    label: str  # the name a leader gives the theme before answering it
    label_es: str  # and its Spanish
    words: tuple[str, ...]  # a theme is about this when most of its items use one of these words
    heard: str
    will_do: str
    # Published translations of the answer (left out of one on purpose: the page marks it as not translated).
    heard_es: str = ""
    will_do_es: str = ""


RESPONSES = (
    DemoResponse(
        label="Late and unreliable buses",
        label_es="Autobuses que llegan tarde o no pasan",
        words=("bus", "buses", "route", "routes", "autobús", "autobus", "autobuses", "camión", "camion", "ruta"),
        heard=(
            "Late buses were the concern we heard most, in comments, in the survey and at every community "
            "conversation: routes that arrive after the bell, rides of over an hour, a bus stop moved onto a busy "
            "road, no late bus for students who stay for tutoring or clubs, and no word to families when a bus is "
            "late."
        ),
        will_do=(
            "Action 6 now names bus reliability as a measure, and Transportation will publish on-time data for "
            "every route each month from January. We are hiring six more drivers, adding a late bus two days a week "
            "on the two longest routes this spring, and starting text alerts, in English and Spanish, when a route "
            "runs more than 10 minutes late."
        ),
        heard_es=(
            "Los autobuses que llegan tarde fueron la preocupación que más escuchamos, en los comentarios, en la "
            "encuesta y en cada conversación comunitaria: rutas que llegan después del timbre, viajes de más de una "
            "hora, una parada trasladada a una calle con mucho tráfico, ningún autobús tardío para los estudiantes "
            "que se quedan a tutorías o clubes, y ningún aviso a las familias cuando un autobús se retrasa."
        ),
        will_do_es=(
            "La acción 6 ahora incluye la puntualidad de los autobuses como medida, y el Departamento de Transporte "
            "publicará cada mes, a partir de enero, los datos de puntualidad de cada ruta. Estamos contratando seis "
            "choferes más, agregaremos esta primavera un autobús tardío dos días por semana en las dos rutas más "
            "largas y empezaremos a enviar alertas por mensaje de texto, en inglés y en español, cuando una ruta se "
            "retrase más de 10 minutos."
        ),
    ),
    DemoResponse(
        label="Interpreters at meetings and conferences",
        label_es="Intérpretes en reuniones y conferencias",
        words=("interpreter", "interpreters", "interpretation", "interpret", "intérprete", "interprete",
               "intérpretes", "interpretes"),
        heard=(
            "Families told us interpreters are missing or late at conferences and IEP meetings, that children end "
            "up interpreting for their own parents, and that asking for an interpreter means calling the school "
            "office in English. Families who speak Somali, Vietnamese and other languages said they are often left "
            "out entirely."
        ),
        will_do=(
            "From January, families can ask for an interpreter in their own language when they book a conference, "
            "online or by text message. Every family meeting and IEP meeting will have a professional interpreter, "
            "never a student. Each quarter we will report how many requests we met, by language."
        ),
        heard_es=(
            "Las familias nos dijeron que en las conferencias y en las reuniones del IEP faltan intérpretes o llegan "
            "tarde, que los niños terminan interpretando para sus propios padres y que, para pedir un intérprete, "
            "hay que llamar a la oficina de la escuela en inglés. Las familias que hablan somalí, vietnamita y otros "
            "idiomas dijeron que muchas veces quedan completamente fuera."
        ),
        will_do_es=(
            "A partir de enero, las familias podrán pedir un intérprete en su propio idioma al reservar una "
            "conferencia, en línea o por mensaje de texto. Cada reunión con familias y cada reunión del IEP tendrá un "
            "intérprete profesional, nunca un estudiante. Cada trimestre informaremos cuántas solicitudes atendimos, "
            "por idioma."
        ),
    ),
    DemoResponse(
        label="Unequal discipline and suspensions",
        label_es="Disciplina y suspensiones desiguales",
        words=("suspend", "suspended", "suspending", "suspension", "suspensions", "discipline", "suspenden",
               "suspendieron", "suspensiones", "disciplina"),
        heard=(
            "Many of you said Black and Latino students are suspended more often than other students for the same "
            "behavior, that families hear about a suspension only after it is decided, and that dress code and "
            "phone rules are enforced unevenly."
        ),
        will_do=(
            "We will publish suspensions and removals from class by school and student group every quarter, "
            "including in-school removals and dress code referrals. Schools will call families, with an "
            "interpreter when needed, before any suspension, and students and families will hold half the seats "
            "on the code of conduct committee."
        ),
    ),
)
# A theme gets a response when at least this share of its items use the response's words.
_ABOUT_SHARE = 0.5


def load_demo_themes(plans: list[Plan], leader: User, added: dict[str, int]) -> None:
    """Run the analysis once on each plan's default analysis, then publish the demo's responses.

    Plans whose analysis has run before are left alone, so loading the demo
    again changes nothing. Prints one line: themes, items and time.
    """
    started = time.perf_counter()
    runs = []
    for plan in plans:
        analysis = theme_services.default_analysis(None, plan.id)
        if theme_services.last_successful_run(analysis) is None:
            runs.append(theme_services.run_analysis_now(None, analysis))
    added["theme_runs"] += len(runs)
    if runs:
        click.echo(
            f"Themes: {sum(run.n_themes for run in runs)} themes from {sum(run.n_items for run in runs)} feedback "
            f"items on {len(runs)} plan{'s' if len(runs) > 1 else ''} in {time.perf_counter() - started:.1f} s "
            f"({', '.join(sorted({run.representation for run in runs}))})."
        )
    added["theme_responses"] += _publish_responses(theme_services.default_analysis(None, plans[0].id), leader)


def _publish_responses(analysis, leader: User) -> int:
    """The district's responses on the themes they are about; none when it has answered before."""
    active = theme_services.active_themes(analysis)
    if any(theme.response_heard for theme in active):
        return 0
    members: dict[int, list[str]] = {}
    for themed in theme_services.themed_items(analysis):
        if themed.theme_id is not None and not themed.off_topic:
            members.setdefault(themed.theme_id, []).append(themed.item.text.lower())
    published = 0
    taken: set[int] = set()
    for response in RESPONSES:
        theme = _theme_about(response.words, active, members, taken)
        if theme is None:
            continue
        theme_services.rename_theme(leader, theme, response.label)
        theme_services.save_response(leader, theme, heard=response.heard, will_do=response.will_do, publish=True)
        if response.heard_es:  # the others are left for the translators, as happens
            translation.save_translations(None, theme_document(theme), "es", {
                "custom_label": response.label_es, "response_heard": response.heard_es,
                "response_will_do": response.will_do_es}, publish=True)
        taken.add(theme.id)
        published += 1
    return published


def _theme_about(words: tuple[str, ...], active: list[Theme], members: dict[int, list[str]],
                 taken: set[int]) -> Theme | None:
    """The theme with the most items using one of `words`, if most of its items do."""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b")
    best, best_count = None, 0
    for theme in active:
        texts = members.get(theme.id, [])
        count = sum(bool(pattern.search(text)) for text in texts)
        if theme.id not in taken and texts and count / len(texts) >= _ABOUT_SHARE and count > best_count:
            best, best_count = theme, count
    return best
