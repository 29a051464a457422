"""The survey builder: leaders write surveys, questions of every kind, and publish, close and copy them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.models import utcnow
from engage.permissions import PermissionDenied
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from engage.surveys import builder, services
from engage.surveys.models import (
    QuestionKind,
    Survey,
    SurveyAnonymity,
    SurveyAudience,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from engage.surveys.questions import DEFAULT_LIKERT_OPTIONS, PROFILE_PROMPTS
from engage.surveys.translatable import SurveyWording
from engage.translation.texts import Shown
from tests.plans.factories import make_plan
from tests.support.queries import count_queries
from tests.support.web import post_form
from tests.support.xss import PAYLOADS, active_content
from tests.surveys.factories import add_response, make_survey, question_of


def choice_rows(*labels: str) -> list[dict]:
    return [{"key": "", "label": label} for label in labels]


def draft(**fields) -> Survey:
    return make_survey(status=SurveyStatus.DRAFT, **fields)


def audit_rows(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def published_plan(leader):
    plan = make_plan()
    plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    return plan


def main_html(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


# Who may use the builder ------------------------------------------------------------

GET_PAGES = ["/surveys/manage", "/surveys/new", "/surveys/{survey}/edit",
             "/surveys/{survey}/questions/new?kind=single_choice", "/surveys/questions/{question}/edit"]
POST_ACTIONS = [("/surveys/{survey}/publish", {}), ("/surveys/{survey}/close", {}), ("/surveys/{survey}/reopen", {}),
                ("/surveys/{survey}/duplicate", {}), ("/surveys/{survey}/delete", {}),
                ("/surveys/questions/{question}/move", {"direction": "down"}),
                ("/surveys/questions/{question}/delete", {})]


@pytest.mark.parametrize("role", ["anonymous", "participant", "host", "moderator", "leader", "admin"])
def test_only_people_who_manage_surveys_reach_the_builder(client_as, role):
    client = client_as(role)
    expected = {"anonymous": 302, "leader": 200, "admin": 200}.get(role, 403)
    for page in GET_PAGES:
        survey = draft()
        path = page.format(survey=survey.id, question=survey.questions[1].id)
        response = client.get(path)
        assert response.status_code == expected, (role, path)
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
    for action, data in POST_ACTIONS:
        survey = draft()
        path = action.format(survey=survey.id, question=survey.questions[1].id)
        response = post_form(client, path, data)
        assert response.status_code == (302 if role in ("anonymous", "leader", "admin") else 403), (role, path)
        assert ("/login" in response.headers.get("Location", "")) == (role == "anonymous"), (role, path)


def test_services_refuse_people_who_do_not_manage_surveys(users):
    survey = draft()
    for role in ("participant", "host", "moderator"):
        with pytest.raises(PermissionDenied):
            builder.create_survey(users[role], title="Nope")
        with pytest.raises(PermissionDenied):
            builder.add_question(users[role], survey, QuestionKind.SHORT_TEXT, prompt="Nope")
        with pytest.raises(PermissionDenied):
            builder.publish_survey(users[role], survey)


def test_unknown_surveys_and_questions_are_404_and_bad_parameters_400(client_as):
    leader = client_as("leader")
    survey = draft()
    for path in ("/surveys/999999/edit", "/surveys/questions/999999/edit", "/surveys/999999/questions/new?kind=likert",
                 "/surveys/99999999999/edit"):
        assert leader.get(path).status_code == 404, path
    for path in ("/surveys/999999/publish", "/surveys/999999/delete", "/surveys/questions/999999/move"):
        assert post_form(leader, path, {"direction": "up"}).status_code == 404, path
    assert leader.get(f"/surveys/{survey.id}/questions/new?kind=essay").status_code == 400
    assert leader.get(f"/surveys/{survey.id}/questions/new").status_code == 400
    question = survey.questions[2]
    assert post_form(leader, f"/surveys/questions/{question.id}/move", {"direction": "sideways"}).status_code == 400


# Creating and editing a survey -------------------------------------------------------------


def test_a_leader_starts_a_survey_with_its_settings(client_as, users):
    plan = published_plan(users["leader"])
    response = post_form(client_as("leader"), "/surveys/new", {
        "title": "Bus times", "introduction": "Tell us.\n\nThanks.",
        "plan_id": str(plan.id), "opens_at": "2026-01-05T08:00", "closes_at": "2026-02-05T17:00",
        "audience": "signed_in", "anonymity": "anonymous", "paged": "y",
    }, form_page="/surveys/new")
    survey = db.session.scalar(select(Survey).where(Survey.title == "Bus times"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/surveys/{survey.id}/edit#questions")
    # 8:00 in Chicago (the test district's zone) in January is 14:00 UTC.
    assert survey.opens_at.replace(tzinfo=UTC) == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    assert (survey.status, survey.plan_id, survey.audience, survey.anonymity, survey.paged) == (
        SurveyStatus.DRAFT, plan.id, SurveyAudience.SIGNED_IN, SurveyAnonymity.ANONYMOUS, True)
    assert survey.created_by_id == users["leader"].id
    assert [e.target_id for e in audit_rows("survey.created")] == [survey.id]


def test_the_same_new_survey_form_sent_twice_makes_one_survey(client_as):
    leader = client_as("leader")
    for token in ("same-form", "same-form", "another-form"):
        post_form(leader, "/surveys/new", {"title": "Twice", "plan_id": "0", "audience": "anyone",
                                           "anonymity": "identified", "submission_token": token},
                  form_page="/surveys/new")
    assert db.session.scalars(select(Survey.submission_token).order_by(Survey.id)).all() == [
        "same-form", "another-form"]


def test_settings_errors_show_beside_fields_and_keep_what_was_typed(client_as):
    response = post_form(client_as("leader"), "/surveys/new", {
        "title": "x" * 201, "introduction": "Kept <intro>", "plan_id": "0",
        "opens_at": "2026-02-05T08:00", "closes_at": "2026-01-05T08:00", "audience": "everyone",
        "anonymity": "anonymous",
    }, form_page="/surveys/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please keep this under 200 characters." in html and 'value="xxxx' in html
    assert "The closing time must be after the opening time." in html and "Not a valid choice" in html
    assert "Kept &lt;intro&gt;" in html and 'value="2026-02-05T08:00"' in html and 'class="error-summary"' in html
    assert 'value="anonymous" checked' in html or 'checked id="anonymity-1"' in html
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_only_plans_with_a_published_version_can_be_linked(users):
    unpublished = make_plan(title="Unpublished")
    with pytest.raises(builder.InvalidSurveyChange) as refused:
        builder.create_survey(users["leader"], title="About a draft plan", plan_id=unpublished.id)
    assert refused.value.field == "plan_id"
    published = published_plan(users["leader"])
    survey = builder.create_survey(users["leader"], title="About the plan", plan_id=published.id)
    assert survey.plan_id == published.id


def test_a_leader_edits_the_settings_and_the_change_is_audited(client_as, users):
    survey = draft(opens_at=datetime(2026, 3, 1, 15, 0, tzinfo=UTC))
    leader = client_as("leader")
    page = f"/surveys/{survey.id}/edit"
    assert 'value="2026-03-01T09:00"' in leader.get(page).get_data(as_text=True)  # shown in Chicago time
    response = post_form(leader, page, {"title": "New title", "introduction": "", "plan_id": "0",
                                        "opens_at": "2026-03-01T09:00", "audience": "anyone",
                                        "anonymity": "identified"}, form_page=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert survey.title == "New title" and survey.introduction == ""
    (event,) = audit_rows("survey.updated")
    assert event.details["changes"]["title"] == ["Draft plan survey", "New title"]
    assert set(event.details["changes"]) == {"title", "introduction"}


# Questions of every kind -------------------------------------------------------------------


def test_a_leader_adds_a_choice_question_through_the_form_without_javascript(client_as):
    survey = draft(questions=[])
    leader = client_as("leader")
    page = f"/surveys/{survey.id}/questions/new?kind=multiple_choice"
    html = leader.get(page).get_data(as_text=True)
    assert html.count('name="options-') == 3 * 2  # three empty rows: key and wording
    response = post_form(leader, page, {
        "prompt": "Which buses?", "required": "y", "allow_other": "y",
        "options-0-key": "", "options-0-label": "Route 1",
        "options-1-key": "", "options-1-label": "",
        "options-2-key": "", "options-2-label": "Route 2",
    }, form_page=page)
    assert response.status_code == 302
    question = services.get_survey(survey.id).questions[0]
    assert [o["label"] for o in question.options] == ["Route 1", "Route 2"]
    assert (question.prompt, question.required, question.allow_other) == ("Which buses?", True, True)
    edit = leader.get(f"/surveys/questions/{question.id}/edit").get_data(as_text=True)
    assert edit.count('name="options-') == (2 + 3) * 2  # its options and three empty rows


def test_question_form_errors_keep_what_was_typed(client_as):
    survey = draft(questions=[])
    leader = client_as("leader")
    page = f"/surveys/{survey.id}/questions/new?kind=single_choice"
    response = post_form(leader, page, {"prompt": "Kept <prompt>", "options-0-label": "Only <one>",
                                        "options-1-label": "", "options-2-label": ""}, form_page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please give at least two options." in html and 'id="options-error"' in html
    assert "Kept &lt;prompt&gt;" in html and 'value="Only &lt;one&gt;"' in html
    response = post_form(leader, page, {"prompt": " ", "options-0-label": "x" * 301}, form_page=page)
    html = response.get_data(as_text=True)
    assert "Please write the question." in html and "Please keep each option under 300 characters." in html
    assert services.get_survey(survey.id).questions == []


def test_a_missing_question_and_too_few_options_are_reported_together(client_as):
    survey = draft(questions=[])
    leader = client_as("leader")
    page = f"/surveys/{survey.id}/questions/new?kind=multiple_choice"
    response = post_form(leader, page, {"prompt": "", "options-0-label": "Only one"}, form_page=page)
    html = response.get_data(as_text=True)
    assert "Please write the question." in html and "Please give at least two options." in html
    assert services.get_survey(survey.id).questions == []


def test_choice_options_need_two_keep_their_keys_and_are_removed_by_clearing(users):
    leader, survey = users["leader"], draft(questions=[])
    with pytest.raises(builder.InvalidSurveyChange) as refused:
        builder.add_question(leader, survey, QuestionKind.SINGLE_CHOICE, prompt="Pick", options=choice_rows("One"))
    assert refused.value.field == "options"
    with pytest.raises(builder.InvalidSurveyChange):
        builder.add_question(leader, survey, QuestionKind.SINGLE_CHOICE, prompt="Pick",
                             options=choice_rows("Same", "same"))
    question = builder.add_question(leader, survey, QuestionKind.SINGLE_CHOICE, prompt="Pick",
                                    options=choice_rows("One", "", "Two", "Three"))
    one, two, three = question.options
    assert len({one["key"], two["key"], three["key"]}) == 3
    builder.update_question(leader, question, options=[
        {"key": one["key"], "label": "One!"},
        {"key": two["key"], "label": ""},  # cleared: removed
        {"key": three["key"], "label": "Three"},
        {"key": "made-up", "label": "Four"},
    ])
    keys = [o["key"] for o in question.options]
    assert keys[:2] == [one["key"], three["key"]] and keys[2] not in {"made-up", one["key"], two["key"], three["key"]}
    assert question.options[0] == {"key": one["key"], "label": "One!"}


def test_likert_questions_always_have_five_points_with_editable_labels(users):
    leader, survey = users["leader"], draft(questions=[])
    question = builder.add_question(leader, survey, QuestionKind.LIKERT, prompt="Buses are on time.")
    assert question.options == DEFAULT_LIKERT_OPTIONS
    rows = [{"key": str(point), "label": f"Level {point}"} for point in range(1, 6)]
    builder.update_question(leader, question, options=[*rows[::-1], {"key": "6", "label": "Extra"}])
    assert [o["key"] for o in question.options] == ["1", "2", "3", "4", "5"]
    assert question.options[0] == {"key": "1", "label": "Level 1"}
    with pytest.raises(builder.InvalidSurveyChange):
        builder.update_question(leader, question, options=[{**rows[0], "label": ""}, *rows[1:]])


def test_rating_questions_label_their_two_ends_and_may_leave_them_empty(users):
    leader, survey = users["leader"], draft(questions=[])
    question = builder.add_question(leader, survey, QuestionKind.RATING, prompt="How likely?", allow_other=True)
    assert [o["key"] for o in question.options] == ["0", "10"] and question.allow_other is False
    builder.update_question(leader, question, options=[{"key": "0", "label": ""},
                                                       {"key": "10", "label": "Very likely"}])
    assert [o["label"] for o in question.options] == ["", "Very likely"]


def test_text_and_section_questions_have_no_options_and_headings_are_never_required(users):
    leader, survey = users["leader"], draft(questions=[])
    heading = builder.add_question(leader, survey, QuestionKind.SECTION, prompt="About buses", required=True,
                                   options=choice_rows("a", "b"))
    text = builder.add_question(leader, survey, QuestionKind.LONG_TEXT, prompt="Tell us more", required=True,
                                allow_other=True)
    assert (heading.required, heading.options) == (False, [])
    assert (text.required, text.allow_other, text.options) == (True, False, [])
    with pytest.raises(builder.InvalidSurveyChange) as refused:
        builder.add_question(leader, survey, QuestionKind.SECTION, prompt="  ")
    assert refused.value.field == "prompt"


def test_profile_questions_get_standard_prompts_and_come_once_each(users, client_as):
    leader, survey = users["leader"], draft(questions=[])
    question = builder.add_question(leader, survey, QuestionKind.PROFILE_SCHOOL, options=choice_rows("a", "b"))
    assert question.prompt == PROFILE_PROMPTS[QuestionKind.PROFILE_SCHOOL]
    assert question.options == []
    with pytest.raises(builder.InvalidSurveyChange):
        builder.add_question(leader, survey, QuestionKind.PROFILE_SCHOOL)
    assert QuestionKind.PROFILE_SCHOOL not in builder.addable_kinds(survey)
    leader = client_as("leader")
    html = leader.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert 'value="profile_school"' not in html and 'value="profile_language"' in html
    page = f"/surveys/{survey.id}/questions/new?kind=profile_school"
    response = post_form(leader, page, {"prompt": "Schools again?"}, form_page=page)
    assert response.status_code == 200 and "This survey already asks that." in response.get_data(as_text=True)
    assert len(services.get_survey(survey.id).questions) == 1


def test_a_question_can_ask_about_a_part_of_the_linked_plan(users, client_as):
    leader = users["leader"]
    plan = published_plan(leader)
    snapshot = plan.versions[-1].snapshot
    section_key, action_key = snapshot["sections"][0]["key"], snapshot["sections"][0]["actions"][1]["key"]
    unlinked = draft(questions=[])
    with pytest.raises(builder.InvalidSurveyChange) as refused:
        builder.add_question(leader, unlinked, QuestionKind.LONG_TEXT, prompt="Why?", section_key=section_key)
    assert refused.value.field == "anchor"
    survey = draft(questions=[], plan_id=plan.id)
    with pytest.raises(builder.InvalidSurveyChange):
        builder.add_question(leader, survey, QuestionKind.LONG_TEXT, prompt="Why?", section_key=section_key,
                             action_key="nope")
    page = f"/surveys/{survey.id}/questions/new?kind=long_text"
    client = client_as("leader")
    html = client.get(page).get_data(as_text=True)
    assert "Part of the plan this asks about" in html and "Goal 1 › 2. Action 1.2" in html
    post_form(client, page, {"prompt": "Why?", "anchor": f"{section_key}/{action_key}"}, form_page=page)
    question = services.get_survey(survey.id).questions[0]
    assert (question.section_key, question.action_key) == (section_key, action_key)
    assert "About: Goal 1 › 2. Action 1.2" in client.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    response = post_form(client, page, {"prompt": "Why not?", "anchor": "nope/nope"}, form_page=page)
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)


def test_linking_another_plan_drops_question_links_it_lacks(users):
    leader = users["leader"]
    plan = published_plan(leader)
    section_key = plan.versions[-1].snapshot["sections"][0]["key"]
    survey = draft(questions=[], plan_id=plan.id)
    question = builder.add_question(leader, survey, QuestionKind.LONG_TEXT, prompt="Why?", section_key=section_key)
    builder.update_survey(leader, survey, plan_id=None)
    assert (question.section_key, question.action_key) == (None, None)


def test_questions_move_up_and_down_and_are_deleted(client_as):
    survey = draft(questions=[])
    leader, first, second, third = client_as("leader"), *[
        SurveyQuestion(kind=QuestionKind.SHORT_TEXT, prompt=p, options=[]) for p in ("First", "Second", "Third")]
    survey.questions = [first, second, third]
    for position, question in enumerate(survey.questions):
        question.position = position
    db.session.commit()
    post_form(leader, f"/surveys/questions/{third.id}/move", {"direction": "up"})
    post_form(leader, f"/surveys/questions/{first.id}/move", {"direction": "up"})  # already first: stays
    db.session.expire_all()
    assert [q.prompt for q in services.get_survey(survey.id).questions] == ["First", "Third", "Second"]
    post_form(leader, f"/surveys/questions/{first.id}/delete")
    db.session.expire_all()
    questions = services.get_survey(survey.id).questions
    assert [(q.prompt, q.position) for q in questions] == [("Third", 0), ("Second", 1)]
    assert len(audit_rows("survey.question_moved")) == 1 and len(audit_rows("survey.question_deleted")) == 1


def test_the_same_question_sent_twice_is_added_once(client_as):
    survey = draft(questions=[])
    leader = client_as("leader")
    page = f"/surveys/{survey.id}/questions/new?kind=short_text"
    for token in ("same-form", "same-form", "another-form"):
        post_form(leader, page, {"prompt": "Your street", "submission_token": token}, form_page=page)
    assert [q.prompt for q in services.get_survey(survey.id).questions] == ["Your street", "Your street"]


def test_make_a_copy_pressed_twice_makes_one_copy(client_as):
    survey = make_survey()
    leader = client_as("leader")
    for _ in range(2):
        post_form(leader, f"/surveys/{survey.id}/duplicate", {"submission_token": "copy-once"},
                  form_page=f"/surveys/{survey.id}/edit")
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 2


# Once people have answered ------------------------------------------------------------------


def answered_survey(**fields) -> Survey:
    survey = make_survey(**fields)
    add_response(survey, {question_of(survey, QuestionKind.SINGLE_CHOICE): "a"})
    return survey


def test_questions_lock_once_people_have_answered(users):
    leader, survey = users["leader"], answered_survey()
    choice = question_of(survey, QuestionKind.SINGLE_CHOICE)
    with pytest.raises(builder.QuestionsLocked):
        builder.add_question(leader, survey, QuestionKind.SHORT_TEXT, prompt="Late question")
    with pytest.raises(builder.QuestionsLocked):
        builder.delete_question(leader, choice)
    with pytest.raises(builder.QuestionsLocked):
        builder.move_question(leader, choice, 1)
    with pytest.raises(builder.QuestionsLocked):
        builder.update_question(leader, choice, required=False)
    with pytest.raises(builder.QuestionsLocked) as refused:  # clearing an option removes it
        builder.update_question(leader, choice,
                                options=[*choice.options[:2], {"key": "c", "label": ""}])
    assert refused.value.field == "options"
    with pytest.raises(builder.QuestionsLocked):
        builder.update_question(leader, choice, options=[*choice.options, {"key": "", "label": "New"}])
    db.session.expire_all()
    assert len(services.get_survey(survey.id).questions) == 11 and len(choice.options) == 3


def test_wording_fixes_stay_possible_and_each_is_audited_with_old_and_new(client_as, users):
    survey = answered_survey()
    choice = question_of(survey, QuestionKind.SINGLE_CHOICE)
    leader = client_as("leader")
    page = f"/surveys/questions/{choice.id}/edit"
    html = leader.get(page).get_data(as_text=True)
    assert "People have answered" in html and "People must answer this question" not in html
    assert html.count('name="options-') == 3 * 2  # no empty rows
    form = {"prompt": "Which goal matters most to you?", "help_text": ""}
    for index, option in enumerate(choice.options):
        form |= {f"options-{index}-key": option["key"], f"options-{index}-label": option["label"]}
    form["options-1-label"] = "Option B, fixed"
    assert post_form(leader, page, form, form_page=page).status_code == 302
    db.session.expire_all()
    assert choice.prompt == "Which goal matters most to you?" and choice.options[1]["label"] == "Option B, fixed"
    assert choice.required is True and [o["key"] for o in choice.options] == ["a", "b", "c"]
    fixes = [e.details for e in audit_rows("survey.wording_fixed")]
    assert fixes == [
        {"question_id": choice.id, "field": "prompt", "old": "Which goal matters most?",
         "new": "Which goal matters most to you?"},
        {"question_id": choice.id, "field": "options.b.label", "old": "Option B", "new": "Option B, fixed"},
    ]
    # The Spanish of the fixed words is now out of date: still shown, and marked, until a translator updates it.
    spanish = SurveyWording([survey], "es")
    assert (spanish.prompt(choice), spanish.prompt(choice).shown) == ("ES: Which goal matters most?", Shown.OUT_OF_DATE)
    assert spanish.option(choice, choice.options[0]).shown == Shown.AS_WANTED


def test_the_edit_page_says_plainly_when_questions_are_locked(client_as):
    survey = answered_survey()
    html = unescape(client_as("leader").get(f"/surveys/{survey.id}/edit").get_data(as_text=True))
    assert "People have answered, so questions can't be added, removed or reordered." in html
    assert "You can still fix typos in the wording; each fix is recorded." in html
    assert "Move up" not in html and "Move down" not in html and "Add a question" not in html
    assert "Fix the wording" in html and "Delete this draft" not in html
    response = client_as("leader").get(f"/surveys/{survey.id}/questions/new?kind=short_text")
    assert response.status_code == 302


def test_anonymity_and_audience_cannot_change_after_people_answered(client_as, users):
    survey = answered_survey()
    with pytest.raises(builder.SettingLocked) as refused:
        builder.update_survey(users["leader"], survey, anonymity=SurveyAnonymity.ANONYMOUS)
    assert refused.value.field == "anonymity"
    with pytest.raises(builder.SettingLocked):
        builder.update_survey(users["leader"], survey, audience=SurveyAudience.SIGNED_IN)
    page = f"/surveys/{survey.id}/edit"
    response = post_form(client_as("leader"), page, {"title": "Renamed", "plan_id": "0", "audience": "anyone",
                                                     "anonymity": "anonymous"}, form_page=page)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "People have answered, so this can't change any more." in html
    assert 'id="anonymity-error"' in html
    db.session.expire_all()
    assert survey.anonymity == SurveyAnonymity.IDENTIFIED and survey.title == "Draft plan survey"
    builder.update_survey(users["leader"], survey, title="Renamed", closes_at=utcnow() + timedelta(days=3))
    assert survey.title == "Renamed"


def test_after_answers_the_plan_stays_linked_while_questions_ask_about_it(users):
    leader = users["leader"]
    plan, other = published_plan(leader), published_plan(leader)
    survey = answered_survey(plan_id=plan.id)
    builder.update_survey(leader, survey, plan_id=other.id)  # no question points into the plan yet
    question = question_of(survey, QuestionKind.LONG_TEXT)
    question.section_key = other.versions[-1].snapshot["sections"][0]["key"]
    db.session.commit()
    with pytest.raises(builder.SettingLocked) as refused:
        builder.update_survey(leader, survey, plan_id=plan.id)
    assert refused.value.field == "plan_id"
    db.session.expire_all()
    assert survey.plan_id == other.id and question.section_key is not None


# Publishing, closing, copying, deleting ------------------------------------------------------


def test_publishing_needs_a_question_people_can_answer(client_as, users):
    survey = draft(questions=[SurveyQuestion(kind=QuestionKind.SECTION, prompt="Only a heading", options=[])])
    leader = client_as("leader")
    response = post_form(leader, f"/surveys/{survey.id}/publish", follow_redirects=True)
    assert "Add at least one question people can answer before publishing." in response.get_data(as_text=True)
    db.session.expire_all()
    assert survey.status == SurveyStatus.DRAFT
    builder.add_question(users["leader"], survey, QuestionKind.SHORT_TEXT, prompt="Your idea")
    post_form(leader, f"/surveys/{survey.id}/publish")
    db.session.expire_all()
    assert survey.status == SurveyStatus.PUBLISHED and survey.published_at is not None
    assert services.survey_state(survey) == services.SurveyState.OPEN


def test_closing_keeps_the_responses_and_reopening_takes_more(client_as, users):
    survey = answered_survey(closes_at=utcnow() + timedelta(days=1))
    leader = client_as("leader")
    post_form(leader, f"/surveys/{survey.id}/close")
    db.session.expire_all()
    assert survey.status == SurveyStatus.CLOSED and survey.closed_at is not None
    assert services.response_counts([survey.id]) == {survey.id: 1}
    html = leader.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert "Its results stay." in html and "Reopen" in html
    survey.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    post_form(leader, f"/surveys/{survey.id}/reopen")
    db.session.expire_all()
    assert survey.status == SurveyStatus.PUBLISHED and survey.closes_at is None
    assert services.survey_state(survey) == services.SurveyState.OPEN
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_a_copy_is_a_draft_with_the_same_settings_and_questions_and_no_responses(client_as):
    survey = answered_survey(anonymity=SurveyAnonymity.ANONYMOUS, opens_at=utcnow() - timedelta(days=3))
    response = post_form(client_as("leader"), f"/surveys/{survey.id}/duplicate")
    copy = db.session.scalar(select(Survey).where(Survey.id != survey.id))
    assert response.headers["Location"].endswith(f"/surveys/{copy.id}/edit")
    assert (copy.title, copy.status) == ("Copy of Draft plan survey", SurveyStatus.DRAFT)
    assert (copy.anonymity, copy.introduction, copy.opens_at) == (SurveyAnonymity.ANONYMOUS, survey.introduction, None)
    assert [(q.kind, q.prompt, q.options, q.required) for q in copy.questions] == [
        (q.kind, q.prompt, q.options, q.required) for q in survey.questions]
    assert not services.has_responses(copy) and services.has_responses(survey)
    assert audit_rows("survey.duplicated")[0].details == {"from_survey_id": survey.id}
    # The questions keep their translations; the new title is new words.
    spanish, choice = SurveyWording([copy], "es"), question_of(copy, QuestionKind.SINGLE_CHOICE)
    assert (spanish.prompt(choice), spanish.option(choice, choice.options[0])) == (
        "ES: Which goal matters most?", "Opción A")
    assert spanish.title(copy).shown == Shown.ORIGINAL


def test_only_drafts_nobody_answered_can_be_deleted(client_as, users):
    published = make_survey()
    leader = client_as("leader")
    response = post_form(leader, f"/surveys/{published.id}/delete", follow_redirects=True)
    assert "Only a draft nobody has answered can be deleted." in response.get_data(as_text=True)
    assert db.session.get(Survey, published.id) is not None
    survey = draft()
    response = post_form(leader, f"/surveys/{survey.id}/delete")
    assert response.headers["Location"].endswith("/surveys/manage")
    assert db.session.get(Survey, survey.id) is None and len(audit_rows("survey.deleted")) == 1


# The list of surveys -----------------------------------------------------------------------


def test_the_manage_page_lists_every_survey_with_its_state_and_responses(client_as):
    answered_survey(title="Open one")
    draft(title="Still a draft")
    make_survey(title="Later one", opens_at=utcnow() + timedelta(days=2))
    html = client_as("leader").get("/surveys/manage").get_data(as_text=True)
    for text in ("Open one", "Still a draft", "Later one", "Draft", "Scheduled", "Open"):
        assert text in html
    assert '<td class="number">1</td>' in html


def test_hostile_titles_and_prompts_render_as_text(client_as, users):
    survey = draft(title=PAYLOADS[0][:200])
    survey.questions[1].prompt = " ".join(PAYLOADS)
    survey.questions[1].options[0]["label"] = PAYLOADS[2]
    survey.questions[1].help_text = PAYLOADS[9]
    db.session.commit()
    leader = client_as("leader")
    for path in ("/surveys/manage", f"/surveys/{survey.id}/edit", f"/surveys/questions/{survey.questions[1].id}/edit"):
        response = leader.get(path)
        assert response.status_code == 200
        assert active_content(main_html(response)) == [], path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in leader.get("/surveys/manage").get_data(as_text=True)


def test_the_manage_page_runs_a_fixed_number_of_queries(client_as):
    leader = client_as("leader")

    def add_surveys(how_many: int) -> None:
        for _ in range(how_many):
            add_response(make_survey(), {})

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert leader.get("/surveys/manage").status_code == 200
        return counter.count

    add_surveys(3)
    few = queries()
    add_surveys(27)
    assert queries() == few
