"""Mail the app wrote to its outbox (no SMTP_URL): what tests read instead of a mail server; and a
link mail the server refuses (with the `refusing_smtp` fixture)."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from slice_of_culture import mail
from slice_of_culture.db import session_scope
from slice_of_culture.services.accounts import LinkMail


def sent_mails(outbox: Path) -> list[EmailMessage]:
    """Every message in `outbox`, oldest first."""
    if not outbox.exists():
        return []
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in sorted(outbox.glob("*.eml"))]


def refused_by_the_server(engine: Engine, link_mail: LinkMail) -> None:
    """Send `link_mail` as the app does after the commit: the server refuses it (`refusing_smtp`),
    and what asking for it recorded is taken back in a transaction of its own."""
    with pytest.raises(mail.MailNotSent):
        mail.send(link_mail)
    with session_scope(engine) as own:
        link_mail.not_sent(own)
