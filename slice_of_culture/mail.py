"""Outgoing mail: one function, `send`, over SMTP when SMTP_URL is set, and into `data/outbox/`
otherwise (one .eml file per message, which a person on a laptop can open, and tests read).

Python's own `email` builds the message and `smtplib` delivers it; nothing here knows what the
message is about (services write the words).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from slice_of_culture.config import get_settings
from slice_of_culture.models import utcnow

log = logging.getLogger(__name__)

# What a person is told when a mail they asked for could not go (the API answers 503 with it).
NOT_SENT = "We could not send the mail just now. Try again in a few minutes."


@dataclass(frozen=True)
class Mail:
    """A plain-text message to one person."""

    to: str
    subject: str
    body: str
    # Extra header fields, e.g. List-Unsubscribe on the digest.
    headers: tuple[tuple[str, str], ...] = ()


class MailNotSent(Exception):
    """The mail server refused the message or could not be reached."""


def _message(mail: Mail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = get_settings().mail_from
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain="slice-of-culture")
    for name, value in mail.headers:
        msg[name] = value
    msg.set_content(mail.body)
    return msg


def _to_outbox(msg: EmailMessage, outbox: Path) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    # Written whole under another name, then renamed: a reader never sees half a message.
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(msg))
    tmp.replace(path)
    return path


def _over_smtp(msg: EmailMessage, url: str) -> None:
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 587)
    tls = ssl.create_default_context()
    try:
        if secure:
            server: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, port, timeout=15, context=tls)
        else:
            server = smtplib.SMTP(parts.hostname, port, timeout=15)
        with server:
            server.ehlo()
            # smtp:// upgrades to TLS whenever the server offers it (port 587's usual way).
            if not secure and server.has_extn("starttls"):
                server.starttls(context=tls)
                server.ehlo()
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(str(exc)) from exc


def send(mail: Mail) -> None:
    """Deliver `mail` (raises MailNotSent when the SMTP server fails)."""
    settings = get_settings()
    msg = _message(mail)
    if settings.smtp_url:
        _over_smtp(msg, settings.smtp_url)
    else:
        _to_outbox(msg, settings.outbox_path)


async def send_async(mail: Mail, *, what: str) -> bool:
    """`send` in a worker thread (SMTP may take seconds; the event loop serves everyone else
    meanwhile). False, with the failure logged as "`what` was not sent", when it did not go."""
    try:
        await asyncio.to_thread(send, mail)
    except MailNotSent:
        log.exception("%s was not sent", what)
        return False
    return True
