"""Themes: analyses of a plan's feedback, the clustering job, and leaders' corrections.

The job (`execute_run`) reads the feedback in an analysis's scope, clusters it
with the pure pipeline (`pipeline.find_themes`, warm-started from the themes
already in the database so their ids, names and responses carry over), and
writes which theme each item belongs to. Leaders' edits are kept across runs:

- a rename is the theme's `custom_label`, kept while the pipeline keeps finding
  the theme (its key);
- a merge marks the theme merged into another; items keep pointing at the
  merged theme and every read follows `merged_into_id`, so whatever the next
  run puts in the merged theme still counts toward the theme it was merged into;
- a split creates new themes from a re-clustering of one theme's items; they
  are given to the next run as earlier themes, so it starts from them;
- a moved item is pinned (`AssignedBy.LEADER`) and no run moves it back;
- an off-topic item is left out of clustering and of every count, except the
  counts of people by group, which follow where the run put each item
  (`run_theme_id`: see reporting for why).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time as day_time, timedelta

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .. import caching
from ..audit import services as audit
from ..domain import RecordNotFound
from ..extensions import db
from ..feedback import services as feedback
from ..feedback.services import FeedbackItem, FeedbackSource, plan_feedback_items
from ..i18n import content_language, local_to_utc
from ..models import as_utc, utcnow
from ..permissions import Permission, require
from ..queue import job
from ..plans.models import Plan
from . import pipeline
from .models import (
    AssignedBy,
    FeedbackEmbedding,
    RunStatus,
    Theme,
    ThemeAnalysis,
    ThemeAssignment,
    ThemeRun,
    ThemeStatus,
)

#: The scope (see engage.caching) of the analyses' themes, runs and placements.
SCOPE = "themes"
caching.watch(SCOPE, ThemeAnalysis, ThemeRun, Theme, ThemeAssignment)
#: What the themes' cached reads depend on: the feedback and the themes.
READ_SCOPES = (feedback.SCOPE, SCOPE)

LABEL_MAX = 200
RESPONSE_MAX = 5000
SPLIT_MAX_PARTS = 8
# Member texts per theme that new items are compared with ("new since last run").
_NEAREST_SAMPLE = 50
# Sentence embeddings computed per batch, between progress reports and commits.
_EMBED_BATCH = 256

Progress = Callable[[str, int], None]


def require_manage_themes(actor) -> None:
    require(actor, Permission.MANAGE_THEMES)


def _check(actor) -> None:
    # None is the command line and the demo loader, which act for the operator.
    if actor is not None:
        require_manage_themes(actor)


# --------------------------------------------------------------------------
# Analyses and their feedback
# --------------------------------------------------------------------------

def plans_with_analyses(actor) -> list[tuple[Plan, list[ThemeAnalysis]]]:
    """Every plan, newest first, with its analyses (the default one first), in two queries."""
    require_manage_themes(actor)
    plans = db.session.scalars(select(Plan).order_by(Plan.created_at.desc(), Plan.id.desc())).all()
    analyses: dict[int, list[ThemeAnalysis]] = defaultdict(list)
    for analysis in db.session.scalars(
        select(ThemeAnalysis).order_by(ThemeAnalysis.is_default.desc(), ThemeAnalysis.id)
    ):
        analyses[analysis.plan_id].append(analysis)
    return [(plan, analyses.get(plan.id, [])) for plan in plans]


def default_analysis(actor, plan_id: int) -> ThemeAnalysis:
    """The plan's analysis over all its feedback, created the first time it is asked for."""
    _check(actor)
    plan = db.session.get(Plan, plan_id) if 0 < plan_id < 2**31 else None
    if plan is None:
        raise RecordNotFound()
    analysis = db.session.scalar(
        select(ThemeAnalysis).where(ThemeAnalysis.plan_id == plan_id, ThemeAnalysis.is_default))
    if analysis is None:
        analysis = ThemeAnalysis(plan_id=plan_id, title="", sources=[], is_default=True,
                                 created_by_id=getattr(actor, "id", None))
        db.session.add(analysis)
        try:
            db.session.commit()
        except IntegrityError:
            # Another first visit made it a moment ago (one default per plan: a unique index).
            db.session.rollback()
            analysis = db.session.scalar(
                select(ThemeAnalysis).where(ThemeAnalysis.plan_id == plan_id, ThemeAnalysis.is_default))
    return analysis


def get_analysis(actor, analysis_id: int) -> ThemeAnalysis:
    _check(actor)
    analysis = db.session.get(ThemeAnalysis, analysis_id) if 0 < analysis_id < 2**31 else None
    if analysis is None:
        raise RecordNotFound()
    return analysis


def create_analysis(actor, plan_id: int, *, title: str, sources: Iterable[str] = (),
                    since: date | None = None, until: date | None = None) -> ThemeAnalysis:
    """A further analysis of the plan's feedback, limited to some sources and dates."""
    require_manage_themes(actor)
    if db.session.get(Plan, plan_id) is None:
        raise RecordNotFound()
    title = " ".join((title or "").split())
    if not title:
        raise ValueError(_("Give the analysis a name."))
    if len(title) > LABEL_MAX:
        raise ValueError(_("Keep the name under %(max)d characters.", max=LABEL_MAX))
    sources = set(sources or ())
    if not sources <= set(SOURCES):
        # Dropping an unknown source would silently widen the analysis to every source.
        raise ValueError(_("Choose the sources from the list."))
    chosen = [source for source in SOURCES if source in sources]
    if since and until and since > until:
        raise ValueError(_("The start date must be on or before the end date."))
    analysis = ThemeAnalysis(plan_id=plan_id, title=title, sources=chosen, since=since, until=until,
                             created_by_id=actor.id)
    db.session.add(analysis)
    db.session.flush()
    audit.record(actor, "themes.analysis_created", "theme_analysis", analysis.id, plan_id=plan_id, title=title,
                 sources=chosen, since=since.isoformat() if since else None,
                 until=until.isoformat() if until else None)
    db.session.commit()
    return analysis


SOURCES = (FeedbackSource.COMMENT, FeedbackSource.SURVEY_ANSWER, FeedbackSource.CONVERSATION_NOTE,
           FeedbackSource.PAPER_CARD)


def analysis_items(analysis: ThemeAnalysis) -> list[FeedbackItem]:
    """The feedback in the analysis's scope, oldest first.

    The district's own official replies to comments are left out: they answer
    feedback, they are not feedback, and would count staff among the people who
    raised a theme (and could be quoted as what the community said).
    """
    items = [item for item in plan_feedback_items(analysis.plan_id) if not item.official]
    if analysis.sources:
        wanted = set(analysis.sources)
        items = [item for item in items if item.source in wanted]
    # The dates are days in the district's calendar, as leaders chose them, not UTC days.
    if analysis.since:
        start = _naive_utc(local_to_utc(datetime.combine(analysis.since, day_time.min)))
        items = [item for item in items if _naive_utc(item.created_at) >= start]
    if analysis.until:
        end = _naive_utc(local_to_utc(datetime.combine(analysis.until + timedelta(days=1), day_time.min)))
        items = [item for item in items if _naive_utc(item.created_at) < end]
    return items


def _naive_utc(moment: datetime) -> datetime:
    return as_utc(moment).replace(tzinfo=None)


# --------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------

def active_run(analysis: ThemeAnalysis) -> ThemeRun | None:
    """The run queued or under way, if any. One that has shown no sign of life for
    THEMES_RUN_STALE_MINUTES (its worker was killed, say) is marked failed instead,
    so it does not block every later run."""
    run = db.session.scalar(
        select(ThemeRun).where(ThemeRun.analysis_id == analysis.id, ThemeRun.status.in_(RunStatus.ACTIVE))
        .order_by(ThemeRun.id.desc()).limit(1)
    )
    if run is not None and _is_stale(run):
        run.status, run.finished_at = RunStatus.FAILED, utcnow()
        run.error = "Stopped: no progress for %d minutes (was its worker stopped?)" % _stale_minutes()
        db.session.commit()
        return None
    return run


def _stale_minutes() -> int:
    return current_app.config["THEMES_RUN_STALE_MINUTES"]


def _is_stale(run: ThemeRun) -> bool:
    last_sign = as_utc(run.progressed_at or run.started_at or run.created_at)
    return last_sign is not None and utcnow() - last_sign > timedelta(minutes=_stale_minutes())


def last_finished_run(analysis: ThemeAnalysis) -> ThemeRun | None:
    return db.session.scalar(
        select(ThemeRun).where(ThemeRun.analysis_id == analysis.id,
                               ThemeRun.status.in_((RunStatus.DONE, RunStatus.FAILED)))
        .order_by(ThemeRun.id.desc()).limit(1)
    )


def last_successful_run(analysis: ThemeAnalysis) -> ThemeRun | None:
    return db.session.scalar(
        select(ThemeRun).where(ThemeRun.analysis_id == analysis.id, ThemeRun.status == RunStatus.DONE)
        .order_by(ThemeRun.id.desc()).limit(1)
    )


def start_run(actor, analysis: ThemeAnalysis, *, n_themes: int | None = None,
              submission_token: str | None = None) -> ThemeRun:
    """Queue a run of the clustering job; while one is queued or running, that one is returned."""
    require_manage_themes(actor)
    if submission_token:
        earlier = db.session.scalar(select(ThemeRun).where(ThemeRun.submission_token == submission_token))
        if earlier is not None:
            return earlier
    running = active_run(analysis)
    if running is not None:
        return running
    try:
        run = _new_run(actor, analysis, n_themes, submission_token)
    except IntegrityError:
        # The same form sent twice at once (a double click): the other request stored the
        # token between the look-up above and this insert. Its run is this one.
        db.session.rollback()
        earlier = db.session.scalar(select(ThemeRun).where(ThemeRun.submission_token == submission_token)) \
            if submission_token else None
        if earlier is None:
            raise
        return earlier
    try:
        run_themes_job(run.id)
    except Exception as error:
        # The queue did not take it (Redis down, say). Left "queued", the run would be
        # returned to every later start and no run could ever begin.
        db.session.rollback()
        run = db.session.get(ThemeRun, run.id)
        run.status, run.finished_at = RunStatus.FAILED, utcnow()
        run.error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
        raise ValueError(_("The analysis could not be queued. Try again in a few minutes.")) from error
    # Queues that run jobs at once (tests, QUEUE_IMMEDIATE) did it in another session.
    db.session.refresh(run)
    return run


def run_analysis_now(actor, analysis: ThemeAnalysis, *, n_themes: int | None = None,
                     progress: Progress | None = None) -> ThemeRun:
    """Run the job here and now (the command line, the demo loader)."""
    _check(actor)
    run = active_run(analysis) or _new_run(actor, analysis, n_themes, None)
    return execute_run(run.id, progress=progress)


def _new_run(actor, analysis: ThemeAnalysis, n_themes: int | None, submission_token: str | None) -> ThemeRun:
    if n_themes is not None and not 1 <= n_themes <= 200:
        raise ValueError(_("Choose between 1 and 200 themes, or leave it empty to let Engage choose."))
    run = ThemeRun(analysis_id=analysis.id, requested_by_id=getattr(actor, "id", None),
                   n_themes_requested=n_themes, submission_token=submission_token)
    db.session.add(run)
    db.session.flush()
    if actor is not None:
        audit.record(actor, "themes.run_started", "theme_analysis", analysis.id, run_id=run.id,
                     n_themes=n_themes)
    db.session.commit()
    return run


@job()
def run_themes_job(run_id: int) -> None:
    """`execute_run`, in a queue worker."""
    execute_run(run_id)


def execute_run(run_id: int, *, progress: Progress | None = None) -> ThemeRun:
    """Do a queued run: cluster the analysis's feedback and store the themes.

    Progress (0-100 and a stage) is committed on the run as it goes, so the
    dashboard can show it; `progress` is also called, for a terminal's bar.
    A failure is stored on the run (status failed, error) and re-raised.
    """
    run = db.session.get(ThemeRun, run_id)
    if run is None:
        raise LookupError(f"no theme run {run_id}")
    if run.status not in RunStatus.ACTIVE:
        return run
    started = time.perf_counter()
    run.status, run.started_at, run.progress, run.stage = RunStatus.RUNNING, utcnow(), 0, "reading"
    db.session.commit()

    def report(stage: str, percent: int) -> None:
        run.stage, run.progress = stage, max(run.progress, min(100, percent))
        run.progressed_at = utcnow()
        db.session.commit()
        if progress is not None:
            progress(stage, run.progress)

    try:
        _cluster_into_themes(run, report)
        # Inside the try: the themes are written by this commit, and a failure here must
        # not leave the run "running" for ever (which would block every later run).
        run.status, run.finished_at, run.progress, run.stage = RunStatus.DONE, utcnow(), 100, "done"
        run.seconds = round(time.perf_counter() - started, 3)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        run = db.session.get(ThemeRun, run_id)
        run.status, run.finished_at = RunStatus.FAILED, utcnow()
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.seconds = round(time.perf_counter() - started, 3)
        db.session.commit()
        raise
    if progress is not None:
        progress("done", 100)
    return run


def _cluster_into_themes(run: ThemeRun, report: Callable[[str, int], None]) -> None:
    analysis = run.analysis
    items = analysis_items(analysis)
    report("reading", 5)
    assignments = _assignments_by_key(analysis.id)
    off_topic = {key for key, a in assignments.items() if a.off_topic}
    clustered = [item for item in items if item.key not in off_topic]
    texts = [item.text for item in clustered]
    themes = {theme.id: theme for theme in analysis.themes}
    previous = _previous_result(analysis, clustered, assignments, themes)

    seeds = _seeds(themes, clustered, assignments)
    representation = representation_for(current_app.config["THEMES_REPRESENTATION"])
    vectors = seed_vectors = None
    if hasattr(representation, "embed"):
        vectors = cached_embeddings(clustered, representation,
                                    lambda done: report("embedding", 5 + int(45 * done)))
        examples = [example for seed in seeds for example in seed.examples]
        seed_vectors = np.asarray(representation.embed(examples), dtype=np.float32) if examples else None
    base = 50 if vectors is not None else 5

    def pipeline_progress(stage: str, fraction: float) -> None:
        report(stage, base + int((90 - base) * fraction))

    index_of = {item.key: index for index, item in enumerate(clustered)}
    result = pipeline.find_themes(texts, n_themes=run.n_themes_requested, random_state=0, previous=previous,
                                  representation=representation, vectors=vectors, progress=pipeline_progress,
                                  seeds=seeds, seed_vectors=seed_vectors,
                                  replying_to=[index_of.get(item.reply_to) for item in clustered])
    report("saving", 92)
    # Every progress report committed, which expired what was read above: read the themes and
    # assignments again, each in one query (not one per row), and as they are now, with what
    # leaders and the placing of new items did while the pipeline ran.
    known_keys = set(assignments)
    assignments = _assignments_by_key(analysis.id)
    by_key = {theme.key: theme for theme in analysis.themes}
    found: dict[str, Theme] = {}
    for found_theme in result.themes:
        theme = by_key.get(found_theme.id)
        if theme is None:
            theme = Theme(analysis=analysis, key=found_theme.id, first_run_id=run.id)
            db.session.add(theme)
            by_key[found_theme.id] = theme
        elif theme.status == ThemeStatus.RETIRED:
            theme.status = ThemeStatus.ACTIVE
        theme.generated_label = found_theme.label[:LABEL_MAX]
        theme.generated_label_es = found_theme.names.get("es", found_theme.label)[:LABEL_MAX]
        theme.top_terms = list(found_theme.top_terms)
        theme.tightness = found_theme.tightness
        theme.subthemes = [{"label": sub.label[:LABEL_MAX], "label_es": sub.names.get("es", sub.label)[:LABEL_MAX],
                            "top_terms": list(sub.top_terms), "gathered": sub.gathered}
                           for sub in found_theme.subthemes]
        theme.last_run_id = run.id
        found[found_theme.id] = theme
    db.session.flush()

    pinned_theme_ids = {a.theme_id for a in assignments.values() if a.assigned_by == AssignedBy.LEADER}
    for theme in by_key.values():
        if theme.key not in found and theme.status == ThemeStatus.ACTIVE and theme.id not in pinned_theme_ids \
                and not theme.seed_examples:
            theme.status = ThemeStatus.RETIRED

    placed: dict[tuple[str, int], tuple[int | None, float, int | None, float | None, int | None]] = {}
    # Where each item counts in the people by group (run_theme_id): where the clustering put it
    # before leaders' seeds steered it, so that no leader's choice of items moves a count.
    counted = {clustered[index].key: found[theme_key].id if theme_key in found else None
               for index, theme_key in enumerate(result.counted)} if result.counted is not None else {}
    for found_theme in result.themes:
        theme_id = found[found_theme.id].id
        ranks = {member: rank for rank, member in enumerate(found_theme.representatives)}
        parts = {member: index for index, sub in enumerate(found_theme.subthemes) for member in sub.members}
        confidences = found_theme.confidences or [None] * len(found_theme.members)
        for member, strength, confidence in zip(found_theme.members, found_theme.strengths, confidences):
            placed[clustered[member].key] = (theme_id, float(strength), ranks.get(member), confidence,
                                             parts.get(member))
    now = utcnow()
    in_scope = {item.key for item in items}
    for item in clustered:
        theme_id, strength, rank, confidence, part = placed.get(item.key, (None, 0.0, None, None, None))
        assignment = assignments.get(item.key)
        run_theme_id = counted.get(item.key, theme_id) if counted else theme_id
        if assignment is not None and assignment.assigned_by == AssignedBy.LEADER:
            assignment.strength, assignment.representative_rank, assignment.run_theme_id = strength, None, run_theme_id
            assignment.subtheme = part
            continue
        if assignment is None:
            assignment = ThemeAssignment(analysis_id=analysis.id, source=item.source, source_id=item.source_id)
            db.session.add(assignment)
        assignment.theme_id, assignment.strength, assignment.representative_rank = theme_id, strength, rank
        assignment.run_theme_id, assignment.confidence, assignment.subtheme = run_theme_id, confidence, part
        assignment.assigned_by, assignment.run_id, assignment.assigned_at = AssignedBy.RUN, run.id, now
    # Items placed while the pipeline ran, after this run read the feedback, are not gone.
    gone = [a.id for key, a in assignments.items() if key not in in_scope and key in known_keys]
    for start in range(0, len(gone), 900):  # in chunks, as SQLite limits bound parameters
        db.session.execute(delete(ThemeAssignment).where(ThemeAssignment.id.in_(gone[start:start + 900])))
    analysis.next_theme_number = max(analysis.next_theme_number, result.next_id)
    run.representation = result.representation
    run.alike = [[found[a].id, found[b].id, cosine] for a, b, cosine in result.alike if a in found and b in found]
    run.n_items = len(clustered)
    run.n_themes = len(result.themes)


def _seeds(themes: dict[int, Theme], items: list[FeedbackItem],
           assignments: dict[tuple[str, int], ThemeAssignment]) -> list[pipeline.Seed]:
    """What leaders taught the run: the themes they started (their example phrases) and the
    themes they placed items in (those items). The run keeps these themes and places items
    like their examples with them."""
    effective = effective_theme_ids(themes.values())
    placed: dict[int, list[int]] = defaultdict(list)
    holds: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        a = assignments.get(item.key)
        theme_id = effective.get(a.theme_id) if a is not None and a.theme_id is not None else None
        if theme_id is not None:
            (placed if a.assigned_by == AssignedBy.LEADER else holds)[theme_id].append(index)
    return [pipeline.Seed(id=theme.key, examples=tuple(theme.seed_examples or ()), members=tuple(placed[theme.id]),
                          holds=tuple(holds[theme.id]))
            for theme in sorted(themes.values(), key=lambda t: t.id)
            if theme.status == ThemeStatus.ACTIVE and (theme.seed_examples or placed.get(theme.id))]


def _assignments_by_key(analysis_id: int) -> dict[tuple[str, int], ThemeAssignment]:
    rows = db.session.scalars(select(ThemeAssignment).where(ThemeAssignment.analysis_id == analysis_id))
    return {(a.source, a.source_id): a for a in rows}


@dataclass(frozen=True)
class _Assigned:
    theme_id: int | None
    strength: float
    representative_rank: int | None
    assigned_by: str
    off_topic: bool
    run_theme_id: int | None
    confidence: float | None
    subtheme: int | None


def _assigned_by_key(analysis_id: int) -> dict[tuple[str, int], _Assigned]:
    """The analysis's assignments as plain rows, for reading (no ORM objects: there may be 100,000)."""
    rows = db.session.execute(
        select(ThemeAssignment.source, ThemeAssignment.source_id, ThemeAssignment.theme_id,
               ThemeAssignment.strength, ThemeAssignment.representative_rank, ThemeAssignment.assigned_by,
               ThemeAssignment.off_topic, ThemeAssignment.run_theme_id, ThemeAssignment.confidence,
               ThemeAssignment.subtheme)
        .where(ThemeAssignment.analysis_id == analysis_id)
    )
    return {(source, source_id): _Assigned(*rest) for source, source_id, *rest in rows}


def _previous_result(analysis: ThemeAnalysis, items: list[FeedbackItem],
                     assignments: dict[tuple[str, int], ThemeAssignment], themes: dict[int, Theme]) -> dict | None:
    """The themes in the database as the pipeline's `previous`: each active or merged
    theme with the fingerprints of the texts now in it."""
    members: dict[int, list[str]] = defaultdict(list)
    # The themes gathered under each theme at the last run (see pipeline.Theme.leaves): their members.
    gathered: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        assignment = assignments.get(item.key)
        if assignment is not None and assignment.theme_id in themes:
            key = pipeline.fingerprint(item.text)
            members[assignment.theme_id].append(key)
            theme = themes[assignment.theme_id]
            if assignment.subtheme is not None and assignment.subtheme < len(theme.subthemes or []) \
                    and theme.subthemes[assignment.subtheme].get("gathered"):
                gathered[theme.id][assignment.subtheme].append(key)
    kept = [theme for theme in themes.values()
            if theme.status in (ThemeStatus.ACTIVE, ThemeStatus.MERGED) and members.get(theme.id)]
    if not kept and not themes:
        return None
    # With no theme to follow (every earlier one retired), still number new themes after the
    # earlier ones: a reused key would bring back an old theme's name and response.
    return {
        "themes": [{"id": theme.key, "label": theme.label, "member_keys": members[theme.id],
                    "subthemes": [{"member_keys": keys, "gathered": True}
                                  for _index, keys in sorted(gathered[theme.id].items())]}
                   for theme in kept],
        "next_id": analysis.next_theme_number,
    }


def representation_for(setting: str):
    """The pipeline representation the configuration asks for (see THEMES_REPRESENTATION)."""
    if setting == "tfidf":
        return pipeline.TfidfLsa()
    if setting == "embeddings":
        from .embeddings import SentenceEmbeddings

        return SentenceEmbeddings()
    return pipeline.default_representation()


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_embeddings(items: list[FeedbackItem], representation, done: Callable[[float], None] | None = None
                      ) -> np.ndarray:
    """Each item's vector from `representation.embed`, computed once per item, model and
    text and kept in feedback_embeddings; edited texts are embedded again."""
    model = representation.name
    stored: dict[tuple[str, int], FeedbackEmbedding] = {}
    wanted = defaultdict(set)
    for item in items:
        wanted[item.source].add(item.source_id)
    for source, ids in wanted.items():
        id_list = sorted(ids)
        for start in range(0, len(id_list), 900):
            chunk = id_list[start:start + 900]
            for row in db.session.scalars(select(FeedbackEmbedding).where(
                    FeedbackEmbedding.model == model, FeedbackEmbedding.source == source,
                    FeedbackEmbedding.source_id.in_(chunk))):
                stored[(row.source, row.source_id)] = row
    vectors: list[np.ndarray | None] = [None] * len(items)
    missing: list[int] = []
    for index, item in enumerate(items):
        row = stored.get(item.key)
        if row is not None and row.text_digest == text_digest(item.text):
            vectors[index] = np.frombuffer(row.vector, dtype="<f4")
        else:
            missing.append(index)
    for start in range(0, len(missing), _EMBED_BATCH):
        batch = missing[start:start + _EMBED_BATCH]
        embedded = np.asarray(representation.embed([items[i].text for i in batch]), dtype="<f4")
        for index, vector in zip(batch, embedded):
            item = items[index]
            row = stored.get(item.key)
            if row is None:
                row = FeedbackEmbedding(source=item.source, source_id=item.source_id, model=model)
                db.session.add(row)
            row.text_digest, row.vector = text_digest(item.text), vector.tobytes()
            vectors[index] = vector
        db.session.commit()
        if done is not None:
            done(min(1.0, (start + len(batch)) / len(missing)))
    if not items:
        return np.zeros((0, 1), dtype=np.float32)
    return np.vstack(vectors).astype(np.float32)


# --------------------------------------------------------------------------
# Reading: every item with its theme
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class ThemedItem:
    item: FeedbackItem
    theme_id: int | None  # the active theme it counts toward (merges followed); None: Other / unclustered
    strength: float
    representative_rank: int | None
    assigned_by: str | None  # None: not assigned yet (no run so far)
    off_topic: bool
    is_new: bool  # arrived since the last run; placed in its nearest theme
    # Where the last run (or the placing of new feedback) put it, whatever leaders did since: as stored,
    # and the active theme that counts it (merges followed). The counts of people by group read these.
    run_theme_id: int | None = None
    run_counted_theme_id: int | None = None
    # How sure the run was of its placement (see pipeline.UNSURE_BELOW); None: placed another way.
    confidence: float | None = None
    # Its part of the theme: (a theme's id, the position of one of its sub-themes), or (the id of a
    # theme merged into this one, None); None: in no part (moved by a leader, or the theme has none).
    part: tuple[int, int | None] | None = None

    @property
    def unsure(self) -> bool:
        """Placed by the run, and nearly as close to another theme: worth a leader's look."""
        return self.assigned_by == AssignedBy.RUN and self.confidence is not None and \
            self.confidence < pipeline.UNSURE_BELOW


def effective_theme_ids(themes: Iterable[Theme]) -> dict[int, int | None]:
    """Every theme's id -> the active theme it counts toward (merges followed), or None
    for a retired theme (its items are Other until the next run)."""
    by_id = {theme.id: theme for theme in themes}
    out: dict[int, int | None] = {}
    for theme_id, theme in by_id.items():
        seen = set()
        current = theme
        while current is not None and current.status == ThemeStatus.MERGED and current.id not in seen:
            seen.add(current.id)
            current = by_id.get(current.merged_into_id)
        out[theme_id] = current.id if current is not None and current.status == ThemeStatus.ACTIVE else None
    return out


def active_themes(analysis: ThemeAnalysis) -> list[Theme]:
    return [theme for theme in analysis.themes if theme.status == ThemeStatus.ACTIVE]


def themed_items(analysis: ThemeAnalysis, items: list[FeedbackItem] | None = None,
                 assignments: dict[tuple[str, int], _Assigned] | None = None) -> list[ThemedItem]:
    """Every item in the analysis's scope with the theme it counts toward, oldest first.

    The feedback read model's fixed number of queries plus two (`items` and
    `assignments`, when the caller has read them, save theirs).
    """
    items = analysis_items(analysis) if items is None else items
    assignments = _assigned_by_key(analysis.id) if assignments is None else assignments
    effective = effective_theme_ids(db.session.scalars(select(Theme).where(Theme.analysis_id == analysis.id)))
    out = []
    for item in items:
        a = assignments.get(item.key)
        if a is None:
            out.append(ThemedItem(item, None, 0.0, None, None, False, True))
            continue
        theme_id = effective.get(a.theme_id) if a.theme_id is not None else None
        out.append(ThemedItem(item, theme_id, a.strength, a.representative_rank, a.assigned_by, a.off_topic,
                              a.assigned_by == AssignedBy.NEAREST, a.run_theme_id,
                              effective.get(a.run_theme_id) if a.run_theme_id is not None else None,
                              a.confidence, _part(a, theme_id)))
    return out


def _part(a: _Assigned, theme_id: int | None) -> tuple[int, int | None] | None:
    if theme_id is None or a.theme_id is None:
        return None
    if a.theme_id != theme_id:
        return (a.theme_id, None)  # from a theme merged into this one
    if a.subtheme is not None:
        return (a.theme_id, a.subtheme)
    return None  # moved here by a leader, or the theme has no parts


def current_themed_items(analysis: ThemeAnalysis) -> list[ThemedItem]:
    """What the leaders' pages read: new feedback placed in its nearest theme first,
    then every item with its theme, from one read of the feedback.

    Placing is a convenience between runs: when it fails, the failure is logged
    and the pages show the last run, with the new items in Other as new since
    it, to be placed on a later visit or by the periodic job.
    """
    analysis_id = analysis.id
    items = analysis_items(analysis)
    assignments = _assigned_by_key(analysis_id)
    try:
        assign_new_items(analysis, items, assignments=assignments)
    except Exception:  # noqa: BLE001 - no failure of placing may take down the pages that read it
        db.session.rollback()
        current_app.logger.exception("placing new feedback failed for theme analysis %s", analysis_id)
    # `assign_new_items` added what it placed to the assignments read above.
    return themed_items(analysis, items, assignments=assignments)


# The themes new feedback was last placed in, fitted (`pipeline.NearestThemes`), by a digest of
# their member texts: fitting takes about a second at 150 themes, placing one comment in a fitted
# space a few milliseconds. Kept per process; each app server fits its own once.
_fitted_themes: OrderedDict[str, pipeline.NearestThemes] = OrderedDict()
_fitted_themes_lock = threading.Lock()
_FITTED_THEMES_KEPT = 2


def _nearest_themes(theme_texts: dict[str, list[str]]) -> pipeline.NearestThemes:
    digest = hashlib.sha256(json.dumps(theme_texts, sort_keys=True).encode()).hexdigest()
    with _fitted_themes_lock:
        if digest in _fitted_themes:
            _fitted_themes.move_to_end(digest)
            return _fitted_themes[digest]
    fitted = pipeline.NearestThemes.fit(theme_texts)
    with _fitted_themes_lock:
        _fitted_themes[digest] = fitted
        while len(_fitted_themes) > _FITTED_THEMES_KEPT:
            _fitted_themes.popitem(last=False)
    return fitted


@job()
def assign_new_items_job(analysis_id: int) -> None:
    """`assign_new_items` with no limit, in a queue worker."""
    analysis = db.session.get(ThemeAnalysis, analysis_id)
    if analysis is not None:
        assign_new_items(analysis, inline_max=10**9)


def assign_new_items(analysis: ThemeAnalysis, items: list[FeedbackItem] | None = None, *,
                     inline_max: int | None = None, assignments: dict[tuple[str, int], _Assigned] | None = None
                     ) -> int:
    """Put feedback that arrived since the last run in its nearest theme.

    `items` and `assignments` (`_assigned_by_key`): when the caller has read them already.
    Returns how many were placed here (and adds them to `assignments`); above
    `inline_max` (THEMES_ASSIGN_INLINE_MAX) the work goes to a background job
    instead and 0 is returned.
    """
    if last_successful_run(analysis) is None:
        return 0
    items = analysis_items(analysis) if items is None else items
    assignments = _assigned_by_key(analysis.id) if assignments is None else assignments
    new = [item for item in items if item.key not in assignments]
    if not new:
        return 0
    limit = current_app.config["THEMES_ASSIGN_INLINE_MAX"] if inline_max is None else inline_max
    if len(new) > limit:
        assign_new_items_job(analysis.id)
        return 0
    effective = effective_theme_ids(analysis.themes)
    members: dict[int, list[tuple[float, str]]] = defaultdict(list)
    texts_by_key = {item.key: item.text for item in items}
    for key, a in assignments.items():
        theme_id = effective.get(a.theme_id) if a.theme_id is not None else None
        # The themes as the run and leaders made them: what placing put there would change the
        # themes' texts, and so fit them again, at every new comment.
        if theme_id is not None and not a.off_topic and key in texts_by_key and a.assigned_by != AssignedBy.NEAREST:
            members[theme_id].append((-a.strength, texts_by_key[key]))
    theme_texts = {str(theme_id): [text for _s, text in sorted(pairs)[:_NEAREST_SAMPLE]]
                   for theme_id, pairs in members.items()}
    nearest = _nearest_themes(theme_texts).place(
        [item.text for item in new], replying_to=[texts_by_key.get(item.reply_to) for item in new])
    now = utcnow()
    placed = {}
    for item, (theme_id, strength) in zip(new, nearest):
        theme_id = int(theme_id) if theme_id is not None else None
        db.session.add(ThemeAssignment(analysis_id=analysis.id, source=item.source, source_id=item.source_id,
                                       theme_id=theme_id, run_theme_id=theme_id, strength=float(strength),
                                       assigned_by=AssignedBy.NEAREST, assigned_at=now))
        placed[item.key] = _Assigned(theme_id, float(strength), None, AssignedBy.NEAREST, False, theme_id, None, None)
    try:
        db.session.commit()
    except Exception:
        # Two leaders loading the dashboard at once place the same items; one wins.
        db.session.rollback()
        return 0
    assignments.update(placed)
    return len(new)


# --------------------------------------------------------------------------
# Leaders' edits
# --------------------------------------------------------------------------

def get_theme(actor, analysis: ThemeAnalysis, theme_id: int) -> Theme:
    require_manage_themes(actor)
    theme = db.session.get(Theme, theme_id) if 0 < theme_id < 2**31 else None
    if theme is None or theme.analysis_id != analysis.id:
        raise RecordNotFound()
    return theme


def rename_theme(actor, theme: Theme, label: str) -> None:
    """A leader's name for the theme; empty goes back to the generated one. Translators put
    the name into the site's other languages (themes/translatable.py)."""
    require_manage_themes(actor)
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX:
        raise ValueError(_("Keep the name under %(max)d characters.", max=LABEL_MAX))
    if (label or None) == theme.custom_label:
        return
    before = theme.label_in(content_language())
    theme.custom_label = label or None
    audit.record(actor, "themes.renamed", "theme", theme.id, analysis_id=theme.analysis_id,
                 changes={"label": [before, theme.label_in(content_language())]})
    db.session.commit()


SEED_EXAMPLES_MAX = 20
SEED_EXAMPLE_MAX = 300


def _changed_at_once() -> str:
    return _("Someone changed these themes at the same time. Please try again.")


def seed_theme(actor, analysis: ThemeAnalysis, label: str, examples: Iterable[str] = ()) -> Theme:
    """A theme a leader starts before a run: its name and a few example phrases (one per
    line) of what belongs in it. The next run keeps it and places like feedback in it.
    Starting one with the name of a theme already started returns that one."""
    require_manage_themes(actor)
    label = " ".join((label or "").split())
    if not label:
        raise ValueError(_("Give the theme a name."))
    if len(label) > LABEL_MAX:
        raise ValueError(_("Keep the name under %(max)d characters.", max=LABEL_MAX))
    lines = [" ".join(line.split()) for line in examples]
    lines = list(dict.fromkeys(line for line in lines if line))
    if len(lines) > SEED_EXAMPLES_MAX or any(len(line) > SEED_EXAMPLE_MAX for line in lines):
        raise ValueError(_("Give at most %(count)d examples of up to %(max)d characters each.",
                           count=SEED_EXAMPLES_MAX, max=SEED_EXAMPLE_MAX))
    started = _started_by_label(analysis)
    if label.casefold() in started:
        return started[label.casefold()]  # a double submit, or the same name twice
    analysis_id = analysis.id
    try:
        theme = _new_seed(analysis, label, [label, *lines])
        audit.record(actor, "themes.seeded", "theme", theme.id, analysis_id=analysis_id, label=label,
                     examples=len(lines))
        db.session.commit()
    except IntegrityError:
        return _started_at_once(analysis_id, label)
    return theme


def seed_from_plan_actions(actor, analysis: ThemeAnalysis) -> int:
    """One started theme per action of the plan (its title, and its description's first
    sentences as examples), but for actions already started. Returns how many were added."""
    require_manage_themes(actor)
    try:
        return _seed_actions(actor, analysis)
    except IntegrityError:  # another leader started themes at the same moment, with the same numbers
        db.session.rollback()
        raise ValueError(_changed_at_once()) from None


def _seed_actions(actor, analysis: ThemeAnalysis) -> int:
    plan = db.session.get(Plan, analysis.plan_id)
    started = set(_started_by_label(analysis))
    added = 0
    for section in plan.sections:
        for action in section.actions:
            title = " ".join(action.title.split())[:LABEL_MAX]
            if not title or title.casefold() in started:
                continue
            sentences = [part.strip() for part in " ".join(action.description.split()).split(". ") if part.strip()]
            _new_seed(analysis, title, [title, *(sentence[:SEED_EXAMPLE_MAX] for sentence in sentences[:3])])
            started.add(title.casefold())
            added += 1
    if added:
        audit.record(actor, "themes.seeded_from_actions", "theme_analysis", analysis.id, added=added)
        db.session.commit()
    return added


def _started_by_label(analysis: ThemeAnalysis) -> dict[str, Theme]:
    return {theme.label_in(content_language()).casefold(): theme for theme in seeded_themes(analysis)}


def _new_seed(analysis: ThemeAnalysis, label: str, examples: list[str]) -> Theme:
    theme = Theme(analysis=analysis, key=f"t{analysis.next_theme_number}", custom_label=label,
                  seed_examples=examples, top_terms=[], subthemes=[])
    analysis.next_theme_number += 1
    db.session.add(theme)
    db.session.flush()
    return theme


def _started_at_once(analysis_id: int, label: str) -> Theme:
    """After two leaders (or one double click) started themes at once and took the same theme
    number: the theme the other started under the same name, else a request to try again."""
    db.session.rollback()
    same = _started_by_label(db.session.get(ThemeAnalysis, analysis_id)).get(label.casefold())
    if same is None:
        raise ValueError(_changed_at_once())
    return same


def remove_seed(actor, theme: Theme) -> None:
    """Stop starting runs from this theme: a theme with no items yet goes; one with items stays
    until a run no longer finds it."""
    require_manage_themes(actor)
    if not theme.seed_examples:
        return
    theme.seed_examples = None
    holds_items = db.session.scalar(select(ThemeAssignment.id).where(ThemeAssignment.theme_id == theme.id).limit(1))
    if holds_items is None:
        theme.status = ThemeStatus.RETIRED
    audit.record(actor, "themes.seed_removed", "theme", theme.id, analysis_id=theme.analysis_id, label=theme.label)
    db.session.commit()


def seeded_themes(analysis: ThemeAnalysis) -> list[Theme]:
    return [theme for theme in analysis.themes if theme.seed_examples and theme.status == ThemeStatus.ACTIVE]


def _refuse_while_running(analysis: ThemeAnalysis) -> None:
    # A run under way rewrites every item's theme when it ends and would undo the edit.
    if active_run(analysis) is not None:
        raise ValueError(_("The analysis is running. Wait until it has finished, then try again."))


def theme_item_count(theme: Theme) -> int:
    """How many feedback items a theme holds (not those marked off-topic), for "Merge … into …?"."""
    return db.session.scalar(select(func.count()).select_from(ThemeAssignment).where(
        ThemeAssignment.theme_id == theme.id, ThemeAssignment.off_topic.is_(False))) or 0


def merge_themes(actor, theme: Theme, into: Theme) -> None:
    """Merge `theme` into `into`: its items count toward `into`, now and after re-runs."""
    require_manage_themes(actor)
    _refuse_while_running(theme.analysis)
    if theme.id == into.id:
        raise ValueError(_("Choose a different theme to merge with."))
    if theme.analysis_id != into.analysis_id or ThemeStatus.ACTIVE != theme.status \
            or ThemeStatus.ACTIVE != into.status:
        raise ValueError(_("Only current themes of the same analysis can be merged."))
    theme.status, theme.merged_into_id = ThemeStatus.MERGED, into.id
    # Themes merged earlier into this one now point at the new target directly.
    for earlier in db.session.scalars(select(Theme).where(Theme.merged_into_id == theme.id)):
        earlier.merged_into_id = into.id
    if theme.response_heard or theme.response_will_do:
        into.response_heard = into.response_heard or theme.response_heard
        into.response_will_do = into.response_will_do or theme.response_will_do
    audit.record(actor, "themes.merged", "theme", into.id, analysis_id=theme.analysis_id, merged_theme_id=theme.id,
                 merged_label=theme.label, into_label=into.label)
    db.session.commit()


def split_theme(actor, theme: Theme, n_parts: int | None = None) -> list[Theme]:
    """Re-cluster one theme's items into new themes (automatic count when n_parts is None)."""
    require_manage_themes(actor)
    if theme.status != ThemeStatus.ACTIVE:
        raise ValueError(_("Only a current theme can be split."))
    _refuse_while_running(theme.analysis)
    if n_parts is not None and not 2 <= n_parts <= SPLIT_MAX_PARTS:
        raise ValueError(_("Split into 2 to %(max)d themes.", max=SPLIT_MAX_PARTS))
    analysis = theme.analysis
    rows = [row for row in themed_items(analysis) if row.theme_id == theme.id and not row.off_topic]
    members_ids = {t.id for t in analysis.themes if t.id == theme.id or t.merged_into_id == theme.id}
    if len(rows) < 4:
        raise ValueError(_("This theme has too few items to split."))
    result = pipeline.find_themes([row.item.text for row in rows], n_themes=n_parts,
                                  representation=pipeline.TfidfLsa(), random_state=0)
    if len(result.themes) < 2:
        raise ValueError(_("Engage found no clear way to split this theme. Try a number of parts."))
    assignments = _assignments_by_key(analysis.id)
    created: list[Theme] = []
    for part in result.themes:
        key = f"t{analysis.next_theme_number}"
        analysis.next_theme_number += 1
        new_theme = Theme(analysis=analysis, key=key, generated_label=part.label[:LABEL_MAX],
                          generated_label_es=part.names.get("es", part.label)[:LABEL_MAX],
                          top_terms=list(part.top_terms), split_from_id=theme.id, first_run_id=theme.last_run_id,
                          last_run_id=theme.last_run_id, tightness=part.tightness)
        db.session.add(new_theme)
        db.session.flush()
        ranks = {member: rank for rank, member in enumerate(part.representatives)}
        for member, strength, confidence in zip(part.members, part.strengths, part.confidences):
            a = assignments[rows[member].item.key]
            a.theme_id, a.strength, a.representative_rank = new_theme.id, float(strength), ranks.get(member)
            a.confidence, a.subtheme = confidence, None
        created.append(new_theme)
    # What fits none of the parts stays together under the first (largest) part.
    for index in result.other.members:
        a = assignments[rows[index].item.key]
        a.theme_id, a.representative_rank, a.subtheme = created[0].id, None, None
    theme.status = ThemeStatus.RETIRED
    for merged in analysis.themes:
        if merged.id in members_ids and merged.id != theme.id:
            merged.status = ThemeStatus.RETIRED
    audit.record(actor, "themes.split", "theme", theme.id, analysis_id=analysis.id,
                 label=theme.label, into=[t.key for t in created], parts=len(created))
    db.session.commit()
    return created


def _assignment_for(analysis: ThemeAnalysis, source: str, source_id: int) -> ThemeAssignment:
    if source not in SOURCES or not 0 < source_id < 2**31:
        raise RecordNotFound()
    assignment = db.session.scalar(select(ThemeAssignment).where(
        ThemeAssignment.analysis_id == analysis.id, ThemeAssignment.source == source,
        ThemeAssignment.source_id == source_id))
    if assignment is None:
        if not any(item.key == (source, source_id) for item in analysis_items(analysis)):
            raise RecordNotFound()
        assignment = ThemeAssignment(analysis_id=analysis.id, source=source, source_id=source_id)
        db.session.add(assignment)
    return assignment


def move_item(actor, analysis: ThemeAnalysis, source: str, source_id: int, theme: Theme | None) -> None:
    """Put an item in another theme (None: Other); re-runs leave it there."""
    require_manage_themes(actor)
    if theme is not None and (theme.analysis_id != analysis.id or theme.status != ThemeStatus.ACTIVE):
        raise ValueError(_("Choose a current theme of this analysis."))
    _refuse_while_running(analysis)
    assignment = _assignment_for(analysis, source, source_id)
    before = assignment.theme_id
    target = theme.id if theme is not None else None
    if assignment.assigned_by == AssignedBy.LEADER and before == target:
        return  # already there (a double submit)
    assignment.theme_id, assignment.subtheme = target, None
    assignment.assigned_by, assignment.representative_rank, assignment.assigned_at = (
        AssignedBy.LEADER, None, utcnow())
    audit.record(actor, "themes.item_moved", "theme_analysis", analysis.id, source=source, source_id=source_id,
                 from_theme_id=before, to_theme_id=assignment.theme_id)
    db.session.commit()


def set_off_topic(actor, analysis: ThemeAnalysis, source: str, source_id: int, off_topic: bool) -> None:
    """Mark an item off-topic (out of clustering and counts) or back on topic."""
    require_manage_themes(actor)
    assignment = _assignment_for(analysis, source, source_id)
    if assignment.off_topic == off_topic:
        return
    assignment.off_topic = off_topic
    if off_topic:
        assignment.representative_rank = None
    audit.record(actor, "themes.item_off_topic" if off_topic else "themes.item_on_topic", "theme_analysis",
                 analysis.id, source=source, source_id=source_id)
    db.session.commit()


def save_response(actor, theme: Theme, *, heard: str, will_do: str, publish: bool) -> None:
    """Write the theme's "what we heard / what we will do"; publishing shows it on the plan page."""
    require_manage_themes(actor)
    heard, will_do = (heard or "").strip(), (will_do or "").strip()
    if len(heard) > RESPONSE_MAX or len(will_do) > RESPONSE_MAX:
        raise ValueError(_("Keep each part under %(max)d characters.", max=RESPONSE_MAX))
    if publish and not (heard and will_do):
        raise ValueError(_("Write both what you heard and what you will do before publishing."))
    was_published = theme.response_published
    changes = {}
    if heard != theme.response_heard:
        changes["response_heard"] = [theme.response_heard, heard]
    if will_do != theme.response_will_do:
        changes["response_will_do"] = [theme.response_will_do, will_do]
    theme.response_heard, theme.response_will_do = heard, will_do
    now = utcnow()
    if publish and not was_published:
        theme.response_published_at = now
    elif not publish:
        theme.response_published_at = None
    if changes or publish != was_published:
        theme.response_updated_at, theme.response_updated_by_id = now, actor.id
        action = ("themes.response_published" if publish and not was_published
                  else "themes.response_unpublished" if was_published and not publish
                  else "themes.response_edited")
        audit.record(actor, action, "theme", theme.id, analysis_id=theme.analysis_id, changes=changes)
    db.session.commit()


def published_responses(plan_id: int) -> list[Theme]:
    """Responses leaders published for the plan's themes, newest first, in one query.

    A theme a later run no longer finds (retired) keeps its published response:
    a public answer does not vanish because the clustering moved on. A merged
    theme's response was carried into the theme it joined.
    """
    return list(db.session.scalars(
        select(Theme).join(ThemeAnalysis, ThemeAnalysis.id == Theme.analysis_id)
        .where(ThemeAnalysis.plan_id == plan_id, Theme.status != ThemeStatus.MERGED,
               Theme.response_published_at.is_not(None))
        .order_by(Theme.response_published_at.desc(), Theme.id)
    ))


@dataclass(frozen=True)
class AwaitingResponse:
    analysis_id: int
    plan_id: int
    plan_title: str
    count: int  # active themes with no published response


def themes_awaiting_response(actor) -> list[AwaitingResponse]:
    """Each plan's default analysis with themes that have no published response yet, the most first
    (one query): what leaders still owe the people who gave the feedback."""
    require_manage_themes(actor)
    rows = db.session.execute(
        select(ThemeAnalysis.id, Plan.id, Plan.title, func.count(Theme.id))
        .join(Theme, Theme.analysis_id == ThemeAnalysis.id)
        .join(Plan, Plan.id == ThemeAnalysis.plan_id)
        .where(ThemeAnalysis.is_default.is_(True), Theme.status == ThemeStatus.ACTIVE,
               Theme.response_published_at.is_(None))
        .group_by(ThemeAnalysis.id, Plan.id, Plan.title)
        .order_by(func.count(Theme.id).desc(), ThemeAnalysis.id)
    )
    return [AwaitingResponse(*row) for row in rows]
