"""Ten weeks of progress on the demo plans: dated updates from the district offices,
with evidence links and indicator values, so the progress tracker has a history to show.

Posted through the tracker's own service as the office member or the leader who
would write them; each update has a fixed submission token, so loading twice adds nothing.
"""

from __future__ import annotations

import copy
from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import User, find_user_by_email
from ..components import DemoDistrict
from ..extensions import db
from ..models import utcnow
from ..i18n import district_today
from ..plans.models import Plan, PlanAction
from ..translation import services as translation
from .models import ProgressStatus as S
from .models import ProgressUpdate
from .translatable import update_document
from .updates import post_update, recompute_progress

OFFICE_EMAIL = "office@example.org"
EQUITY_OFFICE = "Office of Equity and Family Engagement"  # the demo organization office@example.org belongs to

# The plan files have no column for the office in charge; the district's plan names one for each action
# (by number). Only the first is a demo organization with an account: the others show actions
# that only leaders update.
DISTRICT_OFFICES = {
    "1": "Office of Research and Assessment",
    "2": EQUITY_OFFICE,
    "3": "Office of Teaching and Learning",
    "4": "Office of Human Resources",
    "5": EQUITY_OFFICE,
    "6": "Office of Business Services",
}
# Interim indicators (action number, position) whose deadline passed this many days ago,
# on actions that are behind: the tracker shows them overdue.
PAST_DEADLINES = {("2", 0): 12, ("4", 0): 5}


def _link(path: str, title: str) -> dict:
    return {"evidence_url": f"https://example.org/riverbend/{path}", "evidence_title": title}


def _update(days_ago: int, status: str, percent: int, summary: str, *, es: str = "", by: str = "leader",
            metrics: dict | None = None, evidence: dict | None = None) -> dict:
    """One update as written `days_ago` days ago; `metrics` maps an indicator's position to (number, unit, text)."""
    return {"days_ago": days_ago, "status": status, "percent": percent, "summary": summary, "summary_es": es,
            "by": by, "metrics": metrics or {}, "evidence": evidence or {}}


# The district plan's actions, by number. Action 6 (the budget) has not started.
DISTRICT_UPDATES = {
    "1": [
        _update(63, S.ON_TRACK, 10, "Pulled last year's attendance, discipline and assessment files from all seven "
                "schools and started writing plain-language definitions for each measure.",
                metrics={0: (None, "", "First draft of the definitions written")}),
        _update(35, S.ON_TRACK, 30, "Walked the Family Advisory Council through the draft definitions. They asked us "
                "to explain \"chronic absence\" in one sentence and to show small groups as ranges.",
                metrics={0: (None, "", "Reviewed with the Family Advisory Council")},
                evidence=_link("equity-dashboard/definitions-draft.pdf", "Draft data definitions")),
        _update(9, S.AT_RISK, 40, "The Student Equity Council review moved to December because of the holiday "
                "schedule, and the discipline data for two schools needs cleaning before anything is posted.",
                metrics={0: (None, "", "Family council done; student council on the December agenda")}),
    ],
    "2": [
        _update(56, S.ON_TRACK, 15, "Planning template finished and shared with principals at the October "
                "leadership meeting.", by="office",
                metrics={0: (None, "", "Template shared with all seven principals")},
                evidence=_link("school-equity-plans/template.pdf", "School equity plan template")),
        _update(28, S.AT_RISK, 35, "Data packets went to four of seven schools. The other three wait on "
                "corrected enrollment counts.", by="office",
                es="Se enviaron los paquetes de datos a cuatro de las siete escuelas. Las otras tres esperan "
                   "las cifras corregidas de matrícula.",
                metrics={0: (4, "schools", "")}),
        _update(6, S.AT_RISK, 45, "Five schools have their data packets; Riverside and Westfield get theirs once the "
                "enrollment count is final. Two leadership teams have named their family members.", by="office",
                metrics={0: (5, "schools", "")}),
    ],
    "3": [
        _update(49, S.ON_TRACK, 10, "Invited students, families and staff to join the code of conduct committee. "
                "31 people applied.",
                metrics={0: (31, "applications", "")}),
        _update(21, S.ON_TRACK, 25, "The committee (6 students, 6 family members, 6 staff) met for the first time. "
                "Staff at Harbor View and Westfield had their restorative circles training.",
                metrics={0: (18, "members", ""), 1: (22, "%", "")},
                evidence=_link("code-of-conduct/committee-notes-1.pdf", "Notes from the first committee meeting")),
        _update(3, S.ON_TRACK, 35, "Second committee meeting held. Training reached Cedar Grove and Lincoln Park; "
                "38% of staff district-wide have now completed it.",
                metrics={1: (38, "%", "")}),
    ],
    "4": [
        _update(42, S.ON_TRACK, 20, "First meeting with the university's school of education about a grow-your-own "
                "agreement. 14 paraprofessionals told us they are interested.",
                metrics={0: (None, "", "Draft agreement under review")}),
        _update(12, S.DELAYED, 25, "The university's legal office has not returned the draft agreement, so signing "
                "will slip past the date in the plan. Every first-year teacher (23) now has a mentor.",
                metrics={0: (None, "", "Draft still with the university's legal office")}),
    ],
    "5": [
        _update(70, S.ON_TRACK, 20, "Spanish translation is now part of every district newsletter and phone "
                "message. We started a log of requests for other languages.", by="office",
                metrics={0: (None, "", "Request log started")}),
        _update(49, S.ON_TRACK, 40, "Interpreters were at 81% of the family meetings where one was requested in "
                "October. Most missed requests were for Somali.", by="office",
                es="Hubo intérpretes en el 81% de las reuniones con familias en que se pidió uno en octubre. "
                   "La mayoría de las solicitudes no atendidas eran para somalí.",
                metrics={1: (81, "%", "")}),
        _update(28, S.ON_TRACK, 55, "The translation and interpretation request process is posted in English and "
                "Spanish, with a phone line for families who do not use email.", by="office",
                metrics={0: (None, "", "Process posted in English and Spanish"), 1: (88, "%", "")},
                evidence=_link("family-communication/request-interpretation", "How to request an interpreter")),
        _update(14, S.ON_TRACK, 65, "Fall conferences: interpreters at 94% of requested conferences, in Spanish, "
                "Vietnamese and Somali.", by="office",
                es="Conferencias de otoño: hubo intérpretes en el 94% de las conferencias en que se pidieron, "
                   "en español, vietnamita y somalí.",
                metrics={1: (94, "%", "")}),
        _update(2, S.ON_TRACK, 70, "The December newsletter goes out in Vietnamese and Chinese too. 57 translation "
                "requests logged so far, all answered within five school days.", by="office",
                metrics={0: (57, "requests", "")}),
    ],
}

# Cedar Grove's plan, by the action's place in the plan (it has no numbers and no indicators).
# The library evenings (from January) and the spring review meeting have not started.
SCHOOL_UPDATES = {
    0: [
        _update(26, S.ON_TRACK, 30, "Every K-2 classroom teaches phonics daily with the new materials. Coaching "
                "visits started in 9 of 12 classrooms."),
        _update(12, S.ON_TRACK, 45, "Every K-2 classroom had two coaching visits this month. Grade teams reviewed the "
                "first six-week reading check and regrouped students.",
                evidence=_link("cedar-grove/reading-check-fall.pdf", "Fall reading check summary")),
    ],
    1: [
        _update(24, S.AT_RISK, 20, "Small groups started in grades 1 and 2. Kindergarten groups wait for a second "
                "reading aide."),
        _update(8, S.DELAYED, 25, "We still have no second reading aide, so 11 students are waiting for a group. "
                "Families of students in groups got a note in English or Spanish.",
                es="Todavía no tenemos una segunda asistente de lectura, así que 11 estudiantes esperan un grupo. "
                   "Las familias de los estudiantes en grupos recibieron una nota en inglés o en español."),
    ],
    4: [
        _update(22, S.ON_TRACK, 50, "The conference sign-up form went home in English and Spanish; 212 families "
                "have chosen a time.",
                es="El formulario para elegir la hora de la conferencia se envió en inglés y en español; "
                   "212 familias ya eligieron una hora."),
        _update(9, S.DONE, 100, "Fall conferences are done: 268 of 301 families came, 74 of them by video or phone, "
                "and a Spanish interpreter was there at every time slot. Spring conferences follow in March.",
                es="Terminaron las conferencias de otoño: vinieron 268 de 301 familias, 74 por video o teléfono, "
                   "y hubo intérprete de español en cada horario. Las de primavera serán en marzo.",
                evidence=_link("cedar-grove/fall-conferences.pdf", "Fall conference attendance")),
    ],
    5: [
        _update(27, S.ON_TRACK, 25, "The October newsletter went home on paper and by text message in English and "
                "Spanish, with a read-aloud activity for home.",
                evidence=_link("cedar-grove/newsletter-october.pdf", "October family newsletter")),
        _update(13, S.ON_TRACK, 35, "November issue sent. 61% of families opened the text message version.",
                es="Se envió el boletín de noviembre. El 61% de las familias abrió la versión por mensaje de texto."),
    ],
    6: [
        _update(5, S.NOT_STARTED, 0, "The first family learning night is set for December 10 at 5:30 pm, with dinner "
                "and childcare. Families chose reading at home as the topic.",
                es="La primera noche de aprendizaje familiar será el 10 de diciembre a las 5:30 pm, con cena y "
                   "cuidado de niños. Las familias eligieron la lectura en casa como tema."),
    ],
}


def load_demo_progress(district: DemoDistrict) -> None:
    """Name each district action's office, let two interim deadlines pass, and post the updates not posted yet."""
    district_plan, school_plan, leader, added = district.district_plan, district.school_plan, district.leader, district.added
    _name_offices_and_past_deadlines(district_plan)
    office = find_user_by_email(OFFICE_EMAIL)
    authors = {"leader": leader, "office": office or leader}
    district_actions = {action.number: action for action in _actions(district_plan)}
    school_actions = _actions(school_plan)
    planned = [(f"district-{number}", district_actions[number], updates)
               for number, updates in DISTRICT_UPDATES.items() if number in district_actions]
    planned += [(f"school-{place}", school_actions[place], updates)
                for place, updates in SCHOOL_UPDATES.items() if place < len(school_actions)]
    posted = _post_updates(planned, authors)
    added["progress updates"] = added.get("progress updates", 0) + posted


def _actions(plan: Plan) -> list[PlanAction]:
    return [action for section in plan.sections for action in section.actions]


def _post_updates(planned: list[tuple[str, PlanAction, list[dict]]], authors: dict[str, User]) -> int:
    """Post the updates whose tokens are new, then date them when they were written. Returns how many."""
    tokens = set(db.session.scalars(select(ProgressUpdate.submission_token)
                                    .where(ProgressUpdate.submission_token.like("demo-progress-%"))))
    today, now = district_today(), utcnow()
    written: list[tuple[int, int]] = []  # (update id, days ago)
    touched: set[int] = set()
    for name, action, updates in planned:
        indicators = list(action.indicators)
        for n, entry in enumerate(updates, start=1):
            token = f"demo-progress-{name}-{n}"
            if token in tokens:
                continue
            metrics = {indicators[place].id: value for place, value in entry["metrics"].items()
                       if place < len(indicators)}
            update = post_update(
                authors[entry["by"]], action, as_of=today - timedelta(days=entry["days_ago"]),
                status=entry["status"], percent_complete=entry["percent"], summary=entry["summary"],
                metric_values=metrics, submission_token=token, **entry["evidence"],
            )
            if entry["summary_es"]:
                translation.save_translations(None, update_document(update), "es", {"summary": entry["summary_es"]},
                                              publish=True)
            written.append((update.id, entry["days_ago"]))
            touched.add(action.id)
    if not written:
        return 0
    # Typed in at the end of the day it is about, not while the demo loads.
    for update_id, days_ago in written:
        db.session.get(ProgressUpdate, update_id).created_at = now - timedelta(days=days_ago, hours=2)
    db.session.flush()
    for action_id in touched:
        recompute_progress(db.session.get(PlanAction, action_id))
    db.session.commit()
    return len(written)


def _name_offices_and_past_deadlines(plan: Plan) -> None:
    """Give the district plan's actions their offices, and pass two interim deadlines, in every version.

    The plan files cannot say which office is in charge, and their deadlines are fixed dates:
    this makes the plan as first written name its offices and have deadlines already behind it,
    whenever the demo is loaded. Offices already named and deadlines already past stay as they are.
    """
    today = district_today()
    offices: dict[str, str] = {}  # action key -> office
    deadlines: dict[tuple[str, int], tuple] = {}  # (action key, position) -> (date, text)
    for action in _actions(plan):
        if not action.responsible_office and action.number in DISTRICT_OFFICES:
            action.responsible_office = offices[action.key] = DISTRICT_OFFICES[action.number]
        for indicator in action.indicators:
            days_ago = PAST_DEADLINES.get((action.number, indicator.position))
            if days_ago is None or (indicator.deadline is not None and indicator.deadline < today):
                continue
            passed = today - timedelta(days=days_ago)
            indicator.deadline, indicator.deadline_text = passed, f"{passed:%B} {passed.day}, {passed.year}"
            deadlines[(action.key, indicator.position)] = (passed, indicator.deadline_text)
    if not offices and not deadlines:
        return
    for version in plan.versions:
        snapshot = copy.deepcopy(version.snapshot)
        for section in snapshot["sections"]:
            for action in section["actions"]:
                if action["key"] in offices and not action.get("responsible_office"):
                    action["responsible_office"] = offices[action["key"]]
                for position, indicator in enumerate(action["indicators"]):
                    if (action["key"], position) in deadlines:
                        passed, text = deadlines[(action["key"], position)]
                        indicator["deadline"], indicator["deadline_text"] = passed.isoformat(), text
        version.snapshot = snapshot  # a new dict, so the JSON column is saved
    db.session.commit()
