"""Forms on the public side of conversations: the listing's filters and the sign-up form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError

from ..forms import (OneSubmission, TextForm, WholeNumberRange, choices, email_field, max_length, name_field,
                     strip_whitespace)
from ..vocabulary import LANGUAGE_CHOICES
from .listing import FIRST_YEAR, LAST_YEAR, SessionFilters
from .models import SessionFormat
from .registration import MAX_PARTY_SIZE, Signup

NAME_MAX = 120
PHONE_MAX = 40
NEEDS_MAX = 2000

FORMAT_CHOICES = [
    (SessionFormat.IN_PERSON, _l("In person")),
    (SessionFormat.ONLINE, _l("Online")),
]


class LocalDateField(DateField):
    """A date typed in the district's calendar, with our message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Please enter a date like 2026-05-14.")) from None


def _sensible_year(form, field) -> None:
    if field.data is not None and not (FIRST_YEAR <= field.data.year <= LAST_YEAR):
        raise ValidationError(_l("Please enter a date like 2026-05-14."))


class SessionFilterForm(TextForm):
    """The listing's filters, sent as a GET query string (so links and the back button keep them).

    A value that is not valid shows an error beside its field and is left out;
    the other filters still apply.
    """

    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), name="from", validators=[Optional(), _sensible_year],
                          render_kw={"autocomplete": "off"})
    date_to = LocalDateField(_l("To"), name="to", validators=[Optional(), _sensible_year],
                        render_kw={"autocomplete": "off"})
    school = SelectField(_l("School"), validators=[Optional()])
    language = SelectField(_l("Language spoken"), choices=choices([("", _l("Any language")), *LANGUAGE_CHOICES]),
                           validators=[Optional()])
    format = SelectField(_l("In person or online"),
                         choices=choices([("", _l("Either")), *FORMAT_CHOICES]), validators=[Optional()])
    childcare = BooleanField(_l("Childcare offered"))
    seats = BooleanField(_l("Seats still free"))

    def __init__(self, formdata, schools, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.school.choices = choices([("", _l("Any school")), *((str(s.id), s.name) for s in schools)])

    def validate_date_to(self, field) -> None:
        start = self.date_from.data if not self.date_from.errors else None
        if field.data and start and field.data < start:
            raise ValidationError(_l("Please choose a date on or after the “From” date."))

    def filters(self) -> SessionFilters:
        """The filters that are valid (call validate() first)."""

        def valid(field):
            return None if field.errors else (field.data or None)

        school = valid(self.school)
        return SessionFilters(
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
            school_id=int(school) if school and school.isdigit() else None,
            language=valid(self.language),
            format=valid(self.format),
            childcare=bool(valid(self.childcare)),
            has_seats=bool(valid(self.seats)),
        )


class SignupForm(OneSubmission, TextForm):
    """Signing up for one session. Signed-in people sign up with their account's
    name and address (the view removes those fields); childcare is asked only
    where the session offers it."""

    name = name_field(_l("Your name"), NAME_MAX)
    email = email_field(_l("Email address"),
                        description=_l("We send the confirmation and a link to cancel here."))
    phone = StringField(
        _l("Phone number"),
        description=_l("Only if you'd like the host to be able to call or text you about this session."),
        filters=[strip_whitespace],
        validators=[Optional(), max_length(PHONE_MAX),
                    Regexp(r"^[0-9+()\-.\s]*[0-9][0-9+()\-.\s]*$",
                           message=_l("Please enter a phone number using digits, spaces and + - ( )."))],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    party_size = IntegerField(
        _l("How many people are coming, including you?"),
        default=1,
        validators=[InputRequired(message=_l("Please enter how many people are coming.")),
                    WholeNumberRange(min=1, max=MAX_PARTY_SIZE,
                                     message=_l("Please enter a number from 1 to %(max)d.", max=MAX_PARTY_SIZE))],
        render_kw={"min": 1, "max": MAX_PARTY_SIZE, "inputmode": "numeric"},
    )
    interpretation_language = SelectField(
        _l("Do you need an interpreter? In which language?"),
        choices=choices([("", _l("No interpreter needed")), *LANGUAGE_CHOICES]),
        validators=[Optional()],
    )
    childcare_count = IntegerField(
        _l("How many children need childcare during the session?"),
        default=0,
        validators=[Optional(), WholeNumberRange(min=0, max=MAX_PARTY_SIZE,
                                                 message=_l("Please enter a number from 0 to %(max)d.",
                                                            max=MAX_PARTY_SIZE))],
        render_kw={"min": 0, "max": MAX_PARTY_SIZE, "inputmode": "numeric"},
    )
    accessibility_needs = TextAreaField(
        _l("Anything the host should know to make the session accessible for you?"),
        description=_l("For example: wheelchair access, large print, a quiet space, dietary needs."),
        filters=[strip_whitespace],
        validators=[Optional(), max_length(NEEDS_MAX)],
        render_kw={"rows": 3},
    )
    consent = BooleanField(
        _l("I agree that my details are kept and shared with the host as explained above."),
        validators=[InputRequired(message=_l("Please agree so we can sign you up."))],
    )
    def validate_childcare_count(self, field) -> None:
        party = self.party_size.data if not self.party_size.errors else None
        if field.data and isinstance(party, int) and field.data > party:
            raise ValidationError(_l("Childcare can be for at most the %(count)d people coming.", count=party))

    def signup(self, *, locale: str, user=None) -> Signup:
        """The validated answers for registration.register_for_session."""
        childcare = self.childcare_count.data if "childcare_count" in self else 0
        return Signup(
            name=user.display_name if user is not None else self.name.data,
            email=user.email if user is not None else self.email.data,
            party_size=self.party_size.data,
            phone=self.phone.data or "",
            interpretation_language=self.interpretation_language.data or None,
            childcare_count=childcare or 0,
            accessibility_needs=self.accessibility_needs.data or "",
            locale=locale,
            user_id=user.id if user is not None else None,
        )


def signup_form(session, *, signed_in: bool, **kwargs) -> SignupForm:
    """The sign-up form for this session and person: no name/email for the signed-in, no childcare if none."""
    form = SignupForm(**kwargs)
    if signed_in:
        del form.name
        del form.email
    if not session.childcare_offered:
        del form.childcare_count
    if not session.interpretation_available:
        form.interpretation_language.description = _(
            "The host has not planned an interpreter yet; tell us the language and they will try to find one.")
    return form
