"""The translators' pages: what needs translating per language, the source beside each
translation, PO files in and out. Rules live in services.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..extensions import limit_from_config, limiter, person_id_for_limits
from ..permissions import require
from . import bp, machine, po, services
from .component import TRANSLATE
from .forms import ImportForm, PassagesForm, field_name
from .sources import Document, TranslatableKind, scope_key
from .texts import Shown


@bp.app_template_global()
def shown_worst(*texts) -> str:
    """How the least well translated of these texts is shown (`Shown`), for one mark over them all."""
    return Shown.worst(getattr(text, "shown", Shown.AS_WANTED) for text in texts if text)


def _components():
    return current_app.extensions["engage.components"]


def _document_or_404(scope: str, language: str) -> tuple[Document, TranslatableKind]:
    """The document, and its kind, to translate into `language`; 404 for no such document or language."""
    found = services.find_document(_components(), scope, language)
    if found is None:
        abort(404)
    return found


@bp.route("/")
@login_required
def index():
    require(current_user, TRANSLATE)
    targets = services.target_languages()
    language = request.args.get("language") or (current_user.locale if current_user.locale in targets else None) \
        or (targets[0] if targets else None)
    if language not in targets:
        abort(404)
    listing = [(kind, kind.documents()) for kind in services.translatable_kinds(_components())]
    found = services.progress([d for _kind, documents in listing for d in documents], [language])
    return render_template("translation/index.html", language=language, targets=targets, listing=listing,
                           progress=found, statuses=services.Status)


@bp.route("/<language>/<scope>")
@login_required
def document(language: str, scope: str):
    require(current_user, TRANSLATE)
    document, kind = _document_or_404(scope, language)
    return _document_page(document, kind, language, ImportForm())


def _document_page(document: Document, kind, language: str, import_form: ImportForm):
    groups: dict[str, list] = {}
    for item in services.document_work(current_user, document, language):
        groups.setdefault(item.passage.group, []).append(item)
    return render_template("translation/document.html", document=document, language=language, groups=groups,
                           public_url=kind.public_url(scope_key(document.scope)[1]), statuses=services.Status,
                           import_form=import_form, machine_available=machine.available())


@bp.route("/<language>/<scope>/part/<group>", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from_config("RATELIMIT_TRANSLATE"), methods=["POST"], key_func=person_id_for_limits)
def group(language: str, scope: str, group: str):
    require(current_user, TRANSLATE)
    document, _kind = _document_or_404(scope, language)
    work = services.document_work(current_user, document, language, group)
    if not work:
        abort(404)
    form = PassagesForm.for_work(work)
    if form.validate_on_submit():
        publish = request.form.get("publish") == "1"
        services.save_translations(current_user, document, language, form.translations(), publish=publish)
        changed = form.changed_sources()
        if not changed:
            flash(_("The translations are published.") if publish else
                  _("The translations are saved as drafts. Readers see them once you publish them."), "success")
            return redirect(url_for(".document", language=language, scope=scope, _anchor=f"group-{group}"))
        flash(_("The original of some passages changed while you were translating. Your other translations are "
                "saved; check the marked passages against their new original."), "error")
        work = services.document_work(current_user, document, language, group)
        typed = form.data
        form = PassagesForm.for_work(work)
        for item in changed:
            name = field_name(item.passage.path)
            form[name].data = typed.get(name) or form[name].data
            form[name].errors = [_("The original changed after you opened this page: check your translation "
                                   "against the new original, then save it again.")]
    return render_template("translation/group.html", document=document, language=language, form=form,
                           group=group, group_title=work[0].passage.group_title, statuses=services.Status,
                           field_name=field_name)


@bp.post("/<language>/<scope>/publish")
@login_required
def publish_drafts(language: str, scope: str):
    document, _kind = _document_or_404(scope, language)
    count = services.publish_drafts(current_user, document, language)
    flash(ngettext("%(num)d translation is published.", "%(num)d translations are published.", count) if count
          else _("There were no drafts to publish."), "success")
    return redirect(url_for(".document", language=language, scope=scope))


@bp.post("/<language>/<scope>/machine")
@login_required
@limiter.limit(limit_from_config("RATELIMIT_TRANSLATE"), key_func=person_id_for_limits)
def machine_draft(language: str, scope: str):
    document, _kind = _document_or_404(scope, language)
    try:
        count = machine.draft_missing(current_user, document, language)
    except machine.Unavailable:
        flash(_("The machine translation service did not answer. Try again later, or translate by hand."), "error")
    else:
        flash(ngettext("%(num)d passage has a machine draft. Check and correct it before you publish it.",
                       "%(num)d passages have a machine draft. Check and correct each one before you publish it.",
                       count) if count else _("Every passage already has a translation."), "success")
    return redirect(url_for(".document", language=language, scope=scope))


@bp.route("/<language>/<scope>.po")
@login_required
def export(language: str, scope: str):
    document, _kind = _document_or_404(scope, language)
    work = services.document_work(current_user, document, language)
    data = po.export_po(document, language, work, project=current_app.config["DISTRICT_NAME"])
    filename = f"{scope.replace(':', '-')}.{language}.po"
    return current_app.response_class(data, mimetype="text/x-gettext-translation",
                                      headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/<language>/<scope>/import")
@login_required
@limiter.limit(limit_from_config("RATELIMIT_TRANSLATE"), key_func=person_id_for_limits)
def import_file(language: str, scope: str):
    require(current_user, TRANSLATE)
    document, kind = _document_or_404(scope, language)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            found = po.import_po(document, language, form.file.data.read())
        except po.UnreadableFile:
            form.file.errors.append(_("This file is not a PO file of this page's passages that we can read. "
                                      "Export it again from this page."))
        else:
            count = services.save_translations(current_user, document, language, found.translations,
                                               action="translation.imported")
            flash(ngettext("%(num)d translation is imported as a draft. Check it, then publish it.",
                           "%(num)d translations are imported as drafts. Check them, then publish them.", count),
                  "success")
            for label in found.changed_since:
                flash(_("Not imported, the original changed since the file was exported: %(passage)s",
                        passage=label), "error")
            for label in found.fuzzy:
                flash(_("Not imported, marked as needing review in the file: %(passage)s", passage=label), "error")
            return redirect(url_for(".document", language=language, scope=scope))
    return _document_page(document, kind, language, form), 400
