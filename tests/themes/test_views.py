"""Themes pages: who may open them, the dashboard, drilling into a theme, and leaders' edits over HTTP."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.comments.models import Comment
from engage.extensions import db
from engage.models import utcnow
from engage.themes import services
from engage.themes.models import AssignedBy, RunStatus, Theme, ThemeAnalysis, ThemeAssignment, ThemeRun, ThemeStatus
from tests.plans.factories import make_plan
from tests.support.queries import count_queries
from tests.support.theme_pages import post, text_of, theme_url, theme_with, themes_of
from tests.support.web import csrf_token
from tests.themes.factories import TOPICS, add_comments, analysed_plan, make_feedback_plan

LEADERS = ("leader", "admin")
NOT_LEADERS = ("participant", "host", "moderator")


@pytest.fixture
def analysed(users):
    """A plan with comments on three topics, and its default analysis run once."""
    return analysed_plan(users["leader"], per_topic=6)


def dashboard_url(analysis, **query) -> str:
    args = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/themes/analyses/{analysis.id}" + (f"?{args}" if args else "")


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def error_beside(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field_id}"
    return match.group(1)


# Who may open what -------------------------------------------------------------------


def _routes(plan, analysis, theme, other_theme):
    item = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)).first()
    base = f"/themes/analyses/{analysis.id}"
    return [
        ("GET", "/themes/", {}),
        ("GET", f"/themes/plans/{plan.id}", {}),
        ("POST", f"/themes/plans/{plan.id}/analyses", {"plan%d-title" % plan.id: "Surveys"}),
        ("GET", base, {}),
        ("GET", f"{base}/status.json", {}),
        ("POST", f"{base}/run", {"submission_token": uuid.uuid4().hex}),
        ("GET", f"{base}/themes/{theme.id}", {}),
        ("GET", f"{base}/other", {}),
        ("GET", f"{base}/off-topic", {}),
        ("POST", f"{base}/themes/{theme.id}/rename", {"rename-label": "Buses"}),
        ("POST", f"{base}/themes/{theme.id}/response", {"response-heard": "Buses"}),
        ("POST", f"{base}/themes/{theme.id}/merge", {"merge-into": str(other_theme.id)}),
        ("POST", f"{base}/themes/{theme.id}/split", {"split-n_parts": "2"}),
        ("POST", f"{base}/items/move", {"source": "comment", "source_id": str(item.id), "theme": "other"}),
        ("POST", f"{base}/items/off-topic", {"source": "comment", "source_id": str(item.id), "off_topic": "1"}),
        ("POST", f"{base}/seeds", {"seed-label": "Bus stops", "seed-examples": "bus stop\ncrosswalk"}),
        ("POST", f"{base}/seeds/actions", {}),
        ("POST", f"{base}/themes/{theme.id}/unseed", {}),
    ]


@pytest.mark.parametrize("role", ("anonymous", *NOT_LEADERS, *LEADERS))
def test_every_themes_page_is_for_leaders_and_admins_only(client_as, users, analysed, role):
    plan, analysis = analysed
    theme, other_theme = themes_of(analysis)[:2]
    client = client_as(role)
    token = csrf_token(client, "/login" if role == "anonymous" else "/")
    before = audit_actions()
    for method, path, data in _routes(plan, analysis, theme, other_theme):
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={**data, "csrf_token": token})
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], (method, path)
        elif role in NOT_LEADERS:
            assert response.status_code == 403, (method, path, response.status_code)
        else:
            assert response.status_code in (200, 302), (method, path, response.status_code)
    if role not in LEADERS:
        assert audit_actions() == before
        assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 1


@pytest.mark.parametrize("role", LEADERS + NOT_LEADERS)
def test_the_themes_link_is_in_the_menu_only_for_those_who_may_use_it(client_as, users, role):
    html = text_of(client_as(role).get("/"))
    assert ('href="/themes/"' in html) is (role in LEADERS)


def test_the_leadership_page_links_to_themes(leader):
    assert 'href="/themes/"' in text_of(leader.get("/leadership/participation")).split("<main", 1)[1]


# The list of plans and creating an analysis -------------------------------------------------


def test_index_lists_plans_with_their_analyses(leader, analysed):
    plan, analysis = analysed
    html = text_of(leader.get("/themes/"))
    assert plan.title in html and f'href="/themes/analyses/{analysis.id}"' in html
    assert 'name="plan%d-title"' % plan.id in html


def test_a_plan_link_goes_to_its_default_analysis_made_on_first_visit(leader, users):
    plan = make_plan("No feedback yet")
    response = leader.get(f"/themes/plans/{plan.id}")
    analysis = db.session.scalar(select(ThemeAnalysis).where(ThemeAnalysis.plan_id == plan.id))
    assert analysis.is_default and response.headers["Location"].endswith(f"/themes/analyses/{analysis.id}")
    assert leader.get(f"/themes/plans/{plan.id}").headers["Location"] == response.headers["Location"]
    assert leader.get("/themes/plans/999999").status_code == 404
    assert leader.get(f"/themes/plans/{2**40}").status_code == 404


def test_creating_an_analysis_of_some_channels_and_dates(leader, analysed):
    plan, _analysis = analysed
    prefix = f"plan{plan.id}-"
    data = {"title": "  Surveys   since fall ", "sources": ["survey_answer", "comment"], "since": "2026-09-01",
            "until": "2026-12-31"}
    response = post(leader, f"/themes/plans/{plan.id}/analyses", data, prefix=prefix)
    again = post(leader, f"/themes/plans/{plan.id}/analyses", data, prefix=prefix)
    created = db.session.scalars(select(ThemeAnalysis).where(ThemeAnalysis.is_default.is_(False))).all()
    assert len(created) == 1, "the same form sent twice makes one analysis"
    made = created[0]
    assert (made.title, made.sources, str(made.since), str(made.until)) == (
        "Surveys since fall", ["comment", "survey_answer"], "2026-09-01", "2026-12-31")
    assert response.headers["Location"].endswith(f"/themes/analyses/{made.id}") == again.headers["Location"].endswith(
        f"/themes/analyses/{made.id}") is True
    assert "themes.analysis_created" in audit_actions()
    html = text_of(leader.get(f"/themes/analyses/{made.id}"))
    assert "Surveys since fall" in html and "Channels: Plan comments, Survey answers." in html


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"title": ""}, "title", "Please give the analysis a title."),
    ({"title": "x" * 201}, "title", "under 200 characters"),
    ({"title": "Dates", "since": "2026-13-45"}, "since", "Please enter a date like"),
    ({"title": "Dates", "since": "99999-01-01"}, "since", "Please enter a date like"),
    ({"title": "Dates", "since": "2026-10-01", "until": "2026-09-01"}, "until", "on or after the start date"),
    ({"title": "Channels", "sources": ["carrier_pigeon"]}, "sources", "Please choose channels from the list."),
])
def test_a_bad_analysis_form_shows_the_error_beside_the_field_and_keeps_what_was_typed(leader, analysed, data,
                                                                                         field, message):
    plan, _analysis = analysed
    prefix = f"plan{plan.id}-"
    response = post(leader, f"/themes/plans/{plan.id}/analyses", data, prefix=prefix)
    html = text_of(response)
    assert response.status_code == 200
    assert message in error_beside(html, f"{prefix}{field}")
    if data.get("title"):
        assert f'value="{data["title"]}"' in html
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 1


def test_an_analysis_of_another_plan_id_is_not_found(leader, analysed):
    assert post(leader, "/themes/plans/999999/analyses", {"title": "X"}, prefix="plan999999-").status_code == 404


# The dashboard ---------------------------------------------------------------------------


def test_dashboard_ranks_the_themes_with_counts_channels_and_quotes(leader, analysed):
    plan, analysis = analysed
    html = text_of(leader.get(dashboard_url(analysis)))
    assert f"Themes: {plan.title}" in html
    for theme in themes_of(analysis):
        assert theme_url(analysis, theme) in html and theme.label in html
    assert '<caption id="themes-caption">Themes ranked by people</caption>' in html
    assert "Plan comments: " in html and 'class="theme-quote"' in html
    assert "Last result:" in html and "Run the analysis again" in html
    assert "Other / unclustered" in html and "Off-topic" in html
    assert "<span class=\"stat\">18</span> items of feedback" in html


@pytest.mark.parametrize("setting, said", [
    ("tfidf", "Read with: Word matching (TF-IDF), because no sentence-embedding model loaded"),
    ("auto", "Read with: Sentence embeddings in English and Spanish (Google's USE multilingual with "
             "all-MiniLM-L6-v2)"),
])
def test_dashboard_says_how_the_run_read_the_feedback(leader, users, app, monkeypatch, setting, said):
    monkeypatch.setitem(app.config, "THEMES_REPRESENTATION", setting)
    plan = make_feedback_plan(per_topic=6)
    analysis = services.default_analysis(users["leader"], plan.id)
    services.start_run(users["leader"], analysis)
    html = text_of(leader.get(dashboard_url(analysis)))
    assert said.replace("'", "&#39;") in html


def test_dashboard_sort_links_mark_the_current_order(leader, analysed):
    _plan, analysis = analysed
    html = text_of(leader.get(dashboard_url(analysis, sort="support")))
    assert re.search(r'sort=support#themes-title" aria-current="true"', html)
    assert "Themes ranked by support" in html
    assert leader.get(dashboard_url(analysis, sort="<script>")).status_code == 200


def test_new_feedback_is_placed_in_its_nearest_theme_and_shown_as_new(leader, analysed):
    plan, analysis = analysed
    add_comments(plan, per_topic=1, topics={"bus": ["The school bus is late again every morning"]}, start=500)
    html = text_of(leader.get(dashboard_url(analysis)))
    assert "<span class=\"stat\">1</span> new since the last run" in html
    bus = theme_with(analysis, "bus")
    theme_html = text_of(leader.get(theme_url(analysis, bus) + "?new=1"))
    assert "The school bus is late again every morning" in theme_html and "badge-new" in theme_html


def test_dashboard_with_no_feedback_says_so(leader):
    plan = make_plan("Quiet plan")
    html = text_of(leader.get(f"/themes/plans/{plan.id}", follow_redirects=True))
    assert "No feedback yet." in html and "Not run yet." in html and "Run the analysis" in html


def test_dashboard_before_the_first_run_offers_to_run_it(leader, users):
    plan = make_feedback_plan(per_topic=2)
    html = text_of(leader.get(f"/themes/plans/{plan.id}", follow_redirects=True))
    assert "has not been run yet" in html and ">Run the analysis</button>" in html


def test_dashboard_during_the_first_run_says_it_is_in_progress(leader, users):
    plan = make_feedback_plan(per_topic=2)
    analysis = services.default_analysis(users["leader"], plan.id)
    db.session.add(ThemeRun(analysis_id=analysis.id, status=RunStatus.QUEUED))
    db.session.commit()
    html = text_of(leader.get(dashboard_url(analysis)))
    assert "The first run is in progress." in html and "In progress: waiting to start, 0%" in html


def test_dashboard_shows_a_failed_run(leader, analysed):
    _plan, analysis = analysed
    db.session.add(ThemeRun(analysis_id=analysis.id, status=RunStatus.FAILED, finished_at=utcnow(),
                            error="MemoryError: <b>too big</b>"))
    db.session.commit()
    html = text_of(leader.get(dashboard_url(analysis)))
    assert "The last run failed" in html and "&lt;b&gt;too big&lt;/b&gt;" in html
    assert "Last result:" in html, "the themes of the last good run are still shown"


def test_a_run_in_progress_shows_its_stage_and_the_status_endpoint_reports_it(leader, analysed):
    _plan, analysis = analysed
    run = ThemeRun(analysis_id=analysis.id, status=RunStatus.RUNNING, progress=40, stage="clustering")
    db.session.add(run)
    db.session.commit()
    html = text_of(leader.get(dashboard_url(analysis)))
    assert "In progress: grouping into themes, 40%" in html and 'data-active="1"' in html
    assert f'href="/themes/analyses/{analysis.id}">Refresh</a>' in html
    status = json.loads(text_of(leader.get(f"/themes/analyses/{analysis.id}/status.json")))
    assert status == {"status": "running", "progress": 40, "stage": "grouping into themes",
                      "message": "In progress: grouping into themes, 40%", "run_id": run.id}
    run.status, run.progress = RunStatus.DONE, 100
    db.session.commit()
    assert json.loads(text_of(leader.get(f"/themes/analyses/{analysis.id}/status.json")))["status"] == "done"


def test_the_themes_pages_are_in_spanish_for_spanish_readers(leader, analysed, users):
    _plan, analysis = analysed
    users["leader"].locale = "es"
    db.session.commit()
    for page in (dashboard_url(analysis), theme_url(analysis, themes_of(analysis)[0]), "/themes/"):
        response = leader.get(page)
        assert response.status_code == 200 and 'lang="es"' in text_of(response)


# Running ---------------------------------------------------------------------------------


def test_running_from_the_dashboard_once_however_often_the_form_is_sent(leader, users):
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    token = uuid.uuid4().hex
    first = post(leader, f"/themes/analyses/{analysis.id}/run", {"submission_token": token, "n_themes": "3"})
    second = post(leader, f"/themes/analyses/{analysis.id}/run", {"submission_token": token, "n_themes": "3"})
    assert first.status_code == second.status_code == 302
    runs = db.session.scalars(select(ThemeRun).where(ThemeRun.analysis_id == analysis.id)).all()
    assert len(runs) == 1 and runs[0].status == RunStatus.DONE and runs[0].n_themes_requested == 3
    assert audit_actions().count("themes.run_started") == 1
    html = text_of(leader.get(dashboard_url(analysis)))
    assert len(themes_of(analysis)) >= 2 and "Last result:" in html


def test_a_run_that_fails_is_shown_as_failed_not_as_an_error_page(leader, users, monkeypatch):
    plan = make_feedback_plan(per_topic=2)
    analysis = services.default_analysis(users["leader"], plan.id)

    def broken(*_args, **_kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(services.pipeline, "find_themes", broken)
    response = post(leader, f"/themes/analyses/{analysis.id}/run", {"submission_token": uuid.uuid4().hex})
    assert response.status_code == 302
    html = text_of(leader.get(dashboard_url(analysis)))
    assert "The last run failed" in html and "MemoryError: out of memory" in html
    assert ">Run the analysis</button>" in html


@pytest.mark.parametrize("value", ["abc", "1", "201", "9" * 400, "-3", "2.5"])
def test_a_bad_number_of_themes_is_refused_beside_the_field(leader, analysed, value):
    _plan, analysis = analysed
    response = post(leader, f"/themes/analyses/{analysis.id}/run", {"n_themes": value,
                                                                    "submission_token": uuid.uuid4().hex})
    html = text_of(response)
    assert response.status_code == 200
    assert "Please enter" in error_beside(html, "n_themes")
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 1


# Drilling into a theme ----------------------------------------------------------------------


def test_theme_page_shows_breakdowns_trend_quotes_and_every_item(leader, analysed):
    _plan, analysis = analysed
    theme = theme_with(analysis, "counselor")
    html = text_of(leader.get(theme_url(analysis, theme)))
    for caption in ("By channel", "By part of the plan", "By connection to the district", "By preferred language",
                    "By school (people may name more than one)", "Items each week"):
        assert f">{caption}</caption>" in html
    assert "hidden to protect a small group" in html, "6 people who did not say are a small group"
    assert 'id="quotes-title"' in html and 'class="theme-item-text"' in html
    assert 'name="rename-label"' in html and 'name="response-heard"' in html
    assert 'name="merge-into"' in html and 'name="split-n_parts"' in html


def test_theme_items_search_ignores_accents_and_filters(leader, analysed):
    _plan, analysis = analysed
    bus = theme_with(analysis, "bus")
    themed = [row for row in services.themed_items(analysis) if row.theme_id == bus.id]
    spanish = [row for row in themed if "autobús" in row.item.text]
    html = text_of(leader.get(theme_url(analysis, bus) + "?q=AUTOBUS"))
    assert html.count('class="theme-item-text"') == len(spanish)
    html = text_of(leader.get(theme_url(analysis, bus) + "?q=nothing+like+this"))
    assert "No item matches." in html
    html = text_of(leader.get(theme_url(analysis, bus) + "?source=survey_answer"))
    assert "No item matches." in html
    for query in ("?source=nonsense&section=%00x&language=zz&page=abc", "?page=99999999999999999999",
                  "?q=" + "x" * 5000):
        assert leader.get(theme_url(analysis, bus) + query).status_code in (200, 400)


def test_item_lists_are_paged_by_fifty(leader, users):
    plan = make_feedback_plan(per_topic=60, topics={"bus": TOPICS["bus"]})
    analysis = services.default_analysis(users["leader"], plan.id)  # not run: every item is under Other
    html = text_of(leader.get(f"/themes/analyses/{analysis.id}/other?q=bus"))
    assert html.count('class="theme-item-text"') == 50 and "Page 1 of 2" in html
    assert f'href="/themes/analyses/{analysis.id}/other?q=bus&amp;page=2" rel="next"' in html
    html = text_of(leader.get(f"/themes/analyses/{analysis.id}/other?q=bus&page=2"))
    assert html.count('class="theme-item-text"') == 10 and 'rel="prev"' in html


def test_another_analysis_s_theme_is_not_found(leader, analysed, users):
    plan, analysis = analysed
    theme = themes_of(analysis)[0]
    other = services.create_analysis(users["leader"], plan.id, title="Another")
    assert leader.get(theme_url(other, theme)).status_code == 404
    assert post(leader, theme_url(other, theme, "/rename"), {"label": "x"}, prefix="rename-").status_code == 404
    assert leader.get(f"/themes/analyses/{analysis.id}/themes/{2**31 + 5}").status_code == 404
    assert leader.get("/themes/analyses/999999").status_code == 404


def test_feedback_text_is_escaped_and_its_line_breaks_kept(leader, users):
    plan = make_feedback_plan(per_topic=3, topics={"x": ["<script>alert('x')</script>\nsecond line"],
                                                   "bus": TOPICS["bus"]})
    analysis = services.default_analysis(users["leader"], plan.id)
    services.run_analysis_now(None, analysis)
    pages = [dashboard_url(analysis), f"/themes/analyses/{analysis.id}/other"] + [
        theme_url(analysis, theme) for theme in themes_of(analysis)]
    seen = False
    for page in pages:
        html = text_of(leader.get(page))
        assert "<script>alert" not in html
        seen = seen or "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\nsecond line" in html
    assert seen


# Leaders' edits ----------------------------------------------------------------------------


def test_renaming_a_theme_and_going_back_to_the_generated_name(leader, analysed):
    _plan, analysis = analysed
    theme = themes_of(analysis)[0]
    response = post(leader, theme_url(analysis, theme, "/rename"), {"label": "  School   buses "}, prefix="rename-")
    assert response.status_code == 302 and response.headers["Location"].endswith(theme_url(analysis, theme))
    post(leader, theme_url(analysis, theme, "/rename"), {"label": "School buses"}, prefix="rename-")
    db.session.expire_all()
    assert theme.label == "School buses"
    assert "School buses" in text_of(leader.get(dashboard_url(analysis)))
    post(leader, theme_url(analysis, theme, "/rename"), {"label": ""}, prefix="rename-")
    db.session.expire_all()
    assert theme.custom_label is None and theme.label == theme.generated_label
    assert audit_actions().count("themes.renamed") == 2


def test_themes_are_named_in_the_readers_language(leader, users, analysed):
    _plan, analysis = analysed
    themes = themes_of(analysis)
    for theme in themes:
        assert theme.generated_label and theme.generated_label_es
        assert ", " not in theme.generated_label  # a phrase people wrote, not a list of key words
    spanish_named = [t for t in themes if t.generated_label_es != t.generated_label]
    assert spanish_named, "the test plan's themes hold Spanish comments"
    english = text_of(leader.get(dashboard_url(analysis)))
    users["leader"].locale = "es"
    db.session.commit()
    spanish = text_of(leader.get(dashboard_url(analysis)))
    for theme in spanish_named:
        assert theme.generated_label_es in spanish and theme.generated_label_es not in english


def test_a_leader_names_a_theme_and_every_leader_sees_that_name(leader, users, analysed):
    _plan, analysis = analysed
    theme = themes_of(analysis)[0]
    post(leader, theme_url(analysis, theme, "/rename"), {"label": "Late and unreliable buses"}, prefix="rename-")
    db.session.expire_all()
    assert "Late and unreliable buses" in text_of(leader.get(theme_url(analysis, theme)))
    # A Spanish-speaking leader sees the name given rather than Engage's Spanish name for another idea;
    # the public read it translated once a translator has (themes/translatable.py).
    users["leader"].locale = "es"
    db.session.commit()
    page = text_of(leader.get(theme_url(analysis, theme)))
    assert "<h1>Late and unreliable buses</h1>" in page and "Engage lo llamó" in page
    post(leader, theme_url(analysis, theme, "/rename"), {"label": "Buses"}, prefix="rename-")
    db.session.expire_all()
    assert theme.label_in("es") == "Buses"
    assert audit_actions().count("themes.renamed") == 2


def test_a_name_too_long_is_refused_beside_the_field_and_kept(leader, analysed):
    _plan, analysis = analysed
    theme = themes_of(analysis)[0]
    typed = "Buses " * 40
    html = text_of(post(leader, theme_url(analysis, theme, "/rename"), {"label": typed}, prefix="rename-"))
    assert "under 200 characters" in error_beside(html, "rename-label")
    assert typed.strip() in html
    db.session.expire_all()
    assert theme.custom_label is None and "themes.renamed" not in audit_actions()


def test_merging_asks_first_and_asking_changes_nothing(leader, analysed):
    _plan, analysis = analysed
    theme, into = themes_of(analysis)[:2]
    response = post(leader, theme_url(analysis, theme, "/merge"), {"into": str(into.id)}, prefix="merge-")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Merge \u201c{theme.label}\u201d into \u201c{into.label}\u201d?" in html
    assert "A merge cannot be undone." in html and "Yes, merge them" in html
    assert 'name="merge-confirmed" type="hidden" value="1"' in html
    assert f'name="merge-into" value="{into.id}"' in html
    db.session.expire_all()
    assert theme.status == ThemeStatus.ACTIVE and "themes.merged" not in audit_actions()


def test_merging_two_themes(leader, analysed):
    _plan, analysis = analysed
    theme, into = themes_of(analysis)[:2]
    response = post(leader, theme_url(analysis, theme, "/merge"), {"into": str(into.id), "confirmed": "1"},
                    prefix="merge-")
    assert response.headers["Location"].endswith(theme_url(analysis, into))
    db.session.expire_all()
    assert theme.status == ThemeStatus.MERGED and theme.merged_into_id == into.id
    assert "themes.merged" in audit_actions()
    # The merged theme's page goes to the theme it joined; sending the form again changes nothing.
    assert leader.get(theme_url(analysis, theme)).headers["Location"].endswith(theme_url(analysis, into))
    again = post(leader, theme_url(analysis, theme, "/merge"), {"into": str(into.id), "confirmed": "1"}, prefix="merge-")
    assert again.status_code == 302 and audit_actions().count("themes.merged") == 1


@pytest.mark.parametrize("into", ["", "self", "nonsense", "99999999999999999999"])
def test_a_bad_merge_is_refused_beside_the_field(leader, analysed, into):
    _plan, analysis = analysed
    theme = themes_of(analysis)[0]
    value = str(theme.id) if into == "self" else into
    response = post(leader, theme_url(analysis, theme, "/merge"), {"into": value, "confirmed": "1"}, prefix="merge-")
    assert response.status_code == 200
    assert error_beside(text_of(response), "merge-into")
    assert "themes.merged" not in audit_actions()


def test_merging_into_a_theme_of_another_analysis_is_not_found(leader, analysed, users):
    plan, analysis = analysed
    theme = themes_of(analysis)[0]
    other = services.create_analysis(users["leader"], plan.id, title="Another")
    stranger = Theme(analysis_id=other.id, key="t1", generated_label="Elsewhere")
    db.session.add(stranger)
    db.session.commit()
    response = post(leader, theme_url(analysis, theme, "/merge"), {"into": str(stranger.id), "confirmed": "1"}, prefix="merge-")
    assert response.status_code in (200, 404)
    db.session.expire_all()
    assert theme.status == ThemeStatus.ACTIVE


def test_splitting_a_theme(leader, users):
    plan = make_feedback_plan(per_topic=8)
    analysis = services.default_analysis(users["leader"], plan.id)
    services.run_analysis_now(None, analysis, n_themes=2)
    theme = max(themes_of(analysis), key=lambda t: sum(
        1 for row in services.themed_items(analysis) if row.theme_id == t.id))
    response = post(leader, theme_url(analysis, theme, "/split"), {"n_parts": "2"}, prefix="split-")
    assert response.status_code == 302 and response.headers["Location"].endswith(dashboard_url(analysis))
    db.session.expire_all()
    assert theme.status == ThemeStatus.RETIRED
    assert len([t for t in themes_of(analysis) if t.split_from_id == theme.id]) == 2
    assert "themes.split" in audit_actions()


@pytest.mark.parametrize("parts", ["1", "9", "abc"])
def test_a_bad_split_is_refused_beside_the_field(leader, analysed, parts):
    _plan, analysis = analysed
    theme = themes_of(analysis)[0]
    response = post(leader, theme_url(analysis, theme, "/split"), {"n_parts": parts}, prefix="split-")
    assert response.status_code == 200 and error_beside(text_of(response), "split-n_parts")
    db.session.expire_all()
    assert theme.status == ThemeStatus.ACTIVE


def test_moving_an_item_to_another_theme_and_to_other(leader, analysed):
    _plan, analysis = analysed
    theme, target = themes_of(analysis)[:2]
    row = next(row for row in services.themed_items(analysis) if row.theme_id == theme.id)
    back_to = theme_url(analysis, theme) + "?q=x"
    item = {"source": row.item.source, "source_id": str(row.item.source_id), "next": back_to}
    response = post(leader, f"/themes/analyses/{analysis.id}/items/move", {**item, "theme": str(target.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(back_to)
    assignment = db.session.scalar(select(ThemeAssignment).where(ThemeAssignment.source_id == row.item.source_id))
    assert (assignment.theme_id, assignment.assigned_by) == (target.id, AssignedBy.LEADER)
    post(leader, f"/themes/analyses/{analysis.id}/items/move", {**item, "theme": "other"})
    db.session.expire_all()
    assert assignment.theme_id is None
    assert row.item.text in text_of(leader.get(f"/themes/analyses/{analysis.id}/other"))
    assert audit_actions().count("themes.item_moved") == 2


@pytest.mark.parametrize("change", [{"source": "carrier_pigeon"}, {"source_id": "abc"}, {"source_id": "9" * 40},
                                    {"theme": "nonsense"}, {"next": "https://evil.example/"}])
def test_a_bad_move_never_fails_and_changes_nothing(leader, analysed, change):
    _plan, analysis = analysed
    target = themes_of(analysis)[1]
    row = services.themed_items(analysis)[0]
    data = {"source": row.item.source, "source_id": str(row.item.source_id), "theme": str(target.id), **change}
    response = post(leader, f"/themes/analyses/{analysis.id}/items/move", data)
    assert response.status_code in (302, 404)
    assert "evil.example" not in response.headers.get("Location", "")
    if "next" not in change:
        assert "themes.item_moved" not in audit_actions()


def test_moving_an_item_into_another_analysis_s_theme_is_not_found(leader, analysed, users):
    plan, analysis = analysed
    other = services.create_analysis(users["leader"], plan.id, title="Another")
    stranger = Theme(analysis_id=other.id, key="t1", generated_label="Elsewhere")
    db.session.add(stranger)
    db.session.commit()
    row = services.themed_items(analysis)[0]
    response = post(leader, f"/themes/analyses/{analysis.id}/items/move",
                    {"source": row.item.source, "source_id": str(row.item.source_id), "theme": str(stranger.id)})
    assert response.status_code == 404
    assert "themes.item_moved" not in audit_actions()


def test_marking_an_item_off_topic_and_back(leader, analysed):
    _plan, analysis = analysed
    row = services.themed_items(analysis)[0]
    item = {"source": row.item.source, "source_id": str(row.item.source_id)}
    post(leader, f"/themes/analyses/{analysis.id}/items/off-topic", {**item, "off_topic": "1"})
    post(leader, f"/themes/analyses/{analysis.id}/items/off-topic", {**item, "off_topic": "1"})
    html = text_of(leader.get(f"/themes/analyses/{analysis.id}/off-topic"))
    assert row.item.text in html and "Not off-topic: count it again" in html
    assert "<span class=\"stat\">17</span> items of feedback" in text_of(leader.get(dashboard_url(analysis)))
    post(leader, f"/themes/analyses/{analysis.id}/items/off-topic", {**item, "off_topic": "0"})
    assert row.item.text not in text_of(leader.get(f"/themes/analyses/{analysis.id}/off-topic"))
    assert audit_actions().count("themes.item_off_topic") == 1
    assert audit_actions().count("themes.item_on_topic") == 1


def test_writing_and_publishing_a_response(leader, analysed):
    _plan, analysis = analysed
    theme = themes_of(analysis)[0]
    data = {"heard": "Buses are late.\nEvery day.", "will_do": "Add two routes.", "publish": "y"}
    response = post(leader, theme_url(analysis, theme, "/response"), data, prefix="response-")
    assert response.headers["Location"].endswith(theme_url(analysis, theme) + "#response")
    db.session.expire_all()
    assert theme.response_published and theme.response_heard == "Buses are late.\nEvery day."
    html = text_of(leader.get(theme_url(analysis, theme)))
    assert "Published on the plan's public page on" in html
    assert "Response published" in text_of(leader.get(dashboard_url(analysis)))
    post(leader, theme_url(analysis, theme, "/response"), {**data, "publish": ""}, prefix="response-")
    db.session.expire_all()
    assert not theme.response_published
    assert audit_actions()[-2:] == ["themes.response_published", "themes.response_unpublished"]


def test_publishing_an_empty_response_is_refused_beside_the_field(leader, analysed):
    _plan, analysis = analysed
    theme = themes_of(analysis)[0]
    response = post(leader, theme_url(analysis, theme, "/response"),
                    {"heard": "Kept as typed", "will_do": "  ", "publish": "y"}, prefix="response-")
    html = text_of(response)
    assert response.status_code == 200
    assert "Please write what we will do" in error_beside(html, "response-will_do")
    assert "Kept as typed" in html
    db.session.expire_all()
    assert not theme.response_published


# Queries ----------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    client.get(path)  # new items are placed on the first visit
    db.session.expire_all()
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_dashboard_and_theme_pages_run_the_same_queries_with_more_feedback(leader, users):
    plan = make_feedback_plan(per_topic=3)
    analysis = services.default_analysis(users["leader"], plan.id)
    services.run_analysis_now(None, analysis, n_themes=3)
    theme = themes_of(analysis)[0]
    pages = [dashboard_url(analysis), theme_url(analysis, theme), f"/themes/analyses/{analysis.id}/other"]
    few = [_queries(leader, page) for page in pages]
    add_comments(plan, per_topic=12, topics=TOPICS, start=100)
    services.run_analysis_now(None, analysis, n_themes=3)
    theme = themes_of(analysis)[0]
    pages[1] = theme_url(analysis, theme)
    many = [_queries(leader, page) for page in pages]
    assert many == few


# How sure the analysis is ------------------------------------------------------------------------------------


def test_a_run_stores_how_sure_each_placement_is_and_how_alike_each_themes_items_are(analysed):
    _plan, analysis = analysed
    assignments = db.session.scalars(select(ThemeAssignment).where(ThemeAssignment.analysis_id == analysis.id)).all()
    placed = [a for a in assignments if a.theme_id is not None]
    assert placed and all(a.confidence is not None for a in placed)
    assert all(theme.tightness is not None and 0 < theme.tightness <= 1 for theme in themes_of(analysis))
    run = db.session.scalar(select(ThemeRun).where(ThemeRun.analysis_id == analysis.id))
    theme_ids = {theme.id for theme in themes_of(analysis)}
    assert all(a in theme_ids and b in theme_ids for a, b, _ in run.alike)


def test_items_the_run_was_unsure_of_are_marked_and_can_be_listed_alone(leader, analysed):
    _plan, analysis = analysed
    theme = theme_with(analysis, "bus")
    rows = db.session.scalars(select(ThemeAssignment).where(ThemeAssignment.theme_id == theme.id)
                              .order_by(ThemeAssignment.id)).all()
    for a in rows:
        a.confidence = 0.5
    rows[0].confidence = 0.02
    unsure_text = db.session.get(Comment, rows[0].source_id).body
    db.session.commit()

    html = text_of(leader.get(theme_url(analysis, theme)))
    assert html.count('class="badge badge-unsure"') == 1
    assert "Check the 1 item the analysis was unsure where to place." in html
    assert theme_url(analysis, theme, "?unsure=1#items-title") in html
    only = text_of(leader.get(theme_url(analysis, theme, "?unsure=1")))
    assert "1 item matches, of" in only and unsure_text in only
    # A leader who moves it has decided: it is no longer unsure.
    rows[0].assigned_by = AssignedBy.LEADER
    db.session.commit()
    assert "Check the 1 item" not in text_of(leader.get(theme_url(analysis, theme)))


def test_the_dashboard_marks_loose_themes_and_offers_to_merge_themes_that_may_be_one(leader, analysed):
    _plan, analysis = analysed
    first, second, third = themes_of(analysis)[:3]
    first.tightness, second.tightness, third.tightness = 0.3, 0.6, 0.62
    run = db.session.scalar(select(ThemeRun).where(ThemeRun.analysis_id == analysis.id))
    run.alike = [[first.id, second.id, 0.7]]
    db.session.commit()

    html = text_of(leader.get(dashboard_url(analysis)))
    assert html.count('class="badge badge-unsure">Items vary') == 1
    assert "Themes that may be one" in html
    link = theme_url(analysis, first, f"?merge_with={second.id}#merge-title")
    assert link in html
    merge_form = text_of(leader.get(theme_url(analysis, first, f"?merge_with={second.id}")))
    assert f'<option selected value="{second.id}">' in merge_form or f'<option value="{second.id}" selected>' in merge_form
    page = text_of(leader.get(theme_url(analysis, first)))
    assert "Its items vary more than in the other themes" in page
    # Once merged, the pair is not offered again.
    first.status = ThemeStatus.MERGED
    first.merged_into_id = second.id
    db.session.commit()
    assert "Themes that may be one" not in text_of(leader.get(dashboard_url(analysis)))
