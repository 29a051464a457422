"""Evidence files on progress updates: only real PDFs and images within the size limit,
kept under random names, and served so that no browser runs them. And no input is a 500."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engage import uploads
from engage.extensions import db
from engage.tracker import updates
from engage.tracker.models import ProgressUpdate
from tests.plans.factories import make_plan
from tests.support.web import post_form
from tests.tracker.factories import (
    HTML,
    PDF,
    SVG_WITH_SCRIPT,
    evidence_file,
    first_action,
    make_tracked_plan,
    make_update,
    png_bytes,
    webp_bytes,
)


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch):
    """Uploads go to this test's own folder; the setting is put back afterwards."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    return tmp_path


@pytest.fixture
def action(app):
    return first_action(make_tracked_plan())


def stored_files(folder: Path) -> list[Path]:
    evidence = folder / "evidence"
    return sorted(evidence.iterdir()) if evidence.exists() else []


def post_with_file(client, action, content: bytes, filename: str, **overrides):
    path = f"/progress/actions/{action.id}/update"
    data = {"status": "on_track", "percent_complete": "40", "as_of": "2026-01-15", "summary": "Passes are out.",
            "evidence_url": "", "evidence_title": "Photo", "submission_token": "t1",
            "evidence_file": (io.BytesIO(content), filename), **overrides}
    return post_form(client, path, data, form_page=path, content_type="multipart/form-data")


# Accepted and served ---------------------------------------------------------------------


def test_pdf_is_kept_under_a_random_name_and_downloads_as_an_attachment(client_as, client, action, upload_folder):
    response = post_with_file(client_as("leader"), action, PDF, "Board minutes.pdf")
    assert response.status_code == 302
    update = db.session.scalar(select(ProgressUpdate))
    assert (update.evidence_kind, update.evidence_filename, update.evidence_content_type) == (
        "file", "Board_minutes.pdf", "application/pdf")
    assert update.evidence_size_bytes == len(PDF)
    [stored] = stored_files(upload_folder)
    assert stored.name == update.evidence_stored_name and stored.name != "Board_minutes.pdf"
    assert stored.read_bytes() == PDF

    download = client.get(f"/progress/evidence/{update.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert "default-src 'none'" in download.headers["Content-Security-Policy"]
    assert "private" in download.headers["Cache-Control"]


@pytest.mark.parametrize(("content", "filename", "content_type"), [
    (png_bytes(), "photo.png", "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "photo.jpeg", "image/jpeg"),
    (webp_bytes(), "photo.webp", "image/webp"),
])
def test_images_are_shown_inline_with_safe_headers(users, client, action, content, filename, content_type):
    update = make_update(users["leader"], action, evidence_file=evidence_file(content, filename))
    download = client.get(f"/progress/evidence/{update.id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == content_type
    assert download.headers["Content-Disposition"].startswith("inline;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_evidence_of_an_unpublished_plan_is_not_served(users, client):
    update = make_update(users["leader"], first_action(make_plan("Draft")),
                         evidence_file=evidence_file(PDF, "a.pdf"))
    assert client.get(f"/progress/evidence/{update.id}").status_code == 404


def test_update_without_a_file_has_no_evidence_download(users, client, action):
    update = make_update(users["leader"], action, evidence_url="https://example.org/report")
    assert client.get(f"/progress/evidence/{update.id}").status_code == 404
    assert client.get("/progress/evidence/99999").status_code == 404


def test_stored_name_that_was_not_made_here_is_never_opened(users, action):
    update = make_update(users["leader"], action, evidence_file=evidence_file(PDF, "a.pdf"))
    update.evidence_stored_name = "../../config.py"
    with pytest.raises(ValueError):
        updates.evidence_path(update)


# Refused ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "filename"), [
    (SVG_WITH_SCRIPT, "chart.svg"),
    (SVG_WITH_SCRIPT, "chart.png"),
    (HTML, "report.pdf"),
    (HTML, "report.html"),
    (PDF, "report.exe"),
    (PDF, "report"),
    (b"MZ\x90\x00", "photo.jpg"),
    (png_bytes(), "photo.pdf"),
    (b"", "empty.pdf"),
    (b"RIFF\x00\x00\x00\x00WAVE", "sound.webp"),
])
def test_files_that_are_not_real_pdfs_or_images_are_refused(users, action, upload_folder, content, filename):
    with pytest.raises(updates.UpdateRefused) as refusal:
        make_update(users["leader"], action, evidence_file=evidence_file(content, filename))
    assert refusal.value.field == "evidence_file"
    assert stored_files(upload_folder) == []
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0


def test_svg_with_a_script_is_refused_beside_the_file_field(client_as, action, upload_folder):
    response = post_with_file(client_as("leader"), action, SVG_WITH_SCRIPT, "chart.svg")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="evidence_file-error"' in html
    assert "Please choose the file again" in html
    assert stored_files(upload_folder) == []


def test_file_over_the_size_limit_is_refused(app, users, action, upload_folder, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_MAX_UPLOAD_BYTES", 1024)
    with pytest.raises(updates.UpdateRefused) as refusal:
        make_update(users["leader"], action, evidence_file=evidence_file(PDF + b"0" * 1024, "big.pdf"))
    assert refusal.value.field == "evidence_file"
    with app.test_request_context():
        assert "larger than the 1 KB limit" in str(refusal.value.message)
    assert stored_files(upload_folder) == []


def test_file_at_the_size_limit_is_accepted(app, users, action, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_MAX_UPLOAD_BYTES", len(PDF))
    assert make_update(users["leader"], action, evidence_file=evidence_file(PDF, "a.pdf")).evidence_kind == "file"


def test_oversize_file_is_refused_in_the_form(app, client_as, action, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_MAX_UPLOAD_BYTES", 1024)
    response = post_with_file(client_as("leader"), action, PDF + b"0" * 2048, "big.pdf")
    assert 'id="evidence_file-error"' in response.get_data(as_text=True)


def test_link_and_file_together_are_refused(users, action):
    with pytest.raises(updates.UpdateRefused) as refusal:
        make_update(users["leader"], action, evidence_url="https://example.org",
                    evidence_file=evidence_file(PDF, "a.pdf"))
    assert refusal.value.field == "evidence_url"


@pytest.mark.parametrize(("filename", "kept"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\report.pdf", "report.pdf"),
    ("/var/www/static/index.pdf", "index.pdf"),
    ("report.pdf\x00.html", None),
    ("рапорт.pdf", "evidence.pdf"),
    ("  .pdf", "evidence.pdf"),
    ("photo.JPEG", "photo.jpeg"),
])
def test_folders_and_odd_characters_in_file_names_are_dropped(users, action, upload_folder, filename, kept):
    content = b"\xff\xd8\xff\xe0" + b"\x00" * 20 if filename.lower().endswith("jpeg") else PDF
    try:
        update = make_update(users["leader"], action, evidence_file=evidence_file(content, filename))
    except updates.UpdateRefused:
        assert kept is None
        return
    assert kept is not None and update.evidence_filename == kept
    [stored] = stored_files(upload_folder)
    assert stored.parent == upload_folder / "evidence"
    assert "/" not in update.evidence_filename and "\\" not in update.evidence_filename


# Files follow their update ---------------------------------------------------------------------


def test_deleting_an_update_deletes_its_file(users, action, upload_folder):
    update = make_update(users["leader"], action, evidence_file=evidence_file(PDF, "a.pdf"))
    assert len(stored_files(upload_folder)) == 1
    updates.delete_update(users["leader"], update)
    assert stored_files(upload_folder) == []


def test_editing_keeps_the_file_unless_replaced_or_removed(users, action, upload_folder):
    update = make_update(users["leader"], action, evidence_file=evidence_file(PDF, "a.pdf"))
    details = {"as_of": date(2026, 1, 15), "status": "on_track", "percent_complete": 50, "summary": "More."}
    updates.edit_update(users["leader"], update, **details)
    assert update.evidence_kind == "file" and len(stored_files(upload_folder)) == 1
    updates.edit_update(users["leader"], update, evidence_file=evidence_file(png_bytes(), "b.png"), **details)
    [stored] = stored_files(upload_folder)
    assert stored.suffix == ".png" and update.evidence_filename == "b.png"
    updates.edit_update(users["leader"], update, remove_file=True, **details)
    assert update.evidence_kind == "" and stored_files(upload_folder) == []


def test_same_file_form_sent_twice_keeps_one_file(users, action, upload_folder):
    make_update(users["leader"], action, submission_token="same", evidence_file=evidence_file(PDF, "a.pdf"))
    make_update(users["leader"], action, submission_token="same", evidence_file=evidence_file(PDF, "a.pdf"))
    assert len(stored_files(upload_folder)) == 1


# The shared upload checks ------------------------------------------------------------------------


def test_shared_checks_take_only_the_types_a_feature_names(app):
    with app.test_request_context():
        checked = uploads.checked_upload("x.webp", io.BytesIO(webp_bytes()), types={"webp": uploads.WEBP},
                                         max_bytes=1000, wrong_type="no", wrong_contents=lambda ext: "bad")
        assert checked.content_type == "image/webp"
        with pytest.raises(uploads.UploadRefused):
            uploads.checked_upload("x.pdf", io.BytesIO(PDF), types={"webp": uploads.WEBP}, max_bytes=1000,
                                   wrong_type="no", wrong_contents=lambda ext: "bad")


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.org/a", True), ("http://example.org", True), ("HTTPS://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False), ("data:text/html,x", False), ("//example.org", False),
    ("https://", False), ("https://exa mple.org", False), ("https://[::1", False), ("ftp://example.org", False),
])
def test_web_addresses(url, ok):
    assert uploads.is_web_address(url) is ok


# No input is a server error ---------------------------------------------------------------------


@pytest.mark.parametrize("overrides", [
    {"percent_complete": "abc"},
    {"percent_complete": "9" * 400},
    {"percent_complete": "1e400"},
    {"percent_complete": ""},
    {"as_of": "2026-13-45"},
    {"as_of": "99999-01-01"},
    {"as_of": ""},
    {"status": "x" * 5000},
    {"status": ""},
    {"summary": "\x00\x01"},
    {"summary": "s" * 100_000},
    {"evidence_url": "https://[::1"},
    {"evidence_url": "http://" + "a" * 600},
    {"evidence_title": "t" * 1000},
    {"submission_token": "x" * 500},
    {"submission_token": ""},
    {"summary": (io.BytesIO(b"file where text goes"), "a.txt")},
    {"evidence_file": (io.BytesIO(PDF), "")},
    {"evidence_file": (io.BytesIO(PDF), "a" * 5000 + ".pdf")},
])
def test_odd_input_is_never_a_server_error(client_as, action, overrides):
    response = post_with_file(client_as("leader"), action, PDF, "a.pdf", **overrides)
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "1e999", "1" * 500, "1,2,3", "½", "\x00"])
def test_odd_metric_numbers_are_never_a_server_error(client_as, action, value):
    indicator = action.indicators[0]
    response = post_with_file(client_as("leader"), action, PDF, "a.pdf",
                              **{f"metric_{indicator.id}_number": value})
    assert response.status_code in (200, 302, 400)
    if response.status_code == 200:
        assert f'id="metric_{indicator.id}_number-error"' in response.get_data(as_text=True)


def test_metric_field_of_another_action_is_ignored(client_as, action):
    response = post_with_file(client_as("leader"), action, PDF, "a.pdf", metric_999_number="5")
    assert response.status_code == 302


def test_json_body_is_never_a_server_error(client_as, action):
    client = client_as("leader")
    response = client.post(f"/progress/actions/{action.id}/update", json={"percent_complete": [1], "summary": {}})
    assert response.status_code in (200, 400)
