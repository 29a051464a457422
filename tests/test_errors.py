"""Friendly error pages, in the reader's language, never a stack trace."""

from __future__ import annotations

from config import TestingConfig
from engage import create_app


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
    for path in ("/admin/users?page=abc", "/admin/users?page=-5", "/admin/users?page=99999&q=%00%ff",
                 "/admin/outbox?page=0", "/admin/users?role=" + "x" * 5000):
        assert admin.get(path).status_code == 200, path


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
