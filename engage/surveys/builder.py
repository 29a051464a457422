"""Surveys: the builder leaders write surveys with.

Every function takes the acting person first, checks they may manage
surveys, commits its own transaction and leaves an audit row.

Once people have answered, a survey's questions keep their shape: nothing is
added, removed, reordered or changed in kind, options, requiredness or plan
link, so every stored answer keeps its meaning. Only the wording (prompts,
help texts, option labels) may still change, to fix typos, and each fix is
logged with the old and the new text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..extensions import db
from ..models import as_utc, utcnow
from ..plans import services as plans
from ..translation import services as translation
from .models import QuestionKind, Survey, SurveyAnonymity, SurveyAudience, SurveyQuestion, SurveyStatus
from .questions import PROFILE_PROMPTS, default_options, new_option_key
from .services import has_responses, require_manage_surveys
from .translatable import question_path, survey_scope

TITLE_MAX = 200
OPTIONS_MAX = 50
# A duplicate's title, in the language surveys are written in.
COPY_PREFIX = "Copy of "

SURVEY_FIELDS = ("title", "introduction", "plan_id", "opens_at", "closes_at", "audience", "anonymity", "paged")
# Answers were given under these promises, so they hold once anyone has answered.
LOCKED_SETTINGS = ("audience", "anonymity")

WORDING_FIELDS = ("prompt", "help_text")
QUESTION_FIELDS = (*WORDING_FIELDS, "required", "allow_other", "options", "section_key", "action_key")

LOCKED_MESSAGE = _l("People have answered, so questions can't be added, removed or reordered. "
                    "You can still fix typos in the wording; each fix is recorded.")


class InvalidSurveyChange(Exception):
    """A change the builder will not make.

    `field` names the setting or the part of a question it concerns ("title",
    "options", "anchor" for the plan link, ...; None for the survey as a
    whole), so a form can show `message` beside it.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(message, field)
        self.message = message
        self.field = field


class QuestionsLocked(InvalidSurveyChange):
    """People have answered: questions keep their shape; only their wording may change."""

    def __init__(self, field: str | None = None):
        super().__init__(LOCKED_MESSAGE, field)


class SettingLocked(InvalidSurveyChange):
    """People answered under this setting (who may answer, anonymity, the plan), so it stays."""

    def __init__(self, field: str):
        super().__init__(_l("People have answered, so this can't change any more."), field)


class NothingToPublish(InvalidSurveyChange):
    def __init__(self):
        super().__init__(_l("Add at least one question people can answer before publishing."))


# Reading -------------------------------------------------------------------------


def get_question(question_id: int) -> SurveyQuestion | None:
    return db.session.get(SurveyQuestion, question_id)


def addable_kinds(survey: Survey) -> list[str]:
    """Kinds of question this survey can still take: each profile question at most once."""
    asked = {q.kind for q in survey.questions}
    return [kind for kind in QuestionKind.ALL if kind not in QuestionKind.PROFILE_KINDS or kind not in asked]


@dataclass(frozen=True)
class PlanPart:
    """A section, or an action in it, of the linked plan's latest published version."""

    section_key: str
    action_key: str | None
    label: str


def _plan_snapshot(survey: Survey) -> dict | None:
    """The linked plan's latest published version, which questions may point into."""
    if survey.plan is None or not survey.plan.versions:
        return None
    return survey.plan.versions[-1].snapshot


def plan_parts(survey: Survey) -> list[PlanPart]:
    """The parts of the linked plan a question may ask about, in the plan's order."""
    snapshot = _plan_snapshot(survey)
    if snapshot is None:
        return []
    parts = []
    for section in snapshot.get("sections", []):
        parts.append(PlanPart(section["key"], None, section["title"]))
        for action in section["actions"]:
            name = action["title"] or action["description"][:60]
            if action["number"]:
                name = f"{action['number']}. {name}"
            parts.append(PlanPart(section["key"], action["key"], f"{section['title']} › {name}"))
    return parts


# Surveys -------------------------------------------------------------------------


def _text(value) -> str | None:
    """Trimmed text, or None when nothing but spaces was given."""
    return (value or "").strip() or None


def _settings_of(survey: Survey | None) -> dict:
    """A survey's settings (times as aware UTC), or a new survey's defaults."""
    if survey is None:
        return {"title": "", "introduction": "", "plan_id": None,
                "opens_at": None, "closes_at": None, "audience": SurveyAudience.ANYONE,
                "anonymity": SurveyAnonymity.IDENTIFIED, "paged": False}
    values = {name: getattr(survey, name) for name in SURVEY_FIELDS}
    values["opens_at"], values["closes_at"] = as_utc(survey.opens_at), as_utc(survey.closes_at)
    return values


def _checked_settings(survey: Survey | None, fields: dict) -> dict:
    """The survey's settings after these changes, checked; refuses what would not make sense."""
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields: {sorted(unknown)}")
    current = _settings_of(survey)
    values = {**current, **fields}
    values["title"] = _text(values["title"]) or ""
    values["introduction"] = _text(values["introduction"]) or ""
    values["paged"] = bool(values["paged"])
    if not values["title"]:
        raise InvalidSurveyChange(_l("Please give the survey a title."), "title")
    if len(values["title"]) > TITLE_MAX:
        raise InvalidSurveyChange(_l("Please keep this under %(max)d characters.", max=TITLE_MAX), "title")
    if values["audience"] not in (SurveyAudience.ANYONE, SurveyAudience.SIGNED_IN):
        raise InvalidSurveyChange(_l("Please choose who can answer."), "audience")
    if values["anonymity"] not in (SurveyAnonymity.IDENTIFIED, SurveyAnonymity.ANONYMOUS):
        raise InvalidSurveyChange(_l("Please choose whether answers are anonymous."), "anonymity")
    for name in ("opens_at", "closes_at"):
        if name in fields and fields[name] is not None:
            if fields[name].tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime")
            values[name] = fields[name].astimezone(UTC)
    if values["opens_at"] and values["closes_at"] and values["closes_at"] <= values["opens_at"]:
        raise InvalidSurveyChange(_l("The closing time must be after the opening time."), "closes_at")
    if values["plan_id"] != current["plan_id"] and values["plan_id"] is not None:
        plan = plans.get_plan(values["plan_id"])
        if plan is None or not plan.versions:
            raise InvalidSurveyChange(_l("Please choose a plan that has a published version."), "plan_id")
    return values


def _already_made(model, submission_token: str | None):
    """The survey or question an earlier copy of the same form made, if any."""
    if not submission_token:
        return None
    return db.session.scalar(select(model).where(model.submission_token == submission_token))


def _commit_once(model, submission_token: str | None):
    """Commit, or when the same form made its record a moment ago (the unique
    token stops the second copy), roll back and return that first record."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _already_made(model, submission_token)
        if existing is None:
            raise
        return existing
    return None


def _audit_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def create_survey(actor, *, submission_token: str | None = None, **fields) -> Survey:
    """Start a draft survey with these settings (see SURVEY_FIELDS; only the title is required).

    Times are aware UTC datetimes. The same form (submission_token) sent twice makes one survey.
    """
    require_manage_surveys(actor)
    values = _checked_settings(None, fields)
    existing = _already_made(Survey, submission_token)
    if existing is not None:
        return existing
    survey = Survey(status=SurveyStatus.DRAFT, created_by_id=actor.id, submission_token=submission_token, **values)
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "survey.created", "survey", survey.id, title=survey.title)
    return _commit_once(Survey, submission_token) or survey


def update_survey(actor, survey: Survey, **fields) -> Survey:
    """Change a survey's settings.

    After people have answered, who may answer and the anonymity promise stay
    as they were (SettingLocked), and so does the plan when questions ask about
    parts of it; the title, introduction and window may still change. Without
    answers, linking another plan drops the question links that plan lacks.
    """
    require_manage_surveys(actor)
    before, values = _settings_of(survey), _checked_settings(survey, fields)
    changes = {name: [_audit_value(before[name]), _audit_value(values[name])]
               for name in SURVEY_FIELDS if before[name] != values[name]}
    if not changes:
        return survey
    answered = has_responses(survey)
    for name in LOCKED_SETTINGS:
        if answered and name in changes:
            raise SettingLocked(name)
    if "plan_id" in changes:
        new_plan = plans.get_plan(values["plan_id"]) if values["plan_id"] else None
        version = new_plan.versions[-1] if new_plan is not None else None
        unlinked = [q for q in survey.questions
                    if q.section_key and (version is None or not _anchor_exists(version.snapshot, q.section_key,
                                                                                  q.action_key))]
        if unlinked and answered:
            raise SettingLocked("plan_id")
        for question in unlinked:
            question.section_key = question.action_key = None
    for name in SURVEY_FIELDS:
        setattr(survey, name, values[name])
    audit.record(actor, "survey.updated", "survey", survey.id, changes=changes)
    db.session.commit()
    return survey


def publish_survey(actor, survey: Survey) -> Survey:
    """Open a draft to responses (inside its window). Needs a question people can answer."""
    require_manage_surveys(actor)
    if survey.status == SurveyStatus.PUBLISHED:  # the button pressed twice
        return survey
    if survey.status != SurveyStatus.DRAFT:
        raise InvalidSurveyChange(_l("This survey is closed. Reopen it to take responses again."))
    if not any(q.kind != QuestionKind.SECTION for q in survey.questions):
        raise NothingToPublish()
    survey.status, survey.published_at = SurveyStatus.PUBLISHED, utcnow()
    audit.record(actor, "survey.published", "survey", survey.id)
    db.session.commit()
    return survey


def close_survey(actor, survey: Survey) -> Survey:
    """Stop taking responses now. The responses and results stay."""
    require_manage_surveys(actor)
    if survey.status == SurveyStatus.CLOSED:
        return survey
    if survey.status != SurveyStatus.PUBLISHED:
        raise InvalidSurveyChange(_l("Only a published survey can be closed."))
    survey.status, survey.closed_at = SurveyStatus.CLOSED, utcnow()
    audit.record(actor, "survey.closed", "survey", survey.id)
    db.session.commit()
    return survey


def reopen_survey(actor, survey: Survey) -> Survey:
    """Take responses again. A closing time already past is cleared, or it would stay closed."""
    require_manage_surveys(actor)
    if survey.status == SurveyStatus.PUBLISHED:
        return survey
    if survey.status != SurveyStatus.CLOSED:
        raise InvalidSurveyChange(_l("Only a closed survey can be reopened."))
    details = {}
    if survey.closes_at is not None and as_utc(survey.closes_at) <= utcnow():
        details["cleared_closes_at"] = _audit_value(as_utc(survey.closes_at))
        survey.closes_at = None
    survey.status, survey.closed_at = SurveyStatus.PUBLISHED, None
    audit.record(actor, "survey.reopened", "survey", survey.id, **details)
    db.session.commit()
    return survey


def delete_survey(actor, survey: Survey) -> None:
    """Delete a draft nobody has answered. Anything else is closed instead, so its results stay."""
    require_manage_surveys(actor)
    if survey.status != SurveyStatus.DRAFT or has_responses(survey):
        raise InvalidSurveyChange(_l("Only a draft nobody has answered can be deleted. "
                                     "Close the survey instead: its results stay."))
    audit.record(actor, "survey.deleted", "survey", survey.id, title=survey.title)
    db.session.delete(survey)
    db.session.commit()


def duplicate_survey(actor, survey: Survey, *, submission_token: str | None = None) -> Survey:
    """A new draft with the same settings and questions, titled "Copy of …", without responses.

    The window is not copied: a copy is usually run at another time.
    Question option keys are copied as they are (they are unique per question).
    """
    require_manage_surveys(actor)
    existing = _already_made(Survey, submission_token)
    if existing is not None:  # the button pressed twice
        return existing
    copy = Survey(
        title=(COPY_PREFIX + survey.title)[:TITLE_MAX], submission_token=submission_token,
        introduction=survey.introduction, plan_id=survey.plan_id,
        audience=survey.audience, anonymity=survey.anonymity, paged=survey.paged,
        status=SurveyStatus.DRAFT, created_by_id=actor.id,
    )
    copy.questions = [
        SurveyQuestion(
            position=position, kind=q.kind, prompt=q.prompt, help_text=q.help_text,
            required=q.required, allow_other=q.allow_other,
            options=[dict(option) for option in q.options], section_key=q.section_key, action_key=q.action_key,
        )
        for position, q in enumerate(survey.questions)
    ]
    db.session.add(copy)
    db.session.flush()
    paths = {"introduction": "introduction"}
    for old, new in zip(survey.questions, copy.questions):
        paths.update((question_path(old.id, field), question_path(new.id, field))
                     for field in ("prompt", "help_text", *(f"option:{o['key']}" for o in old.options)))
    translation.copy_translations(survey_scope(survey.id), survey_scope(copy.id), paths)
    audit.record(actor, "survey.duplicated", "survey", copy.id, from_survey_id=survey.id)
    return _commit_once(Survey, submission_token) or copy


# Questions -----------------------------------------------------------------------


def _anchor_exists(snapshot: dict, section_key: str, action_key: str | None) -> bool:
    for section in snapshot.get("sections", []):
        if section["key"] == section_key:
            return action_key is None or any(a["key"] == action_key for a in section["actions"])
    return False


def checked_options(kind: str, current: list[dict], given: list[dict] | None) -> list[dict]:
    """A question's options after an edit.

    Choice questions: rows with neither label are dropped (that is how an
    option is removed); a row keeps its key when it is one of the question's
    own, and a new row gets a new key. Likert and rating questions always have
    the keys of their defaults; only the labels change.
    """
    if kind in QuestionKind.CHOICE_KINDS:
        if given is None:
            return current
        known, used, options = {o["key"] for o in current}, set(), []
        for row in given:
            label = _text(row.get("label"))
            if not label:
                continue
            key = row.get("key")
            if key not in known or key in used:
                key = new_option_key()
                while key in known or key in used:
                    key = new_option_key()
            used.add(key)
            options.append({"key": key, "label": label})
        if len(options) < 2:
            raise InvalidSurveyChange(_l("Please give at least two options."), "options")
        if len(options) > OPTIONS_MAX:
            raise InvalidSurveyChange(_l("Please give at most %(max)d options.", max=OPTIONS_MAX), "options")
        if len({o["label"].casefold() for o in options}) < len(options):
            raise InvalidSurveyChange(_l("Two options have the same wording."), "options")
        return options
    if kind in QuestionKind.SCALE_KINDS:
        defaults = default_options(kind)
        if given is None:
            return current or defaults
        by_key = {row.get("key"): row for row in given}
        options = []
        for default in defaults:
            row = by_key.get(default["key"], {})
            label = _text(row.get("label"))
            # Rating questions may leave their end labels empty; every Likert point needs words.
            if kind == QuestionKind.LIKERT and not label:
                raise InvalidSurveyChange(_l("Each point of the scale needs wording."), "options")
            options.append({"key": default["key"], "label": label or ""})
        return options
    return []


def _checked_question(survey: Survey, question: SurveyQuestion, fields: dict) -> dict:
    """All of a question's fields after these changes, checked."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown question fields: {sorted(unknown)}")
    kind = question.kind
    values = {name: getattr(question, name) for name in QUESTION_FIELDS}
    values.update(fields)
    for name in WORDING_FIELDS:
        values[name] = _text(values[name])
    if kind in QuestionKind.PROFILE_KINDS:
        values["prompt"] = values["prompt"] or PROFILE_PROMPTS[kind]
    elif not values["prompt"]:
        raise InvalidSurveyChange(_l("Please write the heading.") if kind == QuestionKind.SECTION
                                  else _l("Please write the question."), "prompt")
    values["required"] = bool(values["required"]) and kind != QuestionKind.SECTION
    values["allow_other"] = bool(values["allow_other"]) and kind in QuestionKind.CHOICE_KINDS
    values["options"] = checked_options(kind, question.options or [], fields.get("options"))
    values["section_key"], values["action_key"] = _text(values["section_key"]), _text(values["action_key"])
    if kind in QuestionKind.PROFILE_KINDS:  # these ask about the person, not the plan
        values["section_key"] = values["action_key"] = None
    anchor = (values["section_key"], values["action_key"])
    # A link is checked when it is set: later plan versions may drop a part that answers were given about.
    if anchor != (None, None) and anchor != (question.section_key, question.action_key):
        snapshot = _plan_snapshot(survey)
        if snapshot is None or not values["section_key"] or not _anchor_exists(
                snapshot, values["section_key"], values["action_key"]):
            raise InvalidSurveyChange(_l("Please choose a part of the linked plan."), "anchor")
    return values


def add_question(actor, survey: Survey, kind: str, *, submission_token: str | None = None,
                 **fields) -> SurveyQuestion:
    """Add a question of this kind at the end (fields: see QUESTION_FIELDS).

    Options are rows of {"key", "label"}; without them, Likert and
    rating questions get the default labels. Profile questions get their
    standard prompts and come at most once each. Refused once people have
    answered (QuestionsLocked). The same form (submission_token) sent twice adds it once.
    """
    require_manage_surveys(actor)
    if kind not in QuestionKind.ALL:
        raise InvalidSurveyChange(_l("Please choose a kind of question."), "kind")
    if has_responses(survey):
        raise QuestionsLocked()
    if kind not in addable_kinds(survey):
        raise InvalidSurveyChange(_l("This survey already asks that."), "kind")
    existing = _already_made(SurveyQuestion, submission_token)
    if existing is not None:
        return existing
    question = SurveyQuestion(kind=kind, prompt="", required=False, allow_other=False, options=default_options(kind),
                              submission_token=submission_token)
    values = _checked_question(survey, question, fields)
    for name, value in values.items():
        setattr(question, name, value)
    question.position = len(survey.questions)
    survey.questions.append(question)
    db.session.flush()
    audit.record(actor, "survey.question_added", "survey", survey.id, question_id=question.id, kind=kind)
    return _commit_once(SurveyQuestion, submission_token) or question


def update_question(actor, question: SurveyQuestion, **fields) -> SurveyQuestion:
    """Change a question (fields: see QUESTION_FIELDS; options as in add_question).

    Once people have answered, only the wording may change: prompts, help
    texts and option labels. Anything else, adding or removing an option
    included, raises QuestionsLocked. Each wording fix is then recorded with
    the old and new text ("survey.wording_fixed").
    """
    require_manage_surveys(actor)
    survey = question.survey
    values = _checked_question(survey, question, fields)
    if has_responses(survey):
        return _fix_wording(actor, question, values)
    changes = {name: [getattr(question, name), value] for name, value in values.items()
               if getattr(question, name) != value}
    if changes:
        for name, value in values.items():
            setattr(question, name, value)
        audit.record(actor, "survey.question_changed", "survey", survey.id, question_id=question.id,
                     changes=changes)
        db.session.commit()
    return question


def _fix_wording(actor, question: SurveyQuestion, values: dict) -> SurveyQuestion:
    for name in ("required", "allow_other", "section_key", "action_key"):
        if values[name] != getattr(question, name):
            raise QuestionsLocked("anchor" if name.endswith("_key") else name)
    if [o["key"] for o in values["options"]] != [o["key"] for o in question.options]:
        raise QuestionsLocked("options")
    fixes = [(name, getattr(question, name), values[name]) for name in WORDING_FIELDS
             if values[name] != getattr(question, name)]
    for old, new in zip(question.options, values["options"]):
        if (old.get("label") or None) != (new["label"] or None):
            fixes.append((f"options.{old['key']}.label", old.get("label"), new["label"]))
    for field, old, new in fixes:
        audit.record(actor, "survey.wording_fixed", "survey", question.survey_id, question_id=question.id,
                     field=field, old=old, new=new)
    for name in WORDING_FIELDS:
        setattr(question, name, values[name])
    question.options = values["options"]
    db.session.commit()
    return question


def delete_question(actor, question: SurveyQuestion) -> None:
    """Remove a question; refused once people have answered (QuestionsLocked)."""
    require_manage_surveys(actor)
    survey = question.survey
    if has_responses(survey):
        raise QuestionsLocked()
    survey.questions.remove(question)
    for position, item in enumerate(survey.questions):
        item.position = position
    audit.record(actor, "survey.question_deleted", "survey", survey.id, question_id=question.id,
                 kind=question.kind, prompt=question.prompt)
    db.session.commit()


def move_question(actor, question: SurveyQuestion, offset: int) -> None:
    """Move a question up (-1) or down (+1); refused once people have answered (QuestionsLocked)."""
    require_manage_surveys(actor)
    if offset not in (-1, 1):
        raise ValueError("a question moves one place at a time")
    survey = question.survey
    if has_responses(survey):
        raise QuestionsLocked()
    siblings = survey.questions
    index = siblings.index(question)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    for position, item in enumerate(siblings):  # mend any gaps before swapping
        item.position = position
    siblings[index].position, siblings[target].position = target, index
    siblings.sort(key=lambda item: item.position)
    audit.record(actor, "survey.question_moved", "survey", survey.id, question_id=question.id,
                 position=target + 1)
    db.session.commit()
