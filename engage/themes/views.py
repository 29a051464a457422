"""Themes pages for leaders: thin; the rules live in services.py, the counting in reporting.py.

Every page starts with a service call that checks MANAGE_THEMES (a 403
otherwise) and finds the analysis or theme (a 404 otherwise, including a
theme of another analysis). Edits are small POST forms that work without
JavaScript and come back to the page they were sent from.
"""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import get_locale, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from .. import slots
from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..extensions import limiter, person_id_for_limits
from ..forms import TextForm
from ..plans import services as plans
from ..urls import safe_next_url
from ..vocabulary import LANGUAGE_CHOICES
from . import heard, reporting, services
from .blueprint import bp
from .forms import (NO_PART_LABEL, OTHER, SOURCE_LABELS, SOURCES, CreateAnalysisForm, MergeForm, MoveItemForm,
                    OffTopicForm, RenameForm, ResponseForm, RunForm, SeedForm, SplitForm)
from .models import RunStatus, ThemeStatus

SORT_LABELS = {
    "people": _l("People"),
    "support": _l("Support"),
    "items": _l("Items"),
    "new": _l("New since last run"),
}
# The job reports its stage in English words; these are what leaders read.
STAGE_LABELS = {
    "": _l("waiting to start"),
    "reading": _l("reading the feedback"),
    "embedding": _l("reading the meaning of each item"),
    "vectorising": _l("comparing the words"),
    "choosing the number of themes": _l("choosing the number of themes"),
    "clustering": _l("grouping into themes"),
    "labelling": _l("naming the themes"),
    "saving": _l("saving"),
    "done": _l("done"),
}
FIT_LABELS = {
    "tight": _l("Its items are much alike."),
    "typical": _l("Its items are about as alike as in the other themes."),
    "loose": _l("Its items vary more than in the other themes: check that they belong together."),
}
RELATIONSHIP_LABELS = {**dict(RELATIONSHIP_CHOICES), reporting.NOT_SHARED: _l("Did not say")}
LANGUAGE_LABELS = {**dict(LANGUAGE_CHOICES), reporting.NOT_SHARED: _l("Did not say")}


def _edit_limit() -> str:
    return current_app.config.get("RATELIMIT_THEMES_EDIT", "60 per minute;600 per hour")


def _edit_limit_key() -> str:
    return f"themes:{person_id_for_limits()}"


edit_limit = limiter.limit(_edit_limit, key_func=_edit_limit_key, methods=["POST"])


def _source_labels() -> dict[str, str]:
    """The channels' names in the reader's language, translated once per page rather than once per use."""
    return {source: str(label) for source, label in SOURCE_LABELS.items()}


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


def representation_label(name: str) -> str:
    """How a run read the feedback (`ThemeRun.representation`), in words a leader can weigh."""
    multilingual, english = "use-multilingual" in name, "MiniLM" in name
    if multilingual and english:
        return _("Sentence embeddings in English and Spanish (Google's USE multilingual with all-MiniLM-L6-v2): "
                 "feedback on one subject is grouped together whatever its language.")
    if multilingual:
        return _("Multilingual sentence embeddings (Google's USE multilingual): feedback on one subject is "
                 "grouped together whatever its language.")
    if english:
        return _("English sentence embeddings (all-MiniLM-L6-v2): feedback in other languages may form "
                 "themes of its own.")
    if name.startswith("tfidf"):
        return _("Word matching (TF-IDF), because no sentence-embedding model loaded on the server: themes "
                 "follow shared words more than meaning, and feedback in different languages may form "
                 "themes of its own.")
    return name


# --------------------------------------------------------------------------
# Plans and their analyses
# --------------------------------------------------------------------------

def _create_form(plan_id: int, *, submitted: bool = False) -> CreateAnalysisForm:
    """The plan's "new analysis" form; each plan's has its own prefix, so ids stay unique on the page."""
    if submitted:
        return CreateAnalysisForm(prefix=f"plan{plan_id}-")
    return CreateAnalysisForm(formdata=None, prefix=f"plan{plan_id}-")


def _render_index(failed: CreateAnalysisForm | None = None, failed_plan_id: int | None = None):
    listing = services.plans_with_analyses(current_user)
    forms = {plan.id: failed if plan.id == failed_plan_id and failed is not None else _create_form(plan.id)
             for plan, _analyses in listing}
    return render_template("themes/index.html", listing=listing, forms=forms, source_labels=_source_labels(),
                           open_plan_id=failed_plan_id, page_slots=slots.fill("themes", actor=current_user))


@bp.route("/")
@login_required
def index():
    return _render_index()


@bp.route("/plans/<id:plan_id>")
@login_required
def plan_analysis(plan_id: int):
    analysis = services.default_analysis(current_user, plan_id)
    return redirect(url_for("themes.dashboard", analysis_id=analysis.id))


def _same_analysis(listing, plan_id: int, form: CreateAnalysisForm):
    """An analysis of the plan with exactly what the form asks for: a form sent twice makes one."""
    wanted = (form.title.data, [source for source in SOURCES if source in (form.sources.data or [])],
              form.since.data, form.until.data)
    for plan, analyses in listing:
        if plan.id == plan_id:
            for analysis in analyses:
                if (analysis.title, list(analysis.sources or []), analysis.since, analysis.until) == wanted:
                    return analysis
    return None


@bp.post("/plans/<id:plan_id>/analyses")
@login_required
@edit_limit
def create_analysis(plan_id: int):
    listing = services.plans_with_analyses(current_user)
    if not any(plan.id == plan_id for plan, _analyses in listing):
        raise NotFound()
    form = _create_form(plan_id, submitted=True)
    if form.validate_on_submit():
        analysis = _same_analysis(listing, plan_id, form)
        if analysis is None:
            try:
                analysis = services.create_analysis(current_user, plan_id, title=form.title.data,
                                                    sources=form.sources.data or [], since=form.since.data,
                                                    until=form.until.data)
            except ValueError as problem:
                form.title.errors = [*form.title.errors, str(problem)]
                return _render_index(form, plan_id)
            flash(_("The analysis is created. Run it to find its themes."), "success")
        return redirect(url_for("themes.dashboard", analysis_id=analysis.id))
    return _render_index(form, plan_id)


# --------------------------------------------------------------------------
# The dashboard and the run
# --------------------------------------------------------------------------

def _plan_of(analysis):
    plan = plans.get_plan(analysis.plan_id)
    if plan is None:
        raise NotFound()
    return plan


def _run_state(analysis) -> dict:
    active = services.active_run(analysis)
    finished = services.last_finished_run(analysis)
    succeeded = finished if finished is not None and finished.status == RunStatus.DONE \
        else services.last_successful_run(analysis)
    return {"active_run": active, "finished_run": finished, "successful_run": succeeded}


def _sort() -> str:
    sort = request.args.get("sort", "people")
    return sort if sort in reporting.SORTS else "people"


def _render_dashboard(analysis, run_form: RunForm, seed_form: SeedForm | None = None):
    plan = _plan_of(analysis)
    themes = services.active_themes(analysis)
    sort = _sort()
    figures = reporting.dashboard_figures(analysis, themes, sort=sort, locale=str(get_locale()),
                                          other_label=_("Other / unclustered"), no_part_label=str(NO_PART_LABEL))
    summaries = figures.summaries
    run_state = _run_state(analysis)
    return render_template(
        "themes/dashboard.html", analysis=analysis, plan=plan, summaries=summaries, other=figures.other,
        totals=figures.totals,
        run_form=run_form, sort=sort, sort_labels=SORT_LABELS, source_labels=_source_labels(),
        stage_label=stage_label, representation_label=representation_label,
        fits=reporting.theme_fits(themes), fit_labels=FIT_LABELS,
        alike=reporting.alike_pairs(run_state["successful_run"], themes),
        seed_form=seed_form or SeedForm(formdata=None, prefix="seed-"), seeded=services.seeded_themes(analysis),
        summary_of={summary.theme.id: summary for summary in summaries}, **run_state,
        page_slots=slots.fill("dashboard", actor=current_user, analysis=analysis),
    )


@bp.route("/analyses/<id:analysis_id>")
@login_required
def dashboard(analysis_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    return _render_dashboard(analysis, RunForm())


@bp.route("/analyses/<id:analysis_id>/status.json")
@login_required
def run_status(analysis_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    state = _run_state(analysis)
    run = state["active_run"] or state["finished_run"]
    if run is None:
        body = {"status": "none", "progress": 0, "stage": "", "message": _("Not run yet.")}
    elif run.status in RunStatus.ACTIVE:
        stage = stage_label(run.stage)
        body = {"status": run.status, "progress": run.progress, "stage": stage,
                "message": _("In progress: %(stage)s, %(percent)d%%", stage=stage, percent=run.progress)}
    elif run.status == RunStatus.FAILED:
        body = {"status": run.status, "progress": run.progress, "stage": "",
                "message": _("The last run failed.")}
    else:
        body = {"status": run.status, "progress": 100, "stage": "", "message": _("Done.")}
    body["run_id"] = run.id if run is not None else None
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/analyses/<id:analysis_id>/run")
@login_required
@edit_limit
def start_run(analysis_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    form = RunForm()
    if form.validate_on_submit():
        try:
            run = services.start_run(current_user, analysis, n_themes=form.n_themes.data,
                                     submission_token=form.submission_token.data)
        except ValueError as problem:
            form.n_themes.errors = [*form.n_themes.errors, str(problem)]
        else:
            if run.status in RunStatus.ACTIVE:
                flash(_("The analysis is running. This page shows its progress."), "success")
            else:
                flash(_("The analysis has run."), "success")
            return redirect(url_for("themes.dashboard", analysis_id=analysis.id))
    return _render_dashboard(analysis, form)


@bp.post("/analyses/<id:analysis_id>/seeds")
@login_required
@edit_limit
def seed_theme(analysis_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    form = SeedForm(prefix="seed-")
    if form.validate_on_submit():
        try:
            theme = services.seed_theme(current_user, analysis, form.label.data, form.example_lines())
        except ValueError as problem:
            form.examples.errors = [*form.examples.errors, str(problem)]
        else:
            flash(_("“%(label)s” is started: the next run will place feedback like its examples in it.",
                    label=theme.label), "success")
            return redirect(url_for("themes.dashboard", analysis_id=analysis.id) + "#seeds-title")
    return _render_dashboard(analysis, RunForm(), seed_form=form)


@bp.post("/analyses/<id:analysis_id>/seeds/actions")
@login_required
@edit_limit
def seed_from_actions(analysis_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    if TextForm().validate_on_submit():
        try:
            added = services.seed_from_plan_actions(current_user, analysis)
        except ValueError as problem:
            flash(str(problem), "error")
        else:
            flash(ngettext("%(num)d theme started from the plan's actions. Run the analysis to fill it.",
                           "%(num)d themes started from the plan's actions. Run the analysis to fill them.", added)
                  if added else _("Every action of the plan is already a started theme."), "success")
    return redirect(url_for("themes.dashboard", analysis_id=analysis.id) + "#seeds-title")


@bp.post("/analyses/<id:analysis_id>/themes/<id:theme_id>/unseed")
@login_required
@edit_limit
def remove_seed(analysis_id: int, theme_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    found = _theme_or_404(analysis, theme_id)
    if TextForm().validate_on_submit():
        services.remove_seed(current_user, found)
        flash(_("Runs no longer start from “%(label)s”.", label=found.label), "success")
    return redirect(url_for("themes.dashboard", analysis_id=analysis.id) + "#seeds-title")


# --------------------------------------------------------------------------
# Drilling into a theme, Other, and off-topic items
# --------------------------------------------------------------------------

def _filters() -> dict:
    """The item list's filters as typed; unknown values simply match nothing."""
    source = request.args.get("source", "").strip()
    return {
        "q": reporting.clean_search(request.args.get("q")),
        "source": source if source in SOURCES else "",
        "section_key": request.args.get("section", "").strip()[:40],
        "language": request.args.get("language", "").strip()[:20],
        "new_only": request.args.get("new") == "1",
        "unsure_only": request.args.get("unsure") == "1",
        "part": request.args.get("part", "").strip()[:24],
    }


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and len(page) <= 6 else 1


def _item_list(themed, which, sections, parts=()):
    filters = _filters()
    members = reporting.members_of(which, themed)
    rows = reporting.filter_items(members, None, **filters)
    return {
        "parts": parts,
        "page": reporting.paginate(rows, _page_number()),
        "filters": filters,
        "filters_active": any(filters.values()),
        "item_languages": reporting.item_languages(members),
        "sections": sections,
        "member_count": len(members),
        "language_labels": LANGUAGE_LABELS,
    }


def _theme_choices(themes) -> list[tuple[str, str]]:
    return [(str(theme.id), theme.label or theme.key) for theme in sorted(themes, key=lambda t: t.label.casefold())]


def _move_options(theme_choices: list[tuple[str, str]]):
    """The "Move to" select's options for an item in a theme (None: Other).

    Escaped once per page, not once per item: a page of 50 items in an
    analysis with 100 themes would otherwise escape 10,000 strings.
    """
    options = [(value, Markup('<option value="{}">{}</option>').format(value, label),
                Markup('<option value="{}" selected>{}</option>').format(value, label))
               for value, label in [*theme_choices, (OTHER, _("Other / unclustered"))]]

    def render(theme_id: int | None) -> Markup:
        current = OTHER if theme_id is None else str(theme_id)
        return Markup("").join(chosen if value == current else plain for value, plain, chosen in options)

    return render


def _render_theme(analysis, theme, *, rename=None, response=None, merge=None, split=None):
    plan = _plan_of(analysis)
    themed = services.current_themed_items(analysis)
    themes = services.active_themes(analysis)
    sections = reporting.section_titles(plan.id)
    rename = rename or RenameForm(formdata=None, prefix="rename-", label=theme.custom_label or "")
    members = reporting.members_of(theme, themed)
    parts = reporting.theme_parts(theme, members, {t.id: t for t in analysis.themes}, str(NO_PART_LABEL))
    draft = heard.theme_draft(theme, members, parts)
    from_draft = response is None and request.args.get("draft") == "1"
    response = response or ResponseForm(formdata=None, prefix="response-",
                                        heard=heard.plain_text(draft) if from_draft else theme.response_heard,
                                        will_do=theme.response_will_do, publish=theme.response_published)
    merge = merge or MergeForm(formdata=None, prefix="merge-", into=request.args.get("merge_with", ""))
    merge.set_themes(themes, theme)
    split = split or SplitForm(formdata=None, prefix="split-")
    summary = reporting.summarise(theme, theme.label or theme.key, members, reporting.people_count(themed), quotes=5)
    breakdowns = reporting.theme_breakdowns(theme, themed, sections=sections, relationship_labels=RELATIONSHIP_LABELS,
                                            language_labels=LANGUAGE_LABELS, source_labels=SOURCE_LABELS,
                                            groups=reporting.shows_groups(analysis))
    trend = reporting.theme_trend(theme, themed)
    cited, citation_numbers = heard.sources(draft)
    return render_template(
        "themes/theme.html", analysis=analysis, plan=plan, theme=theme, summary=summary, breakdowns=breakdowns,
        trend=trend, trend_unit=reporting.unit_of(trend), draft=draft, cited=cited,
        citation_numbers=citation_numbers, from_draft=from_draft,
        rename_form=rename, response_form=response, merge_form=merge, split_form=split,
        move_options=_move_options(_theme_choices(themes)), source_labels=_source_labels(), which=theme.id,
        can_edit=theme.status == ThemeStatus.ACTIVE, fit=reporting.theme_fits(themes).get(theme.id),
        fit_labels=FIT_LABELS, unsure=reporting.unsure_count(theme, themed),
        page_slots=slots.fill("theme", actor=current_user, theme=theme),
        **_item_list(themed, theme, sections, parts),
    )


def _theme_or_404(analysis, theme_id: int):
    return services.get_theme(current_user, analysis, theme_id)


def _active_theme_or_redirect(analysis, theme):
    """A merged or split theme has no page of its own: go to where its items are."""
    if theme.status == ThemeStatus.ACTIVE:
        return None
    if theme.status == ThemeStatus.MERGED and theme.merged_into_id is not None:
        flash(_("That theme was merged into this one."), "info")
        return redirect(url_for("themes.theme", analysis_id=analysis.id, theme_id=theme.merged_into_id))
    flash(_("That theme is no longer current: it was split or not found again by the last run."), "info")
    return redirect(url_for("themes.dashboard", analysis_id=analysis.id))


@bp.route("/analyses/<id:analysis_id>/themes/<id:theme_id>")
@login_required
def theme(analysis_id: int, theme_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    found = _theme_or_404(analysis, theme_id)
    return _active_theme_or_redirect(analysis, found) or _render_theme(analysis, found)


def _render_bucket(analysis, which: str):
    plan = _plan_of(analysis)
    themed = services.current_themed_items(analysis)
    themes = services.active_themes(analysis)
    sections = reporting.section_titles(plan.id)
    return render_template(
        "themes/bucket.html", analysis=analysis, plan=plan, which=which, theme=None, can_edit=True,
        move_options=_move_options(_theme_choices(themes)), source_labels=_source_labels(),
        page_slots=slots.fill("bucket", actor=current_user, analysis=analysis),
        **_item_list(themed, which, sections),
    )


@bp.route("/analyses/<id:analysis_id>/other")
@login_required
def other(analysis_id: int):
    return _render_bucket(services.get_analysis(current_user, analysis_id), reporting.OTHER)


@bp.route("/analyses/<id:analysis_id>/off-topic")
@login_required
def off_topic(analysis_id: int):
    return _render_bucket(services.get_analysis(current_user, analysis_id), reporting.OFF_TOPIC)


# --------------------------------------------------------------------------
# Leaders' edits to a theme
# --------------------------------------------------------------------------

def _editable(analysis_id: int, theme_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    return analysis, _theme_or_404(analysis, theme_id)


def _back_to_theme(analysis, theme, anchor: str | None = None):
    return redirect(url_for("themes.theme", analysis_id=analysis.id, theme_id=theme.id, _anchor=anchor))


@bp.post("/analyses/<id:analysis_id>/themes/<id:theme_id>/rename")
@login_required
@edit_limit
def rename(analysis_id: int, theme_id: int):
    analysis, found = _editable(analysis_id, theme_id)
    if (moved := _active_theme_or_redirect(analysis, found)) is not None:
        return moved
    form = RenameForm(prefix="rename-")
    if form.validate_on_submit():
        if (form.label.data or None) == found.custom_label:
            # The name it already has (a double submit, or nothing changed): nothing to do or log.
            return _back_to_theme(analysis, found)
        try:
            services.rename_theme(current_user, found, form.label.data or "")
        except ValueError as problem:
            form.label.errors = [*form.label.errors, str(problem)]
        else:
            flash(_("The theme is now called \u201c%(label)s\u201d.", label=found.label), "success")
            return _back_to_theme(analysis, found)
    return _render_theme(analysis, found, rename=form)


@bp.post("/analyses/<id:analysis_id>/themes/<id:theme_id>/response")
@login_required
@edit_limit
def save_response(analysis_id: int, theme_id: int):
    analysis, found = _editable(analysis_id, theme_id)
    if (moved := _active_theme_or_redirect(analysis, found)) is not None:
        return moved
    form = ResponseForm(prefix="response-")
    if form.validate_on_submit():
        was_published = found.response_published
        try:
            services.save_response(current_user, found, heard=form.heard.data or "", will_do=form.will_do.data or "",
                                   publish=form.publish.data)
        except ValueError as problem:
            form.heard.errors = [*form.heard.errors, str(problem)]
        else:
            if found.response_published and not was_published:
                flash(_("The response is published on the plan's page."), "success")
            elif was_published and not found.response_published:
                flash(_("The response is saved and no longer public."), "success")
            else:
                flash(_("The response is saved."), "success")
            return _back_to_theme(analysis, found, "response")
    return _render_theme(analysis, found, response=form)


@bp.post("/analyses/<id:analysis_id>/themes/<id:theme_id>/merge")
@login_required
@edit_limit
def merge(analysis_id: int, theme_id: int):
    analysis, found = _editable(analysis_id, theme_id)
    if (moved := _active_theme_or_redirect(analysis, found)) is not None:
        return moved
    form = MergeForm(prefix="merge-")
    form.set_themes(services.active_themes(analysis), found)
    if form.validate_on_submit():
        into = _theme_or_404(analysis, form.theme_id)
        if form.confirmed.data != "1":
            form.confirmed.data = "1"
            return render_template("themes/confirm_merge.html", analysis=analysis, theme=found, into=into, form=form,
                                   items=services.theme_item_count(found))
        try:
            services.merge_themes(current_user, found, into)
        except ValueError as problem:
            form.into.errors = [str(problem)]
        else:
            flash(_("\u201c%(merged)s\u201d is merged into this theme.", merged=found.label), "success")
            return _back_to_theme(analysis, into)
    return _render_theme(analysis, found, merge=form)


@bp.post("/analyses/<id:analysis_id>/themes/<id:theme_id>/split")
@login_required
@edit_limit
def split(analysis_id: int, theme_id: int):
    analysis, found = _editable(analysis_id, theme_id)
    if (moved := _active_theme_or_redirect(analysis, found)) is not None:
        return moved
    form = SplitForm(prefix="split-")
    if form.validate_on_submit():
        try:
            parts = services.split_theme(current_user, found, form.parts)
        except ValueError as problem:
            form.n_parts.errors = [str(problem)]
        else:
            flash(_("The theme is split into %(n)d themes.", n=len(parts)), "success")
            return redirect(url_for("themes.dashboard", analysis_id=analysis.id))
    return _render_theme(analysis, found, split=form)


# --------------------------------------------------------------------------
# Leaders' edits to one item
# --------------------------------------------------------------------------

def _item_redirect(analysis):
    """Back to the list the form was on (its `next`), else the dashboard."""
    return redirect(safe_next_url(url_for("themes.dashboard", analysis_id=analysis.id)))


def _form_problem(form) -> str:
    return " ".join(str(error) for field in form for error in field.errors) or _("Please try again.")


@bp.post("/analyses/<id:analysis_id>/items/move")
@login_required
@edit_limit
def move_item(analysis_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    form = MoveItemForm()
    if not form.validate_on_submit():
        flash(_form_problem(form), "error")
        return _item_redirect(analysis)
    try:
        theme_id = form.theme_id()
    except ValueError:
        flash(_("Please choose a theme."), "error")
        return _item_redirect(analysis)
    target = _theme_or_404(analysis, theme_id) if theme_id is not None else None
    try:
        services.move_item(current_user, analysis, form.source.data, int(form.source_id.data), target)
    except ValueError as problem:
        flash(str(problem), "error")
    else:
        flash(_("The item is moved to \u201c%(label)s\u201d.", label=target.label) if target is not None
              else _("The item is moved to Other."), "success")
    return _item_redirect(analysis)


@bp.post("/analyses/<id:analysis_id>/items/off-topic")
@login_required
@edit_limit
def mark_off_topic(analysis_id: int):
    analysis = services.get_analysis(current_user, analysis_id)
    form = OffTopicForm()
    if not form.validate_on_submit():
        flash(_form_problem(form), "error")
        return _item_redirect(analysis)
    try:
        services.set_off_topic(current_user, analysis, form.source.data, int(form.source_id.data), form.marked)
    except ValueError as problem:
        flash(str(problem), "error")
    else:
        flash(_("The item is marked off-topic: it no longer counts in any theme.") if form.marked
              else _("The item counts again."), "success")
    return _item_redirect(analysis)

