"""Outgoing mail: into data/outbox/ by default, and over SMTP to a real server (aiosmtpd's, run
here on a free port) when SMTP_URL is set; a server that is not there is a MailNotSent."""

from __future__ import annotations

import email
import socket
from dataclasses import replace
from email import policy

import pytest
from aiosmtpd.controller import Controller

from slice_of_culture import mail
from slice_of_culture.config import get_settings

LETTER = mail.Mail(to="zoë@example.org", subject="Reset your password ✉", body="Hi Zoë,\n\nהנה הקישור: x\n")


@pytest.fixture
def settings(monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    """Settings whose data dir is this test's own; `use(**changes)` swaps fields in."""
    current = replace(get_settings(), data_dir=tmp_path)

    def use(**changes):  # noqa: ANN003, ANN202
        nonlocal current
        current = replace(current, **changes)
        return current

    monkeypatch.setattr(mail, "get_settings", lambda: current)
    return use


def test_without_smtp_each_message_lands_whole_in_the_outbox(settings) -> None:
    outbox = settings(smtp_url="").outbox_path
    mail.send(LETTER)
    mail.send(replace(LETTER, subject="second"))
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2 and not list(outbox.glob("*.tmp"))
    first = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert first["To"] == LETTER.to and first["Subject"] == LETTER.subject
    assert first.get_content() == LETTER.body
    assert first["From"] == get_settings().mail_from


class _Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_smtp_url_the_message_reaches_the_server(settings) -> None:
    inbox = _Inbox()
    port = _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    server.start()
    try:
        current = settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Slice <no-reply@slice.test>")
        mail.send(LETTER)
    finally:
        server.stop()
    assert len(inbox.received) == 1
    sender, recipients, raw = inbox.received[0]
    assert sender == "no-reply@slice.test" and recipients == [LETTER.to]
    received = email.message_from_bytes(raw, policy=policy.default)
    # SMTP carries lines ending in CRLF.
    assert received["Subject"] == LETTER.subject and received.get_content().replace("\r\n", "\n") == LETTER.body
    assert not current.outbox_path.exists()


def test_a_mail_server_that_is_not_there_is_mail_not_sent(settings) -> None:
    settings(smtp_url=f"smtp://127.0.0.1:{_free_port()}")
    with pytest.raises(mail.MailNotSent):
        mail.send(LETTER)
