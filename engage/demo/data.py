"""A fictional district to try Engage with. Loading it twice changes nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..accounts.models import ParticipantProfile, DistrictRelationship, User, find_user_by_email, hash_password
from ..comments import services as comments
from ..comments.models import Comment, CommentSupport
from ..components import DemoDistrict
from ..extensions import db
from ..models import utcnow
from ..orgs.models import Membership, Organization, OrganizationKind, School, SchoolLevel
from ..permissions import Role
from ..plans import services as plans
from ..plans.importers import parse_plan_file
from ..plans.models import Plan, PlanAction, PlanStatus
from .comment_writer import Person, write_comments
from .conversations import load_demo_conversations
from .enrollment import load_demo_enrollment
from .outcomes import load_demo_outcomes
from .survey import load_demo_survey
from .themes import load_demo_themes
from .translations import load_plan_translations

DEMO_PASSWORD = "engage-demo-2026"

SCHOOLS = [
    ("Cedar Grove Elementary School", SchoolLevel.ELEMENTARY, "410 Cedar Grove Road"),
    ("Lincoln Park Elementary School", SchoolLevel.ELEMENTARY, "77 Lincoln Park Avenue"),
    ("Maple Hill Elementary School", SchoolLevel.ELEMENTARY, "1200 Maple Hill Drive"),
    ("Riverside Elementary School", SchoolLevel.ELEMENTARY, "5 Riverside Way"),
    ("Harbor View Middle School", SchoolLevel.MIDDLE, "300 Harbor View Street"),
    ("Westfield Middle School", SchoolLevel.MIDDLE, "88 Westfield Boulevard"),
    ("Riverbend High School", SchoolLevel.HIGH, "1 Riverbend Plaza"),
]

ORGANIZATIONS = [
    ("Cedar Grove PTO", OrganizationKind.PTO, "Cedar Grove Elementary School", True,
     "Parents and teachers of Cedar Grove Elementary. We host family nights and community conversations in English and Spanish."),
    ("Harbor View Middle School PTO", OrganizationKind.PTO, "Harbor View Middle School", True,
     "The parent-teacher organization of Harbor View Middle School."),
    ("Familias Unidas de Riverbend", OrganizationKind.PARTNER, None, True,
     "A community group of Spanish-speaking families working with schools across Riverbend."),
    ("Riverbend Black Parent Network", OrganizationKind.PARTNER, None, True,
     "Parents and caregivers of Black students in Riverbend, meeting monthly at the public library."),
    ("Riverbend High Student Equity Council", OrganizationKind.STUDENT_GROUP, "Riverbend High School", True,
     "Students who bring student voice to district decisions."),
    ("Riverbend Education Association", OrganizationKind.STAFF_GROUP, None, True,
     "The union of teachers and school staff."),
    ("Somali Parents Association of Riverbend", OrganizationKind.PARTNER, None, True,
     "Somali-speaking parents and caregivers who meet at the Riverside Community Center and help families "
     "take part in school life."),
    ("Riverbend Staff Equity Team", OrganizationKind.STAFF_GROUP, None, True,
     "Teachers, counselors and support staff from every school who lead equity work with their colleagues."),
    ("Office of Equity and Family Engagement", OrganizationKind.DISTRICT_OFFICE, None, True,
     "Leads the district's equity plan and supports hosts of community conversations."),
    ("Office of Teaching and Learning", OrganizationKind.DISTRICT_OFFICE, None, False,
     "Curriculum, instruction and professional learning for all schools."),
]

ROLE_USERS = [
    ("participant@example.org", "Pat Participant", Role.PARTICIPANT, None),
    ("host@example.org", "Hana Host", Role.PARTICIPANT, "Cedar Grove PTO"),
    ("moderator@example.org", "Mo Moderator", Role.MODERATOR, None),
    ("translator@example.org", "Tran Translator", Role.TRANSLATOR, None),
    ("leader@example.org", "Lee Leader", Role.LEADER, "Office of Equity and Family Engagement"),
    ("admin@example.org", "Ari Admin", Role.ADMIN, None),
    ("office@example.org", "Opal Office", Role.PARTICIPANT, "Office of Equity and Family Engagement"),
]

FIRST_NAMES = ["Ana", "Ben", "Carmen", "Dario", "Elena", "Femi", "Grace", "Hugo", "Imani", "Jorge",
               "Kim", "Lucia", "Malik", "Nora", "Omar", "Paula", "Quinn", "Rosa", "Sam", "Tariq"]
LAST_NAMES = ["Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Flores", "Garcia", "Hughes", "Ibrahim", "Johnson"]

PLAN_FILES = Path(__file__).parent / "plans"
# The district's draft plan, open for feedback, and a school's plan that puts it into practice.
OPEN_PLAN_FILE = "riverbend_equity_policy_plan.txt"
# The district's actions come from a table with no titles; its leaders give each a short one,
# so pages name an action in a few words rather than its first line.
OPEN_PLAN_ACTION_TITLES = {
    "1": "An equity data dashboard",
    "2": "An equity plan for every school",
    "3": "Restorative discipline",
    "4": "Teachers who reflect our students",
    "5": "Every message in families' languages",
    "6": "A budget that follows the plan",
}
SCHOOL_PLAN_FILE, SCHOOL_PLAN_OWNER = "cedar_grove_action_plan.txt", "Cedar Grove Elementary School"
SCHOOL_PLAN_IMPLEMENTS = ("2", "5")  # the district actions (by number) the school's plan carries out
# Eight weeks of feedback so far, so the themes have a trend to show.
FEEDBACK_OPENED_DAYS_AGO, FEEDBACK_CLOSES_IN_DAYS = 56, 30
# Version 2 of the open plan answers the first weeks of feedback.
REVISED_DAYS_AGO = 35
REVISION_NOTE = (
    "Revised after the first three weeks of feedback: action 5 now names Vietnamese and Chinese, the languages "
    "families asked for most after Spanish, and action 3 adds a family guide to the revised code of conduct."
)
REVISION_NEW_INDICATOR = {
    "text": "Family guide to the revised code of conduct published in English and Spanish",
    "deadline_text": "April 2027",
    "metric": "Guide posted; families reached at school meetings",
}
REVISED_TRANSLATION_ACTION = (
    "Make every district and school message to families available in Spanish, Vietnamese and Chinese, offer "
    "interpretation at every family meeting and conference, and answer translation requests for other languages "
    "within five school days."
)


def load_demo_data(*, generated_participants: int = 120) -> dict[str, int]:
    """Create the demo district. Returns how many rows of each kind were added."""
    added = {"schools": 0, "organizations": 0, "users": 0, "plans": 0, "plan_versions": 0, "comments": 0,
             "supports": 0, "flags": 0, "surveys": 0, "survey_responses": 0, "conversation_sessions": 0,
             "registrations": 0, "conversation_notes": 0, "theme_runs": 0, "theme_responses": 0}
    schools = {}
    for name, level, address in SCHOOLS:
        school = db.session.scalar(select(School).where(School.name == name))
        if school is None:
            school = School(name=name, level=level, address=address)
            db.session.add(school)
            added["schools"] += 1
        schools[name] = school

    organizations = {}
    for name, kind, school_name, hosts, description in ORGANIZATIONS:
        org = db.session.scalar(select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(name=name, kind=kind, description=description, hosts_conversations=hosts,
                               school=schools.get(school_name))
            db.session.add(org)
            added["organizations"] += 1
        organizations[name] = org
    db.session.flush()

    for email, name, role, org_name in ROLE_USERS:
        user = _demo_user(email, name, role, added)
        if org_name and not any(m.organization_id == organizations[org_name].id for m in user.memberships):
            db.session.add(Membership(user=user, organization=organizations[org_name]))

    _generated_participants(generated_participants, list(schools.values()), added)
    db.session.commit()

    leader = find_user_by_email("leader@example.org")
    open_plan = _demo_plan(OPEN_PLAN_FILE, None, leader, added, opened_days_ago=FEEDBACK_OPENED_DAYS_AGO,
                           action_titles=OPEN_PLAN_ACTION_TITLES)
    carried_out = [a for section in open_plan.sections for a in section.actions if a.number in SCHOOL_PLAN_IMPLEMENTS]
    school_plan = _demo_plan(SCHOOL_PLAN_FILE, schools[SCHOOL_PLAN_OWNER].id, leader, added, opened_days_ago=None,
                             implements=carried_out)
    _demo_comments(open_plan, leader, find_user_by_email("host@example.org"), added)
    if len(open_plan.versions) < 2:  # when comments were skipped, the revision is still due
        _revise_open_plan(open_plan, leader, added, at=utcnow() - timedelta(days=REVISED_DAYS_AGO))
    load_demo_survey(open_plan, leader, added)
    load_demo_conversations(open_plan, school_plan, added, make_user=_demo_user)
    load_demo_themes([open_plan, school_plan], leader, added)
    load_demo_outcomes(open_plan, leader, added)
    load_demo_enrollment(added)
    district = DemoDistrict(open_plan, school_plan, leader, added)
    for component in current_app.extensions["engage.components"]:
        if component.demo:
            component.attribute(component.demo)(district)
    # Last: the components' seeds add to the plans' words (the actions' offices).
    added["translations"] = sum(load_plan_translations(plan, name) for plan, name in
                                ((open_plan, OPEN_PLAN_FILE), (school_plan, SCHOOL_PLAN_FILE)))
    return added


@cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose; one hash serves every demo account.
    return hash_password(DEMO_PASSWORD)


def _demo_user(email: str, name: str, role: Role, added: dict[str, int], locale: str | None = None) -> User:
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, display_name=name, role=role.value, locale=locale, email_verified_at=utcnow(),
                    password_hash=_demo_password_hash())
        db.session.add(user)
        db.session.flush()
        added["users"] += 1
    return user


def _generated_participants(count: int, schools: list[School], added: dict[str, int]) -> None:
    """Families, students, staff and neighbours with varied, optional profiles."""
    rng = random.Random(2026)
    race_rng = random.Random(7)  # its own sequence, so the rest of the demo stays as it was
    relationships = [DistrictRelationship.PARENT] * 6 + [DistrictRelationship.STUDENT, DistrictRelationship.STAFF] * 2 + [DistrictRelationship.COMMUNITY]
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        spanish = rng.random() < 0.3
        email = f"family{n:03d}@example.org"
        before = added["users"]
        user = _demo_user(email, f"{first} {last}", Role.PARTICIPANT, added, locale="es" if spanish else None)
        if added["users"] == before or rng.random() < 0.15:
            continue  # existing user, or someone who shares no profile
        profile = ParticipantProfile(
            user=user,
            relationship_to_district=rng.choice(relationships),
            preferred_language="es" if spanish else rng.choice(["en"] * 8 + ["vi", "zh"]),
            race_ethnicity=_demo_race_ethnicity(race_rng, spanish),
        )
        profile.schools = rng.sample(schools, k=rng.choice([1, 1, 2]))
        db.session.add(profile)


def _demo_race_ethnicity(rng: random.Random, spanish: bool) -> list[str]:
    """A third share nothing; the rest roughly follow the demo district's enrollment."""
    if rng.random() < 0.35:
        return []
    if spanish and rng.random() < 0.9:
        return ["hispanic"]
    groups = ["white"] * 9 + ["hispanic"] * 5 + ["black"] * 4 + ["asian"] * 3 + ["middle_eastern"]
    chosen = [rng.choice(groups)]
    if rng.random() < 0.08:
        chosen.append(rng.choice([g for g in sorted(set(groups)) if g != chosen[0]]))
    return sorted(chosen)


def _demo_plan(filename: str, owner_school_id: int | None, leader: User, added: dict[str, int], *,
               opened_days_ago: int | None, implements: list[PlanAction] | None = None,
               action_titles: dict[str, str] | None = None) -> Plan:
    """Import a plan file once and publish it as version 1, a draft.

    With ``opened_days_ago``, the draft has been taking feedback for that many
    days; a school's plan names the district actions it ``implements``; ``action_titles`` gives
    actions (by number) the short titles the file has none of.
    """
    imported = parse_plan_file(PLAN_FILES / filename)
    plan = db.session.scalar(select(Plan).where(Plan.title == imported.title))
    if plan is not None:
        return plan
    plan = plans.create_plan_from_import(imported, owner_school_id=owner_school_id)
    added["plans"] += 1
    # Published when feedback opened (the school's plan: weeks ago), not while the demo loads.
    published_at = utcnow() - timedelta(days=30)
    settings = {}
    if opened_days_ago is not None:
        on_the_hour = utcnow().replace(minute=0, second=0, microsecond=0)
        published_at = on_the_hour - timedelta(days=opened_days_ago)
        settings = {"feedback_opens_at": published_at,
                    "feedback_closes_at": on_the_hour + timedelta(days=FEEDBACK_CLOSES_IN_DAYS)}
    for action in (a for section in plan.sections for a in section.actions):
        if action.number in (action_titles or {}):
            _save_action(leader, plan, action, title=action_titles[action.number])
    if settings or implements:
        plans.save_plan(leader, plan, implements=[action.id for action in implements or []], **settings)
    version = plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    version.published_at = published_at
    added["plan_versions"] += 1
    db.session.commit()
    return plan


def _revise_open_plan(plan: Plan, leader: User, added: dict[str, int], *, at: datetime) -> None:
    """Edit the draft the way a leader would after early feedback, and publish version 2."""
    actions = {action.number: action for section in plan.sections for action in section.actions}
    _save_action(leader, plan, actions["5"], description=REVISED_TRANSLATION_ACTION)
    _save_action(leader, plan, actions["3"], more_indicators=(REVISION_NEW_INDICATOR,))
    version = plans.publish_version(leader, plan, status=PlanStatus.REVISED_DRAFT, change_note=REVISION_NOTE)
    version.published_at = at
    added["plan_versions"] += 1
    db.session.commit()


def _save_action(leader: User, plan: Plan, action: PlanAction, *, title: str | None = None,
                 description: str | None = None, more_indicators: tuple[dict, ...] = ()) -> None:
    """Change one thing about an action through the plan editor's service, keeping the rest."""
    indicators = [{"text": i.text, "deadline_text": i.deadline_text, "metric": i.metric} for i in action.indicators]
    plans.save_action(
        leader, plan, action.section, action, number=action.number, title=action.title if title is None else title,
        description=action.description if description is None else description,
        responsible_office=action.responsible_office, months=list(action.months or []),
        indicators=[*indicators, *more_indicators],
    )


def _demo_comments(plan: Plan, leader: User, host: User, added: dict[str, int]) -> None:
    """Several hundred comments, replies, "I agree"s and flags from the demo participants.

    Posted through the comments service as their authors, in the order they
    were "written" over the days the plan has been open; the plan is revised
    part-way, so later comments are on version 2. Skipped when the plan already
    has comments, or when its feedback window has closed since the demo was loaded.
    """
    if db.session.scalar(select(func.count()).select_from(Comment).where(Comment.plan_id == plan.id)):
        return
    if plans.feedback_window_state(plan) != plans.FeedbackWindow.OPEN:
        return
    now = utcnow()
    opened = plan.feedback_opens_at or now - timedelta(days=FEEDBACK_OPENED_DAYS_AGO)
    opened = opened if opened.tzinfo else opened.replace(tzinfo=UTC)  # SQLite returns naive UTC times
    participants = db.session.scalars(
        select(User).where(User.email.like("family%@example.org")).order_by(User.email)
        .options(selectinload(User.profile).selectinload(ParticipantProfile.schools))
    ).all()
    people = [
        Person(
            key=user.id,
            spanish=user.locale == "es",
            relationship=user.profile.relationship_to_district if user.profile else None,
            schools=tuple((_short_name(school.name), school.level) for school in user.profile.schools)
            if user.profile else (),
        )
        for user in participants
    ]
    drafts = write_comments(random.Random(2026), people, start=opened + timedelta(minutes=30),
                            end=now - timedelta(minutes=10), leader=leader.id, host=host.id)
    del participants
    content = plan.versions[-1].snapshot
    anchors = [(section["key"], action["key"]) for section in content["sections"] for action in section["actions"]]
    revised_at = max(now - timedelta(days=REVISED_DAYS_AGO), opened)
    # Only ids are kept: every commit expires what the session holds, and holding
    # hundreds of people and comments would make each of the hundreds of commits slower.
    posted: list[int] = []
    for number, draft in enumerate(drafts):
        if draft.at >= revised_at and len(plan.versions) < 2:
            _revise_open_plan(plan, leader, added, at=revised_at)
        section_key, action_key = anchors[draft.action % len(anchors)] if draft.action is not None else (None, None)
        if draft.on_section:
            section_key = content["sections"][0]["key"]
        comment = comments.post_comment(
            db.session.get(User, draft.author), plan, body=draft.body, submission_token=f"demo-{number}",
            section_key=section_key, action_key=action_key,
            parent=db.session.get(Comment, posted[draft.parent]) if draft.parent is not None else None,
            anonymous=draft.anonymous, official=draft.official, language=draft.language,
        )
        comment.created_at = draft.at
        posted.append(comment.id)
    db.session.commit()
    added["comments"] += len(posted)

    # "I agree" changes nothing but its own row and the count, so the supports go
    # in together: one toggle_support per support would cost hundreds of commits.
    for draft, comment_id in zip(drafts, posted, strict=True):
        db.session.add_all(CommentSupport(comment_id=comment_id, user_id=supporter) for supporter in draft.supporters)
        added["supports"] += len(draft.supporters)
    db.session.flush()
    db.session.execute(
        update(Comment).where(Comment.plan_id == plan.id).values(
            support_count=select(func.count()).where(CommentSupport.comment_id == Comment.id).scalar_subquery()
        )
    )
    db.session.commit()
    for draft, comment_id in zip(drafts, posted, strict=True):
        for flagger, reason in draft.flags:
            comments.flag_comment(db.session.get(User, flagger), db.session.get(Comment, comment_id), reason=reason)
            added["flags"] += 1


def _short_name(school_name: str) -> str:
    """What people call a school: "Cedar Grove", "Riverbend High"."""
    for suffix in (" Elementary School", " Middle School", " School"):
        school_name = school_name.removesuffix(suffix)
    return school_name
