"""Leaders' theme pages in tests: making a theme, its address, posting to it, reading its text."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from engage.comments.models import Comment
from engage.extensions import db
from engage.feedback.services import FeedbackItem, FeedbackSource, Visibility
from engage.themes import services
from engage.themes.models import Theme
from engage.themes.services import ThemedItem
from tests.support.web import csrf_token, post_form


def themes_of(analysis) -> list[Theme]:
    db.session.expire_all()
    return sorted(services.active_themes(analysis), key=lambda theme: theme.id)


def theme_with(analysis, word: str) -> Theme:
    """The theme most of whose items mention `word`."""
    themed = services.themed_items(analysis)
    best = max(themes_of(analysis), key=lambda theme: sum(
        1 for row in themed if row.theme_id == theme.id and word in row.item.text.lower()))
    return best


def theme_url(analysis, theme, suffix: str = "") -> str:
    return f"/themes/analyses/{analysis.id}/themes/{theme.id}{suffix}"


def post(client, path: str, data: dict | None = None, *, prefix: str = "", **kwargs):
    """POST like the page's form: prefixed fields, with the page's CSRF token under the form's prefix."""
    payload = {f"{prefix}{key}": value for key, value in (data or {}).items()}
    payload[f"{prefix}csrf_token"] = csrf_token(client, "/themes/")
    return client.post(path, data=payload, **kwargs)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def post_comments(client, plan, bodies) -> list[int]:
    """Post each body on the plan through the comment form; the new comments' ids."""
    for body in bodies:
        response = post_form(client, f"/plans/{plan.id}/comments",
                             {"body": body, "submission_token": uuid.uuid4().hex},
                             form_page=f"/plans/{plan.id}/comments")
        assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return list(db.session.scalars(select(Comment.id).where(Comment.plan_id == plan.id, Comment.body.in_(bodies))))


START = datetime(2026, 9, 7, 15, 0, tzinfo=UTC)  # a Monday


_ids = iter(range(1, 10**6))


def row(theme_id: int | None, text: str = "something", *, person: str | None = None, source=FeedbackSource.COMMENT,
        support: int = 0, rank: int | None = None, strength: float = 0.5, off_topic: bool = False,
        new: bool = False, relationship: str | None = None, language: str | None = None, schools=(),
        section: str | None = None, written_in: str | None = "en", when: datetime = START) -> ThemedItem:
    source_id = next(_ids)
    item = FeedbackItem(source=source, source_id=source_id, text=text, language=written_in, plan_id=1,
                        section_key=section, action_key=None, created_at=when, visibility=Visibility.PUBLIC,
                        support_count=support, relationship=relationship, preferred_language=language,
                        school_ids=tuple(schools), person_key=person or f"user:{source_id}")
    return ThemedItem(item=item, theme_id=theme_id, strength=strength, representative_rank=rank,
                      assigned_by="nearest" if new else "run", off_topic=off_topic, is_new=new,
                      run_theme_id=theme_id, run_counted_theme_id=theme_id)
