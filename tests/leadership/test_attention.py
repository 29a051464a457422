"""A leader's home: what needs attention, each one click away, and where leaders start."""

from __future__ import annotations

import re
from datetime import timedelta

from engage.comments.models import CommentFlag
from engage.extensions import db
from engage.leadership.models import AttentionVisit
from engage.models import utcnow
from engage.themes.models import Theme, ThemeAnalysis, ThemeStatus
from tests.leadership.factories import add_commenters, add_comment, commented_plan, make_person
from tests.support.queries import count_queries
from tests.support.web import log_in

HOME = "/leadership/"


def _items(client) -> list[tuple[str, str]]:
    html = client.get(HOME).get_data(as_text=True)
    listed = html.split('class="attention-list"', 1)[1].split("</ul>", 1)[0] if "attention-list" in html else ""
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', listed)


def _themes(plan, *, answered: int, unanswered: int) -> ThemeAnalysis:
    analysis = ThemeAnalysis(plan_id=plan.id, title="", sources=[], is_default=True)
    db.session.add(analysis)
    db.session.flush()
    for n in range(answered + unanswered):
        db.session.add(Theme(analysis_id=analysis.id, key=f"t{n}", generated_label=f"Theme {n}",
                             status=ThemeStatus.ACTIVE, response_published_at=utcnow() if n < answered else None))
    db.session.add(Theme(analysis_id=analysis.id, key="gone", generated_label="Retired", status=ThemeStatus.RETIRED))
    db.session.commit()
    return analysis


def test_new_comments_since_the_last_visit_reported_comments_and_themes_without_a_response(client_as, users):
    plan = commented_plan("Equity Plan")
    add_commenters(2, plan, at=utcnow() - timedelta(days=3))  # before the last visit
    db.session.add(AttentionVisit(user_id=users["leader"].id, seen_at=utcnow() - timedelta(days=2)))
    add_commenters(4, plan)
    reported = add_comment(plan, make_person())
    db.session.add(CommentFlag(comment_id=reported.id, user_id=users["participant"].id, reason="Rude"))
    analysis = _themes(plan, answered=1, unanswered=3)

    items = _items(client_as("leader"))

    assert ("/moderation/", "1 reported comment is waiting for a moderator") in items
    assert (f"/plans/{plan.id}/comments?sort=newest", "5 new comments on Equity Plan") in items
    assert (f"/themes/analyses/{analysis.id}", "3 themes on Equity Plan have no response yet") in items


def test_a_first_visit_counts_the_last_week_and_the_next_visit_only_what_came_after(client_as, users):
    plan = commented_plan("Equity Plan")
    add_commenters(3, plan, at=utcnow() - timedelta(days=10))
    add_commenters(2, plan, at=utcnow() - timedelta(days=1))
    leader = client_as("leader")

    assert ("/plans/{}/comments?sort=newest".format(plan.id), "2 new comments on Equity Plan") in _items(leader)
    assert not any("new comment" in text for _href, text in _items(leader))
    add_commenters(1, plan)
    assert ("/plans/{}/comments?sort=newest".format(plan.id), "1 new comment on Equity Plan") in _items(leader)


def test_with_nothing_waiting_the_page_says_so(client_as, users):
    html = client_as("leader").get(HOME).get_data(as_text=True)
    assert "Nothing needs your attention right now." in html


def test_a_leader_who_signs_in_from_the_home_page_starts_on_their_home_and_others_go_back(client, users):
    response = log_in(client, users["leader"].email, next="/")
    assert response.headers["Location"].endswith(HOME)


def test_a_leader_who_signs_in_from_a_page_goes_back_to_it(client, users):
    response = log_in(client, users["leader"].email, next="/plans/")
    assert response.headers["Location"].endswith("/plans/")


def test_a_parent_who_signs_in_from_the_home_page_goes_back_to_it(client, users):
    response = log_in(client, users["participant"].email, next="/")
    assert response.headers["Location"].endswith("/")


def test_the_page_runs_the_same_queries_however_much_is_waiting(client_as, users):
    leader = client_as("leader")

    def queries() -> int:
        with count_queries() as counted:
            assert leader.get(HOME).status_code == 200
        return counted.count

    first_plan = commented_plan("First")
    add_commenters(2, first_plan)
    _themes(first_plan, answered=0, unanswered=2)
    first = queries()
    for n in range(3):
        plan = commented_plan(f"Plan {n}")
        add_commenters(3, plan)
        _themes(plan, answered=1, unanswered=2)
    assert queries() == first
