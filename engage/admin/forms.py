from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, InputRequired, Optional

from ..forms import choices, email_field, max_length, name_field, TextForm
from ..orgs.models import OrganizationKind, SchoolLevel
from ..permissions import Role

ROLE_LABELS = {
    Role.PARTICIPANT.value: _l("Participant"),
    Role.MODERATOR.value: _l("Moderator"),
    Role.TRANSLATOR.value: _l("Translator"),
    Role.LEADER.value: _l("Leader"),
    Role.ADMIN.value: _l("Administrator"),
}

ORGANIZATION_KIND_LABELS = {
    OrganizationKind.PTO: _l("Parent-teacher organization"),
    OrganizationKind.PARTNER: _l("Community partner"),
    OrganizationKind.STUDENT_GROUP: _l("Student organization"),
    OrganizationKind.STAFF_GROUP: _l("Staff organization"),
    OrganizationKind.DISTRICT_OFFICE: _l("District office"),
}

SCHOOL_LEVEL_LABELS = {
    SchoolLevel.ELEMENTARY: _l("Elementary school"),
    SchoolLevel.MIDDLE: _l("Middle school"),
    SchoolLevel.HIGH: _l("High school"),
    SchoolLevel.OTHER: _l("Other"),
}


class UserRoleForm(TextForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()), validators=[InputRequired()])
    reason = StringField(
        _l("Reason for the change"),
        description=_l("Kept in the audit log."),
        validators=[Optional(), max_length(300)],
    )


class UserSearchForm(TextForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name or email"), validators=[Optional(), max_length(200)])
    role = SelectField(_l("Role"), choices=choices([("", _l("Any role")), *ROLE_LABELS.items()]), validators=[Optional()])


class OrganizationForm(TextForm):
    name = name_field(_l("Name"), 160)
    kind = SelectField(_l("Kind of organization"), choices=choices(ORGANIZATION_KIND_LABELS.items()),
                       validators=[InputRequired()])
    school_id = SelectField(_l("School"), coerce=int, description=_l("For a school's PTO or student group."))
    description = TextAreaField(_l("Description"), validators=[Optional(), max_length(2000)])
    website = URLField(
        _l("Website"),
        validators=[Optional(), max_length(300), URL(message=_l("Please enter a full web address starting with https://."))],
    )
    contact_email = email_field(_l("Contact email"), required=False)
    hosts_conversations = BooleanField(_l("Members may host community conversations"), default=True)


class AddMemberForm(TextForm):
    email = email_field(_l("Email address of the person to add"), description=_l("They need an Engage account first."))


class SchoolForm(TextForm):
    name = name_field(_l("Name"), 160)
    level = SelectField(_l("Level"), choices=choices(SCHOOL_LEVEL_LABELS.items()), validators=[InputRequired()])
    address = StringField(_l("Address"), validators=[Optional(), max_length(300)])
    active = BooleanField(_l("Open (shown to participants)"), default=True)
