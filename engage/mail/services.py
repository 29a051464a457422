"""Sending email: always recorded in the outbox; delivered by SMTP when configured."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.policy import SMTP

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, get_locale
from sqlalchemy import select

from ..extensions import db
from ..models import utcnow
from ..permissions import Permission, require
from ..queue import job
from .models import OutboxMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar; method=PUBLISH", say
    content: str


def send_email(
    recipient: str,
    template: str,
    *,
    locale: str | None = None,
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    **context,
) -> OutboxMessage:
    """Render templates/email/<template>.txt in the recipient's language and send it.

    The template's first line is the subject. The message is committed to the
    outbox, then delivered by a background job, so a slow or failing mail
    server never holds up a page or loses a message.
    """
    with force_locale(locale or _sender_locale()):
        rendered = render_template(f"email/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    message = OutboxMessage(
        recipient=recipient,
        subject=subject.strip(),
        body_text=body.strip() + "\n",
        attachments=[asdict(attachment) for attachment in attachments],
        headers=dict(headers or {}),
    )
    db.session.add(message)
    db.session.commit()
    if current_app.config["MAIL_SERVER"]:
        deliver_outbox_message(message.id)
    return message


@job()
def deliver_outbox_message(message_id: int) -> None:
    message = db.session.get(OutboxMessage, message_id)
    if message is not None and message.sent_at is None:
        _deliver(message)


_TOKEN_LINK = re.compile(r"(https?://\S+?/)[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-.]{20,}")


def redact_links_with_tokens(text: str) -> str:
    """Replace the signed token at the end of each emailed link with a marker."""
    return _TOKEN_LINK.sub(r"\1[link removed after delivery]", text)


def _sender_locale() -> str:
    # Without a saved choice, write in the language the person is using now.
    if has_request_context():
        return str(get_locale())
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _deliver(message: OutboxMessage) -> None:
    config = current_app.config
    # Long header values (a List-Unsubscribe link) stay one plain line, not RFC 2047 words.
    email = EmailMessage(policy=SMTP.clone(max_line_length=998))
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    for attachment in message.attachments or []:
        maintype, _, rest = attachment["content_type"].partition("/")
        subtype, *params = [part.strip() for part in rest.split(";")]
        email.add_attachment(
            attachment["content"].encode("utf-8"),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
            params=dict(param.split("=", 1) for param in params if "=" in param),
        )
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(email)
        message.sent_at = utcnow()
        # Once delivered, the outbox keeps no working sign-in or reset links:
        # administrators must not be able to use other people's.
        message.body_text = redact_links_with_tokens(message.body_text)
        message.headers = {name: redact_links_with_tokens(value) for name, value in (message.headers or {}).items()}
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("email %s to %s failed: %s", message.id, message.recipient, exc)
        message.error = str(exc)[:2000]
    db.session.commit()


def list_outbox(actor, *, page: int = 1, per_page: int = 50):
    require(actor, Permission.VIEW_OUTBOX)
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_outbox_message(actor, message_id: int) -> OutboxMessage | None:
    require(actor, Permission.VIEW_OUTBOX)
    return db.session.get(OutboxMessage, message_id)
