"""Themes in the database: analyses, their runs, the themes leaders read and correct,
which theme each feedback item belongs to, and the sentence-embedding cache.

A feedback item is named by (source, source_id), the same pair the feedback
read model gives (engage.feedback.services.FeedbackItem); nothing here points
at the sources' tables, so sources never depend on themes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import reading_language
from ..models import utcnow


class ThemeAnalysis(db.Model):
    """One living set of themes over a plan's feedback, or a chosen part of it.

    Every plan has a default analysis over all its feedback; leaders may add
    others for chosen sources and dates. Re-runs update the same themes.
    """

    __tablename__ = "theme_analyses"
    __table_args__ = (
        # One default analysis per plan, even when two leaders open the plan's themes at once.
        Index("uq_theme_analyses_default", "plan_id", unique=True, sqlite_where=text("is_default"),
              postgresql_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    # FeedbackSource values; empty means every source.
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Numbers pipeline theme ids ("t12") and split themes, never reused.
    next_theme_number: Mapped[int] = mapped_column(Integer, default=1)

    themes: Mapped[list[Theme]] = relationship(back_populates="analysis", cascade="all, delete-orphan",
                                               order_by="Theme.id")
    runs: Mapped[list[ThemeRun]] = relationship(back_populates="analysis", cascade="all, delete-orphan",
                                                order_by="ThemeRun.id")


class RunStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    ACTIVE = (QUEUED, RUNNING)


class ThemeRun(db.Model):
    """One run of the clustering job over an analysis's feedback."""

    __tablename__ = "theme_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("theme_analyses.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.QUEUED, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # None: the pipeline chooses how many themes.
    n_themes_requested: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 0-100, and the stage the job is in, for the dashboard and the CLI's progress bar.
    progress: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(60), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    representation: Mapped[str] = mapped_column(String(80), default="")
    n_items: Mapped[int] = mapped_column(Integer, default=0)
    n_themes: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # Pairs of this run's themes so alike that leaders may want to merge them: [[theme id, theme id, cosine]].
    alike: Mapped[list | None] = mapped_column(JSON, default=list)
    # When the job last reported progress: a run silent for long is taken as dead.
    progressed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The form token of the request that started it: a double submit starts one run.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    analysis: Mapped[ThemeAnalysis] = relationship(back_populates="runs")


class ThemeStatus:
    ACTIVE = "active"
    MERGED = "merged"  # merged into another theme (merged_into_id); its members follow it on re-runs
    RETIRED = "retired"  # no longer found by a run, or split into others


class Theme(db.Model):
    """A theme of an analysis: the pipeline's label, a leader's name for it, and the response."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("analysis_id", "key", name="uq_themes_analysis_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("theme_analyses.id", ondelete="CASCADE"), index=True)
    # The pipeline's stable id ("t3"); kept across runs when the theme is found again.
    key: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ThemeStatus.ACTIVE, index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    # Split from this theme by a leader (kept for the audit trail and the "split from" note).
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    generated_label: Mapped[str] = mapped_column(String(200), default="")
    # The pipeline's name in Spanish, from the theme's Spanish items (its English one when it has none).
    generated_label_es: Mapped[str | None] = mapped_column(String(200))
    # A leader's name for the theme; it survives re-runs (translated as the theme's "custom_label",
    # see themes/translatable.py).
    custom_label: Mapped[str | None] = mapped_column(String(200))
    top_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    # How alike its items were at the last run: their mean cosine to its centre (None before one).
    tightness: Mapped[float | None] = mapped_column(Float)
    # Its parts at the last run, largest first: [{"label", "label_es", "top_terms", "gathered"}]
    # ("gathered": a theme of its own gathered under this broader one); items point at them by position.
    subthemes: Mapped[list | None] = mapped_column(JSON, default=list)
    # A theme a leader started before a run: example phrases of what belongs in it (None: found by a run).
    seed_examples: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("theme_runs.id", ondelete="SET NULL"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("theme_runs.id", ondelete="SET NULL"))

    # "What we heard / what we will do": written by leaders, public once published.
    response_heard: Mapped[str] = mapped_column(Text, default="")
    response_will_do: Mapped[str] = mapped_column(Text, default="")
    response_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    analysis: Mapped[ThemeAnalysis] = relationship(back_populates="themes")

    @property
    def label(self) -> str:
        """The name in the reader's language (see `label_in`)."""
        return self.label_in(reading_language())

    def label_in(self, language: str) -> str:
        """A leader's name as written before the pipeline's name in that language (the public
        read a leader's name in their language through `translatable.theme_name`)."""
        return self.custom_label or self.generated_label_in(language)

    def generated_label_in(self, language: str) -> str:
        """The pipeline's name in that language (its English one when it has no other)."""
        return (self.generated_label_es if language == "es" else None) or self.generated_label

    def subtheme_label(self, index: int, language: str | None = None) -> str:
        """The name of its sub-theme at `index`, in that language (the reader's by default)."""
        sub = (self.subthemes or [])[index]
        language = language or reading_language()
        return (sub.get("label_es") if language == "es" else None) or sub.get("label", "")

    @property
    def response_published(self) -> bool:
        return self.response_published_at is not None


class AssignedBy:
    RUN = "run"  # the clustering job put it there
    NEAREST = "nearest"  # arrived after the last run; put in the nearest theme ("new since last run")
    LEADER = "leader"  # a leader moved it; re-runs keep it there


class ThemeAssignment(db.Model):
    """Which theme a feedback item belongs to in an analysis (no theme: Other / unclustered)."""

    __tablename__ = "theme_assignments"
    __table_args__ = (
        UniqueConstraint("analysis_id", "source", "source_id", name="uq_theme_assignments_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("theme_analyses.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[int] = mapped_column(Integer)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"), index=True)
    strength: Mapped[float] = mapped_column(Float, default=0.0)
    # How sure the run was: cosine to its theme's centre less that to the nearest other theme's
    # (see pipeline.UNSURE_BELOW); None when placed another way.
    confidence: Mapped[float | None] = mapped_column(Float)
    # Which of its run theme's sub-themes (Theme.subthemes) the last run put it in; None: none.
    subtheme: Mapped[int | None] = mapped_column(Integer)
    # Position among the theme's representative quotes (0 first), None when not one.
    representative_rank: Mapped[int | None] = mapped_column(Integer)
    assigned_by: Mapped[str] = mapped_column(String(20), default=AssignedBy.RUN)
    # A leader marked it off-topic: left out of clustering and of the themes' counts.
    off_topic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("theme_runs.id", ondelete="SET NULL"))
    # Where the last run (or the placing of new feedback) put it, whatever leaders did since: the
    # themes' counts of people by group read this, so no edit of one item changes them (reporting).
    run_theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeedbackEmbedding(db.Model):
    """A feedback item's sentence embedding, computed once per model and text."""

    __tablename__ = "feedback_embeddings"
    __table_args__ = (UniqueConstraint("source", "source_id", "model", name="uq_feedback_embeddings_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(80))
    # A digest of the text embedded: an edited comment is embedded again.
    text_digest: Mapped[str] = mapped_column(String(64))
    # float32, little-endian, row-normalised.
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
