"""A conversation's title, description and accessibility notes in the reader's language: on the
list, the calendar, its page, the emails and the calendar file; untranslated ones tagged and marked."""

from __future__ import annotations

from engage.conversations.translatable import session_document
from engage.translation import services as translation
from tests.conversations.factories import make_session
from tests.conversations.test_signup_views import GUEST, outbox_to
from tests.support.queries import count_queries
from tests.support.web import post_form


def translate(session, **texts):
    translation.save_translations(None, session_document(session), "es", texts, publish=True)


def _page(client, path, language="es"):
    return client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)


def test_a_spanish_reader_reads_the_session_in_spanish_everywhere(client):
    session = make_session("Budget night", description="Share what you think of the budget.")
    translate(session, title="Noche del presupuesto", description="Díganos qué piensan del presupuesto.")
    listing, calendar = _page(client, "/conversations/"), _page(client, "/conversations/calendar")
    page = _page(client, f"/conversations/{session.id}")
    assert f'<a href="/conversations/{session.id}">Noche del presupuesto</a>' in listing
    assert "Noche del presupuesto" in calendar and "Budget night" not in calendar
    assert "<h1>Noche del presupuesto</h1>" in page and "Díganos qué piensan del presupuesto." in page
    assert "translation-mark" not in page
    assert "Budget night" in _page(client, f"/conversations/{session.id}", "en")
    assert "SUMMARY;LANGUAGE=es:Noche del presupuesto" in _page(client, f"/conversations/{session.id}/calendar.ics")


def test_an_untranslated_session_is_tagged_and_marked_for_a_spanish_reader(client):
    session = make_session("Budget night")
    page = _page(client, f"/conversations/{session.id}")
    assert '<h1 lang="en">Budget night</h1>' in page and 'class="translation-mark"' in page


def test_the_emails_and_their_calendar_file_are_in_the_registrant_s_language(client):
    session = make_session("Budget night")
    translate(session, title="Noche del presupuesto")
    page = f"/conversations/{session.id}"
    post_form(client, f"{page}/sign-up", GUEST, form_page=page, headers={"Accept-Language": "es"})
    [message] = outbox_to("rosa@example.org")
    assert "Noche del presupuesto" in message.subject and "Noche del presupuesto" in message.body_text
    assert "SUMMARY;LANGUAGE=es:Noche del presupuesto" in message.attachments[0]["content"]


def test_the_list_runs_the_same_queries_however_many_sessions_are_translated(client):
    def queries(count: int) -> int:
        for n in range(count):
            translate(make_session(f"Session {n}"), title=f"Sesión {n}")
        with count_queries() as counted:
            _page(client, "/conversations/")
        return counted.count

    assert queries(1) == queries(6)


def test_a_session_written_in_spanish_is_translated_into_english_for_english_readers(client):
    session = make_session("Noche del presupuesto", languages=("es",), written_in="es")
    assert '<h1 lang="es">Noche del presupuesto</h1>' in _page(client, f"/conversations/{session.id}", "en")
    assert "<h1>Noche del presupuesto</h1>" in _page(client, f"/conversations/{session.id}", "es")
    translation.save_translations(None, session_document(session), "en", {"title": "Budget night"}, publish=True)
    assert "<h1>Budget night</h1>" in _page(client, f"/conversations/{session.id}", "en")
