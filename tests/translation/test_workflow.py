"""A translator finds what needs translating, translates a section beside its source and
publishes it; readers then read it in their language, and the rest is marked. Translations
belong to the words they translate: a changed source leaves them out of date, and a published
version keeps the translations of its own words."""

from __future__ import annotations

import re

import pytest

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.plans import services as plans
from engage.permissions import PermissionDenied
from engage.plans.models import PlanStatus
from engage.translation.forms import field_name
from engage.translation.models import ContentTranslation
from tests.plans.factories import make_plan
from tests.support.queries import count_queries
from tests.support.web import post_form
from tests.translation.factories import translate_plan, translate_whole_plan


def _main(client, path, language="es"):
    html = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


def _group_form(client, plan, group, language="es"):
    page = client.get(f"/translate/{language}/plan:{plan.id}/part/{group}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(t_[0-9a-f]+_source)"[^>]*value="([0-9a-f]+)"', page))
    fields |= {name: value for value, name in re.findall(r'value="([0-9a-f]+)"[^>]*name="(t_[0-9a-f]+_source)"', page)}
    return page, fields


def test_a_translator_finds_translates_and_publishes_a_section(client_as, client, users):
    plan = make_plan("Family Engagement Plan", sections=2, actions_per_section=1)
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    translator = client_as("translator")

    listing = translator.get("/translate/?language=es").get_data(as_text=True)
    assert f'href="/translate/es/plan:{plan.id}"' in listing
    document = translator.get(f"/translate/es/plan:{plan.id}").get_data(as_text=True)
    section = plan.sections[0]
    assert f"/translate/es/plan:{plan.id}/part/section:{section.key}" in document

    group = f"section:{section.key}"
    page, sources = _group_form(translator, plan, group)
    # The source beside each box, in its language; each box in the translation's.
    assert '<div class="source-text"><p>Goal 1</p></div>' in page  # an English page: the source needs no tag
    assert 'lang="es"' in page and len(sources) == 7  # section title; action title, description, office; indicator
    action = section.actions[0]
    texts = {field_name(f"section:{section.key}.title"): "Meta 1",
             field_name(f"action:{action.key}.title"): "Acción 1.1",
             field_name(f"action:{action.key}.description"): "Ofrecer pases de autobús a cada familia que los pida."}
    response = post_form(translator, f"/translate/es/plan:{plan.id}/part/{group}", {**sources, **texts, "publish": "1"},
                         form_page=f"/translate/es/plan:{plan.id}/part/{group}")
    assert response.status_code == 302

    main = _main(client, f"/plans/{plan.id}")
    assert re.search(r'<h2 id="section-[^"]+-title">Meta 1</h2>', main)  # Spanish on a Spanish page: no lang
    assert "<span>Acción 1.1</span>" in main
    assert re.search(r'<h2 id="section-[^"]+-title" lang="en">Goal 2</h2>', main)  # not translated: tagged
    assert main.count('class="translation-mark"') >= 2  # the action's untranslated office, and goal 2
    assert 'class="notice untranslated"' in main
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "translation.published")).all()
    assert [(e.actor_id, e.details["language"], e.details["count"]) for e in events] == [(users["translator"].id, "es", 3)]


def test_drafts_are_not_shown_to_readers_until_published(client_as, client, users):
    plan = make_plan(sections=1, actions_per_section=1)
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    translate_plan(users["translator"], plan, "es", {"title": "Plan de participación"}, publish=False)
    assert "Plan de participación" not in _main(client, f"/plans/{plan.id}")
    post_form(client_as("translator"), f"/translate/es/plan:{plan.id}/publish", form_page=f"/translate/es/plan:{plan.id}")
    assert '<h1>Plan de participación</h1>' in _main(client, f"/plans/{plan.id}")


def test_a_fully_translated_plan_reads_without_notice_or_tags(client, users):
    plan = make_plan(sections=2, actions_per_section=2)
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    translate_whole_plan(users["translator"], plan, "es")
    main = _main(client, f"/plans/{plan.id}")
    assert "<h1>ES Family Engagement Plan</h1>" in main
    assert ' lang="en"' not in main and "translation-mark" not in main and "untranslated" not in main


def test_a_translation_goes_out_of_date_when_its_source_changes_and_a_version_keeps_its_own(client_as, client, users):
    leader = users["leader"]
    plan = make_plan(sections=1, actions_per_section=1)
    plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    section = plan.sections[0]
    translate_plan(users["translator"], plan, "es", {f"section:{section.key}.title": "Meta 1"})

    plans.save_section(leader, plan, section, title="Goal 1: families first", intro="")
    page = client_as("translator").get(f"/translate/es/plan:{plan.id}/part/section:{section.key}").get_data(as_text=True)
    assert "Out of date" in page and "The original this translation was made from" in page
    # Version 1's words did not change: its translation stands.
    assert re.search(r'<h2 id="section-[^"]+-title">Meta 1</h2>', _main(client, f"/plans/{plan.id}"))

    plans.publish_version(leader, plan, status=PlanStatus.REVISED_DRAFT)
    latest = _main(client, f"/plans/{plan.id}")
    assert re.search(r'<h2 id="section-[^"]+-title">Meta 1</h2>\s*<p class="translation-mark">', latest)
    assert re.search(r'<h2 id="section-[^"]+-title">Meta 1</h2>', _main(client, f"/plans/{plan.id}?version=1"))
    assert "translation-mark" not in _main(client, f"/plans/{plan.id}?version=1").split("Meta 1")[1][:80]

    translate_plan(users["translator"], plan, "es", {f"section:{section.key}.title": "Meta 1: las familias primero"})
    assert "Meta 1: las familias primero" in _main(client, f"/plans/{plan.id}")
    assert "Meta 1: las familias primero" not in _main(client, f"/plans/{plan.id}?version=1")


def test_the_comparison_of_versions_works_in_the_reader_s_language(client, users):
    leader = users["leader"]
    plan = make_plan(sections=1, actions_per_section=1)
    action = plan.sections[0].actions[0]
    plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    path = f"action:{action.key}.description"
    translate_plan(users["translator"], plan, "es", {path: "Ofrecer pases de autobús."})
    plans.save_action(leader, plan, action.section, action, number=action.number, title=action.title,
                      description="Offer bus passes and a late bus.", responsible_office=action.responsible_office,
                      months=list(action.months), indicators=[])
    translate_plan(users["translator"], plan, "es", {path: "Ofrecer pases de autobús y un autobús tarde."})
    plans.publish_version(leader, plan, status=PlanStatus.REVISED_DRAFT)
    compared = _main(client, f"/plans/{plan.id}/compare?from=1&to=2")
    assert "<ins>y un autobús tarde.</ins>" in compared.replace("\n", "") or "autobús tarde" in compared
    assert "bus passes and a late bus" not in compared


def test_publishing_needs_the_required_translations_or_says_one_is_coming(app, monkeypatch, client_as, client, users):
    monkeypatch.setitem(app.config, "TRANSLATIONS_REQUIRED", "es")
    plan = make_plan(sections=1, actions_per_section=1)
    leader = client_as("leader")
    preview = f"/plans/{plan.id}/preview"
    assert "passages to translate" in leader.get(preview).get_data(as_text=True)

    refused = post_form(leader, f"/plans/{plan.id}/publish", {"status": "draft"}, form_page=preview)
    assert refused.status_code == 200 and "Translations are missing" in refused.get_data(as_text=True)
    assert plan.versions == []

    post_form(leader, f"/plans/{plan.id}/publish", {"status": "draft", "translation_coming": "y"}, form_page=preview)
    db.session.refresh(plan)
    assert [v.translation_coming for v in plan.versions] == [["es"]]
    assert "Pronto habrá una traducción al español." in _main(client, f"/plans/{plan.id}", "es")

    translate_whole_plan(users["translator"], plan, "es")
    assert post_form(leader, f"/plans/{plan.id}/publish", {"status": "draft"}, form_page=preview).status_code == 302
    db.session.refresh(plan)
    assert plan.versions[-1].translation_coming == []


def test_the_same_translation_sent_twice_is_stored_once(client_as, users):
    plan = make_plan(sections=1, actions_per_section=1)
    translator = client_as("translator")
    path = f"/translate/es/plan:{plan.id}/part/plan"
    _page, sources = _group_form(translator, plan, "plan")
    data = {**sources, field_name("title"): "Plan de participación", "publish": "1"}
    post_form(translator, path, data, form_page=path)
    post_form(translator, path, data, form_page=path)
    assert db.session.scalar(db.select(db.func.count()).select_from(ContentTranslation)) == 1


def test_a_translation_too_long_is_refused_and_what_was_typed_comes_back(client_as):
    plan = make_plan(sections=1, actions_per_section=1)
    translator = client_as("translator")
    path = f"/translate/es/plan:{plan.id}/part/plan"
    _page, sources = _group_form(translator, plan, "plan")
    too_long = "Plan " * 5000
    response = post_form(translator, path, {**sources, field_name("title"): too_long, field_name("summary"): "Por qué"},
                         form_page=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Please keep this under" in page and "Por qué" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(ContentTranslation)) == 0


@pytest.mark.parametrize("path", ["/plans/{id}", "/plans/{id}/compare?from=1&to=2", "/translate/es/plan:{id}",
                                  "/translate/?language=es"])
def test_translated_pages_run_the_same_queries_however_big_the_plan(app, client_as, users, path):
    translator = client_as("translator")

    def queries(sections: int) -> int:
        plan = make_plan(sections=sections, actions_per_section=3)
        plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
        translate_whole_plan(users["translator"], plan, "es")
        plans.publish_version(users["leader"], plan, status=PlanStatus.REVISED_DRAFT)
        with count_queries() as counted:
            assert translator.get(path.format(id=plan.id), headers={"Accept-Language": "es"}).status_code == 200
        return counted.count

    assert queries(1) == queries(8)


def test_a_translation_with_markup_is_shown_as_text(client, users):
    plan = make_plan(sections=1, actions_per_section=1)
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    translate_plan(users["translator"], plan, "es", {"title": '<script>alert("x")</script>',
                                                     "summary": '<img src=x onerror="alert(1)"> **Por qué**'})
    main = _main(client, f"/plans/{plan.id}")
    assert "<script>" not in main and "<img" not in main
    assert "&lt;script&gt;" in main and "<strong>Por qué</strong>" in main


@pytest.mark.parametrize("path", ["/translate/en/plan:{id}", "/translate/xx/plan:{id}", "/translate/es/plan:999999",
                                  "/translate/es/nothing:{id}", "/translate/es/plan:{id}/part/section:nope",
                                  *(f"/translate/es/{kind}:99999999999999999999999" for kind in
                                    ("plan", "survey", "session", "resource", "update", "theme", "outcome")),
                                  "/translate/es/survey:99999999999999999999999.po"])
def test_no_such_language_document_or_part_is_a_404(client_as, path):
    plan = make_plan(sections=1, actions_per_section=1)
    assert client_as("translator").get(path.format(id=plan.id)).status_code == 404


def test_saving_translations_into_the_source_language_is_refused_by_the_service(users):
    plan = make_plan(sections=1, actions_per_section=1)
    with pytest.raises(ValueError):
        translate_plan(users["translator"], plan, "en", {"title": "Same words"})


@pytest.mark.parametrize("role", ["participant", "host", "moderator"])
def test_only_translators_leaders_and_administrators_may_translate(users, role):
    plan = make_plan(sections=1, actions_per_section=1)
    with pytest.raises(PermissionDenied):
        translate_plan(users[role], plan, "es", {"title": "Plan"})
    translate_plan(users["leader"], plan, "es", {"title": "Plan de la líder"})
