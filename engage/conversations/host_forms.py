"""Forms hosts use: a session's details, calling it off, and adding a walk-in."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, DateTimeLocalField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField, TimeField, URLField)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..forms import (MultiCheckboxField, OneSubmission, WholeNumberRange, choices, database_id, email_field,
                     max_length, name_field, single_line,
                     strip_whitespace, TextForm)
from ..i18n import content_language, local_to_utc, utc_to_local
from ..models import as_utc
from ..vocabulary import LANGUAGE_CHOICES
from . import hosting
from .models import NoteStatus, SessionFormat, SessionStatus
from .registration import MAX_PARTY_SIZE

STATUS_LABELS = {
    SessionStatus.SCHEDULED: _l("Taking sign-ups"),
    SessionStatus.FULL: _l("Full"),
    SessionStatus.CANCELLED: _l("Cancelled"),
    SessionStatus.COMPLETED: _l("Held"),
}
FORMAT_LABELS = {
    SessionFormat.IN_PERSON: _l("In person"),
    SessionFormat.ONLINE: _l("Online"),
}
NOTE_LABELS = {
    None: _l("Not started"),
    NoteStatus.DRAFT: _l("Draft"),
    NoteStatus.SUBMITTED: _l("Submitted"),
}
LANGUAGE_LABELS = dict(LANGUAGE_CHOICES)
NO_CHOICE = 0  # "the district", "no plan", "no particular school" in the selects

# Which form field shows a problem hosting.session_problems reports for a session field.
FORM_FIELD_OF = {"starts_at": "date", "ends_at": "end_time", "section_keys": "sections"}


def _check_year(field) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Please enter a date between the years 2000 and 2100."))


def section_value(plan_id: int, key: str) -> str:
    """A section checkbox's value: section keys are only unique within a plan."""
    return f"{plan_id}:{key}"


class SessionForm(OneSubmission, TextForm):
    title = StringField(_l("Title"), filters=[single_line],
                        validators=[DataRequired(message=_l("Please give the conversation a title.")),
                                    max_length(hosting.TITLE_MAX)])
    description = TextAreaField(_l("Description"), filters=[strip_whitespace],
                                description=_l("What you will talk about, and who is welcome."),
                                validators=[Optional(), max_length(hosting.DESCRIPTION_MAX)])
    written_in = SelectField(_l("Written in"),
                             description=_l("The language of the title, description and accessibility notes. "
                                            "Translators put them into the site's other languages."))
    organization_id = SelectField(_l("Hosted by"), coerce=int)
    plan_id = SelectField(_l("Plan to discuss"), coerce=int,
                          description=_l("Only plans with a published version are listed."))
    sections = MultiCheckboxField(_l("Parts of the plan to discuss"), validators=[Optional()],
                                  description=_l("Choose parts of the plan you chose above. The discussion guide "
                                                 "covers the parts you choose."))
    school_id = SelectField(_l("School"), coerce=int,
                            description=_l("If the conversation is for one school's community."))
    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Please enter the date."))])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired(message=_l("Please enter the time it starts."))])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired(message=_l("Please enter the time it ends."))])
    registration_deadline = DateTimeLocalField(
        _l("Sign-ups close"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("Leave empty to take sign-ups until the conversation starts."),
    )
    format = RadioField(_l("How people take part"), choices=choices(FORMAT_LABELS.items()),
                        default=SessionFormat.IN_PERSON,
                        validators=[InputRequired(message=_l("Please choose in person or online."))])
    address = StringField(_l("Address"), filters=[strip_whitespace],
                          description=_l("Needed for a conversation in person."),
                          validators=[Optional(), max_length(hosting.ADDRESS_MAX)])
    room = StringField(_l("Room"), filters=[strip_whitespace], description=_l("For example: the library."),
                       validators=[Optional(), max_length(hosting.ROOM_MAX)])
    accessibility_notes = TextAreaField(
        _l("Accessibility"), filters=[strip_whitespace],
        description=_l("For example: step-free entrance, parking, captions online."),
        validators=[Optional(), max_length(hosting.ACCESSIBILITY_MAX)],
    )
    online_url = URLField(_l("Link to join online"), filters=[strip_whitespace],
                          description=_l("Needed for an online conversation. Only people who sign up see it."),
                          validators=[Optional(), max_length(hosting.URL_MAX)],
                          render_kw={"spellcheck": "false", "autocapitalize": "none"})
    languages = MultiCheckboxField(_l("Languages spoken at the conversation"), choices=choices(LANGUAGE_CHOICES))
    interpretation_available = BooleanField(_l("Interpretation into other languages is available"))
    childcare_offered = BooleanField(_l("Childcare is offered"))
    food_offered = BooleanField(_l("Food is offered"))
    capacity = IntegerField(
        _l("Places"), description=_l("Counting every person in a party."),
        validators=[InputRequired(message=_l("Please enter how many people can come.")),
                    WholeNumberRange(min=1, max=hosting.CAPACITY_MAX,
                                     message=_l("Please enter a number of places from 1 to %(max)d.",
                                                max=hosting.CAPACITY_MAX))],
        render_kw={"inputmode": "numeric", "min": 1, "max": hosting.CAPACITY_MAX},
    )

    def validate_date(self, field):
        _check_year(field)

    def validate_registration_deadline(self, field):
        _check_year(field)

    def set_choices(self, *, organizations, district: bool, plan_choices, schools) -> None:
        self.written_in.choices = choices(current_app.config["LANGUAGES"].items())
        if self.written_in.data is None:
            self.written_in.data = content_language()
        self.organization_id.choices = choices(
            [*([(NO_CHOICE, _l("The district"))] if district else []), *((org.id, org.name) for org in organizations)]
        )
        self.plan_id.choices = choices([(NO_CHOICE, _l("No plan")), *((p.plan_id, p.title) for p in plan_choices)])
        self.sections.choices = choices(
            (section_value(p.plan_id, key), title) for p in plan_choices for key, title in p.sections
        )
        self.school_id.choices = choices([(NO_CHOICE, _l("No particular school")),
                                          *((school.id, school.name) for school in schools)])

    @staticmethod
    def prefill_data(args, *, plan_choices, schools) -> dict:
        """A new session's school, language and plan from the link that opened the form (as from
        "who we are hearing from"); values that are not a listed choice are left out."""
        def listed(name: str, ids: set[int]) -> int | None:
            value = database_id(args.get(name))
            return value if value in ids else None

        data = {}
        if (school_id := listed("school", {school.id for school in schools})) is not None:
            data["school_id"] = school_id
        if (plan_id := listed("plan", {choice.plan_id for choice in plan_choices})) is not None:
            data["plan_id"] = plan_id
        if args.get("language") in LANGUAGE_LABELS:
            data["languages"] = [args["language"]]
        return data

    @staticmethod
    def initial_data(session) -> dict:
        """What the form shows for an existing session (times in the district's zone)."""
        starts, ends = utc_to_local(session.starts_at), utc_to_local(session.ends_at)
        return {
            "title": session.title, "description": session.description, "written_in": session.written_in,
            "organization_id": session.organization_id or NO_CHOICE, "plan_id": session.plan_id or NO_CHOICE,
            "sections": [section_value(session.plan_id, key) for key in session.section_keys or []],
            "school_id": session.school_id or NO_CHOICE,
            "date": starts.date(), "start_time": starts.time(), "end_time": ends.time(),
            "registration_deadline": utc_to_local(session.registration_deadline),
            "format": session.format, "address": session.address, "room": session.room,
            "accessibility_notes": session.accessibility_notes, "online_url": session.online_url,
            "languages": session.language_codes, "interpretation_available": session.interpretation_available,
            "childcare_offered": session.childcare_offered, "food_offered": session.food_offered,
            "capacity": session.capacity,
        }

    def session_fields(self, session=None) -> dict:
        """The fields as hosting.create_session takes them; None where the form could not read a value.

        The form shows whole minutes: a time left as it was keeps the session's
        own (seconds and all), so saving an unchanged form changes no time.
        """
        day = self.date.data if not self.date.errors else None

        def kept(moment, name):
            current = as_utc(getattr(session, name)) if session is not None else None
            if moment is None or current is None:
                return moment
            return current if current.replace(second=0, microsecond=0) == moment else moment

        def at(time_field, name):
            if day is None or time_field.data is None or time_field.errors:
                return None
            return kept(local_to_utc(datetime.combine(day, time_field.data)), name)

        deadline = self.registration_deadline
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "written_in": self.written_in.data or content_language(),
            "organization_id": self.organization_id.data or None,
            "plan_id": self.plan_id.data or None,
            "section_keys": [value.partition(":")[2] for value in self.sections.data or []],
            "school_id": self.school_id.data or None,
            "starts_at": at(self.start_time, "starts_at"),
            "ends_at": at(self.end_time, "ends_at"),
            "registration_deadline": (kept(local_to_utc(deadline.data), "registration_deadline")
                                      if not deadline.errors else None),
            "format": self.format.data,
            "address": self.address.data or "",
            "room": self.room.data or "",
            "accessibility_notes": self.accessibility_notes.data or "",
            "online_url": self.online_url.data or "",
            "languages": list(self.languages.data or []),
            "interpretation_available": self.interpretation_available.data,
            "childcare_offered": self.childcare_offered.data,
            "food_offered": self.food_offered.data,
            "capacity": self.capacity.data if not self.capacity.errors else None,
        }

    def show_problems(self, problems: dict) -> None:
        """Put each of the service's problems beside its field, unless the field already shows one."""
        for name, message in problems.items():
            field = self[FORM_FIELD_OF.get(name, name)]
            if not field.errors:
                field.errors = [*field.errors, message]


class CancelSessionForm(TextForm):
    reason = TextAreaField(
        _l("Why are you cancelling?"), filters=[strip_whitespace],
        description=_l("Everyone who signed up gets an email with this message."),
        validators=[DataRequired(message=_l("Please tell people why, so they understand.")),
                    max_length(hosting.REASON_MAX)],
    )


class WalkInForm(OneSubmission, TextForm):
    name = name_field(_l("Name"), 120)
    email = email_field(_l("Email"), required=False,
                        description=_l("Only if they would like to hear about what happens next."))
    party_size = IntegerField(
        _l("How many people, including them"), default=1,
        validators=[InputRequired(message=_l("Please enter how many people came.")),
                    WholeNumberRange(min=1, max=MAX_PARTY_SIZE,
                                     message=_l("Please enter a number from 1 to %(max)d.", max=MAX_PARTY_SIZE))],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_PARTY_SIZE},
    )
    interpretation_language = SelectField(
        _l("Interpretation needed"), choices=choices([("", _l("None")), *LANGUAGE_CHOICES]), default="",
        validators=[Optional()],
    )
    childcare_count = IntegerField(
        _l("Children in childcare"), default=0,
        validators=[Optional(), WholeNumberRange(min=0, max=hosting.CHILDCARE_MAX,
                                                 message=_l("Please enter a number from 0 to %(max)d.",
                                                            max=hosting.CHILDCARE_MAX))],
        render_kw={"inputmode": "numeric", "min": 0, "max": hosting.CHILDCARE_MAX},
    )
