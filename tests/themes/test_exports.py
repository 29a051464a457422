"""The CSV of an analysis's items and the printable board report: content, escaping, privacy, roles and audit."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from engage.accounts.models import ParticipantProfile
from engage.audit.models import AuditEvent
from engage.comments.models import Comment
from engage.extensions import db
from engage.plans import services as plans
from engage.surveys.models import QuestionKind, SurveyAnonymity
from engage.themes import services
from engage.themes.exports import CSV_HEADER, plan_slug
from engage.themes.models import Theme, ThemeStatus
from tests.plans.factories import make_plan
from tests.support.queries import count_queries
from tests.support.web import as_a_server_would
from tests.surveys.factories import add_response, make_school, make_survey, question_of
from tests.themes.factories import TOPICS, add_comments, make_feedback_plan

NON_LEADERS = ("participant", "host", "moderator")


def analysed(per_topic: int = 12, **fields):
    """A plan with comments on three topics, and its default analysis run once."""
    plan = make_feedback_plan(per_topic=per_topic, **fields)
    analysis = services.default_analysis(None, plan.id)
    services.run_analysis_now(None, analysis)
    return plan, analysis


def csv_url(analysis) -> str:
    return f"/themes/analyses/{analysis.id}/export.csv"


def report_url(analysis) -> str:
    return f"/themes/analyses/{analysis.id}/report"


def rows_of(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv", response.status_code
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def header_of(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def row_for(rows: list[dict], comment: Comment) -> dict:
    return next(row for row in rows if row["Source"] == "Plan comment" and row["Source id"] == str(comment.id))


def themes_of(analysis) -> list[Theme]:
    db.session.expire_all()
    return services.active_themes(analysis)


# The CSV --------------------------------------------------------------------------

def test_the_csv_has_every_item_with_its_theme(client_as, users):
    plan, analysis = analysed()
    leader, url = client_as("leader"), csv_url(analysis)
    rows = rows_of(as_a_server_would(lambda: leader.get(url)))
    comments = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)).all()
    assert len(rows) == len(comments) == 36
    themes = {theme.key: theme.label for theme in themes_of(analysis)}
    for row in rows:
        assert row["Source"] == "Plan comment" and row["Theme key"] in themes
        assert row["Theme"] == themes[row["Theme key"]]
        assert row["Assigned by"] == "run" and row["Off-topic"] == "no"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["Date"])
        assert row["Plan section"] in {"Goal 1", "Goal 2"} and row["Language"] in {"English", "Spanish"}
        assert 0 <= float(row["Strength"]) <= 1 and row["Support"] == "0"
    texts = {row["Text"] for row in rows}
    assert texts == {comment.body for comment in comments}
    assert {row["Representative"] for row in rows} >= {"1", "2", "3", ""}


def test_the_csv_follows_renames_merges_moves_and_off_topic_marks(client_as, users):
    plan, analysis = analysed()
    leader = users["leader"]
    first, second, third = themes_of(analysis)[:3]
    services.rename_theme(leader, third, "Getting to school")
    services.merge_themes(leader, first, second)
    comments = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id).order_by(Comment.id)).all()
    moved, off = comments[0], comments[1]
    services.move_item(leader, analysis, "comment", moved.id, None)
    services.set_off_topic(leader, analysis, "comment", off.id, True)
    rows = rows_of(client_as("leader").get(csv_url(analysis)))
    assert not any(row["Theme key"] == first.key for row in rows)
    assert any(row["Theme key"] == second.key and row["Theme"] == second.label for row in rows)
    assert any(row["Theme"] == "Getting to school" and row["Theme key"] == third.key for row in rows)
    assert (row_for(rows, moved)["Theme"], row_for(rows, moved)["Theme key"],
            row_for(rows, moved)["Assigned by"]) == ("Other (fits no theme)", "", "leader")
    assert (row_for(rows, off)["Theme"], row_for(rows, off)["Off-topic"]) == ("Off-topic", "yes")


def test_feedback_since_the_last_run_is_marked_new_in_the_csv(client_as, users):
    plan, analysis = analysed()
    new = add_comments(plan, per_topic=1, topics={"bus": TOPICS["bus"]}, start=50)
    rows = rows_of(client_as("leader").get(csv_url(analysis)))
    assert len(rows) == 37
    assert row_for(rows, new[0])["Assigned by"] == "nearest (new since last run)"
    assert row_for(rows, new[0])["Theme key"] != ""


def test_sections_and_actions_are_named_even_when_taken_out_of_the_draft_since(client_as, users):
    plan = make_plan("Named parts")
    version = plans.publish_version(users["leader"], plan, status="draft")
    first, second = plan.sections
    kept, removed = (Comment(plan_id=plan.id, version_id=version.id, author_id=users["participant"].id,
                             section_key=section.key, action_key=section.actions[0].key, body=body,
                             submission_token=body, language="en")
                     for section, body in ((first, "On the first goal"), (second, "On the second goal")))
    db.session.add_all([kept, removed])
    second.title = "Goal 2 renamed"
    db.session.delete(first)
    db.session.commit()
    rows = rows_of(client_as("leader").get(csv_url(services.default_analysis(None, plan.id))))
    assert (row_for(rows, kept)["Plan section"], row_for(rows, kept)["Action"]) == ("Goal 1", "1 Action 1.1")
    assert (row_for(rows, removed)["Plan section"], row_for(rows, removed)["Action"]) == (
        "Goal 2 renamed", "1 Action 2.1")


def test_before_any_run_every_item_is_listed_as_not_assigned(client_as, users):
    plan = make_feedback_plan(per_topic=2)
    analysis = services.default_analysis(None, plan.id)
    rows = rows_of(client_as("admin").get(csv_url(analysis)))
    assert len(rows) == 6
    assert {(row["Theme"], row["Assigned by"]) for row in rows} == {("Other (fits no theme)", "not assigned yet")}


def test_facts_about_people_are_never_on_a_row(client_as, users):
    plan = make_feedback_plan(per_topic=2)
    school = make_school("Zebrawood Academy")
    author_ids = db.session.scalars(select(Comment.author_id).where(Comment.plan_id == plan.id)).all()
    for author_id in author_ids:
        profile = ParticipantProfile(user_id=author_id, relationship_to_district="grandparent",
                                     preferred_language="vi", race_ethnicity=[])
        profile.schools = [school]
        db.session.add(profile)
    db.session.commit()
    response = client_as("leader").get(csv_url(services.default_analysis(None, plan.id)))
    assert header_of(response) == CSV_HEADER
    text = response.data.decode("utf-8-sig")
    assert "Zebrawood" not in text and "grandparent" not in text.lower() and "Vietnamese" not in text
    assert "@example.org" not in text and "parent 0" not in text  # no names or emails either


def test_answers_to_anonymous_surveys_carry_no_database_id(client_as, users):
    plan = make_feedback_plan(per_topic=1)
    identified = make_survey("Named", plan_id=plan.id)
    anonymous = make_survey("Anonymous", plan_id=plan.id, anonymity=SurveyAnonymity.ANONYMOUS)
    add_response(identified, {question_of(identified, QuestionKind.LONG_TEXT): "Named answer about buses"})
    add_response(anonymous, {question_of(anonymous, QuestionKind.LONG_TEXT): "Secret answer about buses"})
    rows = rows_of(client_as("leader").get(csv_url(services.default_analysis(None, plan.id))))
    named = next(row for row in rows if row["Text"] == "Named answer about buses")
    secret = next(row for row in rows if row["Text"] == "Secret answer about buses")
    assert named["Source"] == secret["Source"] == "Survey answer"
    assert named["Source id"].isdigit() and secret["Source id"] == ""


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx",
                                   "\rx"])
def test_cells_a_spreadsheet_would_run_start_with_a_quote(client_as, users, typed):
    plan, analysis = analysed(per_topic=6)
    comment = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)).first()
    comment.body = typed
    db.session.commit()
    services.rename_theme(users["leader"], themes_of(analysis)[0], "=cmd|' /C calc'!A0")
    rows = rows_of(client_as("leader").get(csv_url(analysis)))
    assert row_for(rows, comment)["Text"] == "'" + typed
    assert "'=cmd|' /C calc'!A0" in {row["Theme"] for row in rows}
    assert not any(value[:1] in "=+-@\t\r" for row in rows for value in row.values() if value)


def test_commas_quotes_and_line_breaks_in_text_survive_the_file(client_as, users):
    plan = make_feedback_plan(per_topic=1)
    comment = db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)).first()
    comment.body = 'Buses, "always" late;\nsecond line <script>alert(1)</script> ¿Qué más? niñas'
    db.session.commit()
    rows = rows_of(client_as("leader").get(csv_url(services.default_analysis(None, plan.id))))
    assert row_for(rows, comment)["Text"] == comment.body


def test_the_file_is_utf8_with_a_byte_order_mark_and_a_dated_name_with_the_plans_slug(client_as, users):
    plan = make_feedback_plan(per_topic=1, title="Plan de Equidad: Año 2026/27 \"Familias\"")
    response = client_as("leader").get(csv_url(services.default_analysis(None, plan.id)))
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r'attachment; filename="plan-de-equidad-ano-2026-27-familias-themes-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["Content-Disposition"])


def test_a_further_analysis_has_its_number_in_the_file_name(client_as, users):
    plan = make_feedback_plan(per_topic=1)
    analysis = services.create_analysis(users["leader"], plan.id, title="Comments only", sources=["comment"])
    response = client_as("leader").get(csv_url(analysis))
    assert f'-themes-{analysis.id}-' in response.headers["Content-Disposition"]


def test_plan_slugs_are_plain_ascii():
    assert plan_slug("Équité & Réussite — 2026") == "equite-reussite-2026"
    assert plan_slug("学校计划") == "plan"
    assert len(plan_slug("x" * 300)) == 60


def test_each_download_leaves_an_audit_row(client_as, users):
    plan, analysis = analysed(per_topic=4)
    client_as("admin").get(csv_url(analysis))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "themes.exported")).one()
    assert (event.actor_id, event.target_type, event.target_id) == (users["admin"].id, "theme_analysis", analysis.id)
    assert event.details == {"plan_id": plan.id, "rows": 12}
    assert "Downloaded feedback with its themes" in client_as("admin").get("/admin/audit").get_data(as_text=True)


@pytest.mark.parametrize("role", NON_LEADERS)
def test_only_leaders_and_admins_download_the_csv(client_as, users, role):
    plan = make_feedback_plan(per_topic=1)
    analysis = services.default_analysis(None, plan.id)
    assert client_as(role).get(csv_url(analysis)).status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "themes.exported")) is None


def test_signed_out_people_are_sent_to_sign_in(client_as, users):
    plan = make_feedback_plan(per_topic=1)
    analysis = services.default_analysis(None, plan.id)
    for url in (csv_url(analysis), report_url(analysis)):
        response = client_as("anonymous").get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/themes/analyses/999999/export.csv", "/themes/analyses/99999999999/export.csv",
                                  "/themes/analyses/0/report", "/themes/analyses/x/report",
                                  "/themes/analyses/999999/report"])
def test_unknown_analyses_are_not_found(client_as, users, path):
    assert client_as("leader").get(path).status_code == 404


def test_the_csv_costs_the_same_number_of_queries_however_many_items(client_as, users):
    client = client_as("leader")

    def queries(per_topic: int) -> int:
        _plan, analysis = analysed(per_topic=per_topic)
        client.get(csv_url(analysis))  # places nothing new, but warms up
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(csv_url(analysis)).status_code == 200
        return counter.count

    assert queries(4) == queries(16)


# The printable report -------------------------------------------------------------

def test_the_report_shows_the_themes_ranked_by_people_with_counts_quotes_and_responses(client_as, users):
    plan, analysis = analysed()
    leader = users["leader"]
    themes = themes_of(analysis)
    published, draft = themes[0], themes[1]
    services.save_response(leader, published, heard="Buses are late.\nEvery day.", will_do="New routes in May.",
                           publish=True)
    services.save_response(leader, draft, heard="Families want interpreters.", will_do="", publish=False)
    page = client_as("leader").get(report_url(analysis))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert f"What we heard: {plan.title}" in html and "Feedback by channel" in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    positions = [html.index(f'id="theme-{theme.id}-heading"') for theme in themes]
    assert len(positions) == len(themes)
    summaries = sorted(((html.index(f'id="theme-{t.id}-heading"'), t) for t in themes), key=lambda p: p[0])
    people = [int(re.search(rf'id="theme-{t.id}-heading".*?<strong>(\d+)</strong>', html, re.S).group(1))
              for _pos, t in summaries]
    assert people == sorted(people, reverse=True) and sum(people) == 36
    assert "Buses are late.<br>Every day." in html and "New routes in May." in html
    assert "Published on the plan" in html and "Draft: not published yet." in html
    assert "Families want interpreters." in html
    assert html.count("<blockquote") <= 3 * len(themes) and "<blockquote" in html
    assert "data-print-button hidden" in html
    assert re.search(r"js/toolkit\.\w+\.js", html) and re.search(r"css/print-report\.\w+\.css", html)
    assert "Print command" in html  # the way to print without JavaScript
    assert f'href="/themes/analyses/{analysis.id}"' in html and f'href="{csv_url(analysis)}"' in html


def test_the_report_escapes_what_people_wrote(client_as, users):
    plan, analysis = analysed(per_topic=6)
    for comment in db.session.scalars(select(Comment).where(Comment.plan_id == plan.id)):
        comment.body = f"<script>alert('x')</script> {comment.body}"
    db.session.commit()
    theme = themes_of(analysis)[0]
    services.rename_theme(users["leader"], theme, "<b>bold</b>")
    services.save_response(users["leader"], theme, heard="<img src=x onerror=alert(1)>", will_do="<i>ok</i>",
                           publish=True)
    html = client_as("leader").get(report_url(analysis)).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<img" not in html and "<i>ok</i>" not in html


def test_the_report_before_any_run_says_to_run_the_analysis(client_as, users):
    plan = make_feedback_plan(per_topic=2)
    html = client_as("leader").get(report_url(services.default_analysis(None, plan.id))).get_data(as_text=True)
    assert "The analysis has not been run yet." in html and "There are no themes yet." in html
    assert "6 items fit no theme" in html


def test_the_report_names_a_further_analysiss_scope(client_as, users):
    plan = make_feedback_plan(per_topic=1)
    analysis = services.create_analysis(users["leader"], plan.id, title="Since the town hall",
                                        sources=["comment", "survey_answer"])
    html = client_as("leader").get(report_url(analysis)).get_data(as_text=True)
    assert "Since the town hall: Plan comments, Survey answers" in html


def test_merged_and_retired_themes_are_left_out_of_the_report(client_as, users):
    _plan, analysis = analysed()
    first, second = themes_of(analysis)[:2]
    services.merge_themes(users["leader"], first, second)
    html = client_as("leader").get(report_url(analysis)).get_data(as_text=True)
    assert f'id="theme-{first.id}-heading"' not in html and f'id="theme-{second.id}-heading"' in html
    assert db.session.get(Theme, first.id).status == ThemeStatus.MERGED


@pytest.mark.parametrize("role", NON_LEADERS)
def test_only_leaders_and_admins_read_the_report(client_as, users, role):
    plan = make_feedback_plan(per_topic=1)
    analysis = services.default_analysis(None, plan.id)
    assert client_as(role).get(report_url(analysis)).status_code == 403
    assert client_as("admin").get(report_url(analysis)).status_code == 200


def test_the_report_costs_the_same_number_of_queries_however_many_themes_and_items(client_as, users):
    client = client_as("leader")

    def queries(per_topic: int) -> int:
        _plan, analysis = analysed(per_topic=per_topic)
        for theme in themes_of(analysis):
            services.save_response(users["leader"], theme, heard="Heard", will_do="Will do", publish=True)
        client.get(report_url(analysis))
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(report_url(analysis)).status_code == 200
        return counter.count

    assert queries(4) == queries(16)


def test_a_survey_answer_from_a_rare_mix_of_facts_carries_no_language_in_the_file_or_the_filters(client_as, users):
    # The language on a survey answer is the respondent's: next to the text it would say who wrote it.
    plan, analysis = analysed()
    survey = make_survey("Buses", plan_id=plan.id)
    text = question_of(survey, QuestionKind.LONG_TEXT)
    school = make_school()
    for i in range(30):
        add_response(survey, {text: f"The bus is late again ({i})"}, relationship="parent", language="es",
                     schools=[school], commit=False)
    for i in range(2):  # the only Somali-speaking community members: a group of two
        add_response(survey, {text: f"Only we would write this about the bus ({i})"}, relationship="community",
                     language="so", schools=[school], commit=False)
    db.session.commit()
    client = client_as("leader")
    rows = {row["Text"]: row for row in rows_of(client.get(csv_url(analysis)))}
    assert rows["Only we would write this about the bus (0)"]["Language"] == ""
    assert rows["The bus is late again (0)"]["Language"] == ""  # set aside with them, so they are not two
    pages = [f"/themes/analyses/{analysis.id}/themes/{theme.id}" for theme in themes_of(analysis)]
    for page in [*pages, f"/themes/analyses/{analysis.id}/other"]:
        everything = client.get(page).get_data(as_text=True)
        filtered = client.get(f"{page}?language=so").get_data(as_text=True)
        assert "Only we would write this" not in filtered, page
        assert 'value="so"' not in everything, page  # no language filter offers them
    assert sum("Only we would write this" in client.get(page).get_data(as_text=True)
               for page in [*pages, f"/themes/analyses/{analysis.id}/other"]) >= 1  # still listed, unfiltered
