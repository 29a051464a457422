"""What "you said, we did" brings to the app (see `engage.components`)."""

from ..components import Component

component = Component(
    __package__,
    blueprint=":bp",
    models=("models",),
    slots={"home.highlights": "slots:home_highlights", "theme.follow_up": "slots:theme_follow_up",
           "comment.marks": "slots:comment_marks"},
)
