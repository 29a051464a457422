"""Who has joined Engage so far, by the profile facts people chose to share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..accounts.models import ParticipantProfile, User, profile_schools
from ..extensions import db
from ..orgs.models import School
from ..permissions import Permission, require
from ..privacy import GroupCount, suppress_small_groups, suppress_total

NOT_SHARED = "not_shared"


@dataclass(frozen=True)
class ParticipationSummary:
    total: int | None
    with_profile: int | None
    by_relationship: list[GroupCount]
    by_school: list[GroupCount]
    by_language: list[GroupCount]


def participation_summary(actor) -> ParticipationSummary:
    """Counts of active accounts, broken down with small groups suppressed.

    A fixed number of grouped queries, however many people have joined.
    """
    require(actor, Permission.VIEW_PARTICIPATION)
    total = db.session.scalar(select(func.count()).select_from(User).where(User.active)) or 0
    active_profiles = select(ParticipantProfile).join(User).where(User.active).subquery()

    with_profile = db.session.scalar(select(func.count()).select_from(active_profiles)) or 0
    by_relationship = _grouped(active_profiles.c.relationship_to_district, active_profiles)
    by_language = _grouped(active_profiles.c.preferred_language, active_profiles)
    by_relationship[NOT_SHARED] = by_relationship.pop(NOT_SHARED, 0) + total - with_profile
    by_language[NOT_SHARED] = by_language.pop(NOT_SHARED, 0) + total - with_profile

    school_rows = db.session.execute(
        select(School.name, func.count(profile_schools.c.profile_id))
        .join(profile_schools, profile_schools.c.school_id == School.id)
        .join(active_profiles, active_profiles.c.user_id == profile_schools.c.profile_id)
        .group_by(School.name)
    )
    by_school = {name: count for name, count in school_rows}

    return ParticipationSummary(
        total=suppress_total(total),
        with_profile=suppress_total(with_profile),
        by_relationship=suppress_small_groups(by_relationship),
        by_school=suppress_small_groups(by_school),
        by_language=suppress_small_groups(by_language),
    )


def _grouped(column, source) -> dict[str, int]:
    rows = db.session.execute(select(column, func.count()).select_from(source).group_by(column))
    return {(key or NOT_SHARED): count for key, count in rows}
