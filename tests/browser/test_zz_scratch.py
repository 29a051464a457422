import time
from tests.browser.conftest import axe_violations, describe_violations, sign_in

def test_scratch(new_context, users, live_server):
    for locale in ("en", "es"):
        page = new_context(locale).new_page()
        page.on("console", lambda m: print("CONSOLE", m.type, m.text))
        for path in ["/", "/login", "/register", "/privacy", "/password/forgot", "/nope"]:
            t = time.time()
            page.goto(path)
            v = axe_violations(page)
            print(path, locale, round(time.time() - t, 2), describe_violations(path, v) if v else "ok")
        page = new_context(locale).new_page()
        sign_in(page, "admin@example.org")
        for path in ["/", "/account", "/account/profile", "/account/email", "/account/password", "/host/", "/leadership/participation", "/admin/", "/admin/users", "/admin/organizations", "/admin/organizations/new", "/admin/schools", "/admin/schools/new", "/admin/outbox", "/admin/audit"]:
            t = time.time()
            page.goto(path)
            v = axe_violations(page)
            print(path, locale, round(time.time() - t, 2), describe_violations(path, v) if v else "ok")
