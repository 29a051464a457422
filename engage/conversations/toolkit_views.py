"""The hosts' toolkit pages: printables for a session, and the shared resources. Rules live in toolkit.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..extensions import talisman
from . import bp, services, toolkit
from .models import ResourceKind
from .toolkit_forms import ResourceForm
from .translatable import resource_texts

# A downloaded file is never a page of this site: no scripts, no plugins, no
# same-origin access, even if a browser were talked into showing it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _session_or_404(session_id: int):
    session = services.get_session(session_id)
    if session is None:
        abort(404)
    return session


def _in_each_language(template: str, languages, **context) -> list[Markup]:
    """The template once per printed language, its fixed text in that language."""
    blocks = []
    for language in languages:
        with force_locale(language.locale):
            blocks.append(Markup(render_template(template, language=language, **context)))
    return blocks


# Printables for one session --------------------------------------------------------


@bp.route("/<id:session_id>/toolkit/guide")
@login_required
def discussion_guide(session_id: int):
    guide = toolkit.discussion_guide(current_user, _session_or_404(session_id))
    blocks = _in_each_language("conversations/toolkit/_guide_language.html", guide.languages, guide=guide)
    return render_template("conversations/toolkit/guide.html", guide=guide, session=guide.session, blocks=blocks)


@bp.route("/<id:session_id>/toolkit/sign-in-sheet")
@login_required
def sign_in_sheet(session_id: int):
    sheet = toolkit.sign_in_sheet(current_user, _session_or_404(session_id))
    return render_template("conversations/toolkit/sign_in_sheet.html", sheet=sheet, session=sheet.session)


@bp.route("/<id:session_id>/toolkit/comment-cards")
@login_required
def comment_cards(session_id: int):
    pages = request.args.get("pages", default=1, type=int)
    cards = toolkit.comment_cards(current_user, _session_or_404(session_id), pages=pages)
    blocks = _in_each_language("conversations/toolkit/_cards_language.html", cards.languages, cards=cards,
                               something_else=toolkit.SOMETHING_ELSE)
    return render_template("conversations/toolkit/comment_cards.html", cards=cards, session=cards.session,
                           blocks=blocks)


# Shared resources ------------------------------------------------------------------


def _toolkit_page(form: ResourceForm | None, *, file_again: bool = False):
    resources = toolkit.list_resources(current_user)
    return render_template(
        "conversations/toolkit/toolkit.html",
        sessions=toolkit.upcoming_sessions_to_host(current_user),
        resources=resources, resource_text=resource_texts(resources),
        form=form,
        file_again=file_again,
        can_manage=toolkit.can_manage_toolkit(current_user),
        file_type_label=toolkit.file_type_label,
        file_size_label=toolkit.file_size_label,
        language_name=toolkit.language_name,
    )


@bp.route("/toolkit", endpoint="toolkit")
@login_required
def toolkit_page():
    toolkit.require_use_toolkit(current_user)
    return _toolkit_page(ResourceForm() if toolkit.can_manage_toolkit(current_user) else None)


@bp.route("/toolkit", methods=["POST"])
@login_required
def add_resource():
    toolkit.require_manage_toolkit(current_user)
    form = ResourceForm()
    if form.validate_on_submit():
        details = {"title": form.title.data, "description": form.description.data or "",
                   "language": form.language.data or None, "submission_token": form.submission_token.data}
        try:
            if form.kind.data == ResourceKind.FILE:
                resource = toolkit.add_file_resource(current_user, filename=form.file.data.filename,
                                                     stream=form.file.data.stream, **details)
            else:
                resource = toolkit.add_link_resource(current_user, url=form.url.data, **details)
        except toolkit.ResourceRefused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash(_("“%(title)s” is now in the toolkit for every host.", title=resource.title), "success")
            return redirect(url_for("conversations.toolkit", _anchor="resources"))
    file_chosen = form.kind.data == ResourceKind.FILE and bool(getattr(form.file.data, "filename", ""))
    return _toolkit_page(form, file_again=file_chosen)


@bp.route("/toolkit/<id:resource_id>/delete", methods=["POST"])
@login_required
def remove_resource(resource_id: int):
    title = toolkit.remove_resource(current_user, resource_id)
    if title is None:
        abort(404)
    flash(_("“%(title)s” was removed from the toolkit.", title=title), "success")
    return redirect(url_for("conversations.toolkit", _anchor="resources"))


@bp.route("/toolkit/<id:resource_id>/download")
@talisman(content_security_policy=DOWNLOAD_CSP)
@login_required
def download_resource(resource_id: int):
    resource = toolkit.get_file_resource(current_user, resource_id)
    if resource is None:
        abort(404)
    path = toolkit.resource_path(resource)
    response = send_from_directory(
        path.parent,
        path.name,
        as_attachment=True,
        download_name=resource.filename,
        mimetype=resource.content_type,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
