"""Comments: threads, window, duplicates, edit/delete, anonymity, support, flags, moderation, notices."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from engage.audit.models import AuditEvent
from engage.comments import services
from engage.comments.models import Comment
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.models import utcnow
from engage.permissions import PermissionDenied
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from tests.plans.factories import make_plan
from tests.support.comments import comment_form
from tests.support.people import ROLES, make_user
from tests.support.queries import count_queries
from tests.support.web import post_form
from tests.support.xss import PAYLOADS, active_content


@pytest.fixture
def plan(users):
    plan = make_plan(feedback_opens_at=utcnow() - timedelta(days=1), feedback_closes_at=utcnow() + timedelta(days=7))
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)
    return plan


def section_key(plan) -> str:
    return plan.versions[-1].snapshot["sections"][0]["key"]


def post(author, plan, body="Buses leave too early for our kids.", **kwargs):
    kwargs.setdefault("submission_token", secrets.token_hex(8))
    return services.post_comment(author, plan, body=body, **kwargs)


def test_a_parent_comments_on_a_section_through_the_page(client_as, users, plan):
    parent = client_as("participant")
    key = section_key(plan)
    response = comment_form(parent, plan, "Please add later start times.", section_key=key)
    assert response.status_code == 302
    listing = parent.get(f"/plans/{plan.id}/comments?section={key}").get_data(as_text=True)
    assert "Please add later start times." in listing and "Pat" in listing and "on version 1" in listing
    page = parent.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "1 comment on this section" in page


def test_sending_the_same_form_twice_makes_one_comment(client_as, users, plan):
    parent = client_as("participant")
    page = f"/plans/{plan.id}/comments"
    html = parent.get(page).get_data(as_text=True)
    token = html.split('name="submission_token" type="hidden" value="')[1].split('"')[0]
    for _ in range(2):
        post_form(parent, page, {"body": "Twice", "submission_token": token}, form_page=page)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_comments_are_refused_outside_the_window_and_the_page_says_so(client_as, users, plan):
    plan.feedback_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(services.CommentsClosed):
        post(users["participant"], plan)
    html = client_as("participant").get(f"/plans/{plan.id}/comments").get_data(as_text=True)
    assert "not taking comments right now" in html and "Post comment" not in html


def test_a_final_plan_takes_no_comments(users, plan):
    plans.publish_version(users["leader"], plan, status=PlanStatus.FINAL)
    with pytest.raises(services.CommentsClosed):
        post(users["participant"], plan)


def test_people_who_did_not_confirm_their_email_cannot_comment(users, plan):
    with pytest.raises(services.EmailNotConfirmed):
        post(make_user(verified=False), plan)


def test_an_unknown_section_is_refused(users, plan):
    with pytest.raises(services.BadAnchor):
        post(users["participant"], plan, section_key="nope")
    with pytest.raises(services.BadAnchor):
        post(users["participant"], plan, section_key=section_key(plan), action_key="nope")


def test_replies_nest_to_a_fixed_depth(users, plan):
    comment = post(users["participant"], plan)
    chain = [comment]
    for _ in range(services.MAX_DEPTH + 2):
        chain.append(post(users["moderator"], plan, "Reply", parent=chain[-1]))
    assert [c.depth for c in chain] == [0, 1, 2, 3, 3, 3]
    assert all(c.root_id == comment.id for c in chain[1:])
    threads = services.list_threads(plan, None)
    assert len(threads.threads) == 1
    node, depth = threads.threads[0], 0
    while node.replies:
        node, depth = node.replies[0], depth + 1
    assert depth == services.MAX_DEPTH


def test_a_reply_emails_the_author_unless_they_opted_out(users, plan):
    comment = post(users["participant"], plan)
    post(users["moderator"], plan, "Thanks for this.", parent=comment)
    post(users["participant"], plan, "Replying to myself", parent=comment)
    mail = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.recipient, m.subject) for m in mail] == [("participant@example.org", "Someone replied to your comment")]
    users["participant"].notify_on_replies = False
    db.session.commit()
    post(users["moderator"], plan, "Another reply", parent=comment)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_hosts_post_official_responses_and_participants_cannot(client_as, users, plan):
    comment = post(users["participant"], plan)
    with pytest.raises(PermissionDenied):
        post(users["moderator"], plan, "Not official", parent=comment, official=True)
    response = post(users["host"], plan, "We will add a later bus.", parent=comment, official=True)
    assert response.official
    html = client_as("anonymous").get(f"/plans/{plan.id}/comments/{comment.id}").get_data(as_text=True)
    assert "Official response" in html and "comment-official" in html
    assert db.session.scalar(select(OutboxMessage.subject)) == "An official response to your comment"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target_type == "comment")) == \
        "comment.official_response"


def test_official_responses_may_come_after_the_window_closes(users, plan):
    comment = post(users["participant"], plan)
    plan.feedback_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert post(users["leader"], plan, "Here is what we will do.", parent=comment, official=True).official


def test_authors_edit_within_fifteen_minutes_only(users, plan):
    comment = post(users["participant"], plan)
    services.edit_comment(users["participant"], comment, body="Fixed a typo")
    assert comment.body == "Fixed a typo" and comment.edited_at is not None
    with pytest.raises(PermissionDenied):
        services.edit_comment(users["moderator"], comment, body="Not mine")
    comment.created_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    with pytest.raises(services.EditWindowPassed):
        services.edit_comment(users["participant"], comment, body="Too late")


def test_deleting_hides_a_lone_comment_and_marks_one_with_replies(client, users, plan):
    lone = post(users["participant"], plan, "Lonely words")
    answered = post(users["participant"], plan, "Answered words")
    post(users["moderator"], plan, "An answer", parent=answered)
    with pytest.raises(PermissionDenied):
        services.delete_comment(users["moderator"], lone)
    services.delete_comment(users["participant"], lone)
    services.delete_comment(users["participant"], answered)
    html = client.get(f"/plans/{plan.id}/comments").get_data(as_text=True)
    assert "Lonely words" not in html and "Answered words" not in html
    assert html.count("Removed by its author.") == 1 and "An answer" in html


def test_anonymous_comments_hide_the_name_from_the_public_but_not_moderators(client_as, users, plan):
    post(users["participant"], plan, "Quietly said", anonymous=True)
    public = client_as("anonymous").get(f"/plans/{plan.id}/comments").get_data(as_text=True)
    assert "A community member" in public and "Pat" not in public.split("<main")[1]
    moderator = client_as("moderator").get(f"/plans/{plan.id}/comments").get_data(as_text=True)
    assert "written by Pat" in moderator


# How the anonymous option's help text would name each role.
ROLE_WORDS = {"participant": "participants", "host": "hosts", "moderator": "moderators",
              "leader": "district leaders", "admin": "administrators"}


def test_the_anonymous_option_names_exactly_the_roles_that_can_see_the_author(client_as, users, plan):
    author = make_user(name="Quinn Quietly")
    comment = post(author, plan, "Said quietly", anonymous=True)
    services.flag_comment(users["participant"], comment, reason="Please check")
    html = client_as("participant").get(f"/plans/{plan.id}/comments").get_data(as_text=True)
    hint = re.search(r'id="anonymous-hint">([^<]+)<', html).group(1).lower()
    # Every page that shows a comment, or lets a leader pick comments to link to what they did.
    pages = [f"/plans/{plan.id}", f"/plans/{plan.id}/comments", f"/plans/{plan.id}/comments/{comment.id}",
             f"/comments/{comment.id}/reply", f"/comments/{comment.id}/flag", f"/comments/{comment.id}/moderate",
             "/moderation/", f"/outcomes/plans/{plan.id}/new?comment={comment.id}"]
    for role in ROLES:
        client = client_as(role)
        sees = [page for page in pages if "Quinn Quietly" in client.get(page).get_data(as_text=True)]
        named = role in ROLE_WORDS and ROLE_WORDS[role] in hint
        assert bool(sees) == named, f"{role}: named in the hint: {named}; sees the author on {sees}"


def test_support_toggles_once_per_person_and_sorts(users, plan):
    quiet = post(users["participant"], plan, "Quiet")
    popular = post(users["participant"], plan, "Popular")
    for role in ("host", "moderator", "leader"):
        assert services.toggle_support(users[role], popular) is True
    assert services.toggle_support(users["host"], popular) is False
    db.session.refresh(popular)
    assert popular.support_count == 2
    ordered = services.list_threads(plan, users["host"], sort="support").threads
    assert [n.comment.id for n in ordered] == [popular.id, quiet.id]
    assert services.list_threads(plan, users["moderator"]).supported_ids == {popular.id}


def test_sorting_by_replies_and_oldest_and_pagination(users, plan):
    first = post(users["participant"], plan, "First")
    second = post(users["participant"], plan, "Second")
    post(users["moderator"], plan, "Reply", parent=first)
    assert services.list_threads(plan, None, sort="replies").threads[0].comment.id == first.id
    assert services.list_threads(plan, None, sort="oldest").threads[0].comment.id == first.id
    assert services.list_threads(plan, None, sort="newest").threads[0].comment.id == second.id
    for n in range(25):
        post(users["participant"], plan, f"Comment {n}")
    page = services.list_threads(plan, None, page=2, per_page=20)
    assert (page.page, page.pages, page.total, len(page.threads)) == (2, 2, 27, 7)


def test_flag_then_a_moderator_hides_with_a_reason_shown_in_place(client_as, users, plan):
    comment = post(users["participant"], plan, "Something rude")
    reporter = client_as("host")
    post_form(reporter, f"/comments/{comment.id}/flag", {"reason": "Insulting"}, form_page=f"/comments/{comment.id}/flag")
    assert client_as("participant").get("/moderation/").status_code == 403
    moderator = client_as("moderator")
    assert "Insulting" in moderator.get("/moderation/").get_data(as_text=True)
    response = post_form(moderator, f"/comments/{comment.id}/moderate", {"reason": "Personal attack", "decision": "hide"},
                         form_page=f"/comments/{comment.id}/moderate")
    assert response.status_code == 302
    public = client_as("anonymous").get(f"/plans/{plan.id}/comments").get_data(as_text=True)
    assert "Hidden by a moderator: Personal attack" in public and "Something rude" not in public
    assert "Nothing is waiting" in moderator.get("/moderation/").get_data(as_text=True)
    services.restore_comment(users["moderator"], comment, reason="On reflection, fine")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "comment")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["comment.hidden", "comment.restored"]


def test_participants_cannot_moderate(users, plan):
    comment = post(users["participant"], plan)
    with pytest.raises(PermissionDenied):
        services.hide_comment(users["host"], comment, reason="no")


def test_posting_is_rate_limited_per_account(app, client_as, users, plan):
    parent = client_as("participant")
    statuses = [comment_form(parent, plan, f"Comment number {n}").status_code for n in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429


def test_hostile_comments_render_inert(client, users, plan):
    root = post(users["participant"], plan, " ".join(PAYLOADS))
    for payload in PAYLOADS:
        post(users["moderator"], plan, payload, parent=root)
    for path in (f"/plans/{plan.id}/comments", f"/plans/{plan.id}/comments/{root.id}"):
        html = client.get(path).get_data(as_text=True)
        assert active_content(html[html.index("<main"):html.index("</main>")]) == [], path


@pytest.mark.parametrize("path", ["/plans/{plan}/comments", "/plans/{plan}", "/plans/{plan}/comments?sort=support"])
def test_comment_pages_run_the_same_queries_with_10_or_1000_comments(client_as, users, plan, path):
    viewer = client_as("moderator")
    version_id = plan.versions[-1].id
    author_ids = [users[r].id for r in ("participant", "host", "leader")]

    def add(count: int) -> None:
        rows = [{"plan_id": plan.id, "version_id": version_id, "section_key": section_key(plan), "author_id":
                 author_ids[n % 3], "body": f"Comment {n}", "submission_token": secrets.token_hex(8),
                 "created_at": utcnow()} for n in range(count)]
        db.session.execute(insert(Comment), rows)
        db.session.commit()
        roots = db.session.scalars(select(Comment.id).where(Comment.parent_id.is_(None))).all()
        replies = [{"plan_id": plan.id, "version_id": version_id, "section_key": section_key(plan), "author_id":
                    author_ids[n % 3], "body": "Reply", "submission_token": secrets.token_hex(8), "parent_id": root,
                    "root_id": root, "depth": 1, "created_at": utcnow()} for n, root in enumerate(roots[-count // 2:])]
        db.session.execute(insert(Comment), replies)
        db.session.commit()

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert viewer.get(path.format(plan=plan.id)).status_code == 200
        return counter.count

    add(10)
    few = queries()
    add(990)
    assert queries() == few


def test_hidden_and_deleted_comments_take_no_replies_support_or_author_deletion(client_as, users, plan):
    hidden = post(users["participant"], plan, "Secret words")
    services.hide_comment(users["moderator"], hidden, reason="Private information")
    with pytest.raises(services.BadAnchor):
        post(users["host"], plan, "Reply", parent=hidden)
    with pytest.raises(PermissionDenied):
        services.toggle_support(users["host"], hidden)
    with pytest.raises(PermissionDenied):
        services.delete_comment(users["participant"], hidden)
    reply_page = client_as("host").get(f"/comments/{hidden.id}/reply").get_data(as_text=True)
    assert "Secret words" not in reply_page


def test_a_bad_parent_is_a_clear_400(client_as, users, plan):
    parent = client_as("participant")
    for value in ("abc", "-1", "999999", "9" * 25):
        assert comment_form(parent, plan, "Reply", parent_id=value).status_code == 400, value
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_reply_counts_follow_deletion_and_moderation(users, plan):
    root = post(users["participant"], plan)
    first = post(users["host"], plan, "One", parent=root)
    post(users["leader"], plan, "Two", parent=root)
    services.delete_comment(users["host"], first)
    db.session.refresh(root)
    assert root.reply_count == 1


def test_flags_on_a_comment_its_author_deleted_can_be_closed(users, plan):
    comment = post(users["participant"], plan)
    services.flag_comment(users["host"], comment, reason="Spam")
    services.delete_comment(users["participant"], comment)
    services.dismiss_flags(users["moderator"], comment)
    assert services.moderation_queue(users["moderator"]) == []


def test_comments_cannot_be_edited_after_the_window_closes(users, plan):
    comment = post(users["participant"], plan)
    plan.feedback_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(services.EditWindowPassed):
        services.edit_comment(users["participant"], comment, body="Changed after closing")


# Finding the way to comment, and knowing what on -------------------------------


def _first_action(plan) -> tuple[str, dict]:
    section = plan.versions[-1].snapshot["sections"][0]
    return section["key"], section["actions"][0]


def test_each_action_on_the_plan_has_a_comment_button_and_its_own_count(client, users, plan):
    section, action = _first_action(plan)
    for n in range(2):
        post(users["participant"], plan, f"On the action {n}", section_key=section, action_key=action["key"])
    post(users["participant"], plan, "On the section", section_key=section)
    comments_url = f"/plans/{plan.id}/comments?section={section}&amp;action={action['key']}"

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    article = html.split(f'id="action-{action["key"]}"', 1)[1].split("</article>", 1)[0]

    assert f'class="button button-secondary" href="{comments_url}#add-comment">Comment' in article
    assert "2 comments on this action" in article
    assert "3 comments on this section" in html
    assert html.count("No comments on this action yet") == 3


def test_a_plan_not_taking_comments_shows_the_counts_without_a_comment_button(client, users):
    plan = make_plan(feedback_closes_at=utcnow() - timedelta(days=1))
    plans.publish_version(users["leader"], plan, status=PlanStatus.DRAFT)

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)

    assert "#add-comment" not in html and html.count("No comments on this action yet") == 4


def test_the_comments_page_names_the_action_and_quotes_it_above_the_form(client_as, users, plan):
    section, action = _first_action(plan)

    html = client_as("participant").get(
        f"/plans/{plan.id}/comments?section={section}&action={action['key']}").get_data(as_text=True)

    assert "<title>Comments on Action 1: Action 1.1" in html
    assert "<h1>Comments on Action 1: Action 1.1</h1>" in html
    quoted = html.split('class="quoted-part"', 1)[1].split("</figure>", 1)[0]
    assert "Offer bus passes to every family that asks." in quoted
    assert f'href="/plans/{plan.id}#action-{action["key"]}"' in quoted
    assert html.index("quoted-part") < html.index('id="add-comment"')


def test_a_thread_has_one_title_naming_what_it_is_about(client, users, plan):
    comment = post(users["participant"], plan, "On the section", section_key=section_key(plan))

    html = client.get(f"/plans/{plan.id}/comments/{comment.id}").get_data(as_text=True)

    assert "<title>A conversation on “Goal 1”" in html and "<h1>A conversation on “Goal 1”</h1>" in html


def test_i_agree_is_a_toggle_whose_state_is_announced_and_count_shown_beside_it(client_as, users, plan):
    comment = post(users["moderator"], plan, "Agree with me")
    client = client_as("participant")

    def agree_button() -> str:
        html = client.get(f"/plans/{plan.id}/comments").get_data(as_text=True)
        return html.split(f'id="comment-{comment.id}"', 1)[1].split("</article>", 1)[0]

    assert 'class="toggle-button" aria-pressed="false"' in agree_button()
    post_form(client, f"/comments/{comment.id}/support", form_page=f"/plans/{plan.id}/comments")
    shown = agree_button()
    assert 'class="toggle-button" aria-pressed="true"' in shown and "1 person agrees" in shown


def test_deleting_my_comment_asks_first_and_keeps_it_until_i_confirm(client_as, users, plan):
    comment = post(users["participant"], plan, "Second thoughts")
    client = client_as("participant")

    confirm = client.get(f"/comments/{comment.id}/delete")

    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete your comment?" in html and "Second thoughts" in html
    assert "No, keep it" in html
    db.session.refresh(comment)
    assert comment.status == "visible"
    post_form(client, f"/comments/{comment.id}/delete", form_page=f"/comments/{comment.id}/delete")
    db.session.refresh(comment)
    assert comment.status == "deleted"


@pytest.mark.parametrize("role", ["anonymous", "moderator"])
def test_only_the_author_is_asked_to_delete_a_comment(client_as, users, plan, role):
    comment = post(users["participant"], plan, "Mine")

    assert client_as(role).get(f"/comments/{comment.id}/delete").status_code in (302, 403)


def test_my_account_lists_my_comments_newest_first_but_not_ones_i_took_back(client_as, users, plan):
    older = post(users["participant"], plan, "My first thought")
    newer = post(users["participant"], plan, "My second thought")
    gone = post(users["participant"], plan, "Taken back")
    services.delete_comment(users["participant"], gone)
    post(users["moderator"], plan, "Not mine")

    html = client_as("participant").get("/account").get_data(as_text=True)
    mine = html.split('id="my-comments-title"', 1)[1].split("</section>", 1)[0]

    assert "You wrote 2 comments." in mine
    assert mine.index("My second thought") < mine.index("My first thought")
    assert f'/plans/{plan.id}/comments/{newer.id}#comment-{newer.id}' in mine and f"#comment-{older.id}" in mine
    assert "Taken back" not in mine and "Not mine" not in mine


def test_my_account_lists_my_comments_in_the_same_queries_however_many(client_as, users, plan):
    client = client_as("participant")

    def queries() -> int:
        with count_queries() as counted:
            assert client.get("/account").status_code == 200
        return counted.count

    post(users["participant"], plan, "One")
    first = queries()
    for n in range(12):
        post(users["participant"], plan, f"More {n}")
    assert queries() == first
