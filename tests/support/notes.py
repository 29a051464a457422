"""Hosts' notes in tests: who may do what, a started session, a stored note, the pages' forms."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.conversations.models import ConversationNote
from engage.extensions import db
from engage.orgs.models import Organization
from engage.plans import services as plans
from engage.plans.models import PlanStatus
from tests.conversations.factories import make_session
from tests.plans.factories import make_plan
from tests.support.people import make_organization, make_user
from tests.support.web import log_in

STARTED = timedelta(hours=-2)


def hosting_pto() -> Organization:
    return db.session.scalar(select(Organization).where(Organization.name == "Hosting PTO"))


def published_plan(leader, *, sections: int = 2):
    plan = make_plan(sections=sections)
    plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    return plan


def started_session(users, *, plan=None, organization=None, **fields):
    """A session of the host's organization that began two hours ago."""
    return make_session(organization=organization or hosting_pto(), starts_in=STARTED,
                        plan_id=plan.id if plan is not None else None, **fields)


def audit_rows(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def main_html(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


def form_values(html: str) -> dict[str, str]:
    """The values a browser would send from the page's first form with rows (inputs, selected options, textareas)."""
    values = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        values[name] = unescape(value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values[name] = re.sub(r"^\r?\n", "", unescape(body))  # the newline a browser drops
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
        first = re.search(r'<option[^>]*value="([^"]*)"', body)
        values[name] = unescape(next(v for v in selected.groups() if v is not None)) if selected else \
            unescape(first.group(1)) if first else ""
    values.pop("csrf_token", None)
    return values


def stored_note(session) -> ConversationNote | None:
    db.session.expire_all()
    return db.session.scalar(select(ConversationNote).where(ConversationNote.session_id == session.id))


ROLES = ["anonymous", "participant", "moderator", "other_host", "host", "leader", "admin"]


ALLOWED = {"host", "leader", "admin"}


def make_client_for(client_as, app):
    """Like client_as, plus "other_host": a host of a different organization."""

    def make(role: str):
        if role != "other_host":
            return client_as(role)
        other = make_user(email="other-host@example.org", organization=make_organization("Other PTO"))
        client = app.test_client()
        assert log_in(client, other.email).status_code == 302
        return client

    return make


def expected_status(role: str, allowed: int = 200) -> int:
    return 302 if role == "anonymous" else allowed if role in ALLOWED else 403
