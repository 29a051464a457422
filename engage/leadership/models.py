"""The district's enrollment, entered or imported by admins, to compare with who
takes part ("who we are hearing from")."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import utcnow

if TYPE_CHECKING:
    from ..orgs.models import School


class EnrollmentDimension:
    """What an enrollment figure counts students by."""

    TOTAL = "total"  # all students (group_key "")
    LANGUAGE = "language"  # home language: a key of accounts.forms.LANGUAGE_CHOICES
    RACE_ETHNICITY = "race_ethnicity"  # a key of RACE_ETHNICITY_CHOICES, or "two_or_more"
    ALL = (TOTAL, LANGUAGE, RACE_ETHNICITY)


TWO_OR_MORE = "two_or_more"


class EnrollmentFigure(db.Model):
    """How many students, in one school year, at one school (or the whole
    district when school_id is None), in one group of one dimension."""

    __tablename__ = "enrollment_figures"
    __table_args__ = (
        # One figure per year, school, dimension and group; NULLs are distinct in a
        # unique constraint, so district-wide figures get a partial index of their own.
        UniqueConstraint("school_year", "school_id", "dimension", "group_key",
                         name="uq_enrollment_figures_year_school_group"),
        Index("uq_enrollment_figures_year_district_group", "school_year", "dimension", "group_key", unique=True,
              sqlite_where=text("school_id IS NULL"), postgresql_where=text("school_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_year: Mapped[str] = mapped_column(String(9), index=True)  # "2026-27"
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(20), default=EnrollmentDimension.TOTAL)
    group_key: Mapped[str] = mapped_column(String(40), default="")
    students: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    school: Mapped[School | None] = relationship()


class AttentionVisit(db.Model):
    """When a leader last opened their home ("what needs attention"), so it can say what is new since."""

    __tablename__ = "attention_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ParticipationCounts(db.Model):
    """Everyone heard from, counted once per person (before any count is hidden): for all plans
    ("all") or one ("plan:<id>"), with the versions of the data they were counted from
    (engage.leadership.participation keeps them current)."""

    __tablename__ = "participation_counts"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    counts: Mapped[dict] = mapped_column(JSON)
    data_versions: Mapped[str] = mapped_column(Text)
    counted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
