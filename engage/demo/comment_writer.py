"""Plausible community comments on the demo district's open plan, in English and Spanish.

Pure Python: a seeded random generator, people and anchors in, comment drafts
out, in the order they were "written". ``data.py`` posts them through the
comments service. Some comments are written out here, by theme; most are
generated from the concerns in ``feedback.py``, so the theme analysis finds
the same concern however people put it. Templates have slots (school, grade,
child...) so texts vary; a template may start with ``P|`` (parents only),
``S|`` (staff only) or ``T|`` (students only).
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .feedback import (
    ALL_SCHOOLS,
    CHILDREN,
    COMMUNITY,
    CONCERNS,
    ELEMENTARY,
    GRADES,
    PARENT,
    STAFF,
    STUDENT,
    FeedbackWriter,
)

# Share of top-level comments generated from the concerns (the rest are written out below),
# and of replies to those that say something of their own about the concern.
GENERATED_SHARE = 0.6
ON_TOPIC_REPLIES = 0.4
# A few comments are about nothing in the plan (someone asking about picture day).
OFF_TOPIC_COMMENTS = 3


@dataclass(frozen=True)
class Person:
    key: Hashable  # whatever lets the caller find the account again
    spanish: bool
    relationship: str | None = None  # PARENT, STUDENT, STAFF, COMMUNITY or unknown
    schools: tuple[tuple[str, str], ...] = ()  # (short name, level) of the schools they told us about


@dataclass
class CommentDraft:
    author: Hashable
    body: str
    language: str  # "en" or "es"
    theme: str
    at: datetime
    concern: str | None = None  # the generated concern it is about (feedback.CONCERNS), if any
    action: int | None = None  # position of the action in the plan's section; None: see on_section
    on_section: bool = False  # anchored to the section, not one action (when action is None)
    parent: int | None = None  # index of the draft this replies to
    anonymous: bool = False
    official: bool = False
    supporters: list[Hashable] = field(default_factory=list)
    flags: list[tuple[Hashable, str]] = field(default_factory=list)


# -- themes ------------------------------------------------------------------------
# action: which of the open plan's six actions the theme belongs to (0-based);
# None means the plan as a whole.

THEMES: dict[str, dict] = {
    "transportation": {
        "action": 5,
        "en": [
            "P|The bus to {school} comes at {time} in the morning and {child} still gets there after the bell about twice a week. Transportation money should go to the routes with the longest rides first.",
            "{route} is regularly {minutes} minutes late. When the bus is late, students miss breakfast and the start of first period. Please put bus reliability in this plan with a number we can check.",
            "If the district is serious about attendance, it has to fix transportation. Families at {school} without a car have no backup when the bus doesn't come.",
            "Please add a target for how long students ride the bus. Some students on the east side ride over {minutes} minutes each way to {school}.",
            "Could the district publish on-time data for each bus route, the way the dashboard will show attendance? Then we could see whether the new budget changes anything.",
            "T|The late bus from {school} leaves before most clubs end, so students who ride it can't join anything after school.",
        ],
        "es": [
            "P|El autobús de {school} pasa a las {time} y {hijo} llega tarde a clase por lo menos dos veces por semana. Por favor, que el dinero de transporte empiece por las rutas más largas.",
            "La {ruta} llega {minutes} minutos tarde casi todos los días. Los niños pierden el desayuno. Queremos una meta clara de puntualidad en este plan.",
            "Muchas familias de {school} no tenemos carro. Si el autobús no llega, no hay otra manera de llevar a los niños a la escuela.",
            "¿Pueden avisar por mensaje de texto cuando una ruta va tarde? Los padres nos enteramos cuando ya llevamos veinte minutos esperando en la parada.",
        ],
    },
    "discipline": {
        "action": 2,
        "en": [
            "I'm glad to see suspension described as a last resort. At {school}, the same students get sent out of class again and again, and most of them are Black boys. The quarterly review should be public, not only internal.",
            "S|Restorative practices only work if teachers have time for them. One training before March isn't enough; please plan for coaching through the whole year.",
            "Who will be on the code of conduct committee? Students should be at least a third of it, including students who have been suspended themselves.",
            "The plan should count in-school removals and calls home to pick a child up early, not only formal suspensions. Those informal removals are where the gaps hide.",
            "S|I teach at {school} and I support this, but we need more counselors and social workers to make it real. Right now one counselor covers about {caseload} students.",
            "Please explain how the risk ratios will be reported. A single district number can hide one school where the gap is very large.",
            "T|Students notice who gets sent to the office for the same thing others get a warning for. Ask us; we can tell you where it happens.",
        ],
        "es": [
            "P|Me alegra que la suspensión sea el último recurso. A {hijo} le han pedido salir de clase tres veces este mes por cosas pequeñas, y nunca nos llamaron antes.",
            "Las familias necesitamos entender el código de conducta. Por favor, publíquenlo en español y expliquen qué pasa en cada paso.",
            "El comité del código de conducta debe incluir a padres que hablan español. Muchas veces no nos invitan porque las reuniones son solo en inglés.",
            "Las prácticas restaurativas suenan bien, pero ¿quién las va a hacer? Los maestros de {school} ya tienen demasiado trabajo.",
        ],
    },
    "math_literacy": {
        "action": 1,
        "en": [
            "P|{Child} is in {grade} at {school} and still struggles to read a chapter book. The grade 3 reading target should come with extra help that starts in kindergarten.",
            "What does 'access to Algebra I' mean in practice? At {school} only a few students in each class are placed in advanced math in 7th grade, and that placement decides everything after it.",
            "Each school setting its own targets sounds fine, but families need one clear district goal for reading and math that we can compare across schools.",
            "Please include tutoring during the school day. Many students can't stay after school because they look after younger brothers and sisters.",
            "S|The math curriculum at {school} has changed twice in three years. Teachers need stable materials and time to learn them before anyone judges results.",
            "P|I'd like every school plan to say how parents will hear about their child's reading level, in plain language, at least three times a year.",
            "T|Math help at {school} is only at lunch, and lunch is twenty minutes. Most of us don't go.",
        ],
        "es": [
            "P|{Hijo} está en {grado} en {school} y le cuesta mucho leer. Queremos saber qué ayuda extra va a recibir y cuándo empieza.",
            "Pedimos que las metas de lectura tomen en cuenta a los estudiantes que están aprendiendo inglés. Muchos leen bien en español, pero las pruebas no lo muestran.",
            "P|Las tareas de matemáticas vienen solo en inglés y no puedo ayudar a {hijo} en casa. Un video corto en español ayudaría mucho.",
            "¿Cuántos estudiantes latinos toman Álgebra I en octavo grado? Ese número debería estar en el plan.",
        ],
    },
    "communication": {
        "action": 4,
        "en": [
            "Spanish is a good start, but many families at {school} speak {lang}. Please name more languages in this action instead of 'on request'.",
            "P|Interpretation at conferences has been hit or miss. Last spring our interpreter arrived {minutes} minutes late and the conference was already over. Please track whether interpreters actually show up.",
            "Text messages work much better for our family than emails or the app. Can the plan include texting in home languages?",
            "The survey in May is too late to change anything this year. Could there be a short check-in survey in the winter too?",
            "Please stop relying on students to interpret for their parents in meetings about discipline or special education. That isn't fair to the students.",
            "T|I translate school letters for my parents all the time. It would help if the letters came in Spanish in the first place.",
        ],
        "es": [
            "Gracias por incluir el español. Pero muchas veces la traducción llega días después del mensaje en inglés y ya es tarde para la reunión.",
            "Necesitamos intérpretes en las reuniones de educación especial, no solo en las conferencias. Ahí es donde más se necesita entender todo.",
            "Los mensajes de texto funcionan mejor que el correo electrónico. Muchas familias no revisamos el correo.",
            "Una vecina habla mam y no entiende ni inglés ni español. ¿El plan también piensa en las familias que hablan lenguas indígenas?",
            "En {school} hay una persona en la oficina que habla español y eso nos ayuda muchísimo. Todas las escuelas deberían tener una.",
        ],
    },
    "staffing": {
        "action": 3,
        "en": [
            "{school} lost {few} teachers last year. A mentor for new teachers is great, but the plan should also ask why experienced teachers are leaving.",
            "The grow-your-own pathway is the best idea in this plan. Several paraprofessionals at {school} already know our kids and speak their languages; help them become teachers.",
            "How will the pathway be paid for? If candidates have to stop working to student-teach, most of them can't afford it.",
            "P|My kids have had only one teacher of color in all their years in Riverbend. I'd like a target for new hires, not only a pathway.",
            "S|Substitute shortages hit the same schools every year. At {school} we cover each other's classes during our planning time. Please include substitutes in this action.",
        ],
        "es": [
            "Necesitamos más maestros bilingües. En {school} hay muchos niños que hablan español y muy pocas maestras que lo hablan.",
            "Las asistentes de maestro conocen muy bien a nuestros hijos. Me parece muy bien que puedan estudiar para ser maestras.",
            "P|¿Qué van a hacer para que los maestros nuevos no se vayan después de un año? {Hijo} tuvo tres maestros diferentes el año pasado.",
        ],
    },
    "budget": {
        "action": 5,
        "en": [
            "I support sending more money to the schools with the greatest need, but the plan should define 'need' so families can check the numbers.",
            "The budget hearing should be in the evening, with dinner and childcare, or working parents won't be there.",
            "Please show what this plan costs. Without numbers it's hard to know which of these actions will actually happen.",
            "What will be cut to pay for this? People will trust the plan more if the district is honest about trade-offs.",
            "The Budget Advisory Committee should include parents from every school, not only the schools with active PTOs.",
        ],
        "es": [
            "Queremos saber cuánto dinero va a recibir {school} y en qué se va a gastar. Por favor, expliquen el presupuesto en español y con palabras sencillas.",
            "La audiencia del presupuesto debe ser por la tarde y con cuidado de niños. Si no, las familias que trabajamos no podemos ir.",
            "Me parece justo que las escuelas con más necesidad reciban más. Pero ¿cómo deciden cuáles son?",
        ],
    },
    "special_education": {
        "action": 5,
        "en": [
            "Special education appears only once, in the budget action. Students with disabilities need their own targets in every school plan.",
            "P|{Child} has an IEP and has gone months without the speech therapy written in it because the position is vacant. Related services staff must be a priority.",
            "Please make sure the dashboard shows results for students with disabilities at each school, even if small numbers mean combining years.",
            "P|Parents of students with IEPs should have seats on the Family Advisory Council. We often feel like the last group anyone asks.",
            "S|Special education teachers at {school} have caseloads well above the limit. The plan should say when that will be fixed.",
        ],
        "es": [
            "P|{Hijo} tiene un IEP y nadie nos explicó nada en español. Necesitamos intérpretes en todas las reuniones del IEP.",
            "Los niños con discapacidades también deben tener metas de lectura y matemáticas en el plan de cada escuela.",
            "P|Hace meses que {hijo} no recibe terapia del habla porque no hay especialista. ¿Qué va a hacer el distrito?",
        ],
    },
    "after_school": {
        "action": 5,
        "en": [
            "The after-school program at {school} fills up in the first hour of sign-ups. Families who work late or don't read English emails never get a spot.",
            "Please keep the late bus if after-school programs grow. Without it, only students with a ride home can stay.",
            "P|{Child} finally got help with homework in the after-school program at {school}. It should be free at every school.",
            "Middle schoolers need more than homework help: clubs, sports and music keep them connected to school. {mid_a} has far fewer options than {mid_b}.",
        ],
        "es": [
            "El programa después de clases se llena muy rápido. Por favor, abran la inscripción también en español y en papel.",
            "P|Sin el autobús de la tarde, {hijo} no puede quedarse en las actividades después de clases.",
            "P|Trabajo hasta las seis. El programa después de clases es la única manera de que {hijo} esté bien cuidado por la tarde.",
        ],
    },
    "safety": {
        "action": None,
        "en": [
            "Safety should be part of this plan. The crossing in front of {school} has no crossing guard in the afternoon.",
            "T|Students at Riverbend High feel safer with more counselors than with more security staff. Please ask students before adding officers.",
            "Bullying about race and language happens at {school}, and families rarely hear what happened after they report it. The plan should include a clear reporting process.",
            "Please include a plan for student mental health. Anxiety is the safety issue most families I know worry about.",
        ],
        "es": [
            "En la salida de {school} no hay guardia de cruce por la tarde y los carros pasan muy rápido.",
            "P|A {hijo} le dicen cosas feas por hablar español. Cuando lo reportamos, nadie nos dijo qué pasó después.",
            "Queremos escuelas seguras, pero más policías no es la solución. Necesitamos más consejeros.",
        ],
    },
    "meals": {
        "action": 5,
        "en": [
            "Lunch at {school} starts at 10:40 for some grades, and kids are starving by the end of the day. Please look at lunch schedules, not only the food.",
            "Free breakfast only helps if students arrive before it ends. When the bus is late they miss it.",
            "Please include the cafeteria staff in the budget conversation. They see every student every day and know who is going hungry.",
            "T|The lunch period is so short that whoever is at the back of the line gets about ten minutes to eat.",
        ],
        "es": [
            "P|Muchas veces la comida de la escuela no es suficiente. {Hijo} llega a casa con mucha hambre.",
            "P|Gracias por pensar en las comidas escolares. Sería bueno tener opciones de comida que nuestros hijos conozcan.",
            "El desayuno se acaba antes de que llegue el autobús. Los niños que vienen en autobús se quedan sin desayunar.",
        ],
    },
    "data": {
        "action": 0,
        "en": [
            "A public dashboard is welcome. Please make it work on a phone and in Spanish from the first release.",
            "Will the dashboard show results for each school by group? District totals hide too much.",
            "Please publish the data as a download too, so community groups can do their own analysis.",
            "February is a long wait for the first release. Could some of the data the district already has be posted in December?",
        ],
        "es": [
            "Nos gusta la idea del tablero de datos, pero muchas familias no usan computadora. Por favor, compartan los resultados también en reuniones.",
            "¿El tablero va a mostrar los resultados de los estudiantes que aprenden inglés en cada escuela?",
        ],
    },
    "general": {
        "action": None,
        "en": [
            "Thank you for putting the plan out for comment before it goes to the Board. Please tell us what changes because of this feedback.",
            "This plan has many good intentions, but several actions don't say who is responsible. Each one should name an office and a person.",
            "I'd like one page that sums up the plan in plain language. It's a lot to read on a phone.",
            "The deadlines are helpful. Please post an update at each one so we can see whether it was met.",
            "How will students be involved beyond one council? Most students at Riverbend High have never heard of this plan.",
            "Could the district hold a meeting about the plan at {school}? The district office is hard to reach by bus in the evening.",
        ],
        "es": [
            "Gracias por pedir nuestra opinión. Ojalá el plan completo también esté en español pronto.",
            "Es un plan largo. Sería bueno tener un resumen corto en español para compartir con otras familias.",
            "¿Cómo vamos a saber si el distrito cumple con estas fechas? Pedimos un informe cada trimestre.",
            "¿Pueden hacer una reunión sobre el plan en {school}? Las reuniones en la oficina del distrito son difíciles para quienes no tenemos carro.",
        ],
    },
}
# How often each theme comes up: transportation and reading are what families raise most.
THEME_WEIGHTS = {"transportation": 12, "discipline": 10, "math_literacy": 12, "communication": 11, "staffing": 7,
                 "budget": 7, "special_education": 7, "after_school": 6, "safety": 6, "meals": 5, "data": 5,
                 "general": 10}

OPENERS = {
    "en": {
        PARENT: ["I'm a parent at {school}.", "Our family has been at {school} for {years} years.", "Parent of a {grade} student at {school} here."],
        STUDENT: ["I'm a student at {school}.", "Speaking as a student:"],
        STAFF: ["I work at {school}.", "Speaking as a staff member:"],
        COMMUNITY: ["I don't have children in school anymore, but this matters to the whole town.", "I live near {school}."],
    },
    "es": {
        PARENT: ["Soy madre de familia en {school}.", "Soy padre de familia en {school}.", "Mis hijos estudian en {school}."],
        STUDENT: ["Soy estudiante de {school}."],
        STAFF: ["Trabajo en {school}."],
        COMMUNITY: ["Vivo cerca de {school}."],
    },
}
# A second thought some people add after their main point.
EXTRAS = {
    "en": [
        "This has been going on since the start of the year.",
        "P|I raised it with the principal, who was helpful but said it's a district decision.",
        "Other families I know say the same.",
        "It affects {school} more than most schools.",
        "I'm happy to help if the district wants volunteers for this.",
        "Please don't let this get lost between now and the final plan.",
    ],
    "es": [
        "Esto pasa desde el principio del año.",
        "P|Hablé con la directora y me dijo que es una decisión del distrito.",
        "Otras familias que conozco dicen lo mismo.",
        "Puedo ayudar como voluntaria si el distrito lo necesita.",
        "Por favor, que esto no se pierda antes del plan final.",
    ],
}
CLOSERS = {
    "en": ["Thank you.", "Thanks for listening.", "Please keep families informed.", "I hope the next version addresses this."],
    "es": ["Gracias.", "Gracias por escucharnos.", "Esperamos una respuesta.", "Ojalá lo tomen en cuenta."],
}
REPLIES = {
    "en": [
        "Agreed. It's the same at {school}.",
        "P|Thank you for saying this. I thought it was only our family.",
        "P|Same experience here with {child} last year.",
        "I see it a bit differently: the plan can't fix everything at once, and I'd rather it did a few things well.",
        "Does anyone know whether this came up at the last Board meeting?",
        "Good point, but who pays for it? That's what the budget action has to answer.",
        "We raised this at our PTO meeting too, and several families said the same thing.",
        "S|I work at {school} and can confirm this.",
        "Respectfully, I disagree. The teachers I know are already doing a lot of this.",
        "This is the most important comment on the page. I hope the district answers it.",
        "We see the same thing with {topic} at {school}.",
        "{topic_cap} looks different at every school. The district should ask each principal what it looks like at theirs.",
        "I'd add one thing: whatever the district decides about {topic}, families need to hear about it in their own language.",
        "P|Thank you. {topic_cap} is exactly what we talk about at pickup every day.",
    ],
    "es": [
        "Estoy de acuerdo. En {school} pasa lo mismo.",
        "P|Gracias por decirlo. Pensé que solo nos pasaba a nosotros.",
        "P|A {hijo} le pasó lo mismo el año pasado.",
        "Esto se habló en la reunión de Familias Unidas y muchas familias piensan igual.",
        "¿Alguien sabe si el distrito ya respondió a esto?",
        "Tiene razón. Ojalá lo incluyan en la próxima versión del plan.",
        "Con {tema} pasa lo mismo en {school}.",
        "P|Gracias. De {tema} hablamos todos los días las familias a la salida de la escuela.",
        "Sobre {tema}: las familias que hablamos español casi nunca nos enteramos de lo que decide el distrito.",
    ],
}
NESTED_REPLIES = {
    "en": ["Yes, exactly.", "The Board meets again next month. We should all go and say this in person.",
           "Fair enough, but the families at {school} would still need an answer.", "Thanks, I didn't know that.",
           "I asked about {topic} at {school} last week and got the same answer.",
           "Good to know. I'll bring it up at our next PTO meeting.", "That's a fair point, and it's in the plan's favor.",
           "Agreed, and {topic} should be on the agenda at the next Board meeting."],
    "es": ["Sí, exacto.", "Vamos juntos a la próxima reunión de la mesa directiva.", "Gracias, no lo sabía.",
           "Yo pregunté en {school} y me dijeron lo mismo.", "Hay que llevar esto a la próxima reunión de Familias Unidas.",
           "Así es. Y de {tema} nadie nos explica nada en español."],
}

TOPICS = {
    "transportation": ("the buses", "los autobuses"),
    "discipline": ("discipline", "la disciplina"),
    "math_literacy": ("reading and math help", "la ayuda en lectura y matemáticas"),
    "communication": ("translation", "la traducción"),
    "staffing": ("teacher turnover", "la falta de maestros"),
    "budget": ("the budget", "el presupuesto"),
    "special_education": ("special education", "la educación especial"),
    "after_school": ("after-school programs", "los programas después de clases"),
    "safety": ("safety", "la seguridad"),
    "meals": ("school meals", "las comidas escolares"),
    "data": ("school data", "los datos de las escuelas"),
    "general": ("this plan", "este plan"),
}

# What the district says back, by theme (official responses go to the most supported comments).
OFFICIAL_ANSWERS = {
    "en": {
        "transportation": "Transportation is reviewing on-time data for every route this month, and we will add a bus reliability measure to action 6.",
        "discipline": "The code of conduct committee will include students and families, and its notes will be posted in English and Spanish after each meeting.",
        "math_literacy": "Each school's data packet will show reading and math results by group, and families will see them at the school's plan meeting in February.",
        "communication": "We are adding the next most requested languages to action 5, and we will report how many interpretation requests we met.",
        "staffing": "Human Resources is costing paid student-teaching placements for the pathway; we will share the figures at the March budget review.",
        "budget": "The Budget Advisory Committee will publish how it defines need, with the numbers for each school, before the public hearing.",
        "special_education": "We will add targets for students with disabilities to the school plan template, and report vacancies in related services each quarter.",
        "after_school": "Registration for spring programs will open on paper and online, in English and Spanish, on the same day at every school.",
        "safety": "We have shared this with the principal and the district's school safety team, and will report back here on what changes.",
        "meals": "Food Services will review lunch schedules and breakfast times with principals this winter.",
        "data": "The first dashboard release will work on phones and be available in Spanish from the start.",
        "general": "We will publish a summary of everything we heard and what changed in the plan because of it.",
    },
    "es": {
        "transportation": "El departamento de transporte está revisando la puntualidad de cada ruta este mes, y añadiremos una medida de puntualidad a la acción 6.",
        "discipline": "El comité del código de conducta incluirá a estudiantes y familias, y publicaremos sus notas en inglés y en español después de cada reunión.",
        "math_literacy": "El informe de datos de cada escuela mostrará los resultados de lectura y matemáticas por grupo, y las familias los verán en la reunión de febrero.",
        "communication": "Vamos a añadir más idiomas a la acción 5 e informaremos cuántas solicitudes de interpretación pudimos atender.",
        "staffing": "Recursos Humanos está calculando el costo de pagar las prácticas docentes; compartiremos las cifras en la revisión del presupuesto de marzo.",
        "budget": "El comité asesor del presupuesto publicará cómo define la necesidad, con las cifras de cada escuela, antes de la audiencia pública.",
        "special_education": "Añadiremos metas para estudiantes con discapacidades al modelo de plan escolar e informaremos cada trimestre sobre los puestos vacantes.",
        "after_school": "La inscripción a los programas de primavera se abrirá en papel y en línea, en inglés y en español, el mismo día en todas las escuelas.",
        "safety": "Compartimos esto con la dirección de la escuela y con el equipo de seguridad escolar del distrito, y les informaremos aquí sobre lo que cambie.",
        "meals": "El servicio de alimentos revisará con los directores los horarios de almuerzo y de desayuno este invierno.",
        "data": "La primera versión del tablero funcionará en teléfonos y estará en español desde el principio.",
        "general": "Publicaremos un resumen de todo lo que escuchamos y de lo que cambió en el plan gracias a ello.",
    },
}
OFFICIAL_FRAME = {
    "en": "Thank you for raising this. {answer} — Office of Equity and Family Engagement",
    "es": "Gracias por plantear esto. {answer} — Oficina de Equidad y Participación Familiar",
}
HOST_RESPONSE = {
    "en": "Thank you. The Cedar Grove PTO will collect more stories like this at our family night and share them with the district before the feedback period ends.",
    "es": "Gracias. El PTO de Cedar Grove va a recoger más experiencias como esta en nuestra noche familiar y las compartirá con el distrito antes de que termine el periodo de comentarios.",
}

# Comments the moderation queue should show: (body, language, anonymous, [flag reasons]).
FLAGGED = [
    ("Whoever wrote this plan has never set foot in a classroom. The people downtown are overpaid and useless and should all be replaced.",
     "en", True, ["Insults district staff instead of discussing the plan", "Personal attack"]),
    ("Affordable tutoring for grades 1-8, all subjects! First session free. Text 555-0147 to book.",
     "en", False, ["Advertising"]),
    ("Honestly, this plan spends too much time on equity and not enough on the basics. Every student needs better teaching, full stop.",
     "en", False, ["I disagree with this"]),
]

def write_comments(rng: random.Random, people: list[Person], *, start: datetime, end: datetime,
                   leader: Hashable, host: Hashable, top_level: int = 290, replies: int = 100,
                   official: int = 4) -> list[CommentDraft]:
    """Comments written between ``start`` and ``end``, oldest first; replies follow their parents."""
    writer = _Writer(rng, people, start, end)
    drafts: list[CommentDraft] = []
    for _ in range(top_level):
        drafts.append(writer.top_level())
    for _ in range(OFF_TOPIC_COMMENTS):
        author = writer.author(spanish=False)
        drafts.append(CommentDraft(author=author.key, body=writer.voices.off_topic("en"), language="en",
                                   theme="general", at=writer.moment()))
    for body, language, anonymous, reasons in FLAGGED:
        author = writer.author(spanish=language == "es")
        flaggers = rng.sample([p.key for p in people if p.key != author.key], k=len(reasons))
        drafts.append(CommentDraft(author=author.key, body=body, language=language, theme="general",
                                   at=writer.moment(), anonymous=anonymous, flags=list(zip(flaggers, reasons))))
    writer.support(drafts)
    roots = list(range(len(drafts)))
    for _ in range(replies):
        # A quarter of replies answer a reply; the rest go to top-level comments, busy threads first.
        answered = [i for i in range(len(roots), len(drafts)) if drafts[drafts[i].parent].parent is None]
        if answered and rng.random() < 0.25:
            parent = rng.choice(answered)
        else:
            parent = rng.choices(roots, weights=[1 + len(d.supporters) for d in drafts[: len(roots)]])[0]
        drafts.append(writer.reply(drafts, parent))
    # Official responses answer the most supported comments, one per theme.
    answered_themes: dict[str, int] = {}
    for index in sorted(roots, key=lambda i: -len(drafts[i].supporters)):
        if not drafts[index].flags:
            answered_themes.setdefault(drafts[index].theme, index)
    for n, index in enumerate(list(answered_themes.values())[:official]):
        as_host = n == official - 1  # the last one from a host, the rest from the district
        drafts.append(writer.official(drafts, index, host if as_host else leader, as_host=as_host))
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].at, i))
    position = {old: new for new, old in enumerate(order)}
    ordered = [drafts[i] for i in order]
    for draft in ordered:
        if draft.parent is not None:
            draft.parent = position[draft.parent]
    return ordered


class _Writer:
    def __init__(self, rng: random.Random, people: list[Person], start: datetime, end: datetime):
        self.rng, self.people, self.start, self.end = rng, people, start, end
        # Times depend on when the demo is loaded, so they draw from their own generator:
        # who writes what, to whom, stays the same whenever it runs.
        self.clock = random.Random(rng.random())
        # A few people write a lot; most write once or twice.
        self.weights = [rng.choice([1, 1, 1, 1, 2, 2, 3, 6]) for _ in people]
        self.written: set[str] = set()
        self.voices = FeedbackWriter(rng)

    def author(self, *, spanish: bool | None = None) -> Person:
        while True:
            person = self.rng.choices(self.people, weights=self.weights)[0]
            if spanish is None or person.spanish == spanish:
                return person

    def moment(self, after: datetime | None = None, lean: float = 1.0) -> datetime:
        """A time in the window, outside the small hours in the district (06:00-11:59 UTC is midnight-6am Central).

        ``lean`` below 1 draws later times more often (a concern raised more and more), above 1 earlier ones.
        """
        for _ in range(50):
            if after is None:
                at = self.start + (self.end - self.start) * self.clock.random() ** lean
            else:
                at = after + timedelta(minutes=self.clock.expovariate(1 / 600))
            if at < self.end and at.hour not in range(6, 12):
                return at
        return min(after + timedelta(minutes=5), self.end) if after else self.end

    def top_level(self) -> CommentDraft:
        person = self.author()
        language = self._language(person)
        concern = self.voices.concern() if self.rng.random() < GENERATED_SHARE else None
        if concern is not None:
            theme, action = concern.topic, concern.action
        else:
            theme = self.rng.choices(list(THEME_WEIGHTS), weights=list(THEME_WEIGHTS.values()))[0]
            action = THEMES[theme]["action"]
        # Most comments are on an action; some on the section or the plan as a whole.
        where = self.rng.random()
        if action is None:
            on_section = where < 0.3
        elif where < 0.12:
            action, on_section = None, where < 0.05
        else:
            on_section = False
        if concern is not None:
            body = self.voices.comment(concern, language, person.relationship, person.schools)
            return CommentDraft(author=person.key, body=body, language=language, theme=theme,
                                at=self.moment(lean=concern.lean), action=action, on_section=on_section,
                                anonymous=self.rng.random() < 0.1, concern=concern.key)
        for _ in range(5):  # people rarely write the very same words; try again when they would
            slots = self._slots(person)
            parts = []
            if self.rng.random() < 0.35:
                parts.append(self._pick(OPENERS[language].get(person.relationship or PARENT, []), person))
            parts.append(self._pick(THEMES[theme][language], person) or self._pick(THEMES["general"][language], person))
            if self.rng.random() < 0.35:
                parts.append(self._pick(EXTRAS[language], person))
            if self.rng.random() < 0.25:
                parts.append(self.rng.choice(CLOSERS[language]))
            body = " ".join(part for part in parts if part).format(**slots)
            if body not in self.written:
                break
        self.written.add(body)
        return CommentDraft(author=person.key, body=body, language=language, theme=theme, at=self.moment(),
                            action=action, on_section=on_section, anonymous=self.rng.random() < 0.1)

    def reply(self, drafts: list[CommentDraft], parent: int) -> CommentDraft:
        above = drafts[parent]
        person = self.author()
        while person.key == above.author:
            person = self.author()
        language = self._language(person)
        nested = above.parent is not None
        topic, tema = TOPICS[above.theme]
        slots = self._slots(person) | {"topic": topic, "topic_cap": topic[0].upper() + topic[1:], "tema": tema}
        body = self._pick((NESTED_REPLIES if nested else REPLIES)[language], person).format(**slots)
        if above.concern is not None and self.rng.random() < ON_TOPIC_REPLIES:
            body = self.voices.reply(CONCERNS[above.concern], language, person.relationship, person.schools)
        return CommentDraft(author=person.key, body=body, language=language, theme=above.theme,
                            concern=above.concern,
                            at=self.moment(after=above.at), parent=parent, anonymous=self.rng.random() < 0.1,
                            supporters=self.rng.sample([p.key for p in self.people if p.key != person.key],
                                                       k=self.rng.choice([0, 0, 0, 1, 2])))

    def official(self, drafts: list[CommentDraft], parent: int, responder: Hashable, *, as_host: bool) -> CommentDraft:
        above = drafts[parent]
        language = above.language
        if as_host:
            body = HOST_RESPONSE[language]
        else:
            body = OFFICIAL_FRAME[language].format(answer=OFFICIAL_ANSWERS[language][above.theme])
        return CommentDraft(author=responder, body=body, language=language, theme=above.theme,
                            at=self.moment(after=above.at + timedelta(hours=6)), parent=parent, official=True)

    def support(self, drafts: list[CommentDraft]) -> None:
        """ "I agree" spread unevenly: a handful of comments are popular, most get none or one or two."""
        popular = set(self.rng.sample(range(len(drafts) - len(FLAGGED) - OFF_TOPIC_COMMENTS), k=6))
        for index, draft in enumerate(drafts):
            if index in popular:
                count = self.rng.randint(14, 38)
            else:
                count = min(int(self.rng.expovariate(0.9)), 6)
            others = [p.key for p in self.people if p.key != draft.author]
            draft.supporters = self.rng.sample(others, k=count)

    def _language(self, person: Person) -> str:
        # Some Spanish speakers write in English now and then.
        return "es" if person.spanish and self.rng.random() < 0.9 else "en"

    def _pick(self, templates: list[str], person: Person) -> str:
        voice = {PARENT: "P|", STUDENT: "T|", STAFF: "S|"}.get(person.relationship or PARENT, "")
        usable = [t for t in templates if "|" not in t[:2] or t.startswith(voice)]
        if not usable:
            return ""
        text = self.rng.choice(usable)
        return text[2:] if "|" in text[:2] else text

    def _slots(self, person: Person) -> dict[str, str]:
        rng = self.rng
        school, level = rng.choice(person.schools or ALL_SCHOOLS)
        if person.relationship == STUDENT and level == ELEMENTARY:
            school, level = rng.choice(ALL_SCHOOLS[4:])
        grade, grado = rng.choice(GRADES.get(level, GRADES[ELEMENTARY]))
        child, hijo = rng.choice(CHILDREN)
        mid_a, mid_b = rng.sample(["Harbor View", "Westfield"], k=2)
        route = rng.randint(3, 28)
        return {
            "school": school, "grade": grade, "grado": grado, "child": child, "Child": child.capitalize(),
            "hijo": hijo, "Hijo": hijo.capitalize(), "mid_a": mid_a, "mid_b": mid_b,
            "route": f"Route {route}", "ruta": f"ruta {route}",
            "time": rng.choice(["6:35", "6:40", "6:50", "7:05", "7:15"]),
            "minutes": str(rng.choice([15, 20, 25, 30, 40, 45])), "few": rng.choice(["three", "four", "five", "six"]),
            "caseload": str(rng.choice([420, 480, 510, 560, 600])), "years": rng.choice(["two", "three", "five", "six"]),
            "lang": rng.choice(["Vietnamese", "Chinese", "Arabic", "Haitian Creole"]),
        }
