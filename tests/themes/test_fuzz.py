"""Hostile input on every themes page, through the test client with CSRF on.

What must hold whatever is sent: no 500; a 404 for what is not there (ids out of
range, of another plan or analysis), a 403 for people who are not leaders, a
redirect to sign in for anonymous visitors; a field error beside the field that
keeps what was typed; nothing typed comes back unescaped; and nothing changes
when a form is refused.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from engage.accounts.models import ParticipantProfile
from engage.audit.models import AuditEvent
from engage.comments.models import Comment
from engage.extensions import db
from engage.plans.models import PlanVersion
from engage.themes import reporting, services
from engage.themes.models import Theme, ThemeAnalysis, ThemeRun
from tests.plans.factories import make_plan
from tests.support.web import csrf_token
from tests.themes.factories import make_feedback_plan

SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;"
RTL_EMOJI = "\u202eبرنامج الحافلات 😀\u202c"
HUGE = "x" * (10 * 1024 * 1024)
LONG = "y" * 20_000
# Not ids: signs, exponents, digits str.isdigit() accepts but int() refuses ("²") or reads as
# ASCII ("١٢", "１"), numbers out of any range, blanks and markup.
BAD_NUMBERS = ["0", "-1", "1e9", "abc", "²", "١٢", "１", str(2**31), str(2**63), "9" * 40, "", " ", SCRIPT]
BAD_IDS_IN_PATH = ["0", "-1", str(2**31), str(2**63), "9" * 40, "abc", "1e9", "²", "%C2%B2"]
ROLES_NOT_LEADERS = ("participant", "host", "moderator")


def body(response) -> str:
    return response.get_data(as_text=True)


def assert_safe(response, *, allowed=(200, 302)) -> str:
    """No server error, an expected status, and nothing hostile echoed unescaped."""
    assert response.status_code != 500
    assert response.status_code in allowed, response.status_code
    html = body(response)
    assert SCRIPT not in html
    return html


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def error_beside(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field_id}"
    return match.group(1)


@pytest.fixture
def world(users):
    """A plan with feedback on three topics, run into three themes; and another plan with
    its own analysis, theme and comment, for ids that exist but belong elsewhere."""
    plan = make_feedback_plan(per_topic=4)
    analysis = services.default_analysis(users["leader"], plan.id)
    services.start_run(users["leader"], analysis, n_themes=3)
    db.session.expire_all()
    themes = sorted(services.active_themes(analysis), key=lambda theme: theme.id)
    item = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id).order_by(Comment.id)).first()

    elsewhere = make_plan("Another plan")
    version = PlanVersion(plan_id=elsewhere.id, number=1, status=elsewhere.status, snapshot={})
    db.session.add(version)
    db.session.flush()
    foreign_item = Comment(plan_id=elsewhere.id, version_id=version.id, author_id=users["participant"].id,
                           body="Somewhere else entirely", language="en", submission_token=uuid.uuid4().hex)
    db.session.add(foreign_item)
    foreign_analysis = services.default_analysis(users["leader"], elsewhere.id)
    foreign_theme = Theme(analysis_id=foreign_analysis.id, key="t1", generated_label="Another plan's theme")
    db.session.add(foreign_theme)
    db.session.commit()
    return SimpleNamespace(plan=plan, analysis=analysis, themes=themes, item=item,
                           base=f"/themes/analyses/{analysis.id}", foreign_analysis=foreign_analysis,
                           foreign_theme=foreign_theme, foreign_item=foreign_item)


@pytest.fixture
def bare(users):
    """A plan with no feedback and its default analysis, never run: enough for ids and forms."""
    plan = make_plan("Plan without feedback")
    analysis = services.default_analysis(users["leader"], plan.id)
    return SimpleNamespace(plan=plan, analysis=analysis, base=f"/themes/analyses/{analysis.id}")


def post(client, path: str, data: dict, *, prefix: str = ""):
    payload = {f"{prefix}{key}": value for key, value in data.items()}
    payload[f"{prefix}csrf_token"] = csrf_token(client, "/themes/")
    return client.post(path, data=payload)


# Ids in the path ------------------------------------------------------------------------------

PATHS_WITH_AN_ID = [
    "/themes/plans/{id}",
    "/themes/analyses/{id}",
    "/themes/analyses/{id}/status.json",
    "/themes/analyses/{id}/other",
    "/themes/analyses/{id}/off-topic",
    "/themes/analyses/{id}/export.csv",
    "/themes/analyses/{id}/report",
    "{base}/themes/{id}",
]


@pytest.mark.parametrize("template", PATHS_WITH_AN_ID)
def test_an_id_out_of_range_or_not_a_number_is_a_404(leader, bare, template):
    for bad in BAD_IDS_IN_PATH:
        response = leader.get(template.format(id=bad, base=bare.base))
        assert_safe(response, allowed=(404,))


@pytest.mark.parametrize("path", [
    "{base}/themes/{id}/rename", "{base}/themes/{id}/response", "{base}/themes/{id}/merge",
    "{base}/themes/{id}/split", "/themes/plans/{id}/analyses", "/themes/analyses/{id}/run",
    "/themes/analyses/{id}/items/move", "/themes/analyses/{id}/items/off-topic",
])
def test_posting_to_an_id_out_of_range_is_a_404_and_changes_nothing(leader, bare, path):
    before = audit_count()
    token = csrf_token(leader, "/themes/")
    for bad in ("0", "-1", str(2**31), "9" * 40, "abc"):
        response = leader.post(path.format(id=bad, base=bare.base), data={"csrf_token": token})
        assert_safe(response, allowed=(404,))
    assert audit_count() == before


def test_a_theme_of_another_analysis_is_a_404_on_every_page_and_edit(leader, world):
    foreign = world.foreign_theme.id
    assert_safe(leader.get(f"{world.base}/themes/{foreign}"), allowed=(404,))
    for action, prefix, data in [("rename", "rename-", {"label": "Mine now"}),
                                 ("response", "response-", {"heard": "a", "will_do": "b", "publish": "y"}),
                                 ("merge", "merge-", {"into": str(world.themes[0].id)}),
                                 ("split", "split-", {"n_parts": "2"})]:
        assert_safe(post(leader, f"{world.base}/themes/{foreign}/{action}", data, prefix=prefix), allowed=(404,))
    # Merging a theme of this analysis into a theme of another one.
    assert_safe(post(leader, f"{world.base}/themes/{world.themes[0].id}/merge", {"into": str(foreign)},
                     prefix="merge-"), allowed=(404,))
    # Moving an item of this analysis into a theme of another one.
    assert_safe(post(leader, f"{world.base}/items/move", {"source": "comment", "source_id": str(world.item.id),
                                                          "theme": str(foreign)}), allowed=(404,))
    db.session.expire_all()
    assert db.session.get(Theme, foreign).custom_label is None
    assert all(theme.status == "active" for theme in services.active_themes(world.analysis))


def test_an_item_of_another_plan_cannot_be_moved_or_marked(leader, world):
    before = audit_count()
    for action in ("move", "off-topic"):
        response = post(leader, f"{world.base}/items/{action}", {
            "source": "comment", "source_id": str(world.foreign_item.id), "theme": "other", "off_topic": "1"})
        assert_safe(response, allowed=(404,))
    assert audit_count() == before


@pytest.mark.parametrize("role", ("anonymous", *ROLES_NOT_LEADERS))
def test_people_who_are_not_leaders_learn_nothing_from_hostile_ids(client_as, world, role):
    """A 403 (or the sign-in page) whether the id exists or not: no probing for what is there."""
    client = client_as(role)
    token = csrf_token(client, "/login" if role == "anonymous" else "/")
    paths = [world.base, f"{world.base}/status.json", f"{world.base}/export.csv", f"{world.base}/report",
             f"{world.base}/themes/{world.themes[0].id}", f"{world.base}/themes/{world.foreign_theme.id}",
             f"/themes/analyses/{2**31 - 1}", f"/themes/analyses/{2**31 - 1}/report",
             f"/themes/plans/{2**31 - 1}"]
    for path in paths:
        response = client.get(path)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], path
        else:
            assert_safe(response, allowed=(403,))
    before = audit_count()
    posts = [(f"/themes/analyses/{2**31 - 1}/run", "", {"n_themes": "1e9"})] + [
        (path, prefix, {**data, "label": SCRIPT, "into": str(world.foreign_theme.id), "source_id": "²"})
        for path, prefix, data in _edit_routes(world)]
    for path, prefix, data in posts:
        payload = {f"{prefix}{key}": value for key, value in data.items()}
        payload[f"{prefix}csrf_token"] = token
        response = client.post(path, data=payload)
        assert response.status_code == (302 if role == "anonymous" else 403), path
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 1
    assert audit_count() == before


# Query strings ----------------------------------------------------------------------------------

HOSTILE_QUERIES = [
    {"q": SCRIPT, "source": SCRIPT, "section": SCRIPT, "language": SCRIPT, "new": SCRIPT},
    {"q": RTL_EMOJI, "language": "😀"},
    {"q": LONG, "section": LONG, "language": LONG},
    {"q": "% _ * \\ [ ( ^ $ .*", "source": "comment"},
    {"page": "-1"}, {"page": "0"}, {"page": "1e9"}, {"page": "99999999999999999999"}, {"page": "²"},
    {"page": "١٢"}, {"page": SCRIPT},
    [("page", "2"), ("page", "x"), ("q", "bus"), ("q", SCRIPT)],
    {"sort": SCRIPT}, {"sort": "__class__"},
]


@pytest.mark.parametrize("page", ["theme", "other", "off-topic", "dashboard"])
def test_item_lists_and_dashboard_take_any_query_string(leader, world, page):
    path = {"theme": f"{world.base}/themes/{world.themes[0].id}", "other": f"{world.base}/other",
            "off-topic": f"{world.base}/off-topic", "dashboard": world.base}[page]
    for query in HOSTILE_QUERIES:
        html = assert_safe(leader.get(path, query_string=query), allowed=(200,))
        q = dict(query).get("q") if isinstance(query, dict) else None
        if q and page != "dashboard":
            # The search box keeps what was typed (trimmed to its length), escaped.
            assert f'value="{escape(" ".join(q.split())[:200])}"' in html


def test_the_status_json_takes_any_query_string(leader, bare):
    response = leader.get(f"{bare.base}/status.json", query_string={"run": SCRIPT, "callback": SCRIPT})
    assert response.status_code == 200 and response.is_json
    assert SCRIPT not in body(response)
    assert response.get_json()["status"] == "none"


# Creating an analysis ---------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "field", "message"), [
    ({"title": HUGE}, "title", "under 200 characters"),
    ({"title": SCRIPT, "since": "0000-01-01"}, "since", "Please enter a date like"),
    ({"title": SCRIPT, "since": "0001-01-01"}, "since", "Please enter a date like"),
    ({"title": SCRIPT, "until": "99999-01-01"}, "until", "Please enter a date like"),
    ({"title": SCRIPT, "until": "2026-02-30"}, "until", "Please enter a date like"),
    ({"title": SCRIPT, "since": "2026-01-01T00:00"}, "since", "Please enter a date like"),
    ({"title": SCRIPT, "since": LONG}, "since", "Please enter a date like"),
    ({"title": SCRIPT, "since": ["2026-01-01", "2027-01-01"]}, "since", "Please enter a date like"),
    ({"title": SCRIPT, "sources": ["comment", SCRIPT]}, "sources", "Please choose channels from the list."),
    ({"title": SCRIPT, "sources": ["comment"] * 50 + ["x" * 1000]}, "sources", "Please choose channels"),
    ({"title": "   ", "since": "2026-01-01"}, "title", "Please give the analysis a title."),
])
def test_a_hostile_analysis_form_is_refused_beside_the_field(leader, bare, data, field, message):
    prefix = f"plan{bare.plan.id}-"
    response = post(leader, f"/themes/plans/{bare.plan.id}/analyses", data, prefix=prefix)
    html = assert_safe(response, allowed=(200,))
    assert message in error_beside(html, f"{prefix}{field}")
    if data["title"] == SCRIPT:
        assert f'value="{ESCAPED_SCRIPT}alert(&#34;x&#34;)&lt;/script&gt;"' in html, "the title is kept, escaped"
    typed = data.get(field)
    if field in ("since", "until"):
        assert f'value="{escape(typed if isinstance(typed, str) else " ".join(typed))}"' in html, "the date is kept"
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 1


@pytest.mark.parametrize("title", [SCRIPT, RTL_EMOJI, ["First", "Second"]])
def test_an_analysis_title_in_any_script_is_stored_as_typed_and_shown_escaped(leader, bare, title):
    response = post(leader, f"/themes/plans/{bare.plan.id}/analyses", {"title": title},
                    prefix=f"plan{bare.plan.id}-")
    assert_safe(response, allowed=(302,))
    made = db.session.scalars(select(ThemeAnalysis).where(ThemeAnalysis.is_default.is_(False))).one()
    assert made.title == (title if isinstance(title, str) else title[0])
    for path in ("/themes/", f"/themes/analyses/{made.id}", f"/themes/analyses/{made.id}/report"):
        assert_safe(leader.get(path), allowed=(200,))


# Running ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_themes", [
    ["1e9", "-1", "abc", "0", "1", "201", "2.5", "²"],
    [SCRIPT, "9" * 400, ["abc", "3"], " ", "\u202e3"],
    [HUGE],
])
def test_a_hostile_number_of_themes_is_refused_beside_the_field_and_starts_nothing(leader, bare, n_themes):
    for value in n_themes:
        response = post(leader, f"{bare.base}/run", {"n_themes": value, "submission_token": uuid.uuid4().hex})
        if value == " ":  # empty: Engage chooses
            assert_safe(response, allowed=(302,))
            continue
        html = assert_safe(response, allowed=(200,))
        assert error_beside(html, "n_themes")
        if isinstance(value, str) and len(value) < 100:
            assert f'value="{escape(value)}"' in html, "what was typed is kept"
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == (1 if " " in n_themes else 0)


def test_a_run_form_sent_twice_starts_one_run(leader, bare):
    token = uuid.uuid4().hex
    before = db.session.scalar(select(func.count()).select_from(ThemeRun))
    for _ in range(2):
        assert_safe(post(leader, f"{bare.base}/run", {"n_themes": "3", "submission_token": token}), allowed=(302,))
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == before + 1


def test_a_forged_submission_token_is_refused_not_a_server_error(leader, bare):
    response = post(leader, f"{bare.base}/run", {"n_themes": "3", "submission_token": "z" * 5000})
    assert_safe(response, allowed=(200,))


# Leaders' edits to a theme ------------------------------------------------------------------------

def test_a_huge_theme_name_is_refused_beside_the_field(leader, world):
    theme = world.themes[0]
    for label in (HUGE, LONG):
        response = post(leader, f"{world.base}/themes/{theme.id}/rename", {"label": label}, prefix="rename-")
        html = assert_safe(response, allowed=(200,))
        assert "under 200 characters" in error_beside(html, "rename-label")
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).custom_label is None


def test_a_theme_name_in_any_script_is_kept_and_escaped_on_every_page(leader, client_as, world):
    theme = world.themes[0]
    for label in (SCRIPT, RTL_EMOJI, "  many   spaces\r\nand lines  "):
        response = post(leader, f"{world.base}/themes/{theme.id}/rename", {"label": label}, prefix="rename-")
        assert_safe(response, allowed=(302,))
        db.session.expire_all()
        assert db.session.get(Theme, theme.id).custom_label == " ".join(label.split())
        # The flash message on the next page, the dashboard, the merge and move selects, the report.
        for path in (response.headers["Location"], world.base, f"{world.base}/themes/{world.themes[1].id}",
                     f"{world.base}/other", f"{world.base}/report"):
            assert_safe(leader.get(path), allowed=(200,))
        assert leader.get(f"{world.base}/export.csv").status_code == 200
    # The audit log, which holds the old and new names.
    assert_safe(client_as("admin").get("/admin/audit"), allowed=(200,))


RESPONSE_CASES = [
    ({"heard": HUGE, "will_do": "b"}, "heard", "under 5000 characters"),
    ({"heard": "a", "will_do": LONG}, "will_do", "under 5000 characters"),
    ({"heard": SCRIPT, "will_do": "   ", "publish": "y"}, "will_do", "Please write what we will do"),
    ({"heard": "", "will_do": SCRIPT, "publish": ["y", "n"]}, "heard", "Please write what we heard"),
]


def test_a_hostile_response_is_refused_beside_the_field_and_keeps_what_was_typed(leader, world):
    theme = world.themes[0]
    for data, field, message in RESPONSE_CASES:
        response = post(leader, f"{world.base}/themes/{theme.id}/response", data, prefix="response-")
        html = assert_safe(response, allowed=(200,))
        assert message in error_beside(html, f"response-{field}")
        for value in data.values():
            if value == SCRIPT:
                assert f"{ESCAPED_SCRIPT}alert(&#34;x&#34;)&lt;/script&gt;</textarea>" in html
    db.session.expire_all()
    assert not db.session.get(Theme, theme.id).response_published


def test_a_published_response_with_markup_is_escaped_on_the_public_plan_page(leader, world, client):
    theme = world.themes[0]
    response = post(leader, f"{world.base}/themes/{theme.id}/response",
                    {"heard": f"{SCRIPT}\n\n{RTL_EMOJI}", "will_do": '<img src=x onerror="alert(1)">',
                     "publish": "y"}, prefix="response-")
    assert_safe(response, allowed=(302,))
    page = client.get(f"/plans/{world.plan.id}")
    assert "What we heard and what we will do" in body(page)
    for response in (page, leader.get(f"{world.base}/report"), leader.get(f"{world.base}/themes/{theme.id}")):
        html = assert_safe(response, allowed=(200,))
        assert "<img src=x" not in html


@pytest.mark.parametrize("choices", [BAD_NUMBERS, ["array", "self", "9" * 10, "2147483647"]])
def test_merging_into_a_hostile_choice_is_refused_and_changes_nothing(leader, world, choices):
    theme = world.themes[0]
    before = audit_count()
    for into in choices:
        # The first of several values is the one read: here not a number.
        into = {"self": str(theme.id), "array": ["abc", str(world.themes[1].id)]}.get(into, into)
        response = post(leader, f"{world.base}/themes/{theme.id}/merge", {"into": into, "confirmed": "1"}, prefix="merge-")
        # An id in range that is no theme of the analysis is a 404; anything else an error beside the select.
        if into == "2147483647":
            assert_safe(response, allowed=(404,))
            continue
        html = assert_safe(response, allowed=(200,))
        assert error_beside(html, "merge-into"), into
    assert audit_count() == before
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).status == "active"


def test_splitting_into_a_hostile_number_of_parts_is_refused_beside_the_field(leader, world):
    theme = world.themes[0]
    before = audit_count()
    for n_parts in ("1", "9", "0", "-1", "abc", "²", "2" * 50, SCRIPT, HUGE):
        response = post(leader, f"{world.base}/themes/{theme.id}/split", {"n_parts": n_parts}, prefix="split-")
        html = assert_safe(response, allowed=(200,))
        assert "Please choose from 2 to 8 themes" in error_beside(html, "split-n_parts")
    assert audit_count() == before


# Leaders' edits to one item --------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["move", "off-topic"])
def test_hostile_item_forms_are_refused_with_a_message_and_change_nothing(leader, world, action):
    item = str(world.item.id)
    cases = [
        {"source": SCRIPT, "source_id": item}, {"source": "carrier_pigeon", "source_id": item},
        {"source": ["comment", "x"], "source_id": ["x", item]},
        *({"source": "comment", "source_id": bad} for bad in BAD_NUMBERS),
        {"source": "comment", "source_id": item, "theme": SCRIPT},
        {"source": "comment", "source_id": item, "theme": "²"},
        {"source": "comment", "source_id": item, "theme": "9" * 40},
        {"source": "comment", "source_id": item, "theme": ""},
        {"source": "comment", "source_id": HUGE},
    ]
    if action == "off-topic":  # it has no theme to choose
        cases = [case for case in cases if "theme" not in case]
    before = audit_count()
    for data in cases:
        data = {"theme": "other", "off_topic": "1", "next": "//evil.example/x", **data}
        response = post(leader, f"{world.base}/items/{action}", data)
        assert_safe(response, allowed=(302, 404))
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/themes/analyses/"), response.headers["Location"]
    assert audit_count() == before
    # What the flash said is escaped on the page it goes back to.
    assert_safe(leader.get(world.base), allowed=(200,))


def test_an_item_edit_never_sends_the_leader_off_the_site(leader, world):
    for next_url in ("//evil.example", "/\\evil.example", "https://evil.example", "/\t/evil.example",
                     "javascript:alert(1)", SCRIPT, HUGE):
        response = post(leader, f"{world.base}/items/off-topic",
                        {"source": "comment", "source_id": str(world.item.id), "off_topic": "1", "next": next_url})
        assert_safe(response, allowed=(302,))
        assert response.headers["Location"] == world.base, next_url


def test_unicode_digits_in_an_item_id_are_refused_not_a_server_error(leader, world):
    for value in ("²", "١", "１"):
        response = post(leader, f"{world.base}/items/move",
                        {"source": "comment", "source_id": value, "theme": "other"})
        assert_safe(response, allowed=(302,))


# Forms without their CSRF token, and forms sent twice ------------------------------------------------

def _edit_routes(world):
    theme = world.themes[0].id
    item = str(world.item.id)
    return [
        (f"/themes/plans/{world.plan.id}/analyses", f"plan{world.plan.id}-", {"title": "Forged"}),
        (f"{world.base}/run", "", {"n_themes": "3", "submission_token": uuid.uuid4().hex}),
        (f"{world.base}/themes/{theme}/rename", "rename-", {"label": "Forged"}),
        (f"{world.base}/themes/{theme}/response", "response-", {"heard": "a", "will_do": "b", "publish": "y"}),
        (f"{world.base}/themes/{theme}/merge", "merge-", {"into": str(world.themes[1].id), "confirmed": "1"}),
        (f"{world.base}/themes/{theme}/split", "split-", {"n_parts": "2"}),
        (f"{world.base}/items/move", "", {"source": "comment", "source_id": item, "theme": "other"}),
        (f"{world.base}/items/off-topic", "", {"source": "comment", "source_id": item, "off_topic": "1"}),
    ]


def test_a_form_without_a_valid_csrf_token_is_refused_and_changes_nothing(leader, client_as, world):
    other_token = csrf_token(client_as("admin"), "/themes/")
    before = (audit_count(), db.session.scalar(select(func.count()).select_from(ThemeRun)))
    for token in (None, "", SCRIPT, other_token, ["", other_token]):
        for path, prefix, data in _edit_routes(world):
            payload = {f"{prefix}{key}": value for key, value in data.items()}
            if token is not None:
                payload[f"{prefix}csrf_token"] = token
            response = leader.post(path, data=payload)
            assert_safe(response, allowed=(400,))
            assert "This form had expired" in body(response), path
    db.session.expire_all()
    assert (audit_count(), db.session.scalar(select(func.count()).select_from(ThemeRun))) == before


def test_every_edit_sent_twice_is_done_once(leader, world):
    before = audit_count()
    for path, prefix, data in _edit_routes(world):
        if path.endswith(("/merge", "/split")):
            continue
        for _ in range(2):
            assert_safe(post(leader, path, data, prefix=prefix), allowed=(302,))
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.id > 0).order_by(AuditEvent.id)))
    done = actions[before:]
    assert sorted(done) == sorted(["themes.analysis_created", "themes.run_started", "themes.renamed",
                                   "themes.response_published", "themes.item_moved", "themes.item_off_topic"])


def test_a_merge_or_split_sent_twice_goes_to_where_the_items_are(leader, world):
    first, second, third = world.themes
    for _ in range(2):
        response = post(leader, f"{world.base}/themes/{first.id}/merge", {"into": str(second.id), "confirmed": "1"}, prefix="merge-")
        assert_safe(response, allowed=(302,))
        assert response.headers["Location"].endswith(f"/themes/{second.id}")
    for _ in range(2):
        response = post(leader, f"{world.base}/themes/{first.id}/split", {"n_parts": "2"}, prefix="split-")
        assert_safe(response, allowed=(302,))


# Small groups, whatever the filters ----------------------------------------------------------------

def _who_raised_it(html: str) -> str:
    return html.split('id="who-title"', 1)[1].split('id="trend-title"', 1)[0]


def test_the_group_tables_are_of_the_whole_theme_whatever_the_item_filters(leader, users):
    """Filtering the items (by written language, channel, words) must not narrow the
    relationship, school and language tables: a narrowed table next to the whole one
    would give away the people in a small group."""
    plan = make_feedback_plan(per_topic=12)
    for comment in db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)):
        db.session.add(ParticipantProfile(user_id=comment.author_id, relationship_to_district="parent",
                                          preferred_language="es" if comment.language == "es" else "en"))
    db.session.commit()
    analysis = services.default_analysis(users["leader"], plan.id)
    services.start_run(users["leader"], analysis, n_themes=3)
    db.session.expire_all()
    base = f"/themes/analyses/{analysis.id}"
    theme = max(services.active_themes(analysis), key=lambda t: sum(
        1 for row in services.themed_items(analysis) if row.theme_id == t.id))
    whole = _who_raised_it(body(leader.get(f"{base}/themes/{theme.id}")))
    assert re.search(r'<td class="number">1\d</td>', whole), "the whole theme shows a group of 10 or more"
    for query in ({"language": "es"}, {"language": "en"}, {"source": "survey_answer"}, {"q": "bus"},
                  {"q": "zzz-nothing"}, {"new": "1"}, {"page": "2"}):
        filtered = body(leader.get(f"{base}/themes/{theme.id}", query_string=query))
        assert _who_raised_it(filtered) == whole, query


def test_a_run_form_sent_twice_at_the_same_moment_starts_one_run_not_a_server_error(leader, bare, monkeypatch):
    """The second request stores the same token between the first one's look-up and its insert."""
    token = uuid.uuid4().hex
    real_active_run = services.active_run

    def other_request_wins(analysis):
        db.session.add(ThemeRun(analysis_id=analysis.id, submission_token=token, status="done"))
        db.session.commit()
        return real_active_run(analysis)

    monkeypatch.setattr(services, "active_run", other_request_wins)
    response = post(leader, f"{bare.base}/run", {"n_themes": "3", "submission_token": token})
    assert_safe(response, allowed=(302,))
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 1


def test_markup_in_feedback_and_plan_titles_is_escaped_on_every_themes_page(leader, users):
    plan = make_feedback_plan(per_topic=4, title=f"Plan {SCRIPT}")
    for comment in db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)):
        comment.body = f'=HYPERLINK("http://evil.example") {comment.body} {SCRIPT}'
    db.session.commit()
    analysis = services.default_analysis(users["leader"], plan.id)
    services.start_run(users["leader"], analysis, n_themes=3)
    db.session.expire_all()
    theme = services.active_themes(analysis)[0]
    base = f"/themes/analyses/{analysis.id}"
    for path in ("/themes/", base, f"{base}/themes/{theme.id}", f"{base}/other", f"{base}/off-topic",
                 f"{base}/report", f"{base}/status.json"):
        html = assert_safe(leader.get(path, query_string={"q": SCRIPT}), allowed=(200,))
        assert path.endswith("status.json") or ESCAPED_SCRIPT in html, path
    csv = body(leader.get(f"{base}/export.csv"))
    assert ",=HYPERLINK" not in csv and ',"=HYPERLINK' not in csv and "'=HYPERLINK" in csv


# Review fixes --------------------------------------------------------------------------------------

def test_quotes_and_items_say_their_language_only_when_it_is_a_language_code(leader, world):
    """Screen readers read a Spanish comment in Spanish; "other" or a hostile value is no lang attribute."""
    comments = list(db.session.scalars(select(Comment).where(Comment.plan_id == world.plan.id)))
    for comment, language in zip(comments, ["es", "other", '"><script>', "日本"]):
        comment.language = language
    db.session.commit()
    for path in [f"{world.base}/themes/{theme.id}" for theme in world.themes] + [world.base, f"{world.base}/report"]:
        html = assert_safe(leader.get(path), allowed=(200,))
        langs = set(re.findall(r'<(?:p|blockquote)[^>]* lang="([^"]*)"', html))
        assert langs <= {"en", "es"}, (path, langs)
    pages = "".join(body(leader.get(f"{world.base}/themes/{theme.id}")) for theme in world.themes)
    assert f'<p class="theme-item-text" lang="es">{comments[0].body}</p>' in pages
    assert f'<p class="theme-item-text">{comments[1].body}</p>' in pages


def test_a_search_of_one_word_typed_a_hundred_times_reads_each_item_once(monkeypatch):
    """Each item's text is normalised once per search, however many (repeated) words are typed."""
    from tests.support.theme_pages import row

    rows = [row(1, f"the bus is late {n}") for n in range(50)]
    calls = []
    real_normalize = reporting.normalize
    monkeypatch.setattr(reporting, "normalize", lambda text: calls.append(text) or real_normalize(text))
    found = reporting.filter_items(rows, 1, q="bus " * 100)
    assert len(found) == 50
    assert len(calls) <= len(rows) + 1


FORM_FIELDS = [
    ("/themes/plans/{plan}/analyses", "plan{plan}-", ["title", "sources", "since", "until"]),
    ("{base}/run", "", ["n_themes", "submission_token"]),
    ("{base}/themes/{theme}/rename", "rename-", ["label"]),
    ("{base}/themes/{theme}/response", "response-", ["heard", "will_do", "publish"]),
    ("{base}/themes/{theme}/merge", "merge-", ["into"]),
    ("{base}/themes/{theme}/split", "split-", ["n_parts"]),
    ("{base}/items/move", "", ["source", "source_id", "theme"]),
    ("{base}/items/off-topic", "", ["source", "source_id", "off_topic"]),
]


def test_a_file_sent_in_place_of_any_text_field_is_not_a_server_error(leader, world):
    """Flask-WTF reads uploaded files into fields; the themes forms read the posted text only."""
    token = csrf_token(leader, "/themes/")
    names = {"plan": world.plan.id, "base": world.base, "theme": world.themes[0].id}
    for path, prefix, fields in FORM_FIELDS:
        path, prefix = path.format(**names), prefix.format(**names)
        for field in fields:
            data = {"source": "comment", "source_id": str(world.item.id), "theme": "other", "off_topic": "1",
                    f"{prefix}csrf_token": token,
                    f"{prefix}{field}": (io.BytesIO(SCRIPT.encode()), "evil.txt", "text/plain")}
            response = leader.post(path, data=data, content_type="multipart/form-data")
            assert_safe(response, allowed=(200, 302, 404))


@pytest.mark.parametrize("payload", [{"n_themes": 5, "rename-label": {"nested": SCRIPT}, "into": [1, 2]},
                                     "just a string", [1, 2, 3], None, {"merge-into": 7, "split-n_parts": 3.5}])
def test_a_json_body_with_a_valid_csrf_header_is_not_a_server_error(leader, world, payload):
    token = csrf_token(leader, "/themes/")
    names = {"plan": world.plan.id, "base": world.base, "theme": world.themes[0].id}
    for path, _prefix, _fields in FORM_FIELDS:
        response = leader.post(path.format(**names), data=json.dumps(payload), content_type="application/json",
                               headers={"X-CSRFToken": token})
        # Read as an empty form: a field error, or for the run (every field optional) a run.
        assert_safe(response, allowed=(200, 302, 400))


def test_themes_pages_have_no_inline_script_or_style_for_the_content_security_policy(leader, users, world,
                                                                                     client):
    theme = world.themes[0]
    services.save_response(users["leader"], theme, heard="Heard", will_do="Will do", publish=True)
    pages = ["/themes/", world.base, f"{world.base}/themes/{theme.id}", f"{world.base}/other",
             f"{world.base}/off-topic", f"{world.base}/report"]
    responses = [leader.get(path) for path in pages] + [client.get(f"/plans/{world.plan.id}")]
    for response in responses:
        html = assert_safe(response, allowed=(200,))
        main = html.split("<main", 1)[1]
        assert not re.search(r"<script(?![^>]*\bsrc=)", main), "an inline script"
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", main), "an inline style or event handler"
        assert "'unsafe-inline'" not in response.headers.get("Content-Security-Policy", "")


def test_an_analysis_at_the_edges_of_the_calendar_runs_and_shows(leader, world):
    prefix = f"plan{world.plan.id}-"
    response = post(leader, f"/themes/plans/{world.plan.id}/analyses",
                    {"title": "Edges", "since": "2000-01-01", "until": "2999-12-31"}, prefix=prefix)
    assert_safe(response, allowed=(302,))
    made = db.session.scalars(select(ThemeAnalysis).where(ThemeAnalysis.title == "Edges")).one()
    base = f"/themes/analyses/{made.id}"
    assert_safe(post(leader, f"{base}/run", {"n_themes": "", "submission_token": uuid.uuid4().hex}),
                allowed=(302,))
    for path in (base, f"{base}/other", f"{base}/report", f"{base}/status.json", f"{base}/export.csv"):
        assert_safe(leader.get(path), allowed=(200,))
    assert services.last_successful_run(made).n_items == len(services.themed_items(world.analysis))


def test_the_districts_official_replies_are_not_feedback_in_any_theme_count_quote_or_export(leader, users, world):
    """An official reply answers feedback: counting it would put staff among the people who raised a theme."""
    reply = Comment(plan_id=world.plan.id, version_id=world.item.version_id, parent_id=world.item.id,
                    root_id=world.item.id, depth=1, author_id=users["leader"].id, official=True, language="en",
                    body="Official reply: the district is adding a bus stop", submission_token=uuid.uuid4().hex)
    db.session.add(reply)
    db.session.commit()
    services.run_analysis_now(None, world.analysis, n_themes=3)
    db.session.expire_all()
    assert ("comment", reply.id) not in {row.item.key for row in services.themed_items(world.analysis)}
    for path in (world.base, f"{world.base}/other", f"{world.base}/report", f"{world.base}/export.csv",
                 *(f"{world.base}/themes/{theme.id}" for theme in services.active_themes(world.analysis))):
        assert "Official reply" not in assert_safe(leader.get(path), allowed=(200,)), path
    before = audit_count()
    response = post(leader, f"{world.base}/items/off-topic", {"source": "comment", "source_id": str(reply.id),
                                                               "off_topic": "1"})
    assert_safe(response, allowed=(404,))
    assert audit_count() == before
