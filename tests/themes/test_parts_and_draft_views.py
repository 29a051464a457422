"""A theme's parts (sub-themes) and its draft "what we heard", stored by a run and read over HTTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.themes import services
from engage.themes.models import Theme, ThemeAssignment
from tests.themes.factories import TOPICS, analysed_plan

BUS_STOP = ["The bus stop has no crosswalk and cars speed past the children",
            "Kids wait at the bus stop on a busy road with no sidewalk",
            "La parada del autobús no tiene banqueta y los carros pasan rápido",
            "Put a crossing guard at the bus stop on Main Street",
            "The bus stop is dark in the morning and drivers cannot see the kids",
            "Move the bus stop away from the highway"]


@pytest.fixture
def analysed(users):
    return analysed_plan(users["leader"], per_topic=12, topics={**TOPICS, "bus_stop": BUS_STOP})


def _assignments(analysis) -> list[ThemeAssignment]:
    return list(db.session.scalars(select(ThemeAssignment).where(ThemeAssignment.analysis_id == analysis.id)))


def test_a_run_stores_each_theme_s_parts_and_which_part_each_item_is_in(analysed):
    _, analysis = analysed
    with_parts = [t for t in services.active_themes(analysis) if t.subthemes]
    assert with_parts, "the bus, bus stop, translation and counselors feedback has a theme in parts"
    for theme in with_parts:
        assert all(sub["label"] and sub["label_es"] for sub in theme.subthemes)
        members = [a for a in _assignments(analysis) if a.theme_id == theme.id]
        assert {a.subtheme for a in members} == set(range(len(theme.subthemes)))
    parted = {a.theme_id for a in _assignments(analysis) if a.subtheme is not None}
    assert parted == {t.id for t in with_parts}


def _theme_in_two_parts(analysis) -> tuple[Theme, list[ThemeAssignment]]:
    """The largest theme, its parts set as a run stores them: items saying "late" first, the rest second."""
    themed = {row.item.key: row for row in services.themed_items(analysis)}
    theme = max(services.active_themes(analysis),
                key=lambda t: sum(1 for row in themed.values() if row.theme_id == t.id))
    theme.subthemes = [
        {"label": "Late mornings", "label_es": "Tarde por la mañana", "top_terms": [], "gathered": False},
        {"label": "Everything else", "label_es": "Todo lo demás", "top_terms": [], "gathered": False}]
    members = [a for a in _assignments(analysis) if a.theme_id == theme.id]
    for a in members:
        a.subtheme = 0 if "late" in themed[(a.source, a.source_id)].item.text.lower() else 1
    db.session.commit()
    return theme, members


def test_the_dashboard_and_the_theme_page_show_the_parts_with_counts_and_filter_by_them(leader, analysed):
    _, analysis = analysed
    theme, members = _theme_in_two_parts(analysis)
    late = sum(1 for a in members if a.subtheme == 0)
    dashboard = leader.get(f"/themes/analyses/{analysis.id}").get_data(as_text=True)
    assert "2 sub-themes" in dashboard and "Late mornings" in dashboard

    page = leader.get(f"/themes/analyses/{analysis.id}/themes/{theme.id}").get_data(as_text=True)
    assert "Inside this theme" in page and "Everything else" in page
    assert f"{late} items" in page or f"{late} item" in page

    only_late = leader.get(f"/themes/analyses/{analysis.id}/themes/{theme.id}?part={theme.id}-0")
    listed = re.findall(r'<li class="theme-item"', only_late.get_data(as_text=True))
    assert len(listed) == late and f"{late} items match, of {len(members)}." in only_late.get_data(as_text=True)

    spanish = leader.get(f"/themes/analyses/{analysis.id}/themes/{theme.id}",
                         headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Tarde por la mañana" in spanish or "Late mornings" in spanish


def test_an_item_a_leader_moves_leaves_its_part_even_when_moved_back(analysed, users):
    _, analysis = analysed
    theme, members = _theme_in_two_parts(analysis)
    moved = next(a for a in members if a.subtheme == 0)
    key = (moved.source, moved.source_id)
    other = next(t for t in services.active_themes(analysis) if t.id != theme.id)
    services.move_item(users["leader"], analysis, *key, other)
    assert {row.item.key: row for row in services.themed_items(analysis)}[key].part is None
    services.move_item(users["leader"], analysis, *key, theme)
    assert {row.item.key: row for row in services.themed_items(analysis)}[key].part is None


def test_the_draft_cites_only_the_theme_s_items_and_counts_its_people(leader, analysed):
    _, analysis = analysed
    theme, members = _theme_in_two_parts(analysis)
    page = leader.get(f"/themes/analyses/{analysis.id}/themes/{theme.id}").get_data(as_text=True)
    draft = page[page.index('id="draft-title"'):page.index('id="quotes-title"')]
    assert f"{len(members)} people raised this theme" in draft
    assert "On “Late mornings”" in draft
    theme_texts = {row.item.text for row in services.themed_items(analysis) if row.theme_id == theme.id}
    sources = re.findall(r'<li id="source-\d+">\s*<blockquote class="theme-quote">\s*<p[^>]*>(.*?)</p>', draft, re.S)
    assert sources and all(text in theme_texts for text in sources)
    cited_numbers = {int(n) for n in re.findall(r'href="#source-(\d+)"', draft)}
    assert cited_numbers == set(range(1, len(sources) + 1))


def test_starting_the_response_from_the_draft_fills_the_form_and_saves_nothing(leader, analysed):
    _, analysis = analysed
    theme, _ = _theme_in_two_parts(analysis)
    page = leader.get(f"/themes/analyses/{analysis.id}/themes/{theme.id}?draft=1").get_data(as_text=True)
    heard = re.search(r'<textarea[^>]*name="response-heard"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "people raised this theme" in heard and "source" not in heard
    assert "It is not saved or published until you do." in page
    db.session.expire_all()
    stored = db.session.get(Theme, theme.id)
    assert stored.response_heard == "" and not stored.response_published


def test_a_theme_merged_into_another_is_one_of_its_parts(leader, analysed, users):
    _, analysis = analysed
    first, second = sorted(services.active_themes(analysis), key=lambda t: t.id)[:2]
    first.subthemes, second.subthemes = [], []
    db.session.commit()
    services.merge_themes(users["leader"], second, first)
    page = leader.get(f"/themes/analyses/{analysis.id}/themes/{first.id}").get_data(as_text=True)
    inside = page[page.index('id="parts-title"'):page.index('id="draft-title"')]
    assert f"part={second.id}#items-title" in inside and "part=none#items-title" in inside
    assert second.label in inside and first.label in inside


def test_the_printable_report_lists_each_theme_s_parts(leader, analysed):
    _, analysis = analysed
    theme, _ = _theme_in_two_parts(analysis)
    report = leader.get(f"/themes/analyses/{analysis.id}/report").get_data(as_text=True)
    section = report[report.index(f'id="theme-{theme.id}-heading"'):]
    section = section[:section.index("</section>")]
    assert "Inside this theme" in section and "Late mornings:" in section and "Everything else:" in section


def test_the_csv_names_each_item_s_sub_theme(leader, analysed):
    import csv
    import io

    _, analysis = analysed
    theme, members = _theme_in_two_parts(analysis)
    body = leader.get(f"/themes/analyses/{analysis.id}/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = [row for row in csv.DictReader(io.StringIO(body)) if row["Theme key"] == theme.key]
    assert len(rows) == len(members)
    assert sorted({row["Sub-theme"] for row in rows}) == ["Everything else", "Late mornings"]
    assert all(row["Sub-theme"] == "Late mornings" for row in rows if "late" in row["Text"].lower())
