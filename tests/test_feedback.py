"""The feedback read model carries each comment with its support count and the author's shared profile."""

from __future__ import annotations

from datetime import timedelta

from engage.accounts.models import ParticipantProfile
from engage.comments import services as comments
from engage.extensions import db
from engage.feedback.services import comment_items
from engage.models import utcnow
from engage.plans import services as plans
from tests.conftest import count_queries
from tests.plans.factories import make_plan


def test_comment_items_carry_support_language_and_profile(users):
    plan = make_plan(feedback_opens_at=utcnow() - timedelta(days=1))
    plans.publish_version(users["leader"], plan, status="draft")
    db.session.add(ParticipantProfile(user_id=users["participant"].id, relationship_to_district="parent",
                                      preferred_language="es", race_ethnicity=[]))
    db.session.commit()
    liked = comments.post_comment(users["participant"], plan, body="Más autobuses", submission_token="a", language="es")
    hidden = comments.post_comment(users["host"], plan, body="Rude", submission_token="b")
    for role in ("host", "leader"):
        comments.toggle_support(users[role], liked)
    comments.hide_comment(users["moderator"], hidden, reason="rude")
    with count_queries() as counter:
        items = comment_items(plan.id)
    assert counter.count <= 3
    assert [(i.text, i.support_count, i.language, i.relationship, i.preferred_language) for i in items] == [
        ("Más autobuses", 2, "es", "parent", "es")]
