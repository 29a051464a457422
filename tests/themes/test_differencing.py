"""People by group on a theme's page can't be differenced: no edit of one item changes them, merges
hide what the counts before and after would give away, and narrower analyses show none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engage.accounts.models import ParticipantProfile
from engage.comments.models import Comment
from engage.extensions import db
from engage.feedback.services import FeedbackItem, FeedbackSource, Visibility
from engage.themes import reporting, services
from engage.themes.services import ThemedItem
from tests.support.theme_pages import post, text_of, theme_url, theme_with
from tests.themes.factories import make_feedback_plan


@pytest.fixture
def analysed(users):
    """A plan's comments on three topics, run once; the authors in the largest theme are parents, the
    others staff."""
    plan = make_feedback_plan(per_topic=12)
    analysis = services.default_analysis(users["leader"], plan.id)
    services.start_run(users["leader"], analysis)
    themed = services.themed_items(analysis)
    largest = max(services.active_themes(analysis), key=lambda t: sum(row.theme_id == t.id for row in themed))
    for comment in db.session.query(Comment).filter_by(plan_id=plan.id):
        in_largest = any(row.theme_id == largest.id and row.item.source_id == comment.id for row in themed)
        db.session.add(ParticipantProfile(user_id=comment.author_id,
                                          relationship_to_district="parent" if in_largest else "staff"))
    db.session.commit()
    db.session.expire_all()
    return plan, analysis, largest


def people_by_relationship(analysis, theme) -> dict[str, int | None]:
    db.session.expire_all()
    breakdowns = reporting.theme_breakdowns(theme, services.current_themed_items(analysis), sections={}, schools={})
    return {row.key: row.people for row in breakdowns.by_relationship}


def a_parents_item(analysis, bus):
    return next(row.item for row in services.themed_items(analysis)
                if row.theme_id == bus.id and row.item.relationship == "parent")


def test_moving_one_item_changes_no_theme_s_people_by_group(client_as, users, analysed):
    _plan, analysis, bus = analysed
    counselors = next(theme for theme in services.active_themes(analysis) if theme.id != bus.id)
    before = {theme.id: people_by_relationship(analysis, theme) for theme in (bus, counselors)}
    assert before[bus.id] == {"parent": 12}
    item = a_parents_item(analysis, bus)
    leader = client_as("leader")
    post(leader, f"/themes/analyses/{analysis.id}/items/move",
         {"source": item.source, "source_id": item.source_id, "theme": str(counselors.id)})
    assert next(row.theme_id for row in services.themed_items(analysis) if row.item.key == item.key) == counselors.id
    assert {theme.id: people_by_relationship(analysis, theme) for theme in (bus, counselors)} == before
    # The next run counts the item where the clustering puts it, not where the leader pinned it.
    services.start_run(users["leader"], analysis)
    assert {theme.id: people_by_relationship(analysis, theme) for theme in (bus, counselors)} == before


def test_marking_an_item_off_topic_changes_no_people_by_group(client_as, analysed):
    _plan, analysis, bus = analysed
    before = people_by_relationship(analysis, bus)
    item = a_parents_item(analysis, bus)
    post(client_as("leader"), f"/themes/analyses/{analysis.id}/items/off-topic",
         {"source": item.source, "source_id": item.source_id, "off_topic": "1"})
    assert next(row.off_topic for row in services.themed_items(analysis) if row.item.key == item.key)
    assert people_by_relationship(analysis, bus) == before


def test_a_narrower_analysis_shows_no_people_by_group(client_as, users, analysed):
    plan, default, _largest = analysed
    leader = client_as("leader")
    assert ">By connection to the district</caption>" in text_of(
        leader.get(theme_url(default, theme_with(default, "bus"))))
    narrower = services.create_analysis(users["leader"], plan.id, title="Comments only", sources=["comment"])
    services.start_run(users["leader"], narrower)
    html = text_of(leader.get(theme_url(narrower, theme_with(narrower, "bus"))))
    assert ">By channel</caption>" in html
    assert ">By connection to the district</caption>" not in html and ">By preferred language</caption>" not in html
    assert "People by group are shown only in the plan" in html


_ids = iter(range(1, 10**6))


def placed(run_theme_id: int, person: str, relationship: str) -> ThemedItem:
    """An item the run put in `run_theme_id`, which has since been merged into theme 1."""
    source_id = next(_ids)
    item = FeedbackItem(source=FeedbackSource.COMMENT, source_id=source_id, text="text", language="en", plan_id=1,
                        section_key=None, action_key=None, created_at=datetime(2026, 9, 7, tzinfo=UTC),
                        visibility=Visibility.PUBLIC, support_count=0, relationship=relationship,
                        preferred_language="en", school_ids=(), person_key=person)
    return ThemedItem(item, 1, 0.5, None, "run", False, False, run_theme_id=run_theme_id, run_counted_theme_id=1)


def test_a_merged_theme_hides_a_count_the_counts_before_the_merge_would_give_away():
    # Theme 2 (12 parents, 3 of them also in theme 1) merged into theme 1 (15 parents): 24 parents now,
    # 9 more than theme 1 had.
    themed = ([placed(1, f"user:{n}", "parent") for n in range(15)]
              + [placed(2, f"user:{n}", "parent") for n in range(12, 24)]
              + [placed(1, f"user:{n}", "staff") for n in range(100, 130)])
    rows = {row.key: row.people for row in reporting.theme_breakdowns(1, themed, sections={}, schools={})
            .by_relationship}
    assert rows["parent"] is None
    # Disjoint and different by 10 or more: shown.
    themed = ([placed(1, f"user:{n}", "parent") for n in range(15)]
              + [placed(2, f"user:{n}", "parent") for n in range(15, 35)])
    rows = {row.key: row.people for row in reporting.theme_breakdowns(1, themed, sections={}, schools={})
            .by_relationship}
    assert rows == {"parent": 35}


def test_themes_made_by_a_split_show_people_by_group_only_from_the_next_run(client_as, users, analysed):
    _plan, analysis, largest = analysed
    parts = services.split_theme(users["leader"], largest, 2)
    leader = client_as("leader")
    for part in parts:
        html = text_of(leader.get(theme_url(analysis, part)))
        assert "People by group are counted from the next run of the analysis." in html
        assert ">By connection to the district</caption>" not in html
