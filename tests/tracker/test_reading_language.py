"""The tracker's pages to a reader of another language than the plan's: the plan's words (titles,
sections, offices, indicators) and the offices' updates carry their language; the page's do not."""

from __future__ import annotations

from tests.tracker.factories import first_action, make_tracked_plan, make_update


def _main(client, path, language):
    html = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


def test_a_spanish_reader_sees_the_plan_s_words_tagged_as_english(client, users):
    plan = make_tracked_plan("Family Engagement Plan", sections=1, actions_per_section=1)
    action = first_action(plan)
    make_update(users["leader"], action, summary="Bus passes went to 120 families.")
    overview = _main(client, f"/progress/plans/{plan.id}", "es")
    assert "Este plan está escrito en inglés y aún no está traducido al español." in overview
    assert 'Avance: <span lang="en">Family Engagement Plan</span>' in overview
    history = _main(client, f"/progress/actions/{action.id}", "es")
    assert f'<span lang="en">{action.title}</span>' in history
    assert '<p class="tracker-summary" lang="en">Bus passes went to 120 families.</p>' in history
    assert '<dd lang="en">Transportation</dd>' in history


def test_an_english_reader_sees_no_language_tags(client, users):
    plan = make_tracked_plan(sections=1, actions_per_section=1)
    make_update(users["leader"], first_action(plan))
    for path in (f"/progress/plans/{plan.id}", f"/progress/actions/{first_action(plan).id}", "/progress/"):
        main = _main(client, path, "en")
        assert ' lang="en"' not in main and "not translated" not in main
