"""Typing in paper comment cards: the same fields as the printed card, many at once, corrected, deleted."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engage.conversations import notes
from engage.conversations.models import NoteEntry, NoteEntryKind
from engage.conversations.notes_forms import BLANK_CARD_ROWS, CardFields
from engage.conversations.toolkit import comment_card_fields
from engage.extensions import db
from engage.permissions import PermissionDenied
from tests.conversations.factories import make_session
from tests.support.notes import (
    ALLOWED,
    ROLES,
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
from tests.surveys.factories import make_school


def cards_path(session) -> str:
    return f"/conversations/{session.id}/notes/cards"


def card_rows(*rows: dict) -> dict:
    data = {}
    for index, row in enumerate(rows):
        defaults = {"text": "", "section_key": "", "relationship_to_district": "", "participant_language": "",
                    "school_id": ""}
        for name, value in {**defaults, **row}.items():
            data[f"cards-{index}-{name}"] = value
    return data


def enter_cards(client, session, *rows: dict, action: str = "save", language: str = "en", seen_up_to: str = "0"):
    data = {"language": language, "seen_up_to": seen_up_to, **card_rows(*rows), "action": action}
    return post_form(client, cards_path(session), data, form_page=cards_path(session))


def stored_cards(session) -> list[NoteEntry]:
    note = stored_note(session)
    return note.cards if note is not None else []


def options_of(html: str, name: str) -> list[tuple[str, str]]:
    body = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(unescape(value), unescape(label))
            for value, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', body)]


# The form matches the printed card ------------------------------------------------------------


def test_card_fields_are_the_printed_cards_in_its_order():
    with_labels = [(field.short_name, str(field.label.text)) for field in CardFields()]
    assert with_labels == [(field.name, str(field.label)) for field in comment_card_fields()]


def test_each_card_row_on_the_page_asks_the_cards_questions_in_order(client_as, users):
    session = started_session(users)
    html = main_html(client_as("host").get(cards_path(session)))
    row = html[html.index('id="cards-0"'):html.index('id="cards-1"')]
    labels = [unescape(label) for label in re.findall(r'<label for="cards-0-[^"]+">(.*?)</label>', row)]
    assert labels == [str(field.label) for field in comment_card_fields()]


def test_the_page_offers_ten_blank_cards(client_as, users):
    session = started_session(users)
    values = form_values(main_html(client_as("host").get(cards_path(session))))
    assert sum(1 for name in values if name.endswith("-text")) == BLANK_CARD_ROWS == 10


def test_plan_choices_are_the_sessions_sections_then_something_else(client_as, users):
    plan = published_plan(users["leader"], sections=3)
    first, _, third = plan.sections
    session = started_session(users, plan=plan, section_keys=[third.key, first.key])
    html = main_html(client_as("host").get(cards_path(session)))
    assert options_of(html, "cards-0-section_key") == [(third.key, "Goal 3"), (first.key, "Goal 1"),
                                                         ("", "Something else")]
    assert form_values(html)["cards-0-section_key"] == ""  # an unmarked card is "Something else"


def test_school_choices_are_the_active_schools(client_as, users):
    school = make_school("Lincoln Elementary")
    closed = make_school("Closed School")
    closed.active = False
    db.session.commit()
    session = started_session(users)
    options = options_of(main_html(client_as("host").get(cards_path(session))), "cards-0-school_id")
    assert options == [("", "Not given"), (str(school.id), "Lincoln Elementary")]


# Entering cards ----------------------------------------------------------------------------------


def test_typed_cards_are_saved_as_card_entries_and_empty_rows_are_skipped(client_as, users):
    plan = published_plan(users["leader"])
    section = plan.sections[1]
    school = make_school()
    session = started_session(users, plan=plan)
    response = enter_cards(
        client_as("host"), session,
        {"text": "Más autobuses por la tarde", "section_key": section.key, "relationship_to_district": "parent",
         "participant_language": "es", "school_id": str(school.id)},
        {},
        {"text": "Tutoring after school"},
        language="es",
    )
    assert response.status_code == 302
    cards = stored_cards(session)
    assert [(c.kind, c.text, c.language, c.section_key, c.action_key, c.relationship_to_district,
             c.participant_language, c.school_id) for c in cards] == [
        (NoteEntryKind.CARD, "Más autobuses por la tarde", "es", section.key, None, "parent", "es", school.id),
        (NoteEntryKind.CARD, "Tutoring after school", "es", None, None, None, None, None),
    ]
    assert stored_note(session).status == "draft"


def test_a_card_with_choices_but_no_comment_gets_an_error_and_nothing_is_saved(client_as, users):
    session = started_session(users)
    response = enter_cards(client_as("host"), session, {"text": "Fine"}, {"relationship_to_district": "staff"})
    assert response.status_code == 200
    html = main_html(response)
    assert 'id="cards-1-text-error"' in html and "Please type the comment" in html
    assert 'href="#cards-1-text"' in html
    assert form_values(html)["cards-0-text"] == "Fine"
    assert stored_cards(session) == []


def test_the_same_card_form_sent_twice_adds_its_cards_once(client_as, users):
    session = started_session(users)
    client = client_as("host")
    for _ in range(2):
        enter_cards(client, session, {"text": "More buses"}, {"text": "Later start"})
    assert [c.text for c in stored_cards(session)] == ["More buses", "Later start"]


def test_the_same_comment_typed_again_from_a_fresh_form_is_another_card(client_as, users):
    session = started_session(users)
    client = client_as("host")
    enter_cards(client, session, {"text": "More buses"})
    seen = form_values(main_html(client.get(cards_path(session))))["seen_up_to"]
    enter_cards(client, session, {"text": "More buses"}, seen_up_to=seen)
    assert [c.text for c in stored_cards(session)] == ["More buses", "More buses"]


def test_add_more_rows_saves_the_cards_and_shows_ten_more_blank_rows(client_as, users):
    session = started_session(users)
    client = client_as("host")
    response = enter_cards(client, session, {"text": "One"}, *([{}] * 9), action="more")
    assert response.status_code == 302
    assert "rows=19" in response.headers["Location"]
    assert [c.text for c in stored_cards(session)] == ["One"]
    values = form_values(main_html(client.get(response.headers["Location"])))
    assert sum(1 for name in values if name.endswith("-text")) == 19


def test_cards_entered_are_counted_and_listed(client_as, users):
    session = started_session(users)
    notes.add_cards(users["host"], session, [notes.EntryInput(text="First card"),
                                             notes.EntryInput(text="Second card", relationship_to_district="student")])
    html = main_html(client_as("host").get(cards_path(session)))
    assert "2 cards entered" in html
    assert html.index("First card") < html.index("Second card")
    assert "Student" in html


def test_hostile_card_text_is_shown_as_text(client_as, users):
    session = started_session(users)
    notes.add_cards(users["host"], session, [notes.EntryInput(text=" ".join(PAYLOADS))])
    html = main_html(client_as("host").get(cards_path(session)))
    assert active_content(html) == []
    assert "&lt;script&gt;" in html


def test_the_notes_page_counts_the_cards(client_as, users):
    session = started_session(users)
    notes.add_cards(users["host"], session, [notes.EntryInput(text="A"), notes.EntryInput(text="B")])
    assert "2 paper comment cards entered" in main_html(client_as("host").get(f"/conversations/{session.id}/notes"))


def test_cards_cannot_be_entered_before_the_session_starts(client_as, users):
    session = make_session(organization=hosting_pto(), starts_in=timedelta(days=1))
    html = main_html(client_as("host").get(cards_path(session)))
    assert "once the conversation has started" in html and "<form" not in html
    with pytest.raises(notes.NotesUnavailable):
        notes.add_cards(users["host"], session, [notes.EntryInput(text="Too early")])


# Correcting and deleting ------------------------------------------------------------------------


def add_card(users, session, text: str = "A card", **fields) -> NoteEntry:
    [card] = notes.add_cards(users["host"], session, [notes.EntryInput(text=text, **fields)])
    return card


def test_a_card_can_be_corrected(client_as, users):
    plan = published_plan(users["leader"])
    session = started_session(users, plan=plan)
    card = add_card(users, session, "Mas buses", language="en")
    path = f"{cards_path(session)}/{card.id}/edit"
    client = client_as("host")
    values = form_values(main_html(client.get(path)))
    assert values["text"] == "Mas buses"
    values.update({"text": "Más autobuses", "language": "es", "section_key": plan.sections[0].key})
    response = post_form(client, path, values, form_page=path)
    assert response.status_code == 302
    [stored] = stored_cards(session)
    assert (stored.id, stored.text, stored.language, stored.section_key) == (
        card.id, "Más autobuses", "es", plan.sections[0].key)


def test_a_corrected_card_needs_its_comment(client_as, users):
    session = started_session(users)
    card = add_card(users, session)
    path = f"{cards_path(session)}/{card.id}/edit"
    client = client_as("host")
    values = {**form_values(main_html(client.get(path))), "text": "  "}
    response = post_form(client, path, values, form_page=path)
    assert response.status_code == 200
    assert "Please type the comment" in main_html(response)
    assert stored_cards(session)[0].text == "A card"


def test_a_card_can_be_deleted_and_a_second_delete_is_harmless(client_as, users):
    session = started_session(users)
    card = add_card(users, session)
    keep = add_card(users, session, "Keep me")
    client = client_as("host")
    path = f"{cards_path(session)}/{card.id}/delete"
    assert post_form(client, path, form_page=cards_path(session)).status_code == 302
    assert post_form(client, path, form_page=cards_path(session)).status_code == 302
    assert [c.id for c in stored_cards(session)] == [keep.id]


def test_a_card_of_another_session_cannot_be_deleted_or_edited_through_this_one(client_as, users):
    other = started_session(users, title="Another conversation")
    theirs = add_card(users, other, "Theirs")
    session = started_session(users)
    client = client_as("host")
    post_form(client, f"{cards_path(session)}/{theirs.id}/delete", form_page=cards_path(session))
    assert [c.text for c in stored_cards(other)] == ["Theirs"]
    assert client.get(f"{cards_path(session)}/{theirs.id}/edit").status_code == 404


def test_a_card_kept_tagged_with_a_school_no_longer_listed_can_still_be_corrected(client_as, users):
    school = make_school("Old School")
    session = started_session(users)
    card = add_card(users, session, school_id=school.id)
    school.active = False
    db.session.commit()
    path = f"{cards_path(session)}/{card.id}/edit"
    client = client_as("host")
    values = {**form_values(main_html(client.get(path))), "text": "Corrected"}
    assert values["school_id"] == str(school.id)
    assert post_form(client, path, values, form_page=path).status_code == 302
    assert (stored_cards(session)[0].text, stored_cards(session)[0].school_id) == ("Corrected", school.id)


# After submission ------------------------------------------------------------------------------------


def submitted_session(users):
    session = started_session(users)
    notes.save_note_draft(users["host"], session, attendance_count=7, entries=[])
    notes.submit_note(users["host"], session)
    return session


def test_cards_entered_after_submission_are_logged(client_as, users):
    session = submitted_session(users)
    enter_cards(client_as("host"), session, {"text": "Late card"}, {"text": "Another late card"})
    [event] = audit_rows("conversation.notes_edited_after_submission")
    assert (event.actor_id, event.details["entry_kind"], event.details["entries_added"]) == (
        users["host"].id, "card", 2)


def test_cards_corrected_or_deleted_after_submission_are_logged(users):
    session = submitted_session(users)
    card = add_card(users, session)
    notes.update_card(users["host"], session, card.id, notes.EntryInput(text="Fixed"))
    notes.delete_card(users["host"], session, card.id)
    added, changed, removed = audit_rows("conversation.notes_edited_after_submission")
    assert (added.details["entries_added"], changed.details["entries_changed"], removed.details["entries_removed"]) \
        == (1, 1, 1)


def test_cards_entered_into_a_draft_are_not_logged_as_edits(users):
    session = started_session(users)
    add_card(users, session)
    assert audit_rows("conversation.notes_edited_after_submission") == []


def test_the_cards_page_says_the_notes_were_submitted(client_as, users):
    session = submitted_session(users)
    assert "changes are logged" in main_html(client_as("host").get(cards_path(session)))


# Query counts ----------------------------------------------------------------------------------------


def test_cards_page_runs_the_same_queries_however_many_cards(client_as, users):
    session = started_session(users, plan=published_plan(users["leader"]))
    schools = [make_school(f"School {n}") for n in range(3)]
    client = client_as("host")

    def queries_with(more_cards: int) -> int:
        notes.add_cards(users["host"], session, [
            notes.EntryInput(text=f"Card {n}", school_id=schools[n % 3].id, relationship_to_district="parent")
            for n in range(more_cards)])
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(cards_path(session)).status_code == 200
        return counter.count

    assert queries_with(2) == queries_with(50)


# Who may enter cards -------------------------------------------------------------------------------------


@pytest.fixture
def client_for(client_as, app):
    return make_client_for(client_as, app)


@pytest.mark.parametrize("role", ROLES)
def test_only_people_who_run_the_session_see_the_cards_page(client_for, users, role):
    session = started_session(users)
    assert client_for(role).get(cards_path(session)).status_code == expected_status(role)


@pytest.mark.parametrize("role", ROLES)
def test_only_people_who_run_the_session_can_enter_cards(client_for, users, role):
    session = started_session(users)
    response = post_form(client_for(role), cards_path(session),
                         {"language": "en", "seen_up_to": "0", **card_rows({"text": "Sneaky"})})
    assert response.status_code == expected_status(role, allowed=302)
    assert len(stored_cards(session)) == (1 if role in ALLOWED else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_people_who_run_the_session_can_correct_or_delete_cards(client_for, users, role):
    session = started_session(users)
    card = add_card(users, session)
    client = client_for(role)
    assert client.get(f"{cards_path(session)}/{card.id}/edit").status_code == expected_status(role)
    response = post_form(client, f"{cards_path(session)}/{card.id}/delete")
    assert response.status_code == expected_status(role, allowed=302)
    remaining = db.session.scalar(select(func.count()).select_from(NoteEntry))
    assert remaining == (0 if role in ALLOWED else 1)


def test_a_host_of_another_organization_cannot_add_cards_through_the_service(users):
    session = started_session(users, organization=make_organization("Other PTO"))
    with pytest.raises(PermissionDenied):
        notes.add_cards(users["host"], session, [notes.EntryInput(text="No")])
    assert db.session.scalar(select(func.count()).select_from(NoteEntry)) == 0
