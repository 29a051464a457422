"""The dashboard's figures come from the cache between changes, and every change shows on the next visit."""

from __future__ import annotations

import re

from sqlalchemy import select

from engage.comments import services as comments
from engage.comments.models import Comment
from engage.extensions import db
from engage.plans.models import PlanVersion
from engage.plans.services import snapshot
from engage.surveys.models import QuestionKind
from engage.themes import services
from tests.support.theme_pages import post_comments
from tests.support.web import post_form
from tests.surveys.factories import add_response, make_survey, question_of
from tests.themes.factories import analysed_plan


def stats(client, analysis) -> dict[str, int]:
    """The dashboard's totals: items, people and voices, new since the last run."""
    page = client.get(f"/themes/analyses/{analysis.id}").get_data(as_text=True)
    found = re.findall(r'<span class="stat">([\d,]+)</span> ([^<]+)</li>', page)
    return {label.strip(): int(number.replace(",", "")) for number, label in found}


def test_a_second_visit_reads_the_figures_from_the_cache(users, leader, monkeypatch):
    _plan, analysis = analysed_plan(users["leader"], per_topic=10)
    first = stats(leader, analysis)
    monkeypatch.setattr(services, "analysis_items", None)  # would raise if the feedback were read again
    assert stats(leader, analysis) == first


def test_comments_posted_and_hidden_show_on_the_next_visit(users, leader, client_as):
    plan, analysis = analysed_plan(users["leader"], per_topic=10)
    # The comment form's page reads the published version, which the factory leaves empty.
    db.session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan.id)).one().snapshot = snapshot(plan)
    db.session.commit()
    before = stats(leader, analysis)
    post_comments(client_as("participant"), plan, ["The late buses make my son miss breakfast"])
    after_post = stats(leader, analysis)
    assert after_post["items of feedback"] == before["items of feedback"] + 1
    assert after_post["new since the last run"] == before["new since the last run"] + 1

    comment = db.session.query(Comment).filter_by(plan_id=plan.id).first()
    comments.hide_comment(users["moderator"], comment, reason="off topic")
    assert stats(leader, analysis)["items of feedback"] == after_post["items of feedback"] - 1


def test_a_theme_renamed_or_merged_shows_on_the_next_visit_in_each_language(users, leader):
    _plan, analysis = analysed_plan(users["leader"], per_topic=10)
    first, second = services.active_themes(analysis)[:2]
    base = f"/themes/analyses/{analysis.id}"
    assert "Otros / sin tema" not in leader.get(base).get_data(as_text=True)
    post_form(leader, "/language", {"locale": "es", "next": "/"})
    assert "Otros / sin tema" in leader.get(base).get_data(as_text=True)
    post_form(leader, "/language", {"locale": "en", "next": "/"})

    post_form(leader, f"{base}/themes/{first.id}/rename", {"rename-label": "Buses that never come"},
              form_page=f"{base}/themes/{first.id}")
    assert "Buses that never come" in leader.get(base).get_data(as_text=True)
    post_form(leader, f"{base}/themes/{second.id}/merge", {"merge-into": str(first.id), "merge-confirmed": "1"},
              form_page=f"{base}/themes/{second.id}")
    page = leader.get(base).get_data(as_text=True)
    assert f"/themes/{second.id}\"" not in page and "Buses that never come" in page


def test_a_survey_answer_shows_on_the_next_visit(users, leader):
    plan, analysis = analysed_plan(users["leader"], per_topic=10)
    before = stats(leader, analysis)
    survey = make_survey(plan_id=plan.id)
    add_response(survey, {question_of(survey, QuestionKind.LONG_TEXT): "Please add a crossing guard at Lincoln"})
    assert stats(leader, analysis)["items of feedback"] == before["items of feedback"] + 1
