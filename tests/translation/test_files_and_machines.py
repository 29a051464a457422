"""PO files out to a translation agency and back, and machine drafts from a LibreTranslate server
(a real HTTP server started by the test, speaking LibreTranslate's API)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from babel.messages.pofile import read_po, write_po

from engage.extensions import db
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from engage.translation.models import ContentTranslation
from tests.plans.factories import make_plan
from tests.support.web import csrf_token, post_form
from tests.translation.factories import translate_plan


def _export(client, plan, language="es"):
    response = client.get(f"/translate/{language}/plan:{plan.id}.po")
    assert response.status_code == 200 and response.mimetype == "text/x-gettext-translation"
    return read_po(BytesIO(response.data), locale=language)


def _import(client, plan, catalog_or_bytes, language="es"):
    if isinstance(catalog_or_bytes, bytes):
        data = catalog_or_bytes
    else:
        buffer = BytesIO()
        write_po(buffer, catalog_or_bytes)
        data = buffer.getvalue()
    page = f"/translate/{language}/plan:{plan.id}"
    return client.post(f"{page}/import", data={"csrf_token": csrf_token(client, page),
                                                "file": (BytesIO(data), "plan.es.po")},
                       content_type="multipart/form-data")


def test_a_po_file_goes_out_with_every_passage_and_comes_back_as_drafts(client_as, client, users):
    plan = make_plan(sections=1, actions_per_section=1)
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    translator = client_as("translator")
    catalog = _export(translator, plan)
    messages = [m for m in catalog if m.id]
    assert {m.context for m in messages} >= {"title", "summary", f"section:{plan.sections[0].key}.title"}
    assert all(m.string == "" for m in messages)
    for message in messages:
        message.string = f"ES {message.id}"

    assert _import(translator, plan, catalog).status_code == 302
    rows = db.session.scalars(db.select(ContentTranslation)).all()
    assert len(rows) == len(messages) and not any(row.is_published for row in rows)
    # Out again, the file holds what came in: the round trip loses nothing.
    again = _export(translator, plan)
    assert {(m.context, m.id, m.string) for m in again if m.id} == {(m.context, m.id, m.string) for m in messages}

    post_form(translator, f"/translate/es/plan:{plan.id}/publish", form_page=f"/translate/es/plan:{plan.id}")
    page = client.get(f"/plans/{plan.id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "<h1>ES Family Engagement Plan</h1>" in page


def test_an_out_of_date_translation_goes_out_fuzzy_with_the_words_it_was_made_from(client_as, users):
    plan = make_plan(sections=1, actions_per_section=1)
    translate_plan(users["translator"], plan, "es", {"title": "Plan de participación"})
    plans.save_plan(users["leader"], plan, title="Family Engagement Plan 2027")
    translator = client_as("translator")
    message = next(m for m in _export(translator, plan) if m.context == "title")
    assert message.fuzzy and message.string == "Plan de participación"
    # As gettext's tools write it (Babel writes it, but does not read it back).
    assert '#| msgid "Family Engagement Plan"' in translator.get(f"/translate/es/plan:{plan.id}.po").get_data(as_text=True)


def test_translations_of_words_that_changed_since_the_export_are_not_imported(client_as, users):
    plan = make_plan(sections=1, actions_per_section=1)
    translator = client_as("translator")
    catalog = _export(translator, plan)
    for message in catalog:
        if message.id:
            message.string = f"ES {message.id}"
    plans.save_plan(users["leader"], plan, title="A new title")
    response = _import(translator, plan, catalog)
    assert response.status_code == 302
    paths = set(db.session.scalars(db.select(ContentTranslation.path)))
    assert "title" not in paths and "summary" in paths
    assert "the original changed since the file was exported" in translator.get(
        f"/translate/es/plan:{plan.id}").get_data(as_text=True)


@pytest.mark.parametrize("data", [b"not a po file \x00\xff", b'msgid "a"\nmsgstr "b"\n', b""])
def test_a_file_that_is_not_po_is_refused_with_a_message(client_as, data):
    plan = make_plan(sections=1, actions_per_section=1)
    response = _import(client_as("translator"), plan, data)
    assert response.status_code == 400
    assert "not a PO file of this page" in response.get_data(as_text=True)


class _FakeLibreTranslate(BaseHTTPRequestHandler):
    """LibreTranslate's POST /translate: {"q": [...], "source", "target"} -> {"translatedText": [...]}."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        answer = {"translatedText": [f"[{body['target']}] {text}" for text in body["q"]]}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args):
        pass


@pytest.fixture
def libretranslate(app, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeLibreTranslate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeLibreTranslate.requests = []
    monkeypatch.setitem(app.config, "MACHINE_TRANSLATION_URL", f"http://127.0.0.1:{server.server_port}")
    yield _FakeLibreTranslate
    server.shutdown()
    server.server_close()


def test_a_machine_drafts_what_is_missing_and_readers_are_told_it_was_a_machine(libretranslate, client_as, client,
                                                                                 users):
    plan = make_plan(sections=1, actions_per_section=1)
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    translate_plan(users["translator"], plan, "es", {"title": "Plan de participación"})
    translator = client_as("translator")
    document = f"/translate/es/plan:{plan.id}"
    assert "Draft what is missing by machine" in translator.get(document).get_data(as_text=True)
    post_form(translator, f"{document}/machine", form_page=document)

    assert [(r["source"], r["target"]) for r in libretranslate.requests] == [("en", "es")]
    assert "Family Engagement Plan" not in libretranslate.requests[0]["q"]  # already translated by a person
    drafts = db.session.scalars(db.select(ContentTranslation).where(ContentTranslation.machine)).all()
    assert drafts and not any(d.is_published for d in drafts)

    post_form(translator, f"{document}/publish", form_page=document)
    page = client.get(f"/plans/{plan.id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "<h1>Plan de participación</h1>" in page and "[es] Goal 1" in page
    assert 'class="translation-mark"' in page  # "translated by machine"


def test_without_a_machine_translation_service_nothing_offers_one(client_as):
    plan = make_plan(sections=1, actions_per_section=1)
    translator = client_as("translator")
    assert "by machine" not in translator.get(f"/translate/es/plan:{plan.id}").get_data(as_text=True)


def test_a_machine_translation_service_that_does_not_answer_is_said_and_nothing_is_saved(app, monkeypatch,
                                                                                          client_as):
    monkeypatch.setitem(app.config, "MACHINE_TRANSLATION_URL", "http://127.0.0.1:9")  # the discard port
    plan = make_plan(sections=1, actions_per_section=1)
    translator = client_as("translator")
    document = f"/translate/es/plan:{plan.id}"
    response = post_form(translator, f"{document}/machine", form_page=document, follow_redirects=True)
    assert "did not answer" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ContentTranslation)) == 0
