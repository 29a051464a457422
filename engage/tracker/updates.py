"""Writing progress: offices post dated updates on their actions, with evidence and
metric values; the action's current progress follows its latest update."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import uploads
from ..audit import services as audit
from ..extensions import db, dialect_insert
from ..permissions import PermissionDenied, can
from ..plans.models import PlanAction
from .component import UPDATE_PROGRESS
from .models import ActionProgress, EvidenceKind, MetricValue, ProgressStatus, ProgressUpdate
from ..i18n import district_today
from .services import can_update_action, require_update_action
from .subscriptions import notify_update

SUMMARY_MAX = 5000
EVIDENCE_URL_MAX = 500
EVIDENCE_TITLE_MAX = 200
UNIT_MAX = 40
METRIC_TEXT_MAX = 1000
# Updates about days before this are typing mistakes, not history.
EARLIEST_AS_OF = date(2000, 1, 1)

EVIDENCE_TYPES: dict[str, uploads.UploadType] = {
    "pdf": uploads.PDF, "png": uploads.PNG, "jpg": uploads.JPEG, "webp": uploads.WEBP,
}
ACCEPTED_EXTENSIONS = uploads.accepted_extensions(EVIDENCE_TYPES)
STORED_NAME = uploads.stored_name_pattern(EVIDENCE_TYPES)


class UpdateRefused(ValueError):
    """An update that cannot be saved as sent; `field` is the form field the message belongs beside."""

    def __init__(self, field: str, message):
        super().__init__(field)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class EvidenceFile:
    """An uploaded file as the service needs it (a werkzeug FileStorage has both)."""

    filename: str
    stream: BinaryIO


# Evidence files -----------------------------------------------------------------


def max_upload_bytes() -> int:
    return current_app.config["TRACKER_MAX_UPLOAD_BYTES"]


def evidence_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"


def evidence_path(update: ProgressUpdate) -> Path:
    """Where an update's file is kept. The name was made here at random, never taken from the person."""
    return uploads.stored_path(evidence_folder(), update.evidence_stored_name, STORED_NAME)


def evidence_is_image(update: ProgressUpdate) -> bool:
    return any(t.image and t.content_type == update.evidence_content_type for t in EVIDENCE_TYPES.values())


def checked_evidence_file(filename: str | None, stream: BinaryIO) -> uploads.CheckedUpload:
    """A PDF, PNG, JPEG or WebP by its name and its first bytes, within the size limit (SVG never: it can run scripts)."""
    try:
        return uploads.checked_upload(
            filename, stream, types=EVIDENCE_TYPES, max_bytes=max_upload_bytes(), field="evidence_file",
            default_stem="evidence",
            wrong_type=_l("Evidence files must be a PDF or an image (PNG, JPEG or WebP)."),
            wrong_contents=lambda extension: _l(
                "This file's contents do not match its name (.%(extension)s). "
                "Please choose a real PDF, PNG, JPEG or WebP file.", extension=extension),
        )
    except uploads.UploadRefused as refused:
        raise UpdateRefused(refused.field, refused.message) from None


# Checking what was sent ----------------------------------------------------------


def _checked_status(status: str) -> str:
    if status not in ProgressStatus.ALL:
        raise UpdateRefused("status", _l("Please choose a status from the list."))
    return status


def _checked_as_of(as_of: Any) -> date:
    if not isinstance(as_of, date):
        raise UpdateRefused("as_of", _l("Please enter the date this update is about."))
    if as_of > district_today():
        raise UpdateRefused("as_of", _l("This date is in the future. Please enter today's date or an earlier one."))
    if as_of < EARLIEST_AS_OF:
        raise UpdateRefused("as_of", _l("Please check the year of this date."))
    return as_of


def _checked_percent(percent: Any, status: str) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise UpdateRefused("percent_complete", _l("Please enter a whole number from 0 to 100."))
    if status == ProgressStatus.DONE and percent != 100:
        raise UpdateRefused("percent_complete", _l("An action that is done is 100% complete."))
    return percent


def _checked_text(value: Any, field: str, limit: int, *, required_message=None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text and required_message is not None:
        raise UpdateRefused(field, required_message)
    if len(text) > limit:
        raise UpdateRefused(field, _l("Please keep this under %(max)d characters.", max=limit))
    return text


def _checked_evidence_link(url: Any, title: Any) -> tuple[str, str]:
    url = url.strip() if isinstance(url, str) else ""
    title = _checked_text(title, "evidence_title", EVIDENCE_TITLE_MAX)
    if not url:
        return "", title
    if len(url) > EVIDENCE_URL_MAX:
        raise UpdateRefused("evidence_url", _l("Please keep this under %(max)d characters.", max=EVIDENCE_URL_MAX))
    if not uploads.is_web_address(url):
        raise UpdateRefused("evidence_url", _l("Please enter a web address that starts with https:// (or http://)."))
    return url, title


def metric_field(indicator_id: int) -> str:
    """The form field a metric value's message belongs beside."""
    return f"metric_{indicator_id}"


def _checked_metric_values(action: PlanAction, metric_values: Mapping | None) -> list[MetricValue]:
    """One MetricValue per indicator given a number (with its unit) or a text; indicators left empty are skipped."""
    indicator_ids = {indicator.id for indicator in action.indicators}
    values = []
    for indicator_id, entry in (metric_values or {}).items():
        if indicator_id not in indicator_ids:
            raise UpdateRefused("metric_values", _l("This indicator is not one of this action's."))
        field = metric_field(indicator_id)
        try:
            number, unit, text = entry
        except (TypeError, ValueError):
            raise UpdateRefused(field, _l("Please enter a number or a few words.")) from None
        unit = _checked_text(unit, field, UNIT_MAX)
        text = _checked_text(text, field, METRIC_TEXT_MAX)
        if number is not None:
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise UpdateRefused(field, _l("Please enter a number."))
            number = float(number)
            if not math.isfinite(number) or abs(number) > 1e15:
                raise UpdateRefused(field, _l("Please enter a number."))
        if number is None and not text:
            if unit:
                raise UpdateRefused(field, _l("Please enter the number this unit goes with."))
            continue
        if number is not None and text:
            raise UpdateRefused(field, _l("Please enter either a number or a few words, not both."))
        values.append(MetricValue(indicator_id=indicator_id, number=number, unit=unit if number is not None else "",
                                  text=text))
    return values


def _checked_update(action, *, as_of, status, percent_complete, summary, evidence_url, evidence_title,
                    evidence_file, metric_values) -> tuple[dict, uploads.CheckedUpload | None, list[MetricValue]]:
    status = _checked_status(status)
    fields = {
        "status": status,
        "as_of": _checked_as_of(as_of),
        "percent_complete": _checked_percent(percent_complete, status),
        "summary": _checked_text(summary, "summary", SUMMARY_MAX,
                                 required_message=_l("Please say what has happened on this action.")),
    }
    url, title = _checked_evidence_link(evidence_url, evidence_title)
    has_file = evidence_file is not None and bool(getattr(evidence_file, "filename", ""))
    if url and has_file:
        raise UpdateRefused("evidence_url", _l("Please give a link or a file, not both."))
    values = _checked_metric_values(action, metric_values)
    upload = checked_evidence_file(evidence_file.filename, evidence_file.stream) if has_file else None
    fields.update(evidence_url=url, evidence_title=title)
    return fields, upload, values


# Current progress -----------------------------------------------------------------


def recompute_progress(action: PlanAction) -> ActionProgress:
    """Set the action's current progress from its latest update (by as-of date, then when written).

    Runs in the caller's transaction."""
    latest = db.session.scalar(
        select(ProgressUpdate)
        .where(ProgressUpdate.action_id == action.id)
        .order_by(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        .limit(1)
    )
    count = db.session.scalar(select(func.count()).where(ProgressUpdate.action_id == action.id))
    progress = db.session.scalar(select(ActionProgress).where(ActionProgress.action_id == action.id))
    if progress is None:
        progress = _new_progress_row(action)
    progress.update_count = count
    progress.last_update_id = latest.id if latest else None
    progress.status = latest.status if latest else ProgressStatus.NOT_STARTED
    progress.percent_complete = latest.percent_complete if latest else 0
    progress.updated_at = latest.created_at if latest else None
    return progress


def _new_progress_row(action: PlanAction) -> ActionProgress:
    """The action's progress row, made now unless another update of the same action made it a moment ago."""
    db.session.execute(
        dialect_insert(ActionProgress)
        .values(action_id=action.id, plan_id=action.section.plan_id, status=ProgressStatus.NOT_STARTED,
                percent_complete=0, update_count=0)
        .on_conflict_do_nothing(index_elements=["action_id"])
    )
    return db.session.scalar(select(ActionProgress).where(ActionProgress.action_id == action.id))


# Posting, editing, deleting --------------------------------------------------------


def _earlier_update(actor, submission_token: str | None) -> ProgressUpdate | None:
    if not submission_token:
        return None
    return db.session.scalar(
        select(ProgressUpdate).where(ProgressUpdate.author_id == actor.id,
                                     ProgressUpdate.submission_token == submission_token)
    )


def _audit_details(update: ProgressUpdate) -> dict:
    return {
        "plan_id": update.plan_id,
        "action_id": update.action_id,
        "as_of": update.as_of.isoformat(),
        "status": update.status,
        "percent_complete": update.percent_complete,
        "evidence": update.evidence_kind or None,
    }


def post_update(actor, action: PlanAction, *, as_of: date, status: str, percent_complete: int, summary: str,
                evidence_url: str = "", evidence_title: str = "",
                evidence_file: EvidenceFile | None = None, metric_values: Mapping | None = None,
                submission_token: str) -> ProgressUpdate:
    """Post a dated update on an action, for its responsible office (or as a leader).

    Raises PermissionDenied, or UpdateRefused (a ValueError) naming the field at fault.
    The same form sent twice gives back the first update.
    """
    require_update_action(actor, action)
    earlier = _earlier_update(actor, submission_token)
    if earlier is not None:
        return earlier
    if not submission_token:
        raise UpdateRefused("submission_token", _l("Please send the form again."))
    fields, upload, values = _checked_update(
        action, as_of=as_of, status=status, percent_complete=percent_complete, summary=summary,
        evidence_url=evidence_url, evidence_title=evidence_title,
        evidence_file=evidence_file, metric_values=metric_values)
    update = ProgressUpdate(action_id=action.id, plan_id=action.section.plan_id, author_id=actor.id,
                            office=action.responsible_office, submission_token=submission_token,
                            metric_values=values, **fields)
    path = _attach_evidence(update, upload)
    db.session.add(update)
    try:
        db.session.flush()
    except IntegrityError:  # the same form, sent twice at once: the first one stands
        db.session.rollback()
        if path is not None:
            path.unlink(missing_ok=True)
        earlier = _earlier_update(actor, submission_token)
        if earlier is None:
            raise
        return earlier
    try:
        recompute_progress(action)
        audit.record(actor, "progress.update_posted", "progress_update", update.id, **_audit_details(update))
        db.session.commit()
    except Exception:
        db.session.rollback()
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    notify_update(update.id)  # the people following the action or its plan
    return update


def _attach_evidence(update: ProgressUpdate, upload: uploads.CheckedUpload | None) -> Path | None:
    """Set the update's evidence fields (a file is stored now; the caller removes it if the save fails)."""
    if upload is not None:
        path = uploads.store(evidence_folder(), upload)
        update.evidence_kind = EvidenceKind.FILE
        update.evidence_url = ""
        update.evidence_stored_name = path.name
        update.evidence_filename = upload.download_name
        update.evidence_content_type = upload.content_type
        update.evidence_size_bytes = len(upload.data)
        return path
    update.evidence_kind = EvidenceKind.LINK if update.evidence_url else EvidenceKind.NONE
    return None


def _clear_file_fields(update: ProgressUpdate) -> None:
    update.evidence_stored_name = ""
    update.evidence_filename = ""
    update.evidence_content_type = ""
    update.evidence_size_bytes = 0


def can_change_update(actor, update: ProgressUpdate) -> bool:
    """Its author (while still allowed on the action) and leaders and admins."""
    if can(actor, UPDATE_PROGRESS):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False) or update.author_id != actor.id:
        return False
    return can_update_action(actor, update.action)


def require_change_update(actor, update: ProgressUpdate) -> None:
    if not can_change_update(actor, update):
        raise PermissionDenied(UPDATE_PROGRESS)


def edit_update(actor, update: ProgressUpdate, *, as_of: date, status: str, percent_complete: int, summary: str,
                evidence_url: str = "", evidence_title: str = "",
                evidence_file: EvidenceFile | None = None, remove_file: bool = False,
                metric_values: Mapping | None = None) -> ProgressUpdate:
    """Correct an update. A file already attached stays unless replaced (a new file), removed, or a link is given."""
    require_change_update(actor, update)
    action = update.action
    fields, upload, values = _checked_update(
        action, as_of=as_of, status=status, percent_complete=percent_complete, summary=summary,
        evidence_url=evidence_url, evidence_title=evidence_title,
        evidence_file=evidence_file, metric_values=metric_values)
    old_path = evidence_path(update) if update.evidence_kind == EvidenceKind.FILE else None
    before = _audit_details(update)
    for name, value in fields.items():
        setattr(update, name, value)
    keep_file = old_path is not None and upload is None and not fields["evidence_url"] and not remove_file
    new_path = None
    if keep_file:
        update.evidence_kind = EvidenceKind.FILE
    else:
        _clear_file_fields(update)
        new_path = _attach_evidence(update, upload)
    # Replace the metric values wholesale: the form shows every indicator.
    update.metric_values = values
    try:
        db.session.flush()
        recompute_progress(action)
        after = _audit_details(update)
        audit.record(actor, "progress.update_edited", "progress_update", update.id,
                     plan_id=update.plan_id, action_id=update.action_id,
                     changes={key: {"old": before[key], "new": after[key]}
                              for key in after if before[key] != after[key]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        if new_path is not None:
            new_path.unlink(missing_ok=True)
        raise
    if old_path is not None and not keep_file:
        old_path.unlink(missing_ok=True)
    return update


def delete_update(actor, update: ProgressUpdate) -> None:
    """Remove an update (and its file); the action's progress goes back to the update before it."""
    require_change_update(actor, update)
    action = update.action
    path = evidence_path(update) if update.evidence_kind == EvidenceKind.FILE else None
    details = _audit_details(update)
    update_id = update.id
    db.session.execute(
        ActionProgress.__table__.update()
        .where(ActionProgress.last_update_id == update_id)
        .values(last_update_id=None)
    )
    db.session.delete(update)
    db.session.flush()
    recompute_progress(action)
    audit.record(actor, "progress.update_deleted", "progress_update", update_id, **details)
    db.session.commit()
    # Only once the row is gone: a failed commit must not leave an update without its file.
    if path is not None:
        path.unlink(missing_ok=True)
