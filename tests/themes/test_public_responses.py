"""The plan page's "What we heard and what we will do": published responses only, escaped, in fixed queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from engage.extensions import db
from engage.plans import services as plans
from engage.themes import services
from engage.themes.models import Theme, ThemeStatus
from engage.themes.translatable import theme_document
from engage.translation import services as translation
from tests.plans.factories import make_plan
from tests.support.queries import count_queries

HEADING = "What we heard and what we will do"
_numbers = iter(range(1, 10_000))


@pytest.fixture
def plan(users):
    plan = make_plan("Equity Plan")
    plans.publish_version(users["leader"], plan, status="draft")
    return plan


def add_theme(plan, label: str, *, heard: str = "We heard it.", will_do: str = "We will do it.",
              published: bool = True, status: str = ThemeStatus.ACTIVE, analysis=None,
              published_at: datetime | None = None) -> Theme:
    analysis = analysis or services.default_analysis(None, plan.id)
    theme = Theme(analysis_id=analysis.id, key=f"t{next(_numbers)}", generated_label=label, status=status,
                  response_heard=heard, response_will_do=will_do,
                  response_published_at=(published_at or datetime(2026, 3, 14, 15, tzinfo=UTC)) if published else None)
    db.session.add(theme)
    db.session.commit()
    return theme


def page(client, plan) -> str:
    response = client.get(f"/plans/{plan.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_published_responses_show_on_the_plan_page_with_label_both_parts_and_date(client, plan):
    add_theme(plan, "Late buses", heard="Buses are late.", will_do="New routes in May.")
    html = page(client, plan)
    assert HEADING in html and 'href="#what-we-heard"' in html
    assert "Late buses" in html and "Buses are late." in html and "New routes in May." in html
    assert "What we will do" in html and 'datetime="2026-03-14"' in html and "March 14, 2026" in html


def test_drafts_unpublished_and_merged_themes_are_not_shown_but_retired_ones_stay(client, plan):
    add_theme(plan, "Shown theme")
    add_theme(plan, "Draft theme", published=False)
    add_theme(plan, "Merged theme", status=ThemeStatus.MERGED)
    add_theme(plan, "Retired theme", status=ThemeStatus.RETIRED)
    other_plan = make_plan("Another plan")
    add_theme(other_plan, "Another plan's theme")
    html = page(client, plan)
    assert "Shown theme" in html and "Retired theme" in html
    for hidden in ("Draft theme", "Merged theme", "Another plan&#39;s theme", "Another plan's"):
        assert hidden not in html


def test_nothing_at_all_when_no_response_is_published(client, plan):
    add_theme(plan, "Draft theme", published=False)
    html = page(client, plan)
    assert HEADING not in html and "what-we-heard" not in html and "Draft theme" not in html


def test_responses_from_every_analysis_of_the_plan_show_newest_first(client, users, plan):
    further = services.create_analysis(users["leader"], plan.id, title="Surveys", sources=["survey_answer"])
    add_theme(plan, "Older response", published_at=datetime(2026, 1, 5, tzinfo=UTC))
    add_theme(plan, "Newer response", analysis=further, published_at=datetime(2026, 2, 5, tzinfo=UTC))
    html = page(client, plan)
    assert html.index("Newer response") < html.index("Older response")


def test_responses_are_escaped_and_keep_their_line_breaks(client, plan):
    add_theme(plan, "<b>Buses</b>", heard="<script>alert(1)</script>\nSecond line\n\nNew paragraph",
              will_do="<img src=x onerror=alert(1)>")
    html = page(client, plan)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line</p>" in html
    assert "<p>New paragraph</p>" in html
    assert "<b>Buses</b>" not in html and "&lt;b&gt;Buses&lt;/b&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_everyone_sees_the_responses_signed_in_or_not(client_as, users, plan):
    add_theme(plan, "Late buses")
    for role in ("anonymous", "participant", "leader"):
        assert "Late buses" in page(client_as(role), plan)


def test_the_spanish_page_shows_the_same_responses(client, plan):
    add_theme(plan, "Autobuses tarde", heard="Los autobuses llegan tarde.")
    html = client.get(f"/plans/{plan.id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in html and "Autobuses tarde" in html and "Los autobuses llegan tarde." in html


def test_a_leader_s_name_for_a_theme_reads_translated_where_a_translator_translated_it(client, users, plan):
    theme = add_theme(plan, "Late buses")
    services.rename_theme(users["leader"], theme, "Buses that come late")
    translation.save_translations(None, theme_document(theme), "es", {"custom_label": "Autobuses que llegan tarde"},
                                  publish=True)
    spanish = client.get(f"/plans/{plan.id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert re.search(r'<h3 id="theme-response-\d+-title">\s*<a [^>]+>Autobuses que llegan tarde</a></h3>', spanish)
    vietnamese = client.get(f"/plans/{plan.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert re.search(r'<h3 id="theme-response-\d+-title" lang="en">\s*<a [^>]+>Buses that come late</a></h3>', vietnamese)
    # Renamed again: the Spanish name is of the old words, shown until a translator updates it.
    services.rename_theme(users["leader"], theme, "Buses late or missing")
    assert "Autobuses que llegan tarde" in client.get(f"/plans/{plan.id}",
                                                      headers={"Accept-Language": "es"}).get_data(as_text=True)


def test_the_plan_page_costs_the_same_number_of_queries_however_many_responses(client, plan):
    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            page(client, plan)
        return counter.count

    add_theme(plan, "First")
    page(client, plan)
    one = queries()
    for n in range(12):
        add_theme(plan, f"Theme {n}", published_at=datetime(2026, 3, 14, tzinfo=UTC) + timedelta(hours=n))
    assert queries() == one
    assert len(services.published_responses(plan.id)) == 13
