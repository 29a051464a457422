"""A fictional district to try Engage with. Loading it twice changes nothing."""

from __future__ import annotations

import random
from functools import cache

from sqlalchemy import select

from ..accounts.models import ParticipantProfile, DistrictRelationship, User, find_user_by_email, hash_password
from ..extensions import db
from ..models import utcnow
from ..orgs.models import Membership, Organization, OrganizationKind, School, SchoolLevel
from ..permissions import Role

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
    ("Office of Equity and Family Engagement", OrganizationKind.DISTRICT_OFFICE, None, True,
     "Leads the district's equity plan and supports hosts of community conversations."),
    ("Office of Teaching and Learning", OrganizationKind.DISTRICT_OFFICE, None, False,
     "Curriculum, instruction and professional learning for all schools."),
]

ROLE_USERS = [
    ("participant@example.org", "Pat Participant", Role.PARTICIPANT, None),
    ("host@example.org", "Hana Host", Role.PARTICIPANT, "Cedar Grove PTO"),
    ("moderator@example.org", "Mo Moderator", Role.MODERATOR, None),
    ("leader@example.org", "Lee Leader", Role.LEADER, "Office of Equity and Family Engagement"),
    ("admin@example.org", "Ari Admin", Role.ADMIN, None),
]

FIRST_NAMES = ["Ana", "Ben", "Carmen", "Dario", "Elena", "Femi", "Grace", "Hugo", "Imani", "Jorge",
               "Kim", "Lucia", "Malik", "Nora", "Omar", "Paula", "Quinn", "Rosa", "Sam", "Tariq"]
LAST_NAMES = ["Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Flores", "Garcia", "Hughes", "Ibrahim", "Johnson"]


def load_demo_data(*, generated_participants: int = 120) -> dict[str, int]:
    """Create the demo district. Returns how many rows of each kind were added."""
    added = {"schools": 0, "organizations": 0, "users": 0}
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
            race_ethnicity=[],
        )
        profile.schools = rng.sample(schools, k=rng.choice([1, 1, 2]))
        db.session.add(profile)
