"""Tracked plans, district offices and progress updates built for tests."""

from __future__ import annotations

import io
import secrets
import struct
import zlib
from datetime import date

from engage.extensions import db
from engage.orgs.models import Organization, OrganizationKind
from engage.plans.models import Plan
from engage.tracker import updates
from engage.tracker.models import ProgressStatus, ProgressUpdate
from tests.plans.factories import make_plan, publish

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def webp_bytes() -> bytes:
    body = b"WEBPVP8 " + struct.pack("<I", 10) + b"\x00" * 10
    return b"RIFF" + struct.pack("<I", len(body)) + body


def make_tracked_plan(title: str = "Family Engagement Plan", **kwargs) -> Plan:
    """A published plan (every action's responsible office is "Transportation")."""
    plan = make_plan(title, **kwargs)
    publish(plan)
    return plan


def make_office(name: str = "Transportation") -> Organization:
    office = Organization(name=name, kind=OrganizationKind.DISTRICT_OFFICE, hosts_conversations=False)
    db.session.add(office)
    db.session.commit()
    return office


def first_action(plan: Plan):
    return plan.sections[0].actions[0]


def make_update(actor, action, *, as_of: date | None = None, status: str = ProgressStatus.ON_TRACK,
                percent_complete: int = 40, summary: str = "Bus passes went to 120 families.",
                **fields) -> ProgressUpdate:
    """An update posted through the service, as an office would."""
    fields.setdefault("submission_token", secrets.token_urlsafe(12))
    return updates.post_update(actor, action, as_of=as_of or date(2026, 1, 15), status=status,
                               percent_complete=percent_complete, summary=summary, **fields)


def evidence_file(content: bytes, filename: str) -> updates.EvidenceFile:
    return updates.EvidenceFile(filename=filename, stream=io.BytesIO(content))
