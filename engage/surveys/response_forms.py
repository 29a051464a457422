"""The response form, built from a survey's questions.

One field per question, named q<id> (and q<id>_other for an "Other" text).
The form holds every question so answers from other pages of a paged survey
travel with it as hidden inputs; only the current page's questions are
checked, with the same rules submit_response applies.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from ..forms import MultiCheckboxField, OneSubmission, choices, strip_whitespace, TextForm
from ..templating import in_own_language, lang_of
from ..text import plain_text_to_html
from . import responding
from .models import OTHER_OPTION_KEY, QuestionKind, SurveyQuestion
from .questions import answer_options, rating_end_labels, takes_many
from .translatable import SurveyWording

# Checked whatever the page.
_ALWAYS_CHECKED = ("csrf_token", "submission_token")


def field_name(question: SurveyQuestion) -> str:
    return f"q{question.id}"


def other_field_name(question: SurveyQuestion) -> str:
    return f"q{question.id}_other"


def formdata_for(survey, answers: dict[int, list[str]]) -> MultiDict:
    """Answers by question id (as from responding.profile_prefill) as form data."""
    questions = {q.id: q for q in survey.questions}
    return MultiDict([(field_name(questions[question_id]), value) for question_id, values in answers.items()
                      if question_id in questions for value in values])


def has_other(question: SurveyQuestion) -> bool:
    return question.kind in QuestionKind.CHOICE_KINDS and question.allow_other


class _AnswerCheck:
    """A field validator running responding.check_answer on the question's answer.

    The question's own field shows most messages; its "Other" text box shows
    the ones about the Other text.
    """

    def __init__(self, question: SurveyQuestion, *, on_other: bool = False):
        self.question, self.on_other = question, on_other

    def __call__(self, form: ResponseForm, field) -> None:
        result = form.checked_answer(self.question)
        if self.on_other:
            if result.error is not None and result.error_on_other:
                raise ValidationError(result.error)
            return
        if OTHER_OPTION_KEY in result.values:  # typing in "Other" chose it: show it chosen
            field.data = list(result.values) if takes_many(self.question) else OTHER_OPTION_KEY
        if result.error is not None and not result.error_on_other:
            raise ValidationError(result.error)


class ResponseForm(OneSubmission, TextForm):
    """Base of the forms build_response_form makes; see there."""

    questions: tuple[SurveyQuestion, ...] = ()
    page_questions: tuple[SurveyQuestion, ...] = ()
    school_ids: frozenset[str] = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._checked: dict[int, responding.CheckedAnswer] = {}

    # Reading answers

    def answer_fields(self) -> Iterable[tuple[SurveyQuestion, str]]:
        for question in self.questions:
            if question.kind != QuestionKind.SECTION:
                yield question, field_name(question)
                if has_other(question):
                    yield question, other_field_name(question)

    def values_of(self, question: SurveyQuestion) -> list[str]:
        return self.values_in(field_name(question))

    def values_in(self, name: str) -> list[str]:
        data = self[name].data
        if data is None:
            return []
        if isinstance(data, list | tuple):
            return [str(value) for value in data if value not in (None, "")]
        return [str(data)] if str(data) != "" else []

    def other_text_of(self, question: SurveyQuestion) -> str:
        return (self[other_field_name(question)].data or "") if has_other(question) else ""

    def answers(self) -> dict[int, list[str]]:
        """Question id -> option keys (school ids) or [text], for submit_response."""
        return {q.id: self.values_of(q) for q in self.questions if q.kind != QuestionKind.SECTION}

    def other_texts(self) -> dict[int, str]:
        return {q.id: self.other_text_of(q) for q in self.questions if has_other(q) and self.other_text_of(q)}

    def draft_data(self) -> dict[str, list[str]]:
        """The answers as form field name -> values, for a saved draft."""
        data = {}
        for _question, name in self.answer_fields():
            values = self.values_in(name)
            if values:
                data[name] = values
        return data

    def carried_names(self) -> list[str]:
        """Fields of questions on other pages, sent along as hidden inputs."""
        on_page = {q.id for q in self.page_questions}
        return [name for question, name in self.answer_fields() if question.id not in on_page]

    # Checking

    def checked_answer(self, question: SurveyQuestion) -> responding.CheckedAnswer:
        if question.id not in self._checked:
            self._checked[question.id] = responding.check_answer(
                question, self.values_of(question), self.other_text_of(question), school_ids=self.school_ids)
        return self._checked[question.id]

    def validate(self, extra_validators=None) -> bool:
        """Check the token, the CSRF token and the questions on this page only."""
        self._checked = {}
        page_ids = {q.id for q in self.page_questions}
        on_page = {name for question, name in self.answer_fields() if question.id in page_ids}
        success = True
        for name, field in self._fields.items():
            if (name in _ALWAYS_CHECKED or name in on_page) and not field.validate(self, ()):
                success = False
        return success

    def questions_with_errors(self) -> set[int]:
        return {question.id for question, name in self.answer_fields() if self[name].errors}

    def add_errors(self, errors: dict[int, str]) -> None:
        """Show messages from submit_response beside their questions."""
        for question in self.page_questions:
            if question.id in errors:
                self[field_name(question)].errors = [errors[question.id]]


def _with(sentence: str, **texts) -> Markup:
    """A sentence of the interface (translated, its placeholders left) with the district's texts put
    in, each tagged with its language where the page is in another."""
    return Markup(escape(sentence)) % {name: in_own_language(text) for name, text in texts.items()}


def _hint(question: SurveyQuestion, wording: SurveyWording, topic: str | None) -> Markup | None:
    """Help text, a rating's end labels and the plan part it is about, as safe HTML."""
    parts = []
    help_text = wording.help(question)
    if help_text:
        parts.append(Markup("<div{}>{}</div>").format(lang_of(help_text), plain_text_to_html(help_text)))
    if question.kind == QuestionKind.RATING:
        low, high = rating_end_labels(question, wording)
        if low and high:
            ends = _with(_("0 means “%(low)s” and 10 means “%(high)s”."), low=low, high=high)
        elif low or high:
            ends = _with(_("0 means “%(low)s”."), low=low) if low else _with(_("10 means “%(high)s”."), high=high)
        else:
            ends = _("0 is the lowest and 10 the highest.")
        parts.append(Markup("<p>{}</p>").format(ends))
    if topic:
        parts.append(Markup('<p class="question-topic">{}</p>').format(_with(_("About: %(topic)s"), topic=topic)))
    return Markup("").join(parts) if parts else None


def build_response_form(questions: Iterable[SurveyQuestion], wording: SurveyWording,
                        schools: Iterable[tuple[int, str]] = (), page_questions: Iterable[SurveyQuestion] | None = None, *,
                        topics: dict[int, str] | None = None) -> type[ResponseForm]:
    """A form class for these questions, in the page's language.

    schools: (id, name) pairs for school questions; page_questions: the ones
    checked and shown (default: all); topics: question id -> the plan part it
    asks about, shown under the question.
    """
    questions, schools, topics = tuple(questions), list(schools), topics or {}
    fields: dict[str, object] = {}
    for question in questions:
        if question.kind == QuestionKind.SECTION:
            continue
        label = wording.prompt(question)
        description = _hint(question, wording, topics.get(question.id))
        check = _AnswerCheck(question)
        if question.kind in QuestionKind.TEXT_KINDS:
            field_class = StringField if question.kind == QuestionKind.SHORT_TEXT else TextAreaField
            fields[field_name(question)] = field_class(label, description=description, filters=[strip_whitespace],
                                                       validators=[check])
            continue
        field_class = MultiCheckboxField if takes_many(question) else RadioField
        options = choices((option.key, option.label) for option in answer_options(question, wording, schools))
        fields[field_name(question)] = field_class(label, choices=options, validate_choice=False,
                                                   description=description, validators=[check])
        if has_other(question):
            fields[other_field_name(question)] = StringField(
                _with(_("%(question)s (your “Other” answer)"), question=label),
                filters=[strip_whitespace],
                validators=[_AnswerCheck(question, on_other=True)])
    fields["questions"] = questions
    fields["page_questions"] = tuple(questions if page_questions is None else page_questions)
    fields["school_ids"] = frozenset(str(school_id) for school_id, _name in schools)
    return type("SurveyResponseForm", (ResponseForm,), fields)
