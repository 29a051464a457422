"""Whole pages for people who are not signed in, served from the cache and never stale.

A view marked `@public_page` is rendered once per address and language; the
next visitors get the stored page until any table it read changes. While the
page renders, every SELECT the ORM sends names its tables, and every
`cached_read` names its scopes; the page is stored with that list and with the
tables' and scopes' versions (engage.caching: each committed write gives
its tables a new version). A request looks up the page for its address and
language, reads the current versions of that list (from Redis, or in one
query), and serves the page only if none moved. Why this is exact: a page
depends only on the rows it read, the request (address, language) and the
clock; if none of the tables it read changed, rendering again would read the
same rows. The clock is covered by a short lifetime (PAGE_CACHE_SECONDS):
"happening now" and "closes in 3 days" are at most that old.

Stored pages are served by a WSGI middleware in front of Flask's request
handling (`ServeStoredPages`): no before- or after-request hook runs, the
stored page keeps the headers they gave it (security headers, content type),
and only what belongs to the visitor is made again. Flask renders the pages
not stored yet and records what they read (`_start_recording`,
`_hand_over_page`); the middleware stores them with the headers Flask sent.

Personal parts: CSRF tokens (the language switcher's, a form's) are left as
a placeholder and written in per visitor when the page is served. Flashed
messages and signed-in people (whose pages are never cached whole) skip the
cache. A view marked `@public_page` must show nothing else personal: no
submission token made for one visitor, no "you answered". HTTP: the
page carries an ETag, so a browser that has it gets "304 Not Modified".
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

import redis
from cachelib import SimpleCache
from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE_NAME
from flask_wtf.csrf import generate_csrf

from . import caching
from .i18n import visitor_locale

F = TypeVar("F", bound=Callable)

_MARK = "_engage_public_page"
_MADE = "engage.page_cache.made"  # in the WSGI environ: the page Flask made, for the middleware to store
#: headers made again for each response, not stored with the page
_PER_RESPONSE_HEADERS = {"set-cookie", "content-length", "cache-control", "etag"}


@dataclass(frozen=True)
class StoredPage:
    scopes: tuple[str, ...]  # the tables (and cached reads' scopes) it was made from
    tokens: tuple[str, ...]  # their versions then
    parts: tuple[bytes, ...]  # the page, cut where the visitor's CSRF token goes
    etag: str
    made_at: float  # time.time()
    headers: tuple[tuple[str, str], ...] = ()  # as Flask sent them, but those made per response


@dataclass(frozen=True)
class _Rendering:
    key: str
    versions_before: dict[str, str]


def public_page(view: F) -> F:
    """Mark a view whose page, for people not signed in, depends only on the data it reads, the
    address and the language: it may be served from the cache."""
    setattr(view, _MARK, True)
    return view


def init_app(app: Flask) -> None:
    # Unguessable and the same in every app server (they share the cache): what stands for the
    # visitor's CSRF token in a stored page.
    app.extensions["page_cache_placeholder"] = "csrf-" + hmac.new(
        str(app.config["SECRET_KEY"]).encode(), b"engage page cache: csrf token", hashlib.sha256).hexdigest()[:32]
    # Each process keeps copies of the pages it served last: a page is then fetched from a shared
    # cache (Redis) once per process, and each request only reads the versions.
    app.extensions["page_cache_copies"] = SimpleCache(threshold=256)
    app.before_request(_start_recording)
    app.after_request(_hand_over_page)
    app.wsgi_app = ServeStoredPages(app, app.wsgi_app)


class ServeStoredPages:
    """WSGI middleware: answers from a stored page when there is a current one for the request, else
    lets Flask make the page and stores what it sent."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and self.app.config["PAGE_CACHE_SECONDS"] > 0:
            # Its own app context (a server gives each request one; tests hold one open).
            with self.app.app_context(), self.app.request_context(environ):
                try:
                    response = _stored_response()
                except Exception:  # noqa: BLE001 - the cache is never why a page fails: Flask makes it
                    logging.getLogger(__name__).exception("A stored page could not be served")
                    response = None
            if response is not None:
                return response(environ, start_response)
        sent: list = []

        def keep_status_and_headers(status: str, headers: list, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, keep_status_and_headers)
        made: tuple[str, StoredPage] | None = environ.pop(_MADE, None)
        if made is not None and sent and sent[0].startswith("200 "):
            key, page = made
            page = replace(page, headers=tuple((name, value) for name, value in sent[1]
                                               if name.lower() not in _PER_RESPONSE_HEADERS))
            with self.app.app_context():
                try:
                    caching.cache.set(key, page, timeout=self.app.config["PAGE_CACHE_SECONDS"])
                except redis.RedisError as error:
                    logging.getLogger(__name__).warning("A page was not stored: Redis failed (%s)", error)
        return body


def _placeholder() -> str:
    return current_app.extensions["page_cache_placeholder"]


def _csrf_field() -> str:
    """Where Flask-WTF keeps the request's CSRF token in g."""
    return current_app.config["WTF_CSRF_FIELD_NAME"]


def _tokens(versions: dict[str, str], scopes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(versions.get(scope, "") for scope in scopes)


def _public_page_requested() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["PAGE_CACHE_SECONDS"] > 0
        and getattr(view, _MARK, False)
        and "_flashes" not in session
    )


def _page_key() -> str:
    return "page:" + hashlib.sha256(f"{request.url}|{visitor_locale()}".encode()).hexdigest()


def _stored_response() -> Response | None:
    """The stored page for this request, made out for this visitor; None unless there is a current
    one and the visitor is surely not signed in (no sign-in in the session, no remember cookie:
    looking the person up would cost a query)."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE_NAME)
    if not _public_page_requested() or "_user_id" in session or remember_cookie in request.cookies:
        return None
    key = _page_key()
    copies: SimpleCache = current_app.extensions["page_cache_copies"]
    stored: StoredPage | None = copies.get(key)
    if not _current(stored):
        try:
            stored = caching.cache.get(key)
        except redis.RedisError as error:
            logging.getLogger(__name__).warning("Pages made again: Redis failed (%s)", error)
            return None
        if not _current(stored):
            return None
        copies.set(key, stored, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    response = _revalidated(Response(_joined(stored.parts), headers=list(stored.headers)), stored.etag)
    current_app.session_interface.save_session(current_app, session, response)
    if "Set-Cookie" in response.headers:  # the visitor's first CSRF token: as app.py rules for any cookie
        response.headers["Cache-Control"] = "no-store"
    return response


def _current(stored: StoredPage | None) -> bool:
    return (stored is not None and time.time() - stored.made_at < current_app.config["PAGE_CACHE_SECONDS"]
            and caching.versions(stored.scopes) == stored.tokens)


def _start_recording() -> None:
    """A public page the cache did not hold: note what it reads while it is made."""
    if not _public_page_requested() or current_user.is_authenticated:
        return
    g.page_cache_rendering = _Rendering(_page_key(), caching.all_versions())
    caching.record_reads()
    # Flask-WTF makes a request's CSRF token once and keeps it in g: every form and the language
    # switcher of this page get the placeholder, and the session is not touched.
    setattr(g, _csrf_field(), _placeholder())


def _hand_over_page(response: Response) -> Response:
    rendering: _Rendering | None = g.pop("page_cache_rendering", None)
    if rendering is None:
        return response
    scopes = tuple(sorted(caching.recorded_reads() or ()))
    # Not a page for everybody: an error, a stream, a flashed message.
    if response.status_code != 200 or response.is_streamed or "_flashes" in session:
        return _with_visitor_token(response)
    body = response.get_data()
    page = StoredPage(scopes, caching.versions(scopes), tuple(body.split(_placeholder().encode())),
                      hashlib.sha256(body).hexdigest()[:32], time.time())
    # Stored (by the middleware, with the headers sent) only if no table it read changed while it was made.
    if page.tokens == _tokens(rendering.versions_before, scopes):
        request.environ[_MADE] = (rendering.key, page)
    return _revalidated(_with_visitor_token(response), page.etag)


def _revalidated(response: Response, etag: str) -> Response:
    """The browser may keep the page but must ask each time; it holds the visitor's own CSRF
    token, so no shared cache may keep it."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)


def _with_visitor_token(response: Response) -> Response:
    if g.get(_csrf_field()) == _placeholder():
        g.pop(_csrf_field())
    if not response.is_streamed:
        parts = response.get_data().split(_placeholder().encode())
        if len(parts) > 1:
            response.set_data(_joined(parts))
    return response


def _joined(parts: tuple[bytes, ...] | list[bytes]) -> bytes:
    """The page with the visitor's CSRF token where the placeholder was (making one if needed)."""
    return parts[0] if len(parts) == 1 else generate_csrf().encode().join(parts)
