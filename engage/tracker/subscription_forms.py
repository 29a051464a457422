"""The form to follow an action or a plan by email."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, Optional

from ..forms import TextForm, WholeNumberRange, email_field

class IdField(IntegerField):
    """A database id: ASCII digits only (int() would also take "１" and "1_0")."""

    def process_formdata(self, valuelist):
        if valuelist and not (isinstance(valuelist[0], str) and valuelist[0].isascii() and valuelist[0].isdigit()):
            self.data = None
            if valuelist[0] not in ("", None):
                raise ValueError(self.gettext("Not a valid integer value."))
            return
        super().process_formdata(valuelist)


ID_RANGE = WholeNumberRange(min=1, max=2**31 - 1, message=_l("This is not something you can follow."))


class SubscribeForm(TextForm):
    """Posted by templates/tracker/_subscribe.html. Signed-in people with a confirmed
    address need no email field: the view drops it (see for_person)."""

    plan_id = IdField(validators=[InputRequired(message=_l("This is not something you can follow.")), ID_RANGE])
    action_id = IdField(validators=[Optional(), ID_RANGE])
    email = email_field(_l("Email address"),
                        description=_l("We send you an email to confirm first. Every email has a link to stop."))

    @classmethod
    def for_person(cls, user) -> SubscribeForm:
        form = cls()
        if user is not None and user.is_authenticated and user.is_verified:
            # Their account's address is used; a hidden copy of it in the page is not needed.
            del form.email
        return form


class StopForm(TextForm):
    """The button on the stop page; `scope` is "plan" to stop every email about the plan."""

    scope = HiddenField()
