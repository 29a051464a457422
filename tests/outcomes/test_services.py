"""Linking feedback to what it led to: who may, what is checked, one link per form, the audit trail."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select
from engage.domain import RecordNotFound

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.outcomes import services
from engage.outcomes.models import FeedbackOutcome, OutcomeComment
from engage.permissions import PermissionDenied
from engage.themes.models import ThemeStatus
from tests.outcomes.factories import add_comment, add_theme, first_action, link, make_revised_plan
from tests.plans.factories import make_plan


@pytest.fixture
def plan(users):
    return make_revised_plan(users["leader"])


@pytest.fixture
def theme(plan):
    return add_theme(plan)


def refused_field(actor, plan, **fields) -> str:
    with pytest.raises(services.OutcomeRefused) as refused:
        link(actor, plan, **fields)
    with current_app.test_request_context():
        assert str(refused.value.message)
    return refused.value.field


def outcome_count() -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackOutcome))


# Who may --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["participant", "host", "moderator"])
def test_only_people_who_manage_themes_may_link(users, plan, theme, role):
    with pytest.raises(PermissionDenied):
        link(users[role], plan, theme_id=theme.id, action_key=first_action(plan).key)
    assert outcome_count() == 0


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_leaders_and_admins_may_link_change_and_delete(users, plan, theme, role):
    outcome = link(users[role], plan, theme_id=theme.id, action_key=first_action(plan).key)
    services.update_outcome(users[role], outcome.id, theme_id=theme.id, section_key=plan.sections[1].key,
                            explanation="Changed.")
    assert db.session.get(FeedbackOutcome, outcome.id).section_key == plan.sections[1].key
    services.delete_outcome(users[role], outcome.id)
    assert outcome_count() == 0


@pytest.mark.parametrize("role", ["participant", "host", "moderator"])
def test_only_people_who_manage_themes_may_change_or_delete(users, plan, theme, role):
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    with pytest.raises(PermissionDenied):
        services.update_outcome(users[role], outcome.id, theme_id=theme.id, explanation="Mine now.",
                                action_key=first_action(plan).key)
    with pytest.raises(PermissionDenied):
        services.delete_outcome(users[role], outcome.id)
    assert db.session.get(FeedbackOutcome, outcome.id).explanation == "We added a late bus."


# What is checked ---------------------------------------------------------------------


def test_a_link_is_saved_with_its_theme_comments_target_and_explanation(users, plan, theme):
    comments = [add_comment(plan), add_comment(plan, "Buses are late.")]
    version = plan.versions[-1]
    outcome = link(users["leader"], plan, theme_id=theme.id, comment_ids=[c.id for c in comments],
                   version_id=version.id, action_key=first_action(plan).key, explanation="  Late bus added. ",
                   explanation_es="Autobús tardío.")
    saved = db.session.get(FeedbackOutcome, outcome.id)
    assert (saved.plan_id, saved.theme_id, saved.version_id, saved.action_key, saved.section_key) == (
        plan.id, theme.id, version.id, first_action(plan).key, None)
    assert saved.explanation == "Late bus added."
    assert sorted(link.comment_id for link in saved.comment_links) == sorted(c.id for c in comments)
    assert saved.created_by_id == users["leader"].id


def test_a_version_alone_is_a_target(users, plan, theme):
    outcome = link(users["leader"], plan, theme_id=theme.id, version_id=plan.versions[-1].id)
    assert outcome.section_key is None and outcome.action_key is None


def test_a_section_alone_is_a_target(users, plan, theme):
    outcome = link(users["leader"], plan, theme_id=theme.id, section_key=plan.sections[1].key)
    assert outcome.section_key == plan.sections[1].key


def test_comments_alone_are_a_source(users, plan):
    outcome = link(users["leader"], plan, comment_ids=[add_comment(plan).id], action_key=first_action(plan).key)
    assert outcome.theme_id is None and len(outcome.comment_links) == 1


def test_a_target_is_required(users, plan, theme):
    assert refused_field(users["leader"], plan, theme_id=theme.id) == "target"


def test_a_theme_or_a_comment_is_required(users, plan):
    assert refused_field(users["leader"], plan, action_key=first_action(plan).key) == "theme_id"


@pytest.mark.parametrize("explanation", ["", "   \n ", None])
def test_an_explanation_is_required(users, plan, theme, explanation):
    assert refused_field(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key,
                         explanation=explanation) == "explanation"


def test_explanations_over_2000_characters_are_refused(users, plan, theme):
    key = first_action(plan).key
    assert refused_field(users["leader"], plan, theme_id=theme.id, action_key=key,
                         explanation="x" * 2001) == "explanation"
    assert link(users["leader"], plan, theme_id=theme.id, action_key=key, explanation="x" * 2000)


def test_another_plans_theme_is_refused(users, plan):
    other = make_revised_plan(users["leader"], "Another plan")
    assert refused_field(users["leader"], plan, theme_id=add_theme(other).id,
                         action_key=first_action(plan).key) == "theme_id"


@pytest.mark.parametrize("theme_id", [0, -1, 2**31, 999_999, True, "1"])
def test_themes_that_do_not_exist_are_refused(users, plan, theme_id):
    assert refused_field(users["leader"], plan, theme_id=theme_id, action_key=first_action(plan).key) == "theme_id"


def test_a_theme_of_any_status_may_be_linked(users, plan):
    retired = add_theme(plan, "Old theme", status=ThemeStatus.RETIRED)
    assert link(users["leader"], plan, theme_id=retired.id, action_key=first_action(plan).key).theme_id == retired.id


def test_comments_on_another_plan_hidden_deleted_or_official_are_refused(users, plan, theme):
    other = make_revised_plan(users["leader"], "Another plan")
    key = first_action(plan).key
    for comment in (add_comment(other), add_comment(plan, status="hidden"), add_comment(plan, status="deleted"),
                    add_comment(plan, official=True)):
        assert refused_field(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id],
                             action_key=key) == "comment_ids"
    assert refused_field(users["leader"], plan, comment_ids=[999_999], action_key=key) == "comment_ids"
    assert refused_field(users["leader"], plan, comment_ids=["1"], action_key=key) == "comment_ids"
    assert outcome_count() == 0


def test_at_most_fifty_comments_per_link(users, plan):
    key = first_action(plan).key
    assert refused_field(users["leader"], plan, comment_ids=list(range(1, 52)), action_key=key) == "comment_ids"


def test_the_same_comment_twice_is_linked_once(users, plan):
    comment = add_comment(plan)
    outcome = link(users["leader"], plan, comment_ids=[comment.id, comment.id], action_key=first_action(plan).key)
    assert [link.comment_id for link in outcome.comment_links] == [comment.id]


def test_another_plans_version_is_refused(users, plan, theme):
    other = make_revised_plan(users["leader"], "Another plan")
    assert refused_field(users["leader"], plan, theme_id=theme.id, version_id=other.versions[-1].id) == "version_id"
    assert refused_field(users["leader"], plan, theme_id=theme.id, version_id=0) == "version_id"


def test_keys_must_be_in_the_latest_version_without_a_version(users, plan, theme):
    other = make_revised_plan(users["leader"], "Another plan")
    for fields in ({"action_key": first_action(other).key}, {"section_key": other.sections[0].key},
                   {"action_key": "nope"}, {"action_key": "x" * 21}, {"section_key": 12}):
        assert refused_field(users["leader"], plan, theme_id=theme.id, **fields) == "target"


def test_an_action_must_be_in_the_section_named_with_it(users, plan, theme):
    assert refused_field(users["leader"], plan, theme_id=theme.id, section_key=plan.sections[1].key,
                         action_key=first_action(plan).key) == "target"


def test_keys_must_be_in_the_chosen_version(users, plan, theme):
    """An action added in version 2 cannot be "changed in version 1"."""
    from engage.plans import services as plans

    action = plans.save_action(users["leader"], plan, plan.sections[0], None, number="9", title="New action",
                               description="", responsible_office="", months=[], indicators=[])
    plans.publish_version(users["leader"], plan, status="revised_draft")
    first_version = plan.versions[0]
    assert refused_field(users["leader"], plan, theme_id=theme.id, version_id=first_version.id,
                         action_key=action.key) == "target"
    assert link(users["leader"], plan, theme_id=theme.id, version_id=plan.versions[-1].id, action_key=action.key)


def test_a_plan_that_does_not_exist_is_not_found(users, theme):
    with pytest.raises(RecordNotFound):
        services.create_outcome(users["leader"], 999_999, theme_id=theme.id, explanation="x", action_key="a",
                                submission_token="t")


def test_a_plan_never_published_has_no_parts_to_link(users):
    plan = make_plan("Draft only")
    theme = add_theme(plan)
    assert refused_field(users["leader"], plan, theme_id=theme.id, section_key=plan.sections[0].key) == "target"


# One link per form; the audit trail -------------------------------------------------


def test_the_same_form_sent_twice_makes_one_link(users, plan, theme):
    fields = {"theme_id": theme.id, "action_key": first_action(plan).key, "submission_token": "same-token"}
    first = link(users["leader"], plan, **fields)
    second = link(users["leader"], plan, **fields)
    assert first.id == second.id and outcome_count() == 1


def test_two_leaders_with_the_same_token_make_two_links(users, plan, theme):
    fields = {"theme_id": theme.id, "action_key": first_action(plan).key, "submission_token": "same-token"}
    link(users["leader"], plan, **fields)
    link(users["admin"], plan, **fields)
    assert outcome_count() == 2


def test_a_form_without_a_token_is_refused(users, plan, theme):
    assert refused_field(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key,
                         submission_token="") == "submission_token"


def test_create_update_and_delete_are_audited(users, plan, theme):
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    services.update_outcome(users["admin"], outcome.id, theme_id=theme.id, action_key=first_action(plan).key,
                            explanation="Now with reasons.")
    services.delete_outcome(users["admin"], outcome.id)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "feedback_outcome")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["outcomes.created", "outcomes.updated", "outcomes.deleted"]
    assert events[0].actor_id == users["leader"].id and events[0].details["theme_id"] == theme.id
    assert events[1].details["changes"]["explanation"] == ["We added a late bus.", "Now with reasons."]
    assert all(e.target_id == outcome.id for e in events)


def test_an_edit_that_changes_nothing_is_not_audited(users, plan, theme):
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    services.update_outcome(users["leader"], outcome.id, theme_id=theme.id, action_key=first_action(plan).key,
                            explanation="We added a late bus.")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "outcomes.updated")) == 0


def test_an_edit_keeps_the_comments_still_named_and_drops_the_others(users, plan):
    first, second, third = add_comment(plan), add_comment(plan), add_comment(plan)
    outcome = link(users["leader"], plan, comment_ids=[first.id, second.id], action_key=first_action(plan).key)
    services.update_outcome(users["leader"], outcome.id, comment_ids=[second.id, third.id],
                            action_key=first_action(plan).key, explanation="x")
    rows = db.session.scalars(select(OutcomeComment.comment_id).where(OutcomeComment.outcome_id == outcome.id))
    assert sorted(rows) == sorted([second.id, third.id])


def test_a_refused_edit_changes_nothing(users, plan, theme):
    outcome = link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)
    with pytest.raises(services.OutcomeRefused):
        services.update_outcome(users["leader"], outcome.id, theme_id=theme.id, action_key="gone", explanation="y")
    db.session.expire_all()
    assert db.session.get(FeedbackOutcome, outcome.id).action_key == first_action(plan).key


def test_deleting_a_link_keeps_its_comments_and_theme(users, plan, theme):
    comment = add_comment(plan)
    outcome = link(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id],
                   action_key=first_action(plan).key)
    services.delete_outcome(users["leader"], outcome.id)
    assert db.session.scalar(select(func.count()).select_from(OutcomeComment)) == 0
    assert db.session.get(type(comment), comment.id) is not None and db.session.get(type(theme), theme.id)


# Reading ---------------------------------------------------------------------------------


def test_a_merged_theme_is_shown_as_the_theme_it_joined(users, plan):
    kept = add_theme(plan, "Buses")
    merged = add_theme(plan, "Late buses", status=ThemeStatus.MERGED, merged_into=kept)
    link(users["leader"], plan, theme_id=merged.id, action_key=first_action(plan).key)
    [public] = services.plan_outcomes(plan.id)
    assert (public.theme_id, public.theme_label) == (kept.id, "Buses")


def test_comparison_marks_take_links_after_the_older_version_up_to_the_newer(users, plan, theme):
    v1, v2 = plan.versions
    in_two = link(users["leader"], plan, theme_id=theme.id, version_id=v2.id, action_key=first_action(plan).key)
    in_one = link(users["leader"], plan, theme_id=theme.id, version_id=v1.id, section_key=plan.sections[1].key)
    link(users["leader"], plan, theme_id=theme.id, action_key=first_action(plan).key)  # no version
    outcomes = services.plan_outcomes(plan.id)
    marks = services.comparison_marks(outcomes, 1, 2)
    assert [o.id for o in marks.outcomes] == [in_two.id]
    assert list(marks.actions) == [first_action(plan).key] and not marks.sections
    assert [o.id for o in services.comparison_marks(outcomes, 2, 1).outcomes] == [in_two.id]
    assert not services.comparison_marks(outcomes, 2, 2)
    assert in_one.id not in [o.id for o in services.comparison_marks(outcomes, 1, 2).outcomes]
