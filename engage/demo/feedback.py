"""Many ways of saying the same few things: the concerns behind the demo's feedback.

A district that asks families about an equity plan hears about a dozen and a
half concerns again and again (late buses, interpreters, IEP services...),
each time in other words. Each concern here has problems, asks, short notes
and the way a host sums it up, in English and Spanish, with slots (school,
child, route...); `FeedbackWriter` combines them with openers, closers, emoji,
typos and missing accents, so a few hundred texts read like a few hundred
people wrote them, and the theme analysis has real themes to find.

Pure Python and seeded: the same generator gives the same texts. Templates
may start with ``P|`` (parents only), ``S|`` (staff only) or ``T|`` (students
only). The comments, the survey and the conversation notes all draw on it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

PARENT, STUDENT, STAFF, COMMUNITY = "parent", "student", "staff", "community"
ELEMENTARY, MIDDLE, HIGH = "elementary", "middle", "high"

GRADES = {
    ELEMENTARY: [("kindergarten", "kínder"), ("1st grade", "primer grado"), ("2nd grade", "segundo grado"),
                 ("3rd grade", "tercer grado"), ("4th grade", "cuarto grado"), ("5th grade", "quinto grado")],
    MIDDLE: [("6th grade", "sexto grado"), ("7th grade", "séptimo grado"), ("8th grade", "octavo grado")],
    HIGH: [("9th grade", "noveno grado"), ("10th grade", "décimo grado"), ("11th grade", "undécimo grado"),
           ("12th grade", "duodécimo grado")],
}
CHILDREN = [("my son", "mi hijo"), ("my daughter", "mi hija"), ("my grandson", "mi nieto"),
            ("my granddaughter", "mi nieta")]
ALL_SCHOOLS = (("Cedar Grove", ELEMENTARY), ("Lincoln Park", ELEMENTARY), ("Maple Hill", ELEMENTARY),
               ("Riverside", ELEMENTARY), ("Harbor View", MIDDLE), ("Westfield", MIDDLE), ("Riverbend High", HIGH))


@dataclass(frozen=True)
class Phrasing:
    problems: tuple[str, ...]  # what is wrong: a full sentence
    asks: tuple[str, ...]  # what people want done: a full sentence
    notes: tuple[str, ...]  # a few words, as on a paper card or a quick reply
    heard: tuple[str, ...] = ()  # how a host writes it up in the conversation's notes


@dataclass(frozen=True)
class Concern:
    key: str
    topic: str  # the comment writer's theme it belongs to (replies' wording, the district's answers)
    action: int | None  # position of the open plan's action it is about; None: the plan as a whole
    weight: int  # how often it comes up
    # When it comes up: a time in the window is drawn as u ** lean (u uniform in 0-1), so
    # below 1 a concern is raised more and more (a rising trend), above 1 less and less.
    lean: float
    emoji: str
    en: Phrasing
    es: Phrasing


def _concern(key, topic, action, weight, lean, emoji, en, es) -> Concern:
    return Concern(key, topic, action, weight, lean, emoji, Phrasing(*en), Phrasing(*es))


CONCERNS: dict[str, Concern] = {c.key: c for c in (
    _concern("transportation", "transportation", 5, 14, 0.6, "🚌", (
        ("{route} is {minutes} minutes late almost every morning.",
         "P|The bus to {school} comes at {time} and {child} still gets to class after the bell.",
         "Our bus stop was moved and now kids walk along a busy road with no sidewalk to get to it.",
         "Some kids ride the bus over an hour each way to {school}.",
         "The bus is so crowded that three kids share a seat and some stand in the aisle.",
         "When the bus doesn't show up nobody calls us, we just wait at the stop.",
         "There is no late bus, so kids who stay for tutoring or sports have no way home.",
         "We have had a different bus driver almost every week since September.",
         "T|I miss first period at least once a week because {route} is late."),
        ("Please put bus reliability in the plan with a number we can check.",
         "Fund more bus drivers before anything else in the transportation budget.",
         "Send parents a text when a bus is running late.",
         "Publish on-time data for every bus route.",
         "Add a late bus at least two days a week.",
         "No child should ride the bus for more than 45 minutes each way."),
        ("Fix the buses!", "Bus {n} late again 🙄", "Late bus please.", "The bus stop on Riverside Way is not safe.",
         "Transportation is the #1 problem for our family.", "Need more bus drivers.", "buses buses buses",
         "Bus was late 3 times this week."),
        ("Families said the buses to {school} are often late and nobody tells parents; they asked for a text "
         "when a route runs late.",
         "Several parents described bus rides of over an hour and asked for a limit on the longest rides.",
         "Parents asked for a late bus so students can stay for tutoring and clubs."),
    ), (
        ("El autobús de la {ruta} llega {minutes} minutos tarde casi todos los días.",
         "P|El camión pasa a las {time} y {hijo} llega tarde a la escuela.",
         "Cambiaron la parada del autobús y ahora los niños caminan por una calle sin banqueta.",
         "Los niños pasan más de una hora en el autobús para llegar a {school}.",
         "Cuando el autobús no pasa, nadie nos avisa y esperamos en la parada sin saber nada.",
         "No hay autobús en la tarde y los niños que se quedan a tutoría no tienen cómo regresar."),
        ("Por favor, contraten más choferes de autobús.",
         "Que nos manden un mensaje de texto cuando el autobús viene tarde.",
         "Pongan un autobús en la tarde por lo menos dos días a la semana.",
         "Queremos una meta de puntualidad de los autobuses en el plan."),
        ("¡Arreglen los autobuses!", "El camión siempre llega tarde.", "Autobús en la tarde, por favor.",
         "La parada del autobús es peligrosa.", "El autobús llegó tarde otra vez 😡"),
        ("Las familias dicen que el autobús de {school} llega tarde y nadie avisa; piden un mensaje de texto "
         "cuando una ruta va tarde.",
         "Varias madres piden un autobús en la tarde para que los niños puedan quedarse a la tutoría."),
    )),
    _concern("interpretation", "communication", 4, 11, 1.6, "🗣️", (
        ("P|At {child}'s last conference there was no interpreter, so {child} had to translate for us.",
         "Our family speaks {lang} and there has never been an interpreter at a school meeting.",
         "The interpreter at the parent meeting arrived {minutes} minutes late and missed half of it.",
         "Interpretation at PTO and board meetings is only in Spanish, so families who speak {lang} are left out.",
         "Children should not be interpreting for their parents in meetings about grades or discipline.",
         "To ask for an interpreter you have to call the office in English, which is exactly what we can't do.",
         "T|I interpret at my own parent-teacher conferences because the school never has an interpreter."),
        ("Please have a professional interpreter at every family meeting and conference.",
         "Let families ask for an interpreter online, in their language, when they book a conference.",
         "Add {lang} interpretation, not only Spanish.",
         "Track how many interpreter requests are met and publish it.",
         "Hire interpreters who know school words like IEP and credits."),
        ("Need interpreters at conferences!", "{lang} interpreter please.", "No interpreter at our meeting again.",
         "Kids should not have to interpret for their parents.", "Interpretation for IEP meetings!!"),
        ("Parents said their children often interpret at conferences and asked for professional interpreters at "
         "every meeting.",
         "Families who speak {lang} said they have never had an interpreter at a school meeting."),
    ), (
        ("P|En la última conferencia no había intérprete y {hijo} tuvo que traducir para nosotros.",
         "El intérprete llegó tarde a la reunión de padres y nos perdimos la mitad.",
         "En las reuniones de la escuela nunca hay intérprete, todo es en inglés.",
         "Para pedir un intérprete hay que llamar a la oficina en inglés, y eso es justo lo que no podemos hacer."),
        ("Queremos intérpretes profesionales en todas las reuniones y conferencias.",
         "Que podamos pedir intérprete en línea al hacer la cita.",
         "Los niños no deben traducir para sus papás en las reuniones.",
         "Necesitamos intérpretes que entiendan palabras de la escuela como IEP."),
        ("¡Intérpretes en las conferencias, por favor!", "Necesitamos intérprete en las reuniones.",
         "No había intérprete otra vez.", "Mi hijo no debe ser mi intérprete."),
        ("Las familias dicen que en las conferencias los hijos tienen que interpretar; piden intérpretes "
         "profesionales en todas las reuniones.",
         "Piden poder solicitar un intérprete sin tener que llamar a la oficina en inglés."),
    )),
    _concern("communication", "communication", 4, 9, 1.0, "📱", (
        ("We get messages from the district by email, an app, the newsletter and robocalls, and still miss the "
         "important ones.",
         "Notices about early release come the night before, which is too late for working parents to plan.",
         "The district website is impossible to use on a phone.",
         "Information about this plan only reached us through other parents on Facebook.",
         "Every school uses a different app for messages, so with kids at two schools we check three apps."),
        ("Please send short text messages instead of long emails.",
         "Use one app for every school and every district message.",
         "Send notices at least a week ahead.",
         "Put a one-page summary of the plan on paper in backpacks.",
         "Post an update on the plan every month so families know what is happening."),
        ("Text messages please, not emails.", "Too many apps!", "Better communication from the district 📣",
         "I never know what is going on. Communicate!", "Send notices earlier.", "Put the plan on WhatsApp."),
        ("Families said messages from the district arrive late and through too many apps; they prefer text "
         "messages.",
         "Parents asked for a plain-language update on the plan every month, on paper as well as online."),
    ), (
        ("Los avisos de la escuela llegan en inglés y la traducción llega días después.",
         "Nos avisan de las salidas temprano la noche anterior, y así no podemos organizarnos.",
         "Hay demasiadas aplicaciones y correos, y aun así no nos enteramos de lo importante.",
         "Nos enteramos del plan por otras mamás en Facebook, no por la escuela."),
        ("Manden los avisos por mensaje de texto y en español.", "Que todas las escuelas usen la misma aplicación.",
         "Avisen con una semana de anticipación.", "Manden un resumen del plan en papel en la mochila."),
        ("Mensajes de texto en español, por favor.", "Avisen con tiempo.", "Demasiadas aplicaciones.",
         "Manden la información por WhatsApp."),
        ("Las familias dicen que los avisos llegan tarde y en inglés; prefieren mensajes de texto en español.",
         "Piden que el distrito mande noticias del plan cada mes, también en papel."),
    )),
    _concern("special_education", "special_education", 5, 9, 1.0, "", (
        ("P|{Child} has an IEP and has not had the speech therapy in it for {weeks} weeks because the position "
         "is vacant.",
         "Special education teachers at {school} have caseloads well over the limit.",
         "IEP meetings are scheduled in the middle of the work day with a few days' notice.",
         "P|{Child}'s aide was moved to another classroom and nobody told us.",
         "Students with disabilities are left out of field trips and after-school programs.",
         "It took {weeks} weeks to get a special education evaluation.",
         "S|I'm a special ed teacher at {school} and I have more students on my caseload than the law allows."),
        ("Put targets for students with disabilities in every school plan.",
         "Fill the vacant speech and occupational therapy positions first.",
         "Give families of students with IEPs a seat on the advisory council.",
         "Hire more special education aides and pay them better.",
         "Let parents join IEP meetings by video."),
        ("IEP services are not being delivered.", "More special ed teachers please.",
         "Speech therapy has been vacant since fall.", "Include students with disabilities!",
         "Special education needs its own section in this plan."),
        ("Parents of students with IEPs said services in the IEP are not delivered when therapist positions "
         "are vacant.",
         "Families asked for targets for students with disabilities in every school plan."),
    ), (
        ("P|{Hijo} tiene un IEP y hace {weeks} semanas que no recibe terapia del habla.",
         "Las reuniones del IEP son solo en inglés y nadie nos explica los papeles.",
         "P|Tardaron meses en evaluar a {hijo} para educación especial.",
         "P|La asistente de {hijo} se cambió de salón y nadie nos avisó."),
        ("Contraten más maestros y asistentes de educación especial.",
         "Necesitamos los documentos del IEP traducidos al español.",
         "Incluyan metas para los estudiantes con discapacidades en el plan."),
        ("Educación especial necesita más personal.", "Traduzcan los papeles del IEP.",
         "Más terapeutas del habla, por favor."),
        ("Las familias con hijos en educación especial dicen que las reuniones del IEP son solo en inglés y "
         "piden los documentos traducidos.",),
    )),
    _concern("discipline", "discipline", 2, 10, 1.0, "", (
        ("Black and Latino students at {school} are suspended far more often than white students for the same "
         "things.",
         "P|{Child} was suspended for {days} days for being late to class and nobody called us first.",
         "In-school suspension is used for small things like dress code and phones.",
         "Students get sent to the office for the same thing other students get a warning for.",
         "Suspensions in kindergarten and first grade should not happen at all.",
         "Restorative practices are in the plan but teachers have had exactly one training.",
         "T|The dress code gets enforced on Black girls way more than anyone else."),
        ("Publish suspension numbers by race for every school, every quarter.",
         "Call families before any suspension, with an interpreter if needed.",
         "Train every teacher in restorative practices and give them coaching, not one workshop.",
         "Put students and parents on the code of conduct committee.",
         "Count dress code referrals and in-school removals too, not only suspensions."),
        ("Stop suspending kids for small stuff.", "Discipline is not fair at {school}.",
         "Restorative circles work, keep them.", "Same rule, different punishment. Fix it.",
         "Suspension is not the answer."),
        ("Parents said Black and Latino students are suspended more often for the same behavior and asked for "
         "suspension numbers by school every quarter.",
         "Families want a phone call before any suspension, with an interpreter."),
    ), (
        ("A los estudiantes latinos los suspenden más que a los demás por las mismas cosas.",
         "P|Suspendieron a {hijo} {days} días y nadie nos explicó el proceso en español.",
         "Mandan a los niños a la dirección por cosas pequeñas como el uniforme o el teléfono."),
        ("Llamen a los padres antes de suspender a un niño.",
         "Publiquen cuántos estudiantes suspenden en cada escuela.",
         "Expliquen el código de conducta en español."),
        ("No suspendan a los niños por cosas pequeñas.", "La disciplina no es justa.",
         "Menos suspensiones, más apoyo."),
        ("Una madre contó que suspendieron a su hijo y nadie le explicó nada; piden que llamen a la familia "
         "antes de cualquier suspensión.",),
    )),
    _concern("advanced_courses", "math_literacy", 1, 8, 0.7, "🎓", (
        ("Only a handful of Black and Latino students are in AP classes at Riverbend High.",
         "P|{Child} had good grades but was never recommended for honors math.",
         "Students find out about AP and honors sign-ups from friends, not from counselors.",
         "Gifted testing happens in 2nd grade only if a teacher refers the child.",
         "Algebra I in 8th grade is only open to students placed in advanced math in 6th grade.",
         "T|Nobody told me I could take AP classes without a teacher recommendation."),
        ("Open AP and honors classes to every student who wants to try, without a teacher recommendation.",
         "Screen every 2nd grader for the gifted program, not only those who are referred.",
         "Publish enrollment in AP, honors and Algebra I by race and home language.",
         "Add tutoring for students who move up to advanced classes."),
        ("Open AP to everyone!", "More students of color in honors classes.",
         "Who decides who gets into advanced math?", "Universal gifted screening please."),
        ("Students said counselors recommend AP classes to some students and not others, and asked that every "
         "9th grader hear how to sign up.",
         "Parents asked for every child to be screened for the gifted program."),
    ), (
        ("Casi no hay estudiantes latinos en las clases avanzadas y AP.",
         "P|{Hijo} tiene buenas calificaciones pero nunca lo recomendaron para matemáticas avanzadas.",
         "Los estudiantes que aprenden inglés no pueden entrar a las clases de honores."),
        ("Abran las clases AP y de honores a todos los estudiantes.",
         "Expliquen a los padres en español cómo entrar a las clases avanzadas."),
        ("Clases avanzadas para todos.", "¿Quién decide quién entra a las clases AP?",
         "Más latinos en clases de honores."),
        ("Las familias preguntan por qué hay tan pocos estudiantes latinos en clases avanzadas y piden "
         "información en español sobre cómo inscribirse.",),
    )),
    _concern("reading_math", "math_literacy", 1, 9, 1.0, "📚", (
        ("P|{Child} is in {grade} and still can't read a chapter book.",
         "Reading help at {school} is only for students who are far behind; kids in the middle get nothing.",
         "Math homework comes home with no explanation parents can follow.",
         "Tutoring is only after school and many kids can't stay.",
         "The reading specialist position at {school} was cut."),
        ("Offer free tutoring during the school day.",
         "Tell parents their child's reading level three times a year in plain language.",
         "Hire a reading specialist for every elementary school.",
         "Send short videos that show parents how the math is taught."),
        ("More reading help!", "Free tutoring for all students.", "Math homework help for parents please.",
         "Small reading groups work 📚"),
        ("Parents asked to hear about their child's reading level before report cards, with tips to help at "
         "home.",
         "Families said tutoring after school is out of reach for children who ride the bus home."),
    ), (
        ("P|{Hijo} está en {grado} y todavía no lee bien.",
         "P|La tarea de matemáticas viene solo en inglés y no puedo ayudar a {hijo}.",
         "La tutoría es solo después de clases y muchos niños no se pueden quedar."),
        ("Ofrezcan tutoría gratis durante el día escolar.",
         "Manden videos en español para ayudar con las matemáticas en casa.",
         "Dígannos el nivel de lectura de nuestros hijos en español."),
        ("Más tutoría de lectura, por favor.", "Ayuda con la tarea en español.",
         "Libros en español para llevar a casa."),
        ("Las familias quieren saber cómo va su hijo en lectura antes de la boleta, con consejos en español "
         "para ayudar en casa.",),
    )),
    _concern("diverse_staff", "staffing", 3, 7, 1.0, "", (
        ("P|{Child} has had one teacher of color in {years} years in Riverbend.",
         "Almost none of the teachers at {school} speak Spanish, even though half of the students do.",
         "Our students are mostly Black and Latino and our teachers are mostly white.",
         "Paraprofessionals who know our kids can't afford to go back to school to become teachers.",
         "T|I've had one Black teacher since kindergarten."),
        ("Set a target for hiring teachers of color and report on it every year.",
         "Pay for paraprofessionals to earn their teaching license.",
         "Hire more bilingual teachers and counselors.",
         "Recruit teachers from HBCUs and Hispanic-serving colleges."),
        ("Hire teachers who look like our kids.", "More bilingual teachers!", "Teachers of color matter.",
         "Grow your own teachers, pay the paras."),
        ("Students said they have had very few teachers of color and would consider teaching if the pathway "
         "paid for college.",
         "Parents asked for more bilingual teachers and counselors at every school."),
    ), (
        ("En {school} casi ningún maestro habla español.",
         "P|{Hijo} nunca ha tenido un maestro latino."),
        ("Contraten más maestros bilingües.",
         "Ayuden a las asistentes de maestro a estudiar para ser maestras."),
        ("Más maestros bilingües.", "Maestros que hablen español, por favor."),
        ("Piden más maestros y consejeros que hablen español, y apoyo para que las asistentes de la comunidad "
         "estudien para ser maestras.",),
    )),
    _concern("teacher_turnover", "staffing", 3, 6, 0.8, "", (
        ("{school} lost {few} teachers last year and classes were covered by substitutes for months.",
         "P|{Child} had three different teachers this year.",
         "There are no substitutes, so teachers give up their planning time to cover classes.",
         "New teachers leave after one or two years because of the pay and the workload.",
         "S|We split classes almost every Friday because no substitute shows up."),
        ("Raise pay for substitutes and long-term subs.",
         "Find out why experienced teachers are leaving and publish what you learn.",
         "Give every new teacher a mentor and a lighter load in the first year."),
        ("Too many substitutes.", "Keep our good teachers!", "Pay teachers more."),
        ("Teachers said substitutes are hard to find, so classes get split and planning time disappears.",),
    ), (
        ("P|{Hijo} tuvo tres maestros diferentes este año.", "Los maestros nuevos se van después de un año."),
        ("Paguen mejor a los maestros para que no se vayan.",),
        ("Demasiados maestros suplentes.",),
        (),
    )),
    _concern("meeting_times", "general", None, 8, 1.0, "🕕", (
        ("Every meeting about the plan is at 5:30 on a weekday, when most parents I know are still at work.",
         "P|I work nights, so I have never been able to come to a family meeting at {school}.",
         "Meetings are held at the district office, which is hard to reach by bus in the evening.",
         "Without childcare at meetings, parents with little kids can't come."),
        ("Hold meetings after 6:30 in the evening, and on Saturday mornings.",
         "Offer childcare and dinner at family meetings.",
         "Record meetings and let parents comment online afterwards.",
         "Hold meetings at schools and community centers, not only downtown."),
        ("Saturday meetings please!", "Childcare at meetings.", "Meetings later in the evening.",
         "Record the meetings for parents who work."),
        ("Several families asked for meetings on Saturday mornings, with childcare, because many parents work "
         "evening shifts.",
         "Parents said meetings at 5:30 pm leave out working parents and asked for later times and a way to "
         "join online."),
    ), (
        ("Las reuniones son a las 5:30 y a esa hora todavía estamos trabajando.",
         "Sin cuidado de niños no podemos ir a las juntas."),
        ("Hagan las reuniones los sábados por la mañana.", "Ofrezcan cuidado de niños y comida en las reuniones.",
         "Graben las juntas para verlas después."),
        ("Reuniones los sábados, por favor.", "Cuidado de niños en las juntas."),
        ("Las familias piden que las reuniones sean los sábados o más tarde, con cuidado de niños, porque "
         "muchos trabajan hasta tarde.",),
    )),
    _concern("mental_health", "safety", 2, 8, 0.6, "💙", (
        ("One counselor for {caseload} students means kids in crisis wait weeks to be seen.",
         "Anxiety and depression are the biggest problem my kids' friends are dealing with.",
         "There is no social worker at {school}, only a counselor two days a week.",
         "A lot of students are struggling with their mental health and nobody checks on them.",
         "T|When I needed to talk to someone, the counselor's next opening was three weeks away."),
        ("Hire more counselors and social workers before more security.",
         "Put a full-time mental health counselor in every school.",
         "Partner with community clinics so students can see a therapist at school.",
         "Train staff to notice when a student is struggling."),
        ("More counselors, fewer police.", "Mental health matters 💙", "We need a social worker at every school.",
         "Students need someone to talk to."),
        ("Students said counselors have hundreds of students each and asked for more counselors and social "
         "workers before more security.",),
    ), (
        ("Hay un solo consejero para cientos de estudiantes.",
         "Muchos jóvenes tienen ansiedad y no hay nadie con quien hablar en la escuela."),
        ("Contraten más consejeros y trabajadores sociales que hablen español.",
         "Que haya un psicólogo en cada escuela."),
        ("Más consejeros, por favor.", "La salud mental es importante."),
        ("Piden consejeros que hablen español porque muchos jóvenes tienen ansiedad y no tienen con quién "
         "hablar.",),
    )),
    _concern("safety", "safety", None, 6, 1.0, "⚠️", (
        ("There is no crossing guard in front of {school} in the afternoon and cars go fast.",
         "Fights at {school} get filmed and posted, and families hear about them on social media first.",
         "P|{Child} is being bullied and the school never tells us what happened after we report it.",
         "The side doors at {school} are propped open all day.",
         "Pickup at {school} is chaos; cars park on the crosswalk."),
        ("Put a crossing guard at every elementary school at pickup time.",
         "Tell families what happened after they report bullying.",
         "Have a clear lockdown plan and tell parents what it is."),
        ("Crossing guard needed at {school}!", "Stop the bullying.", "Safer pickup please ⚠️",
         "Kids don't feel safe in the bathrooms."),
        ("Parents asked for a crossing guard at pickup and said cars drive too fast in front of the school.",
         "Families said bullying reports go unanswered and asked to be told what the school did."),
    ), (
        ("En la salida de {school} no hay guardia de cruce y los carros pasan muy rápido.",
         "P|A {hijo} le hacen bullying por hablar español y nadie hace nada."),
        ("Pongan un guardia de cruce en la salida.", "Avísennos qué pasó cuando reportamos bullying."),
        ("Guardia de cruce, por favor.", "Alto al bullying."),
        ("Las familias dicen que a sus hijos les hacen bullying por hablar español y que nadie les dice qué "
         "pasó después de reportarlo.",),
    )),
    _concern("budget", "budget", 5, 7, 1.5, "💲", (
        ("The plan never says what it costs or where the money comes from.",
         "We have no idea how much money {school} gets compared with other schools.",
         "The budget hearing is at 4 pm on a weekday.",
         "Last year's budget cuts hit the schools with the most need hardest."),
        ("Publish the cost of each action and the budget line that pays for it.",
         "Show spending per student for every school, side by side.",
         "Explain the budget in plain language and in Spanish.",
         "Let parents from every school sit on the Budget Advisory Committee."),
        ("Show us the money 💲", "How much does this cost?", "Budget transparency please.",
         "Where does the money go?"),
        ("Families asked how much money each school gets and wanted the budget explained in plain language.",),
    ), (
        ("No sabemos cuánto dinero recibe {school} ni en qué se gasta.", "El plan no dice cuánto cuesta."),
        ("Expliquen el presupuesto en español y con palabras sencillas.",
         "Publiquen cuánto gasta el distrito por estudiante en cada escuela."),
        ("¿Cuánto cuesta el plan?", "¿En qué se gasta el dinero?"),
        ("Piden que el presupuesto de cada escuela se explique en español y con palabras sencillas.",),
    )),
    _concern("technology", "data", None, 6, 1.0, "💻", (
        ("P|{Child}'s Chromebook has been broken for {weeks} weeks and there is no loaner.",
         "We don't have internet at home, so homework on the laptop is hard.",
         "The grades portal only works in English and logs us out constantly.",
         "The wifi at {school} barely works.",
         "T|Half the Chromebooks in our classroom don't charge."),
        ("Give a wifi hotspot to every family that needs one.",
         "Repair or replace broken Chromebooks within a week.",
         "Make the parent portal work in Spanish and on phones.",
         "Offer computer classes for parents."),
        ("Fix the Chromebooks 💻", "Hotspots for families without internet.", "Portal in Spanish please.",
         "The wifi is terrible."),
        ("Families without internet at home asked for hotspots and said broken laptops take weeks to be "
         "replaced.",),
    ), (
        ("No tenemos internet en casa y la tarea es en la computadora.",
         "P|La computadora de {hijo} está rota desde hace {weeks} semanas.",
         "El portal de calificaciones está solo en inglés."),
        ("Den internet gratis a las familias que lo necesiten.", "Pongan el portal de padres en español."),
        ("Internet para las familias.", "El portal en español."),
        ("Las familias sin internet en casa piden hotspots y el portal de calificaciones en español.",),
    )),
    _concern("meals", "meals", 5, 5, 1.0, "🍎", (
        ("Lunch at {school} starts at 10:30 for some grades, and kids are starving by the afternoon.",
         "The lunch period is so short that kids at the back of the line get ten minutes to eat.",
         "Breakfast is over before the buses arrive.",
         "The food is mostly processed and there is nothing for kids with allergies."),
        ("Make school meals free for every student.", "Give every student at least 25 minutes to eat lunch.",
         "Offer fresh food, and halal and vegetarian options."),
        ("Longer lunch!", "Free lunch for all 🍎", "Healthier school lunches.", "Halal options please."),
        ("Families asked for halal options and for breakfast to be served after the buses arrive.",),
    ), (
        ("P|La comida de la escuela no alcanza y {hijo} llega con hambre a casa.",
         "El desayuno se acaba antes de que lleguen los niños."),
        ("Comida gratis para todos los estudiantes.", "Comida más saludable en la escuela."),
        ("Comida más saludable.", "Más tiempo para comer."),
        (),
    )),
    _concern("after_school", "after_school", 5, 6, 1.0, "⚽", (
        ("The after-school program at {school} fills up in the first hour of sign-ups.",
         "After-school care costs more than many families can pay.",
         "{mid_a} has far fewer clubs and sports than {mid_b}.",
         "There is nothing for middle schoolers to do after school."),
        ("Make after-school programs free at the schools with the most need.",
         "Open after-school registration on paper and in Spanish, not only online.",
         "Add clubs, sports and music at every middle school."),
        ("More after-school spots!", "After-school clubs at every school ⚽", "Free after-school care."),
        ("Parents said after-school programs fill up in an hour and asked for more places and paper sign-up "
         "in Spanish.",),
    ), (
        ("El programa después de clases se llena muy rápido.",
         "P|Trabajo hasta las seis y no tengo quién cuide a {hijo} por la tarde."),
        ("Abran más lugares en el programa después de clases.", "Inscripción en papel y en español."),
        ("Más programas después de clases.", "Actividades gratis por la tarde."),
        (),
    )),
)}

# Said by a few people about nothing in the plan, or nothing at all.
OFF_TOPIC = {
    "en": ["asdfgh", "test", "lol", "Go Hawks!! 🏈", "When is picture day?",
           "Does anyone know if school is closed Monday?", "I lost my password", "ok", "n/a", "nothing",
           "Is the pool at the rec center open in the winter?", "qwerty 123", "Happy Thanksgiving everyone 🦃",
           "👍👍👍"],
    "es": ["hola", "nada", "prueba", "¿Cuándo son las vacaciones de invierno?", "no sé", "xd", "Bendiciones 🙏"],
}

OPENERS = {
    "en": {
        PARENT: ["I'm a parent at {school}.", "Mom of two at {school} here.", "Dad of a student in {grade}.",
                 "Our family has been at {school} for {years} years.", "Parent here."],
        STUDENT: ["I'm a student at {school}.", "Student here.", "I'm in {grade} at {school}."],
        STAFF: ["I teach at {school}.", "I work at {school}.", "Staff member here."],
        COMMUNITY: ["I live near {school}.", "I'm a neighbor with no kids in school anymore.",
                    "Community member here."],
    },
    "es": {
        PARENT: ["Soy mamá de familia en {school}.", "Soy papá de dos niños en {school}.",
                 "Mis hijos van a {school}.", "Como madre de familia:"],
        STUDENT: ["Soy estudiante de {school}."],
        STAFF: ["Trabajo en {school}."],
        COMMUNITY: ["Vivo cerca de {school}."],
    },
}
CLOSERS = {
    "en": ["Thank you.", "Thanks!", "Please listen to families.", "This matters.", "Please do something about this.",
           "🙏", "Thanks for asking."],
    "es": ["Gracias.", "¡Gracias!", "Ojalá nos escuchen.", "Por favor, hagan algo.", "🙏", "Gracias por preguntar."],
}
AGREEING = {
    "en": ["Agreed.", "Same here.", "+1.", "Exactly.", "Yes!", "This."],
    "es": ["De acuerdo.", "Igual aquí.", "Así es.", "Sí.", "Exacto."],
}
EMOJI = ["🙏", "👍", "😡", "❤️", "😞", "‼️"]
LANGUAGES = ["Vietnamese", "Chinese", "Arabic", "Haitian Creole", "Somali"]
_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU", "¿¡")


class FeedbackWriter:
    """Texts about the concerns, from a seeded generator; never the very same text twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.written: set[str] = set()

    def concern(self, focus: Sequence[str] = ()) -> Concern:
        """A concern, by how often each comes up; those in `focus` three times as often."""
        concerns = list(CONCERNS.values())
        weights = [c.weight * (3 if c.key in focus else 1) for c in concerns]
        return self.rng.choices(concerns, weights=weights)[0]

    def when(self, concern: Concern | None) -> float:
        """Where in the feedback window (0-1) someone raises it: rising concerns later, fading ones earlier."""
        return self.rng.random() ** (concern.lean if concern else 1.0)

    def comment(self, concern: Concern, language: str, relationship: str | None = None,
                schools: Sequence[tuple[str, str]] = ()) -> str:
        """A comment on the plan: maybe who they are, what is wrong, what they want, maybe thanks."""
        return self._unique(lambda: self._compose(concern, language, relationship, schools, opener=0.3, ask=0.7,
                                                  closer=0.2, short=0.1), concern, language, relationship, schools)

    def survey_answer(self, concern: Concern, language: str, relationship: str | None = None,
                      schools: Sequence[tuple[str, str]] = ()) -> str:
        """An answer to "what would you change in the plan, and why?": more often an ask, shorter."""
        return self._unique(lambda: self._compose(concern, language, relationship, schools, opener=0.1, ask=0.85,
                                                  closer=0.05, short=0.25, problem=0.6),
                            concern, language, relationship, schools)

    def card(self, concern: Concern, language: str, relationship: str | None = None,
             schools: Sequence[tuple[str, str]] = ()) -> str:
        """A paper comment card: mostly a few words, sometimes a sentence or two."""
        return self._unique(lambda: self._compose(concern, language, relationship, schools, opener=0.05, ask=0.4,
                                                  closer=0.05, short=0.6, problem=0.6),
                            concern, language, relationship, schools)

    def reply(self, concern: Concern, language: str, relationship: str | None = None,
              schools: Sequence[tuple[str, str]] = ()) -> str:
        """A reply that agrees and adds a few words of its own on the same concern."""
        def compose() -> str:
            note = self._voiced(self._phrasing(concern, language).notes, relationship) or \
                self._voiced(self._phrasing(concern, language).asks, relationship)
            return " ".join(p for p in (self.rng.choice(AGREEING[language]), note) if p)
        return self._unique(compose, concern, language, relationship, schools)

    def heard(self, concern: Concern, language: str, schools: Sequence[tuple[str, str]] = ()) -> str | None:
        """How a host writes up what the room said about it; None when there is no such wording."""
        options = self._phrasing(concern, language).heard
        if not options:
            return None
        return self.rng.choice(options).format(**self._slots(None, schools))

    def off_topic(self, language: str) -> str:
        return self.rng.choice(OFF_TOPIC[language])

    # -- composing -----------------------------------------------------------------

    @staticmethod
    def _phrasing(concern: Concern, language: str) -> Phrasing:
        return concern.es if language == "es" else concern.en

    def _unique(self, compose, concern, language, relationship, schools) -> str:
        for _ in range(6):  # people rarely write the very same words; try again when they would
            text = self._roughen(compose().format(**self._slots(relationship, schools)), concern, language)
            if text not in self.written:
                break
        self.written.add(text)
        return text

    def _compose(self, concern: Concern, language: str, relationship: str | None,
                 schools: Sequence[tuple[str, str]], *, opener: float, ask: float, closer: float, short: float,
                 problem: float = 0.85) -> str:
        rng, phrasing = self.rng, self._phrasing(concern, language)
        if rng.random() < short:
            return self._voiced(phrasing.notes, relationship)
        parts = []
        if rng.random() < opener:
            parts.append(rng.choice(OPENERS[language][relationship or PARENT]))
        said = rng.random() < problem and self._voiced(phrasing.problems, relationship)
        if said:
            parts.append(said)
        if not said or rng.random() < ask:
            parts.append(self._voiced(phrasing.asks, relationship))
            if rng.random() < 0.15:  # some people have two asks
                parts.append(self._voiced(phrasing.asks, relationship))
        if rng.random() < closer:
            parts.append(rng.choice(CLOSERS[language]))
        return " ".join(dict.fromkeys(p for p in parts if p))

    def _voiced(self, templates: Sequence[str], relationship: str | None) -> str:
        """One template this person could say: parents' (P|), students' (T|) and staff's (S|) lines are theirs."""
        voice = {PARENT: "P|", STUDENT: "T|", STAFF: "S|"}.get(relationship or PARENT, "")
        usable = [t for t in templates if "|" not in t[:2] or t.startswith(voice)]
        if not usable:
            return ""
        text = self.rng.choice(usable)
        return text[2:] if "|" in text[:2] else text

    def _roughen(self, text: str, concern: Concern, language: str) -> str:
        """How people really type: emoji, typos, no capitals, Spanish without accents."""
        rng = self.rng
        if rng.random() < 0.07:
            text = f"{text} {concern.emoji or rng.choice(EMOJI)}"
        if rng.random() < 0.08:
            text = self._typo(text)
        if language == "es" and rng.random() < 0.3:
            text = text.translate(_ACCENTS)
        if rng.random() < 0.08:
            text = text.lower()
        elif rng.random() < 0.1:
            text = text.rstrip(".")
        return text

    def _typo(self, text: str) -> str:
        words = [m for m in re.finditer(r"[^\W\d_]{5,}", text)]
        if not words:
            return text
        match = self.rng.choice(words)
        word, i = match.group(), self.rng.randrange(1, len(match.group()) - 2)
        kind = self.rng.choice(("swap", "drop", "double"))
        if kind == "swap":
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif kind == "drop":
            word = word[:i] + word[i + 1:]
        else:
            word = word[:i] + word[i] + word[i:]
        return text[:match.start()] + word + text[match.end():]

    def _slots(self, relationship: str | None, schools: Sequence[tuple[str, str]]) -> dict[str, str]:
        rng = self.rng
        school, level = rng.choice(list(schools) or ALL_SCHOOLS)
        if relationship == STUDENT and level == ELEMENTARY:
            school, level = rng.choice(ALL_SCHOOLS[4:])
        grade, grado = rng.choice(GRADES.get(level, GRADES[ELEMENTARY]))
        child, hijo = rng.choice(CHILDREN)
        mid_a, mid_b = rng.sample(["Harbor View", "Westfield"], k=2)
        route = rng.randint(3, 28)
        return {
            "school": school, "grade": grade, "grado": grado, "child": child, "Child": child.capitalize(),
            "hijo": hijo, "Hijo": hijo.capitalize(), "mid_a": mid_a, "mid_b": mid_b,
            "route": rng.choice([f"Route {route}", f"Bus {route}", f"Bus #{route}"]), "ruta": f"ruta {route}",
            "n": str(route), "time": rng.choice(["6:35", "6:40", "6:50", "7:05", "7:15"]),
            "minutes": str(rng.choice([15, 20, 25, 30, 40, 45])), "few": rng.choice(["three", "four", "five", "six"]),
            "weeks": str(rng.choice([3, 4, 6, 8, 10])), "days": rng.choice(["two", "three", "five"]),
            "caseload": str(rng.choice([420, 480, 510, 560, 600])), "years": rng.choice(["two", "three", "five", "six"]),
            "lang": rng.choice(LANGUAGES),
        }
