"""Answering surveys: the list, the form (one page or several), thanks, and a preview for leaders.

Paged surveys work without JavaScript: every page is a POST of the whole
form, with the answers from other pages carried along as hidden inputs.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

from flask import abort, after_this_request, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ..extensions import limit_from_config, limiter, login_manager
from ..models import SUBMISSION_TOKEN_MAX, utcnow
from . import bp, responding, services
from .models import Survey, SurveyAudience
from .response_forms import ResponseForm, build_response_form, field_name, formdata_for
from .translatable import SurveyWording

# A random token that lets a visitor who is not signed in answer once from
# this browser. It identifies the browser, never the person.
BROWSER_COOKIE = "engage_survey_browser"
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600  # about as long as browsers keep any cookie
_BROWSER_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_NAVIGATION = ("next", "back", "save", "submit")


def _locale() -> str:
    return str(get_locale())


def _signed_in() -> bool:
    return bool(current_user.is_authenticated)


def _browser_token(*, create: bool) -> str | None:
    """This browser's survey token from its cookie; with create, a new one (and the cookie) if it has none."""
    token = request.cookies.get(BROWSER_COOKIE, "")
    if _BROWSER_TOKEN.fullmatch(token):
        return token
    if not create:
        return None
    if "survey_browser_token" not in g:
        g.survey_browser_token = new_token = secrets.token_urlsafe(32)

        @after_this_request
        def remember_browser(response):
            response.set_cookie(
                BROWSER_COOKIE, new_token, max_age=BROWSER_COOKIE_MAX_AGE,
                path=url_for("surveys.index").rstrip("/") or "/",
                secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
            )
            return response

    return g.survey_browser_token


def _rate_limit_key() -> str:
    """Per account, else per browser, else per address: a school's families often share one address."""
    if _signed_in():
        return f"survey-response:user:{current_user.id}"
    token = _browser_token(create=False)
    if token:
        return "survey-response:browser:" + hashlib.sha256(token.encode()).hexdigest()
    return f"survey-response:address:{get_remote_address()}"


def _is_page_navigation() -> bool:
    # Moving between pages writes nothing, so it does not count against the limit.
    return request.form.get("nav") in ("next", "back")


def _visible_or_404(survey_id: int) -> Survey:
    survey = services.get_visible_survey(current_user, survey_id)
    if survey is None:
        abort(404)
    return survey


@dataclass
class _Pages:
    """A survey's pages, and the form for one of them."""

    survey: Survey
    locale: str = field(default_factory=_locale)

    def __post_init__(self):
        self.wording = SurveyWording([self.survey])
        self.pages = responding.survey_pages(self.survey)
        self.schools = responding.school_choices(self.survey)
        self.topics = responding.question_topics(self.survey)

    @property
    def count(self) -> int:
        return len(self.pages)

    def clamp(self, page: int | None) -> int:
        return min(max(page or 1, 1), self.count)

    def form(self, page: int, formdata, *, every_page: bool = False) -> ResponseForm:
        form_class = build_response_form(self.survey.questions, self.wording, self.schools,
                                         None if every_page else self.pages[page - 1], topics=self.topics)
        return form_class(formdata=formdata)

    def first_page_with(self, question_ids) -> int:
        for number, questions in enumerate(self.pages, start=1):
            if any(q.id in question_ids for q in questions):
                return number
        return 1

    def render(self, page: int, form: ResponseForm, *, preview: bool = False, restored: bool = False):
        return render_template(
            "surveys/respond/form.html", survey=self.survey, form=form, page_number=page, page_count=self.count,
            page_questions=self.pages[page - 1], wording=self.wording, preview=preview, restored=restored,
            field_name=field_name,
        )


def _not_open(survey: Survey, state: str, status: int = 200):
    return render_template("surveys/respond/not_open.html", survey=survey, state=state,
                           wording=SurveyWording([survey])), status


def _already_answered(survey: Survey):
    return render_template("surveys/respond/already.html", survey=survey, wording=SurveyWording([survey]))


@bp.route("/")
def index():
    surveys = services.list_public_surveys()
    now = utcnow()
    states = {survey.id: services.survey_state(survey, now) for survey in surveys}
    answered = responding.answered_survey_ids(
        current_user, None if _signed_in() else _browser_token(create=False), states)
    return render_template("surveys/respond/index.html", surveys=surveys, states=states, answered=answered,
                           wording=SurveyWording(surveys), can_manage=services.can_manage_surveys(current_user))


@bp.route("/<id:survey_id>", methods=["GET", "POST"])
@limiter.limit(limit_from_config("RATELIMIT_SURVEY_RESPONSE"), methods=["POST"], key_func=_rate_limit_key,
               exempt_when=_is_page_navigation)
def respond(survey_id: int):
    survey = _visible_or_404(survey_id)
    if survey.audience == SurveyAudience.SIGNED_IN and not _signed_in():
        return login_manager.unauthorized()
    state = services.survey_state(survey)
    if state != services.SurveyState.OPEN:
        return _not_open(survey, state, 200 if request.method == "GET" else 409)
    browser_token = None if _signed_in() else _browser_token(create=True)
    if responding.has_responded(current_user, survey, browser_token):
        if request.method == "POST" and responding.submission_received(survey, request.form.get("submission_token")):
            return redirect(url_for("surveys.thanks", survey_id=survey.id))
        return _already_answered(survey)
    pages = _Pages(survey)
    if request.method == "GET":
        draft = responding.get_draft(current_user, survey)
        if draft is not None:
            formdata = MultiDict([(name, value) for name, values in draft.answers.items() for value in values])
            page = pages.clamp(draft.page)
            return pages.render(page, pages.form(page, formdata), restored=True)
        prefill = formdata_for(survey, responding.profile_prefill(current_user, survey))
        return pages.render(1, pages.form(1, prefill))
    return _answer_page(pages, browser_token)


def _answer_page(pages: _Pages, browser_token: str | None):
    """A POST of the form: move between pages, save for later, or send."""
    survey = pages.survey
    token = request.form.get("submission_token", "")
    if not token or len(token) > SUBMISSION_TOKEN_MAX:
        abort(400)
    page = pages.clamp(request.form.get("page", type=int))
    nav = request.form.get("nav")
    if nav not in _NAVIGATION:  # Enter pressed in a browser that sends no button
        nav = "next"
    if nav == "next" and page == pages.count:
        nav = "submit"

    if nav == "back" or (nav == "save" and not _signed_in()):
        page = pages.clamp(page - 1) if nav == "back" else page
        return pages.render(page, pages.form(page, request.form))

    if nav == "save":
        form = pages.form(page, request.form)
        try:
            responding.save_draft(current_user, survey, answers=form.draft_data(), page=page)
        except responding.SurveyNotOpen as closed:
            return _not_open(survey, closed.state, 409)
        except responding.AlreadyResponded:
            return _already_answered(survey)
        flash(_("Your answers are saved. Come back to this survey any time before it closes to finish it."),
              "success")
        return redirect(url_for("surveys.respond", survey_id=survey.id))

    if nav == "next":
        form = pages.form(page, request.form)
        if form.validate_on_submit():
            page += 1
            form = pages.form(page, request.form)
        return pages.render(page, form)

    every_page = pages.form(page, request.form, every_page=True)
    if not every_page.validate_on_submit():
        wrong = every_page.questions_with_errors()
        page = pages.first_page_with(wrong) if wrong else page
        form = pages.form(page, request.form)
        form.validate()
        return pages.render(page, form)
    try:
        responding.submit_response(
            current_user, survey, answers=every_page.answers(), other_texts=every_page.other_texts(),
            submission_token=every_page.submission_token.data, browser_token=browser_token, locale=pages.locale,
        )
    except responding.AnswerErrors as problems:
        page = pages.first_page_with(problems.errors)
        form = pages.form(page, request.form)
        form.add_errors(problems.errors)
        return pages.render(page, form)
    except responding.AlreadyResponded as already:
        if already.same_submission:
            return redirect(url_for("surveys.thanks", survey_id=survey.id))
        return _already_answered(survey)
    except responding.SurveyNotOpen as closed:
        return _not_open(survey, closed.state, 409)
    return redirect(url_for("surveys.thanks", survey_id=survey.id))


@bp.route("/<id:survey_id>/thanks")
def thanks(survey_id: int):
    survey = _visible_or_404(survey_id)
    if not responding.has_responded(current_user, survey, None if _signed_in() else _browser_token(create=False)):
        return redirect(url_for("surveys.respond", survey_id=survey.id))
    plan = survey.plan if survey.plan is not None and survey.plan.versions else None
    return render_template("surveys/respond/thanks.html", survey=survey, plan=plan, wording=SurveyWording([survey]),
                           state=services.survey_state(survey))


@bp.route("/<id:survey_id>/preview")
@login_required
def preview(survey_id: int):
    services.require_manage_surveys(current_user)
    survey = services.get_survey(survey_id)
    if survey is None:
        abort(404)
    pages = _Pages(survey)
    page = pages.clamp(request.args.get("page", type=int))
    return pages.render(page, pages.form(page, None), preview=True)
