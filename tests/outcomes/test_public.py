"""The public side: the plan page's "You said, we did" and its marks, the theme summary, the comparison's marks;
links both ways, only public things, escaped, and flat query counts."""

from __future__ import annotations

import re

import pytest

from engage.extensions import db
from engage.themes.models import ThemeStatus
from tests.outcomes.factories import add_comment, add_theme, first_action, link, make_revised_plan
from tests.support.people import make_user
from tests.support.queries import count_queries


@pytest.fixture
def plan(users):
    return make_revised_plan(users["leader"])


def get_html(client, path: str, status: int = 200, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def section_html(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|article)[^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match, f"no #{element_id}"
    return match.group(0)


# The plan page -----------------------------------------------------------------------


def test_the_plan_page_lists_links_with_theme_target_and_explanation(client, users, plan):
    theme = add_theme(plan, "Late buses")
    action = first_action(plan)
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=action.key,
                   explanation="We added a late bus.")
    html = get_html(client, f"/plans/{plan.id}")
    said = section_html(html, "you-said-we-did")
    assert "You said, we did" in said and f'id="outcome-{outcome.id}"' in said
    assert f'href="/plans/{plan.id}/heard/{theme.id}">Late buses</a>' in said
    assert f'href="/plans/{plan.id}#action-{action.key}">Action 1: Action 1.1</a>' in said
    assert "We added a late bus." in said
    assert 'href="#you-said-we-did"' in html


def test_the_plan_page_marks_the_action_and_section_a_link_led_to(client, users, plan):
    theme = add_theme(plan, "Late buses")
    action = first_action(plan)
    to_action = link(users["leader"], plan, theme_id=theme.id, action_key=action.key)
    to_section = link(users["leader"], plan, theme_id=theme.id, section_key=plan.sections[1].key)
    html = get_html(client, f"/plans/{plan.id}")
    marked_action = section_html(html, f"action-{action.key}")
    assert "Shaped by community feedback" in marked_action and f'href="#outcome-{to_action.id}"' in marked_action
    assert f'href="/plans/{plan.id}/heard/{theme.id}"' in marked_action
    other_action = section_html(html, f"action-{plan.sections[0].actions[1].key}")
    assert "Shaped by community feedback" not in other_action
    assert f'href="#outcome-{to_section.id}"' in section_html(html, f"section-{plan.sections[1].key}")


def test_a_plan_without_links_has_no_section_and_no_marks(client, users, plan):
    html = get_html(client, f"/plans/{plan.id}")
    assert "you-said-we-did" not in html and "Shaped by community feedback" not in html
    assert not re.search(r"outcomes(\.\w+)?\.css", html)


def test_a_link_to_a_version_alone_points_to_the_comparison(client, users, plan):
    theme = add_theme(plan)
    link(users["leader"], plan, theme_id=theme.id, version_id=plan.versions[-1].id)
    said = section_html(get_html(client, f"/plans/{plan.id}"), "you-said-we-did")
    assert f'href="/plans/{plan.id}/compare?to=2&amp;from=1"' in said and "the plan changed in version 2" in said


def test_comments_only_links_show_how_many_comments_everyone_can_read(client, users, plan):
    comments = [add_comment(plan), add_comment(plan)]
    link(users["leader"], plan, comment_ids=[c.id for c in comments], action_key=first_action(plan).key)
    comments[1].status = "hidden"
    db.session.commit()
    said = section_html(get_html(client, f"/plans/{plan.id}"), "you-said-we-did")
    assert "1 comment" in said and "2 comments" not in said


def test_the_spanish_page_shows_the_spanish_explanation(client, users, plan):
    link(users["leader"], plan, theme_id=add_theme(plan).id, action_key=first_action(plan).key,
         explanation="We added a late bus.", explanation_es="Añadimos un autobús tardío.")
    html = get_html(client, f"/plans/{plan.id}", headers={"Accept-Language": "es"})
    assert '<div class="outcome-explanation"><p>Añadimos un autobús tardío.' in html and "We added a late bus." not in html
    assert "Añadimos" not in get_html(client, f"/plans/{plan.id}", headers={"Accept-Language": "en"})


def test_published_responses_link_to_the_theme_summary(client, users, plan):
    theme = add_theme(plan, "Late buses", published=True)
    heard = section_html(get_html(client, f"/plans/{plan.id}"), "what-we-heard")
    assert f'href="/plans/{plan.id}/heard/{theme.id}">Late buses</a>' in heard


def test_explanations_and_labels_are_escaped(client, users, plan):
    theme = add_theme(plan, "<b>Buses</b>")
    link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key,
         explanation="<script>alert(1)</script>\nSecond line")
    for path in (f"/plans/{plan.id}", f"/plans/{plan.id}/heard/{theme.id}", f"/outcomes/plans/{plan.id}"):
        html = get_html(client if "outcomes" not in path else _leader(client, users), path)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in html
        assert "<b>Buses</b>" not in html and "&lt;b&gt;Buses&lt;/b&gt;" in html


def _leader(client, users):
    from tests.support.web import log_in

    log_in(client, users["leader"].email)
    return client


# The theme summary --------------------------------------------------------------------


def test_a_theme_that_is_neither_answered_nor_linked_is_not_found(client, plan):
    theme = add_theme(plan, "Private theme")
    get_html(client, f"/plans/{plan.id}/heard/{theme.id}", status=404)


def test_another_plans_theme_is_not_found(client, users, plan):
    other = make_revised_plan(users["leader"], "Another plan")
    theme = add_theme(other, published=True)
    get_html(client, f"/plans/{other.id}/heard/{theme.id}")
    get_html(client, f"/plans/{plan.id}/heard/{theme.id}", status=404)
    get_html(client, f"/plans/{plan.id}/heard/999999", status=404)
    get_html(client, f"/plans/999999/heard/{theme.id}", status=404)


def test_a_theme_with_a_published_response_is_public(client, plan):
    theme = add_theme(plan, "Late buses", published=True)
    html = get_html(client, f"/plans/{plan.id}/heard/{theme.id}")
    assert "<h1>Late buses</h1>" in html and "We heard it." in html and "We will do it." in html


def test_a_linked_theme_is_public_and_links_back_to_the_exact_place_in_the_plan(client, users, plan):
    theme = add_theme(plan, "Late buses")
    action = first_action(plan)
    link(users["leader"], plan, theme_id=theme.id, action_key=action.key, explanation="We added a late bus.")
    link(users["leader"], plan, theme_id=theme.id, section_key=plan.sections[1].key, explanation="New goal text.")
    link(users["leader"], plan, theme_id=theme.id, version_id=plan.versions[-1].id, explanation="Rewritten.")
    html = get_html(client, f"/plans/{plan.id}/heard/{theme.id}")
    assert "What we did" in html and "We added a late bus." in html and "New goal text." in html
    assert f'href="/plans/{plan.id}#action-{action.key}"' in html
    assert f'href="/plans/{plan.id}#section-{plan.sections[1].key}"' in html
    assert f'href="/plans/{plan.id}/compare?to=2&amp;from=1"' in html
    assert f'href="/plans/{plan.id}">Family Engagement Plan</a>' in html  # the breadcrumb
    assert "We heard it." not in html  # no response published


def test_the_summary_shows_linked_comments_that_everyone_can_read_with_their_authors(client, users, plan):
    theme = add_theme(plan, "Late buses")
    named = add_comment(plan, "The 7am bus never comes.", author=make_user(name="Rosa Díaz"))
    anonymous = add_comment(plan, "Route 12 is late.", author=make_user(name="Secret Name"), anonymous=True)
    hidden = add_comment(plan, "Hidden words.")
    reply = add_comment(plan, "A reply about buses.", parent_id=named.id, root_id=named.id, depth=1)
    link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key,
         comment_ids=[named.id, anonymous.id, hidden.id, reply.id])
    hidden.status = "hidden"
    db.session.commit()
    html = get_html(client, f"/plans/{plan.id}/heard/{theme.id}")
    assert "The 7am bus never comes." in html and "Rosa Díaz" in html
    assert "Route 12 is late." in html and "A community member" in html and "Secret Name" not in html
    assert "Hidden words." not in html
    assert f'href="/plans/{plan.id}/comments/{named.id}#comment-{named.id}"' in html
    assert f'href="/plans/{plan.id}/comments/{named.id}#comment-{reply.id}"' in html  # a reply: in its thread


def test_comment_text_on_the_summary_is_escaped(client, users, plan):
    theme = add_theme(plan)
    comment = add_comment(plan, "<script>alert('x')</script>", author=make_user(name="<img src=x onerror=alert(1)>"))
    link(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id], action_key=first_action(plan).key)
    html = get_html(client, f"/plans/{plan.id}/heard/{theme.id}")
    assert "<script>alert('x')" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_people_heard_from_are_counted_and_small_numbers_hidden(client, users, plan):
    from engage.themes.models import ThemeAssignment

    theme = add_theme(plan, "Late buses", published=True)

    def assign(count: int) -> None:
        for _ in range(count):
            comment = add_comment(plan)
            db.session.add(ThemeAssignment(analysis_id=theme.analysis_id, source="comment", source_id=comment.id,
                                           theme_id=theme.id))
        db.session.commit()

    assign(3)
    html = get_html(client, f"/plans/{plan.id}/heard/{theme.id}")
    assert "fewer than 10 people" in html and "from 3 people" not in html
    assign(9)
    assert "We heard this from 12 people." in get_html(client, f"/plans/{plan.id}/heard/{theme.id}")


def test_a_merged_theme_goes_to_the_theme_it_joined(client, users, plan):
    kept = add_theme(plan, "Buses", published=True)
    merged = add_theme(plan, "Late buses", status=ThemeStatus.MERGED, merged_into=kept)
    response = client.get(f"/plans/{plan.id}/heard/{merged.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/plans/{plan.id}/heard/{kept.id}")


def test_a_link_to_a_merged_theme_makes_the_theme_it_joined_public(client, users, plan):
    kept = add_theme(plan, "Buses")
    merged = add_theme(plan, "Late buses", status=ThemeStatus.MERGED, merged_into=kept)
    link(users["leader"], plan, theme_id=merged.id, action_key=first_action(plan).key, explanation="Late bus.")
    html = get_html(client, f"/plans/{plan.id}/heard/{kept.id}")
    assert "<h1>Buses</h1>" in html and "Late bus." in html


def test_the_summary_never_shows_survey_answers_or_conversation_notes(client, users, plan):
    """Only the response, the links and linked public comments: nothing else about the theme's items."""
    from engage.themes.models import ThemeAssignment

    theme = add_theme(plan, "Late buses", published=True)
    comment = add_comment(plan, "Unlinked words in the theme.")
    db.session.add(ThemeAssignment(analysis_id=theme.analysis_id, source="comment", source_id=comment.id,
                                   theme_id=theme.id, representative_rank=0))
    db.session.commit()
    assert "Unlinked words in the theme." not in get_html(client, f"/plans/{plan.id}/heard/{theme.id}")


def test_the_summary_is_bilingual(client, users, plan):
    theme = add_theme(plan, "Late buses", published=True)
    html = get_html(client, f"/plans/{plan.id}/heard/{theme.id}", headers={"Accept-Language": "es"})
    assert '<html lang="es" dir="ltr">' in html


# The version comparison ----------------------------------------------------------------


def test_the_comparison_marks_changes_that_came_from_feedback(client, users, plan):
    theme = add_theme(plan, "Late buses")
    action = first_action(plan)
    outcome = link(users["leader"], plan, theme_id=theme.id, version_id=plan.versions[-1].id, action_key=action.key)
    html = get_html(client, f"/plans/{plan.id}/compare?from=1&to=2")
    start = html.index(f'aria-labelledby="diff-{plan.sections[0].key}"')
    changed = html[start:html.index("</section>", start)]
    assert "From community feedback" in changed
    assert f'href="/plans/{plan.id}/heard/{theme.id}">Late buses</a>' in changed
    assert f'href="/plans/{plan.id}#outcome-{outcome.id}"' in changed
    top = html[html.index('id="from-feedback-title"'):start]
    assert f'href="/plans/{plan.id}#action-{action.key}"' in top and "Late buses" in top


def test_the_comparison_leaves_out_links_of_other_versions(client, users, plan):
    theme = add_theme(plan, "Late buses")
    link(users["leader"], plan, theme_id=theme.id, version_id=plan.versions[0].id, action_key=first_action(plan).key)
    link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    html = get_html(client, f"/plans/{plan.id}/compare?from=1&to=2")
    assert "From community feedback" not in html


# The home page ---------------------------------------------------------------------------


def test_the_home_page_shows_the_newest_three_links_across_plans(client, users, plan):
    other = make_revised_plan(users["leader"], title="Transport Plan")
    theme = add_theme(other, "Late buses")
    oldest = link(users["leader"], plan, action_key=first_action(plan).key, comment_ids=[add_comment(plan).id],
                  explanation="The oldest one.")
    newer = [link(users["leader"], other, theme_id=theme.id, action_key=first_action(other).key,
                  explanation=f"Newer {n}.") for n in range(3)]
    html = get_html(client, "/")
    said = html.split('id="you-said-title"', 1)[1].split("</section>", 1)[0]
    assert f"#outcome-{oldest.id}" not in said
    for outcome in newer:
        assert f'href="/plans/{other.id}#outcome-{outcome.id}"' in said
    assert f'href="/plans/{other.id}/heard/{theme.id}">Late buses</a>' in said
    # Each names the part of the plan it led to, not the whole plan's title again.
    assert "Transport Plan" not in said


def test_the_home_page_has_no_links_section_before_there_are_links(client, plan):
    assert 'id="you-said-title"' not in get_html(client, "/")


# Comment threads ------------------------------------------------------------------------


def test_a_linked_comment_says_what_it_helped_shape_in_its_thread(client, users, plan):
    action = first_action(plan)
    linked = add_comment(plan, "Please add a late bus.")
    other = add_comment(plan, "The lunch menu is fine.")
    outcome = link(users["leader"], plan, comment_ids=[linked.id], action_key=action.key,
                   version_id=plan.versions[-1].id, explanation="We added a late bus.")
    for path in (f"/plans/{plan.id}/comments", f"/plans/{plan.id}/comments/{linked.id}"):
        html = get_html(client, path)
        shaped = section_html(html, f"comment-{linked.id}")
        assert "This comment helped shape:" in shaped
        assert f'href="/plans/{plan.id}#outcome-{outcome.id}">Action 1: Action 1.1, changed in version 2</a>' in shaped
    assert "helped shape" not in section_html(get_html(client, f"/plans/{plan.id}/comments"), f"comment-{other.id}")


def test_a_hidden_comment_shows_no_link(client, users, plan):
    comment = add_comment(plan, "Please add a late bus.")
    link(users["leader"], plan, comment_ids=[comment.id], action_key=first_action(plan).key,
         explanation="We added a late bus.")
    comment.status = "hidden"
    db.session.commit()
    assert "helped shape" not in get_html(client, f"/plans/{plan.id}/comments")


# Query counts ----------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    db.session.expire_all()
    with count_queries() as counter:
        get_html(client, path)
    return counter.count


def _add_links(users, plan, theme, count: int) -> None:
    actions = [a for s in plan.sections for a in s.actions]
    for n in range(count):
        comment = add_comment(plan, f"Comment {n}")
        link(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id], action_key=actions[n % 4].key,
             version_id=plan.versions[-1].id if n % 2 else None, explanation=f"Did thing {n}.")


@pytest.mark.parametrize("path", ["/plans/{plan}", "/plans/{plan}/heard/{theme}", "/plans/{plan}/compare",
                                  "/outcomes/plans/{plan}", "/plans/{plan}/comments", "/"])
def test_pages_cost_the_same_number_of_queries_with_3_or_30_links(client, users, plan, path):
    theme = add_theme(plan, "Late buses", published=True)
    if path.startswith("/outcomes"):
        _leader(client, users)
    url = path.format(plan=plan.id, theme=theme.id)
    _add_links(users, plan, theme, 3)
    get_html(client, url)
    few = _queries(client, url)
    _add_links(users, plan, theme, 27)
    assert _queries(client, url) == few
