"""Mail the app wrote to its outbox (no SMTP_URL): what tests read instead of a mail server."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path


def sent_mails(outbox: Path) -> list[EmailMessage]:
    """Every message in `outbox`, oldest first."""
    if not outbox.exists():
        return []
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in sorted(outbox.glob("*.eml"))]
