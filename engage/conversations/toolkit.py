"""The hosts' toolkit: printables made for each session from the plan it covers
(discussion guide, sign-in sheet, paper comment cards), and the files and links
leaders share with every host.

Printables use the latest published version of the session's plan: the text
families read on the plan page, never an unpublished draft. Each printed copy
reads it in the copy's language where it is translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import uploads
from ..accounts.vocabulary import RELATIONSHIP_CHOICES
from ..audit import services as audit
from ..extensions import db
from ..models import utcnow
from ..permissions import Permission, PermissionDenied, can, require
from ..plans.models import PlanVersion
from ..plans.translation import localized, plan_scope
from ..translation.services import Localizer
from ..uploads import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    PPTX,
    CheckedUpload,
    UploadRefused,
    UploadType,
    accepted_extensions,
    store,
    stored_name_pattern,
    stored_path,
)
from ..urls import external_url
from ..vocabulary import LANGUAGE_CHOICES
from .models import (
    ConversationSession,
    Registration,
    RegistrationStatus,
    ResourceKind,
    SessionStatus,
    ToolkitResource,
)
from .services import can_manage_all_sessions, hosting_organization_ids, require_manage_session
from .translatable import session_texts

# Plain-language summaries ----------------------------------------------------------

SECTION_SUMMARY_LIMIT = 280
ACTION_SUMMARY_LIMIT = 160
CARD_TITLE_LIMIT = 60
ELLIPSIS = "…"

_BULLET = re.compile(r"^\s*(?:[-*•●]\s+)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_SPACES = re.compile(r"\s+")
# A sentence ends at . ! or ? (maybe closed by a quote or bracket) followed by a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
# Full stops that do not end a sentence.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "No.", "approx.")


def plain_text(text: str | None) -> str:
    """Plan text (paragraphs, "- " bullets, **bold**) as one line of plain words."""
    parts: list[str] = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        stripped = _BOLD.sub(r"\1", line).strip()
        if not stripped:
            continue
        is_bullet = bool(_BULLET.match(stripped))
        stripped = _BULLET.sub("", stripped)
        # A bullet reads on from the line before it as one item of a list.
        if is_bullet and parts and parts[-1][-1] not in ".!?:;,":
            parts[-1] += ";"
        parts.append(stripped)
    return _SPACES.sub(" ", " ".join(parts)).strip()


def sentences(text: str) -> list[str]:
    """The sentences of a plain line of text, abbreviations like "e.g." kept inside theirs."""
    pieces = _SENTENCE_END.split(text.strip()) if text.strip() else []
    merged: list[str] = []
    for piece in pieces:
        if merged and merged[-1].endswith(_ABBREVIATIONS):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def truncate_words(text: str, limit: int) -> str:
    """At most about `limit` characters, cut between words (never inside one) and marked with "…".

    A first word longer than the limit is kept whole: a cut word is harder to
    read than a long line.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        end = text.find(" ")
        return text if end == -1 else text[:end].rstrip(".,;:") + ELLIPSIS
    return text[:cut].rstrip(" .,;:–—-") + ELLIPSIS


def plain_summary(text: str | None, *, max_sentences: int = 2, limit: int = SECTION_SUMMARY_LIMIT) -> str:
    """The first sentence or two of plan text, in plain words, at most about `limit` characters.

    Whole sentences are kept when they fit; otherwise the first one is cut at a
    word boundary.
    """
    found = sentences(plain_text(text))
    if not found:
        return ""
    summary = found[0]
    for sentence in found[1:max_sentences]:
        if len(summary) + 1 + len(sentence) > limit:
            break
        summary = f"{summary} {sentence}"
    return truncate_words(summary, limit)


# The plan a session covers ----------------------------------------------------------


@dataclass(frozen=True)
class OutlineAction:
    key: str
    number: str
    title: str
    summary: str
    # The title's language when translated (engage.translation), the summary's likewise; "": as written.
    language: str = ""
    summary_language: str = ""


@dataclass(frozen=True)
class OutlineSection:
    """A plan section as the printables show it. `number` is its place in the whole plan (1, 2...)."""

    key: str
    number: int
    title: str
    summary: str
    actions: tuple[OutlineAction, ...]
    # The title's language when translated (engage.translation), the summary's likewise; "": as written.
    language: str = ""
    summary_language: str = ""

    @property
    def short_title(self) -> str:
        return truncate_words(self.title, CARD_TITLE_LIMIT)


def latest_version(plan_id: int | None) -> PlanVersion | None:
    """The plan's latest published version, or None (no plan, or nothing published yet)."""
    if plan_id is None:
        return None
    return db.session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.number.desc()).limit(1)
    )


def _language_of(text) -> str:
    """A translated text's language; "" for words as written (in the content language)."""
    return getattr(text, "language", None) or ""


def _outline_action(action: dict) -> OutlineAction:
    description = action.get("description") or ""
    title_source = action.get("title") if (action.get("title") or "").strip() else description
    title = (action.get("title") or "").strip() or plain_summary(description, max_sentences=1, limit=90)
    summary = plain_summary(description, max_sentences=1, limit=ACTION_SUMMARY_LIMIT)
    if summary.startswith(title.rstrip("….").rstrip()):
        # Many plans title an action with the start of its description: say it once, in full.
        title, summary, title_source = summary, "", description
    return OutlineAction(key=action["key"], number=(action.get("number") or "").strip(), title=title, summary=summary,
                         language=_language_of(title_source), summary_language=_language_of(description))


def outline_sections(content: dict | None, section_keys: list[str] | None) -> list[OutlineSection]:
    """The sections to discuss, in the host's order; every section when none (or none still in the plan) are chosen."""
    if not content:
        return []
    all_sections = [
        OutlineSection(
            key=section["key"],
            number=position,
            title=section.get("title") or "",
            summary=plain_summary(section.get("intro")),
            actions=tuple(_outline_action(action) for action in section.get("actions", [])),
            language=_language_of(section.get("title")), summary_language=_language_of(section.get("intro")),
        )
        for position, section in enumerate(content.get("sections", []), start=1)
    ]
    by_key = {section.key: section for section in all_sections}
    chosen = [by_key[key] for key in section_keys or [] if key in by_key]
    return chosen or all_sections


def session_sections(session: ConversationSession, version: PlanVersion | None = None) -> list[OutlineSection]:
    """The plan sections a session covers (session.section_keys, or all), from the latest published version."""
    version = version or latest_version(session.plan_id)
    return outline_sections(version.snapshot if version else None, session.section_keys)


def _read_in(version: PlanVersion | None, reader: str) -> dict | None:
    """The version's snapshot in `reader`'s language where translated."""
    if version is None:
        return None
    scope = plan_scope(version.plan_id)
    return localized(version.snapshot, scope, Localizer([scope], reader))[0]


@dataclass(frozen=True)
class PrintedCopy:
    """What one printed copy reads of the plan and the session, in its language where translated."""

    plan_title: str | None
    session_title: str
    sections: list[OutlineSection]


def printed_copies(session: ConversationSession, version: PlanVersion | None,
                   languages: list[PrintLanguage]) -> dict[str, PrintedCopy]:
    """Locale -> the copy printed in it."""
    copies = {}
    for language in languages:
        content = _read_in(version, language.locale)
        copies[language.locale] = PrintedCopy(
            plan_title=content.get("title") if content else None,
            session_title=session_texts([session], language.locale)(session),
            sections=outline_sections(content, session.section_keys))
    return copies


# Languages of the printables --------------------------------------------------------


def supported_locales() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def language_name(code: str) -> str:
    """A language's name in the current interface language ("Chinese"), or the code when unknown."""
    return str(dict(LANGUAGE_CHOICES).get(code, code))


@dataclass(frozen=True)
class PrintLanguage:
    """One copy of a printable: the interface language it is printed in, and the
    session languages with no translation of their own that it stands in for."""

    locale: str
    stands_in_for: tuple[str, ...] = ()

    def fallback_names(self) -> str:
        """The languages this copy stands in for, named in the current language: "Chinese, Somali"."""
        return ", ".join(language_name(code) for code in self.stands_in_for)


def print_languages(session: ConversationSession) -> list[PrintLanguage]:
    """One copy per session language Engage is translated into, in the session's order.

    Other languages get the default language's copy, which says so (the host
    plans for interpretation); a default copy is never printed twice.
    """
    supported = supported_locales()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    locales: list[str] = []
    fallbacks: list[str] = []
    for code in session.language_codes:
        if code in supported:
            if code not in locales:
                locales.append(code)
        elif code not in fallbacks:
            fallbacks.append(code)
    if fallbacks and default not in locales:
        locales.append(default)
    if not locales:
        locales.append(default)
    return [PrintLanguage(locale, tuple(fallbacks) if locale == default else ()) for locale in locales]


def heading_locales(session: ConversationSession) -> list[str]:
    """For one bilingual sheet: the session's first supported language, and its second if it has two."""
    return [language.locale for language in print_languages(session)][:2]


def in_languages(message, locales: list[str]) -> list[tuple[str, str]]:
    """A lazy message as (locale, text) in each language; a text the same as the one before is not repeated."""
    texts: list[tuple[str, str]] = []
    for locale in locales:
        with force_locale(locale):
            text = str(message)
        if not any(text == seen for _, seen in texts):
            texts.append((locale, text))
    return texts


# Discussion guide -------------------------------------------------------------------


def discussion_questions(section: OutlineSection) -> list:
    """Questions a host can ask about one section (lazy: they print in each guide's language)."""
    questions = [
        _l("What stands out to you in this part of the plan?"),
        _l("What would make this work for your family or community?"),
        _l("What worries you, or what is missing?"),
    ]
    for action in section.actions:
        if action.number:
            questions.append(_l("For action %(number)s: how would you know it is working?", number=action.number))
        else:
            questions.append(_l("For “%(title)s”: how would you know it is working?",
                                title=truncate_words(action.title, CARD_TITLE_LIMIT)))
    return questions


@dataclass(frozen=True)
class DiscussionGuide:
    session: ConversationSession
    plan_title: str | None
    # Where people keep giving feedback online: the plan page, or every plan.
    feedback_url: str
    sections: list[OutlineSection]
    languages: list[PrintLanguage]
    copies: dict[str, PrintedCopy]
    questions: dict[str, list] = field(default_factory=dict)


def discussion_guide(actor, session: ConversationSession) -> DiscussionGuide:
    """What a host reads from: the session's plan sections in plain words, questions, an opening and a closing."""
    require_manage_session(actor, session)
    version = latest_version(session.plan_id)
    sections = session_sections(session, version)
    languages = print_languages(session)
    return DiscussionGuide(
        session=session,
        plan_title=version.snapshot.get("title") if version else None,
        feedback_url=(external_url("plans.show", plan_id=session.plan_id) if version
                      else external_url("plans.index")),
        sections=sections,
        languages=languages,
        copies=printed_copies(session, version, languages),
        questions={section.key: discussion_questions(section) for section in sections},
    )


# Sign-in sheet ----------------------------------------------------------------------

SIGN_IN_BLANK_ROWS = 15

SIGN_IN_TEXT = {
    "title": _l("Sign-in sheet"),
    "here": _l("Here"),
    "name": _l("Name"),
    "party": _l("People in your group"),
    "contact": _l("Email or phone (optional)"),
    "relationship": _l("I am a…"),
    "language": _l("Language"),
    "next_steps": _l("I'd like to hear about the next steps"),
    "signed_up": _l("Signed up online"),
    "walk_ins": _l("Not signed up? Please add your name below."),
}


@dataclass(frozen=True)
class SignInSheet:
    session: ConversationSession
    registrants: list[Registration]
    blank_rows: int
    # Each text of the sheet in its one or two languages: {"name": [("en", "Name"), ("es", "Nombre")]}.
    text: dict[str, list[tuple[str, str]]]
    locales: list[str]


def sign_in_sheet(actor, session: ConversationSession, *, blank_rows: int = SIGN_IN_BLANK_ROWS) -> SignInSheet:
    """The confirmed registrants (walk-ins added so far too), then empty rows for people who come without signing up."""
    require_manage_session(actor, session)
    registrants = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.session_id == session.id, Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Registration.name, Registration.id)
        )
    )
    locales = heading_locales(session)
    return SignInSheet(
        session=session,
        registrants=registrants,
        blank_rows=blank_rows,
        text={key: in_languages(message, locales) for key, message in SIGN_IN_TEXT.items()},
        locales=locales,
    )


# Paper comment cards ----------------------------------------------------------------


class CardFieldKind:
    TEXT = "text"
    SECTION = "section"
    RELATIONSHIP = "relationship"
    LANGUAGE = "language"
    SCHOOL = "school"


@dataclass(frozen=True)
class CardField:
    """One field of a paper comment card; the bulk entry form has the same ones, in the same order.

    `name` is the NoteEntry attribute the answer is typed into.
    """

    name: str
    kind: str
    label: object  # a lazy string
    optional: bool
    choices: tuple[tuple[str, object], ...] = ()


# The last choice of "Which part of the plan is it about?", after the session's sections.
SOMETHING_ELSE = _l("Something else")


def comment_card_fields() -> tuple[CardField, ...]:
    """The paper comment card's fields, in order. The bulk entry form for typing cards in uses the same list.

    The plan sections to tick come from `session_sections(session)` (plus
    SOMETHING_ELSE); schools are written in by hand and picked from the
    district's list when typed in.
    """
    return (
        CardField("text", CardFieldKind.TEXT, _l("Your comment"), optional=False),
        CardField("section_key", CardFieldKind.SECTION, _l("Which part of the plan is it about?"), optional=False),
        CardField("relationship_to_district", CardFieldKind.RELATIONSHIP, _l("I am a…"), optional=True,
                  choices=tuple(RELATIONSHIP_CHOICES)),
        CardField("participant_language", CardFieldKind.LANGUAGE, _l("The language I speak at home"), optional=True,
                  choices=tuple(LANGUAGE_CHOICES)),
        CardField("school_id", CardFieldKind.SCHOOL, _l("My school"), optional=True),
    )


# Two cards fit on a page (A4 or Letter) when the list of sections to tick is short.
CARDS_PER_PAGE_MAX_SECTIONS = 4
MAX_CARD_PAGES = 20


@dataclass(frozen=True)
class CommentCards:
    session: ConversationSession
    fields: tuple[CardField, ...]
    sections: list[OutlineSection]
    languages: list[PrintLanguage]
    copies: dict[str, PrintedCopy]
    cards_per_page: int
    pages: int

    pages_max: int = MAX_CARD_PAGES

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)


def comment_cards(actor, session: ConversationSession, *, pages: int = 1) -> CommentCards:
    """Blank comment cards for a session: `pages` pages in each of its languages."""
    require_manage_session(actor, session)
    version = latest_version(session.plan_id)
    sections = session_sections(session, version)
    languages = print_languages(session)
    return CommentCards(
        session=session,
        fields=comment_card_fields(),
        sections=sections,
        languages=languages,
        copies=printed_copies(session, version, languages),
        cards_per_page=2 if len(sections) <= CARDS_PER_PAGE_MAX_SECTIONS else 1,
        pages=min(max(pages, 1), MAX_CARD_PAGES),
    )


# Who uses the toolkit ----------------------------------------------------------------


def can_use_toolkit(actor) -> bool:
    """Hosts, leaders and admins."""
    return can(actor, Permission.HOST) or can(actor, Permission.MANAGE_CONVERSATIONS)


def require_use_toolkit(actor) -> None:
    if not can_use_toolkit(actor):
        raise PermissionDenied(Permission.HOST)


def can_manage_toolkit(actor) -> bool:
    """Leaders and admins add and remove shared resources."""
    return can(actor, Permission.MANAGE_CONVERSATIONS)


def require_manage_toolkit(actor) -> None:
    require(actor, Permission.MANAGE_CONVERSATIONS)


def upcoming_sessions_to_host(actor) -> list[ConversationSession]:
    """Sessions not over yet that the person runs: their organizations' (every one, for leaders)."""
    require_use_toolkit(actor)
    query = (
        select(ConversationSession)
        .where(ConversationSession.status.in_(SessionStatus.OPEN), ConversationSession.ends_at >= utcnow())
        .options(selectinload(ConversationSession.organization))
        .order_by(ConversationSession.starts_at, ConversationSession.id)
    )
    if not can_manage_all_sessions(actor):
        query = query.where(ConversationSession.organization_id.in_(hosting_organization_ids(actor) or {-1}))
    return list(db.session.scalars(query))


# Shared resources --------------------------------------------------------------------

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
URL_MAX = 500


# A resource that cannot be shared; `field` is the form field the message belongs beside.
ResourceRefused = UploadRefused

UPLOAD_TYPES: dict[str, UploadType] = {"pdf": PDF, "png": PNG, "jpg": JPEG, "docx": DOCX, "pptx": PPTX}
ACCEPTED_EXTENSIONS = accepted_extensions(UPLOAD_TYPES)
STORED_NAME = stored_name_pattern(UPLOAD_TYPES)
file_size_label = uploads.file_size_label
file_type_label = uploads.file_type_label


def max_upload_bytes() -> int:
    return current_app.config["TOOLKIT_MAX_UPLOAD_BYTES"]


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "toolkit"


def resource_path(resource: ToolkitResource) -> Path:
    """Where a file resource is kept. The name was made here at random, never taken from the person."""
    return stored_path(upload_folder(), resource.stored_name, STORED_NAME)


def checked_url(url: str) -> str:
    """A web address people can open: http or https, with a host, no spaces; never javascript:, data: or the like."""
    url = (url or "").strip()
    if not url:
        raise ResourceRefused("url", _l("Please enter the web address of the resource."))
    if len(url) > URL_MAX:
        raise ResourceRefused("url", _l("Please keep this under %(max)d characters.", max=URL_MAX))
    if not uploads.is_web_address(url):
        raise ResourceRefused("url", _l("Please enter a web address that starts with https:// (or http://)."))
    return url


def checked_upload(filename: str, stream: BinaryIO, *, max_bytes: int | None = None) -> CheckedUpload:
    """A file fit to share with hosts: an accepted type by its name AND its first bytes, not empty, not too large.

    Raises ResourceRefused for the form's file field.
    """
    return uploads.checked_upload(
        filename, stream, types=UPLOAD_TYPES, max_bytes=max_bytes or max_upload_bytes(), default_stem="resource",
        wrong_type=_l("Files of this type can't be shared. Please choose a PDF, PNG, JPEG, "
                      "Word (.docx) or PowerPoint (.pptx) file."),
        wrong_contents=lambda extension: _l("This file's contents do not match its name (.%(extension)s). "
                                            "Please choose a real PDF, PNG, JPEG, Word or PowerPoint file.",
                                            extension=extension),
    )


def _checked_details(title: str, description: str, language: str | None) -> dict:
    title = (title or "").strip()
    if not title:
        raise ResourceRefused("title", _l("Please give the resource a title."))
    if len(title) > TITLE_MAX:
        raise ResourceRefused("title", _l("Please keep this under %(max)d characters.", max=TITLE_MAX))
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ResourceRefused("description", _l("Please keep this under %(max)d characters.", max=DESCRIPTION_MAX))
    if language and language not in dict(LANGUAGE_CHOICES):
        raise ResourceRefused("language", _l("Please choose a language from the list."))
    return {"title": title, "description": description, "language": language or None}


def _earlier_resource(submission_token: str | None) -> ToolkitResource | None:
    """The resource this same form already made (double click, reload), if any."""
    if not submission_token:
        return None
    return db.session.scalar(select(ToolkitResource).where(ToolkitResource.submission_token == submission_token))


def _save_resource(actor, resource: ToolkitResource, **audit_details) -> ToolkitResource:
    """Commit a new resource; when the same form won a race a moment earlier, return that one."""
    db.session.add(resource)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        earlier = _earlier_resource(resource.submission_token)
        if earlier is None:
            raise
        return earlier
    audit.record(actor, "toolkit.resource_added", "toolkit_resource", resource.id,
                 title=resource.title, kind=resource.kind, **audit_details)
    db.session.commit()
    return resource


def add_link_resource(actor, *, title: str, url: str, description: str = "",
                      language: str | None = None, submission_token: str | None = None) -> ToolkitResource:
    """Share a link with every host."""
    require_manage_toolkit(actor)
    earlier = _earlier_resource(submission_token)
    if earlier is not None:
        return earlier
    resource = ToolkitResource(kind=ResourceKind.LINK, url=checked_url(url), created_by_id=actor.id,
                               submission_token=submission_token, **_checked_details(title, description, language))
    return _save_resource(actor, resource, url=resource.url)


def add_file_resource(actor, *, title: str, filename: str, stream: BinaryIO, description: str = "",
                      language: str | None = None, submission_token: str | None = None) -> ToolkitResource:
    """Share an uploaded file with every host: checked, then kept under a random name in UPLOAD_FOLDER/toolkit/."""
    require_manage_toolkit(actor)
    earlier = _earlier_resource(submission_token)
    if earlier is not None:
        return earlier
    details = _checked_details(title, description, language)
    upload = checked_upload(filename, stream)
    path = store(upload_folder(), upload)
    try:
        resource = ToolkitResource(kind=ResourceKind.FILE, stored_name=path.name, filename=upload.download_name,
                                   content_type=upload.content_type, size_bytes=len(upload.data),
                                   created_by_id=actor.id, submission_token=submission_token, **details)
        saved = _save_resource(actor, resource, filename=resource.filename, content_type=resource.content_type,
                               size_bytes=resource.size_bytes)
    except Exception:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    if saved is not resource:
        path.unlink(missing_ok=True)
    return saved


def list_resources(actor) -> list[ToolkitResource]:
    """Every shared resource, newest first."""
    require_use_toolkit(actor)
    return list(db.session.scalars(
        select(ToolkitResource).order_by(ToolkitResource.created_at.desc(), ToolkitResource.id.desc())
    ))


def get_file_resource(actor, resource_id: int) -> ToolkitResource | None:
    """A shared file, for download by hosts, leaders and admins; None when there is no such file."""
    require_use_toolkit(actor)
    resource = db.session.get(ToolkitResource, resource_id)
    if resource is None or resource.kind != ResourceKind.FILE:
        return None
    return resource


def remove_resource(actor, resource_id: int) -> str | None:
    """Stop sharing a resource (and delete its file). Returns its title; None when there is no such resource."""
    require_manage_toolkit(actor)
    resource = db.session.get(ToolkitResource, resource_id)
    if resource is None:
        return None
    path = resource_path(resource) if resource.kind == ResourceKind.FILE else None
    title = resource.title
    db.session.delete(resource)
    audit.record(actor, "toolkit.resource_removed", "toolkit_resource", resource.id, title=resource.title,
                 kind=resource.kind, url=resource.url or None, filename=resource.filename or None)
    db.session.commit()
    # Only once the row is gone: a failed commit must not leave a resource without its file.
    if path is not None:
        path.unlink(missing_ok=True)
    return title
