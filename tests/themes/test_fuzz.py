"""Hostile input on every themes page, through the test client with CSRF on.

What must hold whatever is sent: no 500; a 404 for what is not there (ids out of
range, of another plan or analysis), a 403 for people who are not leaders, a
redirect to sign in for anonymous visitors; a field error beside the field that
keeps what was typed; nothing typed comes back unescaped; and nothing changes
when a form is refused.
"""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from engage.accounts.models import ParticipantProfile
from engage.audit.models import AuditEvent
from engage.comments.models import Comment
from engage.extensions import db
from engage.plans.models import PlanVersion
from engage.themes import services
from engage.themes.models import Theme, ThemeAnalysis, ThemeRun
from tests.conftest import csrf_token
from tests.plans.factories import make_plan
from tests.themes.factories import make_feedback_plan

SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;"
RTL_EMOJI = "\u202eبرنامج الحافلات 😀\u202c"
HUGE = "x" * (10 * 1024 * 1024)
LONG = "y" * 20_000
# Digits Python's str.isdigit() accepts but int() refuses, fullwidth digits, and numbers out of any range.
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
    return SimpleNamespace(plan=plan, analysis=analysis, themes=themes, item=item, base=f"/themes/analyses/{analysis.id}",
                           foreign_analysis=foreign_analysis, foreign_theme=foreign_theme, foreign_item=foreign_item)


@pytest.fixture
def leader(client_as):
    return client_as("leader")


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
def test_an_id_out_of_range_or_not_a_number_is_a_404(leader, world, template):
    for bad in BAD_IDS_IN_PATH:
        response = leader.get(template.format(id=bad, base=world.base))
        assert_safe(response, allowed=(404,))


@pytest.mark.parametrize("path", [
    "{base}/themes/{id}/rename", "{base}/themes/{id}/response", "{base}/themes/{id}/merge",
    "{base}/themes/{id}/split", "/themes/plans/{id}/analyses", "/themes/analyses/{id}/run",
    "/themes/analyses/{id}/items/move", "/themes/analyses/{id}/items/off-topic",
])
def test_posting_to_an_id_out_of_range_is_a_404_and_changes_nothing(leader, world, path):
    before = audit_count()
    token = csrf_token(leader, "/themes/")
    for bad in ("0", "-1", str(2**31), "9" * 40, "abc"):
        response = leader.post(path.format(id=bad, base=world.base), data={"csrf_token": token})
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


@pytest.mark.parametrize("action", ["move", "off-topic"])
def test_an_item_of_another_plan_cannot_be_moved_or_marked(leader, world, action):
    before = audit_count()
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
    response = client.post(f"/themes/analyses/{2**31 - 1}/run", data={"csrf_token": token, "n_themes": "1e9"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == 1


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
            kept = " ".join(q.split())[:200].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert f'value="{kept.replace(chr(34), "&#34;")}"' in html or f'value="{kept}"' in html


def test_the_status_json_takes_any_query_string(leader, world):
    response = leader.get(f"{world.base}/status.json", query_string={"run": SCRIPT, "callback": SCRIPT})
    assert response.status_code == 200 and response.is_json
    assert SCRIPT not in body(response)
    assert response.get_json()["status"] == "done"


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
def test_a_hostile_analysis_form_is_refused_beside_the_field(leader, world, data, field, message):
    prefix = f"plan{world.plan.id}-"
    response = post(leader, f"/themes/plans/{world.plan.id}/analyses", data, prefix=prefix)
    html = assert_safe(response, allowed=(200,))
    assert message in error_beside(html, f"{prefix}{field}")
    if data["title"] == SCRIPT:
        assert f'value="{ESCAPED_SCRIPT}alert(&#34;x&#34;)&lt;/script&gt;"' in html, "the title is kept, escaped"
    assert db.session.scalar(select(func.count()).select_from(ThemeAnalysis)) == 2


@pytest.mark.parametrize("title", [SCRIPT, RTL_EMOJI, ["First", "Second"]])
def test_an_analysis_title_in_any_script_is_stored_as_typed_and_shown_escaped(leader, world, title):
    response = post(leader, f"/themes/plans/{world.plan.id}/analyses", {"title": title},
                    prefix=f"plan{world.plan.id}-")
    assert_safe(response, allowed=(302,))
    made = db.session.scalars(select(ThemeAnalysis).where(ThemeAnalysis.is_default.is_(False))).one()
    assert made.title == (title if isinstance(title, str) else title[0])
    for path in ("/themes/", f"/themes/analyses/{made.id}", f"/themes/analyses/{made.id}/report"):
        assert_safe(leader.get(path), allowed=(200,))


# Running ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_themes", ["1e9", "-1", "abc", "0", "1", "201", "9" * 400, "2.5", SCRIPT, "²", "١٢",
                                      ["3", "abc"], ["abc", "3"], HUGE])
def test_a_hostile_number_of_themes_is_refused_beside_the_field_and_starts_nothing(leader, world, n_themes):
    before = db.session.scalar(select(func.count()).select_from(ThemeRun))
    response = post(leader, f"{world.base}/run", {"n_themes": n_themes, "submission_token": uuid.uuid4().hex})
    if n_themes == ["3", "abc"]:  # the first value is the one read, as browsers send one
        assert_safe(response, allowed=(302,))
        return
    html = assert_safe(response, allowed=(200,))
    assert error_beside(html, "n_themes")
    if isinstance(n_themes, str) and len(n_themes) < 100:
        kept = n_themes.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
        assert f'value="{kept}"' in html, "what was typed is kept"
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == before


def test_a_run_form_sent_twice_starts_one_run(leader, world):
    token = uuid.uuid4().hex
    before = db.session.scalar(select(func.count()).select_from(ThemeRun))
    for _ in range(2):
        assert_safe(post(leader, f"{world.base}/run", {"n_themes": "3", "submission_token": token}), allowed=(302,))
    assert db.session.scalar(select(func.count()).select_from(ThemeRun)) == before + 1


def test_a_forged_submission_token_is_refused_not_a_server_error(leader, world):
    response = post(leader, f"{world.base}/run", {"n_themes": "3", "submission_token": "z" * 5000})
    assert_safe(response, allowed=(200,))


# Leaders' edits to a theme ------------------------------------------------------------------------

@pytest.mark.parametrize("label", [HUGE, LONG])
def test_a_huge_theme_name_is_refused_beside_the_field(leader, world, label):
    theme = world.themes[0]
    response = post(leader, f"{world.base}/themes/{theme.id}/rename", {"label": label}, prefix="rename-")
    html = assert_safe(response, allowed=(200,))
    assert "under 200 characters" in error_beside(html, "rename-label")
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).custom_label is None


@pytest.mark.parametrize("label", [SCRIPT, RTL_EMOJI, "  many   spaces\r\nand lines  "])
def test_a_theme_name_in_any_script_is_kept_and_escaped_on_every_page(leader, world, label, app):
    theme = world.themes[0]
    response = post(leader, f"{world.base}/themes/{theme.id}/rename", {"label": label}, prefix="rename-")
    assert_safe(response, allowed=(302,))
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).custom_label == " ".join(label.split())
    # The flash message on the next page, the dashboard, the merge and move selects, the report.
    for path in (response.headers["Location"], world.base, f"{world.base}/themes/{world.themes[1].id}",
                 f"{world.base}/other", f"{world.base}/report"):
        assert_safe(leader.get(path), allowed=(200,))
    csv = leader.get(f"{world.base}/export.csv")
    assert csv.status_code == 200


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"heard": HUGE, "will_do": "b"}, "heard", "under 5000 characters"),
    ({"heard": "a", "will_do": LONG}, "will_do", "under 5000 characters"),
    ({"heard": SCRIPT, "will_do": "   ", "publish": "y"}, "will_do", "Please write what we will do"),
    ({"heard": "", "will_do": SCRIPT, "publish": ["y", "n"]}, "heard", "Please write what we heard"),
])
def test_a_hostile_response_is_refused_beside_the_field_and_keeps_what_was_typed(leader, world, data, field,
                                                                                 message):
    theme = world.themes[0]
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


@pytest.mark.parametrize("into", [*BAD_NUMBERS, ["1", "2"], "self"])
def test_merging_into_a_hostile_choice_is_refused_and_changes_nothing(leader, world, into):
    theme = world.themes[0]
    into = str(theme.id) if into == "self" else into
    before = audit_count()
    response = post(leader, f"{world.base}/themes/{theme.id}/merge", {"into": into}, prefix="merge-")
    # A number in range that is no theme of the analysis is a 404; anything else an error beside the select.
    assert_safe(response, allowed=(200, 404) if into == ["1", "2"] else (200,) if not (
        isinstance(into, str) and into.isascii() and into.isdigit() and 0 < int(into) < 2**31) or into == str(
        theme.id) else (404,))
    if response.status_code == 200:
        assert error_beside(body(response), "merge-into")
    assert audit_count() == before
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).status == "active"


@pytest.mark.parametrize("n_parts", ["1", "9", "0", "-1", "abc", "²", "2" * 50, SCRIPT, HUGE])
def test_splitting_into_a_hostile_number_of_parts_is_refused_beside_the_field(leader, world, n_parts):
    theme = world.themes[0]
    before = audit_count()
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


@pytest.mark.parametrize("next_url", ["//evil.example", "/\\evil.example", "https://evil.example",
                                      "/\t/evil.example", "javascript:alert(1)", SCRIPT, HUGE])
def test_an_item_edit_never_sends_the_leader_off_the_site(leader, world, next_url):
    response = post(leader, f"{world.base}/items/off-topic",
                    {"source": "comment", "source_id": str(world.item.id), "off_topic": "1", "next": next_url})
    assert_safe(response, allowed=(302,))
    assert response.headers["Location"] == world.base


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
        (f"{world.base}/themes/{theme}/merge", "merge-", {"into": str(world.themes[1].id)}),
        (f"{world.base}/themes/{theme}/split", "split-", {"n_parts": "2"}),
        (f"{world.base}/items/move", "", {"source": "comment", "source_id": item, "theme": "other"}),
        (f"{world.base}/items/off-topic", "", {"source": "comment", "source_id": item, "off_topic": "1"}),
    ]


@pytest.mark.parametrize("token", ["missing", "empty", "garbage", "another session's", "unprefixed"])
def test_a_form_without_a_valid_csrf_token_is_refused_and_changes_nothing(leader, client_as, world, token):
    other_token = csrf_token(client_as("admin"), "/themes/")
    before = (audit_count(), db.session.scalar(select(func.count()).select_from(ThemeRun)))
    for path, prefix, data in _edit_routes(world):
        payload = {f"{prefix}{key}": value for key, value in data.items()}
        if token == "empty":
            payload[f"{prefix}csrf_token"] = ""
        elif token == "garbage":
            payload[f"{prefix}csrf_token"] = SCRIPT
        elif token == "another session's":
            payload[f"{prefix}csrf_token"] = other_token
        elif token == "unprefixed" and prefix:
            payload["csrf_token"] = csrf_token(leader, "/themes/")
        response = leader.post(path, data=payload)
        if token == "unprefixed" and not prefix:
            continue
        assert_safe(response, allowed=(400, 200)), path
        if response.status_code == 200:  # a prefixed form shows its own error, re-rendered
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
        response = post(leader, f"{world.base}/themes/{first.id}/merge", {"into": str(second.id)}, prefix="merge-")
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
