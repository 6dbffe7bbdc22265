"""The notification digest on SQLite and PostgreSQL: a mail of what happened since the person was
last here (grouped as on the notifications page), at most once a day and never twice about the
same thing; none for people who turned it off, closed accounts, addresses nobody confirmed, read
or blocked notices, or news older than a week; its link turns it off without a login and cannot
be forged; a refused mail is tried again; one run at a time."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from slice_of_culture import mail
from slice_of_culture.config import get_settings
from slice_of_culture.db import session_scope
from slice_of_culture.locks import job_lock
from slice_of_culture.models import AuthSession, Notification, User, utcnow
from slice_of_culture.services import accounts, blocks, digests, social
from slice_of_culture.services.errors import ValidationError
from tests.utils.factories import link_token, make_entry, make_item, make_user
from tests.utils.mailbox import sent_mails


def _people(session):  # noqa: ANN001, ANN202
    """Ana (her email confirmed) logged Dune and was last here two days ago; Bo and Cy like it,
    Dee follows her."""
    ana = make_user(session, "ana", display_name="Ana", confirmed=True)
    accounts.create_session(session=session, user=ana)
    session.exec(
        update(AuthSession).where(AuthSession.user_id == ana.id).values(last_seen_at=utcnow() - timedelta(days=2))
    )
    entry = make_entry(session, ana, make_item(session, "Dune"), status="finished")
    bo, cy, dee = (make_user(session, name, display_name=name.title()) for name in ("bob", "cyd", "dee"))
    social.like(session=session, user=bo, entry_id=entry.id)
    social.like(session=session, user=cy, entry_id=entry.id)
    social.follow(session=session, follower=dee, followee_id=ana.id)
    session.flush()
    return ana, entry, bo, cy, dee


def test_a_digest_tells_what_happened_since_the_person_was_last_here(session) -> None:
    ana, *_ = _people(session)
    digest = digests.digest_for(session=session, user=ana)
    assert digest.to == "ana@example.com" and digest.subject == "2 new notifications on Slice of Culture"
    assert "- Cyd and Bob liked your postcard about Dune" in digest.body
    assert "- Dee started following you" in digest.body
    assert "/notifications" in digest.body
    link = next(word for word in digest.body.split() if "/unsubscribe?token=" in word)
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert token == digests.unsubscribe_token(ana.id)
    headers = dict(digest.headers)
    assert headers["List-Unsubscribe"] == f"<{get_settings().site_url}/api/v1/unsubscribe?token={token}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Once she has been here, there is nothing to tell.
    session.exec(update(AuthSession).where(AuthSession.user_id == ana.id).values(last_seen_at=utcnow()))
    assert digests.digest_for(session=session, user=ana) is None


def test_no_digest_when_off_closed_read_blocked_or_old(session) -> None:
    ana, entry, bo, cy, dee = _people(session)
    ana.email_digest = False
    assert digests.digest_for(session=session, user=ana) is None
    ana.email_digest = True
    assert digests.digest_for(session=session, user=ana) is not None

    social.mark_all_read(session=session, user=ana)
    assert digests.digest_for(session=session, user=ana) is None

    # Unread again, but only from people she blocked.
    session.exec(update(Notification).values(read_at=None))
    blocks.block(session=session, blocker=ana, blocked_id=bo.id)
    blocks.block(session=session, blocker=ana, blocked_id=cy.id)
    blocks.block(session=session, blocker=ana, blocked_id=dee.id)
    assert digests.digest_for(session=session, user=ana) is None

    # Someone back after a month hears nothing of then.
    eve = make_user(session, "eve")
    social.follow(session=session, follower=eve, followee_id=ana.id)
    session.flush()
    assert digests.digest_for(session=session, user=ana, now=utcnow() + timedelta(days=8)) is None
    assert digests.digest_for(session=session, user=ana) is not None
    accounts.deactivate_user(session=session, user_id=ana.id)
    assert digests.digest_for(session=session, user=ana) is None
    assert digests.due_user_ids(session=session) == []


def test_no_digest_goes_to_an_address_nobody_confirmed(engine: Engine, tmp_path, outbox) -> None:
    # Someone signed up with a stranger's address: the stranger gets no daily mail.
    with session_scope(engine) as session:
        ana, *_ = _people(session)
        ana.email_confirmed_at = None
        stranger = make_user(session, "stranger")
        social.follow(session=session, follower=ana, followee_id=stranger.id)
        assert digests.digest_for(session=session, user=ana) is None
        assert digests.digest_for(session=session, user=stranger) is None
        assert digests.due_user_ids(session=session) == []
        # Password resets still reach it: whoever never confirmed must not be locked out.
        assert accounts.request_password_reset(session=session, who="stranger").to == "stranger@example.com"
    run = digests.send_digests(engine=engine, data_dir=tmp_path)
    assert (run.sent, run.failed) == (0, 0) and [m["To"] for m in sent_mails(outbox)] == []
    # Once the link mailed at sign-up is opened, the digest comes.
    with session_scope(engine) as session:
        link_mail = accounts.email_confirmation_mail(session=session, user=session.get(User, ana.id))
        accounts.confirm_email(session=session, token=link_token(link_mail.body))
        assert digests.due_user_ids(session=session) == [ana.id]
    assert digests.send_digests(engine=engine, data_dir=tmp_path).sent == 1
    assert [m["To"] for m in sent_mails(outbox)] == ["ana@example.com"]


def test_a_digest_lists_ten_lines_and_counts_the_rest(session) -> None:
    ana = make_user(session, "ana", confirmed=True)
    for n in range(13):
        social.follow(session=session, follower=make_user(session, f"fan{n}"), followee_id=ana.id)
        entry = make_entry(session, ana, make_item(session, f"Book {n}"), status="finished")
        social.like(session=session, user=make_user(session, f"liker{n}"), entry_id=entry.id)
    session.flush()
    digest = digests.digest_for(session=session, user=ana)
    # 13 follows group into one line, 13 likes on 13 postcards are 13 lines.
    assert digest.subject.startswith("14 new notifications")
    assert digest.body.count("\n- ") == digests.DIGEST_ROWS and "…and 4 more." in digest.body


def test_runs_send_once_a_day_and_only_what_is_new(engine: Engine, tmp_path, outbox) -> None:
    with session_scope(engine) as session:
        ana, entry, *_ = _people(session)
        make_user(session, "quiet")
    now = utcnow()
    run = digests.send_digests(engine=engine, data_dir=tmp_path, now=now)
    assert (run.ran, run.sent, run.failed) == (True, 1, 0)
    (first,) = sent_mails(outbox)
    assert first["To"] == "ana@example.com" and first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Cyd and Bob liked your postcard about Dune" in first.get_content()
    # Run again the same day: nothing, even with something new.
    with session_scope(engine) as session:
        social.like(session=session, user=make_user(session, "zed", display_name="Zed"), entry_id=entry.id)
    assert digests.send_digests(engine=engine, data_dir=tmp_path, now=now + timedelta(hours=1)).sent == 0
    # The next day: only what came after the last digest.
    assert digests.send_digests(engine=engine, data_dir=tmp_path, now=now + timedelta(days=1)).sent == 1
    second = sent_mails(outbox)[-1].get_content()
    assert "Zed liked your postcard about Dune" in second and "Bob" not in second and "Dee" not in second
    assert digests.send_digests(engine=engine, data_dir=tmp_path, now=now + timedelta(days=2)).sent == 0
    assert len(sent_mails(outbox)) == 2


def test_a_refused_mail_is_tried_again_and_a_held_lock_means_no_run(
    engine: Engine, tmp_path, outbox, monkeypatch
) -> None:
    with session_scope(engine) as session:
        ana, *_ = _people(session)

    def refuse(message):  # noqa: ANN001, ANN202
        raise mail.MailNotSent("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(mail, "send", refuse)
        run = digests.send_digests(engine=engine, data_dir=tmp_path)
    assert (run.sent, run.failed) == (0, 1)
    with session_scope(engine) as session:
        assert session.get(User, ana.id).digest_sent_at is None
    with job_lock(engine, tmp_path, "digests") as held:
        assert held
        assert digests.send_digests(engine=engine, data_dir=tmp_path).ran is False
    assert sent_mails(outbox) == []
    assert digests.send_digests(engine=engine, data_dir=tmp_path).sent == 1
    assert len(sent_mails(outbox)) == 1


def test_the_link_turns_the_digest_off_and_cannot_be_forged(session, subtests) -> None:
    ana, _, bo, *_ = _people(session)
    token = digests.unsubscribe_token(ana.id)
    assert digests.unsubscribe_account(session=session, token=token) == "ana"
    signature = token.split(".")[1]
    bad_tokens = ["", None, 42, "nope", f"{bo.id}.{signature}", f"{ana.id}.{'0' * 32}", f"{ana.id}", "x" * 500, "1.2.3"]
    # Digits int() refuses, and non-ASCII signatures (compare_digest refuses them).
    bad_tokens += ["².abc", f"{ana.id}.{'é' * 32}", f"{ana.id}.{signature}\n"]
    for bad in bad_tokens:
        with subtests.test(token=bad):
            assert digests.unsubscribe_account(session=session, token=bad) is None
            with pytest.raises(ValidationError):
                digests.unsubscribe(session=session, token=bad)
            session.expire_all()
            assert session.get(User, ana.id).email_digest and session.get(User, bo.id).email_digest
    digests.unsubscribe(session=session, token=token)
    digests.unsubscribe(session=session, token=token)
    assert session.exec(select(User.email_digest).where(User.id == ana.id)).one() is False
    assert digests.digest_for(session=session, user=ana) is None
    # Settings turns it back on.
    accounts.update_profile(
        session=session,
        user=ana,
        display_name="Ana",
        bio="",
        avatar_url="",
        default_visibility="public",
        discoverable=True,
        email_digest=True,
    )
    assert digests.digest_for(session=session, user=ana) is not None
