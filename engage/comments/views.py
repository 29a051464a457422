from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import slots
from ..extensions import limit_from_config, limiter, person_id_for_limits
from ..page_cache import public_page
from ..permissions import Permission, PermissionDenied, can
from ..plans import services as plans
from ..plans.translation import find_part, read_latest
from ..urls import safe_next_url
from . import bp, services
from .forms import CommentForm, EditCommentForm, FlagForm, ReasonForm


@bp.app_context_processor
def comment_helpers():
    return {"can_edit_comment": services.can_edit}


def _plan_or_404(plan_id: int):
    plan = plans.get_plan(plan_id)
    if plan is None or not plan.versions:
        abort(404)
    return plan


def _comment_or_404(comment_id: int):
    comment = services.get_comment(comment_id)
    if comment is None:
        abort(404)
    return comment


def _commented_on(plan, section_key: str | None, action_key: str | None) -> dict:
    """What the comments are about, in the reader's language: the plan, and its section or action."""
    content = read_latest(plan)
    section, action = find_part(content, section_key, action_key)
    return {"content": content, "section": section, "action": action}


def _page_slots(plan):
    return slots.fill("comments", actor=current_user, plan=plan)


def _render_index(plan, form, status=200):
    section_key = request.values.get("section_key") or request.args.get("section") or None
    action_key = request.values.get("action_key") or request.args.get("action") or None
    sort = request.args.get("sort", "newest")
    threads = services.list_threads(plan, current_user, section_key=section_key, action_key=action_key,
                                    sort=sort if sort in services.SORTS else "newest",
                                    page=request.args.get("page", 1, type=int) or 1)
    form.section_key.data, form.action_key.data = section_key, action_key
    return render_template(
        "comments/index.html", plan=plan, threads=threads, form=form, sort=sort,
        section_key=section_key, action_key=action_key, **_commented_on(plan, section_key, action_key),
        window=plans.feedback_window_state(plan), page_slots=_page_slots(plan),
    ), status


@bp.route("/plans/<id:plan_id>/comments")
@public_page
def index(plan_id: int):
    return _render_index(_plan_or_404(plan_id), CommentForm(formdata=None))


@bp.post("/plans/<id:plan_id>/comments")
@login_required
@limiter.limit(limit_from_config("RATELIMIT_COMMENT"), key_func=lambda: f"comment:{person_id_for_limits()}")
def create(plan_id: int):
    plan = _plan_or_404(plan_id)
    form = CommentForm()
    parent = None
    if form.parent_id.data:
        parent_id = request.form.get("parent_id", type=int)
        parent = services.get_comment(parent_id) if parent_id and 0 < parent_id < 2**31 else None
        if parent is None:
            abort(400)
    if form.validate_on_submit():
        try:
            comment = services.post_comment(
                current_user, plan, body=form.body.data, submission_token=form.submission_token.data,
                section_key=form.section_key.data or None, action_key=form.action_key.data or None,
                parent=parent, anonymous=form.anonymous.data, official=form.official.data,
                language=str(get_locale()),
            )
        except services.CommentsClosed:
            form.body.errors.append(_("This plan is not taking comments right now."))
        except services.EmailNotConfirmed:
            form.body.errors.append(_("Please confirm your email address first: use the link we sent you."))
        except services.BadAnchor:
            abort(400)
        else:
            flash(_("Thank you. Your comment is posted."), "success")
            return redirect(url_for("comments.thread", plan_id=plan.id, comment_id=comment.root_id or comment.id,
                                    _anchor=f"comment-{comment.id}"))
    if parent is not None:
        return render_template("comments/reply.html", plan=plan, parent=parent, form=form)
    return _render_index(plan, form)


@bp.route("/plans/<id:plan_id>/comments/<id:comment_id>")
@public_page
def thread(plan_id: int, comment_id: int):
    plan = _plan_or_404(plan_id)
    found = services.thread_for(comment_id)
    if found is None or found[0].plan_id != plan.id:
        abort(404)
    root, node = found
    return render_template("comments/thread.html", plan=plan, node=node, root=root,
                           **_commented_on(plan, root.section_key, root.action_key), page_slots=_page_slots(plan),
                           supported=services.supported_ids(current_user, [root.id]))


@bp.route("/comments/<id:comment_id>/reply")
@login_required
def reply(comment_id: int):
    parent = _comment_or_404(comment_id)
    plan = _plan_or_404(parent.plan_id)
    form = CommentForm(formdata=None, parent_id=parent.id)
    return render_template("comments/reply.html", plan=plan, parent=parent, form=form)


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int):
    comment = _comment_or_404(comment_id)
    if comment.author_id != current_user.id:
        raise PermissionDenied("edit comment")
    form = EditCommentForm(obj=comment)
    if not services.can_edit(current_user, comment):
        flash(_("Comments can only be changed in the first 15 minutes."), "error")
        return redirect(url_for("comments.thread", plan_id=comment.plan_id, comment_id=comment.root_id or comment.id))
    if form.validate_on_submit():
        services.edit_comment(current_user, comment, body=form.body.data)
        flash(_("Your comment is updated."), "success")
        return redirect(url_for("comments.thread", plan_id=comment.plan_id, comment_id=comment.root_id or comment.id,
                                _anchor=f"comment-{comment.id}"))
    return render_template("comments/edit.html", comment=comment, form=form)


@bp.route("/comments/<id:comment_id>/delete", methods=["GET", "POST"])
@login_required
def delete(comment_id: int):
    comment = _comment_or_404(comment_id)
    if request.method == "GET":  # asks first: removing a comment cannot be undone
        if not services.can_delete(current_user, comment):
            raise PermissionDenied("delete comment")
        return render_template("comments/delete.html", comment=comment)
    services.delete_comment(current_user, comment)
    flash(_("Your comment is removed."), "success")
    return redirect(url_for("comments.index", plan_id=comment.plan_id))


@bp.post("/comments/<id:comment_id>/support")
@login_required
def support(comment_id: int):
    comment = _comment_or_404(comment_id)
    now_supported = services.toggle_support(current_user, comment)
    flash(_("You agree with this comment.") if now_supported else _("You no longer mark this comment."), "success")
    return redirect(safe_next_url(
        url_for("comments.thread", plan_id=comment.plan_id, comment_id=comment.root_id or comment.id)))


@bp.route("/comments/<id:comment_id>/flag", methods=["GET", "POST"])
@login_required
def flag(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = FlagForm()
    if form.validate_on_submit():
        services.flag_comment(current_user, comment, reason=form.reason.data)
        flash(_("Thank you. A moderator will look at this comment."), "success")
        return redirect(url_for("comments.thread", plan_id=comment.plan_id, comment_id=comment.root_id or comment.id))
    return render_template("comments/flag.html", comment=comment, form=form)


# Moderation --------------------------------------------------------------------


@bp.route("/moderation/")
@login_required
def moderation_queue():
    return render_template("comments/moderation.html", queue=services.moderation_queue(current_user),
                           form=ReasonForm(formdata=None))


@bp.route("/comments/<id:comment_id>/moderate", methods=["GET", "POST"])
@login_required
def moderate(comment_id: int):
    comment = _comment_or_404(comment_id)
    if not can(current_user, Permission.MODERATE):
        raise PermissionDenied(Permission.MODERATE)
    form = ReasonForm()
    decision = request.form.get("decision")
    if form.validate_on_submit() and decision in {"hide", "restore", "dismiss"}:
        if decision == "hide":
            services.hide_comment(current_user, comment, reason=form.reason.data)
            flash(_("The comment is hidden."), "success")
        elif decision == "restore":
            services.restore_comment(current_user, comment, reason=form.reason.data)
            flash(_("The comment is shown again."), "success")
        else:
            services.dismiss_flags(current_user, comment, reason=form.reason.data)
            flash(_("The flags are closed and the comment stays."), "success")
        return redirect(url_for("comments.moderation_queue"))
    return render_template("comments/moderate.html", comment=comment, form=form)
