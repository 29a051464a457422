"""The hosts' toolkit: printables made from the plan a session covers, who may open them,
and the toolkit page with its shared links (file uploads: test_toolkit_uploads.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from engage.audit.models import AuditEvent
from engage.conversations import toolkit
from engage.conversations.models import NoteEntry, RegistrationStatus, SessionStatus, ToolkitResource
from engage.conversations.translatable import resource_document
from engage.extensions import db
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from engage.translation import services as translation
from tests.conversations.factories import add_registration, make_session
from tests.plans.factories import make_plan
from tests.support.people import make_organization, make_user
from tests.support.queries import count_queries
from tests.support.web import post_form

TOOLKIT = "/conversations/toolkit"
PRINTABLES = ("guide", "sign-in-sheet", "comment-cards")
LONG_INTRO = (
    "This part of the plan describes how every school will build lasting partnerships with families "
    "through regular listening sessions, home visits, shared decision making, interpretation at every "
    "meeting, and clear information about how each student is doing in class and what support is available "
    "to them and their families throughout the whole school year. A second sentence follows."
)


def published_plan(users, *, sections: int = 3, **kwargs):
    """A plan with numbered actions and intros, published once (the printables read the published version)."""
    plan = make_plan(sections=sections, **kwargs)
    for s, section in enumerate(plan.sections, start=1):
        section.intro = f"Section {s} is about families. It has a second sentence. And a third one."
        for a, action in enumerate(section.actions, start=1):
            action.number = f"{s}.{a}"
    db.session.commit()
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    return plan


def section_keys(plan):
    return [section.key for section in plan.sections]


def host_session(users, **fields):
    """A session of the host's organization ("Hosting PTO")."""
    return make_session(organization=users["host"].memberships[0].organization, **fields)


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def guide_of(client, session) -> str:
    return page(client, f"/conversations/{session.id}/toolkit/guide")


# Plain-language summaries -----------------------------------------------------------


def test_summary_keeps_the_first_two_sentences_when_they_fit():
    assert toolkit.plain_summary("One thing. Two things! Three things?") == "One thing. Two things!"


def test_summary_cuts_a_long_sentence_between_words_never_inside_one():
    summary = toolkit.plain_summary(LONG_INTRO, limit=100)
    assert summary.endswith("…") and len(summary) <= 101
    # What is kept is the text's beginning, and the character after it ends a word.
    assert LONG_INTRO.startswith(summary[:-1])
    assert LONG_INTRO[len(summary) - 1] in " ,"


def test_truncation_keeps_an_overlong_first_word_whole():
    assert toolkit.truncate_words("https://example.org/a/very/long/address and more", 10) == \
        "https://example.org/a/very/long/address…"


def test_summary_reads_plan_markup_as_plain_words():
    text = "We will **listen** first:\n- home visits\n- listening sessions\n\nThen we act."
    assert toolkit.plain_summary(text) == "We will listen first: home visits; listening sessions Then we act."


def test_sentences_do_not_end_after_abbreviations():
    assert toolkit.sentences("Families, e.g. parents and guardians, come first. Then staff.") == [
        "Families, e.g. parents and guardians, come first.", "Then staff."]


# Discussion guide ---------------------------------------------------------------------


def test_guide_shows_the_chosen_sections_in_the_hosts_order(client_as, users):
    plan = published_plan(users)
    keys = section_keys(plan)
    session = host_session(users, plan_id=plan.id, section_keys=[keys[2], keys[0]])
    html = guide_of(client_as("host"), session)
    assert html.index("3. Goal 3") < html.index("1. Goal 1")
    assert "2. Goal 2" not in html


def test_guide_without_chosen_sections_covers_every_section(client_as, users):
    plan = published_plan(users)
    html = guide_of(client_as("host"), host_session(users, plan_id=plan.id))
    assert all(f"{n}. Goal {n}" in html for n in (1, 2, 3))


def test_guide_summarises_each_section_and_lists_its_actions(client_as, users):
    plan = published_plan(users)
    html = guide_of(client_as("host"), host_session(users, plan_id=plan.id, section_keys=section_keys(plan)[:1]))
    assert "Section 1 is about families. It has a second sentence." in html
    assert "And a third one." not in html
    assert "Action 1.1" in html and "Action 1.2" in html
    assert "Offer bus passes to every family that asks." in html


def test_guide_cuts_a_long_section_intro_at_a_word_boundary(client_as, users):
    plan = make_plan(sections=1)
    plan.sections[0].intro = LONG_INTRO
    db.session.commit()
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    html = guide_of(client_as("host"), host_session(users, plan_id=plan.id))
    summary = re.search(r'class="guide-summary" lang="en">([^<]*)</p>', html).group(1)
    assert summary.endswith("…") and "A second sentence" not in summary
    assert LONG_INTRO.startswith(summary[:-1]) and LONG_INTRO[len(summary) - 1] in " ,"


def test_guide_suggests_questions_for_each_section_and_action(client_as, users):
    plan = published_plan(users, sections=1)
    html = guide_of(client_as("host"), host_session(users, plan_id=plan.id))
    for question in ("What stands out to you in this part of the plan?",
                     "What would make this work for your family or community?",
                     "What worries you, or what is missing?",
                     "For action 1.1: how would you know it is working?",
                     "For action 1.2: how would you know it is working?"):
        assert question in html


def test_guide_has_an_opening_and_a_closing_with_the_plan_link(client_as, users):
    plan = published_plan(users)
    html = guide_of(client_as("host"), host_session(users, plan_id=plan.id))
    for heading in ("Welcome", "Why we are here", "How we will talk together", "How your ideas will be used",
                    "Your privacy", "What happens next", "Keep giving feedback online"):
        assert f">{heading}</h4>" in html
    assert f'href="http://localhost/plans/{plan.id}"' in html


def test_guide_reads_the_published_plan_not_the_later_draft(client_as, users):
    plan = published_plan(users)
    plan.sections[0].title = "Unpublished new title"
    db.session.commit()
    html = guide_of(client_as("host"), host_session(users, plan_id=plan.id))
    assert "1. Goal 1" in html and "Unpublished new title" not in html


def test_guide_without_a_plan_is_a_general_guide(client_as, users):
    html = guide_of(client_as("host"), host_session(users))
    assert "What should the district do differently?" in html
    assert "The plan, part by part" not in html
    assert 'href="http://localhost/plans/"' in html


def test_guide_prints_one_copy_per_session_language(client_as, users):
    plan = published_plan(users)
    html = guide_of(client_as("host"), host_session(users, plan_id=plan.id, languages=("es", "en")))
    blocks = re.findall(r'<section class="print-block guide" lang="(\w+)"', html)
    assert blocks == ["es", "en"]
    # Each copy has the whole guide: its own questions and sections.
    assert html.count("1. Goal 1</span></h4>") == 2


def test_each_copy_of_the_guide_and_cards_reads_the_plan_in_its_language_where_translated(client_as, users):
    plan = published_plan(users)
    first, second = plan.sections[:2]
    translation.save_translations(None, plans.plan_document(plan), "es", {
        f"section:{first.key}.title": "Meta 1", f"section:{first.key}.intro": "La sección 1 trata de las familias."},
        publish=True)
    session = host_session(users, plan_id=plan.id, languages=("es", "en"))
    html = guide_of(client_as("host"), session)
    spanish, english = html.split('<section class="print-block guide" lang="en"')
    assert '<span lang="es">1. Meta 1</span>' in spanish
    assert '<p class="guide-summary" lang="es">La sección 1 trata de las familias.</p>' in spanish
    assert f'<span lang="en">2. {second.title}</span>' in spanish  # not translated: as written, tagged
    assert '<span lang="en">1. Goal 1</span>' in english and "Meta 1" not in english
    cards = page(client_as("host"), f"/conversations/{session.id}/toolkit/comment-cards")
    assert '<span lang="es">1. Meta 1</span>' in cards and '<span lang="en">1. Goal 1</span>' in cards


def test_guide_in_a_language_without_translation_falls_back_to_english_with_a_note(client_as, users):
    html = guide_of(client_as("host"), host_session(users, languages=("zh",)))
    assert re.findall(r'<section class="print-block guide" lang="(\w+)"', html) == ["en"]
    assert "This session is also held in Chinese" in html


def test_guide_prints_english_once_for_english_and_an_untranslated_language(client_as, users):
    html = guide_of(client_as("host"), host_session(users, languages=("en", "so", "es")))
    assert re.findall(r'<section class="print-block guide" lang="(\w+)"', html) == ["en", "es"]
    assert "This session is also held in Somali" in html


def test_guide_has_no_inline_scripts_or_styles(client_as, users):
    html = guide_of(client_as("host"), host_session(users, plan_id=published_plan(users).id))
    assert "style=" not in html and "onclick" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)


# Sign-in sheet ------------------------------------------------------------------------


def sheet_of(client, session) -> str:
    return page(client, f"/conversations/{session.id}/toolkit/sign-in-sheet")


def test_sign_in_sheet_lists_confirmed_registrants_only(client_as, users):
    session = host_session(users)
    add_registration(session, name="Ana Confirmed", party_size=3)
    add_registration(session, name="Will Waitlisted", status=RegistrationStatus.WAITLISTED)
    add_registration(session, name="Cam Cancelled", status=RegistrationStatus.CANCELLED)
    html = sheet_of(client_as("host"), session)
    assert "Ana Confirmed" in html and '<td class="col-party number">3</td>' in html
    assert "Will Waitlisted" not in html and "Cam Cancelled" not in html


def test_sign_in_sheet_has_blank_rows_for_walk_ins_after_the_registrants(client_as, users):
    session = host_session(users)
    add_registration(session, name="Ana Confirmed")
    html = sheet_of(client_as("host"), session)
    assert html.count('<tr class="registered">') == 1
    assert html.count('<tr class="blank">') == toolkit.SIGN_IN_BLANK_ROWS == 15
    assert html.index("Ana Confirmed") < html.index('<tr class="blank">')


def test_sign_in_sheet_leaves_registrants_contact_details_off_the_paper(client_as, users):
    session = host_session(users)
    add_registration(session, name="Ana Confirmed", email="ana@example.org", phone="555-0100")
    html = sheet_of(client_as("host"), session)
    assert "ana@example.org" not in html and "555-0100" not in html


def test_sign_in_sheet_headings_are_bilingual_for_an_english_and_spanish_session(client_as, users):
    html = sheet_of(client_as("host"), host_session(users, languages=("en", "es")))
    assert '<span lang="en">Name</span> / <span lang="es">Nombre</span>' in html


def test_sign_in_sheet_headings_follow_the_sessions_first_language(client_as, users):
    html = sheet_of(client_as("host"), host_session(users, languages=("es", "en")))
    assert '<span lang="es">Nombre</span> / <span lang="en">Name</span>' in html


def test_sign_in_sheet_of_a_one_language_session_has_one_language(client_as, users):
    html = sheet_of(client_as("host"), host_session(users, languages=("en", "so")))  # no Somali catalog
    assert '<span lang="en">Name</span></th>' in html and '<span lang="es">' not in html


def test_sign_in_sheet_runs_the_same_queries_however_many_registrants(client_as, users):
    session = host_session(users, capacity=200)
    client = client_as("host")

    def count_for(registrants: int) -> int:
        for n in range(registrants):
            add_registration(session, name=f"Person {n}")
        with count_queries() as counter:
            sheet_of(client, session)
        return counter.count

    assert count_for(2) == count_for(30)


# Comment cards ------------------------------------------------------------------------


def cards_of(client, session, query: str = "") -> str:
    return page(client, f"/conversations/{session.id}/toolkit/comment-cards{query}")


def test_comment_cards_list_the_sessions_plan_sections_to_tick(client_as, users):
    plan = published_plan(users)
    keys = section_keys(plan)
    html = cards_of(client_as("host"), host_session(users, plan_id=plan.id, section_keys=[keys[1], keys[2]]))
    assert "2. Goal 2" in html and "3. Goal 3" in html and "1. Goal 1" not in html
    assert "Something else" in html


def test_comment_card_fields_follow_the_bulk_entry_form_order(client_as, users):
    html = cards_of(client_as("host"), host_session(users, plan_id=published_plan(users).id))
    card = html[html.index('<article class="comment-card"'):html.index("</article>")]
    labels = ["Your comment", "Which part of the plan is it about?", "I am a…", "The language I speak at home",
              "My school"]
    positions = [card.index(f'<span class="card-number">{n}.</span> {label}') for n, label in enumerate(labels, 1)]
    assert positions == sorted(positions)
    assert [str(field.label) for field in toolkit.comment_card_fields()] == labels


def test_comment_card_fields_name_the_note_entry_columns_they_fill():
    assert [field.name for field in toolkit.comment_card_fields()] == [
        "text", "section_key", "relationship_to_district", "participant_language", "school_id"]
    assert all(hasattr(NoteEntry, field.name) for field in toolkit.comment_card_fields())


def test_comment_cards_print_one_set_per_session_language(client_as, users):
    html = cards_of(client_as("host"), host_session(users, languages=("en", "es")))
    assert re.findall(r'<section class="print-block card-set" lang="(\w+)"', html) == ["en", "es"]
    assert html.count('<article class="comment-card"') == 4  # one page of two cards each


def test_comment_cards_print_the_number_of_pages_asked_for(client_as, users):
    html = cards_of(client_as("host"), host_session(users), "?pages=3")
    assert html.count('<article class="comment-card"') == 6


def test_comment_cards_with_many_sections_print_one_card_per_page(client_as, users):
    plan = published_plan(users, sections=toolkit.CARDS_PER_PAGE_MAX_SECTIONS + 1, actions_per_section=1)
    html = cards_of(client_as("host"), host_session(users, plan_id=plan.id))
    assert html.count('<article class="comment-card"') == 1 and "card-page-1" in html


def test_comment_card_pages_are_kept_within_limits(client_as, users):
    html = cards_of(client_as("host"), host_session(users), "?pages=5000")
    assert html.count('<article class="comment-card"') == toolkit.MAX_CARD_PAGES * 2


# Who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize("printable", PRINTABLES)
@pytest.mark.parametrize("role, status", [
    ("host", 200), ("leader", 200), ("admin", 200),
    ("participant", 403), ("moderator", 403), ("anonymous", 302),
])
def test_printables_open_to_the_sessions_hosts_and_leaders(client_as, users, printable, role, status):
    session = host_session(users)
    assert client_as(role).get(f"/conversations/{session.id}/toolkit/{printable}").status_code == status


@pytest.mark.parametrize("printable", PRINTABLES)
def test_printables_of_another_organizations_session_are_refused_to_a_host(client_as, users, printable):
    other = make_session(organization=make_organization("Other PTO"))
    assert client_as("host").get(f"/conversations/{other.id}/toolkit/{printable}").status_code == 403


@pytest.mark.parametrize("printable", PRINTABLES)
def test_printables_of_a_missing_session_are_not_found(client_as, users, printable):
    assert client_as("leader").get(f"/conversations/999999/toolkit/{printable}").status_code == 404


@pytest.mark.parametrize("role, status", [
    ("host", 200), ("leader", 200), ("admin", 200), ("participant", 403), ("moderator", 403), ("anonymous", 302),
])
def test_toolkit_page_is_for_hosts_leaders_and_admins(client_as, role, status):
    assert client_as(role).get(TOOLKIT).status_code == status


@pytest.mark.parametrize("role, sees_form", [("host", False), ("leader", True), ("admin", True)])
def test_only_leaders_and_admins_see_the_form_to_share_a_resource(client_as, role, sees_form):
    assert ('action="/conversations/toolkit#add-resource"' in page(client_as(role), TOOLKIT)) is sees_form


@pytest.mark.parametrize("role", ["host", "participant", "moderator"])
def test_only_leaders_and_admins_add_resources(client_as, role):
    client = client_as(role)
    response = post_form(client, TOOLKIT, {"title": "Tips", "kind": "link", "url": "https://example.org"})
    assert response.status_code == 403
    assert db.session.query(ToolkitResource).count() == 0


@pytest.mark.parametrize("role, status", [("host", 403), ("participant", 403), ("leader", 302), ("admin", 302)])
def test_only_leaders_and_admins_remove_resources(client_as, users, role, status):
    resource = toolkit.add_link_resource(users["leader"], title="Tips", url="https://example.org/tips")
    response = post_form(client_as(role), f"{TOOLKIT}/{resource.id}/delete")
    assert response.status_code == status
    db.session.expire_all()
    assert (db.session.get(ToolkitResource, resource.id) is None) is (status == 302)


# The toolkit page ---------------------------------------------------------------------


def test_toolkit_links_to_the_printables_of_the_hosts_upcoming_sessions(client_as, users):
    mine = host_session(users, title="Our spring conversation")
    html = page(client_as("host"), TOOLKIT)
    assert "Our spring conversation" in html
    for printable in PRINTABLES:
        assert f'href="/conversations/{mine.id}/toolkit/{printable}"' in html


def test_toolkit_leaves_out_other_organizations_and_past_or_cancelled_sessions(client_as, users):
    make_session("Another PTO's session", organization=make_organization("Other PTO"))
    host_session(users, title="Last month's session", starts_in=timedelta(days=-30))
    host_session(users, title="Called-off session", status=SessionStatus.CANCELLED)
    html = page(client_as("host"), TOOLKIT)
    assert "Another PTO" not in html and "Last month" not in html and "Called-off" not in html
    assert "You have no upcoming sessions." in html


def test_leaders_see_every_upcoming_session_in_the_toolkit(client_as, users):
    make_session("Another PTO's session", organization=make_organization("Other PTO"))
    make_session("District session")
    html = page(client_as("leader"), TOOLKIT)
    assert "Another PTO&#39;s session" in html and "District session" in html


def test_toolkit_page_runs_the_same_queries_however_many_sessions_and_resources(client_as, users):
    client = client_as("leader")

    def count_for(rows: int) -> int:
        for n in range(rows):
            make_session(f"Session {n}", organization=make_organization(f"PTO {n}-{rows}"))
            toolkit.add_link_resource(users["leader"], title=f"Link {n}", url=f"https://example.org/{n}")
        with count_queries() as counter:
            page(client, TOOLKIT)
        return counter.count

    assert count_for(1) == count_for(12)


# Shared links ---------------------------------------------------------------------------


def share_link(client, **data):
    form = {"title": "Facilitation tips", "description": "", "language": "", "kind": "link", "url": "", **data}
    return post_form(client, TOOLKIT, form, form_page=TOOLKIT)


def test_a_leader_shares_a_link_every_host_sees(client_as, users):
    response = share_link(client_as("leader"), url="https://example.org/tips", language="es",
                          description="How to welcome families.")
    assert response.status_code == 302
    resource = db.session.query(ToolkitResource).one()
    assert (resource.kind, resource.url, resource.language) == ("link", "https://example.org/tips", "es")
    html = page(client_as("host"), TOOLKIT)
    assert 'href="https://example.org/tips" rel="noopener noreferrer nofollow"' in html
    assert "How to welcome families." in html and "In Spanish" in html


def test_a_host_reads_a_shared_resource_in_their_language_where_translated(client, client_as, users):
    resource = toolkit.add_link_resource(users["leader"], title="Facilitation tips", url="https://example.org/tips",
                                         description="How to welcome families.")
    translation.save_translations(None, resource_document(resource), "es", {"title": "Consejos para facilitar"},
                                  publish=True)
    host = client_as("host")
    html = host.get(TOOLKIT, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert re.search(r"<h3>\s*<a [^>]+>Consejos para facilitar</a>", html)
    assert '<div lang="en"><p>How to welcome families.</p></div>' in html
    assert "Esta parte aún no está traducida al español." in html


def test_sharing_a_link_is_audited(client_as, users):
    share_link(client_as("leader"), url="https://example.org/tips")
    event = db.session.query(AuditEvent).filter_by(action="toolkit.resource_added").one()
    assert event.actor_id == users["leader"].id and event.details["url"] == "https://example.org/tips"


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/file", "https://", "example.org/no-scheme", "https://exa mple.org",
])
def test_a_link_must_be_a_web_address(client_as, url):
    response = share_link(client_as("leader"), url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter a web address that starts with https:// (or http://)." in html
    assert db.session.query(ToolkitResource).count() == 0


def test_a_link_resource_needs_its_address(client_as):
    html = share_link(client_as("leader"), url="").get_data(as_text=True)
    assert "Please enter the web address of the resource." in html


def test_a_refused_resource_form_keeps_what_was_typed(client_as):
    html = share_link(client_as("leader"), title="", description="Kept description",
                      url="https://example.org/kept").get_data(as_text=True)
    assert "Please give the resource a title." in html
    assert "Kept description</textarea>" in html and 'value="https://example.org/kept"' in html


def test_removing_a_resource_is_audited(client_as, users):
    resource = toolkit.add_link_resource(users["leader"], title="Tips", url="https://example.org/tips")
    post_form(client_as("admin"), f"{TOOLKIT}/{resource.id}/delete")
    event = db.session.query(AuditEvent).filter_by(action="toolkit.resource_removed").one()
    assert (event.actor_id, event.target_id, event.details["title"]) == (users["admin"].id, resource.id, "Tips")


def test_removing_a_missing_resource_is_not_found(client_as):
    assert post_form(client_as("leader"), f"{TOOLKIT}/999999/delete").status_code == 404


def test_a_host_of_a_hosting_organization_without_a_role_uses_the_toolkit(client_as):
    member = make_user(email="new-host@example.org", organization=make_organization("New PTO"))
    assert toolkit.can_use_toolkit(member) and not toolkit.can_manage_toolkit(member)


def test_an_action_titled_with_the_start_of_its_description_is_said_once():
    action = toolkit._outline_action({"key": "a1", "number": "1", "title": "Publish an equity data dashboard that…",
                              "description": "Publish an equity data dashboard that shows attendance by school."})
    assert action.title == "Publish an equity data dashboard that shows attendance by school."
    assert action.summary == ""
