from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from ..forms import MultiCheckboxField, choices, email_field, max_length, strip_whitespace, TextForm
from ..vocabulary import LANGUAGE_CHOICES, RACE_ETHNICITY_CHOICES
from .models import NAME_MAX
from .vocabulary import RELATIONSHIP_CHOICES

PASSWORD_MIN = 10
PASSWORD_MAX = 128


def _email_field(label):
    return email_field(label, missing_message=_l("Please enter your email address."))


def _new_password_field(label):
    return PasswordField(
        label,
        description=_l("At least %(min)d characters. A few unrelated words make a strong password.", min=PASSWORD_MIN),
        validators=[
            InputRequired(message=_l("Please choose a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l("Your password needs %(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_field(other: str):
    return PasswordField(
        _l("Type the password again"),
        validators=[
            InputRequired(message=_l("Please type the password again.")),
            EqualTo(other, message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _display_name_field():
    return StringField(
        _l("Your name"),
        description=_l("Shown with anything you post, unless you choose to post anonymously."),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please enter your name.")), max_length(NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )


class _NotBlankPassword:
    def __call__(self, form, field):
        if field.data and not field.data.strip():
            raise ValidationError(_l("A password cannot be only spaces."))


class RegisterForm(TextForm):
    display_name = _display_name_field()
    email = _email_field(_l("Email address"))
    password = _new_password_field(_l("Password"))
    confirm = _confirm_field("password")

    def validate_password(self, field):
        _NotBlankPassword()(self, field)
        if self.email.data and field.data and field.data.strip().lower() == self.email.data.strip().lower():
            raise ValidationError(_l("Your password cannot be your email address."))


class LoginForm(TextForm):
    email = _email_field(_l("Email address"))
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), max_length(PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))


class ForgotPasswordForm(TextForm):
    email = _email_field(_l("Email address"))


class ResetPasswordForm(TextForm):
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field("password")

    validate_password = _NotBlankPassword()


class AccountForm(TextForm):
    display_name = _display_name_field()
    locale = SelectField(_l("Language for pages and emails"), validators=[Optional()])
    notify_on_replies = BooleanField(_l("Email me when someone replies to my comments or posts an official response"))


class ChangeEmailForm(TextForm):
    new_email = _email_field(_l("New email address"))
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Please enter your current password.")), max_length(PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(TextForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Please enter your current password.")), max_length(PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password_field(_l("New password"))
    confirm = _confirm_field("new_password")

    validate_new_password = _NotBlankPassword()




class ProfileForm(TextForm):
    relationship_to_district = RadioField(
        _l("Your main connection to the district"),
        choices=choices([("", _l("I'd rather not say")), *RELATIONSHIP_CHOICES]),
        default="",
        validators=[Optional()],
    )
    schools = MultiCheckboxField(
        _l("Schools you are connected to"),
        description=_l("Choose any that apply: your children's schools, where you work or study."),
        coerce=int,
        validators=[Optional()],
    )
    preferred_language = SelectField(
        _l("Language you prefer to speak at meetings"),
        choices=choices([("", _l("I'd rather not say")), *LANGUAGE_CHOICES]),
        validators=[Optional()],
    )
    preferred_language_other = StringField(
        _l("If another language, which one?"), validators=[Optional(), max_length(80)]
    )
    race_ethnicity = MultiCheckboxField(
        _l("How do you describe your race or ethnicity?"),
        description=_l("Choose any that apply, or none."),
        choices=choices(RACE_ETHNICITY_CHOICES),
        validators=[Optional()],
    )
    race_ethnicity_self_described = StringField(
        _l("In your own words"), validators=[Optional(), max_length(200)]
    )
    gender_self_described = StringField(
        _l("How do you describe your gender?"), validators=[Optional(), max_length(200)]
    )

    def validate_preferred_language_other(self, field):
        if field.data and field.data.strip() and self.preferred_language.data != "other":
            raise ValidationError(_l('Choose "Another language" above, or leave this empty.'))
