"""Dashboard arithmetic: summaries, ranking, breakdowns with small groups hidden, trends, search and pages.

Pure functions over ThemedItems, so these build the items in memory: no app, no database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engage.feedback.services import FeedbackSource
from engage.themes import reporting
from engage.themes.models import Theme, ThemeStatus
from tests.support.theme_pages import START, row

UTC_ZONE = ZoneInfo("UTC")


def theme(theme_id: int, label: str) -> Theme:
    return Theme(id=theme_id, key=f"t{theme_id}", generated_label=label, status=ThemeStatus.ACTIVE)


BUSES, INTERPRETERS = theme(1, "Late buses"), theme(2, "Interpreters at meetings")


def summaries(themed, sort="people"):
    return reporting.theme_summaries(None, themed, sort=sort, themes=[BUSES, INTERPRETERS])


# Summaries ---------------------------------------------------------------------------


def test_people_are_counted_once_however_many_items_they_wrote():
    themed = [row(1, person="user:1"), row(1, person="user:1"), row(1, person="user:2"), row(2, person="user:3")]
    buses = next(s for s in summaries(themed) if s.theme is BUSES)
    assert (buses.items, buses.people) == (3, 2)


def test_support_is_people_plus_the_supports_their_comments_received():
    themed = [row(1, support=4), row(1, support=0), row(2)]
    buses = next(s for s in summaries(themed) if s.theme is BUSES)
    assert buses.support == 2 + 4


def test_share_is_of_everyone_heard_from_and_channels_are_counted():
    themed = [row(1), row(1, source=FeedbackSource.SURVEY_ANSWER), row(2), row(None)]
    buses = next(s for s in summaries(themed) if s.theme is BUSES)
    assert buses.share == pytest.approx(0.5)
    assert buses.by_channel == {FeedbackSource.COMMENT: 1, FeedbackSource.SURVEY_ANSWER: 1,
                                FeedbackSource.CONVERSATION_NOTE: 0, FeedbackSource.PAPER_CARD: 0}


def test_off_topic_items_count_nowhere_but_in_their_own_total():
    themed = [row(1), row(1, off_topic=True), row(None, off_topic=True), row(None)]
    buses = next(s for s in summaries(themed) if s.theme is BUSES)
    other = reporting.other_summary(None, themed, themes=[BUSES, INTERPRETERS])
    totals = reporting.analysis_totals(themed)
    assert (buses.items, other.items, totals.items, totals.off_topic) == (1, 1, 2, 2)


@pytest.mark.parametrize(("sort", "first"), [("people", "Late buses"), ("support", "Interpreters at meetings"),
                                             ("items", "Late buses"), ("new", "Interpreters at meetings"),
                                             ("nonsense", "Late buses")])
def test_themes_rank_by_the_chosen_measure(sort, first):
    themed = [row(1), row(1), row(1), row(2, support=10, new=True)]
    assert summaries(themed, sort)[0].label == first


def test_quotes_are_the_representatives_in_rank_order_then_the_strongest():
    themed = [row(1, "third", strength=0.9), row(1, "second", rank=1), row(1, "first", rank=0),
              row(1, "weak", strength=0.1)]
    buses = next(s for s in summaries(themed) if s.theme is BUSES)
    assert [q.item.text for q in buses.quotes] == ["first", "second", "third"]


def test_a_theme_with_no_items_still_has_a_row():
    assert [s.items for s in summaries([row(1)])] == [1, 0]


# Breakdowns ----------------------------------------------------------------------------


def test_groups_under_ten_people_are_hidden_with_a_complement():
    themed = ([row(1, relationship="parent") for _ in range(25)] + [row(1, relationship="staff") for _ in range(3)]
              + [row(1, relationship="student") for _ in range(12)]
              + [row(2, relationship="staff") for _ in range(10)])  # staff are 13 in all: not a rare mix (rule 4)
    breakdowns = reporting.theme_breakdowns(BUSES, themed, sections={}, schools={})
    shown = {r.key: r.people for r in breakdowns.by_relationship}
    # Staff (3) is small; hiding it alone would let 40 - 25 - 12 give it away, so students go too.
    assert shown == {"parent": 25, "staff": None, "student": None}
    assert breakdowns.any_suppressed


def test_people_by_school_and_language_are_counted_by_person_and_suppressed():
    themed = ([row(1, person=f"user:{n}", schools=(7, 8), language="es") for n in range(12)]
              + [row(1, person=f"user:{n}", schools=(7,), language="es") for n in range(12)]
              + [row(1, language="en") for _ in range(2)] + [row(2, language="en") for _ in range(10)])
    breakdowns = reporting.theme_breakdowns(BUSES, themed, sections={}, schools={7: "Oak", 8: "Elm"},
                                            language_labels={"es": "Spanish"})
    assert {(r.label, r.people) for r in breakdowns.by_school} == {("Oak", 12), ("Elm", 12)}
    assert {(r.label, r.people) for r in breakdowns.by_language} == {("Spanish", None), ("en", None)}


def test_a_rare_mix_of_facts_counts_as_did_not_say_in_every_theme():
    # One Somali-speaking community member at Oak wrote in two themes: a "fewer than 10" row in just
    # those two would say which of their items were theirs.
    themed = ([row(1, relationship="parent", language="en", schools=(7,)) for _ in range(30)]
              + [row(2, relationship="parent", language="en", schools=(7,)) for _ in range(30)]
              + [row(2, relationship="staff", language="en", schools=(8,)) for _ in range(12)]
              + [row(theme_id, person="user:somali", relationship="community", language="so", schools=(7,))
                 for theme_id in (1, 2)])
    for theme in (BUSES, INTERPRETERS):
        breakdowns = reporting.theme_breakdowns(theme, themed, sections={}, schools={7: "Oak", 8: "Elm"})
        assert "so" not in {r.key for r in breakdowns.by_language}
        assert "community" not in {r.key for r in breakdowns.by_relationship}
    # The next rarest mix (12 staff at Elm) is set aside with it, so "did not say" is not just one person.
    interpreters = reporting.theme_breakdowns(INTERPRETERS, themed, sections={}, schools={7: "Oak", 8: "Elm"})
    assert {r.key: r.people for r in interpreters.by_relationship} == {"parent": 30, "not_shared": 13}
    assert {r.key: r.people for r in interpreters.by_school} == {"7": 30}


def test_channels_and_sections_show_items_and_people():
    themed = [row(1, section="s1", person="user:1"), row(1, section="s1", person="user:1"),
              row(1, section="gone", source=FeedbackSource.PAPER_CARD)]
    breakdowns = reporting.theme_breakdowns(BUSES, themed, sections={"s1": "Goal 1"}, schools={},
                                            source_labels={FeedbackSource.PAPER_CARD: "Paper"})
    assert [(r.label, r.items, r.people) for r in breakdowns.by_section] == [("Goal 1", 2, 1), ("", 1, 1)]
    assert [(r.key, r.items, r.people) for r in breakdowns.by_channel] == [
        (FeedbackSource.COMMENT, 2, 1), (FeedbackSource.PAPER_CARD, 1, 1)]


# Trend --------------------------------------------------------------------------------


def test_trend_counts_items_per_week_with_empty_weeks_kept():
    themed = [row(1, when=START), row(1, when=START + timedelta(days=2)), row(1, when=START + timedelta(days=15)),
              row(2, when=START + timedelta(days=30))]
    trend = reporting.theme_trend(BUSES, themed, zone=UTC_ZONE)
    assert trend == [(date(2026, 9, 7), 2), (date(2026, 9, 14), 0), (date(2026, 9, 21), 1)]
    assert reporting.unit_of(trend) == "week"


def test_a_long_trend_is_counted_by_month():
    themed = [row(1, when=START), row(1, when=START + timedelta(days=300))]
    trend = reporting.theme_trend(BUSES, themed, zone=UTC_ZONE)
    assert trend[0] == (date(2026, 9, 1), 1) and trend[-1] == (date(2027, 7, 1), 1)
    assert len(trend) == 11 and sum(count for _day, count in trend) == 2
    assert reporting.unit_of(trend) == "month"


def test_a_trend_just_over_26_weeks_is_by_month_even_when_its_months_span_less():
    trend = reporting.theme_trend(BUSES, [row(1, when=datetime(2026, 1, 1, 12, tzinfo=UTC)),
                                          row(1, when=datetime(2026, 7, 5, 12, tzinfo=UTC))], zone=UTC_ZONE)
    assert trend[0] == (date(2026, 1, 1), 1) and reporting.unit_of(trend) == "month"


def test_trend_days_are_the_district_s_days():
    late_evening = datetime(2026, 9, 7, 3, 0, tzinfo=UTC)  # Sunday evening in Chicago
    trend = reporting.theme_trend(BUSES, [row(1, when=late_evening)], zone=ZoneInfo("America/Chicago"))
    assert trend == [(date(2026, 8, 31), 1)]


def test_no_items_no_trend():
    assert reporting.theme_trend(BUSES, [row(2)], zone=UTC_ZONE) == []


# Item lists -----------------------------------------------------------------------------


def test_search_ignores_case_and_accents_and_wants_every_word():
    themed = [row(1, "El autobús llega TARDE"), row(1, "The bus is late"), row(1, "autobus nuevo")]
    found = reporting.filter_items(themed, 1, q="  Autobus   tarde ")
    assert [r.item.text for r in found] == ["El autobús llega TARDE"]


def test_filters_by_source_section_language_and_new():
    themed = [row(1, source=FeedbackSource.SURVEY_ANSWER, section="s1", written_in="es", new=True),
              row(1, source=FeedbackSource.SURVEY_ANSWER, section="s1", written_in="es"),
              row(1, source=FeedbackSource.SURVEY_ANSWER, section="s2", written_in="es", new=True),
              row(1, section="s1", written_in="es", new=True)]
    found = reporting.filter_items(themed, 1, source=FeedbackSource.SURVEY_ANSWER, section_key="s1",
                                   language="es", new_only=True)
    assert found == [themed[0]]


def test_other_and_off_topic_lists():
    themed = [row(None, "other"), row(None, "away", off_topic=True), row(1, "bus", off_topic=True), row(1, "bus")]
    assert [r.item.text for r in reporting.filter_items(themed, "other")] == ["other"]
    assert sorted(r.item.text for r in reporting.filter_items(themed, "off_topic")) == ["away", "bus"]


def test_items_are_newest_first_and_paged_by_fifty():
    themed = [row(1, when=START + timedelta(hours=n)) for n in range(120)]
    found = reporting.filter_items(themed, 1)
    assert found[0] is themed[-1]
    page = reporting.paginate(found, 3)
    assert (len(page.items), page.pages, page.has_next, page.has_prev) == (20, 3, False, True)
    assert reporting.paginate(found, 99).page == 3
    assert reporting.paginate([], 1).pages == 1
