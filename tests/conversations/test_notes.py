"""Hosts' notes after a conversation: drafts, tags, submission, edits after submission, and who may write them."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engage.conversations import notes
from engage.conversations.models import NoteEntry, NoteEntryKind, NoteStatus, SessionStatus
from engage.extensions import db
from engage.models import utcnow
from engage.permissions import PermissionDenied
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from tests.conversations.factories import add_registration, make_session
from tests.support.notes import (
    ALLOWED,
    ROLES,
    STARTED,
    audit_rows,
    expected_status,
    form_values,
    hosting_pto,
    main_html,
    make_client_for,
    published_plan,
    started_session,
    stored_note,
)
from tests.support.people import make_organization
from tests.support.queries import count_queries
from tests.support.web import post_form
from tests.support.xss import PAYLOADS, active_content

# Helpers (tests/support/notes.py has those the card tests use too) ---------------------


def notes_path(session) -> str:
    return f"/conversations/{session.id}/notes"


def entry_rows(*rows: dict, start: int = 0) -> dict:
    """Form data for "what we heard" rows: {"text": ..., "anchor": ..., ...} each."""
    data = {}
    for index, row in enumerate(rows, start=start):
        defaults = {"entry_id": "", "text": "", "anchor": "", "relationship": "", "participant_language": "",
                    "language": "en"}
        for name, value in {**defaults, **row}.items():
            data[f"entries-{index}-{name}"] = value
    return data


def save_notes(client, session, *rows: dict, action: str = "save", **fields):
    data = {"attendance_count": "", "summary": "", **fields, **entry_rows(*rows), "action": action}
    return post_form(client, notes_path(session), data, form_page=notes_path(session))


# Before and after the session -------------------------------------------------------------


def test_notes_page_before_the_session_starts_says_when_notes_open(client_as, users):
    session = make_session(organization=hosting_pto(), starts_in=timedelta(days=2))
    response = client_as("host").get(notes_path(session))
    assert response.status_code == 200
    html = main_html(response)
    assert "once the conversation has started" in html
    assert "<form" not in html


def test_notes_cannot_be_saved_before_the_session_starts(users):
    session = make_session(organization=hosting_pto(), starts_in=timedelta(days=2))
    with pytest.raises(notes.NotesUnavailable):
        notes.save_note_draft(users["host"], session, attendance_count=3, entries=[])
    assert stored_note(session) is None


def test_cancelled_session_has_no_notes_form(client_as, users):
    session = started_session(users, status=SessionStatus.CANCELLED)
    html = main_html(client_as("host").get(notes_path(session)))
    assert "was cancelled" in html
    assert "<form" not in html


# The draft ---------------------------------------------------------------------------------


def test_attendance_is_prefilled_from_checked_in_parties_and_walk_ins(client_as, users):
    session = started_session(users)
    add_registration(session, party_size=3, checked_in_at=utcnow())
    add_registration(session, party_size=4)  # signed up, never came
    add_registration(session, party_size=2, walk_in=True, checked_in_at=utcnow(), email=None)
    html = main_html(client_as("host").get(notes_path(session)))
    assert form_values(html)["attendance_count"] == "5"


def test_saved_attendance_wins_over_the_check_in_count(client_as, users):
    session = started_session(users)
    add_registration(session, party_size=3, checked_in_at=utcnow())
    notes.save_note_draft(users["host"], session, attendance_count=12, entries=[])
    html = main_html(client_as("host").get(notes_path(session)))
    assert form_values(html)["attendance_count"] == "12"


def test_saving_the_draft_keeps_entries_with_their_tags_and_skips_empty_rows(client_as, users):
    plan = published_plan(users["leader"])
    section = plan.sections[0]
    action = section.actions[1]
    session = started_session(users, plan=plan)
    response = save_notes(
        client_as("host"), session,
        {"text": "Parents want buses after late clubs", "anchor": f"{section.key}/{action.key}",
         "relationship": "parent", "participant_language": "es", "language": "es"},
        {},
        {"text": "  Students asked for tutoring  "},
        attendance_count="14", summary="Lively evening.",
    )
    assert response.status_code == 302
    note = stored_note(session)
    assert (note.status, note.attendance_count, note.summary) == (NoteStatus.DRAFT, 14, "Lively evening.")
    assert [(e.kind, e.text, e.section_key, e.action_key, e.relationship_to_district, e.participant_language,
             e.language) for e in note.entries] == [
        (NoteEntryKind.HEARD, "Parents want buses after late clubs", section.key, action.key, "parent", "es", "es"),
        (NoteEntryKind.HEARD, "Students asked for tutoring", None, None, None, None, "en"),
    ]


def test_a_row_with_a_tag_but_no_text_gets_an_error_beside_it_and_nothing_is_saved(client_as, users):
    session = started_session(users)
    response = save_notes(client_as("host"), session, {"text": "Fine"}, {"relationship": "student"},
                          attendance_count="9")
    assert response.status_code == 200
    html = main_html(response)
    assert 'id="entries-1-text-error"' in html
    assert "Please write what was heard" in html
    assert 'href="#entries-1-text"' in html  # the summary links to the field
    assert form_values(html)["entries-0-text"] == "Fine"  # what was typed stays
    assert stored_note(session) is None


def test_attendance_must_be_a_whole_number(client_as, users):
    session = started_session(users)
    response = save_notes(client_as("host"), session, attendance_count="about twenty")
    assert response.status_code == 200
    assert "Please enter a whole number" in main_html(response)
    assert stored_note(session) is None


def test_an_attendance_too_large_for_a_computer_is_an_error_beside_the_field(client_as, users):
    session = started_session(users)
    response = save_notes(client_as("host"), session, attendance_count="9" * 400)  # too large even for a float
    assert response.status_code == 200
    assert 'id="attendance_count-error"' in response.get_data(as_text=True)
    assert stored_note(session) is None


def test_the_form_shows_saved_entries_plus_three_blank_rows(client_as, users):
    session = started_session(users)
    notes.save_note_draft(users["host"], session, attendance_count=None,
                          entries=[notes.EntryInput(text="One"), notes.EntryInput(text="Two")])
    values = form_values(main_html(client_as("host").get(notes_path(session))))
    texts = [values[f"entries-{i}-text"] for i in range(5)]
    assert texts == ["One", "Two", "", "", ""]
    assert "entries-5-text" not in values


def test_add_more_rows_saves_the_draft_and_shows_three_more_blank_rows(client_as, users):
    session = started_session(users)
    client = client_as("host")
    response = save_notes(client, session, {"text": "Kept"}, {}, {}, action="more")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{notes_path(session)}?rows=5#entries-1")
    assert [e.text for e in stored_note(session).entries] == ["Kept"]
    values = form_values(main_html(client.get(response.headers["Location"])))
    assert sum(1 for name in values if name.endswith("-text")) == 1 + 5


def test_saving_again_keeps_the_ids_of_entries_that_were_sent_back(client_as, users):
    session = started_session(users)
    client = client_as("host")
    save_notes(client, session, {"text": "First"}, {"text": "Second"})
    first, second = stored_note(session).entries
    values = form_values(main_html(client.get(notes_path(session))))
    values["entries-1-text"] = "Second, corrected"
    values["entries-2-text"] = "Third"
    post_form(client, notes_path(session), {**values, "action": "save"}, form_page=notes_path(session))
    entries = stored_note(session).entries
    assert [(e.id, e.text) for e in entries[:2]] == [(first.id, "First"), (second.id, "Second, corrected")]
    assert entries[2].text == "Third" and entries[2].id not in {first.id, second.id}


def test_sending_the_same_form_twice_gives_the_same_entries(client_as, users):
    session = started_session(users)
    client = client_as("host")
    save_notes(client, session, {"text": "Only once"}, attendance_count="4")
    [first] = stored_note(session).entries
    save_notes(client, session, {"text": "Only once"}, attendance_count="4")
    assert [(e.id, e.text) for e in stored_note(session).entries] == [(first.id, "Only once")]


def test_clearing_a_row_removes_its_entry(client_as, users):
    session = started_session(users)
    client = client_as("host")
    save_notes(client, session, {"text": "Keep"}, {"text": "Drop"})
    values = form_values(main_html(client.get(notes_path(session))))
    values["entries-1-text"] = ""
    post_form(client, notes_path(session), {**values, "action": "save"}, form_page=notes_path(session))
    assert [e.text for e in stored_note(session).entries] == ["Keep"]
    assert db.session.scalar(select(func.count()).select_from(NoteEntry)) == 1


def test_an_entry_id_from_another_session_is_treated_as_a_new_entry(users):
    other = started_session(users, title="Another conversation")
    notes.save_note_draft(users["host"], other, attendance_count=None, entries=[notes.EntryInput(text="Theirs")])
    theirs = stored_note(other).entries[0]
    session = started_session(users)
    notes.save_note_draft(users["host"], session, attendance_count=None,
                          entries=[notes.EntryInput(text="Mine", entry_id=theirs.id)])
    assert [e.text for e in stored_note(other).entries] == ["Theirs"]
    [mine] = stored_note(session).entries
    assert mine.id != theirs.id and mine.text == "Mine"


def test_paper_cards_are_kept_when_the_notes_are_saved(users):
    session = started_session(users)
    notes.add_cards(users["host"], session, [notes.EntryInput(text="A card")])
    notes.save_note_draft(users["host"], session, attendance_count=3, entries=[notes.EntryInput(text="Heard")])
    assert sorted((e.kind, e.text) for e in stored_note(session).entries) == [
        (NoteEntryKind.CARD, "A card"), (NoteEntryKind.HEARD, "Heard")]


def test_plan_choices_are_the_sections_and_actions_of_the_published_plan(client_as, users):
    plan = published_plan(users["leader"], sections=2)
    session = started_session(users, plan=plan)
    html = main_html(client_as("host").get(notes_path(session)))
    select_html = re.search(r'<select[^>]*name="entries-0-anchor"[^>]*>(.*?)</select>', html, re.S).group(1)
    labels = [unescape(label) for label in re.findall(r"<option[^>]*>(.*?)</option>", select_html)]
    assert labels == ["Not about a specific part", "Goal 1", "Goal 1 › 1. Action 1.1", "Goal 1 › 2. Action 1.2",
                      "Goal 2", "Goal 2 › 1. Action 2.1", "Goal 2 › 2. Action 2.2"]


def test_an_anchor_not_in_the_plan_is_refused(client_as, users):
    session = started_session(users, plan=published_plan(users["leader"]))
    response = save_notes(client_as("host"), session, {"text": "Hm", "anchor": "nosuchkey"})
    assert response.status_code == 200
    assert stored_note(session) is None


def test_an_entry_about_a_part_since_removed_from_the_plan_keeps_its_tag(client_as, users):
    plan = published_plan(users["leader"])
    removed = plan.sections[1]
    session = started_session(users, plan=plan)
    notes.save_note_draft(users["host"], session, attendance_count=None,
                          entries=[notes.EntryInput(text="About goal 2", section_key=removed.key)])
    plans.delete_part(users["leader"], plan, removed)
    db.session.commit()
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    client = client_as("host")
    html = main_html(client.get(notes_path(session)))
    assert "A part of the plan that has since been removed" in html
    values = form_values(html)
    assert values["entries-0-anchor"] == removed.key
    response = post_form(client, notes_path(session), {**values, "entries-0-text": "About goal 2, edited",
                                                        "action": "save"}, form_page=notes_path(session))
    assert response.status_code == 302
    [entry] = stored_note(session).entries
    assert (entry.text, entry.section_key) == ("About goal 2, edited", removed.key)


def test_blank_rows_are_written_in_the_interface_language_by_default(client_as, users):
    users["host"].locale = "es"
    db.session.commit()
    session = started_session(users)
    values = form_values(main_html(client_as("host").get(notes_path(session))))
    assert values["entries-0-language"] == "es"


def test_hostile_entry_text_is_shown_as_text_on_the_notes_page(client_as, users):
    session = started_session(users)
    payload = " ".join(PAYLOADS)
    notes.save_note_draft(users["host"], session, attendance_count=None, summary=payload,
                          entries=[notes.EntryInput(text=payload)])
    html = main_html(client_as("host").get(notes_path(session)))
    assert active_content(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Submitting -------------------------------------------------------------------------------


def test_submitting_sends_the_notes_and_marks_the_session_completed(client_as, users):
    session = started_session(users)
    response = save_notes(client_as("host"), session, {"text": "More evening events"}, attendance_count="8",
                          action="submit")
    assert response.status_code == 302
    note = stored_note(session)
    assert (note.status, note.submitted_by_id) == (NoteStatus.SUBMITTED, users["host"].id)
    assert note.submitted_at is not None
    assert db.session.get(type(session), session.id).status == SessionStatus.COMPLETED
    [event] = audit_rows("conversation.notes_submitted")
    assert (event.actor_id, event.target_id, event.details["attendance"], event.details["entries"]) == (
        users["host"].id, session.id, 8, 1)
    assert len(audit_rows("conversation.completed")) == 1


def test_submitting_keeps_a_session_already_marked_completed_as_is(users):
    session = started_session(users, status=SessionStatus.COMPLETED)
    notes.save_note_draft(users["host"], session, attendance_count=5, entries=[])
    notes.submit_note(users["host"], session)
    assert audit_rows("conversation.completed") == []
    assert stored_note(session).status == NoteStatus.SUBMITTED


def test_notes_with_no_attendance_and_no_entries_cannot_be_submitted(client_as, users):
    session = started_session(users)
    client = client_as("host")
    response = save_notes(client, session, action="submit")
    assert response.status_code == 302
    assert stored_note(session).status == NoteStatus.DRAFT
    assert "Add the number of people who came" in main_html(client.get(notes_path(session)))
    assert db.session.get(type(session), session.id).status == SessionStatus.SCHEDULED


def test_attendance_alone_is_enough_to_submit(users):
    session = started_session(users)
    notes.save_note_draft(users["host"], session, attendance_count=6, entries=[])
    assert notes.submit_note(users["host"], session).status == NoteStatus.SUBMITTED


def test_pressing_submit_twice_is_harmless(client_as, users):
    session = started_session(users)
    client = client_as("host")
    save_notes(client, session, {"text": "Once"}, attendance_count="3", action="submit")
    submitted_at = stored_note(session).submitted_at
    response = save_notes(client, session, {"text": "Once"}, attendance_count="3", action="submit")
    assert response.status_code == 302
    note = stored_note(session)
    assert (note.submitted_at, [e.text for e in note.entries]) == (submitted_at, ["Once"])
    assert len(audit_rows("conversation.notes_submitted")) == 1
    assert audit_rows("conversation.notes_edited_after_submission") == []


def test_submitted_notes_page_says_when_and_that_changes_are_logged(client_as, users):
    session = started_session(users)
    notes.save_note_draft(users["host"], session, attendance_count=3, entries=[])
    notes.submit_note(users["host"], session)
    html = main_html(client_as("host").get(notes_path(session)))
    assert "Submitted on" in html and "changes are logged" in html
    assert "Submit notes to the district" not in html


def test_changes_after_submission_are_logged_with_what_changed(client_as, users):
    session = started_session(users)
    client = client_as("host")
    save_notes(client, session, {"text": "Keep"}, {"text": "Change me"}, {"text": "Remove me"},
               attendance_count="10", action="submit")
    values = form_values(main_html(client.get(notes_path(session))))
    values.update({"attendance_count": "12", "entries-1-text": "Changed", "entries-2-text": "",
                   "entries-3-text": "Added one", "entries-4-text": "Added two"})
    post_form(client, notes_path(session), {**values, "action": "save"}, form_page=notes_path(session))
    [event] = audit_rows("conversation.notes_edited_after_submission")
    assert event.details == {"entry_kind": "heard", "entries_added": 2, "entries_removed": 1, "entries_changed": 1,
                             "old_attendance": 10, "new_attendance": 12, "summary_changed": False}
    assert stored_note(session).status == NoteStatus.SUBMITTED


def test_saving_a_submitted_note_without_changes_logs_nothing(users):
    session = started_session(users)
    notes.save_note_draft(users["host"], session, attendance_count=3, entries=[notes.EntryInput(text="Same")])
    notes.submit_note(users["host"], session)
    [entry] = stored_note(session).entries
    notes.save_note_draft(users["host"], session, attendance_count=3,
                          entries=[notes.EntryInput(text="Same", entry_id=entry.id)])
    assert audit_rows("conversation.notes_edited_after_submission") == []


def test_saving_a_draft_logs_no_edits(users):
    session = started_session(users)
    for text in ("One", "Two"):
        notes.save_note_draft(users["host"], session, attendance_count=3, entries=[notes.EntryInput(text=text)])
    assert audit_rows("conversation.notes_edited_after_submission") == []


# Query counts ------------------------------------------------------------------------------


def test_notes_page_runs_the_same_queries_however_many_entries(client_as, users):
    session = started_session(users, plan=published_plan(users["leader"]))
    add_registration(session, party_size=2, checked_in_at=utcnow())
    client = client_as("host")

    def queries_with(entries: int) -> int:
        notes.save_note_draft(users["host"], session, attendance_count=3,
                              entries=[notes.EntryInput(text=f"Idea {n}", relationship_to_district="parent")
                                       for n in range(entries)])
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(notes_path(session)).status_code == 200
        return counter.count

    assert queries_with(2) == queries_with(40)


# Who may write notes -------------------------------------------------------------------------


@pytest.fixture
def client_for(client_as, app):
    return make_client_for(client_as, app)


@pytest.mark.parametrize("role", ROLES)
def test_only_people_who_run_the_session_see_the_notes_page(client_for, users, role):
    session = started_session(users)
    assert client_for(role).get(notes_path(session)).status_code == expected_status(role)


@pytest.mark.parametrize("role", ROLES)
def test_only_people_who_run_the_session_can_save_notes(client_for, users, role):
    session = started_session(users)
    client = client_for(role)
    response = post_form(client, notes_path(session), {**entry_rows({"text": "Sneaky"}), "action": "submit"})
    assert response.status_code == expected_status(role, allowed=302)
    note = stored_note(session)
    assert (note is not None) == (role in ALLOWED)


def test_a_host_of_another_organization_cannot_save_notes_through_the_service(users):
    session = started_session(users, organization=make_organization("Other PTO"))
    with pytest.raises(PermissionDenied):
        notes.save_note_draft(users["host"], session, attendance_count=1, entries=[])
    with pytest.raises(PermissionDenied):
        notes.submit_note(users["host"], session)


def test_leaders_write_notes_for_district_hosted_sessions(client_as, users):
    session = make_session(starts_in=STARTED)  # no organization: the district hosts it
    assert client_as("leader").get(notes_path(session)).status_code == 200
    assert client_as("host").get(notes_path(session)).status_code == 403


def test_unknown_session_is_not_found(client_as):
    assert client_as("leader").get("/conversations/999999/notes").status_code == 404
