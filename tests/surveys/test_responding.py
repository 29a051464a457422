"""Answering surveys: the form on one page or several, checks, drafts, one response each, anonymity."""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import secrets
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, inspect, select

from engage.accounts.models import ParticipantProfile
from engage.extensions import db
from engage.models import utcnow
from engage.plans.services import publish_version
from engage.surveys import responding
from engage.surveys.models import (
    OTHER_OPTION_KEY,
    QuestionKind,
    SurveyAnonymity,
    SurveyAnswer,
    SurveyAudience,
    SurveyDraft,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from engage.surveys.questions import PROFILE_PROMPTS, default_options
from engage.surveys.response_views import BROWSER_COOKIE
from tests.plans.factories import make_plan
from tests.support.queries import count_queries
from tests.support.web import post_form
from tests.surveys.factories import add_response, every_kind_of_question, make_school, make_survey, question_of

K = QuestionKind
_TOKEN = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="(q\d+(?:_other)?)" value="([^"]*)">')


def path(survey) -> str:
    return f"/surveys/{survey.id}"


def q(survey, kind: str) -> str:
    return f"q{question_of(survey, kind).id}"


def token_on(page: str) -> str:
    match = _TOKEN.search(page)
    assert match, "no submission token on the page"
    return match.group(1)


def token_or_new(page: str) -> str:
    match = _TOKEN.search(page)
    return match.group(1) if match else secrets.token_urlsafe(12)


def carried(page: str) -> list[tuple[str, str]]:
    return [(name, html_lib.unescape(value)) for name, value in _HIDDEN.findall(page)]


def required_answers(survey) -> dict:
    return {q(survey, K.SINGLE_CHOICE): "a", q(survey, K.LIKERT): "4"}


def send(client, survey, answers: dict | None = None, *, nav: str = "submit", page: int = 1, token: str | None = None,
         extra: list[tuple[str, str]] = ()):
    """Open the survey like a browser, then post the form with these answers."""
    form_page = client.get(path(survey)).get_data(as_text=True)
    data = {"submission_token": token or token_or_new(form_page), "nav": nav, "page": str(page),
            **(required_answers(survey) if answers is None else answers)}
    if extra:
        from werkzeug.datastructures import MultiDict
        data = MultiDict([*data.items(), *extra])
        data["csrf_token"] = _csrf(client, survey)
        return client.post(path(survey), data=data)
    return post_form(client, path(survey), data, form_page=path(survey))


def _csrf(client, survey) -> str:
    page = client.get(path(survey)).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def responses(survey) -> list[SurveyResponse]:
    db.session.expire_all()
    return list(db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)))


def answers_of(response: SurveyResponse, question: SurveyQuestion) -> list[tuple[str | None, str | None]]:
    return sorted(((a.option_key, a.text) for a in response.answers if a.question_id == question.id),
                  key=lambda pair: (pair[0] or "", pair[1] or ""))


# Answering ---------------------------------------------------------------------


def test_a_participant_answers_every_kind_of_question_and_is_thanked(client_as, users):
    lincoln, roosevelt = make_school("Lincoln Elementary"), make_school("Roosevelt Middle")
    survey = make_survey()
    client = client_as("participant")
    answers = {
        q(survey, K.SINGLE_CHOICE): "b",
        q(survey, K.MULTIPLE_CHOICE): ["a", "c"],
        q(survey, K.LIKERT): "5",
        q(survey, K.RATING): "9",
        q(survey, K.SHORT_TEXT): "Hopeful",
        q(survey, K.LONG_TEXT): "More buses.\nLater start.",
        q(survey, K.PROFILE_RELATIONSHIP): "parent",
        q(survey, K.PROFILE_SCHOOL): [str(lincoln.id), str(roosevelt.id)],
        q(survey, K.PROFILE_LANGUAGE): "es",
    }
    reply = send(client, survey, answers)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/surveys/{survey.id}/thanks")
    thanks = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your answers" in thanks and "What happens next" in thanks

    [response] = responses(survey)
    assert response.respondent_id == users["participant"].id
    assert answers_of(response, question_of(survey, K.MULTIPLE_CHOICE)) == [("a", None), ("c", None)]
    assert answers_of(response, question_of(survey, K.RATING)) == [("9", None)]
    assert answers_of(response, question_of(survey, K.LONG_TEXT)) == [(None, "More buses.\nLater start.")]
    assert answers_of(response, question_of(survey, K.PROFILE_SCHOOL)) == sorted(
        [(str(lincoln.id), None), (str(roosevelt.id), None)])
    assert (response.relationship_to_district, response.language) == ("parent", "es")
    assert [s.name for s in response.schools] == ["Lincoln Elementary", "Roosevelt Middle"]
    assert not any(a.question.kind == K.SECTION for a in response.answers)


def test_optional_questions_left_empty_store_no_answers(client_as):
    survey = make_survey()
    assert send(client_as("participant"), survey).status_code == 302
    [response] = responses(survey)
    assert {a.question_id for a in response.answers} == {question_of(survey, K.SINGLE_CHOICE).id,
                                                         question_of(survey, K.LIKERT).id}
    assert response.language == "en"  # the page's language when nobody said


@pytest.mark.parametrize(("kind", "value", "message"), [
    (K.SINGLE_CHOICE, None, "Choose an answer."),
    (K.LIKERT, None, "Choose how much you agree."),
    (K.SINGLE_CHOICE, "zzz", "Please choose one of the options."),
    (K.MULTIPLE_CHOICE, ["a", "nope"], "Please choose one of the options."),
    (K.LIKERT, "6", "Please choose one of the options."),
    (K.RATING, "11", "Please choose a number from 0 to 10."),
    (K.RATING, "-1", "Please choose a number from 0 to 10."),
    (K.SHORT_TEXT, "x" * 501, "Please keep this under 500 characters."),
    (K.LONG_TEXT, "x" * 5001, "Please keep this under 5000 characters."),
    (K.PROFILE_RELATIONSHIP, "alien", "Please choose one of the options."),
    (K.PROFILE_LANGUAGE, "xx", "Please choose one of the options."),
    (K.PROFILE_SCHOOL, "999999", "Please choose schools from the list."),
    (K.PROFILE_SCHOOL, "not-a-number", "Please choose schools from the list."),
])
def test_each_kind_of_question_refuses_bad_answers_beside_the_question(client_as, kind, value, message):
    make_school()
    survey = make_survey()
    answers = required_answers(survey)
    if value is None:
        answers.pop(q(survey, kind))
    else:
        answers[q(survey, kind)] = value
    reply = send(client_as("participant"), survey, answers)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert f'id="{q(survey, kind)}-error"' in page and message in page
    assert "Please correct the following" in page
    assert responses(survey) == []


def test_text_of_the_right_length_is_accepted(client_as):
    survey = make_survey()
    answers = {**required_answers(survey), q(survey, K.SHORT_TEXT): "x" * 500, q(survey, K.LONG_TEXT): "y" * 5000}
    assert send(client_as("participant"), survey, answers).status_code == 302
    [response] = responses(survey)
    assert answers_of(response, question_of(survey, K.SHORT_TEXT)) == [(None, "x" * 500)]


def test_choosing_other_without_saying_what_asks_beside_the_other_box(client_as):
    survey = make_survey()
    name = q(survey, K.MULTIPLE_CHOICE)
    reply = send(client_as("participant"), survey, {**required_answers(survey), name: ["a", OTHER_OPTION_KEY]})
    page = reply.get_data(as_text=True)
    assert f'id="{name}_other-error"' in page and "Please say what “Other” is" in page
    assert responses(survey) == []


def test_typing_in_other_without_choosing_it_counts_as_choosing_it(client_as):
    survey = make_survey()
    name = q(survey, K.MULTIPLE_CHOICE)
    reply = send(client_as("participant"), survey, {**required_answers(survey), name: "a",
                                                    f"{name}_other": "  The food pantry  "})
    assert reply.status_code == 302
    [response] = responses(survey)
    assert answers_of(response, question_of(survey, K.MULTIPLE_CHOICE)) == [("a", None),
                                                                           ("other", "The food pantry")]


def test_other_text_is_dropped_when_a_single_choice_already_has_another_answer():
    choices = [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}]
    question = SurveyQuestion(id=1, kind=K.SINGLE_CHOICE, prompt="Pick", options=choices, allow_other=True)
    assert responding.check_answer(question, ["a"], "words") == responding.CheckedAnswer(["a"])
    assert responding.check_answer(question, [], "words") == responding.CheckedAnswer(["other"], "words")


def test_the_form_keeps_what_was_typed_and_chosen_when_something_is_wrong(client_as):
    survey = make_survey()
    answers = {q(survey, K.LIKERT): "2", q(survey, K.SHORT_TEXT): "Keep me", q(survey, K.LONG_TEXT): "Line one",
               q(survey, K.MULTIPLE_CHOICE): ["b", "c"], q(survey, K.RATING): "7"}
    page = send(client_as("participant"), survey, answers).get_data(as_text=True)
    assert "Choose an answer." in page
    assert 'value="Keep me"' in page and "Line one</textarea>" in page
    likert, multi, rating = q(survey, K.LIKERT), q(survey, K.MULTIPLE_CHOICE), q(survey, K.RATING)
    assert re.search(rf'checked id="{likert}-1" name="{likert}" type="radio" value="2"', page)
    assert re.search(rf'checked id="{multi}-1" name="{multi}" type="checkbox" value="b"', page)
    assert re.search(rf'checked id="{multi}-2" name="{multi}" type="checkbox" value="c"', page)
    assert re.search(rf'checked id="{rating}-7" name="{rating}" type="radio" value="7"', page)


def test_the_service_checks_answers_again(app, users):
    make_school()
    survey = make_survey()
    single, rating = question_of(survey, K.SINGLE_CHOICE), question_of(survey, K.RATING)
    school, language = question_of(survey, K.PROFILE_SCHOOL), question_of(survey, K.PROFILE_LANGUAGE)
    with pytest.raises(responding.AnswerErrors) as raised:
        responding.submit_response(users["participant"], survey, answers={
            rating.id: ["12"], school.id: ["424242"], language.id: ["en", "es"], 999999: ["ignored"]},
            other_texts={}, submission_token="t1", browser_token=None, locale="en")
    with app.test_request_context():
        errors = {question_id: str(message) for question_id, message in raised.value.errors.items()}
    assert errors == {
        single.id: "Choose an answer.", question_of(survey, K.LIKERT).id: "Choose how much you agree.",
        rating.id: "Please choose a number from 0 to 10.", school.id: "Please choose schools from the list.",
        language.id: "Please choose only one answer."}
    assert responses(survey) == []


def test_rating_questions_show_their_end_labels_beside_the_scale(client_as):
    survey = make_survey()
    page = client_as("participant").get(path(survey)).get_data(as_text=True)
    assert "0 means “Not at all” and 10 means “Completely”." in page
    rating = q(survey, K.RATING)
    assert all(f'name="{rating}" type="radio" value="{point}"' in page for point in range(11))


def test_sections_are_headings_and_questions_are_grouped_with_legends(client_as):
    survey = make_survey()
    page = client_as("participant").get(path(survey)).get_data(as_text=True)
    assert "<h2>About the plan</h2>" in page and "Questions on the draft plan." in page
    assert f'<fieldset class="field field-group survey-answer" id="{q(survey, K.SINGLE_CHOICE)}">' in page
    assert f'<label for="{q(survey, K.SHORT_TEXT)}">One word for the plan</label>' in page


def test_questions_linked_to_the_plan_say_which_part_they_are_about(client_as, users):
    plan = make_plan()
    publish_version(users["leader"], plan, status="draft")
    section = plan.sections[0]
    question = SurveyQuestion(kind=K.LIKERT, prompt="Action 1.2 is right", options=[
        {"key": str(n), "label": str(n)} for n in range(1, 6)], section_key=section.key,
        action_key=section.actions[1].key)
    survey = make_survey(questions=[question], plan_id=plan.id)
    page = client_as("participant").get(path(survey)).get_data(as_text=True)
    assert "About: Goal 1 › Action 1.2" in page


# Paged surveys -----------------------------------------------------------------


def test_a_paged_survey_moves_between_pages_without_javascript_and_keeps_answers(client_as):
    survey = make_survey(paged=True)
    client = client_as("participant")
    first = client.get(path(survey)).get_data(as_text=True)
    assert "Page 1 of 2" in first and "About the plan" in first and "Your language" not in first
    token = token_on(first)

    # Next checks this page only.
    stuck = post_form(client, path(survey), {"submission_token": token, "nav": "next", "page": "1",
                                             q(survey, K.SHORT_TEXT): "Hopeful"}, form_page=path(survey))
    stuck_page = stuck.get_data(as_text=True)
    assert "Page 1 of 2" in stuck_page and "Choose an answer." in stuck_page
    assert 'value="Hopeful"' in stuck_page

    moved = post_form(client, path(survey), {"submission_token": token, "nav": "next", "page": "1",
                                             **required_answers(survey), q(survey, K.SHORT_TEXT): "Hopeful",
                                             q(survey, K.MULTIPLE_CHOICE): ["a", "b"]}, form_page=path(survey))
    second = moved.get_data(as_text=True)
    assert "Page 2 of 2" in second and "Your language" in second and "Which goal matters most?" not in second
    kept = carried(second)
    assert (q(survey, K.SHORT_TEXT), "Hopeful") in kept and (q(survey, K.SINGLE_CHOICE), "a") in kept
    assert (q(survey, K.MULTIPLE_CHOICE), "a") in kept and (q(survey, K.MULTIPLE_CHOICE), "b") in kept
    assert token_on(second) == token

    # Back shows page one with its answers, and keeps page two's.
    from werkzeug.datastructures import MultiDict
    back_data = MultiDict([*kept, ("submission_token", token), ("nav", "back"), ("page", "2"),
                           (q(survey, K.PROFILE_LANGUAGE), "es"), ("csrf_token", _csrf(client, survey))])
    back = client.post(path(survey), data=back_data).get_data(as_text=True)
    assert "Page 1 of 2" in back and 'value="Hopeful"' in back
    assert (q(survey, K.PROFILE_LANGUAGE), "es") in carried(back)

    send_data = MultiDict([*kept, ("submission_token", token), ("nav", "submit"), ("page", "2"),
                           (q(survey, K.PROFILE_LANGUAGE), "es"), ("csrf_token", _csrf(client, survey))])
    done = client.post(path(survey), data=send_data)
    assert done.status_code == 302 and done.headers["Location"].endswith("/thanks")
    [response] = responses(survey)
    assert answers_of(response, question_of(survey, K.SHORT_TEXT)) == [(None, "Hopeful")]
    assert answers_of(response, question_of(survey, K.MULTIPLE_CHOICE)) == [("a", None), ("b", None)]
    assert response.language == "es"


def test_sending_a_paged_survey_with_a_problem_on_an_earlier_page_goes_back_to_it(client_as):
    survey = make_survey(paged=True)
    client = client_as("participant")
    token = token_on(client.get(path(survey)).get_data(as_text=True))
    reply = post_form(client, path(survey), {"submission_token": token, "nav": "submit", "page": "2",
                                             q(survey, K.SINGLE_CHOICE): "a", q(survey, K.PROFILE_LANGUAGE): "en"},
                      form_page=path(survey))
    page = reply.get_data(as_text=True)
    assert "Page 1 of 2" in page and f'id="{q(survey, K.LIKERT)}-error"' in page
    assert (q(survey, K.PROFILE_LANGUAGE), "en") in carried(page)
    assert responses(survey) == []


def test_page_numbers_from_the_request_are_kept_in_range(client_as):
    survey = make_survey(paged=True)
    client = client_as("participant")
    token = token_on(client.get(path(survey)).get_data(as_text=True))
    for page_number in ("0", "99", "-4", "x" * 50):
        reply = post_form(client, path(survey), {"submission_token": token, "nav": "back", "page": page_number},
                          form_page=path(survey))
        assert reply.status_code == 200


def test_a_form_without_its_token_is_a_bad_request(client_as):
    survey = make_survey()
    client = client_as("participant")
    assert post_form(client, path(survey), {"nav": "submit"}, form_page=path(survey)).status_code == 400
    assert post_form(client, path(survey), {"nav": "submit", "submission_token": "t" * 65},
                     form_page=path(survey)).status_code == 400


# Save and finish later ---------------------------------------------------------


def test_signed_in_people_can_save_and_finish_later(client_as, users):
    survey = make_survey(paged=True)
    client = client_as("participant")
    saved = send(client, survey, {q(survey, K.SHORT_TEXT): "Half done", q(survey, K.SINGLE_CHOICE): "c"}, nav="save")
    assert saved.status_code == 302 and saved.headers["Location"].endswith(path(survey))
    draft = db.session.get(SurveyDraft, (survey.id, users["participant"].id))
    assert draft.answers == {q(survey, K.SHORT_TEXT): ["Half done"], q(survey, K.SINGLE_CHOICE): ["c"]}
    assert "submission_token" not in draft.answers and draft.page == 1

    again = client.get(path(survey)).get_data(as_text=True)
    assert "Welcome back" in again and 'value="Half done"' in again
    single = q(survey, K.SINGLE_CHOICE)
    assert re.search(rf'checked id="{single}-2" name="{single}" type="radio" value="c"', again)

    assert send(client, survey, {**required_answers(survey), q(survey, K.SHORT_TEXT): "Done"}).status_code == 302
    assert db.session.get(SurveyDraft, (survey.id, users["participant"].id)) is None


def test_a_saved_draft_reopens_on_the_page_it_was_saved_from(client_as):
    survey = make_survey(paged=True)
    client = client_as("participant")
    send(client, survey, {q(survey, K.PROFILE_LANGUAGE): "es"}, nav="save", page=2)
    page = client.get(path(survey)).get_data(as_text=True)
    assert "Page 2 of 2" in page


def test_visitors_who_are_not_signed_in_get_no_save_button(client):
    survey = make_survey()
    page = client.get(path(survey)).get_data(as_text=True)
    assert "Save and finish later" not in page and "Sign in to save your answers" in page
    assert send(client, survey, nav="save").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0


# Prefill from the profile ------------------------------------------------------


def test_profile_questions_start_with_the_persons_profile_answers(client_as, users):
    school = make_school()
    profile = ParticipantProfile(user_id=users["participant"].id, relationship_to_district="staff",
                                 preferred_language="vi", race_ethnicity=[])
    profile.schools = [school]
    db.session.add(profile)
    db.session.commit()
    survey = make_survey()
    page = client_as("participant").get(path(survey)).get_data(as_text=True)
    rel, lang, schools = q(survey, K.PROFILE_RELATIONSHIP), q(survey, K.PROFILE_LANGUAGE), q(survey, K.PROFILE_SCHOOL)
    assert re.search(rf'checked id="{rel}-\d+" name="{rel}" type="radio" value="staff"', page)
    assert re.search(rf'checked id="{lang}-\d+" name="{lang}" type="radio" value="vi"', page)
    assert re.search(rf'checked id="{schools}-0" name="{schools}" type="checkbox" value="{school.id}"', page)


def test_identified_surveys_without_profile_questions_copy_the_profile(users):
    school = make_school()
    profile = ParticipantProfile(user_id=users["participant"].id, relationship_to_district="parent",
                                 preferred_language="es", race_ethnicity=[])
    profile.schools = [school]
    db.session.add(profile)
    db.session.commit()
    question = SurveyQuestion(kind=K.SHORT_TEXT, prompt="Anything else?")
    survey = make_survey(questions=[question])
    response = responding.submit_response(users["participant"], survey, answers={}, other_texts={},
                                          submission_token="tok", browser_token=None, locale="en")
    assert (response.relationship_to_district, response.language) == ("parent", "es")
    assert [s.id for s in response.schools] == [school.id]

    anonymous = make_survey("Anonymous", questions=[SurveyQuestion(kind=K.SHORT_TEXT, prompt="Anything?")],
                            anonymity=SurveyAnonymity.ANONYMOUS)
    response = responding.submit_response(users["participant"], anonymous, answers={}, other_texts={},
                                          submission_token="tok", browser_token=None, locale="es")
    assert (response.relationship_to_district, response.language, response.schools) == (None, "es", [])


# One response each -------------------------------------------------------------


def test_each_account_answers_once(client_as, users):
    survey = make_survey()
    client = client_as("participant")
    assert send(client, survey).status_code == 302
    again = send(client, survey)
    assert again.status_code == 200 and "You have already answered this survey" in again.get_data(as_text=True)
    assert len(responses(survey)) == 1
    page = client.get(path(survey)).get_data(as_text=True)
    assert "You have already answered this survey" in page and "Send my answers" not in page
    with pytest.raises(responding.AlreadyResponded) as raised:
        responding.submit_response(users["participant"], survey, answers={
            question_of(survey, K.SINGLE_CHOICE).id: ["a"], question_of(survey, K.LIKERT).id: ["3"]},
            other_texts={}, submission_token="another", browser_token=None, locale="en")
    assert raised.value.same_submission is False


def test_sending_the_same_form_twice_makes_one_response_and_thanks_both_times(client_as):
    survey = make_survey()
    client = client_as("participant")
    token = token_on(client.get(path(survey)).get_data(as_text=True))
    first = send(client, survey, token=token)
    second = send(client, survey, token=token)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == f"/surveys/{survey.id}/thanks"
    assert len(responses(survey)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 1


def test_the_same_submission_sent_to_the_service_twice_says_so(users):
    survey = make_survey()
    answers = {question_of(survey, K.SINGLE_CHOICE).id: ["a"], question_of(survey, K.LIKERT).id: ["3"]}
    responding.submit_response(users["participant"], survey, answers=answers, other_texts={}, submission_token="same",
                               browser_token=None, locale="en")
    with pytest.raises(responding.AlreadyResponded) as raised:
        responding.submit_response(users["participant"], survey, answers=answers, other_texts={},
                                   submission_token="same", browser_token=None, locale="en")
    assert raised.value.same_submission is True


def test_visitors_who_are_not_signed_in_answer_once_per_browser(app, client):
    survey = make_survey()
    page = client.get(path(survey))
    cookie_header = next(h for h in page.headers.getlist("Set-Cookie") if h.startswith(BROWSER_COOKIE + "="))
    assert "HttpOnly" in cookie_header and "SameSite=Lax" in cookie_header and "Path=/surveys" in cookie_header
    assert "Max-Age=" in cookie_header
    text = page.get_data(as_text=True)
    assert "You can answer once from this browser" in text and "it does not identify you" in text

    assert send(client, survey).status_code == 302
    assert "You have already answered this survey" in client.get(path(survey)).get_data(as_text=True)
    assert "answered it from this browser" in send(client, survey).get_data(as_text=True)
    browser_token = client.get_cookie(BROWSER_COOKIE, path="/surveys").value
    [participation] = db.session.scalars(select(SurveyParticipation)).all()
    assert participation.participant_key == "browser:" + hashlib.sha256(browser_token.encode()).hexdigest()
    assert participation.user_id is None and browser_token not in participation.participant_key

    other_browser = app.test_client()
    assert send(other_browser, survey).status_code == 302
    assert len(responses(survey)) == 2
    assert all(r.respondent_id is None for r in responses(survey))


def test_the_browser_cookie_is_secure_when_the_session_cookie_is(app, client):
    survey = make_survey()
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        headers = client.get(path(survey)).headers.getlist("Set-Cookie")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    assert any(h.startswith(BROWSER_COOKIE + "=") and "Secure" in h for h in headers)


def test_signed_in_people_get_no_browser_cookie(client_as):
    survey = make_survey()
    headers = client_as("participant").get(path(survey)).headers.getlist("Set-Cookie")
    assert not any(h.startswith(BROWSER_COOKIE) for h in headers)


def test_a_tampered_browser_cookie_is_replaced(client):
    survey = make_survey()
    client.set_cookie(BROWSER_COOKIE, "<not a token>", path="/surveys")
    headers = client.get(path(survey)).headers.getlist("Set-Cookie")
    assert any(h.startswith(BROWSER_COOKIE + "=") for h in headers)


def test_surveys_for_signed_in_people_send_visitors_to_sign_in(client, client_as):
    survey = make_survey(audience=SurveyAudience.SIGNED_IN)
    reply = client.get(path(survey))
    assert reply.status_code == 302 and reply.headers["Location"] == f"/login?next=%2Fsurveys%2F{survey.id}"
    assert send(client_as("participant"), survey).status_code == 302


def test_the_identified_survey_page_says_staff_can_see_who_answered(client_as):
    survey = make_survey()
    page = client_as("participant").get(path(survey)).get_data(as_text=True)
    assert "Your answers are linked to your account; district staff can see who answered." in page


# Anonymous surveys -------------------------------------------------------------


def test_anonymous_responses_keep_no_link_to_the_account(client_as, users):
    school = make_school()
    person = users["participant"]
    survey = make_survey(anonymity=SurveyAnonymity.ANONYMOUS)
    client = client_as("participant")
    page = client.get(path(survey)).get_data(as_text=True)
    assert "Your answers are not linked to your name or account." in page
    send(client, survey, {q(survey, K.SINGLE_CHOICE): "a"}, nav="save")
    answers = {**required_answers(survey), q(survey, K.SHORT_TEXT): "Private thought",
               q(survey, K.PROFILE_SCHOOL): str(school.id)}
    assert send(client, survey, answers).status_code == 302

    [response] = responses(survey)
    assert response.respondent_id is None and response.respondent is None
    submitted = response.submitted_at.astimezone(UTC) if response.submitted_at.tzinfo else response.submitted_at
    assert (submitted.hour, submitted.minute, submitted.second, submitted.microsecond) == (0, 0, 0, 0)
    assert db.session.get(SurveyDraft, (survey.id, person.id)) is None

    # Who answered is kept apart, with no response and no time.
    [participation] = db.session.scalars(select(SurveyParticipation)).all()
    assert participation.participant_key == f"user:{person.id}"
    assert {c.name for c in inspect(SurveyParticipation).columns} == {"survey_id", "participant_key", "user_id"}

    # Nothing reachable from the answers refers to an account.
    def account_columns(table):
        return [c.name for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)]

    assert account_columns(SurveyAnswer.__table__) == []
    rows = [(SurveyResponse.__table__, db.session.execute(
        select(SurveyResponse.__table__).where(SurveyResponse.id == response.id)).mappings().one())]
    for answer in response.answers:
        rows.append((SurveyAnswer.__table__, db.session.execute(
            select(SurveyAnswer.__table__).where(SurveyAnswer.id == answer.id)).mappings().one()))
    school_rows = db.session.execute(select(SurveyResponse.schools.property.secondary)
                                     .where(SurveyResponse.schools.property.secondary.c.response_id == response.id))
    for row in school_rows.mappings():
        rows.append((SurveyResponse.schools.property.secondary, row))
    for table, row in rows:
        for name in account_columns(table):
            assert row[name] is None, f"{table.name}.{name} points at an account"
        assert person.email not in {str(value) for value in row.values()}
    assert answers_of(response, question_of(survey, K.SHORT_TEXT)) == [(None, "Private thought")]


def test_anonymous_surveys_record_no_audit_row_for_answers(client_as):
    from engage.audit.models import AuditEvent
    survey = make_survey(anonymity=SurveyAnonymity.ANONYMOUS)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))  # the survey's translation
    send(client_as("participant"), survey)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


# Languages ---------------------------------------------------------------------


def test_the_spanish_page_shows_the_spanish_questions_and_options(client):
    survey = make_survey()
    page = client.get(path(survey), headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "ES: Which goal matters most?" in page and "Opción A" in page and "ES: Draft plan survey" in page
    assert "Totalmente de acuerdo" in page and ">Which goal matters most?" not in page
    assert "“Nada”" in page and "“Completamente”" in page


def test_questions_without_spanish_text_are_shown_in_english_tagged_and_marked(client):
    question = SurveyQuestion(kind=K.SHORT_TEXT, prompt="English only")
    survey = make_survey(questions=[question])
    page = client.get(path(survey), headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<span lang="en">English only</span>' in page
    assert "Esta parte aún no está traducida al español." in page


def test_the_standard_wordings_read_in_every_language_of_the_site(client):
    survey = make_survey(questions=[SurveyQuestion(kind=K.LIKERT, prompt="Clear?", options=default_options(K.LIKERT)),
                                    SurveyQuestion(kind=K.PROFILE_LANGUAGE, prompt=PROFILE_PROMPTS[K.PROFILE_LANGUAGE])])
    page = client.get(path(survey), headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Rất đồng ý" in page and "Strongly agree" not in page
    assert "Which language do you prefer?" not in page


# States ------------------------------------------------------------------------


def test_draft_surveys_are_not_found_by_the_public(client, client_as):
    survey = make_survey(status=SurveyStatus.DRAFT)
    assert client.get(path(survey)).status_code == 404
    assert client_as("participant").get(path(survey)).status_code == 404
    assert client_as("participant").get(path(survey) + "/thanks").status_code == 404
    assert client.get("/surveys/2147483647").status_code == 404
    assert client.get("/surveys/99999999999").status_code == 404


def test_leaders_see_a_draft_as_not_taking_answers_and_can_preview_it(client_as):
    survey = make_survey(status=SurveyStatus.DRAFT, paged=True)
    leader = client_as("leader")
    page = leader.get(path(survey)).get_data(as_text=True)
    assert "This survey is a draft" in page and "Send my answers" not in page
    preview = leader.get(path(survey) + "/preview")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview — answers are not saved" in text and "Page 1 of 2" in text
    assert '<form method="get"' in text and 'name="nav"' not in text and 'name="submission_token"' not in text
    second = leader.get(path(survey) + "/preview?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "disabled" in second
    assert leader.get(path(survey) + "/preview?page=abc").status_code == 200
    assert leader.get("/surveys/999999/preview").status_code == 404


def test_only_survey_managers_may_preview(client, client_as):
    survey = make_survey()
    assert client_as("participant").get(path(survey) + "/preview").status_code == 403
    assert client_as("moderator").get(path(survey) + "/preview").status_code == 403
    assert client.get(path(survey) + "/preview").status_code == 302
    assert client_as("admin").get(path(survey) + "/preview").status_code == 200


def test_a_closed_survey_says_so_and_takes_no_answers(client_as, users):
    survey = make_survey()
    client = client_as("participant")
    token = token_on(client.get(path(survey)).get_data(as_text=True))
    survey.status, survey.closed_at = SurveyStatus.CLOSED, utcnow()
    db.session.commit()
    page = client.get(path(survey))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "This survey closed on" in text and "Send my answers" not in text
    refused = send(client, survey, token=token)
    assert refused.status_code == 409 and "closed" in refused.get_data(as_text=True)
    assert responses(survey) == []
    with pytest.raises(responding.SurveyNotOpen):
        responding.submit_response(users["participant"], survey, answers={}, other_texts={},
                                   submission_token="x", browser_token=None, locale="en")


def test_a_survey_past_its_closing_time_is_closed(client_as):
    survey = make_survey(closes_at=utcnow() - timedelta(minutes=1))
    text = client_as("participant").get(path(survey)).get_data(as_text=True)
    assert "This survey closed on" in text


def test_a_survey_not_open_yet_says_when_it_opens(client):
    survey = make_survey(opens_at=utcnow() + timedelta(days=3))
    reply = client.get(path(survey))
    assert reply.status_code == 200 and "This survey opens on" in reply.get_data(as_text=True)
    assert send(client, survey).status_code == 409


# Thanks, and the list ----------------------------------------------------------


def test_the_thanks_page_links_to_the_plan(client_as, users):
    plan = make_plan()
    publish_version(users["leader"], plan, status="draft")
    survey = make_survey(plan_id=plan.id)
    client = client_as("participant")
    assert client.get(path(survey) + "/thanks").status_code == 302  # not answered yet
    send(client, survey)
    text = client.get(path(survey) + "/thanks").get_data(as_text=True)
    assert f'href="/plans/{plan.id}"' in text and "Family Engagement Plan" in text


def test_the_list_shows_open_surveys_first_with_their_state(client_as, users):
    closed = make_survey("Last year's survey", status=SurveyStatus.CLOSED, closed_at=utcnow())
    make_survey("Secret draft", status=SurveyStatus.DRAFT)
    soon = make_survey("Next month", opens_at=utcnow() + timedelta(days=30))
    open_now = make_survey("Bus survey", closes_at=utcnow() + timedelta(days=7))
    client = client_as("participant")
    send(client, open_now)
    text = client.get("/surveys/").get_data(as_text=True)
    assert "Secret draft" not in text
    assert text.index("Bus survey") < text.index("Next month") < text.index("Last year")
    assert "Closes on" in text and "Opens on" in text and "Closed on" in text and "You answered" in text
    assert f'href="/surveys/{closed.id}"' in text and f'href="/surveys/{soon.id}"' in text
    assert 'aria-current="page">Surveys</a>' in text
    assert "Manage surveys" not in text
    assert "Manage surveys" in client_as("leader").get("/surveys/").get_data(as_text=True)


# Escaping ----------------------------------------------------------------------


def test_script_in_answers_and_questions_is_shown_as_text(client_as):
    payload = '<script>alert("x")</script>'
    question = SurveyQuestion(kind=K.SHORT_TEXT, prompt=f"Prompt {payload}", help_text=f"Help {payload}\nline two",
                              required=True)
    choice = SurveyQuestion(kind=K.SINGLE_CHOICE, prompt="Pick", options=[{"key": "a", "label": payload}],
                            allow_other=True)
    survey = make_survey(questions=[question, choice])
    survey.introduction = f"Intro {payload}"
    db.session.commit()
    client = client_as("participant")
    page = client.get(path(survey)).get_data(as_text=True)
    assert payload not in page and "&lt;script&gt;" in page
    long_text = payload + "x" * 500
    reply = send(client, survey, {f"q{question.id}": long_text, f"q{choice.id}_other": payload})
    text = reply.get_data(as_text=True)
    assert reply.status_code == 200 and payload not in text and "Please keep this under 500 characters." in text


# Rate limit --------------------------------------------------------------------


def test_sending_is_rate_limited_but_moving_between_pages_is_not(app, client_as):
    survey = make_survey(paged=True)
    client = client_as("participant")
    app.config["RATELIMIT_SURVEY_RESPONSE"] = "2 per hour"
    try:
        for _ in range(4):
            assert send(client, survey, {}, nav="next").status_code == 200
        for _ in range(2):
            assert send(client, survey, {}, nav="save").status_code == 302
        assert send(client, survey, {}, nav="save").status_code == 429
    finally:
        app.config["RATELIMIT_SURVEY_RESPONSE"] = "30 per hour"


# Query counts ------------------------------------------------------------------


def test_the_survey_list_runs_the_same_queries_however_many_surveys(client_as):
    client = client_as("participant")

    def add(count: int) -> None:
        for n in range(count):
            make_survey(f"Survey {n}", questions=[], closes_at=utcnow() + timedelta(days=n + 1))

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/surveys/").status_code == 200
        return counter.count

    add(3)
    few = queries()
    add(27)
    assert queries() == few


def test_the_survey_page_runs_the_same_queries_however_many_questions(client_as, users):
    plan = make_plan()
    publish_version(users["leader"], plan, status="draft")
    profile = ParticipantProfile(user_id=users["participant"].id, relationship_to_district="parent",
                                 race_ethnicity=[])
    db.session.add(profile)
    db.session.commit()
    for n in range(3):
        make_school(f"School {n}")
    client = client_as("participant")

    def survey_with(copies: int):
        questions = []
        for _ in range(copies):
            questions.extend(every_kind_of_question())
        for question in questions:
            question.section_key = plan.sections[0].key
        return make_survey(questions=questions, plan_id=plan.id, paged=False)

    def queries(survey) -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(path(survey)).status_code == 200
        return counter.count

    few = queries(survey_with(1))
    assert queries(survey_with(8)) == few



def test_my_account_lists_the_surveys_i_answered_and_only_those(client_as, users):
    answered = make_survey("Answered survey", questions=[], anonymity=SurveyAnonymity.ANONYMOUS)
    make_survey("Not answered survey", questions=[])
    someone_elses = make_survey("Someone else's survey", questions=[])
    add_response(answered, {}, respondent=users["participant"])
    add_response(someone_elses, {}, respondent=users["host"])

    html = client_as("participant").get("/account").get_data(as_text=True)
    mine = html.split('id="my-surveys-title"', 1)[1].split("</section>", 1)[0]

    assert f'href="/surveys/{answered.id}"' in mine and "Answered survey" in mine
    assert "Your answers are anonymous" in mine
    assert "Not answered survey" not in mine and "Someone else" not in mine
