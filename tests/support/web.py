"""Talking to the app as a browser does: forms with their CSRF token, signing in."""

from __future__ import annotations

import re
import threading

from tests.support.people import PASSWORD

_CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    match = _CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, *, form_page: str | None = None, **kwargs):
    """POST like a browser: with the CSRF token from the page that shows the form."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, form_page or "/")
    return client.post(path, data=data, **kwargs)


def log_in(client, email: str, password: str = PASSWORD, **extra):
    return post_form(client, "/login", {"email": email, "password": password, **extra}, form_page="/login")


def as_a_server_would(request):
    """`request()` in a thread of its own, holding no app context (the suite's tests hold one, a
    server's threads do not): what a streamed response reads after its view returned must not
    come from the view's database session, which is gone by then."""
    outcome: list = []

    def run():
        try:
            outcome.append(request())
        except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
