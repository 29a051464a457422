from tests.browser.conftest import check, sign_in, expect, heading
from tests.browser.test_themes_journey import feedback_plan  # noqa
from engage.themes import services


def test_explore(new_context, users, feedback_plan):
    analysis = services.default_analysis(None, feedback_plan.id)
    services.run_analysis_now(None, analysis)
    themes = services.active_themes(analysis)
    page = new_context("es", phone=True).new_page()
    sign_in(page, users["leader"].email)
    for name, url in [("dash", f"/themes/analyses/{analysis.id}"), ("theme", f"/themes/analyses/{analysis.id}/themes/{themes[0].id}"),
                      ("report", f"/themes/analyses/{analysis.id}/report"), ("index", "/themes/")]:
        page.goto(url)
        page.screenshot(path=f"/tmp/themes_{name}.png", full_page=True)
    page = new_context("en").new_page()
    sign_in(page, users["leader"].email)
    page.goto(f"/themes/analyses/{analysis.id}")
    page.screenshot(path="/tmp/themes_dash_desktop.png", full_page=True)
    page.goto(f"/themes/analyses/{analysis.id}/themes/{themes[0].id}")
    page.screenshot(path="/tmp/themes_theme_desktop.png", full_page=True)
