from __future__ import annotations

import time

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from .. import slots
from ..components import landing_endpoint
from ..errors import render_error
from ..extensions import limit_from_config, limiter, login_manager
from ..forms import choices
from ..i18n import SESSION_LOCALE_KEY, remember_locale, supported_locales
from ..orgs.services import list_schools
from ..urls import local_path, safe_next_url
from . import attempts, bp, services, sign_ins
from .forms import (
    AccountForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from .tokens import TokenError, TokenExpired


@login_manager.user_loader
def load_user(sign_in_token: str):
    # Both the session and the remember-me cookie carry a sign-in's token.
    return sign_ins.user_for_sign_in(sign_in_token)


login_manager.login_view = "accounts.login"
login_manager.login_message_category = "info"


def _login_message():
    return _("Please sign in to see that page.")


login_manager.localize_callback = lambda message: _login_message()


def _submitted_account_from_this_address() -> str:
    return f"{get_remote_address()}|{attempts.account_key(request.form.get('email', ''))}"


def _did_not_sign_in(response) -> bool:
    # Only attempts that fail count, so a school's families can all sign in from its network.
    return response.status_code != 302


def _sign_in_paused(limit: RequestLimit):
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    return make_response(render_template("accounts/sign_in_paused.html", minutes=minutes), 429)


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    # Signing in answers with its own page (how long to wait, what else to do).
    return error.response if error.response is not None else render_error(429)


def _link_problem(error: Exception, *, reset: bool = False):
    """The page for an emailed link that is expired, used, or damaged."""
    return render_template("accounts/link_problem.html", expired=isinstance(error, TokenExpired), reset=reset), 400


def _language_choices():
    return choices([("", _("Same as my browser")), *current_app.config["LANGUAGES"].items()])


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(limit_from_config("RATELIMIT_REGISTER"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        # The same page whether or not the address has an account: its owner hears by email.
        services.register_user(
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data,
            locale=session.get(SESSION_LOCALE_KEY),
            next_path=local_path(request.values.get("next")),
        )
        return render_template("accounts/check_email.html", email=form.email.data.strip())
    return render_template("accounts/register.html", form=form)


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    """Opening the link confirms the address and offers to carry on where the person was; only
    pressing that button (a POST) signs them in, so a mail scanner following links signs nobody in."""
    try:
        verified = services.verify_email(token)
    except TokenError as error:
        return _link_problem(error)
    user, onward = verified.user, verified.next_path
    if current_user.is_authenticated:
        if current_user.id == user.id:
            flash(_("Thank you, your email address is confirmed."), "success")
        return redirect(onward or url_for("accounts.account"))
    if request.method == "POST" and user.active:
        attempts.sign_in_on_confirming(user)
        login_user(user)
        flash(_("Thank you, your email address is confirmed. Welcome, %(name)s: you are signed in.",
                name=user.display_name), "success")
        return redirect(onward or url_for("main.home"))
    return render_template("accounts/verified.html", user=user)


@bp.post("/verify/resend")
@login_required
@limiter.limit(limit_from_config("RATELIMIT_SEND_LINK"))
def resend_verification():
    if not current_user.is_verified:
        services.send_verification_email(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.account"))


def _after_sign_in(user) -> str:
    """Back to where the person was; from the home page (or nowhere), to their own start page
    if their work has one (a leader's home)."""
    destination = safe_next_url()
    if destination == url_for("main.home"):
        landing = landing_endpoint(current_app.extensions["engage.components"], user)
        return url_for(landing) if landing else destination
    return destination


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limit_from_config("RATELIMIT_LOGIN"), methods=["POST"], deduct_when=_did_not_sign_in,
               on_breach=_sign_in_paused)
@limiter.limit(limit_from_config("RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS"), methods=["POST"],
               key_func=_submitted_account_from_this_address, deduct_when=_did_not_sign_in, on_breach=_sign_in_paused)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url())
    form = LoginForm()
    if form.validate_on_submit():
        attempt = attempts.attempt_sign_in(form.email.data, form.password.data, remember=form.remember.data)
        if attempt.outcome == attempts.SignInOutcome.SIGNED_IN:
            login_user(attempt.user, remember=attempt.remember)
            flash(_("Welcome, %(name)s. You are signed in.", name=attempt.user.display_name), "success")
            return redirect(_after_sign_in(attempt.user))
        if attempt.outcome == attempts.SignInOutcome.CHECK_EMAIL:
            return render_template("accounts/sign_in_link_sent.html", email=form.email.data.strip(),
                                   minutes=attempts.sign_in_link_minutes())
        form.password.errors.append(_("That email and password do not match an account. Check both and try again."))
    return render_template("accounts/login.html", form=form)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def sign_in_with_link(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    # Opening the link shows a button; only pressing it (a POST) signs in, so a
    # mail scanner that follows links neither signs in nor uses the link up.
    signing_in = request.method == "POST"
    try:
        link = (attempts.sign_in_with_link if signing_in else attempts.user_for_sign_in_link)(token)
    except TokenError as error:
        return _link_problem(error)
    if not signing_in:
        return render_template("accounts/sign_in_with_link.html", email=link.user.email)
    login_user(link.user, remember=link.remember)
    flash(_("Welcome, %(name)s. You are signed in.", name=link.user.display_name), "success")
    return redirect(_after_sign_in(link.user))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        sign_ins.end_sign_in(current_user.get_id())
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    sign_ins.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(_("You are signed out on every device and browser, this one included."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(limit_from_config("RATELIMIT_PASSWORD_RESET"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, locale=str(get_locale()))
        return render_template("accounts/reset_sent.html", email=form.email.data.strip())
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(limit_from_config("RATELIMIT_PASSWORD_RESET"), methods=["POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except TokenError as error:
        return _link_problem(error, reset=True)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        logout_user()
        flash(_("Your password is changed. Sign in with your new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user)
    form.locale.choices = _language_choices()
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        services.update_account(current_user, display_name=form.display_name.data, locale=form.locale.data,
                                notify_on_replies=form.notify_on_replies.data)
        flash(_("Your account is saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form,
                           sign_in_count=sign_ins.count_sign_ins(current_user),
                           page_slots=slots.fill("account", actor=current_user))


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from_config("RATELIMIT_SEND_LINK"), methods=["POST"])
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(
                current_user._get_current_object(),
                new_email=form.new_email.data,
                current_password=form.current_password.data,
            )
        except services.WrongPassword:
            form.current_password.errors.append(_("That is not your current password."))
        except services.EmailTaken:
            form.new_email.errors.append(_("Another account already uses this email address."))
        else:
            flash(
                _("We sent a confirmation link to %(email)s. Your address changes when you follow it.",
                  email=form.new_email.data.strip()),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    try:
        services.confirm_email_change(token)
    except (TokenError, services.EmailTaken) as error:
        return _link_problem(error)
    flash(_("Your email address is changed."), "success")
    return redirect(url_for("accounts.account") if current_user.is_authenticated else url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(),
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                keep_sign_in=current_user.get_id(),
            )
        except services.WrongPassword:
            form.current_password.errors.append(_("That is not your current password."))
        else:
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    profile = current_user.profile
    form = ProfileForm(obj=profile)
    form.schools.choices = choices((school.id, school.name) for school in list_schools())
    if request.method == "GET" and profile is not None:
        form.schools.data = [school.id for school in profile.schools]
        form.relationship_to_district.data = profile.relationship_to_district or ""
        form.preferred_language.data = profile.preferred_language or ""
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            relationship_to_district=form.relationship_to_district.data,
            school_ids=form.schools.data or [],
            preferred_language=form.preferred_language.data,
            preferred_language_other=form.preferred_language_other.data,
            race_ethnicity=form.race_ethnicity.data or [],
            race_ethnicity_self_described=form.race_ethnicity_self_described.data,
            gender_self_described=form.gender_self_described.data,
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, has_profile=profile is not None)


@bp.post("/account/profile/delete")
@login_required
def delete_profile():
    services.delete_profile(current_user)
    flash(_("Your profile answers are deleted."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/language")
def set_language():
    locale = request.form.get("locale", "")
    if locale in supported_locales():
        remember_locale(locale)
        if current_user.is_authenticated:
            services.set_locale(current_user, locale)
    return redirect(safe_next_url())
