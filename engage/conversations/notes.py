"""Hosts' notes after a conversation: what was heard, and paper comment cards typed in.

A session has at most one note. It is a draft, seen only by the people who run
the session, until the host submits it; then its entries become feedback items
(engage/feedback) for leadership and the theme analysis. Hosts can still
correct a submitted note: every change after submission leaves an audit row
saying what changed.

Every write first locks the session's row (registration.lock_session), so two
saves of one note (a double click, two tabs) run one after the other and a
session never gets two notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..extensions import db
from ..models import as_utc, utcnow
from .models import (
    ConversationNote,
    ConversationSession,
    NoteEntry,
    NoteEntryKind,
    NoteStatus,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from . import toolkit
from .registration import lock_session
from .services import require_manage_session

# Fields of an entry a host or volunteer types; the rest (kind, position) the service sets.
ENTRY_FIELDS = ("text", "language", "section_key", "action_key", "relationship_to_district",
                "participant_language", "school_id")


class NotesUnavailable(Exception):
    """Nothing to report yet: the session has not started, or it was cancelled."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "not_started" or "cancelled"


class NothingToSubmit(Exception):
    """A note needs an attendance count or at least one entry before it goes to the district."""

    message = _l("Add the number of people who came, or at least one thing you heard, before you submit.")


@dataclass(frozen=True)
class EntryInput:
    """One row of the notes or card form, already checked by the form.

    entry_id names the stored entry the row was shown from, so an unchanged
    row keeps its id when the form is saved again.
    """

    text: str
    entry_id: int | None = None
    language: str | None = None
    section_key: str | None = None
    action_key: str | None = None
    relationship_to_district: str | None = None
    participant_language: str | None = None
    school_id: int | None = None

    def values(self) -> dict:
        return {name: (self.text or "").strip() if name == "text" else getattr(self, name) for name in ENTRY_FIELDS}


@dataclass(frozen=True)
class EntryChanges:
    added: int = 0
    removed: int = 0
    changed: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


# Reading -----------------------------------------------------------------------------


def notes_state(session: ConversationSession, now: datetime | None = None) -> str | None:
    """None when notes can be written, else why not: 'not_started' or 'cancelled'."""
    if session.status == SessionStatus.CANCELLED:
        return "cancelled"
    if (now or utcnow()) < as_utc(session.starts_at):
        return "not_started"
    return None


def _require_open(session: ConversationSession, now: datetime | None) -> None:
    state = notes_state(session, now)
    if state is not None:
        raise NotesUnavailable(state)


def note_for_session(actor, session: ConversationSession) -> ConversationNote | None:
    """The session's note with its entries, or None before anything was saved."""
    require_manage_session(actor, session)
    return db.session.scalar(
        select(ConversationNote)
        .where(ConversationNote.session_id == session.id)
        .options(selectinload(ConversationNote.entries), selectinload(ConversationNote.submitted_by))
    )


def checked_in_count(session: ConversationSession) -> int:
    """People checked in, walk-ins included, each party counted in full."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.session_id == session.id,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.checked_in_at.is_not(None),
        )
    )


@dataclass(frozen=True)
class PlanPart:
    """A section of the session's plan, or an action in it, that an entry can be about."""

    section_key: str
    action_key: str | None
    label: str

    @property
    def value(self) -> str:
        return f"{self.section_key}/{self.action_key}" if self.action_key else self.section_key


def _plan_outline(session: ConversationSession) -> list[dict]:
    """The sections and actions of the latest published version of the session's
    plan (what families read and what the printables show), in one query."""
    version = toolkit.latest_version(session.plan_id)
    return version.snapshot.get("sections", []) if version is not None else []


def _action_label(section: dict, action: dict) -> str:
    name = action.get("title") or (action.get("description") or "")[:60]
    if action.get("number"):
        name = f"{action['number']}. {name}"
    return f"{section['title']} › {name}"


def plan_parts(session: ConversationSession) -> list[PlanPart]:
    """Every section of the session's plan and every action in it, in the plan's order."""
    parts = []
    for section in _plan_outline(session):
        parts.append(PlanPart(section["key"], None, section["title"]))
        parts.extend(PlanPart(section["key"], action["key"], _action_label(section, action))
                     for action in section.get("actions", []))
    return parts


def card_sections(session: ConversationSession) -> list[PlanPart]:
    """The sections under "Which part of the plan is it about?" on the printed
    comment card (toolkit.session_sections), so the bulk entry form offers the same."""
    return [PlanPart(section.key, None, section.title) for section in toolkit.session_sections(session)]


# Writing -----------------------------------------------------------------------------


def _locked_note(session: ConversationSession, *, create: bool) -> tuple[ConversationSession, ConversationNote | None]:
    """Lock the session's row, then read its note fresh (or start one)."""
    session = lock_session(session.id)
    note = db.session.scalar(
        select(ConversationNote)
        .where(ConversationNote.session_id == session.id)
        .options(selectinload(ConversationNote.entries))
        .execution_options(populate_existing=True)
    )
    if note is None and create:
        note = ConversationNote(session_id=session.id, status=NoteStatus.DRAFT, summary="", entries=[])
        db.session.add(note)
    return session, note


def _replace_entries(note: ConversationNote, kind: str, rows: list[EntryInput]) -> EntryChanges:
    """Make the note's entries of this kind exactly these rows, in this order.

    A row naming one of the note's entries updates it, keeping its id. A row
    naming none that says exactly what an unclaimed entry says is that entry
    (the same form sent twice, before the first answer showed the new ids).
    Any other row is a new entry; entries no row claims are removed.
    """
    current = {entry.id: entry for entry in note.entries if entry.kind == kind}
    claimed: dict[int, NoteEntry] = {}  # row index -> entry
    for index, row in enumerate(rows):
        if row.entry_id in current and current[row.entry_id] not in claimed.values():
            claimed[index] = current[row.entry_id]
    unclaimed = [entry for entry in current.values() if entry not in claimed.values()]
    for index, row in enumerate(rows):
        if index in claimed:
            continue
        values = row.values()
        twin = next((entry for entry in unclaimed
                     if all(getattr(entry, name) == value for name, value in values.items())), None)
        if twin is not None:
            claimed[index] = twin
            unclaimed.remove(twin)
    added = changed = 0
    for position, row in enumerate(rows):
        values = row.values()
        entry = claimed.get(position)
        if entry is None:
            note.entries.append(NoteEntry(kind=kind, position=position, **values))
            added += 1
            continue
        if any(getattr(entry, name) != value for name, value in values.items()):
            changed += 1
            for name, value in values.items():
                setattr(entry, name, value)
        entry.position = position
    removed = unclaimed
    for entry in removed:
        note.entries.remove(entry)
    return EntryChanges(added=added, removed=len(removed), changed=changed)


def _log_change_after_submission(actor, note: ConversationNote, kind: str, changes: EntryChanges, *,
                                 old_attendance: int | None, summary_changed: bool = False) -> None:
    """An audit row for a change to a submitted note; nothing when nothing changed."""
    if note.status != NoteStatus.SUBMITTED:
        return
    if not changes and old_attendance == note.attendance_count and not summary_changed:
        return
    audit.record(
        actor, "conversation.notes_edited_after_submission", "conversation_session", note.session_id,
        entry_kind=kind, entries_added=changes.added, entries_removed=changes.removed,
        entries_changed=changes.changed, old_attendance=old_attendance, new_attendance=note.attendance_count,
        summary_changed=summary_changed,
    )


def save_note_draft(actor, session: ConversationSession, *, attendance_count: int | None, summary: str = "",
                    entries: list[EntryInput], now: datetime | None = None) -> ConversationNote:
    """Save the note's attendance, summary and "what we heard" entries as sent.

    The entries replace the note's previous ones (paper cards are kept), so
    saving the same form twice gives the same note. A submitted note stays
    submitted, and the change is logged.
    """
    require_manage_session(actor, session)
    _require_open(session, now)
    session, note = _locked_note(session, create=True)
    old_attendance, old_summary = note.attendance_count, note.summary
    note.attendance_count = attendance_count
    note.summary = (summary or "").strip()
    changes = _replace_entries(note, NoteEntryKind.HEARD, entries)
    _log_change_after_submission(actor, note, NoteEntryKind.HEARD, changes, old_attendance=old_attendance,
                                 summary_changed=old_summary != note.summary)
    db.session.commit()
    return note


def submit_note(actor, session: ConversationSession, *, now: datetime | None = None) -> ConversationNote:
    """Send the note to the district: its entries become feedback items.

    Marks a scheduled (or full) session completed. Submitting an already
    submitted note changes nothing, so a second click is harmless.
    """
    require_manage_session(actor, session)
    _require_open(session, now)
    session, note = _locked_note(session, create=False)
    if note is not None and note.status == NoteStatus.SUBMITTED:
        db.session.rollback()
        return note
    if note is None or (note.attendance_count is None and not note.entries):
        db.session.rollback()
        raise NothingToSubmit()
    now = now or utcnow()
    note.status = NoteStatus.SUBMITTED
    note.submitted_at = now
    note.submitted_by_id = actor.id
    if session.status in SessionStatus.OPEN:
        session.status = SessionStatus.COMPLETED
        audit.record(actor, "conversation.completed", "conversation_session", session.id, by="notes_submitted")
    audit.record(actor, "conversation.notes_submitted", "conversation_session", session.id,
                 attendance=note.attendance_count, entries=len(note.heard), cards=len(note.cards))
    db.session.commit()
    return note


# Paper comment cards -----------------------------------------------------------------


def get_card(actor, session: ConversationSession, entry_id: int) -> NoteEntry | None:
    """One typed-in card of this session's note."""
    require_manage_session(actor, session)
    return db.session.scalar(
        select(NoteEntry).join(ConversationNote)
        .where(NoteEntry.id == entry_id, NoteEntry.kind == NoteEntryKind.CARD,
               ConversationNote.session_id == session.id)
    )


def add_cards(actor, session: ConversationSession, cards: list[EntryInput], *, seen_up_to: int | None = None,
              now: datetime | None = None) -> list[NoteEntry]:
    """Add typed-in paper comment cards after those already entered.

    seen_up_to is the highest card id when the form was shown (0 for none).
    When the cards entered since then are exactly these, the same form came
    twice (a double click, a reload): they are returned, not added again.
    """
    require_manage_session(actor, session)
    _require_open(session, now)
    session, note = _locked_note(session, create=True)
    existing = note.cards
    if seen_up_to is not None and cards:
        since = [card for card in existing if card.id > seen_up_to]
        if [_card_values(card) for card in since] == [card.values() for card in cards]:
            db.session.rollback()
            return since
    position = max((card.position for card in existing), default=-1) + 1
    added = [NoteEntry(kind=NoteEntryKind.CARD, position=position + i, **card.values())
             for i, card in enumerate(cards)]
    note.entries.extend(added)
    _log_change_after_submission(actor, note, NoteEntryKind.CARD, EntryChanges(added=len(added)),
                                 old_attendance=note.attendance_count)
    db.session.commit()
    return added


def _card_values(card: NoteEntry) -> dict:
    return {name: getattr(card, name) for name in ENTRY_FIELDS}


def update_card(actor, session: ConversationSession, entry_id: int, card: EntryInput,
                *, now: datetime | None = None) -> NoteEntry | None:
    """Correct one typed-in card; None when it is no longer there."""
    require_manage_session(actor, session)
    _require_open(session, now)
    session, note = _locked_note(session, create=False)
    entry = next((c for c in note.cards if c.id == entry_id), None) if note is not None else None
    if entry is None:
        db.session.rollback()
        return None
    values = card.values()
    changed = any(getattr(entry, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(entry, name, value)
    _log_change_after_submission(actor, note, NoteEntryKind.CARD, EntryChanges(changed=int(changed)),
                                 old_attendance=note.attendance_count)
    db.session.commit()
    return entry


def delete_card(actor, session: ConversationSession, entry_id: int, *, now: datetime | None = None) -> bool:
    """Remove one typed-in card; False when it was already gone (a second click)."""
    require_manage_session(actor, session)
    _require_open(session, now)
    session, note = _locked_note(session, create=False)
    entry = next((c for c in note.cards if c.id == entry_id), None) if note is not None else None
    if entry is None:
        db.session.rollback()
        return False
    note.entries.remove(entry)
    _log_change_after_submission(actor, note, NoteEntryKind.CARD, EntryChanges(removed=1),
                                 old_attendance=note.attendance_count)
    db.session.commit()
    return True
