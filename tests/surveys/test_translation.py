"""Surveys in the reader's language: translated by translators like every other text (engage.translation)."""

from __future__ import annotations

import re

import pytest

from engage.extensions import db
from engage.surveys.models import QuestionKind
from engage.surveys.translatable import question_path
from engage.translation.forms import field_name
from tests.support.queries import count_queries
from tests.support.web import post_form
from tests.surveys.factories import make_survey, question_of


def _sources(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'name="(t_[0-9a-f]+_source)"[^>]*value="([0-9a-f]+)"', page))
    return fields | {name: value for value, name in re.findall(r'value="([0-9a-f]+)"[^>]*name="(t_[0-9a-f]+_source)"',
                                                                page)}


def test_a_translator_translates_a_question_and_vietnamese_readers_answer_it_in_vietnamese(client_as, client):
    survey = make_survey()
    choice = question_of(survey, QuestionKind.SINGLE_CHOICE)
    translator = client_as("translator")
    document = translator.get(f"/translate/vi/survey:{survey.id}").get_data(as_text=True)
    part = f"/translate/vi/survey:{survey.id}/part/question:{choice.id}"
    assert part in document
    page = translator.get(part).get_data(as_text=True)
    assert "Which goal matters most?" in page and "Option A" in page
    texts = {field_name(question_path(choice.id, "prompt")): "Mục tiêu nào quan trọng nhất?",
             field_name(question_path(choice.id, "option:a")): "Lựa chọn A"}
    assert post_form(translator, part, {**_sources(page), **texts, "publish": "1"}, form_page=part).status_code == 302

    html = client.get(f"/surveys/{survey.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "<legend>Mục tiêu nào quan trọng nhất?" in html
    assert re.search(r'<label for="[^"]+">Lựa chọn A</label>', html)
    # What is not translated yet is in English, tagged, and the page says so.
    assert re.search(r'<label for="[^"]+"><span lang="en">Option B</span></label>', html)
    assert "Phần này chưa được dịch sang Tiếng Việt." in html


def test_the_builder_shows_what_is_left_to_translate_in_each_language(client_as):
    survey = make_survey()
    html = client_as("leader").get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    spanish = int(re.search(r"Spanish: (\d+) passages? to translate", html).group(1))
    vietnamese = int(re.search(r"Vietnamese: (\d+) passages to translate", html).group(1))
    assert 0 < spanish < vietnamese  # the factory translates the title, prompts and options into Spanish
    assert f'href="/translate/vi/survey:{survey.id}"' in html


def test_a_spanish_reader_of_results_reads_the_questions_in_spanish(client_as):
    survey = make_survey()
    html = client_as("leader").get(f"/surveys/{survey.id}/results",
                                   headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Resultados: ES: Draft plan survey" in html and "ES: Which goal matters most?" in html


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_list_of_surveys_runs_the_same_queries_however_many_there_are(client, language):
    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/surveys/", headers={"Accept-Language": language}).status_code == 200
        return counter.count

    make_survey("First")
    few = queries()
    for number in range(4):
        make_survey(f"Survey {number}")
    assert queries() == few
