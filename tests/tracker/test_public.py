"""The public tracker pages: plans being tracked, a plan's overview with its filters,
an action's history; open to everyone, only for published plans, flat query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engage.extensions import db
from engage.orgs.models import Membership, Organization, OrganizationKind
from engage.plans import services as plans
from engage.plans.models import PlanAction, PlanIndicator, PlanStatus
from engage.tracker.models import EvidenceKind, ProgressStatus
from tests.plans.factories import make_plan
from tests.support.people import make_user
from tests.support.progress import FUTURE, actions_of, add_update, published_plan
from tests.support.queries import count_queries

PAST = date(2020, 3, 31)


def page(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


# Who sees what ------------------------------------------------------------------------


def test_index_lists_published_plans_with_counts_by_status(client, users):
    plan = published_plan(users["leader"], title="Bus Plan")
    make_plan(title="Secret Draft Plan")
    first, second, *_ = actions_of(plan)
    add_update(first, status=ProgressStatus.DONE, percent=100)
    add_update(second, status=ProgressStatus.DELAYED, percent=10)

    html = page(client, "/progress/")

    assert "Bus Plan" in html and "Secret Draft Plan" not in html
    assert f'href="/progress/plans/{plan.id}"' in html
    assert "4 actions" in html
    assert "Done</span> <strong>1</strong>" in html
    assert "Delayed</span> <strong>1</strong>" in html
    assert "Not started</span> <strong>2</strong>" in html


def test_index_says_so_when_nothing_is_tracked(client, app):
    assert "No plans are being tracked yet" in page(client, "/progress/")


@pytest.mark.parametrize("suffix", ["", "/feed.atom"])
def test_unpublished_plan_and_its_actions_are_not_found(client, users, suffix):
    plan = make_plan()
    action = actions_of(plan)[0]
    assert client.get(f"/progress/plans/{plan.id}{suffix}").status_code == 404
    assert client.get(f"/progress/actions/{action.id}{suffix}").status_code == 404


@pytest.mark.parametrize("path", ["/progress/plans/999999", "/progress/actions/999999", "/progress/plans/0",
                                  "/progress/actions/99999999999", "/progress/plans/abc", "/progress/actions/-1"])
def test_missing_ids_are_not_found(client, app, path):
    assert client.get(path).status_code == 404


def test_pages_are_public_for_every_role(client_as, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    for role in ("anonymous", "participant", "host", "moderator", "leader", "admin"):
        client = client_as(role)
        for path in ("/progress/", f"/progress/plans/{plan.id}", f"/progress/actions/{action.id}"):
            assert client.get(path).status_code == 200, (role, path)


def test_action_added_to_the_draft_after_publishing_stays_off_the_public_pages(client, users):
    plan = published_plan(users["leader"])
    section = plan.sections[0]
    draft = PlanAction(position=9, number="9", title="Unannounced idea", description="", responsible_office="Budget")
    section.actions.append(draft)
    section.actions[0].title = "Reworded in the draft"
    db.session.commit()

    html = page(client, f"/progress/plans/{plan.id}")

    assert "Unannounced idea" not in html and "Budget" not in html
    assert "Reworded in the draft" not in html and "Action 1.1" in html
    assert client.get(f"/progress/actions/{draft.id}").status_code == 404
    assert "Reworded in the draft" not in page(client, f"/progress/actions/{section.actions[0].id}")


def test_navigation_and_plan_page_link_to_the_tracker(client, users):
    plan = published_plan(users["leader"])
    html = page(client, f"/plans/{plan.id}")
    assert 'href="/progress/"' in html and ">Progress<" in html
    assert f'href="/progress/plans/{plan.id}">Track progress on this plan' in html


# The overview ------------------------------------------------------------------------------


def test_overview_shows_every_action_with_status_words_percent_and_last_update(client, users):
    plan = published_plan(users["leader"])
    first = actions_of(plan)[0]
    add_update(first, status=ProgressStatus.AT_RISK, percent=35)

    html = page(client, f"/progress/plans/{plan.id}")

    for n in ("1.1", "1.2", "2.1", "2.2"):
        assert f"Action {n}" in html
    assert 'tracker-status-at_risk"><span aria-hidden="true">▲</span> At risk' in html
    assert '<progress max="100" value="35" aria-hidden="true"></progress>' in html and "35% complete" in html
    assert "No update yet" in html
    assert "Showing 4 of 4 actions." in html
    assert f'<link rel="alternate" type="application/atom+xml" href="/progress/plans/{plan.id}/feed.atom"' in html


def test_overview_counts_table_has_a_caption_and_header_cells(client, users):
    plan = published_plan(users["leader"])
    add_update(actions_of(plan)[0], status=ProgressStatus.DONE, percent=100)

    html = page(client, f"/progress/plans/{plan.id}")

    assert '<caption id="status-counts">Actions by status</caption>' in html
    assert '<th scope="col">Status</th>' in html
    assert "All actions</th><td class=\"number\">4</td>" in html


def test_timeline_groups_indicator_deadlines_by_month_and_links_to_actions(client, users):
    plan = published_plan(users["leader"])
    first, second, third, _fourth = actions_of(plan)
    first.indicators[0].deadline = date(2026, 1, 15)
    second.indicators[0].deadline = date(2026, 1, 31)
    third.indicators[0].deadline = None
    db.session.commit()

    html = page(client, f"/progress/plans/{plan.id}")
    deadlines = html[html.index('id="deadlines"'):html.index('id="overdue"')]

    assert deadlines.index("January 2026") < deadlines.index("June 2099")
    january = deadlines[deadlines.index("January 2026"):deadlines.index("June 2099")]
    assert f'/progress/actions/{first.id}"' in january and f'/progress/actions/{second.id}"' in january
    assert f'/progress/actions/{third.id}"' not in deadlines
    assert '<time datetime="2026-01-15">' in january


def test_overdue_indicators_are_listed_unless_their_action_is_done(client, users):
    plan = published_plan(users["leader"])
    late, finished, *_ = actions_of(plan)
    late.indicators[0].deadline = PAST
    finished.indicators[0].deadline = PAST
    db.session.commit()
    add_update(finished, status=ProgressStatus.DONE, percent=100)

    html = page(client, f"/progress/plans/{plan.id}")
    overdue = html[html.index('id="overdue"'):html.index('id="actions"')]

    assert f'/progress/actions/{late.id}"' in overdue
    assert f'/progress/actions/{finished.id}"' not in overdue
    assert "Due Mar 31, 2020" in overdue


def test_no_overdue_indicators_says_so(client, users):
    plan = published_plan(users["leader"])
    assert "No indicator is overdue." in page(client, f"/progress/plans/{plan.id}")


def test_filter_by_status(client, users):
    plan = published_plan(users["leader"])
    first, second, *_ = actions_of(plan)
    add_update(first, status=ProgressStatus.DELAYED, percent=5)

    html = page(client, f"/progress/plans/{plan.id}?status=delayed")

    listed = html[html.index('id="actions-caption"'):]
    assert f'/progress/actions/{first.id}"' in listed and f'/progress/actions/{second.id}"' not in listed
    assert "Showing 1 of 4 actions." in html
    assert '<option value="delayed" selected>' in html


def test_filter_by_section_and_office(client, users):
    plan = published_plan(users["leader"])
    first, second, third, fourth = actions_of(plan)
    second.responsible_office = "Family Engagement Office"
    db.session.commit()
    plans.publish_version(users["leader"], plan, status=PlanStatus.FINAL)

    by_section = page(client, f"/progress/plans/{plan.id}?section={plan.sections[1].key}")
    by_office = page(client, f"/progress/plans/{plan.id}?office=family+engagement++office")

    listed = by_section[by_section.index('id="actions-caption"'):]
    assert all(f'/progress/actions/{a.id}"' in listed for a in (third, fourth))
    assert all(f'/progress/actions/{a.id}"' not in listed for a in (first, second))
    assert "Showing 1 of 4 actions." in by_office
    assert '<option value="Family Engagement Office" selected>' in by_office


def test_no_action_matching_the_filters_says_so(client, users):
    plan = published_plan(users["leader"])
    html = page(client, f"/progress/plans/{plan.id}?status=done")
    assert "No action matches these filters." in html and "Show every action" in html


@pytest.mark.parametrize("query", [
    "status=finished", "section=nope", "office=Nobody", "section[]=1&status=",
    "office=" + "x" * 5000, "status=done&status=delayed", "section=%ff%fe", "office=%F0%9F%98%80",
])
def test_bad_filter_values_are_ignored_never_an_error(client, users, query):
    plan = published_plan(users["leader"])
    response = client.get(f"/progress/plans/{plan.id}?{query}")
    assert response.status_code == 200
    assert "Showing" in response.get_data(as_text=True)


def test_null_byte_in_a_filter_is_a_bad_request(client, users):
    plan = published_plan(users["leader"])
    assert client.get(f"/progress/plans/{plan.id}?status=%00").status_code == 400


def test_unknown_filter_value_is_reported_and_every_action_shown(client, users):
    plan = published_plan(users["leader"])
    html = page(client, f"/progress/plans/{plan.id}?status=finished")
    assert "Some filters did not match anything in this plan" in html
    assert "Showing 4 of 4 actions." in html


def test_plan_page_includes_the_follow_form_for_the_whole_plan(client, users):
    plan = published_plan(users["leader"])
    html = page(client, f"/progress/plans/{plan.id}")
    assert f'name="plan_id" value="{plan.id}"' in html
    assert 'name="action_id"' not in html


# The action page ---------------------------------------------------------------------------


def test_action_page_shows_indicators_with_deadline_latest_value_and_overdue_flag(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    indicator = action.indicators[0]
    second = PlanIndicator(position=1, text="Families surveyed", deadline=PAST, deadline_text="Spring 2020")
    action.indicators.append(second)
    db.session.commit()
    plans.publish_version(users["leader"], plan, status=PlanStatus.FINAL)
    add_update(action, as_of=date(2025, 10, 1), values={indicator: (120, "passes", "")})
    add_update(action, as_of=date(2025, 11, 1), values={indicator: (250.5, "passes", ""), second: (None, "", "About half")})

    html = page(client, f"/progress/actions/{action.id}")
    table = html[html.index('id="indicators-title"'):html.index('id="history-title"')]

    assert "Passes handed out" in table and "Number of passes" in table
    assert '<time datetime="2099-06-30">' in table
    assert "250.5 passes" in table and "120 passes" not in table
    assert "About half" in table
    assert table.count("Overdue") == 1


def test_action_history_is_newest_first_with_office_status_percent_and_values(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    indicator = action.indicators[0]
    older = add_update(action, as_of=date(2025, 9, 1), status=ProgressStatus.ON_TRACK, percent=20, summary="Started.")
    newer = add_update(action, as_of=date(2025, 12, 1), status=ProgressStatus.AT_RISK, percent=45,
                       summary="Fewer drivers.", values={indicator: (80, "passes", "")})

    html = page(client, f"/progress/actions/{action.id}")

    assert html.index(f'id="update-{newer.id}"') < html.index(f'id="update-{older.id}"')
    history = html[html.index(f'id="update-{newer.id}"'):html.index(f'id="update-{older.id}"')]
    assert "December 1, 2025" in history and "Transportation" in history
    assert "At risk" in history and "45% complete" in history
    assert "Fewer drivers." in history
    assert "<dt>Passes handed out</dt><dd>80 passes</dd>" in history


def test_update_summary_is_escaped_and_keeps_its_line_breaks(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    add_update(action, summary="First line <script>alert(1)</script>\nSecond line",
               evidence_kind=EvidenceKind.LINK, evidence_url="https://example.org/report\"onmouseover=x",
               evidence_title="<b>Report</b>")

    html = page(client, f"/progress/actions/{action.id}")

    assert "<script>alert(1)</script>" not in html
    assert '<p class="tracker-summary">First line &lt;script&gt;alert(1)&lt;/script&gt;\nSecond line</p>' in html
    assert "<b>Report</b>" not in html and "&lt;b&gt;Report&lt;/b&gt;" in html
    assert 'href="https://example.org/report&#34;onmouseover=x"' in html


def test_evidence_link_other_than_http_is_not_shown(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    add_update(action, evidence_kind=EvidenceKind.LINK, evidence_url="javascript:alert(1)", evidence_title="Proof")

    html = page(client, f"/progress/actions/{action.id}")

    assert "javascript:" not in html and "Proof" not in html


def test_spanish_readers_get_the_spanish_summary_when_there_is_one(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    add_update(action, as_of=date(2025, 9, 1), summary="Only English.")
    add_update(action, as_of=date(2025, 10, 1), summary="In English.", summary_es="En español.")

    spanish = page(client, f"/progress/actions/{action.id}", headers={"Accept-Language": "es"})
    english = page(client, f"/progress/actions/{action.id}", headers={"Accept-Language": "en"})

    assert '<p class="tracker-summary">En español.</p>' in spanish and "In English." not in spanish
    assert '<p class="tracker-summary" lang="en">Only English.</p>' in spanish
    assert "In English." in english and "En español." not in english


@pytest.mark.parametrize(("role", "shown"), [("anonymous", False), ("participant", False), ("host", False),
                                             ("moderator", False), ("leader", True), ("admin", True)])
def test_post_an_update_link_only_for_people_who_may(client_as, users, role, shown):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    html = page(client_as(role), f"/progress/actions/{action.id}")
    assert ("Post an update" in html) is shown


def test_office_member_sees_post_an_update_on_their_office_actions(app, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    office = Organization(name="transportation", kind=OrganizationKind.DISTRICT_OFFICE)
    db.session.add(office)
    member = make_user(email="driver@example.org")
    db.session.add(Membership(user_id=member.id, organization=office))
    db.session.commit()
    client = app.test_client()
    from tests.support.web import log_in
    assert log_in(client, member.email).status_code == 302

    assert "Post an update" in page(client, f"/progress/actions/{action.id}")


def test_action_page_without_updates_says_so_and_has_its_feed_and_follow_form(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    html = page(client, f"/progress/actions/{action.id}")
    assert "The responsible office has not posted an update yet." in html
    assert f'href="/progress/actions/{action.id}/feed.atom"' in html
    assert f'name="action_id" value="{action.id}"' in html


# Query counts ---------------------------------------------------------------------------------


def grow(plan, leader, *, actions: int, updates_per_action: int) -> None:
    """More actions (republished) and more updates with metric values on each."""
    section = plan.sections[0]
    start = len(section.actions)
    for n in range(actions):
        action = PlanAction(position=start + n, number=f"1.{start + n + 1}", title=f"Grown {n}",
                            responsible_office=f"Office {n % 3}")
        action.indicators = [PlanIndicator(position=0, text="Count", deadline=PAST if n % 2 else FUTURE),
                             PlanIndicator(position=1, text="Share", deadline=FUTURE)]
        section.actions.append(action)
    db.session.commit()
    plans.publish_version(leader, plan, status=PlanStatus.FINAL)
    for action in actions_of(plan):
        for k in range(updates_per_action):
            add_update(action, as_of=date(2025, 9, 1) + timedelta(days=k), percent=10 + k,
                       values={ind: (k, "x", "") for ind in action.indicators})


def queries_for(client, path: str) -> int:
    db.session.expire_all()
    with count_queries() as counter:
        assert client.get(path).status_code == 200, path
    return counter.count


@pytest.mark.parametrize("page_name", ["index", "plan", "filtered", "action", "plan feed", "action feed"])
def test_query_count_stays_flat_as_actions_and_updates_grow(client, users, page_name):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    paths = {
        "index": "/progress/",
        "plan": f"/progress/plans/{plan.id}",
        "filtered": f"/progress/plans/{plan.id}?status=on_track&office=Transportation",
        "action": f"/progress/actions/{action.id}",
        "plan feed": f"/progress/plans/{plan.id}/feed.atom",
        "action feed": f"/progress/actions/{action.id}/feed.atom",
    }
    add_update(action, values={action.indicators[0]: (1, "x", "")})
    few = queries_for(client, paths[page_name])
    grow(plan, users["leader"], actions=12, updates_per_action=3)
    many = queries_for(client, paths[page_name])
    assert many == few, f"{page_name}: {few} queries with few rows, {many} with many"


def test_evidence_file_links_to_its_download_with_type_and_size(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    update = add_update(action, evidence_kind=EvidenceKind.FILE, evidence_stored_name="a1b2c3.pdf",
                        evidence_filename="minutes.pdf", evidence_content_type="application/pdf",
                        evidence_size_bytes=2048)

    html = page(client, f"/progress/actions/{action.id}")

    assert f'<a href="/progress/evidence/{update.id}">minutes.pdf</a>' in html
    assert "(PDF, 2 KB)" in html


def test_long_history_is_paged_newest_first(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    made = [add_update(action, as_of=date(2025, 1, 1) + timedelta(days=n), summary=f"Week {n}") for n in range(30)]

    first = page(client, f"/progress/actions/{action.id}")
    second = page(client, f"/progress/actions/{action.id}?page=2")

    assert first.count('class="tracker-update"') == 25 and second.count('class="tracker-update"') == 5
    assert f'id="update-{made[-1].id}"' in first and f'id="update-{made[4].id}"' not in first
    assert f'id="update-{made[4].id}"' in second and f'id="update-{made[5].id}"' not in second
    assert f'href="/progress/actions/{action.id}?page=2#history-title">Older updates' in first
    assert f'href="/progress/actions/{action.id}?page=1#history-title">Newer updates' in second
    assert "Older updates</a>" not in second


@pytest.mark.parametrize("query", ["page=abc", "page=-3", "page=0", "page=99999999999999999999"])
def test_bad_history_page_is_the_first_page(client, users, query):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    update = add_update(action)
    assert f'id="update-{update.id}"' in page(client, f"/progress/actions/{action.id}?{query}")


def test_history_page_past_the_end_says_so(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    add_update(action)
    assert "There are no older updates." in page(client, f"/progress/actions/{action.id}?page=7")


def test_an_untitled_action_is_named_by_its_description_cut_at_a_word(app):
    from engage.tracker.listing import ActionText

    description = "Provide district-wide training for every principal and teacher on culturally responsive practice"
    with app.test_request_context():
        heading = ActionText(number="", title="", description=description, office="").heading
    assert heading.endswith("…") and len(heading) <= 90
    assert description.startswith(heading.removesuffix("…").rstrip())
    assert heading.removesuffix("…").rstrip().split()[-1] in description.split()
