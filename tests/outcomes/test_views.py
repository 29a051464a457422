"""The leaders' pages: who may open them, the form (pre-filled, errors beside fields, one link per
submission), deleting with a confirm step, links from themes and comments, and fuzzed input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.outcomes.models import FeedbackOutcome
from tests.outcomes.factories import add_comment, add_theme, first_action, link, make_revised_plan
from tests.support.people import ROLES
from tests.support.web import csrf_token

LEADERS = {"leader", "admin"}


@pytest.fixture
def plan(users):
    return make_revised_plan(users["leader"])


@pytest.fixture
def theme(plan):
    return add_theme(plan, "Late buses")


def outcome_count() -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackOutcome))


def form_token(html: str) -> str:
    match = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="submission_token" name="submission_token" type="hidden" value="([^"]+)"', html)
    assert match, "no submission token"
    return match.group(1)


def post(client, path: str, data: dict, form_page: str):
    data = {**data, "csrf_token": csrf_token(client, form_page)}
    return client.post(path, data=data)


def new_form_data(plan, theme, **extra) -> dict:
    return {"theme_id": str(theme.id), "target": f"action:{first_action(plan).key}", "version_id": "",
            "explanation": "We added a late bus.", **extra}


# Who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_leaders_pages_by_role(client_as, users, plan, theme, role):
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    client = client_as(role)
    for path in (f"/outcomes/plans/{plan.id}", f"/outcomes/plans/{plan.id}/new", f"/outcomes/{outcome.id}/edit"):
        response = client.get(path)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        elif role in LEADERS:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403, path
    response = post(client, f"/outcomes/{outcome.id}/delete", {"confirm": "yes"}, "/")
    assert outcome_count() == (0 if role in LEADERS else 1)
    assert response.status_code == (302 if role in LEADERS or role == "anonymous" else 403)


@pytest.mark.parametrize("role", ["participant", "host", "moderator"])
def test_people_who_may_not_link_cannot_post_the_form(client_as, plan, theme, role):
    client = client_as(role)
    response = post(client, f"/outcomes/plans/{plan.id}/new", new_form_data(plan, theme, submission_token="t"), "/")
    assert response.status_code == 403 and outcome_count() == 0


def test_the_public_summary_is_open_to_everyone(client_as, users, plan, theme):
    link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    for role in ROLES:
        assert client_as(role).get(f"/plans/{plan.id}/heard/{theme.id}").status_code == 200


def test_pages_of_plans_and_links_that_do_not_exist_are_not_found(client_as):
    client = client_as("leader")
    for path in ("/outcomes/plans/999999", "/outcomes/plans/999999/new", "/outcomes/999999/edit"):
        assert client.get(path).status_code == 404


# The form ------------------------------------------------------------------------------------


def test_the_new_form_is_prefilled_from_a_theme_and_comments(client_as, plan, theme):
    comments = [add_comment(plan, "The bus is late."), add_comment(plan, "Route 12 skips us.")]
    client = client_as("leader")
    html = client.get(f"/outcomes/plans/{plan.id}/new?theme={theme.id}"
                      f"&comment={comments[0].id}&comment={comments[1].id}").get_data(as_text=True)
    assert f'<option selected value="{theme.id}">Late buses</option>' in html
    for comment in comments:
        assert re.search(rf'checked[^>]*value="{comment.id}"|value="{comment.id}"[^>]*checked', html)
    assert "The bus is late." in html and "Route 12 skips us." in html
    assert "Version 2" in html and "Version 1" in html and "Action 1: Action 1.1" in html
    assert "Section: Goal 1" in html


def test_the_form_ignores_comments_it_cannot_link(client_as, users, plan, theme):
    other = make_revised_plan(users["leader"], "Another plan")
    foreign, official = add_comment(other, "Another plan's comment."), add_comment(plan, "Official.", official=True)
    html = client_as("leader").get(f"/outcomes/plans/{plan.id}/new?comment={foreign.id}&comment={official.id}"
                                   "&comment=abc&comment=99999999999&comment=%D9%A3").get_data(as_text=True)
    assert "Another plan&#39;s comment." not in html and "Official." not in html


def test_posting_the_form_makes_a_link_and_goes_to_the_plans_links(client_as, plan, theme):
    client = client_as("leader")
    page = f"/outcomes/plans/{plan.id}/new?theme={theme.id}"
    token = form_token(client.get(page).get_data(as_text=True))
    response = post(client, page, new_form_data(plan, theme, submission_token=token), page)
    assert response.status_code == 302
    outcome = db.session.scalar(select(FeedbackOutcome))
    assert response.headers["Location"].endswith(f"/outcomes/plans/{plan.id}#outcome-{outcome.id}")
    assert (outcome.theme_id, outcome.action_key) == (theme.id, first_action(plan).key)
    listing = client.get(f"/outcomes/plans/{plan.id}").get_data(as_text=True)
    assert "We added a late bus." in listing and f"/outcomes/{outcome.id}/edit" in listing


def test_the_same_form_sent_twice_makes_one_link(client_as, plan, theme):
    client = client_as("leader")
    page = f"/outcomes/plans/{plan.id}/new"
    data = new_form_data(plan, theme, submission_token=form_token(client.get(page).get_data(as_text=True)))
    assert post(client, page, data, page).status_code == 302
    assert post(client, page, data, page).status_code == 302
    assert outcome_count() == 1


def test_errors_show_beside_their_fields_and_keep_what_was_typed(client_as, plan, theme):
    client = client_as("leader")
    page = f"/outcomes/plans/{plan.id}/new"
    data = new_form_data(plan, theme, target="", explanation="Kept text.", submission_token="tok")
    html = post(client, page, data, page).get_data(as_text=True)
    assert 'class="error-summary"' in html and 'id="target-error"' in html
    assert "Choose what the feedback led to" in html and "Kept text." in html
    assert outcome_count() == 0


def test_a_missing_explanation_is_shown_beside_it(client_as, plan, theme):
    client = client_as("leader")
    page = f"/outcomes/plans/{plan.id}/new"
    html = post(client, page, new_form_data(plan, theme, explanation="  ", submission_token="t"), page)
    assert 'id="explanation-error"' in html.get_data(as_text=True) and outcome_count() == 0


def test_editing_shows_the_link_and_saves_changes(client_as, users, plan, theme):
    comment = add_comment(plan, "The bus is late.")
    outcome = link(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id],
                   version_id=plan.versions[-1].id, section_key=plan.sections[1].key, explanation="Old text.")
    client = client_as("admin")
    page = f"/outcomes/{outcome.id}/edit"
    html = client.get(page).get_data(as_text=True)
    assert "Old text." in html and "The bus is late." in html
    assert f'<option selected value="section:{plan.sections[1].key}">' in html
    assert f'<option selected value="{plan.versions[-1].id}">' in html
    response = post(client, page, {"theme_id": str(theme.id), "comment_ids": [str(comment.id)],
                                   "version_id": "", "target": f"action:{first_action(plan).key}",
                                   "explanation": "New text."}, page)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(FeedbackOutcome, outcome.id)
    assert (saved.explanation, saved.action_key, saved.version_id) == ("New text.", first_action(plan).key, None)


def test_deleting_asks_first_without_javascript(client_as, users, plan, theme):
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key,
                   explanation="Delete me.")
    client = client_as("leader")
    response = post(client, f"/outcomes/{outcome.id}/delete", {}, f"/outcomes/{outcome.id}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Delete this link?" in html and 'name="confirm" value="yes"' in html
    assert "Delete me." in html and outcome_count() == 1
    response = post(client, f"/outcomes/{outcome.id}/delete", {"confirm": "yes"}, f"/outcomes/{outcome.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/outcomes/plans/{plan.id}")
    assert outcome_count() == 0


# Links from themes and comments ---------------------------------------------------------------


def test_the_theme_drill_down_lists_its_links_and_offers_a_new_one(client_as, users, plan, theme):
    link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key, explanation="Late bus added.")
    html = client_as("leader").get(f"/themes/analyses/{theme.analysis_id}/themes/{theme.id}").get_data(as_text=True)
    assert "Late bus added." in html and "Action 1: Action 1.1" in html
    assert f'href="/outcomes/plans/{plan.id}/new?theme={theme.id}"' in html
    assert f'href="/outcomes/plans/{plan.id}"' in html and f'href="/plans/{plan.id}/heard/{theme.id}"' in html


def test_leaders_see_a_link_to_what_we_did_on_each_comment_others_do_not(client_as, plan):
    comment = add_comment(plan, "The bus is late.")
    path = f"/plans/{plan.id}/comments/{comment.id}"
    wanted = f'href="/outcomes/plans/{plan.id}/new?comment={comment.id}"'
    assert wanted in client_as("leader").get(path).get_data(as_text=True)
    for role in ("anonymous", "participant", "moderator"):
        assert wanted not in client_as(role).get(path).get_data(as_text=True)


# Fuzz ---------------------------------------------------------------------------------------------


FUZZ = [
    {"theme_id": "abc"}, {"theme_id": "٣"}, {"theme_id": "²"}, {"theme_id": "99999999999999999999"},
    {"theme_id": "-1"}, {"theme_id": "0"}, {"theme_id": "999999"},
    {"comment_ids": ["x", "1"]}, {"comment_ids": ["１"]}, {"comment_ids": ["99999999999"]},
    {"comment_ids": [str(n) for n in range(1, 80)]},
    {"version_id": "v2"}, {"version_id": "999999"}, {"version_id": "³"},
    {"target": "action:"}, {"target": "nonsense"}, {"target": "section:" + "k" * 500}, {"target": "action:nope"},
    {"target": "plan:1"}, {"explanation": "x" * 100_000}, {"explanation": "ñ" * 5000},
    {"explanation": "\ufffd\u202e"}, {"explanation": "\x00"}, {"submission_token": "t" * 500},
]


@pytest.mark.parametrize("changes", FUZZ, ids=[str(i) for i in range(len(FUZZ))])
def test_fuzzed_forms_get_clear_errors_never_a_server_error(client_as, plan, theme, changes):
    client = client_as("leader")
    page = f"/outcomes/plans/{plan.id}/new"
    data = {**new_form_data(plan, theme, submission_token="fuzz"), **changes}
    response = post(client, page, data, page)
    if any("\x00" in value for value in changes.values()):  # every form refuses NUL (engage/errors.py)
        assert response.status_code == 400 and "<html" in response.get_data(as_text=True)
        return
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        html = response.get_data(as_text=True)
        assert "error-summary" in html and outcome_count() == 0
        [field] = changes
        if field != "submission_token":
            assert f'id="{field}-error"' in html
    else:
        assert list(changes) == ["explanation"] and outcome_count() == 1


def test_another_plans_ids_are_refused_beside_their_fields(client_as, users, plan, theme):
    other = make_revised_plan(users["leader"], "Another plan")
    other_theme, other_comment = add_theme(other), add_comment(other)
    client = client_as("leader")
    page = f"/outcomes/plans/{plan.id}/new"
    for field, value in (("theme_id", str(other_theme.id)), ("comment_ids", [str(other_comment.id)]),
                         ("version_id", str(other.versions[-1].id)),
                         ("target", f"action:{first_action(other).key}")):
        html = post(client, page, new_form_data(plan, theme, submission_token=f"t-{field}", **{field: value}),
                    page).get_data(as_text=True)
        assert f'id="{field}-error"' in html, field
    assert outcome_count() == 0


def test_a_json_body_is_not_a_server_error(client_as, plan):
    client = client_as("leader")
    response = client.post(f"/outcomes/plans/{plan.id}/new", json={"theme_id": [1], "explanation": {"a": 1}},
                           headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code in (200, 400)


def test_a_theme_page_chooses_comments_for_one_link_without_javascript(client_as, users):
    from engage.themes import services as theme_services
    from engage.themes.models import Theme
    from tests.themes.factories import make_feedback_plan

    plan = make_feedback_plan(per_topic=6)
    analysis = theme_services.default_analysis(users["leader"], plan.id)
    theme_services.start_run(users["leader"], analysis)
    db.session.expire_all()
    theme = db.session.scalars(db.select(Theme).where(Theme.analysis_id == analysis.id)).first()
    leader = client_as("leader")
    html = leader.get(f"/themes/analyses/{analysis.id}/themes/{theme.id}").get_data(as_text=True)
    form = re.search(r'<form id="link-comments" method="get" action="([^"]+)".*?</form>', html, re.S)
    assert form and form.group(1) == f"/outcomes/plans/{plan.id}/new"
    assert f'<input type="hidden" name="theme" value="{theme.id}">' in form.group(0)
    chosen = re.findall(r'name="comment" value="(\d+)" form="link-comments"', html)
    assert len(chosen) >= 2
    # What the browser sends: the theme and the ticked comments; the form comes back with them chosen.
    query = "&".join([f"theme={theme.id}"] + [f"comment={c}" for c in chosen[:2]])
    page = leader.get(f"/outcomes/plans/{plan.id}/new?{query}").get_data(as_text=True)
    for comment_id in chosen[:2]:
        assert re.search(rf'<input[^>]*value="{comment_id}"[^>]*checked', page) or \
            re.search(rf'<input[^>]*checked[^>]*value="{comment_id}"', page)
    assert f'<option selected value="{theme.id}">' in page or f'value="{theme.id}" selected' in page
    # Participants never get the choice.
    assert client_as("participant").get(f"/themes/analyses/{analysis.id}/themes/{theme.id}").status_code == 403
