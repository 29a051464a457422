from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import max_length, strip_whitespace
from .services import BODY_MAX


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        description=_l("Plain text. Links are made clickable. Please be respectful: comments are public."),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please write your comment.")), max_length(BODY_MAX)],
    )
    anonymous = BooleanField(
        _l("Show my comment without my name"),
        description=_l("The public sees \"A community member\". Moderators can still see who wrote it."),
    )
    official = BooleanField(_l("Post as an official response"))
    submission_token = HiddenField(validators=[InputRequired(), Length(max=64)])
    section_key = HiddenField()
    action_key = HiddenField()
    parent_id = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_token.data:
            self.submission_token.data = secrets.token_urlsafe(24)


class EditCommentForm(FlaskForm):
    body = CommentForm.body


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please give a reason.")), max_length(1000)],
    )


class FlagForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with this comment?"),
        description=_l("For example: it is abusive, shares someone's private information, or is spam."),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please tell the moderators what is wrong.")), max_length(1000)],
    )
