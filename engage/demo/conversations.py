"""Community conversations in the demo district: who hosts them, who signed up, what was heard.

Upcoming sessions get their sign-ups through registration.register_for_session,
as if people had signed up over the past days, so seats, the full session's
waitlist and the confirmation emails (outbox only) are the real thing.
Sessions already held are written straight to the tables (sign-ups close when
a session starts), with check-ins, walk-ins and the hosts' notes: submitted,
so they are feedback for leadership, except one draft a demo host can finish.

Each session carries a submission token, so loading the demo again finds it
and adds nothing.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import User, find_user_by_email
from ..audit import services as audit
from ..conversations.models import (
    CancelledBy,
    ConversationNote,
    ConversationSession,
    NoteEntry,
    NoteEntryKind,
    NoteStatus,
    Registration,
    RegistrationStatus,
    SessionFormat,
    SessionLanguage,
    SessionStatus,
)
from ..conversations.registration import Signup, register_for_session
from ..conversations.translatable import session_document
from ..extensions import db
from ..i18n import local_to_utc, utc_to_local
from ..models import as_utc, utcnow
from ..orgs.models import Membership, Organization, School
from ..permissions import Role
from ..plans.models import Plan
from ..translation import services as translation
from .feedback import CONCERNS, FeedbackWriter
from .session_translations import SESSION_TRANSLATIONS

# Members of hosting organizations who run the sessions (host@example.org runs Cedar Grove PTO's).
HOSTS = [
    ("maribel.ortiz@example.org", "Maribel Ortiz", "Familias Unidas de Riverbend", "es"),
    ("hodan.warsame@example.org", "Hodan Warsame", "Somali Parents Association of Riverbend", None),
    ("jordan.ellis@example.org", "Jordan Ellis", "Riverbend High Student Equity Council", None),
    ("denise.carter@example.org", "Denise Carter", "Riverbend Black Parent Network", None),
    ("marcus.reed@example.org", "Marcus Reed", "Riverbend Staff Equity Team", None),
    ("linh.tran@example.org", "Linh Tran", "Harbor View Middle School PTO", None),
]

# Who signs up, by community: names, the language of their emails, and the
# interpreter some of them ask for.
PEOPLE = {
    "spanish": ("es", "es", [
        "María González", "José Hernández", "Guadalupe Ramírez", "Luis Martínez", "Ana Sofía Torres",
        "Carlos Mendoza", "Verónica Castillo", "Miguel Ángel Reyes", "Rosa Jiménez", "Alejandra Vargas",
        "Juan Pablo Morales", "Lucía Herrera", "Fernando Ríos", "Patricia Salazar", "Raúl Domínguez",
        "Gabriela Cruz", "Marisol Peña", "Ricardo Fuentes", "Yesenia Ortega", "Adriana Navarro",
    ]),
    "somali": ("en", "so", [
        "Abdirahman Farah", "Fadumo Ali", "Mohamed Hassan", "Asha Abdi", "Hamza Yusuf", "Sahra Mohamud",
        "Ahmed Omar", "Khadra Ibrahim", "Ilhan Nur", "Abdullahi Jama", "Hawa Aden", "Nasra Osman",
        "Yusuf Dahir", "Maryan Egal", "Ismail Warfa", "Ubah Hersi",
    ]),
    "families": ("en", None, [
        "Jennifer Walsh", "DeShawn Williams", "Keisha Robinson", "Tom Becker", "Priya Patel", "Lan Nguyen",
        "Wei Chen", "Sarah Lindqvist", "Marcus Johnson", "Aaliyah Brooks", "Emily Novak", "Brian O'Connor",
        "Tanisha Green", "Kevin Park", "Rachel Adler", "Jamal Washington", "Olivia Martin", "Hannah Schultz",
        "Andre Mitchell", "Nicole Turner", "Latoya Harris", "Derrick Coleman",
    ]),
    "students": ("en", None, [
        "Maya Thompson", "Isaiah Carter", "Sofia Ramirez", "Ethan Nguyen", "Zainab Hussein", "Leo Martinez",
        "Amara Okafor", "Dylan Foster", "Camila Torres", "Noah Kim", "Jasmine Wright", "Elijah Bennett",
        "Valeria Soto", "Mohamed Abdi", "Grace Liu", "Tyler Evans", "Nia Jackson", "Samuel Ortiz",
        "Aisha Mohamed", "Lucas Silva", "Destiny Moore", "Kai Anderson",
    ]),
    "staff": ("en", None, [
        "Ms. Alicia Romero", "Mr. Daniel Okoye", "Ms. Karen Lee", "Mr. Steven Wright", "Ms. Fatima Said",
        "Mrs. Linda Kowalski", "Mr. Rafael Gutierrez", "Ms. Tiffany Brown", "Mr. Paul Henderson",
    ]),
}

ACCESSIBILITY_NEEDS = {
    "es": ["Necesito estacionar cerca de la entrada; camino con bastón.", "Vengo con un bebé en carriola."],
    "en": ["I use a wheelchair; please keep a space near the door.", "Large print handouts, please.",
           "I am hard of hearing and will sit near the front."],
}

LIBRARY = ("Riverbend Public Library, 250 Main Street", "Community Room (first floor)",
           "Step-free entrance from the Main Street bus stop; accessible restrooms on the first floor.")


@dataclass(frozen=True)
class Said:
    """One thing heard, or one paper card: tied to a district plan action ("1"-"6"), a school plan
    action ((section, action) positions), or nothing; in which language it is written, who said it."""

    text: str
    about: str | tuple[int, int] | None = None
    language: str = "en"
    relationship: str | None = "parent"
    spoken: str | None = None  # the language the person spoke, when the host knows it


@dataclass(frozen=True)
class HostNotes:
    summary: str
    heard: tuple[Said, ...]
    cards: tuple[Said, ...] = ()
    submitted: bool = True


# A party that came to a session already held: its size and what happened.
CAME, ABSENT, CANCELLED, WALK_IN = "came", "absent", "cancelled", "walk-in"


@dataclass(frozen=True)
class DemoSession:
    slug: str
    host: str | None  # an organization's name; None: the district itself
    created_by: str
    title: str
    description: str
    day: int  # days from today (district time); negative: already held
    starts: time
    minutes: int
    languages: tuple[str, ...]
    capacity: int
    people: tuple[str, ...]  # keys of PEOPLE: who comes
    parties: tuple = ()  # upcoming: party sizes, in sign-up order; held: (size, CAME/ABSENT/...) pairs
    accounts: tuple[str, ...] = ()  # demo accounts that signed up first
    plan: str = "district"  # or "school": Cedar Grove's plan
    school: str | None = None
    online_url: str = ""
    place: tuple[str, str, str] = ("", "", "")  # address, room, accessibility notes
    interpretation: bool = False
    childcare: bool = False
    food: bool = False
    deadline_days_before: int | None = None
    notes: HostNotes | None = None

    @property
    def format(self) -> str:
        return SessionFormat.ONLINE if self.online_url else SessionFormat.IN_PERSON


# What was heard ----------------------------------------------------------------------

FAMILIAS_UNIDAS_NOTES = HostNotes(
    summary=(
        "Vinieron familias de Lincoln Park, Cedar Grove y Riverside, casi todas de habla hispana. Hablamos de "
        "las acciones 2, 3, 5 y 6 del plan. Lo que más se repitió: los avisos de la escuela llegan solo en "
        "inglés o tarde, faltan intérpretes profesionales, sin autobús muchas familias no pueden participar, y "
        "preocupa que los estudiantes latinos reciban más suspensiones. Varias familias pidieron que la próxima "
        "conversación sea un sábado por la mañana."
    ),
    heard=(
        Said("Las familias dicen que los avisos de la escuela llegan en inglés y la traducción llega días "
             "después, cuando ya pasó el evento. Piden que el aviso en español salga el mismo día.", "5", "es",
             spoken="es"),
        Said("En las conferencias a veces el intérprete es un hermano mayor o un estudiante. Las familias no "
             "quieren eso: piden intérpretes profesionales y poder pedir uno al hacer la cita.", "5", "es",
             spoken="es"),
        Said("Muchas familias no tienen carro. Sin autobús después de clases, los niños no pueden quedarse a la "
             "tutoría ni a las actividades. Piden una ruta tardía al menos dos días por semana.", "6", "es",
             spoken="es"),
        Said("Una madre contó que suspendieron a su hijo tres días y nadie le explicó el proceso en español. "
             "Piden que el nuevo código de conducta se explique en reuniones en español y que las familias "
             "puedan opinar antes de que se apruebe.", "3", "es", spoken="es"),
        Said("Las familias quieren saber cómo va su hijo en lectura antes de la boleta de calificaciones, con "
             "consejos en español para ayudar en casa.", "2", "es", spoken="es"),
        Said("Preguntaron si el tablero de datos va a mostrar los resultados de los estudiantes que aprenden "
             "inglés, y si se podrá ver en el teléfono y en español.", "1", "es", "community", "es"),
        Said("Piden más maestros y consejeros que hablen español. Una persona sugirió que el programa para "
             "paraprofesionales apoye a las madres de la comunidad que ya trabajan en las escuelas.", "4", "es",
             spoken="es"),
        Said("Several families asked for the next conversation on a Saturday morning, with childcare, because "
             "many parents work evening shifts.", None, "en", spoken="es"),
    ),
    cards=(
        Said("Quiero que las llamadas automáticas de la escuela sean también en español.", "5", "es", spoken="es"),
        Said("El autobús pasa muy temprano y mi hija espera sola en la oscuridad. Por favor revisen los "
             "horarios.", "6", "es", spoken="es"),
        Said("Que no suspendan a los niños de kínder y primero. Necesitan apoyo, no castigo.", "3", "es",
             spoken="es"),
        Said("Mi hijo está en cuarto grado y todavía no lee bien. Necesitamos tutoría después de clases.", "2",
             "es", spoken="es"),
        Said("Gracias por la reunión en español. Queremos más reuniones así.", "5", "es", spoken="es"),
        Said("No sabía que existía este plan. Mándenlo por WhatsApp o por mensaje de texto.", None, "es",
             spoken="es"),
        Said("Las comidas de la escuela deben ser más saludables y tener opciones para niños con alergias.", "6",
             "es", spoken="es"),
        Said("Contraten maestros bilingües en todas las escuelas, no solo en Lincoln Park.", "4", "es",
             spoken="es"),
        Said("Quiero ver los datos de mi escuela comparados con los de las otras escuelas.", "1", "es",
             spoken="es"),
        Said("Que las clases avanzadas también estén abiertas para los estudiantes que aprenden inglés.", "2", "es",
             "student", "es"),
        Said("El portal de calificaciones está solo en inglés. Es muy difícil para nosotros.", "5", "es",
             spoken="es"),
        Said("Necesitamos cuidado de niños en las audiencias del presupuesto; si no, no podemos ir.", "6", "es",
             spoken="es"),
        Said("Mi hija dice que la regañan por hablar español con sus amigas en el recreo. Eso no está bien.", "3",
             "es", spoken="es"),
        Said("Please keep doing these meetings at the library. It is close to the bus line.", None, "en",
             "community", "en"),
    ),
)

CEDAR_GROVE_NOTES = HostNotes(
    summary=(
        "We met in two tables, one in English and one in Spanish, using Cedar Grove's plan and the discussion "
        "guide, and reported back together at the end. Families strongly support the small reading groups and "
        "the library evenings. The biggest concerns were how families find out their child is in a group, and "
        "conference times for parents who work late. Childcare was full; next time we need two more volunteers."
    ),
    heard=(
        Said("Parents want the note about a child starting a reading group to say what the group works on and "
             "how to help at home, not only that the child was placed in it.", (0, 1)),
        Said("Several kindergarten parents asked what the new phonics materials look like; a short video or a "
             "family night showing a lesson would help.", (0, 0)),
        Said("Las familias de la mesa en español apoyan el bloque diario de vocabulario y piden libros "
             "bilingües que los niños puedan llevar a casa, no solo para el salón.", (0, 2), "es", spoken="es"),
        Said("The library evenings are popular, but 6:00 pm is too early for parents who work until 6. Families "
             "suggested 6:30 to 8:00, and one Saturday morning a month.", (0, 3)),
        Said("Piden que las conferencias por teléfono también tengan intérprete, y poder elegir el horario en el "
             "formulario sin crear una cuenta.", (1, 0), "es", spoken="es"),
        Said("Families prefer text messages to paper; newsletters get lost in backpacks. Grandparents raising "
             "grandchildren still want a paper copy.", (1, 1)),
        Said("Parents asked that the spring meeting show reading results for English learners and for students "
             "with IEPs separately, compared with last year.", (1, 3)),
        Said("Two teachers who came said the coaching visits help, but substitutes are hard to find on coaching "
             "days, so classes get split.", (0, 0), relationship="staff"),
    ),
    cards=(
        Said("My son loves his reading group. Please keep the groups small.", (0, 1)),
        Said("Open the library on Saturdays too!", (0, 3)),
        Said("Prefiero recibir el boletín por mensaje de texto.", (1, 1), "es", spoken="es"),
        Said("Necesito conferencias más tarde, salgo del trabajo a las 6.", (1, 0), "es", spoken="es"),
        Said("Más libros en español en la biblioteca, por favor.", (0, 2), "es", spoken="es"),
        Said("What can I do at home to practice the sounds they learn in class?", (0, 0)),
        Said("Family learning nights with dinner are great. More math nights please.", (1, 2)),
        Said("I'm a grandmother raising two grandkids. I need information on paper, not only on the phone.",
             None, relationship="community"),
        Said("Small groups work when there is enough staff. Please fund more reading aides.", (0, 1),
             relationship="staff"),
        Said("Queremos ver los resultados de lectura por grado en la reunión de primavera.", (1, 3), "es",
             spoken="es"),
        Said("Video conferences were so helpful for me as a night-shift nurse.", (1, 0)),
        Said("Mi hija aprende inglés muy rápido gracias a su maestra. ¡Gracias!", (0, 2), "es", spoken="es"),
    ),
)

STUDENT_NOTES = HostNotes(
    summary=(
        "Students from every grade came, with two teacher advisors. Small groups took actions 2, 3 and 4 and "
        "shared out. Students care most about who gets recommended for honors and AP classes, dress code and "
        "phone rules enforced unevenly, and having teachers who look like them. They asked for student seats "
        "with a real vote on the code of conduct committee."
    ),
    heard=(
        Said("Counselors recommend AP classes to some students and not others; many students found out about "
             "open enrollment only from friends. Every student should be told in grade 9 how to get into honors "
             "and AP.", "2", relationship="student"),
        Said("Students who took Algebra I in grade 9 instead of grade 8 felt behind for AP Calculus. They "
             "support the grade 8 Algebra target but want tutoring to go with it.", "2", relationship="student"),
        Said("Dress code and phone rules are enforced more on Black and Latino students, especially girls. "
             "Students want dress code referrals included in the quarterly discipline review.", "3",
             relationship="student"),
        Said("Students asked for two student seats with votes on the code of conduct committee, chosen by "
             "students, not by the principal.", "3", relationship="student"),
        Said("Restorative circles work when they are run well; some teachers use them as a punishment. "
             "Training should include students as co-facilitators.", "3", relationship="student"),
        Said("Students want more teachers of color and said they would consider teaching if the grow-your-own "
             "pathway paid for college. Several asked whether current seniors can apply.", "4",
             relationship="student"),
        Said("The equity dashboard should show AP enrollment and pass rates by group, and be explained at a "
             "student assembly.", "1", relationship="student"),
        Said("Students who stay for clubs or tutoring have no late bus on two routes. The budget should add late "
             "buses before new technology.", "6", relationship="student"),
        Said("The advisors noticed students were most engaged when they could see their own school's discipline "
             "numbers.", "3", relationship="staff"),
    ),
    cards=(
        Said("I didn't know I could sign up for AP without a teacher recommendation until junior year.", "2",
             relationship="student"),
        Said("Stop sending people to ISS for being late. The buses are late!", "3", relationship="student"),
        Said("I've had one Black teacher in 11 years of school.", "4", relationship="student"),
        Said("Late bus on route 4 please.", "6", relationship="student"),
        Said("Restorative circles helped me fix things with a friend. Keep them.", "3", relationship="student"),
        Said("More AP classes online or in the evening for students who work.", "2", relationship="student"),
        Said("Show us the data, we can handle it.", "1", relationship="student"),
        Said("My parents don't speak English and the school calls in English. I end up interpreting at my own "
             "conference.", "5", relationship="student", spoken="es"),
        Said("The lunch line is so long that half the period is gone.", "6", relationship="student"),
        Said("The dress code targets girls of color. Change it.", "3", relationship="student"),
        Said("Pay students who want to become teachers. I'd do it.", "4", relationship="student"),
        Said("Algebra tutoring during lunch would help a lot of 9th graders.", "2", relationship="student"),
        Said("Thanks for asking students. Do this every year.", None, relationship="student"),
        Said("Phones get taken from some kids and not others for the same thing.", "3", relationship="student"),
        Said("Counselors have 400 students each. We need more counselors before we can even talk about college.",
             "2", relationship="student"),
        Said("Fix the bathrooms before buying new laptops.", "6", relationship="student"),
    ),
)

SOMALI_NOTES = HostNotes(
    summary=(
        "The conversation was held in Somali with an interpreter, and these notes were written in English from "
        "the interpretation. Families thanked the district for coming to them and want it to come back. Main "
        "concerns: no Somali interpretation at conferences and IEP meetings, the bus stop for the Riverside Way "
        "apartments, and how Somali students are disciplined. The interpreter helped families write their cards "
        "in English."
    ),
    heard=(
        Said("The district offers Spanish but not Somali. Parents ask for Somali interpreters at conferences and "
             "IEP meetings, and for recorded phone messages in Somali, since some parents do not read either "
             "language.", "5", spoken="so"),
        Said("Parents want a way to ask for an interpreter without calling the school office in English.", "5",
             spoken="so"),
        Said("The bus stop for the Riverside Way apartments was moved and young children now cross a busy road. "
             "Families ask for the stop to be moved back, or for a crossing guard.", "6", spoken="so"),
        Said("Parents worry that Somali boys are suspended more often and that families are called only after the "
             "decision. They want a phone call, with an interpreter, before any suspension.", "3", spoken="so"),
        Said("During Ramadan, students who were fasting were marked down in PE and one was sent to the office for "
             "resting. Families ask for staff training on religious practices.", "3", spoken="so"),
        Said("Several mothers work as paraprofessionals and want the grow-your-own pathway to include them, with "
             "classes in the evening. Families want Somali-speaking counselors.", "4", spoken="so"),
        Said("Many parents did not know their children could take Algebra I in grade 8 and want it explained at "
             "a community meeting.", "2", spoken="so"),
    ),
    cards=(
        Said("We need a Somali interpreter at every conference. Not a child translating.", "5", spoken="so"),
        Said("The bus stop is dangerous now. Please fix it.", "6", spoken="so"),
        Said("Call the parent before a suspension.", "3", spoken="so"),
        Said("Hire Somali teachers and counselors.", "4", spoken="so"),
        Said("Thank you for coming to our community.", None, spoken="so"),
        Said("Send messages by voice in Somali, not only letters.", "5", spoken="so"),
        Said("A halal option in school lunch every day.", "6", spoken="so"),
        Said("My daughter wants harder math. How can she get in?", "2", spoken="so"),
        Said("A quiet place to pray on Friday at the high school.", "3", relationship="student", spoken="so"),
        Said("Show results for Somali students, not only 'Black' or 'other'.", "1", spoken="so"),
    ),
)

READING_NIGHT_DRAFT = HostNotes(
    summary="Kindergarten and first grade families came to see a phonics lesson. Draft: cards still to type in.",
    heard=(
        Said("Families liked seeing a real lesson and asked for the word lists to take home.", (0, 0)),
        Said("Padres preguntaron si las listas de palabras pueden venir también en español para explicar las "
             "instrucciones.", (0, 0), "es", spoken="es"),
        Said("Several parents asked how they will know when their child moves out of a reading group.", (0, 1)),
    ),
    submitted=False,
)


@dataclass(frozen=True)
class MoreSaid:
    """More of what was said at a held session than is written out above: generated from the
    concerns (feedback.CONCERNS), more often about the session's focus, in its communities' voices."""

    cards: int
    heard: int
    focus: tuple[str, ...]
    spanish: float  # share of the texts written in Spanish
    relationships: tuple[str, ...]  # drawn from, so repeat one to weight it
    # The language people spoke, when the host knows it (and "es" for whatever is written in Spanish).
    spoken: str | None = None
    # Where each concern is anchored on the session's plan: None anchors to the district
    # plan's action the concern is about; a school plan names (section, action) positions.
    anchors: dict[str, tuple[int, int]] | None = None
    only_focus: bool = False  # people talk about nothing else (a school's own plan)
    off_topic: float = 0.04  # cards about nothing in the plan ("Thanks for the food!")


MORE_SAID = {
    "familias-unidas-equity-plan": MoreSaid(
        cards=34, heard=4, focus=("interpretation", "communication", "transportation", "meeting_times", "discipline"),
        spanish=0.95, relationships=("parent",) * 6 + ("community", "student"), spoken="es"),
    "cedar-grove-family-conversation": MoreSaid(
        cards=26, heard=3, focus=("reading_math", "meeting_times", "communication", "interpretation"),
        spanish=0.4, relationships=("parent",) * 8 + ("staff", "community"), only_focus=True,
        anchors={"reading_math": (0, 1), "meeting_times": (1, 2), "communication": (1, 1),
                 "interpretation": (1, 0)}),
    "student-voices": MoreSaid(
        cards=40, heard=4, focus=("advanced_courses", "discipline", "mental_health", "diverse_staff", "technology"),
        spanish=0.05, relationships=("student",) * 9 + ("staff",)),
    "somali-families-equity-plan": MoreSaid(
        cards=22, heard=3, focus=("interpretation", "transportation", "meals", "discipline", "diverse_staff"),
        spanish=0.0, relationships=("parent",) * 5 + ("community",), spoken="so"),
}


def _more_said(spec: DemoSession) -> tuple[tuple[Said, ...], tuple[Said, ...]]:
    """(heard, cards) generated for a held session, the same every time (seeded by the session)."""
    more = MORE_SAID.get(spec.slug)
    if more is None:
        return (), ()
    voices = FeedbackWriter(random.Random(f"demo-{spec.slug}"))
    rng = voices.rng
    focus_only = {key: CONCERNS[key] for key in more.focus}

    def said(text: str, concern, language: str, relationship: str) -> Said:
        if concern is None:
            about = None
        elif more.anchors is not None:
            about = more.anchors.get(concern.key)
        else:
            about = str(concern.action + 1) if concern.action is not None else None
        spoken = "es" if language == "es" else more.spoken
        return Said(text, about, language, relationship, spoken)

    heard: list[Said] = []
    for _ in range(more.heard * 4):  # some concerns have no host's wording in a language: draw again
        concern = rng.choice(list(focus_only.values()))
        language = "es" if rng.random() < more.spanish else "en"
        text = voices.heard(concern, language)
        if text and all(text != h.text for h in heard):
            heard.append(said(text, concern, language, rng.choice(more.relationships)))
        if len(heard) == more.heard:
            break
    cards: list[Said] = []
    for _ in range(more.cards):
        language = "es" if rng.random() < more.spanish else "en"
        relationship = rng.choice(more.relationships)
        if rng.random() < more.off_topic:
            cards.append(said(voices.off_topic(language), None, language, relationship))
            continue
        concern = rng.choice(list(focus_only.values())) if more.only_focus else voices.concern(focus=more.focus)
        cards.append(said(voices.card(concern, language, relationship), concern, language, relationship))
    return tuple(heard), tuple(cards)


# The sessions ------------------------------------------------------------------------

SESSIONS = [
    # Held ----------------------------------------------------------------------------
    DemoSession(
        slug="familias-unidas-equity-plan", host="Familias Unidas de Riverbend",
        created_by="maribel.ortiz@example.org",
        title="Conversación familiar sobre el plan de equidad",
        description=("Una conversación en español sobre el borrador del plan de equidad del distrito: qué les "
                     "parece, qué falta y qué debe cambiar. Habrá cena y cuidado de niños."),
        day=-38, starts=time(18, 0), minutes=90, languages=("es",), capacity=30, people=("spanish",),
        parties=((3, CAME), (2, CAME), (1, CAME), (4, CAME), (2, ABSENT), (1, CAME), (2, CAME), (3, CAME),
                 (1, CANCELLED), (2, CAME), (1, CAME), (2, ABSENT), (1, WALK_IN), (2, WALK_IN), (1, WALK_IN)),
        place=LIBRARY, childcare=True, food=True, notes=FAMILIAS_UNIDAS_NOTES,
    ),
    DemoSession(
        slug="cedar-grove-family-conversation", host="Cedar Grove PTO", created_by="host@example.org",
        title="Cedar Grove family conversation: reading and working with families",
        description=("Read Cedar Grove's new plan for reading and family partnership with other families and "
                     "tell the school what you think. In English and Spanish; dinner and childcare provided."),
        day=-24, starts=time(18, 0), minutes=90, languages=("en", "es"), capacity=40,
        people=("families", "spanish"),
        parties=((2, CAME), (3, CAME), (1, CAME), (2, CAME), (4, CAME), (1, ABSENT), (2, CAME), (2, CAME),
                 (1, CAME), (3, CANCELLED), (2, CAME), (1, CAME), (2, WALK_IN), (1, WALK_IN)),
        plan="school", school="Cedar Grove Elementary School",
        place=("410 Cedar Grove Road", "Cafeteria",
               "Step-free entrance from the parking lot; accessible restrooms next to the cafeteria."),
        interpretation=True, childcare=True, food=True, notes=CEDAR_GROVE_NOTES,
    ),
    DemoSession(
        slug="student-voices", host="Riverbend High Student Equity Council", created_by="jordan.ellis@example.org",
        title="Student voices on the equity plan",
        description=("Students of Riverbend High: the district wants to hear from you on discipline, advanced "
                     "classes and who teaches you. Snacks provided. Run by students, for students."),
        day=-16, starts=time(15, 45), minutes=75, languages=("en",), capacity=40, people=("students",),
        parties=((1, CAME),) * 14 + ((1, ABSENT), (1, ABSENT), (1, CANCELLED), (1, WALK_IN), (1, WALK_IN),
                                     (1, WALK_IN), (1, WALK_IN)),
        school="Riverbend High School",
        place=("1 Riverbend Plaza", "Library", "Elevator at the main entrance; the library is on the second floor."),
        food=True, notes=STUDENT_NOTES,
    ),
    DemoSession(
        slug="somali-families-equity-plan", host="Somali Parents Association of Riverbend",
        created_by="hodan.warsame@example.org",
        title="Somali family conversation on the equity plan",
        description=("A conversation in Somali, with an English interpreter, about the district's draft equity "
                     "plan. Food provided. Families from every school are welcome."),
        day=-9, starts=time(11, 0), minutes=90, languages=("so", "en"), capacity=30, people=("somali",),
        parties=((2, CAME), (1, CAME), (3, CAME), (1, CAME), (2, CAME), (1, ABSENT), (2, CAME), (1, CAME),
                 (2, CAME), (1, WALK_IN), (2, WALK_IN)),
        place=("140 Riverside Way", "Riverside Community Center, Hall B",
               "Step-free entrance; a separate quiet room is available for prayer."),
        interpretation=True, food=True, notes=SOMALI_NOTES,
    ),
    DemoSession(
        slug="cedar-grove-reading-night", host="Cedar Grove PTO", created_by="host@example.org",
        title="Reading night for kindergarten and first grade families",
        description="See a phonics lesson like the ones your child has every day, and tell us what would help at home.",
        day=-2, starts=time(18, 0), minutes=60, languages=("en", "es"), capacity=25,
        people=("families", "spanish"),
        parties=((2, CAME), (1, CAME), (3, CAME), (2, CAME), (2, ABSENT), (1, CAME), (2, CAME), (1, WALK_IN)),
        plan="school", school="Cedar Grove Elementary School",
        place=("410 Cedar Grove Road", "Library", "Step-free entrance from the parking lot."),
        interpretation=True, childcare=True, notes=READING_NIGHT_DRAFT,
    ),
    # Upcoming ------------------------------------------------------------------------
    DemoSession(
        slug="cedar-grove-learning-night", host="Cedar Grove PTO", created_by="host@example.org",
        title="Family learning night: helping with reading at home",
        description=("The second family learning night of Cedar Grove's plan: how reading groups work, what to "
                     "practice at home, and what the school should do next. In English and Spanish, with dinner "
                     "and childcare."),
        day=1, starts=time(18, 0), minutes=90, languages=("en", "es"), capacity=40,
        people=("families", "spanish"),
        parties=(2, 3, 1, 2, 4, 2, 1, 3), accounts=("participant@example.org",),
        plan="school", school="Cedar Grove Elementary School",
        place=("410 Cedar Grove Road", "Cafeteria",
               "Step-free entrance from the parking lot; accessible restrooms next to the cafeteria."),
        interpretation=True, childcare=True, food=True,
    ),
    DemoSession(
        slug="familias-unidas-interpreters-transport", host="Familias Unidas de Riverbend",
        created_by="maribel.ortiz@example.org",
        title="Conversación en español: intérpretes, transporte y comunicación con las familias",
        description=("Las familias pidieron una segunda conversación, esta vez un sábado. Hablaremos de las "
                     "acciones 5 y 6 del plan: traducción e intérpretes, y el presupuesto para autobuses y "
                     "programas después de clases. Habrá desayuno y cuidado de niños; inscríbase a más tardar dos "
                     "días antes para que sepamos cuántos niños vienen."),
        day=6, starts=time(10, 0), minutes=90, languages=("es",), capacity=30, people=("spanish",),
        parties=(3, 2, 4, 1, 2, 3, 2), school="Lincoln Park Elementary School",
        place=("77 Lincoln Park Avenue", "Library",
               "Step-free entrance on the playground side; the library is on the ground floor."),
        childcare=True, food=True, deadline_days_before=2,
    ),
    DemoSession(
        slug="somali-families-second", host="Somali Parents Association of Riverbend",
        created_by="hodan.warsame@example.org",
        title="Somali families: interpreters, bus routes and school discipline",
        description=("A second conversation for Somali families who could not come last time, on the actions "
                     "families raised most: interpretation, the Riverside Way bus stop, and discipline. In Somali "
                     "and English; lunch provided."),
        day=9, starts=time(12, 0), minutes=90, languages=("so", "en"), capacity=20, people=("somali",),
        parties=(3, 2, 4, 1, 2, 3, 2, 1),
        place=("140 Riverside Way", "Riverside Community Center, Hall B",
               "Step-free entrance; a separate quiet room is available for prayer."),
        interpretation=True, food=True,
    ),
    DemoSession(
        slug="black-families-discipline", host="Riverbend Black Parent Network",
        created_by="denise.carter@example.org",
        title="Discipline, belonging and restorative practices: a conversation for Black families",
        description=("What would make discipline fair in our schools, and what does the revised code of conduct "
                     "need to say? A small-group conversation hosted by the Riverbend Black Parent Network. Dinner "
                     "and childcare provided."),
        day=5, starts=time(18, 30), minutes=90, languages=("en",), capacity=12, people=("families",),
        parties=(2, 1, 3, 2, 1, 2, 1, 2, 1, 1), place=LIBRARY, childcare=True, food=True,
    ),
    DemoSession(
        slug="staff-grow-your-own", host="Riverbend Staff Equity Team", created_by="marcus.reed@example.org",
        title="Staff conversation: growing and keeping teachers who reflect our students",
        description=("For teachers, paraprofessionals and all school staff: action 4 of the plan, the "
                     "grow-your-own pathway and mentoring for new teachers. Online, after school."),
        day=12, starts=time(16, 0), minutes=60, languages=("en",), capacity=60, people=("staff",),
        parties=(1, 1, 1, 1, 1), online_url="https://meet.example.org/riverbend-staff-equity",
    ),
    DemoSession(
        slug="district-budget-online", host=None, created_by="leader@example.org",
        title="District-wide online conversation: the budget, buses and after-school programs",
        description=("The Office of Equity and Family Engagement hosts an online evening on action 6: how next "
                     "year's budget should fund transportation, after-school programs, special education staff "
                     "and school meals. In English with Spanish interpretation; ask for another language when "
                     "you sign up."),
        day=15, starts=time(18, 30), minutes=90, languages=("en", "es"), capacity=100,
        people=("families", "spanish"),
        parties=(1, 2, 1, 1, 2, 1), online_url="https://meet.example.org/riverbend-budget-conversation",
        interpretation=True,
    ),
    DemoSession(
        slug="harbor-view-algebra", host="Harbor View Middle School PTO", created_by="linh.tran@example.org",
        title="Algebra I in grade 8: who takes it at Harbor View?",
        description=("The plan sets a target for grade 8 math and access to Algebra I. Come hear how students are "
                     "placed today and tell us what would make it fair. Light dinner provided."),
        day=20, starts=time(18, 0), minutes=75, languages=("en", "es"), capacity=30,
        people=("families", "spanish"),
        parties=(2, 1, 2), school="Harbor View Middle School",
        place=("300 Harbor View Street", "Library", "Step-free entrance at the front doors; elevator to the library."),
        interpretation=True, food=True,
    ),
]


# Loading -----------------------------------------------------------------------------


@dataclass
class _Context:
    now: datetime
    today: date
    rng: random.Random
    plans: dict[str, Plan]
    organizations: dict[str, Organization]
    schools: dict[str, School]
    added: dict[str, int]
    used_names: dict[str, int] = field(default_factory=dict)


def load_demo_conversations(district_plan: Plan, school_plan: Plan, added: dict[str, int], *,
                            make_user) -> None:
    """Hosts, sessions, sign-ups and notes; sessions already there are left alone.

    make_user(email, name, role, added, locale=) is the demo's account maker.
    """
    organizations = {org.name: org for org in db.session.scalars(select(Organization))}
    for email, name, org_name, locale in HOSTS:
        user = make_user(email, name, Role.PARTICIPANT, added, locale=locale)
        if not any(m.organization_id == organizations[org_name].id for m in user.memberships):
            db.session.add(Membership(user=user, organization=organizations[org_name]))
    db.session.commit()

    now = utcnow().replace(second=0, microsecond=0)
    context = _Context(
        now=now, today=utc_to_local(now).date(), rng=random.Random(2026),
        plans={"district": district_plan, "school": school_plan}, organizations=organizations,
        schools={school.name: school for school in db.session.scalars(select(School))}, added=added,
    )
    for spec in SESSIONS:
        token = f"demo-conversation-{spec.slug}"
        if db.session.scalar(select(ConversationSession.id).where(ConversationSession.submission_token == token)):
            continue
        session = _create_session(spec, token, context)
        if spec.day < 0:
            _held_session(spec, session, context)
        else:
            _sign_ups(spec, session, context)


def _at(context: _Context, day: int, moment: time) -> datetime:
    return local_to_utc(datetime.combine(context.today + timedelta(days=day), moment))


def _create_session(spec: DemoSession, token: str, context: _Context) -> ConversationSession:
    starts_at = _at(context, spec.day, spec.starts)
    creator = find_user_by_email(spec.created_by)
    plan = context.plans[spec.plan]
    address, room, accessibility = spec.place
    # Announced a couple of weeks ahead, but not before the plan was published.
    created_at = max(starts_at - timedelta(days=14), as_utc(plan.versions[0].published_at) + timedelta(hours=2))
    created_at = min(created_at, context.now - timedelta(days=2))
    session = ConversationSession(
        organization_id=context.organizations[spec.host].id if spec.host else None,
        created_by_id=creator.id,
        plan_id=plan.id,
        section_keys=[section.key for section in plan.sections],
        school_id=context.schools[spec.school].id if spec.school else None,
        title=spec.title,
        description=spec.description,
        # A session translated into English was written in Spanish.
        written_in="es" if "en" in SESSION_TRANSLATIONS.get(spec.slug, {}) else "en",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=spec.minutes),
        registration_deadline=(_at(context, spec.day - spec.deadline_days_before, time(20, 0))
                               if spec.deadline_days_before else None),
        format=spec.format,
        address=address,
        room=room,
        accessibility_notes=accessibility,
        online_url=spec.online_url,
        interpretation_available=spec.interpretation,
        childcare_offered=spec.childcare,
        food_offered=spec.food,
        capacity=spec.capacity,
        languages=[SessionLanguage(code=code, position=i) for i, code in enumerate(spec.languages)],
        submission_token=token,
        created_at=created_at,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(creator, "conversation.created", "conversation_session", session.id,
                 title=session.title).created_at = created_at
    db.session.commit()
    for language, texts in SESSION_TRANSLATIONS.get(spec.slug, {}).items():
        translation.save_translations(None, session_document(session), language, texts, publish=True)
    context.added["conversation_sessions"] += 1
    return session


def _person(spec: DemoSession, context: _Context) -> tuple[str, str, str, str | None]:
    """The next person of the session's communities: (name, email, email language, interpreter language)."""
    community = context.rng.choice(spec.people)
    locale, interpreter, names = PEOPLE[community]
    # Move through each community's names across sessions, so most people come once.
    index = context.used_names.get(community, 0)
    context.used_names[community] = index + 1
    name = names[index % len(names)]
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace("'", "")
    for title in ("ms. ", "mr. ", "mrs. "):
        plain = plain.removeprefix(title)
    email = ".".join(plain.split()) + "@example.org"
    # People whose language the session is not held in often ask for an interpreter.
    asks = interpreter if interpreter not in (None, *spec.languages[:1]) and context.rng.random() < 0.6 else None
    return name, email, locale, asks


def _needs(spec: DemoSession, party_size: int, locale: str, context: _Context) -> tuple[int, str]:
    rng = context.rng
    childcare = rng.randint(1, party_size - 1) if spec.childcare and party_size > 1 and rng.random() < 0.6 else 0
    needs = rng.choice(ACCESSIBILITY_NEEDS[locale]) if rng.random() < 0.12 else ""
    return childcare, needs


def _sign_ups(spec: DemoSession, session: ConversationSession, context: _Context) -> None:
    """Everyone signs up through the registration service, spread over the days since the session was announced."""
    session_id, opened = session.id, as_utc(session.created_at)
    people = [("account", email) for email in spec.accounts] + [("guest", size) for size in spec.parties]
    step = (context.now - timedelta(minutes=30) - opened) / (len(people) + 1)
    for number, (kind, value) in enumerate(people, start=1):
        signed_up_at = opened + step * number
        if kind == "account":
            user = find_user_by_email(value)
            signup = Signup(name=user.display_name, email=user.email, party_size=2, locale=user.locale or "en",
                            childcare_count=1 if spec.childcare else 0, user_id=user.id)
        else:
            name, email, locale, interpreter = _person(spec, context)
            childcare, needs = _needs(spec, value, locale, context)
            signup = Signup(name=name, email=email, party_size=value, interpretation_language=interpreter,
                            childcare_count=childcare, accessibility_needs=needs, locale=locale,
                            phone=f"555-01{context.rng.randint(10, 99)}" if context.rng.random() < 0.3 else "")
        register_for_session(session_id, signup, submission_token=f"demo-signup-{spec.slug}-{number}",
                             now=signed_up_at)
        context.added["registrations"] += 1


def _held_session(spec: DemoSession, session: ConversationSession, context: _Context) -> None:
    """Sign-ups, check-ins and walk-ins as they happened, then the host's notes."""
    rng = context.rng
    starts_at = as_utc(session.starts_at)
    opened = as_utc(session.created_at)
    host = find_user_by_email(spec.created_by)
    step = (starts_at - timedelta(hours=2) - opened) / (len(spec.parties) + 1)
    for number, (size, outcome) in enumerate(spec.parties, start=1):
        name, email, locale, interpreter = _person(spec, context)
        childcare, needs = _needs(spec, size, locale, context)
        walk_in = outcome == WALK_IN
        signed_up_at = starts_at + timedelta(minutes=rng.randint(0, 20)) if walk_in else opened + step * number
        registration = Registration(
            session_id=session.id, name=name, email=None if walk_in and rng.random() < 0.5 else email,
            party_size=size, interpretation_language=interpreter, childcare_count=childcare,
            accessibility_needs="" if walk_in else needs, locale=locale,
            consented_at=None if walk_in else signed_up_at, status=RegistrationStatus.CONFIRMED, walk_in=walk_in,
            created_at=signed_up_at, confirmed_at=signed_up_at,
        )
        if outcome == CANCELLED:
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = signed_up_at + (starts_at - signed_up_at) / 2
            registration.cancelled_by = CancelledBy.PARTICIPANT
        elif outcome == CAME:
            registration.checked_in_at = starts_at + timedelta(minutes=rng.randint(-10, 15))
        elif walk_in:
            registration.checked_in_at = signed_up_at
        if outcome in (CAME, ABSENT) and starts_at - signed_up_at > timedelta(days=1):
            registration.reminder_sent_at = starts_at - timedelta(hours=23)
        if registration.status == RegistrationStatus.CONFIRMED and not walk_in:
            session.seats_taken += size
        db.session.add(registration)
        db.session.flush()
        if registration.checked_in_at:
            action = "conversation.walk_in_added" if walk_in else "conversation.checked_in"
            audit.record(host, action, "conversation_session", session.id,
                         registration=registration.id).created_at = registration.checked_in_at
        context.added["registrations"] += 1
    _host_notes(spec, session, host, context)
    db.session.commit()


def _anchor(about, plan: Plan) -> tuple[str | None, str | None]:
    """(section key, action key) of what an entry is about."""
    if about is None:
        return None, None
    if isinstance(about, tuple):
        section = plan.sections[about[0]]
        return section.key, section.actions[about[1]].key
    for section in plan.sections:
        for action in section.actions:
            if action.number == about:
                return section.key, action.key
    raise LookupError(f"no action {about} in {plan.title}")


def _host_notes(spec: DemoSession, session: ConversationSession, host: User, context: _Context) -> None:
    notes = spec.notes
    ends_at = as_utc(session.ends_at)
    came = sum(r.party_size for r in session.registrations if r.checked_in_at)
    note = ConversationNote(session_id=session.id, attendance_count=came, summary=notes.summary,
                            created_at=ends_at + timedelta(hours=1))
    plan = context.plans[spec.plan]
    school_ids = [session.school_id] if session.school_id else [school.id for school in context.schools.values()]
    more_heard, more_cards = _more_said(spec)
    for kind, said_list in ((NoteEntryKind.HEARD, notes.heard + more_heard),
                            (NoteEntryKind.CARD, notes.cards + more_cards)):
        for position, said in enumerate(said_list):
            section_key, action_key = _anchor(said.about, plan)
            note.entries.append(NoteEntry(
                kind=kind, position=position, text=said.text, language=said.language,
                section_key=section_key, action_key=action_key,
                relationship_to_district=said.relationship, participant_language=said.spoken,
                # Cards name a school when the person filled that line in; most do.
                school_id=context.rng.choice(school_ids) if kind == NoteEntryKind.CARD and context.rng.random() < 0.7
                else None,
                created_at=ends_at + timedelta(hours=1 if kind == NoteEntryKind.HEARD else 20, minutes=position),
            ))
    db.session.add(note)
    if notes.submitted:
        note.status = NoteStatus.SUBMITTED
        note.submitted_at = note.updated_at = min(ends_at + timedelta(days=1, hours=2), context.now)
        note.submitted_by_id = host.id
        session.status = SessionStatus.COMPLETED
        for action, details in (("conversation.completed", {"by": "notes_submitted"}),
                                ("conversation.notes_submitted", {"attendance": came, "entries": len(notes.heard),
                                                                  "cards": len(notes.cards)})):
            audit.record(host, action, "conversation_session", session.id, **details).created_at = note.submitted_at
    else:
        note.updated_at = ends_at + timedelta(hours=2)
    context.added["conversation_notes"] += 1
