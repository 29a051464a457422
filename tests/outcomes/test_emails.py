"""People whose comments are linked hear about it: once per person per link, in their language,
never the leader who linked it, never a turned-off account; through the real outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.outcomes import services
from engage.outcomes.models import OutcomeComment
from tests.outcomes.factories import add_comment, add_theme, first_action, link, make_revised_plan
from tests.support.people import make_user

SUBJECT = "Your comment made a difference"


@pytest.fixture
def plan(users):
    return make_revised_plan(users["leader"])


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_each_author_of_a_linked_comment_gets_one_email_with_the_explanation_and_links(app, users, plan):
    theme = add_theme(plan, "Late buses")
    author = make_user(email="parent@example.org", name="Rosa")
    comment = add_comment(plan, author=author)
    outcome = link(users["leader"], plan, theme_id=theme.id, comment_ids=[comment.id],
                   version_id=plan.versions[-1].id, action_key=first_action(plan).key,
                   explanation="We added a late bus on route 12.")
    [message] = outbox()
    assert message.recipient == "parent@example.org" and message.subject == SUBJECT
    body = message.body_text
    assert "Hello Rosa," in body and "We added a late bus on route 12." in body and "Late buses" in body
    assert "Action 1: Action 1.1" in body and "version 2" in body
    base = app.config["BASE_URL"].rstrip("/")
    assert f"{base}/plans/{plan.id}#action-{first_action(plan).key}" in body
    assert f"{base}/plans/{plan.id}/heard/{theme.id}" in body
    assert f"{base}/plans/{plan.id}/compare?to=2&from=1" in body
    assert f"{base}/plans/{plan.id}/comments/{comment.id}#comment-{comment.id}" in body
    assert db.session.get(OutcomeComment, (outcome.id, comment.id)).notified_at is not None


def test_several_comments_by_one_person_make_one_email(users, plan):
    author = make_user(email="parent@example.org")
    comments = [add_comment(plan, author=author), add_comment(plan, "Also the bus.", author=author)]
    other = add_comment(plan, author=make_user(email="other@example.org"))
    link(users["leader"], plan, comment_ids=[c.id for c in [*comments, other]], action_key=first_action(plan).key)
    assert sorted(m.recipient for m in outbox()) == ["other@example.org", "parent@example.org"]


def test_the_email_is_in_the_authors_language_with_the_spanish_explanation(users, plan):
    spanish = make_user(email="madre@example.org", name="Lucía")
    spanish.locale = "es"
    english = make_user(email="parent@example.org")
    db.session.commit()
    comments = [add_comment(plan, author=english), add_comment(plan, author=spanish)]
    # Made for the English author's comment, translated, then the Spanish author's comment added.
    outcome = link(users["leader"], plan, comment_ids=[comments[0].id], action_key=first_action(plan).key,
                   explanation="We added a late bus.", explanation_es="Añadimos un autobús tardío.")
    services.update_outcome(users["leader"], outcome.id, comment_ids=[c.id for c in comments],
                            action_key=first_action(plan).key, explanation="We added a late bus.")
    by_recipient = {m.recipient: m.body_text for m in outbox()}
    assert "Hola, Lucía:" in by_recipient["madre@example.org"]
    assert "Añadimos un autobús tardío." in by_recipient["madre@example.org"]
    assert "We added a late bus." not in by_recipient["madre@example.org"]
    assert "We added a late bus." in by_recipient["parent@example.org"]
    assert "Añadimos" not in by_recipient["parent@example.org"]


def test_a_spanish_reader_gets_the_english_explanation_when_there_is_no_spanish_one(users, plan):
    spanish = make_user(email="madre@example.org")
    spanish.locale = "es"
    db.session.commit()
    link(users["leader"], plan, comment_ids=[add_comment(plan, author=spanish).id],
         action_key=first_action(plan).key, explanation="We added a late bus.")
    assert "We added a late bus." in outbox()[0].body_text


def test_editing_a_link_never_sends_again(users, plan):
    comment = add_comment(plan, author=make_user(email="parent@example.org"))
    outcome = link(users["leader"], plan, comment_ids=[comment.id], action_key=first_action(plan).key)
    services.update_outcome(users["leader"], outcome.id, comment_ids=[comment.id],
                            section_key=plan.sections[1].key, explanation="A better explanation.")
    services.update_outcome(users["admin"], outcome.id, comment_ids=[comment.id],
                            section_key=plan.sections[1].key, explanation="Better still.")
    assert len(outbox()) == 1


def test_an_edit_that_adds_a_comment_emails_only_its_author(users, plan):
    first = add_comment(plan, author=make_user(email="first@example.org"))
    outcome = link(users["leader"], plan, comment_ids=[first.id], action_key=first_action(plan).key)
    second = add_comment(plan, author=make_user(email="second@example.org"))
    services.update_outcome(users["leader"], outcome.id, comment_ids=[first.id, second.id],
                            action_key=first_action(plan).key, explanation="x")
    assert [m.recipient for m in outbox()] == ["first@example.org", "second@example.org"]


def test_an_edit_adding_another_comment_by_someone_already_told_sends_nothing(users, plan):
    author = make_user(email="parent@example.org")
    first = add_comment(plan, author=author)
    outcome = link(users["leader"], plan, comment_ids=[first.id], action_key=first_action(plan).key)
    second = add_comment(plan, "And again.", author=author)
    services.update_outcome(users["leader"], outcome.id, comment_ids=[first.id, second.id],
                            action_key=first_action(plan).key, explanation="x")
    assert len(outbox()) == 1
    assert db.session.get(OutcomeComment, (outcome.id, second.id)).notified_at is not None


def test_each_link_is_its_own_news(users, plan):
    comment = add_comment(plan, author=make_user(email="parent@example.org"))
    link(users["leader"], plan, comment_ids=[comment.id], action_key=first_action(plan).key)
    link(users["leader"], plan, comment_ids=[comment.id], section_key=plan.sections[1].key)
    assert len(outbox()) == 2


def test_the_leader_who_links_their_own_comment_gets_no_email(users, plan):
    comment = add_comment(plan, author=users["leader"])
    link(users["leader"], plan, comment_ids=[comment.id], action_key=first_action(plan).key)
    assert outbox() == []


def test_turned_off_accounts_get_no_email(users, plan):
    author = make_user(email="gone@example.org")
    author.active = False
    db.session.commit()
    link(users["leader"], plan, comment_ids=[add_comment(plan, author=author).id], action_key=first_action(plan).key)
    assert outbox() == []


def test_authors_of_anonymous_comments_are_told_privately(users, plan):
    comment = add_comment(plan, author=make_user(email="quiet@example.org", name="Quiet Parent"), anonymous=True)
    link(users["leader"], plan, comment_ids=[comment.id], action_key=first_action(plan).key)
    [message] = outbox()
    assert message.recipient == "quiet@example.org"


def test_a_theme_alone_emails_nobody(users, plan):
    add_comment(plan, author=make_user(email="parent@example.org"))
    link(users["leader"], plan, theme_id=add_theme(plan).id, action_key=first_action(plan).key)
    assert outbox() == []


def test_text_in_the_email_is_as_typed(users, plan):
    comment = add_comment(plan, author=make_user(email="parent@example.org"))
    link(users["leader"], plan, comment_ids=[comment.id], action_key=first_action(plan).key,
         explanation="Buses & vans <now> \"on time\"")
    assert "Buses & vans <now> \"on time\"" in outbox()[0].body_text
