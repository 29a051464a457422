"""Files leaders share in the hosts' toolkit: only real PDF, PNG, JPEG, DOCX and PPTX
files within the size limit, kept under random names, and downloaded as attachments
that a browser will not run."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from html import unescape

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.conversations import toolkit
from engage.conversations.models import ToolkitResource
from engage.extensions import db
from tests.support.web import post_form

TOOLKIT = "/conversations/toolkit"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
WRONG_TYPE = "Files of this type can't be shared."
NOT_WHAT_IT_SAYS = "This file's contents do not match its name"


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def office_bytes(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch):
    """Uploads go to this test's own folder; the setting is put back afterwards."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    return tmp_path


def upload(client, content: bytes, filename: str, **data):
    form = {"title": "Flyer template", "description": "", "language": "", "kind": "file", "url": "",
            "file": (io.BytesIO(content), filename), **data}
    return post_form(client, TOOLKIT, form, form_page=TOOLKIT, content_type="multipart/form-data")


def stored_files(folder) -> list:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def refused(response, message: str, folder) -> bool:
    html = response.get_data(as_text=True)
    return (response.status_code == 200 and message in unescape(html) and 'class="field-error" id="file-error"' in html
            and db.session.query(ToolkitResource).count() == 0 and stored_files(folder) == [])


# Accepted files ---------------------------------------------------------------------------


def test_a_pdf_is_stored_under_a_random_name_in_the_toolkit_folder(client_as, upload_folder):
    response = upload(client_as("leader"), PDF, "Flyer (Spanish).pdf")
    assert response.status_code == 302
    resource = db.session.query(ToolkitResource).one()
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", resource.stored_name)
    assert (resource.filename, resource.content_type, resource.size_bytes) == \
        ("Flyer_Spanish.pdf", "application/pdf", len(PDF))
    assert stored_files(upload_folder) == [upload_folder / "toolkit" / resource.stored_name]
    assert (upload_folder / "toolkit" / resource.stored_name).read_bytes() == PDF


def test_a_shared_file_is_listed_with_its_type_and_size(client_as):
    upload(client_as("leader"), PDF, "flyer.pdf")
    resource = db.session.query(ToolkitResource).one()
    html = client_as("host").get(TOOLKIT).get_data(as_text=True)
    assert f'href="/conversations/toolkit/{resource.id}/download"' in html
    assert f"PDF, {len(PDF)} bytes" in html


def test_a_pdf_downloads_as_an_attachment_a_browser_will_not_run(client_as):
    upload(client_as("leader"), PDF, "flyer.pdf")
    resource = db.session.query(ToolkitResource).one()
    response = client_as("host").get(f"{TOOLKIT}/{resource.id}/download")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=flyer.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert "no-store" in response.headers["Cache-Control"]


def test_a_png_uploads_and_downloads_as_an_image_attachment(client_as):
    image = png_bytes()
    assert upload(client_as("admin"), image, "welcome sign.PNG").status_code == 302
    resource = db.session.query(ToolkitResource).one()
    assert resource.stored_name.endswith(".png") and resource.filename == "welcome_sign.png"
    response = client_as("leader").get(f"{TOOLKIT}/{resource.id}/download")
    assert response.data == image and response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_a_jpeg_is_accepted_under_either_extension(client_as):
    for name in ("photo.jpg", "photo.jpeg"):
        assert upload(client_as("leader"), b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, name).status_code == 302
    assert {r.content_type for r in db.session.query(ToolkitResource)} == {"image/jpeg"}


@pytest.mark.parametrize("name, main_part", [("tips.docx", "word/document.xml"),
                                             ("slides.pptx", "ppt/presentation.xml")])
def test_word_and_powerpoint_files_are_accepted(client_as, name, main_part):
    assert upload(client_as("leader"), office_bytes(main_part), name).status_code == 302
    assert db.session.query(ToolkitResource).one().filename == name


def test_sharing_a_file_is_audited(client_as, users):
    upload(client_as("leader"), PDF, "flyer.pdf")
    event = db.session.query(AuditEvent).filter_by(action="toolkit.resource_added").one()
    assert event.actor_id == users["leader"].id
    assert (event.details["filename"], event.details["content_type"]) == ("flyer.pdf", "application/pdf")


# Refused files ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["notes.txt", "run.exe", "page.html", "macro.docm", "drawing.svg", "no-extension"])
def test_files_of_other_types_are_refused(client_as, upload_folder, name):
    assert refused(upload(client_as("leader"), PDF, name), WRONG_TYPE, upload_folder)


def test_an_svg_with_a_script_is_refused(client_as, upload_folder):
    assert refused(upload(client_as("leader"), SVG_WITH_SCRIPT, "logo.svg"), WRONG_TYPE, upload_folder)


def test_an_svg_named_as_a_png_is_refused(client_as, upload_folder):
    assert refused(upload(client_as("leader"), SVG_WITH_SCRIPT, "logo.png"), NOT_WHAT_IT_SAYS, upload_folder)


def test_a_web_page_named_as_a_pdf_is_refused(client_as, upload_folder):
    assert refused(upload(client_as("leader"), HTML, "flyer.pdf"), NOT_WHAT_IT_SAYS, upload_folder)


def test_a_zip_that_is_not_a_word_file_is_refused(client_as, upload_folder):
    response = upload(client_as("leader"), office_bytes("ppt/presentation.xml"), "tips.docx")
    assert refused(response, NOT_WHAT_IT_SAYS, upload_folder)


def test_a_file_over_the_size_limit_is_refused(app, client_as, upload_folder, monkeypatch):
    monkeypatch.setitem(app.config, "TOOLKIT_MAX_UPLOAD_BYTES", 1024)
    response = upload(client_as("leader"), PDF + b"0" * 1024, "big.pdf")
    assert refused(response, "This file is larger than the 1 KB limit.", upload_folder)


def test_a_file_at_the_size_limit_is_accepted(app, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "TOOLKIT_MAX_UPLOAD_BYTES", 1024)
    assert upload(client_as("leader"), PDF + b"0" * (1024 - len(PDF)), "exact.pdf").status_code == 302


def test_an_empty_file_is_refused(client_as, upload_folder):
    assert refused(upload(client_as("leader"), b"", "empty.pdf"), "This file is empty.", upload_folder)


def test_a_file_resource_needs_a_file(client_as, upload_folder):
    response = post_form(client_as("leader"), TOOLKIT, {"title": "Flyer", "kind": "file"}, form_page=TOOLKIT)
    assert refused(response, "Please choose a file to upload.", upload_folder)


@pytest.mark.parametrize("name, kept", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/absolute/path/flyer.pdf", "flyer.pdf"),
    ("Guía para familias.pdf", "Guia_para_familias.pdf"),
    ("学校.pdf", "resource.pdf"),
])
def test_folders_and_odd_characters_in_a_file_name_are_neutralised(client_as, upload_folder, name, kept):
    assert upload(client_as("leader"), PDF, name).status_code == 302
    resource = db.session.query(ToolkitResource).one()
    assert resource.filename == kept
    # Only the random name exists, inside the toolkit folder; nothing was written where the name pointed.
    assert stored_files(upload_folder) == [upload_folder / "toolkit" / resource.stored_name]
    response = client_as("host").get(f"{TOOLKIT}/{resource.id}/download")
    assert response.headers["Content-Disposition"] == f"attachment; filename={kept}"


@pytest.mark.parametrize("name, kept", [
    ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ('x"; filename="evil.html.pdf', "x_filenameevil.html.pdf"),
    ("flyer.pdf\r\nX-Header: 1.pdf", "flyer.pdf_X-Header_1.pdf"),
])
def test_backslashes_quotes_and_line_breaks_in_a_file_name_are_neutralised(name, kept):
    # Test clients and browsers differ in how they send such names, so the service is asked directly.
    assert toolkit.checked_upload(name, io.BytesIO(PDF), max_bytes=1024).download_name == kept


def test_a_refused_upload_asks_for_the_file_again_and_keeps_the_rest(client_as):
    response = upload(client_as("leader"), PDF, "flyer.pdf", title="", description="Print on colored paper.")
    html = response.get_data(as_text=True)
    assert "Please give the resource a title." in html
    assert "Please choose the file again" in html
    assert "Print on colored paper.</textarea>" in html
    assert '<input checked id="kind-1" name="kind" required type="radio" value="file">' in html


# Downloads and removal --------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("host", 200), ("leader", 200), ("admin", 200),
                                          ("participant", 403), ("moderator", 403), ("anonymous", 302)])
def test_shared_files_download_for_hosts_leaders_and_admins_only(client_as, users, role, status):
    resource = toolkit.add_file_resource(users["leader"], title="Flyer", filename="flyer.pdf", stream=io.BytesIO(PDF))
    response = client_as(role).get(f"{TOOLKIT}/{resource.id}/download")
    assert response.status_code == status
    assert (response.data == PDF) is (status == 200)


def test_a_link_has_nothing_to_download(client_as, users):
    resource = toolkit.add_link_resource(users["leader"], title="Tips", url="https://example.org/tips")
    assert client_as("host").get(f"{TOOLKIT}/{resource.id}/download").status_code == 404


def test_a_file_missing_from_the_disk_is_not_found(client_as, users, upload_folder):
    resource = toolkit.add_file_resource(users["leader"], title="Flyer", filename="flyer.pdf", stream=io.BytesIO(PDF))
    (upload_folder / "toolkit" / resource.stored_name).unlink()
    assert client_as("host").get(f"{TOOLKIT}/{resource.id}/download").status_code == 404


def test_removing_a_file_resource_deletes_its_file(client_as, users, upload_folder):
    resource = toolkit.add_file_resource(users["leader"], title="Flyer", filename="flyer.pdf", stream=io.BytesIO(PDF))
    assert stored_files(upload_folder)
    assert post_form(client_as("leader"), f"{TOOLKIT}/{resource.id}/delete").status_code == 302
    assert stored_files(upload_folder) == []
    assert db.session.query(ToolkitResource).count() == 0


def test_a_stored_name_that_is_not_one_of_ours_is_never_opened(users):
    resource = toolkit.add_file_resource(users["leader"], title="Flyer", filename="flyer.pdf", stream=io.BytesIO(PDF))
    resource.stored_name = "../../etc/passwd"
    with pytest.raises(ValueError):
        toolkit.resource_path(resource)
    db.session.rollback()


def test_the_service_checks_files_as_the_form_does(users):
    with pytest.raises(toolkit.ResourceRefused) as refusal:
        toolkit.add_file_resource(users["leader"], title="Flyer", filename="flyer.pdf", stream=io.BytesIO(HTML))
    assert refusal.value.field == "file"
    assert db.session.query(ToolkitResource).count() == 0


def test_the_same_link_form_sent_twice_shares_one_resource(app, client_as):
    client = client_as("leader")
    data = {"title": "Facilitation tips", "kind": "link", "url": "https://example.org/tips",
            "submission_token": "one-form"}
    for _ in range(2):
        response = post_form(client, "/conversations/toolkit", data, form_page="/conversations/toolkit")
        assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ToolkitResource)) == 1
