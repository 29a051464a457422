"""Community conversations' public words, and the toolkit's shared resources hosts read, offered to
translators and read in the reader's language (see `engage.translation`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..i18n import content_language
from ..models import utcnow
from ..translation.services import RecordTexts
from ..translation.sources import Document, Passage, TranslatableKind
from .models import ConversationSession, SessionStatus, ToolkitResource

FIELDS = (("title", _l("Title"), False), ("description", _l("Description"), True),
          ("accessibility_notes", _l("Accessibility"), True))
# Sessions over this long ago are history: translators are not asked for them.
_RECENT = timedelta(days=30)


def session_scope(session_id: int) -> str:
    return f"session:{session_id}"


def session_document(session: ConversationSession) -> Document:
    passages = [Passage(field, label, getattr(session, field), "session", session.title, multiline)
                for field, label, multiline in FIELDS if (getattr(session, field) or "").strip()]
    return Document(session_scope(session.id), session.title, session.written_in, passages)


def _documents() -> list[Document]:
    sessions = db.session.scalars(
        select(ConversationSession)
        .where(ConversationSession.status != SessionStatus.CANCELLED,
               ConversationSession.starts_at >= utcnow() - _RECENT)
        .order_by(ConversationSession.starts_at))
    return [session_document(session) for session in sessions]


def _find(key: str) -> Document | None:
    session = db.session.get(ConversationSession, int(key)) if key.isdigit() else None
    return session_document(session) if session else None


def _public_url(key: str) -> str | None:
    return url_for("conversations.session_page", session_id=int(key)) if key.isdigit() else None


SESSIONS = TranslatableKind("session", _l("Community conversations"), _documents, _find, public_url=_public_url,
                            order=40)


def session_texts(sessions: Iterable[ConversationSession], reader: str | None = None) -> RecordTexts:
    """Sessions' titles, descriptions and accessibility notes in the reader's language, in one query."""
    return RecordTexts(sessions, lambda session: session_scope(session.id), reader,
                       written_in=lambda session: session.written_in, field="title")


# The toolkit's shared resources: their titles and descriptions (the file or page itself is in its own language).

RESOURCE_FIELDS = (("title", _l("Title"), False), ("description", _l("Description"), True))


def resource_scope(resource_id: int) -> str:
    return f"resource:{resource_id}"


def resource_document(resource: ToolkitResource) -> Document:
    passages = [Passage(field, label, getattr(resource, field), "resource", resource.title, multiline)
                for field, label, multiline in RESOURCE_FIELDS if (getattr(resource, field) or "").strip()]
    return Document(resource_scope(resource.id), resource.title, content_language(), passages)


def _resource_documents() -> list[Document]:
    resources = db.session.scalars(select(ToolkitResource).order_by(ToolkitResource.created_at))
    return [resource_document(resource) for resource in resources]


def _find_resource(key: str) -> Document | None:
    resource = db.session.get(ToolkitResource, int(key)) if key.isdigit() else None
    return resource_document(resource) if resource else None


RESOURCES = TranslatableKind("resource", _l("Hosts' toolkit"), _resource_documents, _find_resource,
                             public_url=lambda _key: url_for("conversations.toolkit", _anchor="resources"), order=45)


def resource_texts(resources: Iterable[ToolkitResource], reader: str | None = None) -> RecordTexts:
    """Resources' titles and descriptions in the reader's language, in one query."""
    return RecordTexts(resources, lambda resource: resource_scope(resource.id), reader, field="title")
