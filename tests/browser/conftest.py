"""Browser tests: a real Chromium, driven by Playwright, against a live server.

The app under test is the session `app` from tests/conftest.py, served by
werkzeug on a free port, so it uses the same database as the rest of the suite
and the autouse `_clean_state` fixture empties it after every test.

Every page a test visits goes through `assert_accessible`, which runs axe-core
(WCAG 2.0/2.1 A and AA rules) inside the page as it is really served: with its
Content-Security-Policy. Playwright evaluates scripts through the DevTools
protocol, which CSP does not govern, so nothing has to be relaxed for axe.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.support.environment import require_or_skip
from tests.support.people import PASSWORD

CHROMIUM = os.environ.get("ENGAGE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
TIMEOUT_MS = 10_000
TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "engage" / "translations"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


# Prerequisites -------------------------------------------------------------------


def _import_playwright():
    try:
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        require_or_skip(f"browser tests need playwright and axe-playwright-python: {exc}")
    return sync_playwright, Axe


def _compile_stale_catalogs() -> None:
    """Build each language's .mo from its .po when missing or older, as `make translations` does.

    Written to a temporary file and renamed, so a server reading the catalog
    never sees half of one.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        tmp_path = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
        with tmp_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(tmp_path, mo_path)


# Server and browser ------------------------------------------------------------------


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log: a failing test's captured output should show the failure, not every GET."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served over HTTP on 127.0.0.1; yields its base URL."""
    _compile_stale_catalogs()
    # Forget catalogs an earlier test may have loaded before they were compiled.
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    sync_playwright, _axe = _import_playwright()
    if not Path(CHROMIUM).exists():
        require_or_skip(f"Chromium is not installed at {CHROMIUM}")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch problem means "no browser here"
        playwright.stop()
        require_or_skip(f"Chromium at {CHROMIUM} would not start: {exc}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def _emails_link_to_live_server(app, live_server, monkeypatch):
    # Emailed links are built on BASE_URL; for these tests, people reach Engage at the live server.
    monkeypatch.setitem(app.config, "BASE_URL", live_server)


@pytest.fixture
def new_context(browser, live_server, _emails_link_to_live_server):
    """new_context(locale="es", phone=True, width=320, javascript=False) -> a fresh browser context (own
    cookies) on the live server."""
    from axe_playwright_python.base import AXE_FILE_PATH  # importable: `browser` checked

    contexts = []

    def make(locale: str = "en", *, phone: bool = False, width: int | None = None, javascript: bool = True):
        options = {
            "base_url": live_server,
            "locale": locale,
            "extra_http_headers": {"Accept-Language": f"{locale};q=1.0"},
            "viewport": {**(PHONE if phone else DESKTOP), **({"width": width} if width else {})},
            "java_script_enabled": javascript,
        }
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=3)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        # Through the DevTools protocol, like page.evaluate: the page's CSP still applies to the page.
        context.add_init_script(path=AXE_FILE_PATH)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A desktop-sized page (1280x800) in English."""
    return new_context().new_page()


@pytest.fixture
def phone_page(new_context):
    """A phone-sized page (390x844, touch) in English."""
    return new_context(phone=True).new_page()


# Helpers ---------------------------------------------------------------------------


def expect(actual, message: str | None = None):
    """Playwright's auto-waiting `expect`, imported only once the browser fixture found Playwright."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual, message)


def translated(text: str, locale: str = "es", **variables) -> str:
    """`text` as the app shows it in `locale` (the English text while untranslated)."""
    from flask import current_app

    with current_app.test_request_context(), force_locale(locale):
        return gettext(text, **variables)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in with the form, in whatever language the page is in."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form.stacked button[type=submit]").click()
    expect(page.locator("form[action='/logout'] button"), f"could not sign in as {email}").to_have_count(1)


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A+AA violations on the page as it is now.

    This is `Axe().run(page, options=...)` from axe-playwright-python, minus
    re-sending its 500 kB script on every page: contexts from `new_context`
    load it once, as an init script, which halves the time per page.
    """
    _sync_playwright, Axe = _import_playwright()
    if page.evaluate("() => typeof window.axe") == "undefined":
        page.evaluate(Axe().axe_script)
    response = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return response["violations"]


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} accessibility violation(s)"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            summary = re.sub(r"\s+", " ", node.get("failureSummary") or "").strip()
            lines.append(f"      {' '.join(map(str, node['target']))}  {summary}")
    return "\n".join(lines)


NARROWEST = 320  # px: the narrowest phone; no page scrolls sideways on it (WCAG 1.4.10)


def assert_accessible(page) -> None:
    """Fail with a readable list of every axe violation on the current page, or when the page would
    scroll sideways on the narrowest phone."""
    violations = axe_violations(page)
    where = f"{page.url} (lang={page.locator('html').get_attribute('lang')})"
    assert not violations, describe_violations(where, violations)
    assert_no_sideways_scroll(page, NARROWEST)


def assert_no_sideways_scroll(page, width: int) -> None:
    """The page, laid out `width` px wide (then as it was), is no wider than that."""
    viewport = page.viewport_size
    if viewport["width"] != width:
        page.set_viewport_size({"width": width, "height": viewport["height"]})
    try:
        wide = page.evaluate("""() => {
            const limit = document.documentElement.clientWidth;
            const found = [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > limit + 1)
                .slice(0, 3).map(el => `<${el.tagName.toLowerCase()}${el.id ? " id=" + el.id : ""}`
                                   + `${el.className && typeof el.className === "string" ? " class=" + el.className : ""}>`);
            return [document.documentElement.scrollWidth, found];
        }""")
    finally:
        if viewport["width"] != width:
            page.set_viewport_size(viewport)
    assert wide[0] <= width, (f"{page.url} is {wide[0]}px wide on a {width}px phone: it scrolls sideways "
                              f"(too wide: {', '.join(wide[1])})")


MAX_PRESSES = 60  # Tab presses before tab_to gives up


def _focused_element(page) -> str:
    """A short description of what has the focus, for failure messages."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return "<body>";
        const label = (el.labels && el.labels.length ? el.labels[0].textContent : el.textContent || "").trim();
        const name = el.tagName.toLowerCase() + (el.id ? " id=" + el.id : "") + (el.name ? " name=" + el.name : "");
        return `<${name}> ${label.slice(0, 60)}`;
    }""")


def is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, *, backwards: bool = False, max_presses: int = MAX_PRESSES) -> None:
    """Press Tab (or Shift+Tab) until `locator` has the focus; fail clearly if it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    expect(locator).to_be_attached()
    for _ in range(max_presses):
        if is_focused(locator):
            return
        page.keyboard.press(key)
    if not is_focused(locator):
        raise AssertionError(f"{max_presses} presses of {key} never focused {locator}; "
                             f"the focus is on {_focused_element(page)}")


def open_menu(page, *, keyboard: bool = False):
    """The main menu, opened first on a phone (behind its "Menu" button): with a click, or with Tab and Enter."""
    language = page.locator("html").get_attribute("lang")
    menu = page.get_by_role("navigation", name=translated("Main menu", language))
    button = page.get_by_role("button", name=translated("Menu", language), exact=True)
    if button.is_visible():
        expect(button).to_have_attribute("aria-expanded", "false")
        if keyboard:
            tab_to(page, button)
            page.keyboard.press("Enter")
        else:
            button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    return menu


def menu_link(page, name: str, *, keyboard: bool = False):
    """A link of the main menu, shown: the menu opened on a phone, and "Tools" when the link is one of
    them; with the keyboard (Tab, Enter) or clicks."""
    link = open_menu(page, keyboard=keyboard).get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        tools = page.locator(".nav-tools summary")
        if keyboard:
            tab_to(page, tools)
            page.keyboard.press("Enter")
        else:
            tools.click()
    expect(link).to_be_visible()
    return link


def check(page) -> None:
    """No axe violations, and nothing wider than the window (a phone never scrolls sideways)."""
    assert_accessible(page)
    width, screen = page.evaluate("() => document.documentElement.scrollWidth"), page.viewport_size["width"]
    assert width <= screen, f"{page.url} is {width}px wide on a {screen}px screen: it scrolls sideways"


def press_and_wait_for_page(page, key: str = "Enter") -> None:
    """Press a key that follows a link or sends a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def heading(page):
    return page.get_by_role("heading", level=1)
