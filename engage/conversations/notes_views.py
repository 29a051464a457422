"""Hosts' notes after a session and paper comment cards: thin; the rules live in notes.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..orgs.services import list_schools
from ..vocabulary import LANGUAGE_CHOICES
from . import bp, notes, services
from .models import NoteStatus
from .notes_forms import (
    BLANK_CARD_ROWS,
    BLANK_NOTE_ROWS,
    MAX_BLANK_ROWS,
    CardForm,
    CardsForm,
    NotesForm,
    entry_row,
)


def _managed_session(session_id: int):
    session = services.get_session(session_id)
    if session is None:
        abort(404)
    services.require_manage_session(current_user, session)
    return session


def _blank_rows(default: int) -> int:
    """How many blank rows to show: ?rows= after "Add more rows", else the default."""
    return max(default, min(request.args.get("rows", default, type=int), MAX_BLANK_ROWS))


def _unavailable(session, state: str, title: str):
    return render_template("conversations/host/notes.html", session=session, state=state, title=title, form=None)


def _saved_message(was_submitted: bool) -> str:
    return _("Your changes are saved. Changes to submitted notes are logged.") if was_submitted else \
        _("Your notes are saved as a draft. The district sees them once you submit them.")


@bp.route("/<id:session_id>/notes", methods=["GET", "POST"])
@login_required
def edit_notes(session_id: int):
    session = _managed_session(session_id)
    title = _("Notes from the conversation")
    state = notes.notes_state(session)
    if state is not None:
        return _unavailable(session, state, title)
    note = notes.note_for_session(current_user, session)
    saved = note.heard if note is not None else []
    form = NotesForm(parts=notes.plan_parts(session),
                     stored_anchors={row["entry_id"]: row["anchor"] for row in map(entry_row, saved)})
    page = url_for("conversations.edit_notes", session_id=session.id)
    checked_in = notes.checked_in_count(session)
    if not form.is_submitted():
        form.fill(note, attendance_default=checked_in or None, blank_rows=_blank_rows(BLANK_NOTE_ROWS))
    elif form.validate():
        was_submitted = note is not None and note.status == NoteStatus.SUBMITTED
        action = request.form.get("action", "save")
        try:
            notes.save_note_draft(current_user, session, attendance_count=form.attendance_count.data,
                                         summary=form.summary.data, entries=form.entry_inputs())
            if action == "submit" and not was_submitted:
                notes.submit_note(current_user, session)
                flash(_("Thank you. Your notes are submitted to the district."), "success")
            else:
                flash(_saved_message(was_submitted), "success")
        except notes.NothingToSubmit as refusal:
            flash(str(refusal.message), "error")
        except notes.NotesUnavailable:
            pass  # the page says why
        if action == "more":
            first_blank = len(form.entry_inputs())
            return redirect(url_for("conversations.edit_notes", session_id=session.id,
                                    rows=form.empty_rows() + BLANK_NOTE_ROWS, _anchor=f"entries-{first_blank}"))
        return redirect(page)
    return render_template(
        "conversations/host/notes.html", session=session, state=None, title=title, form=form, note=note,
        checked_in=checked_in,
        cards_count=len(note.cards) if note is not None else 0,
    )


def _card_page_context(session) -> dict:
    every_school = list_schools(include_inactive=True)
    return {
        "sections": [part for part in notes.plan_parts(session) if part.action_key is None],
        "card_sections": notes.card_sections(session),
        "schools": [school for school in every_school if school.active],
        "every_school": every_school,
    }


def _card_labels(sections, schools) -> dict:
    """What a saved card's codes mean, for the list of cards entered."""
    return {
        "section_labels": {section.section_key: section.label for section in sections},
        "relationship_labels": dict(RELATIONSHIP_CHOICES),
        "language_labels": dict(LANGUAGE_CHOICES),
        "school_names": {school.id: school.name for school in schools},
    }


@bp.route("/<id:session_id>/notes/cards", methods=["GET", "POST"])
@login_required
def enter_cards(session_id: int):
    session = _managed_session(session_id)
    title = _("Paper comment cards")
    state = notes.notes_state(session)
    if state is not None:
        return _unavailable(session, state, title)
    note = notes.note_for_session(current_user, session)
    cards = note.cards if note is not None else []
    context = _card_page_context(session)
    form = CardsForm(session=session, sections=context["card_sections"], schools=context["schools"])
    if not form.is_submitted():
        form.seen_up_to.data = str(max((card.id for card in cards), default=0))
        form.add_blank_rows(_blank_rows(BLANK_CARD_ROWS))
    elif form.validate():
        entered = form.card_inputs()
        if entered:
            try:
                added = notes.add_cards(current_user, session, entered, seen_up_to=form.seen_up_to_id())
            except notes.NotesUnavailable:
                return redirect(url_for("conversations.enter_cards", session_id=session.id))
            flash(ngettext("%(num)d card saved.", "%(num)d cards saved.", len(added)), "success")
        if request.form.get("action") == "more":
            return redirect(url_for("conversations.enter_cards", session_id=session.id,
                                    rows=form.empty_rows() + BLANK_CARD_ROWS, _anchor="new-cards"))
        if not entered:
            flash(_("There were no cards to save: every row was empty."), "error")
        return redirect(url_for("conversations.enter_cards", session_id=session.id, _anchor="new-cards"))
    return render_template(
        "conversations/host/cards.html", session=session, title=title, form=form, note=note, cards=cards,
        editing=None, **_card_labels(context["sections"], context["every_school"]),
    )


def _card_or_404(session, entry_id: int):
    card = notes.get_card(current_user, session, entry_id)
    if card is None:
        abort(404)
    return card


@bp.route("/<id:session_id>/notes/cards/<id:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_card(session_id: int, entry_id: int):
    session = _managed_session(session_id)
    state = notes.notes_state(session)
    if state is not None:
        return _unavailable(session, state, _("Paper comment cards"))
    card = _card_or_404(session, entry_id)
    context = _card_page_context(session)
    form = CardForm(session=session, sections=context["card_sections"], schools=context["schools"], card=card)
    if not form.is_submitted():
        form.fill(card)
    elif form.validate():
        updated = notes.update_card(current_user, session, entry_id, form.card_input(form.language.data))
        flash(_("The card is saved.") if updated is not None else _("That card had already been deleted."),
              "success" if updated is not None else "error")
        return redirect(url_for("conversations.enter_cards", session_id=session.id, _anchor="cards-entered"))
    return render_template("conversations/host/cards.html", session=session, title=_("Correct a card"), form=form,
                           note=None, cards=[], editing=card)


@bp.post("/<id:session_id>/notes/cards/<id:entry_id>/delete")
@login_required
def delete_card(session_id: int, entry_id: int):
    session = _managed_session(session_id)
    if notes.notes_state(session) is None:
        if notes.delete_card(current_user, session, entry_id):
            flash(_("The card is deleted."), "success")
        else:
            flash(_("That card had already been deleted."), "error")
    return redirect(url_for("conversations.enter_cards", session_id=session.id, _anchor="cards-entered"))
