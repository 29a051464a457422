from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired

from ..forms import OneSubmission, max_length, strip_whitespace, TextForm
from .services import BODY_MAX


class CommentForm(OneSubmission, TextForm):
    body = TextAreaField(
        _l("Your comment"),
        description=_l("Plain text. Links are made clickable. Please be respectful: comments are public."),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please write your comment.")), max_length(BODY_MAX)],
    )
    anonymous = BooleanField(
        _l("Show my comment without my name"),
        # Names every role that can see who wrote it: those that may moderate (the comment
        # pages) or link comments to what they led to (tests/comments/test_comments.py checks).
        description=_l("The public sees \"A community member\". Moderators, district leaders and administrators "
                       "can still see who wrote it."),
    )
    official = BooleanField(_l("Post as an official response"))
    section_key = HiddenField()
    action_key = HiddenField()
    parent_id = HiddenField()


class EditCommentForm(TextForm):
    body = CommentForm.body


class ReasonForm(TextForm):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please give a reason.")), max_length(1000)],
    )


class FlagForm(TextForm):
    reason = TextAreaField(
        _l("What is wrong with this comment?"),
        description=_l("For example: it is abusive, shares someone's private information, or is spam."),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Please tell the moderators what is wrong.")), max_length(1000)],
    )
