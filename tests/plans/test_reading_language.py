"""A reader of another language than the plan's knows what they are reading: the plan's text (on its
page, the comparison of versions, a theme's answer) is tagged with its language (WCAG 3.1.2), and a
notice says it is not translated yet."""

from __future__ import annotations

import re

from tests.outcomes.factories import add_theme, make_revised_plan
from tests.plans.factories import make_plan, publish

NOTICE_ES = "Este plan está escrito en inglés y aún no está traducido al español."


def _main(client, path, language):
    html = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


def test_a_spanish_reader_is_told_the_plan_is_in_english_and_every_fragment_says_so(client, users):
    plan = make_plan("Family Engagement Plan", sections=1, actions_per_section=1)
    publish(plan)
    main = _main(client, f"/plans/{plan.id}", "es")
    assert NOTICE_ES in main
    assert '<h1 lang="en">Family Engagement Plan</h1>' in main
    assert re.search(r'<h2 id="section-[^"]+-title" lang="en">Goal 1</h2>', main)
    assert re.search(r'<a href="#section-[^"]+" lang="en">Goal 1</a>', main)
    # The interface around it is Spanish, and says nothing about language.
    assert '<h2 id="toc-title">Contenido</h2>' in main


def test_an_english_reader_reads_the_plan_without_notice_or_tags(client, users):
    plan = make_plan(sections=1, actions_per_section=1)
    publish(plan)
    main = _main(client, f"/plans/{plan.id}", "en")
    assert "not translated" not in main and ' lang="en"' not in main


def test_the_comparison_and_a_theme_s_answer_are_tagged_for_a_spanish_reader(client, users):
    plan = make_revised_plan(users["leader"])
    compared = _main(client, f"/plans/{plan.id}/compare?from=1&to=2", "es")
    assert '<dd class="diff-text" lang="en">' in compared
    theme = add_theme(plan, "Late buses", published=True)
    answered = _main(client, f"/plans/{plan.id}/heard/{theme.id}", "es")
    assert '<div lang="en"><p>We heard it.</p></div>' in answered
    assert '<div lang="en"><p>We heard it.</p></div>' in _main(client, f"/plans/{plan.id}", "es")
    assert ' lang="en"' not in _main(client, f"/plans/{plan.id}/compare?from=1&to=2", "en")
