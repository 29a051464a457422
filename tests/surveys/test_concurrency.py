"""The same survey sent many times at the same moment still makes one response.

Each thread is a separate browser tab: its own test client, so its own
request, app context, database session and connection, against the suite's
real database (the SQLite file, or PostgreSQL with TEST_DATABASE_URL).
"""

from __future__ import annotations

import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import SurveyAnonymity, SurveyParticipation, SurveyResponse
from engage.surveys.response_views import BROWSER_COOKIE
from tests.surveys.factories import make_survey, question_of

THREADS = 12
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_TOKEN = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"')


def _answers(survey) -> dict[str, str]:
    return {f"q{question_of(survey, 'single_choice').id}": "a", f"q{question_of(survey, 'likert').id}": "4"}


def _send_all_at_once(app, survey, cookies: dict[str, tuple[str, str]], tokens: list[str]) -> list:
    """Post the survey form from one thread per token, all released together."""
    barrier = threading.Barrier(len(tokens))
    path = f"/surveys/{survey.id}"
    csrf_holder = app.test_client()
    for name, (value, cookie_path) in cookies.items():
        csrf_holder.set_cookie(name, value, path=cookie_path)
    page = csrf_holder.get(path).get_data(as_text=True)
    csrf = _CSRF.search(page).group(1)
    data = {"csrf_token": csrf, "nav": "submit", "page": "1", **_answers(survey)}

    def post(token: str):
        client = app.test_client()
        for name, (value, cookie_path) in cookies.items():
            client.set_cookie(name, value, path=cookie_path)
        barrier.wait(timeout=30)
        return client.post(path, data={**data, "submission_token": token})

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        replies = list(pool.map(post, tokens))
    return [(reply.status_code, reply.headers.get("Location"), reply.get_data(as_text=True)) for reply in replies]


def _signed_in_cookies(client_as, role: str = "participant") -> dict[str, tuple[str, str]]:
    client = client_as(role)
    return {"session": (client.get_cookie("session").value, "/")}


def _counts(survey) -> tuple[int, int]:
    db.session.expire_all()
    responses = db.session.scalar(select(func.count()).where(SurveyResponse.survey_id == survey.id))
    participations = db.session.scalar(select(func.count()).where(SurveyParticipation.survey_id == survey.id))
    return responses, participations


@pytest.mark.parametrize("anonymity", [SurveyAnonymity.IDENTIFIED, SurveyAnonymity.ANONYMOUS])
def test_the_same_form_sent_at_once_from_many_tabs_makes_one_response(app, client_as, anonymity):
    survey = make_survey(anonymity=anonymity)
    cookies = _signed_in_cookies(client_as)
    token = secrets.token_urlsafe(24)
    replies = _send_all_at_once(app, survey, cookies, [token] * THREADS)
    thanks = f"/surveys/{survey.id}/thanks"
    assert [(status, location) for status, location, _body in replies] == [(302, thanks)] * THREADS
    assert _counts(survey) == (1, 1)


def test_different_forms_from_one_account_at_once_make_one_response(app, client_as):
    survey = make_survey()
    cookies = _signed_in_cookies(client_as)
    replies = _send_all_at_once(app, survey, cookies, [secrets.token_urlsafe(24) for _ in range(THREADS)])
    statuses = sorted(status for status, _location, _body in replies)
    assert statuses == [200] * (THREADS - 1) + [302]
    assert all("You have already answered this survey" in body for status, _location, body in replies if status == 200)
    assert _counts(survey) == (1, 1)


def test_different_forms_from_one_browser_at_once_make_one_response(app):
    survey = make_survey(anonymity=SurveyAnonymity.ANONYMOUS)
    browser = app.test_client()
    browser.get(f"/surveys/{survey.id}")  # the browser token and the session (for the CSRF token)
    cookies = {name: (browser.get_cookie(name, path=cookie_path).value, cookie_path)
               for name, cookie_path in (("session", "/"), (BROWSER_COOKIE, "/surveys"))}
    replies = _send_all_at_once(app, survey, cookies, [secrets.token_urlsafe(24) for _ in range(THREADS)])
    assert sorted(status for status, _location, _body in replies) == [200] * (THREADS - 1) + [302]
    assert _counts(survey) == (1, 1)
    assert db.session.scalar(select(SurveyResponse.respondent_id)) is None


def test_a_busy_sqlite_database_is_tried_again(users, monkeypatch):
    """SQLite may answer "database is locked" at once when waiting could deadlock; sending tries again."""
    from sqlalchemy.exc import OperationalError

    from engage.surveys import responding

    survey = make_survey()
    real_flush, calls = db.session.flush, {"n": 0}

    def flaky_flush(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real_flush(*args, **kwargs)

    monkeypatch.setattr(db.session, "flush", flaky_flush)
    answers = {question_of(survey, "single_choice").id: ["a"], question_of(survey, "likert").id: ["4"]}
    responding.submit_response(users["participant"], survey, answers=answers, other_texts={},
                               submission_token="once", browser_token=None, locale="en")
    monkeypatch.undo()
    assert calls["n"] >= 2 and _counts(survey) == (1, 1)
