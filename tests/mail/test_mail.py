"""Email is always kept in the outbox, and delivered by SMTP when a server is configured."""

from __future__ import annotations

import re
import socketserver
import threading

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.mail.services import send_email
from tests.support.people import make_user


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one message, keep it."""

    def handle(self):
        def reply(line: str) -> None:
            self.wfile.write((line + "\r\n").encode())

        reply("220 test ESMTP")
        while line := self.rfile.readline().decode():
            command = line.strip().upper()
            if command.startswith("EHLO") or command.startswith("HELO"):
                reply("250 test")
            elif command == "DATA":
                reply("354 go ahead")
                lines = []
                while (data := self.rfile.readline().decode()) not in (".\r\n", ""):
                    lines.append(data)
                self.server.received.append("".join(lines))
                reply("250 queued")
            elif command == "QUIT":
                reply("221 bye")
                return
            else:
                reply("250 ok")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_without_a_mail_server_messages_stay_in_the_outbox(app):
    user = make_user(email="pat@example.org")
    message = send_email(user.email, "email_changed", user=user, new_email="new@example.org")
    assert message.sent_at is None and message.error is None
    assert "new@example.org" in message.body_text


def test_with_a_mail_server_messages_are_delivered_and_marked_sent(app, smtp_server):
    user = make_user(email="pat@example.org")
    host, port = smtp_server.server_address
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port, MAIL_USE_TLS=False)
    try:
        message = send_email(user.email, "email_changed", locale="es", user=user, new_email="new@example.org")
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=587, MAIL_USE_TLS=True)
    db.session.refresh(message)
    assert message.sent_at is not None and message.error is None
    assert len(smtp_server.received) == 1
    assert "To: pat@example.org" in smtp_server.received[0]
    assert "Subject:" in smtp_server.received[0]


def test_an_unreachable_mail_server_keeps_the_message_and_notes_the_error(app, client):
    make_user(email="pat@example.org")
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_USE_TLS=False)
    try:
        from tests.support.web import post_form

        response = post_form(client, "/password/forgot", {"email": "pat@example.org"})
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=587, MAIL_USE_TLS=True)
    assert response.status_code == 200
    db.session.expire_all()  # delivered by a job, in its own database session
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is None and message.error


def test_delivered_mail_keeps_no_usable_link_in_the_outbox(app, client, smtp_server):
    make_user(email="pat@example.org")
    host, port = smtp_server.server_address
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port, MAIL_USE_TLS=False)
    try:
        from tests.support.web import post_form

        post_form(client, "/password/forgot", {"email": "pat@example.org"})
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=587, MAIL_USE_TLS=True)
    assert "/password/reset/" in smtp_server.received[0]
    db.session.expire_all()
    kept = db.session.scalar(select(OutboxMessage))
    assert kept.sent_at is not None
    assert "[link removed after delivery]" in kept.body_text


def test_extra_headers_are_delivered_and_their_token_links_redacted(app, smtp_server):
    user = make_user(email="pat@example.org")
    host, port = smtp_server.server_address
    stop = "http://localhost/progress/subscriptions/stop/" + "a" * 30 + "." + "b" * 30
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port, MAIL_USE_TLS=False)
    try:
        message = send_email(user.email, "email_changed", user=user, new_email="new@example.org",
                             headers={"List-Unsubscribe": f"<{stop}>"})
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=587, MAIL_USE_TLS=True)
    unfolded = re.sub(r"\r\n[ \t]+", "", smtp_server.received[0])
    assert f"List-Unsubscribe: <{stop}>" in unfolded
    db.session.refresh(message)
    assert stop not in message.headers["List-Unsubscribe"]
    assert "[link removed after delivery]" in message.headers["List-Unsubscribe"]
