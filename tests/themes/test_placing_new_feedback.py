"""Feedback that arrives between runs, on the leaders' pages: placed in its nearest theme or
Other, and never able to take a page down, whatever it says or however placing fails."""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from sqlalchemy import select

from engage.comments.models import Comment
from engage.extensions import db
from engage.feedback.services import FeedbackSource
from engage.plans.models import PlanVersion
from engage.plans.services import snapshot
from engage.themes import pipeline, services
from engage.themes.jobs import assign_new_items_everywhere
from engage.themes.models import AssignedBy, ThemeAssignment
from tests.support.theme_pages import post_comments
from tests.support.web import post_form
from tests.themes.factories import TOPICS, add_comments, demo_comments, make_feedback_plan

# Words no other feedback uses: placing them once raised inside scikit-learn (issue 15).
SHORT_COMMENTS = ("ok", "Zyxwv qjxkp")


@pytest.fixture
def analysed(users):
    """A plan with 60 comments like the demo's, open for more, its default analysis run once.

    With 50 texts or more, TF-IDF keeps only the n-grams two of them share, so
    a comment whose words no one else uses has nothing left: the case that raised.
    """
    plan = make_feedback_plan(per_topic=60, topics={"demo": demo_comments(60)})
    # The comment form's page reads the published version, which the factory leaves empty.
    db.session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan.id)).one().snapshot = snapshot(plan)
    db.session.commit()
    analysis = services.default_analysis(users["leader"], plan.id)
    services.start_run(users["leader"], analysis)
    db.session.expire_all()
    return plan, analysis


def leader_pages(analysis) -> list[str]:
    """Every leaders' page of the analysis that reads its themed items."""
    base = f"/themes/analyses/{analysis.id}"
    themes = [f"{base}/themes/{theme.id}" for theme in services.active_themes(analysis)]
    assert themes, "the run found no theme"
    return [base, *themes, f"{base}/report", f"{base}/export.csv", f"{base}/other", f"{base}/off-topic"]


def new_in_other(client, analysis) -> set[int]:
    """The comments the Other page lists as new since the last run."""
    response = client.get(f"/themes/analyses/{analysis.id}/other?new=1")
    assert response.status_code == 200
    return {int(found) for found in re.findall(r'id="item-comment-(\d+)"', response.get_data(as_text=True))}


def themed_rows(analysis, comment_ids) -> list[services.ThemedItem]:
    db.session.expire_all()
    wanted = {(FeedbackSource.COMMENT, comment_id) for comment_id in comment_ids}
    return [row for row in services.themed_items(analysis) if row.item.key in wanted]


def test_short_comments_go_to_other_and_every_theme_page_answers(analysed, client_as):
    plan, analysis = analysed
    comment_ids = post_comments(client_as("participant"), plan, SHORT_COMMENTS)
    leader = client_as("leader")

    for path in leader_pages(analysis):
        assert leader.get(path).status_code == 200, path

    rows = themed_rows(analysis, comment_ids)
    assert len(rows) == len(SHORT_COMMENTS)
    assert all(row.theme_id is None and row.assigned_by == AssignedBy.NEAREST for row in rows)
    assert set(comment_ids) <= new_in_other(leader, analysis)


def test_each_short_comment_alone_goes_to_other(analysed, client_as):
    plan, analysis = analysed
    participant, leader = client_as("participant"), client_as("leader")
    for body in SHORT_COMMENTS:
        comment_ids = post_comments(participant, plan, [body])
        assert leader.get(f"/themes/analyses/{analysis.id}").status_code == 200
        [row] = themed_rows(analysis, comment_ids)
        assert row.theme_id is None and row.assigned_by == AssignedBy.NEAREST


@pytest.fixture
def placing_fails(monkeypatch):
    def fail(*_args, **_kwargs):
        raise ValueError("Found array with 0 sample(s)")

    monkeypatch.setattr(pipeline.NearestThemes, "place", fail)


def test_pages_show_the_last_run_when_placing_fails(analysed, client_as, placing_fails, monkeypatch, caplog):
    plan, analysis = analysed
    comment_ids = post_comments(client_as("participant"), plan, SHORT_COMMENTS)
    leader = client_as("leader")

    with caplog.at_level(logging.ERROR):
        for path in leader_pages(analysis):
            assert leader.get(path).status_code == 200, path

    failures = [record for record in caplog.records
                if record.exc_info and f"theme analysis {analysis.id}" in record.getMessage()]
    assert failures and "Found array with 0 sample(s)" in str(failures[0].exc_info[1])
    # Not placed: shown in Other as new since the last run, and placed on a later visit.
    rows = themed_rows(analysis, comment_ids)
    assert len(rows) == len(SHORT_COMMENTS)
    assert all(row.theme_id is None and row.assigned_by is None and row.is_new for row in rows)
    assert set(comment_ids) <= new_in_other(leader, analysis)

    monkeypatch.undo()
    assert leader.get(f"/themes/analyses/{analysis.id}").status_code == 200
    assert all(row.assigned_by == AssignedBy.NEAREST for row in themed_rows(analysis, comment_ids))


def test_the_periodic_job_carries_on_past_an_analysis_whose_placing_fails(users, monkeypatch, caplog):
    plans = [make_feedback_plan(per_topic=4, title=f"Plan {n}") for n in range(2)]
    analyses = [services.default_analysis(users["leader"], plan.id) for plan in plans]
    for analysis in analyses:
        services.start_run(users["leader"], analysis)
    made = [add_comments(plan, per_topic=1, topics={"bus": TOPICS["bus"]}, start=50) for plan in plans]
    failing_id = analyses[0].id
    real = pipeline.NearestThemes.place
    placed_for = []

    def fail_for_the_first(self, texts, *args, **kwargs):
        placed_for.append(texts)
        if len(placed_for) == 1:
            raise ValueError("Found array with 0 sample(s)")
        return real(self, texts, *args, **kwargs)

    monkeypatch.setattr(pipeline.NearestThemes, "place", fail_for_the_first)
    with caplog.at_level(logging.ERROR):
        assign_new_items_everywhere()

    assert any(record.exc_info and str(failing_id) in record.getMessage() for record in caplog.records)
    db.session.expire_all()
    placed = {(a.analysis_id, a.source_id) for a in db.session.scalars(select(ThemeAssignment).where(
        ThemeAssignment.assigned_by == AssignedBy.NEAREST))}
    assert not any((failing_id, c.id) in placed for c in made[0])
    assert all((analyses[1].id, c.id) in placed for c in made[1])


def test_a_reply_between_runs_goes_to_the_theme_of_what_it_replies_to(analysed, client_as):
    plan, analysis = analysed
    participant, leader = client_as("participant"), client_as("leader")
    theme_of = {row.item.key: row.theme_id for row in themed_items_now(analysis)}
    parents = {}
    for body in ("Same here, thank you for saying this", "Exactly, I thought it was only our family"):
        parent = db.session.scalars(select(Comment).where(
            Comment.plan_id == plan.id, Comment.parent_id.is_(None),
            Comment.id.not_in([p.id for p in parents.values()]))
            .order_by(Comment.id.desc())).first()
        assert theme_of[(FeedbackSource.COMMENT, parent.id)] is not None
        response = post_form(participant, f"/plans/{plan.id}/comments",
                             {"body": body, "parent_id": parent.id, "submission_token": uuid.uuid4().hex},
                             form_page=f"/plans/{plan.id}/comments")
        assert response.status_code == 302
        parents[body] = parent

    assert leader.get(f"/themes/analyses/{analysis.id}").status_code == 200
    placed = {row.item.text: row.theme_id for row in themed_items_now(analysis)}
    for body, parent in parents.items():
        assert placed[body] == theme_of[(FeedbackSource.COMMENT, parent.id)], body


def test_the_themes_are_fitted_once_for_every_comment_placed_until_they_change(analysed, client_as, monkeypatch):
    plan, analysis = analysed
    participant, leader = client_as("participant"), client_as("leader")
    fitted = []
    real_fit = pipeline.NearestThemes.fit.__func__
    monkeypatch.setattr(pipeline.NearestThemes, "fit",
                        classmethod(lambda cls, *args, **kwargs: fitted.append(1) or real_fit(cls, *args, **kwargs)))
    services._fitted_themes.clear()
    for body in ("The bus never comes on time", "Interpreters at every meeting please"):
        post_comments(participant, plan, [body])
        assert leader.get(f"/themes/analyses/{analysis.id}").status_code == 200
    assert len(fitted) == 1
    # A leader's move changes what the themes hold: they are fitted again.
    rows = themed_items_now(analysis)
    moved = max((row for row in rows if row.assigned_by == AssignedBy.RUN and row.theme_id is not None),
                key=lambda row: row.strength)
    target = next(t for t in services.active_themes(analysis) if t.id != moved.theme_id)
    services.move_item(users_leader(), analysis, moved.item.source, moved.item.source_id, target)
    post_comments(participant, plan, ["Más intérpretes en las juntas"])
    assert leader.get(f"/themes/analyses/{analysis.id}").status_code == 200
    assert len(fitted) == 2


def users_leader():
    from engage.accounts.models import User

    return db.session.scalars(select(User).where(User.email == "leader@example.org")).one()


def themed_items_now(analysis):
    db.session.expire_all()
    return services.themed_items(analysis)
