"""Atom 1.0 feeds of progress updates (RFC 4287), written with xml.etree so every
value is escaped and the document is always well-formed.

Links are built on BASE_URL, never on the request's Host header: feed readers and
caches keep what they fetch, so a forged Host must not end up in anyone's feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import current_app
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from ..urls import external_url
from .listing import STATUS_LABELS, ActionText
from .models import EvidenceKind, ProgressUpdate

ATOM = "http://www.w3.org/2005/Atom"
# XML 1.0 forbids most control characters even escaped; people paste them from other tools.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def is_web_link(url: str | None) -> bool:
    """Only http(s) links are shown, whatever got stored."""
    return urlsplit((url or "").strip()).scheme.lower() in ("http", "https")


def _timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom requires (stored times may come back naive from SQLite)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def tag_id(path: str, since: datetime) -> str:
    """A permanent id (RFC 4151 tag URI) on the site's host name: tag:host,YYYY-MM-DD:engage/progress/<path>."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"tag:{host},{since.date().isoformat()}:engage/progress/{path}"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    author: str
    content: str
    related: str = ""


def entry_for(update: ProgressUpdate, text: ActionText, summary: str, indicator_text) -> Entry:
    """One update as a feed entry: the action, its new status and percent, and the summary in the reader's
    language (`summary`; `indicator_text(indicator)` words each measured indicator likewise)."""
    lines = [
        _("Status: %(status)s, %(percent)d%% complete", status=STATUS_LABELS.get(update.status, update.status),
          percent=update.percent_complete),
        _("As of %(date)s", date=format_date(update.as_of, "long")),
    ]
    if summary.strip():
        lines += ["", summary.strip()]
    values = [value for value in update.metric_values if value.number is not None or value.text.strip()]
    if values:
        lines.append("")
        for value in values:
            shown = value.text.strip() if value.number is None else f"{format_decimal(value.number)} {value.unit}".strip()
            lines.append(f"{indicator_text(value.indicator)}: {shown}")
    related = ""
    if update.evidence_kind == EvidenceKind.LINK and is_web_link(update.evidence_url):
        related = update.evidence_url
    elif update.evidence_kind == EvidenceKind.FILE and update.evidence_stored_name:
        related = external_url("tracker.evidence", update_id=update.id)
    return Entry(
        id=tag_id(f"update/{update.id}", update.created_at),
        title=_("%(action)s: %(status)s, %(percent)d%%", action=text.heading,
                status=STATUS_LABELS.get(update.status, update.status), percent=update.percent_complete),
        updated=update.created_at,
        link=external_url("tracker.show_action", action_id=update.action_id) + f"#update-{update.id}",
        author=update.office or text.office or _("District office"),
        content="\n".join(lines),
        related=related,
    )


def build_feed(*, feed_id: str, title: str, page_url: str, self_url: str, fallback_updated: datetime,
               entries: list[Entry], language: str) -> bytes:
    """The Atom document; `updated` is the newest entry's time, or fallback_updated when there are none."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
        if text is not None:
            element.text = _clean(text)
        return element

    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    sub(root, "id", feed_id)
    sub(root, "title", title)
    sub(root, "updated", max((_timestamp(e.updated) for e in entries), default=_timestamp(fallback_updated)))
    sub(root, "link", rel="alternate", type="text/html", href=page_url)
    sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(sub(root, "author"), "name", current_app.config["DISTRICT_NAME"])
    sub(root, "generator", "Engage")
    for entry in entries:
        element = sub(root, "entry")
        sub(element, "id", entry.id)
        sub(element, "title", entry.title)
        sub(element, "updated", _timestamp(entry.updated))
        sub(element, "published", _timestamp(entry.updated))
        sub(element, "link", rel="alternate", type="text/html", href=entry.link)
        if entry.related:
            sub(element, "link", rel="related", href=entry.related)
        sub(sub(element, "author"), "name", entry.author)
        sub(element, "content", entry.content, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
