"""Friendly error pages, in the reader's language, never a stack trace."""

from __future__ import annotations

import io

import pytest

from config import TestingConfig
from engage import create_app
from tests.support.web import csrf_token


def test_missing_pages_get_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_a_wrong_method_gets_a_friendly_405_with_allow(client):
    response = client.post("/privacy")
    assert response.status_code in (400, 405)
    response = client.delete("/privacy")
    assert response.status_code == 405
    assert "Allow" in response.headers
    assert "That action is not possible here" in response.get_data(as_text=True)


def test_missing_objects_in_admin_are_404(client_as):
    admin = client_as("admin")
    for path in ("/admin/users/999999", "/admin/organizations/999999", "/admin/schools/999999", "/admin/outbox/999999"):
        assert admin.get(path).status_code == 404, path


def test_nonsense_query_values_do_not_break_list_pages(client_as):
    admin = client_as("admin")
    for path in ("/admin/users?page=abc", "/admin/users?page=-5", "/admin/users?page=99999&q=%ff",
                 "/admin/users?page=100000000000000000000000", "/admin/outbox?page=0",
                 "/admin/users?role=" + "x" * 5000, "/admin/users?q=100%25_off"):
        assert admin.get(path).status_code == 200, path


def test_huge_ids_are_not_found_rather_than_overflowing(client_as):
    admin = client_as("admin")
    for path in ("/admin/users/" + "9" * 25, "/admin/organizations/2147483648", "/admin/schools/0",
                 "/admin/outbox/-1"):
        assert admin.get(path).status_code == 404, path


def test_null_characters_in_input_are_a_clear_400(client):
    from tests.support.web import post_form

    response = post_form(client, "/register", {"display_name": "a\x00b", "email": "x@example.org"}, form_page="/register")
    assert response.status_code == 400
    assert client.get("/?q=%00").status_code == 400


def test_pagination_links_carry_only_query_values(client_as, users):
    from tests.support.people import make_user

    for n in range(55):
        make_user(email=f"p{n}@example.org")
    admin = client_as("admin")
    response = admin.get("/admin/users?endpoint=x&_external=1&_anchor=y&q=example")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/admin/users?endpoint=x&amp;_external=1&amp;_anchor=y&amp;q=example&amp;page=2"' in html


def test_an_unexpected_error_shows_a_friendly_500_and_no_traceback(tmp_path):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                                     "PROPAGATE_EXCEPTIONS": False})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom", headers={"Accept-Language": "es"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in html and "Traceback" not in html
    assert 'lang="es"' in html


def test_error_pages_follow_the_browser_language(client):
    html = client.get("/no/such/page", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert 'lang="es"' in html
    assert "We could not find that page" not in html


FORM_PAGES = [
    # (signed in as, form page, fields that take text)
    ("anonymous", "/login", ["email", "password"]),
    ("anonymous", "/register", ["display_name", "email", "password"]),
    ("anonymous", "/password/forgot", ["email"]),
    ("participant", "/account", ["display_name"]),
    ("participant", "/account/profile", ["relationship_to_district", "preferred_language"]),
    ("leader", "/themes/", ["title", "since"]),
]


@pytest.mark.parametrize("role,path,fields", FORM_PAGES)
def test_a_file_where_text_is_expected_is_a_field_error_not_a_500(client_as, role, path, fields):
    client = client_as(role)
    token = csrf_token(client, path)
    data = {"csrf_token": token, **{name: (io.BytesIO(b"not text"), "upload.txt") for name in fields}}
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code < 500


@pytest.mark.parametrize("role,path,fields", FORM_PAGES)
def test_a_json_body_where_a_form_is_expected_is_not_a_500(client_as, role, path, fields):
    client = client_as(role)
    token = csrf_token(client, path)
    response = client.post(path, json={name: [1, {"a": 2}] for name in fields}, headers={"X-CSRFToken": token})
    assert response.status_code < 500


def test_ids_in_paths_are_ascii_digits_only(client_as):
    client = client_as("leader")
    assert client.get("/themes/analyses/\uff11").status_code == 404  # a fullwidth 1
    assert client.get("/plans/\u0661").status_code == 404  # an Arabic-Indic 1
