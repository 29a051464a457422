"""Pages for people who are not signed in come from the cache, and never stale: every change
people make shows on the very next request (engage/page_cache.py)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import redis
from flask import request_started
from sqlalchemy import func, select

from config import TestingConfig
from engage import caching, create_app, page_cache, queue
from engage.comments import services as comments
from engage.extensions import db
from engage.models import utcnow
from engage.plans import services as plans
from engage.plans.models import Plan, PlanStatus
from engage.tracker.models import ProgressStatus, TrackerSubscription
from tests.plans.factories import make_plan
from tests.support.comments import comment_form
from tests.support.environment import redis_test_url, require_or_skip
from tests.support.people import make_user
from tests.support.progress import actions_of, add_update, published_plan
from tests.support.queries import count_queries
from tests.support.web import post_form

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def open_plan(leader) -> Plan:
    plan = make_plan(title="Bus Plan", feedback_opens_at=utcnow() - timedelta(days=1))
    plans.publish_version(leader, plan, status="draft")
    return plan


def text(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def queries_for(client, path: str, **kwargs) -> int:
    db.session.expire_all()
    with count_queries(page_cache=True) as counter:
        text(client, path, **kwargs)
    return counter.count


@pytest.fixture
def plan(users) -> Plan:
    return open_plan(users["leader"])


def test_the_second_visitor_gets_the_stored_page_in_one_query(app, plan, client):
    path = f"/plans/{plan.id}"
    made = queries_for(client, path)
    assert made > 3
    assert queries_for(app.test_client(), path) == 1  # the versions of what the page read
    with count_queries(page_cache=True) as counter:
        assert app.test_client().get(path).status_code == 200
    assert counter.count == 1


def test_a_posted_comment_shows_on_the_next_request(app, plan, users, client_as, client):
    for path in (f"/plans/{plan.id}", f"/plans/{plan.id}/comments", "/"):
        text(client, path)
    assert "The buses come late" not in text(client, f"/plans/{plan.id}/comments")

    response = comment_form(client_as("participant"), plan, "The buses come late")
    assert response.status_code == 302

    assert "The buses come late" in text(client, f"/plans/{plan.id}/comments")
    assert "1 comment" in text(client, f"/plans/{plan.id}")


def test_a_moderators_decision_shows_on_the_next_request(plan, users, client_as, client):
    comment = comments.post_comment(users["participant"], plan, body="Rude words here", submission_token="rude-1")
    assert "Rude words here" in text(client, f"/plans/{plan.id}/comments")

    moderator = client_as("moderator")
    response = post_form(moderator, f"/comments/{comment.id}/moderate",
                         {"decision": "hide", "reason": "Insults"}, form_page=f"/comments/{comment.id}/moderate")
    assert response.status_code == 302

    assert "Rude words here" not in text(client, f"/plans/{plan.id}/comments")


def test_a_published_version_shows_on_the_next_request(plan, users, client_as, client):
    path = f"/plans/{plan.id}"
    assert "Express routes for the high schools" not in text(client, path)
    action = actions_of(plan)[0]
    action.title = "Express routes for the high schools"
    db.session.commit()
    assert "Express routes for the high schools" not in text(client, path)  # a draft edit is not published

    leader = client_as("leader")
    response = post_form(leader, f"/plans/{plan.id}/publish", {"status": PlanStatus.REVISED_DRAFT, "change_note": "Express routes"},
                         form_page=f"/plans/{plan.id}/preview")
    assert response.status_code == 302

    assert "Express routes for the high schools" in text(client, path)


def test_a_progress_update_shows_on_the_next_request(users, client):
    plan = published_plan(users["leader"], title="Tracked Plan")
    action = actions_of(plan)[0]
    paths = [f"/progress/actions/{action.id}", f"/progress/plans/{plan.id}/feed.atom"]
    for path in paths:
        assert "Routes redrawn" not in text(client, path)
    assert "Done</span> <strong>0</strong>" in text(client, "/progress/")

    add_update(action, status=ProgressStatus.DONE, percent=100, summary="Routes redrawn")

    for path in paths:
        assert "Routes redrawn" in text(client, path)
    assert "Done</span> <strong>1</strong>" in text(client, "/progress/")


def test_each_language_has_its_own_page(plan, client):
    english = text(client, f"/plans/{plan.id}", headers={"Accept-Language": "en"})
    spanish = text(client, f"/plans/{plan.id}", headers={"Accept-Language": "es"})
    assert 'lang="en"' in english and 'lang="es"' in spanish
    assert text(client, f"/plans/{plan.id}", headers={"Accept-Language": "en"}) == english


def test_every_visitor_gets_their_own_csrf_token_and_it_works(app, plan):
    path = f"/plans/{plan.id}"
    first, second = app.test_client(), app.test_client()
    token_one = TOKEN.search(text(first, path)).group(1)
    token_two = TOKEN.search(text(second, path)).group(1)  # served from the cache
    assert token_one != token_two
    assert "csrf-" not in text(second, path).split('name="csrf_token"')[1][:60]

    response = second.post("/language", data={"csrf_token": token_two, "locale": "es", "next": path})
    assert response.status_code == 302
    assert 'lang="es"' in text(second, path)


def test_a_form_on_a_stored_page_posts_with_the_visitors_own_token(app, users):
    plan = published_plan(users["leader"], title="Tracked Plan")
    path = f"/progress/plans/{plan.id}"
    text(app.test_client(), path)
    visitor = app.test_client()
    html = text(visitor, path)  # from the cache
    token = TOKEN.search(html).group(1)
    response = visitor.post("/progress/subscribe", data={"csrf_token": token, "plan_id": plan.id,
                                                         "email": "follower@example.org"})
    assert response.status_code == 200  # "check your email", not a CSRF failure (400)
    assert db.session.scalar(select(func.count()).select_from(TrackerSubscription)) == 1


def test_signed_in_people_never_get_the_stored_page(plan, users, client_as, client):
    path = f"/plans/{plan.id}"
    text(client, path)
    text(client, path)
    participant = client_as("participant")
    html = text(participant, path)
    assert "Sign out" in html and "Pat" in html
    assert "no-store" in participant.get(path).headers["Cache-Control"]
    assert "Sign out" not in text(client, path)


def test_a_flashed_message_is_shown_not_lost(app, plan, users):
    visitor = app.test_client()
    text(visitor, "/")
    text(visitor, "/")
    response = post_form(visitor, "/login", {"email": "nobody@example.org", "password": "wrong"}, form_page="/login")
    assert response.status_code == 200
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "You are signed out.")]
    assert "You are signed out." in text(visitor, "/")
    assert "You are signed out." not in text(visitor, "/")


def test_a_browser_that_has_the_page_gets_not_modified(plan, client):
    path = f"/plans/{plan.id}"
    for _visit in range(2):  # the first visits set the session cookie: no-store
        first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "private, no-cache"

    commenter = make_user(email="commenter@example.org", name="Cam")
    comments.post_comment(commenter, plan, body="Changed since", submission_token="changed-1")
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_deleting_rows_by_cascade_gives_the_cascaded_tables_new_versions(plan, users):
    comments.post_comment(users["participant"], plan, body="Soon gone", submission_token="gone-1")
    before = caching.versions([caching.table_scope("comments")])
    db.session.delete(db.session.get(Plan, plan.id))
    db.session.commit()
    assert caching.versions([caching.table_scope("comments")]) != before


def test_the_page_cache_can_be_turned_off(app, plan, client):
    app.config["PAGE_CACHE_SECONDS"] = 0
    try:
        text(client, f"/plans/{plan.id}")
        assert queries_for(client, f"/plans/{plan.id}") > 1
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 60


class Rendered:
    """Counts the requests Flask itself handled (a stored page is served before it)."""

    def __init__(self, app) -> None:
        self.count = 0
        request_started.connect(self._started, app, weak=False)
        self._app = app

    def _started(self, _sender, **_extra) -> None:
        self.count += 1

    def close(self) -> None:
        request_started.disconnect(self._started, self._app)


@pytest.fixture
def rendered(app):
    counter = Rendered(app)
    yield counter
    counter.close()


def test_a_stored_page_is_served_before_flask_with_the_headers_flask_gave_it(app, plan, rendered):
    path = f"/plans/{plan.id}"
    made = app.test_client().get(path)
    assert rendered.count == 1
    served = app.test_client().get(path)
    assert rendered.count == 1
    assert served.get_data() != b"" and TOKEN.search(served.get_data(as_text=True))
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                   "Content-Type", "ETag"):
        assert served.headers[header] == made.headers[header], header
    assert served.headers["Cache-Control"] == "no-store"  # it sets the visitor's first session cookie
    assert "session=" in served.headers["Set-Cookie"]

    head = app.test_client().head(path)
    assert head.status_code == 200 and head.get_data() == b"" and rendered.count == 1
    again = app.test_client().get(path, headers={"If-None-Match": made.headers["ETag"]})
    assert again.status_code == 304 and rendered.count == 1


def test_a_visitor_who_may_be_signed_in_is_never_served_a_stored_page(app, plan, users, rendered):
    path = f"/plans/{plan.id}"
    text(app.test_client(), path)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", "1|not-a-real-one")
    assert "Sign out" not in text(remembered, path)  # the cookie does not sign anyone in
    assert rendered.count == 2


def test_a_stored_page_lives_page_cache_seconds_at_most(app, plan, rendered):
    path = f"/plans/{plan.id}"
    app.config["PAGE_CACHE_SECONDS"] = 1
    try:
        text(app.test_client(), path)
        text(app.test_client(), path)
        assert rendered.count == 1
        time.sleep(1.1)
        text(app.test_client(), path)
        assert rendered.count == 2
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 60


@pytest.fixture
def two_app_servers(app, database_url):
    """Two apps on the suite's database sharing one Redis, as two app servers do: pages and the
    versions of the data are in Redis, each keeps its own copies of pages."""
    url = redis_test_url()
    store = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        store.flushdb()
    except redis.exceptions.ConnectionError:
        require_or_skip("Redis is not running at 127.0.0.1:6379")
    servers = [create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": url})
               for _server in range(2)]
    yield servers
    store.flushdb()
    for server in servers:
        with server.app_context():
            db.engine.dispose()
    queue.init_app(app)  # the queue the rest of the suite uses


def test_app_servers_sharing_redis_show_a_change_made_on_either_at_once(two_app_servers, users):
    first, second = two_app_servers
    rendered = Rendered(second)
    try:
        with first.app_context():
            plan = open_plan(db.session.merge(users["leader"]))
            path = f"/plans/{plan.id}/comments"
            assert "The buses come late" not in text(first.test_client(), path)
        assert "No comments yet" in text(second.test_client(), path)  # stored by the first
        assert rendered.count == 0

        with first.app_context():
            comments.post_comment(db.session.merge(users["participant"]), db.session.merge(plan),
                                  body="The buses come late", submission_token="late-1")
        assert "The buses come late" in text(second.test_client(), path)
        assert rendered.count == 1
        assert "The buses come late" in text(second.test_client(), path)
        assert rendered.count == 1
    finally:
        rendered.close()


def test_a_stored_page_that_cannot_be_served_is_made_by_flask(app, plan, rendered, monkeypatch):
    path = f"/plans/{plan.id}"
    text(app.test_client(), path)

    def broken(_stored):
        raise OSError("connection refused")

    monkeypatch.setattr(page_cache, "_current", broken)  # the check of a stored page's versions fails
    assert "Bus Plan" in text(app.test_client(), path)
    assert rendered.count == 2
