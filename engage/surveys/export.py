"""A survey's responses as a CSV file, for leaders and administrators.

One row per response in the filter group (less those whose facts are
withheld, see Privacy). The file is sent as it is made: the responses and
their schools are read first (the group sizes, the responses, their
schools), then the answers of 1,000 responses at a time, so memory does not
grow with the answers. The file is in English whoever
downloads it (prompts, option labels and headings), so files from different
people line up; it starts with a byte order mark so Excel reads Spanish
answers correctly.

Privacy:
- A filter group that the results page would hide (rules 1 and 2 in
  surveys.results) is not exported at all: ExportRefused.
- Anonymous surveys export no account column of any kind, and their
  responses are numbered 1, 2, 3... in an order shuffled within each day, so
  neither the numbers nor the order lead back to the database or to who
  answered when. Only the day is given.
- The facts people can be picked out by (relationship, language, schools and
  the profile questions' answers, which repeat them) are shown only where
  surveys.disclosure lets the response show them: every mix of facts shown
  is on at least 10 of the survey's responses; the others are withheld.
- A filtered file holds the rows of the survey's whole file that match the
  filters by the facts they show; a row whose facts filtered on are withheld
  is in no file filtered on them. Being in a file named for a group would
  give those facts away: rows are matched across files by their answers (or
  by name, when the survey is identified). The results page counts the same
  rows under filters.
- Cells that a spreadsheet would run as a formula (starting with = + - @, a
  tab or a carriage return) start with a single quote instead.
"""

from __future__ import annotations

import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..csv_export import FORMULA_STARTS, CsvExport, csv_text, safe_cell
from ..extensions import db
from ..models import as_utc
from ..i18n import content_language, select_timezone
from . import disclosure, results, services
from .models import OTHER_OPTION_KEY, QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from .models import survey_response_schools as response_schools
from .questions import answer_options
from .translatable import SurveyWording

# Column headings stay in English, like the prompts: see the module docstring.
WITHHELD = "withheld (fewer than 10)"
NO_LONGER_OFFERED = "(option no longer offered)"


class ExportRefused(Exception):
    """The filter group is too small, or could be worked out, so no file is made."""

    def __init__(self, filters: results.ResultFilters, described: list[tuple[str, str]]):
        super().__init__("export refused: group too small")
        self.filters = filters
        self.described = described



def export_responses(actor, survey: Survey, *, relationship: str | None = None, school_id: int | None = None,
                     language: str | None = None) -> CsvExport:
    """The filter group's responses as CSV, with an audit row; ExportRefused when the group must stay hidden."""
    services.require_manage_surveys(actor)
    schools = results.list_schools()
    filters, _ignored = results.clean_filters(relationship, school_id, language, [s for s, _name in schools])
    shown = disclosure.disclosure_for(survey.id)
    _sizes, hidden = results.check_filters(survey, filters, shown)
    if hidden:
        raise ExportRefused(filters, results.describe_filters(filters, dict(schools)))
    header, in_file, write_rows = _plan_file(survey, filters, schools, shown)
    rows = len(in_file)
    audit.record(actor, "survey.exported", "survey", survey.id, rows=rows, anonymous=survey.is_anonymous,
                 **{name: value for name, value in (("relationship", filters.relationship),
                                                    ("school_id", filters.school_id),
                                                    ("language", filters.language)) if value is not None})
    db.session.commit()
    return CsvExport(filename=f"survey-{survey.id}-responses.csv", text=csv_text(header, write_rows(), language="en"))


#: Responses whose answers are read at once while the file is sent: memory stays the same however
#: many answers a survey has (the responses themselves are listed first, a few numbers each).
ANSWERS_READ_PER_QUERY = 1000


def _plan_file(survey: Survey, filters: results.ResultFilters, schools: list[tuple[int, str]],
               shown: disclosure.Disclosure):
    """The file's header, its responses (in file order, with the facts each may show), and a function
    making its rows as they are sent (answers read ANSWERS_READ_PER_QUERY responses at a time)."""
    anonymous = survey.is_anonymous
    questions = [q for q in survey.questions if q.kind != QuestionKind.SECTION]
    columns = {q.id: position for position, q in enumerate(questions)}
    # The whole survey, so that a filtered file is the whole file's rows for the group (see the docstring).
    conditions = results.respondent_conditions(survey, results.ResultFilters())
    responses = _responses(conditions, anonymous)
    connection = db.session.connection()
    school_names = dict(schools)
    named_schools: dict[int, list[str]] = defaultdict(list)
    school_ids: dict[int, set[int]] = defaultdict(set)
    for response_id, school_id in connection.execute(
        select(response_schools.c.response_id, response_schools.c.school_id)
        .join(SurveyResponse, SurveyResponse.id == response_schools.c.response_id)
        .where(*conditions)
    ).all():
        named_schools[response_id].append(school_names.get(school_id, NO_LONGER_OFFERED))
        school_ids[response_id].add(school_id)

    # The rows of the group, by the facts they show (see the docstring).
    in_file = []
    wanted = set(filters.active())
    for response in responses:
        response_id, _submitted_at, relationship, language = response[:4]
        facts_shown = shown.mixes[response.facts_key].shown
        in_group = (filters.matches(relationship, language)
                    and (filters.school_id is None or filters.school_id in school_ids.get(response_id, ())))
        if not wanted or (in_group and facts_shown >= wanted):
            in_file.append((response, facts_shown))

    header = ["Response", "Submitted"]
    if not anonymous:
        header += ["Account number", "Name", "Email"]
    header += ["Relationship to the district", "Language", "Schools", *(q.prompt for q in questions)]
    header = [safe_cell(value) for value in header]

    def answers_of(response_ids: list[int]) -> dict[int, list]:
        """Each response's answers by column: an option key, (key, text) for text and "Other", or a
        list of those. Plain rows straight from the connection: no ORM objects."""
        given: dict[int, list] = {response_id: [None] * len(questions) for response_id in response_ids}
        # A connection of its own: the file is sent after the export's audit row was committed.
        for response_id, question_id, option_key, text in db.session.connection().execute(
            select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.option_key, SurveyAnswer.text)
            .where(SurveyAnswer.response_id.in_(response_ids))
        ):
            column = columns.get(question_id)
            if column is None:
                continue
            answer = option_key if text is None else (option_key, text)
            slots = given[response_id]
            before = slots[column]
            if before is None:
                slots[column] = answer
            elif type(before) is list:
                before.append(answer)
            else:
                slots[column] = [before, answer]
        return given

    # Everything the rows need from the ORM, read now: the rows are made after the request's session
    # is gone (download() sends them once the view has returned).
    with force_locale("en"):
        relationships, languages = results.relationship_labels(), results.language_labels()
        formatters = [_answer_formatter(q, schools) for q in questions]
    profile_columns = {columns[q.id]: results.PROFILE_DIMENSIONS[q.kind] for q in questions
                       if q.kind in QuestionKind.PROFILE_KINDS}
    district_zone = ZoneInfo(select_timezone())

    def write_rows():
        for first in range(0, len(in_file), ANSWERS_READ_PER_QUERY):
            part = in_file[first:first + ANSWERS_READ_PER_QUERY]
            given = answers_of([response[0] for response, _facts in part])
            for number, (response, facts_shown) in enumerate(part, start=first + 1):
                response_id, submitted_at, relationship, language = response[:4]
                cells = [format_cell(value) for format_cell, value in
                         zip(formatters, given[response_id], strict=True)]
                attributes = [relationships.get(relationship, relationship or ""),
                              languages.get(language, language or ""),
                              "; ".join(sorted(named_schools.get(response_id, ())))]
                if anonymous:
                    fixed = [as_utc(submitted_at).date().isoformat()]
                else:
                    respondent_id, name, email = response[5:]
                    fixed = [as_utc(submitted_at).astimezone(district_zone).strftime("%Y-%m-%d %H:%M"),
                             respondent_id or "", name or "", email or ""]
                attributes = [value if fact in facts_shown else WITHHELD
                              for value, fact in zip(attributes, ("relationship", "language", "school_id"),
                                                     strict=True)]
                for i, fact in profile_columns.items():
                    if fact not in facts_shown:
                        cells[i] = WITHHELD
                yield [number, *(safe_cell(value) if value and str(value)[0] in FORMULA_STARTS else value
                                 for value in (*fixed, *attributes, *cells))]

    return header, in_file, write_rows


def _responses(conditions: list, anonymous: bool) -> list:
    """The group's responses in file order: by time, or shuffled within each day when anonymous."""
    if anonymous:
        rows = db.session.connection().execute(
            select(SurveyResponse.id, SurveyResponse.submitted_at, SurveyResponse.relationship_to_district,
                   SurveyResponse.language, SurveyResponse.facts_key).where(*conditions)
        ).all()
        shuffle = random.SystemRandom()
        keyed = [(row.submitted_at.date(), shuffle.random(), row) for row in rows]
        return [row for _day, _key, row in sorted(keyed, key=lambda item: item[:2])]
    return db.session.connection().execute(
        select(SurveyResponse.id, SurveyResponse.submitted_at, SurveyResponse.relationship_to_district,
               SurveyResponse.language, SurveyResponse.facts_key, SurveyResponse.respondent_id,
               User.display_name, User.email)
        .outerjoin(User, User.id == SurveyResponse.respondent_id)
        .where(*conditions)
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
    ).all()


def _answer_formatter(question: SurveyQuestion, schools: list[tuple[int, str]]):
    """A function turning one question's answers (see _build_csv) into its
    cell: option labels in the question's order, "; " between them, and
    "Other: what they typed"; text as typed."""
    if question.kind in QuestionKind.TEXT_KINDS:
        def text_cell(value) -> str:
            if value is None:
                return ""
            if type(value) is list:
                return "\n".join(text or "" for _key, text in value)
            return value[1] or ""
        return text_cell
    options = answer_options(question, SurveyWording([question.survey], content_language()), schools)
    order = {option.key: position for position, option in enumerate(options)}
    labels = {option.key: option.label for option in options}
    last = len(order)

    def label(answer) -> str:
        if type(answer) is tuple:
            key, text = answer
            if key == OTHER_OPTION_KEY:
                return f"{labels.get(key, 'Other')}: {text}"
            answer = key
        return labels.get(answer, NO_LONGER_OFFERED)

    def key_of(answer) -> str | None:
        return answer[0] if type(answer) is tuple else answer

    def cell(value) -> str:
        if value is None:
            return ""
        if type(value) is not list:
            return label(value)
        return "; ".join(label(answer) for answer in sorted(value, key=lambda a: order.get(key_of(a), last)))

    return cell
