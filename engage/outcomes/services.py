"""You said, we did: leaders link feedback to what it led to; the public reads both ways.

A link (FeedbackOutcome) names its source (a theme of the plan's feedback
and/or particular comments) and its target (a published version in which the
plan changed, a section or an action, or a version with the section or action
that changed in it), with a short explanation. Writing is for people who may
manage themes; the authors of linked comments hear about it by email, once.

The public side reads a plan's links in a fixed number of queries however many
there are: the plan page lists them and marks the sections and actions they
led to, the version comparison marks the changes they explain, and each linked
(or answered) theme has a public summary page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit import services as audit
from ..comments.models import Comment, CommentStatus
from ..domain import RecordNotFound
from ..extensions import db
from ..i18n import content_language
from ..mail.services import send_email
from ..models import utcnow
from ..permissions import Permission, require
from ..plans.diff import action_label
from ..plans.models import Plan, PlanVersion
from ..privacy import suppress_total
from ..plans.translation import find_part, plan_scope
from ..themes.models import Theme, ThemeAnalysis, ThemeStatus
from ..themes.translatable import theme_name
from ..translation.services import Localizer
from ..translation.texts import LocalizedText
from ..urls import external_url
from .models import FeedbackOutcome, OutcomeComment
from .translatable import outcome_scope, outcome_texts

EXPLANATION_MAX = 2000
# Comments named in one link: enough for "these people said it", not a copy of a theme.
COMMENTS_MAX = 50
KEY_MAX = 20
_ID_MAX = 2**31


class OutcomeRefused(ValueError):
    """A link that cannot be saved as sent; `field` is the form field the message belongs beside."""

    def __init__(self, field: str, message):
        super().__init__(field)
        self.field = field
        self.message = message


class TargetKind:
    ACTION = "action"
    SECTION = "section"
    VERSION = "version"


def _check(actor) -> None:
    # None is the demo loader, which acts for the operator.
    if actor is not None:
        require(actor, Permission.MANAGE_THEMES)


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < _ID_MAX


# --------------------------------------------------------------------------
# Plans' parts, as the snapshots of their published versions name them
# --------------------------------------------------------------------------

def action_title(action: dict) -> str:
    label = action_label(action)
    return str(_l("Action %(number)s: %(title)s", number=action["number"], title=label)) if action.get("number") \
        else label


def target_choices(versions: Sequence[PlanVersion]) -> list[tuple[str, str]]:
    """("section:<key>" / "action:<key>", label) for every section and action of the plan's published
    versions, the latest version's first, then any that only earlier versions have."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for version in reversed(list(versions)):
        for section in (version.snapshot or {}).get("sections", []):
            value = f"section:{section['key']}"
            if value not in seen:
                seen.add(value)
                out.append((value, str(_l("Section: %(title)s", title=section["title"]))))
            for action in section.get("actions", []):
                value = f"action:{action['key']}"
                if value not in seen:
                    seen.add(value)
                    out.append((value, "— " + action_title(action)))
    return out


# --------------------------------------------------------------------------
# Checking what was sent
# --------------------------------------------------------------------------

def _checked_text(value, field_name: str, *, required_message=None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text and required_message is not None:
        raise OutcomeRefused(field_name, required_message)
    if len(text) > EXPLANATION_MAX:
        raise OutcomeRefused(field_name, _l("Please keep this under %(max)d characters.", max=EXPLANATION_MAX))
    return text


def _checked_key(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > KEY_MAX:
        raise OutcomeRefused("target", _l("Choose a section or an action of this plan from the list."))
    return value


def _checked_version(plan: Plan, version_id) -> PlanVersion | None:
    if version_id is None:
        return None
    version = db.session.get(PlanVersion, version_id) if _valid_id(version_id) else None
    if version is None or version.plan_id != plan.id:
        raise OutcomeRefused("version_id", _l("Choose a published version of this plan from the list."))
    return version


def _checked_target(plan: Plan, version: PlanVersion | None, section_key, action_key) -> tuple[str | None, str | None]:
    section_key, action_key = _checked_key(section_key), _checked_key(action_key)
    if version is None and section_key is None and action_key is None:
        raise OutcomeRefused("target", _l("Choose what the feedback led to: a version of the plan, a section or "
                                          "an action."))
    if section_key is None and action_key is None:
        return None, None
    snapshot_version = version or (plan.versions[-1] if plan.versions else None)
    if snapshot_version is None:
        raise OutcomeRefused("target", _l("This plan has no published version yet."))
    section, action = find_part(snapshot_version.snapshot, section_key, action_key)
    if section is None or (section_key is not None and section.get("key") != section_key):
        if version is not None:
            raise OutcomeRefused("target", _l("That part is not in version %(number)d. Choose another part, or "
                                              "another version.", number=version.number))
        raise OutcomeRefused("target", _l("That part is not in the plan's latest version. Choose it from the "
                                          "list."))
    return section_key, action_key


def _checked_theme(plan: Plan, theme_id) -> Theme | None:
    if theme_id is None:
        return None
    theme = db.session.get(Theme, theme_id) if _valid_id(theme_id) else None
    if theme is None or theme.analysis.plan_id != plan.id:
        raise OutcomeRefused("theme_id", _l("Choose a theme of this plan's feedback from the list."))
    return theme


def _checked_comments(plan: Plan, comment_ids: Iterable) -> list[int]:
    ids = []
    for comment_id in comment_ids or ():
        if not _valid_id(comment_id):
            raise OutcomeRefused("comment_ids", _l("Choose comments on this plan."))
        if comment_id not in ids:
            ids.append(comment_id)
    if len(ids) > COMMENTS_MAX:
        raise OutcomeRefused("comment_ids", _l("Link at most %(max)d comments; the theme speaks for the rest.",
                                               max=COMMENTS_MAX))
    if not ids:
        return []
    found = db.session.execute(
        select(Comment.id, Comment.plan_id, Comment.status, Comment.official).where(Comment.id.in_(ids))
    ).all()
    usable = {comment_id for comment_id, plan_id, status, official in found
              if plan_id == plan.id and status == CommentStatus.VISIBLE and not official}
    if usable != set(ids):
        raise OutcomeRefused("comment_ids", _l("Only comments on this plan that everyone can read can be linked "
                                               "(not removed ones, nor official responses)."))
    return sorted(ids)


def _checked_fields(plan: Plan, *, explanation, theme_id, comment_ids, version_id, section_key,
                    action_key) -> tuple[dict, list[int]]:
    theme = _checked_theme(plan, theme_id)
    ids = _checked_comments(plan, comment_ids)
    if theme is None and not ids:
        raise OutcomeRefused("theme_id", _l("Choose the theme, or at least one comment, that this came from."))
    version = _checked_version(plan, version_id)
    section_key, action_key = _checked_target(plan, version, section_key, action_key)
    fields = {
        "theme_id": theme.id if theme is not None else None,
        "version_id": version.id if version is not None else None,
        "section_key": section_key,
        "action_key": action_key,
        "explanation": _checked_text(explanation, "explanation",
                                     required_message=_l("Please explain, in a sentence or two, what the feedback "
                                                         "led to.")),
    }
    return fields, ids


def _plan_or_404(plan_id) -> Plan:
    plan = db.session.get(Plan, plan_id) if _valid_id(plan_id) else None
    if plan is None:
        raise RecordNotFound()
    return plan


# --------------------------------------------------------------------------
# Writing links
# --------------------------------------------------------------------------

def get_outcome(actor, outcome_id) -> FeedbackOutcome:
    _check(actor)
    outcome = db.session.get(FeedbackOutcome, outcome_id) if _valid_id(outcome_id) else None
    if outcome is None:
        raise RecordNotFound()
    return outcome


def _earlier(actor, submission_token: str | None) -> FeedbackOutcome | None:
    if not submission_token or actor is None:
        return None
    return db.session.scalar(select(FeedbackOutcome).where(FeedbackOutcome.created_by_id == actor.id,
                                                           FeedbackOutcome.submission_token == submission_token))


def _audit_details(outcome: FeedbackOutcome, comment_ids: list[int]) -> dict:
    return {"plan_id": outcome.plan_id, "theme_id": outcome.theme_id, "version_id": outcome.version_id,
            "section_key": outcome.section_key, "action_key": outcome.action_key, "comment_ids": comment_ids}


def create_outcome(actor, plan_id: int, *, explanation: str,
                   theme_id: int | None = None, comment_ids: Iterable[int] = (), version_id: int | None = None,
                   section_key: str | None = None, action_key: str | None = None,
                   submission_token: str) -> FeedbackOutcome:
    """Link a theme and/or comments of the plan to what they led to, and email the comments' authors.

    Raises PermissionDenied, RecordNotFound (no such plan) or OutcomeRefused naming the field at fault.
    The same form sent twice gives back the first link.
    """
    _check(actor)
    plan = _plan_or_404(plan_id)
    earlier = _earlier(actor, submission_token)
    if earlier is not None:
        return earlier
    if not submission_token or not isinstance(submission_token, str) or len(submission_token) > 64:
        raise OutcomeRefused("submission_token", _l("Please send the form again."))
    fields, ids = _checked_fields(plan, explanation=explanation, theme_id=theme_id,
                                  comment_ids=comment_ids, version_id=version_id, section_key=section_key,
                                  action_key=action_key)
    outcome = FeedbackOutcome(plan_id=plan.id, created_by_id=getattr(actor, "id", None),
                              submission_token=submission_token, **fields)
    outcome.comment_links = [OutcomeComment(comment_id=comment_id) for comment_id in ids]
    db.session.add(outcome)
    try:
        db.session.flush()
    except IntegrityError:  # the same form, sent twice at once: the first one stands
        db.session.rollback()
        earlier = _earlier(actor, submission_token)
        if earlier is None:
            raise
        return earlier
    audit.record(actor, "outcomes.created", "feedback_outcome", outcome.id, **_audit_details(outcome, ids))
    db.session.commit()
    notify_linked_comments(actor, outcome)
    return outcome


def update_outcome(actor, outcome_id: int, *, explanation: str,
                   theme_id: int | None = None, comment_ids: Iterable[int] = (), version_id: int | None = None,
                   section_key: str | None = None, action_key: str | None = None) -> FeedbackOutcome:
    """Change a link; authors of comments it now names for the first time are emailed, no one twice."""
    outcome = get_outcome(actor, outcome_id)
    fields, ids = _checked_fields(outcome.plan, explanation=explanation,
                                  theme_id=theme_id, comment_ids=comment_ids, version_id=version_id,
                                  section_key=section_key, action_key=action_key)
    before = {name: getattr(outcome, name) for name in fields}
    before_ids = [link.comment_id for link in outcome.comment_links]
    for name, value in fields.items():
        setattr(outcome, name, value)
    kept = {link.comment_id: link for link in outcome.comment_links if link.comment_id in ids}
    outcome.comment_links = [kept.get(comment_id) or OutcomeComment(comment_id=comment_id) for comment_id in ids]
    changes = {name: [before[name], value] for name, value in fields.items() if before[name] != value}
    if before_ids != ids:
        changes["comment_ids"] = [before_ids, ids]
    if changes:
        outcome.updated_at = utcnow()
        audit.record(actor, "outcomes.updated", "feedback_outcome", outcome.id, plan_id=outcome.plan_id,
                     changes=changes)
    db.session.commit()
    notify_linked_comments(actor, outcome)
    return outcome


def delete_outcome(actor, outcome_id: int) -> int:
    """Remove a link (the comments and the theme stay). Returns the plan's id."""
    outcome = get_outcome(actor, outcome_id)
    plan_id = outcome.plan_id
    details = _audit_details(outcome, [link.comment_id for link in outcome.comment_links])
    audit.record(actor, "outcomes.deleted", "feedback_outcome", outcome.id, **details)
    db.session.delete(outcome)
    db.session.commit()
    return plan_id


# --------------------------------------------------------------------------
# Telling the people whose comments are linked
# --------------------------------------------------------------------------

def notify_linked_comments(actor, outcome: FeedbackOutcome) -> int:
    """Email each author of a newly linked comment once per link, in their language. Returns emails sent.

    Never the person who made the link, never a turned-off account. A person
    already told about this link is not told again when more of their comments
    are added to it.
    """
    links = outcome.comment_links
    pending = [link for link in links if link.notified_at is None]
    if not pending:
        return 0
    rows = db.session.execute(select(Comment.id, Comment.author_id, Comment.root_id)
                              .where(Comment.id.in_([link.comment_id for link in links])))
    comments = {comment_id: (author_id, root_id or comment_id) for comment_id, author_id, root_id in rows}
    authors = {comment_id: author_id for comment_id, (author_id, _root) in comments.items()}
    told = {authors.get(link.comment_id) for link in links if link.notified_at is not None}
    by_author: dict[int, list[OutcomeComment]] = defaultdict(list)
    for link in pending:
        by_author[authors.get(link.comment_id)].append(link)
    people = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(list(by_author))))}
    actor_id = getattr(actor, "id", None)
    now = utcnow()
    sent = 0
    content = None
    explanations: dict[str, str] = {}  # reader's language -> the explanation in it
    for author_id, author_links in by_author.items():
        person = people.get(author_id)
        if person is None or not person.active:
            continue  # a turned-off account hears nothing; told if it is turned on and the link is edited
        for link in author_links:
            link.notified_at = now
        if author_id in told or author_id == actor_id:
            continue
        content = content or _email_content(outcome)
        reader = person.locale or content_language()
        if reader not in explanations:
            explanations[reader] = outcome_texts([outcome], reader=reader).text(
                outcome_scope(outcome.id), "explanation", outcome.explanation)
        first = author_links[0].comment_id
        # send_email commits, with notified_at set above: the two are saved together.
        send_email(person.email, "outcome_comment_linked", locale=person.locale, user=person,
                   explanation=explanations[reader],
                   comment_count=len(author_links),
                   comment_url=_external("comments.thread", f"comment-{first}", plan_id=outcome.plan_id,
                                         comment_id=comments[first][1]),
                   **content)
        sent += 1
    db.session.commit()
    return sent


def _email_content(outcome: FeedbackOutcome) -> dict:
    """What every author's email says about the link (the language is the template's)."""
    plan = outcome.plan
    latest = plan.versions[-1] if plan.versions else None
    read_in = outcome.version or latest
    snapshot = read_in.snapshot if read_in is not None else {}
    section, action = find_part(snapshot, outcome.section_key, outcome.action_key)
    anchor = (f"action-{outcome.action_key}" if action is not None else
              f"section-{outcome.section_key}" if section is not None else None)
    theme = _display_theme(outcome.theme) if outcome.theme is not None else None
    return {
        "plan_title": (latest.snapshot.get("title") if latest else None) or plan.title,
        "theme_label": (theme.label or theme.key) if theme is not None else None,
        "theme_url": external_url("outcomes.theme_summary", plan_id=plan.id, theme_id=theme.id)
        if theme is not None else None,
        "section_title": section.get("title") if section is not None else None,
        # Raw: the template words them in the recipient's language.
        "action_number": action.get("number") if action is not None else None,
        "action_title": action_label(action) if action is not None else None,
        "version_number": outcome.version.number if outcome.version is not None else None,
        "plan_url": _external("plans.show", anchor or "you-said-we-did", plan_id=plan.id),
        "compare_url": external_url("plans.compare", plan_id=plan.id, to=outcome.version.number,
                                    **{"from": outcome.version.number - 1})
        if outcome.version is not None and outcome.version.number > 1 else None,
    }


def _external(endpoint: str, anchor: str | None = None, **values) -> str:
    """An absolute link for emails (engage.urls.external_url), to a place on the page."""
    url = external_url(endpoint, **values)
    return f"{url}#{anchor}" if anchor else url


# --------------------------------------------------------------------------
# Reading: the public side
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicOutcome:
    """A link as the public reads it, in the reader's language."""

    id: int
    plan_id: int
    theme_id: int | None  # the theme shown (merges followed)
    theme_label: str
    target_kind: str  # a TargetKind
    target_title: str  # the action's or section's title as the plan has it; "" for a version alone or a part gone
    action_number: str  # the action's number ("" for none); templates word "Action 3: ..." in the reader's language
    section_key: str | None
    action_key: str | None
    version_number: int | None
    explanation: str  # in the reader's language where translated (a LocalizedText)
    comment_count: int  # linked comments everyone can read
    created_at: datetime
    target_found: bool = True  # False: the part is no longer in the plan's versions

    @property
    def anchor(self) -> str | None:
        """The plan page's id for what it led to."""
        if not self.target_found:
            return None
        if self.action_key:
            return f"action-{self.action_key}"
        if self.section_key:
            return f"section-{self.section_key}"
        return None


def _display_theme(theme: Theme, by_id: dict[int, Theme] | None = None) -> Theme:
    """The theme to show for a linked theme: the one it was merged into, else itself."""
    seen = set()
    current = theme
    while current.status == ThemeStatus.MERGED and current.merged_into_id is not None and current.id not in seen:
        seen.add(current.id)
        following = by_id.get(current.merged_into_id) if by_id is not None else db.session.get(
            Theme, current.merged_into_id)
        if following is None:
            break
        current = following
    return current


def _plan_themes(plan_id: int) -> dict[int, Theme]:
    return {theme.id: theme for theme in db.session.scalars(
        select(Theme).join(ThemeAnalysis, ThemeAnalysis.id == Theme.analysis_id)
        .where(ThemeAnalysis.plan_id == plan_id))}


def _public_comment_counts(outcome_ids: list[int]) -> dict[int, int]:
    if not outcome_ids:
        return {}
    return dict(db.session.execute(
        select(OutcomeComment.outcome_id, func.count())
        .join(Comment, Comment.id == OutcomeComment.comment_id)
        .where(OutcomeComment.outcome_id.in_(outcome_ids), Comment.status == CommentStatus.VISIBLE)
        .group_by(OutcomeComment.outcome_id)
    ).all())


def _to_public(outcome: FeedbackOutcome, themes: dict[int, Theme], versions: dict[int, PlanVersion],
               latest: PlanVersion | None, counts: dict[int, int], texts: Localizer) -> PublicOutcome:
    theme = _display_theme(themes[outcome.theme_id], themes) if outcome.theme_id in themes else None
    version = versions.get(outcome.version_id) if outcome.version_id else None
    snapshot = (version or latest).snapshot if (version or latest) is not None else {}
    section, action = find_part(snapshot, outcome.section_key, outcome.action_key)
    number, scope = "", plan_scope(outcome.plan_id)
    if outcome.action_key:
        kind, title = TargetKind.ACTION, _action_title(action, scope, texts) if action else ""
        number = (action or {}).get("number") or ""
        found = action is not None
    elif outcome.section_key:
        kind = TargetKind.SECTION
        title = texts.text(scope, f"section:{outcome.section_key}.title", section["title"]) if section else ""
        found = section is not None
    else:
        kind, title, found = TargetKind.VERSION, "", True
    return PublicOutcome(
        id=outcome.id, plan_id=outcome.plan_id, theme_id=theme.id if theme is not None else None,
        theme_label=theme_name(theme, texts) if theme is not None else "",
        target_kind=kind, target_title=title, action_number=number,
        section_key=outcome.section_key, action_key=outcome.action_key,
        version_number=version.number if version is not None else None,
        explanation=texts.text(outcome_scope(outcome.id), "explanation", outcome.explanation),
        comment_count=counts.get(outcome.id, 0), created_at=outcome.created_at, target_found=found,
    )


def plan_outcomes(plan_id: int) -> list[PublicOutcome]:
    """Every link of the plan, newest first, as the public reads it, in four queries."""
    outcomes = db.session.scalars(
        select(FeedbackOutcome).where(FeedbackOutcome.plan_id == plan_id)
        .order_by(FeedbackOutcome.created_at.desc(), FeedbackOutcome.id.desc())
    ).all()
    if not outcomes:
        return []
    themes = _plan_themes(plan_id) if any(o.theme_id for o in outcomes) else {}
    versions = {v.id: v for v in db.session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.number))}
    latest = max(versions.values(), key=lambda v: v.number) if versions else None
    counts = _public_comment_counts([o.id for o in outcomes])
    texts = outcome_texts(outcomes, [plan_id], theme_ids=themes)
    return [_to_public(o, themes, versions, latest, counts, texts) for o in outcomes]


def _action_title(action: dict, scope: str, texts: Localizer) -> LocalizedText:
    """An action's title in the reader's language, or the start of its description when it has none."""
    where = f"action:{action['key']}"
    shown = {"title": texts.text(scope, f"{where}.title", action.get("title") or ""),
             "description": texts.text(scope, f"{where}.description", action.get("description") or "")}
    source = shown["title"] if action.get("title") else shown["description"]
    return LocalizedText(action_label(shown), source.language, source.shown)


def comment_outcomes(plan_id: int) -> dict[int, list[PublicOutcome]]:
    """The links each comment of the plan is named in, for marking comments in their threads:
    one query when the plan has no linked comments, five when it has."""
    pairs = db.session.execute(
        select(OutcomeComment.comment_id, OutcomeComment.outcome_id)
        .join(FeedbackOutcome, FeedbackOutcome.id == OutcomeComment.outcome_id)
        .where(FeedbackOutcome.plan_id == plan_id)
    ).all()
    by_comment: dict[int, list[PublicOutcome]] = {}
    if pairs:
        public = {outcome.id: outcome for outcome in plan_outcomes(plan_id)}
        for comment_id, outcome_id in pairs:
            by_comment.setdefault(comment_id, []).append(public[outcome_id])
    return by_comment


def public_outcome(outcome: FeedbackOutcome) -> PublicOutcome | None:
    """One link as the public reads it (for a page about that link alone)."""
    return next((public for public in plan_outcomes(outcome.plan_id) if public.id == outcome.id), None)


def recent_outcomes(limit: int = 3) -> list[PublicOutcome]:
    """The newest links across every plan, in five queries."""
    outcomes = db.session.scalars(
        select(FeedbackOutcome).where(FeedbackOutcome.plan_id.in_(select(PlanVersion.plan_id)))
        .order_by(FeedbackOutcome.created_at.desc(), FeedbackOutcome.id.desc()).limit(limit)
    ).all()
    if not outcomes:
        return []
    plan_ids = {outcome.plan_id for outcome in outcomes}
    themes = {theme.id: theme for theme in db.session.scalars(
        select(Theme).join(ThemeAnalysis, ThemeAnalysis.id == Theme.analysis_id)
        .where(ThemeAnalysis.plan_id.in_(plan_ids)))}
    versions = {version.id: version for version in db.session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id.in_(plan_ids)))}
    latest: dict[int, PlanVersion] = {}
    for version in versions.values():
        if version.plan_id not in latest or version.number > latest[version.plan_id].number:
            latest[version.plan_id] = version
    counts = _public_comment_counts([outcome.id for outcome in outcomes])
    texts = outcome_texts(outcomes, plan_ids, theme_ids=themes)
    return [_to_public(outcome, themes, versions, latest[outcome.plan_id], counts, texts) for outcome in outcomes]


@dataclass
class OutcomeMarks:
    """Links keyed by the section or action they led to, for marking them on a page."""

    sections: dict[str, list[PublicOutcome]] = field(default_factory=dict)
    actions: dict[str, list[PublicOutcome]] = field(default_factory=dict)
    outcomes: list[PublicOutcome] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.outcomes)


def outcome_marks(outcomes: Iterable[PublicOutcome]) -> OutcomeMarks:
    """The links by action key (when they name one) or else section key."""
    marks = OutcomeMarks()
    for outcome in outcomes:
        marks.outcomes.append(outcome)
        if outcome.action_key:
            marks.actions.setdefault(outcome.action_key, []).append(outcome)
        elif outcome.section_key:
            marks.sections.setdefault(outcome.section_key, []).append(outcome)
    return marks


def comparison_marks(outcomes: Iterable[PublicOutcome], from_number: int, to_number: int) -> OutcomeMarks:
    """The links whose version lies after the older of the two compared versions, up to the newer."""
    low, high = sorted((from_number, to_number))
    return outcome_marks(o for o in outcomes if o.version_number is not None and low < o.version_number <= high)


# --------------------------------------------------------------------------
# Reading: a theme's public summary
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicComment:
    id: int
    root_id: int  # the thread it is in
    body: str
    language: str | None
    author_name: str | None  # None: posted anonymously
    created_at: datetime


@dataclass
class ThemeSummaryPage:
    plan: Plan
    theme: Theme
    people: int | None  # suppressed under 10 (None); 0 shown
    outcomes: list[PublicOutcome]
    comments: dict[int, list[PublicComment]]  # outcome id -> its linked comments everyone can read


def public_theme(plan_id: int, theme_id: int) -> Theme | None:
    """The plan's theme when the public may read it (its response is published, or a link names it),
    or the theme it was merged into; None otherwise."""
    if not (_valid_id(plan_id) and _valid_id(theme_id)):
        return None
    theme = db.session.get(Theme, theme_id)
    if theme is None or theme.analysis.plan_id != plan_id:
        return None
    shown = _display_theme(theme)
    if shown.response_published:
        return shown
    linked = db.session.scalars(
        select(FeedbackOutcome.theme_id).where(FeedbackOutcome.plan_id == plan_id,
                                               FeedbackOutcome.theme_id.is_not(None))).all()
    if not linked:
        return None
    themes = _plan_themes(plan_id)
    shown_ids = {_display_theme(themes[t], themes).id for t in linked if t in themes}
    return shown if shown.id in shown_ids else None


def theme_summary(plan_id: int, theme: Theme) -> ThemeSummaryPage:
    """What the public summary of a theme shows: people heard from, the links and their public comments.

    A fixed number of queries: the plan's links, the feedback read model once, the linked comments.
    """
    from ..themes import reporting
    from ..themes.services import themed_items

    plan = _plan_or_404(plan_id)
    outcomes = [o for o in plan_outcomes(plan_id) if o.theme_id == theme.id]
    people = None
    if theme.status == ThemeStatus.ACTIVE:
        members = reporting.members_of(theme, themed_items(theme.analysis))
        people = suppress_total(reporting.people_count(members))
    comments: dict[int, list[PublicComment]] = defaultdict(list)
    if outcomes:
        rows = db.session.execute(
            select(OutcomeComment.outcome_id, Comment.id, Comment.root_id, Comment.body, Comment.language,
                   Comment.anonymous, User.display_name, Comment.created_at)
            .join(Comment, Comment.id == OutcomeComment.comment_id)
            .join(User, User.id == Comment.author_id)
            .where(OutcomeComment.outcome_id.in_([o.id for o in outcomes]),
                   Comment.status == CommentStatus.VISIBLE, Comment.official.is_(False))
            .order_by(Comment.created_at, Comment.id)
        ).all()
        for outcome_id, comment_id, root_id, body, language, anonymous, name, created_at in rows:
            comments[outcome_id].append(PublicComment(comment_id, root_id or comment_id, body, language,
                                                      None if anonymous else name, created_at))
    return ThemeSummaryPage(plan=plan, theme=theme, people=people, outcomes=outcomes, comments=dict(comments))


# --------------------------------------------------------------------------
# Reading: leaders' pages
# --------------------------------------------------------------------------

def theme_outcomes(theme: Theme) -> list[PublicOutcome]:
    """The links of a theme (and of themes merged into it), for the leaders' drill-down."""
    return [o for o in plan_outcomes(theme.analysis.plan_id) if o.theme_id == theme.id]


def manage_page(actor, plan_id: int) -> tuple[Plan, list[PublicOutcome]]:
    _check(actor)
    plan = _plan_or_404(plan_id)
    return plan, plan_outcomes(plan.id)


def get_plan(actor, plan_id: int) -> Plan:
    _check(actor)
    return _plan_or_404(plan_id)


def linkable_comments(actor, plan_id: int, comment_ids: Iterable[int]) -> list[Comment]:
    """Of these ids, the plan's comments that can be linked (visible, not official), oldest first, in two queries."""
    _check(actor)
    ids = sorted({i for i in comment_ids if _valid_id(i)})[:COMMENTS_MAX]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Comment).where(Comment.id.in_(ids), Comment.plan_id == plan_id,
                              Comment.status == CommentStatus.VISIBLE, Comment.official.is_(False))
        .options(selectinload(Comment.author)).order_by(Comment.created_at, Comment.id)))


def theme_choices(actor, plan_id: int, include: Iterable[int | None] = ()) -> list[Theme]:
    """The active themes of the plan's default analysis, and the themes in `include` if they are the plan's."""
    from ..themes.services import default_analysis

    _check(actor)
    analysis = default_analysis(actor, plan_id)
    wanted = {i for i in include if _valid_id(i)}
    chosen = [theme for theme in analysis.themes if theme.status == ThemeStatus.ACTIVE or theme.id in wanted]
    extra = wanted - {theme.id for theme in chosen}
    if extra:
        chosen += [theme for theme in db.session.scalars(
            select(Theme).join(ThemeAnalysis, ThemeAnalysis.id == Theme.analysis_id)
            .where(Theme.id.in_(extra), ThemeAnalysis.plan_id == plan_id))]
    return sorted(chosen, key=lambda theme: (theme.label or theme.key).casefold())
