"""Every privacy rule of "who we are hearing from", on the read model, the page and the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.leadership.participation import ALL, COMMENTS, LANGUAGE, SCHOOL, SURVEYS, hearing_from
from engage.models import utcnow
from engage.orgs.models import School
from tests.leadership.factories import (add_commenters, add_responses, commented_plan, make_school, plan_survey,
                                        set_figures)

YEAR = "2026-27"


def row(report, dimension, name_or_key):
    """A school's row by name, or another group's by key."""
    return next(r for r in report.breakdown(dimension).rows
                if r.key == name_or_key or isinstance(r.label, str) and r.label == name_or_key)


def csv_rows(client, query=""):
    response = client.get(f"/leadership/participation.csv{query}")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _schools(*names):
    return [db.session.query(School).filter_by(name=name).one() for name in names]


@pytest.fixture
def three_schools(app):
    """12 commenters at Ash, 15 at Birch, 3 at Cedar."""
    ash, birch, cedar = make_school("Ash"), make_school("Birch"), make_school("Cedar")
    plan = commented_plan()
    add_commenters(12, plan, schools=[ash])
    add_commenters(15, plan, schools=[birch])
    add_commenters(3, plan, schools=[cedar])
    return plan


def test_rule_1_small_group_hidden_with_its_complement(users, three_schools):
    report = hearing_from(users["leader"])
    assert row(report, SCHOOL, "Cedar").counts[ALL] is None
    # Ash alone would give Cedar away from the total of 30: it is hidden too, the larger Birch stays.
    assert row(report, SCHOOL, "Ash").counts[ALL] is None
    assert row(report, SCHOOL, "Birch").counts[ALL] == 15
    assert report.totals[ALL] == 30


def test_rule_1_no_complement_needed_when_nothing_is_small(users):
    ash, birch = make_school("Ash"), make_school("Birch")
    plan = commented_plan()
    add_commenters(12, plan, schools=[ash])
    add_commenters(15, plan, schools=[birch])
    report = hearing_from(users["leader"])
    assert row(report, SCHOOL, "Ash").counts[ALL] == 12 and row(report, SCHOOL, "Birch").counts[ALL] == 15


def test_rule_1_on_the_page_and_in_the_csv(client_as, three_schools):
    leader = client_as("leader")
    html = leader.get("/leadership/participation").get_data(as_text=True)
    cedar_row = html.split('<th scope="row">Cedar</th>', 1)[1].split("</tr>", 1)[0]
    assert "hidden" in cedar_row and ">3<" not in cedar_row
    rows = {(r[0], r[1]): r for r in csv_rows(leader)}
    assert rows[("By school", "Cedar")][2:7] == ["hidden"] * 5
    assert rows[("By school", "Ash")][6] == "hidden"
    assert rows[("By school", "Birch")][6] == "15"


@pytest.mark.parametrize(("responders", "comments_shown"), [(5, False), (10, True)])
def test_rule_2_channel_hidden_when_close_to_its_rows_all_channel_count(users, responders, comments_shown):
    ash = make_school("Ash")
    plan = commented_plan()
    add_commenters(15, plan, schools=[ash])
    add_responses(responders, plan_survey(plan), schools=[ash])
    report = hearing_from(users["leader"])
    ash_row = row(report, SCHOOL, "Ash")
    assert ash_row.counts[ALL] == 15 + responders
    assert (ash_row.counts[COMMENTS] == 15) is comments_shown
    assert (ash_row.counts[COMMENTS] is None) is not comments_shown
    # The summary cards are a row too.
    assert (report.totals[COMMENTS] is None) is not comments_shown


def test_rule_2_equal_counts_are_shown(users):
    ash = make_school("Ash")
    add_commenters(12, commented_plan(), schools=[ash])
    ash_row = row(hearing_from(users["leader"]), SCHOOL, "Ash")
    assert ash_row.counts[COMMENTS] == 12 and ash_row.counts[ALL] == 12 and ash_row.counts[SURVEYS] == 0


@pytest.mark.parametrize(("elsewhere", "shown"), [(4, False), (10, True), (0, True)])
def test_rule_3_plan_filter_cell_hidden_when_close_to_the_unfiltered_cell(users, elsewhere, shown):
    ash = make_school("Ash")
    plan, other = commented_plan("One"), commented_plan("Two")
    add_commenters(15, plan, schools=[ash])
    add_commenters(elsewhere, other, schools=[ash])
    filtered = hearing_from(users["leader"], plan_id=plan.id)
    assert filtered.plan_id == plan.id
    assert (row(filtered, SCHOOL, "Ash").counts[ALL] == 15) is shown
    assert (filtered.totals[ALL] == 15) is shown
    # Without the filter the same people are shown: only the filtered cell is hidden.
    assert row(hearing_from(users["leader"]), SCHOOL, "Ash").counts[ALL] == 15 + elsewhere


def test_rule_3_applies_to_the_csv_too(client_as, users):
    ash = make_school("Ash")
    plan, other = commented_plan("One"), commented_plan("Two")
    add_commenters(15, plan, schools=[ash])
    add_commenters(4, other, schools=[ash])
    leader = client_as("leader")
    filtered = {(r[0], r[1]): r for r in csv_rows(leader, f"?plan={plan.id}")}
    unfiltered = {(r[0], r[1]): r for r in csv_rows(leader)}
    assert filtered[("By school", "Ash")][6] == "hidden"
    assert unfiltered[("By school", "Ash")][6] == "19"


def test_rule_4_months_under_10_hidden(users):
    plan = commented_plan()
    add_commenters(12, plan)
    add_commenters(11, plan, at=utcnow() - timedelta(days=35))
    add_commenters(4, plan, at=utcnow() - timedelta(days=70))
    months = hearing_from(users["leader"]).months
    # 4 hidden, and 11 with it: the total (27) minus the months shown would give the 4 away.
    assert [m.counts[ALL] for m in months] == [None, None, 12]
    assert [m.counts[COMMENTS] for m in months] == [None, None, 12]


def test_rule_5_rates_shares_and_gaps_from_shown_counts_only(users, three_schools):
    set_figures(YEAR, {school: 100 for school in _schools("Ash", "Birch", "Cedar")})
    report = hearing_from(users["leader"])
    ash, birch, cedar = (row(report, SCHOOL, name) for name in ("Ash", "Birch", "Cedar"))
    assert birch.rate == pytest.approx(15.0)
    assert birch.participant_share == pytest.approx(50.0)  # 15 of the 30 people
    assert birch.enrollment_share == pytest.approx(100 / 3)
    assert birch.gap == pytest.approx(50.0 - 100 / 3)
    for hidden in (ash, cedar):
        assert hidden.rate is None and hidden.participant_share is None and hidden.gap is None
        assert hidden.enrolled == 100


def test_rule_5_enrollment_of_1_to_9_is_fewer_than_10_and_gives_no_rate(client_as, users):
    ash = make_school("Ash")
    add_commenters(12, commented_plan(), schools=[ash])
    set_figures(YEAR, {ash: 7})
    ash_row = row(hearing_from(users["leader"]), SCHOOL, "Ash")
    assert ash_row.enrolled is None and ash_row.enrolled_small and ash_row.rate is None
    html = client_as("leader").get("/leadership/participation").get_data(as_text=True)
    assert "fewer than 10" in html.split('<th scope="row">Ash</th>', 1)[1].split("</tr>", 1)[0]
    rows = {(r[0], r[1]): r for r in csv_rows(client_as("leader"))}
    assert rows[("By school", "Ash")][7] == "fewer than 10" and rows[("By school", "Ash")][8] == ""


def test_gap_by_language(users):
    plan = commented_plan()
    add_commenters(30, plan, language="en")
    add_commenters(10, plan, language="es")
    set_figures(YEAR, {("language", "en"): 600, ("language", "es"): 400})
    report = hearing_from(users["leader"])
    english, spanish = row(report, LANGUAGE, "en"), row(report, LANGUAGE, "es")
    assert english.gap == pytest.approx(15.0) and spanish.gap == pytest.approx(-15.0)
    assert spanish.rate == pytest.approx(2.5)


def test_csv_holds_exactly_the_pages_values(client_as, three_schools):
    set_figures(YEAR, {school: 100 for school in _schools("Ash", "Birch", "Cedar")})
    leader = client_as("leader")
    html = leader.get("/leadership/participation").get_data(as_text=True)
    rows = {(r[0], r[1]): r for r in csv_rows(leader)}
    birch = rows[("By school", "Birch")]
    assert birch[2:7] == ["15", "0", "0", "0", "15"]
    assert birch[7:] == ["100", "15.0", "50.0", "33.3", "16.7"]
    birch_html = html.split('<th scope="row">Birch</th>', 1)[1].split("</tr>", 1)[0]
    for value in ("15", "100", "15.0", "50.0%", "33.3%", "+16.7"):
        assert value in birch_html
    assert rows[("Everyone", "All people heard from")][6] == "30"


def test_csv_guards_formulas_and_is_audited(client_as, users):
    school = make_school("=HYPERLINK(\"x\")")
    add_commenters(12, commented_plan(), schools=[school])
    leader = client_as("leader")
    rows = csv_rows(leader)
    assert any(r[1] == "'=HYPERLINK(\"x\")" for r in rows)
    event = db.session.query(AuditEvent).filter_by(action="participation.exported").one()
    assert event.actor_id == users["leader"].id



def test_a_hidden_all_channel_count_is_not_given_away_by_its_row(users):
    # All channels: Chinese (3) is hidden and Vietnamese (11) with it. Vietnamese comments (11, with 0 in every
    # other channel) would pin the hidden 11, and the total minus the shown groups would then give the 3 away.
    plan = commented_plan()
    add_commenters(30, plan, language="en")
    add_commenters(11, plan, language="vi")
    add_commenters(3, plan, language="zh")
    add_commenters(10, plan, language="es")
    add_responses(5, plan_survey(plan), language="es")
    report = hearing_from(users["leader"])
    vietnamese = row(report, LANGUAGE, "vi")
    assert vietnamese.counts[ALL] is None and vietnamese.counts[COMMENTS] is None
    assert row(report, LANGUAGE, "en").counts[ALL] == 30
    for group in report.breakdown(LANGUAGE).rows:
        if group.counts[ALL] is None:
            assert not any(group.counts[c] for c in (COMMENTS, SURVEYS))


def test_a_hidden_channel_is_not_given_away_by_its_rows_all_channel_count(users):
    # Comments: Chinese (3) is hidden and Vietnamese (11) with it. Vietnamese people took part only by commenting,
    # so a shown all-channel 11 would pin the hidden comments.
    plan = commented_plan()
    add_commenters(30, plan, language="en")
    add_commenters(11, plan, language="vi")
    add_commenters(3, plan, language="zh")
    add_responses(10, plan_survey(plan), language="zh")
    vietnamese = row(hearing_from(users["leader"]), LANGUAGE, "vi")
    assert vietnamese.counts[COMMENTS] is None and vietnamese.counts[ALL] is None
