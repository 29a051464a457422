"""Whole pages for people who are not signed in, served from the cache and never stale.

A view marked `@public_page` is rendered once per address and language; the
next visitors get the stored page until any table it read changes. While the
page renders, every SELECT the ORM sends names its tables, and every
`cached_read` names its scopes; the page is stored with that list and with the
tables' and scopes' version tokens (engage.caching: each committed write gives
its tables a new token). A request looks up the page for its address and
language, reads the current tokens of that list in one query, and serves the
page only if none moved. Why this is exact: a page depends only on the rows
it read, the request (address, language) and the clock; if none of the
tables it read changed, rendering again would read the same rows. The clock
is covered by a short lifetime (PAGE_CACHE_SECONDS): "happening now" and
"closes in 3 days" are at most that old.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from . import caching

F = TypeVar("F", bound=Callable)

_MARK = "_engage_public_page"
#: the headers a stored page keeps (the others are made again for each response)
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")


@dataclass(frozen=True)
class StoredPage:
    scopes: tuple[str, ...]  # the tables (and cached reads' scopes) it was made from
    tokens: tuple[str, ...]  # their versions then
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


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
    app.before_request(_serve_stored_page)
    app.after_request(_store_page)


def _placeholder() -> str:
    return current_app.extensions["page_cache_placeholder"]


def _csrf_field() -> str:
    """Where Flask-WTF keeps the request's CSRF token in g."""
    return current_app.config["WTF_CSRF_FIELD_NAME"]


def _tokens(versions: dict[str, str], scopes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(versions.get(scope, "") for scope in scopes)


def _cacheable() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["PAGE_CACHE_SECONDS"] > 0
        and getattr(view, _MARK, False)
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


def _page_key() -> str:
    return "page:" + hashlib.sha256(f"{request.url}|{get_locale()}".encode()).hexdigest()


def _serve_stored_page() -> Response | None:
    if not _cacheable():
        return None
    key = _page_key()
    stored: StoredPage | None = caching.cache.get(key)
    # Every version, in one query: a page that must be made again costs the same queries whether
    # or not an older copy was found.
    current = caching.all_versions()
    if stored is not None and _tokens(current, stored.scopes) == stored.tokens:
        return _for_this_visitor(Response(stored.body, headers=list(stored.headers)), stored.etag)
    g.page_cache_rendering = _Rendering(key, current)
    caching.record_reads()
    # Flask-WTF makes a request's CSRF token once and keeps it in g: every form and the language
    # switcher of this page get the placeholder, and the session is not touched.
    setattr(g, _csrf_field(), _placeholder())
    return None


def _store_page(response: Response) -> Response:
    rendering: _Rendering | None = g.pop("page_cache_rendering", None)
    if rendering is None:  # not cacheable, or served from the cache
        return response
    scopes = tuple(sorted(caching.recorded_reads() or ()))
    # Not a page for everybody: an error, a stream, a flashed message.
    if response.status_code != 200 or response.is_streamed or "_flashes" in session:
        return _with_visitor_token(response)
    body = response.get_data()
    stored = StoredPage(scopes, caching.versions(scopes), body,
                        tuple((name, value) for name, value in response.headers.items() if name in _KEPT_HEADERS),
                        hashlib.sha256(body).hexdigest()[:32])
    # Kept only if no table it read changed while it was made.
    if stored.tokens == _tokens(rendering.versions_before, scopes):
        caching.cache.set(rendering.key, stored, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    return _for_this_visitor(response, stored.etag)


def _for_this_visitor(response: Response, etag: str) -> Response:
    # The browser may keep the page but must ask each time; it holds the visitor's own CSRF
    # token, so no shared cache may keep it.
    response = _with_visitor_token(response)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)


def _with_visitor_token(response: Response) -> Response:
    if g.get(_csrf_field()) == _placeholder():
        g.pop(_csrf_field())
    if response.is_streamed:
        return response
    placeholder = _placeholder().encode()
    body = response.get_data()
    if placeholder in body:
        response.set_data(body.replace(placeholder, generate_csrf().encode()))
    return response
