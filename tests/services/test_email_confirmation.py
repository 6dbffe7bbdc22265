"""Confirming the sign-up email on SQLite and PostgreSQL: the mailed link (signed, no table)
confirms the account's address, for 7 days, only while the account still has that address;
forged, tampered, another account's and malformed links confirm nothing; the link can be sent
again at most every two minutes and not once confirmed (a link the mail server refused does not
count); an email change's link and a password reset prove the address too."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from slice_of_culture.db import session_scope
from slice_of_culture.models import User, utcnow
from slice_of_culture.services import accounts
from slice_of_culture.services.errors import RateLimited, ValidationError
from tests.utils.factories import PASSWORD, link_token, make_user
from tests.utils.mailbox import refused_by_the_server


def _confirmed_at(session, user):  # noqa: ANN001, ANN202
    session.expire_all()
    return session.get(User, user.id).email_confirmed_at


def _refused(session, token, message: str = accounts.CONFIRMATION_LINK_BAD) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as exc:
        accounts.account_for_confirmation(session=session, token=token)
    assert exc.value.errors == {"token": message}
    with pytest.raises(ValidationError) as exc:
        accounts.confirm_email(session=session, token=token)
    assert exc.value.errors == {"token": message}


def test_the_mailed_link_confirms_the_address_and_twice_is_harmless(session) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    assert ana.email_confirmed_at is None and ana.confirmation_sent_at is None
    link_mail = accounts.email_confirmation_mail(session=session, user=ana)
    assert link_mail.to == "ana@example.com" and "@ana" in link_mail.body
    link = next(word for word in link_mail.body.split() if "://" in word)
    assert urlsplit(link).path == "/verify-email"
    token = link_token(link_mail.body)
    # The link does not carry the address (it is only signed with it).
    assert "example" not in token and str(ana.id) == token.split(".")[0]
    assert ana.confirmation_sent_at is not None
    # Showing whose address it is confirms nothing (mail scanners open links).
    assert accounts.account_for_confirmation(session=session, token=token) == ("ana", "ana@example.com")
    assert _confirmed_at(session, ana) is None

    user = accounts.confirm_email(session=session, token=token)
    assert user.id == ana.id
    first = _confirmed_at(session, ana)
    assert first is not None and abs(first - utcnow()) < timedelta(minutes=1)
    assert accounts.confirm_email(session=session, token=token).id == ana.id
    assert _confirmed_at(session, ana) == first


def test_a_link_works_for_seven_days(session) -> None:
    ana = make_user(session, "ana")
    old = link_token(accounts.email_confirmation_mail(session=session, user=ana, now=utcnow() - timedelta(days=8)).body)
    _refused(session, old, accounts.CONFIRMATION_LINK_EXPIRED)
    assert _confirmed_at(session, ana) is None
    recent = link_token(
        accounts.email_confirmation_mail(session=session, user=ana, now=utcnow() - timedelta(days=6)).body
    )
    assert accounts.confirm_email(session=session, token=recent).id == ana.id
    assert _confirmed_at(session, ana) is not None


def test_forged_tampered_and_other_peoples_links_confirm_nothing(session, subtests) -> None:
    ana = make_user(session, "ana")
    bob = make_user(session, "bob")
    token = link_token(accounts.email_confirmation_mail(session=session, user=ana).body)
    user_id, expires, signature = token.split(".")
    bad_tokens = {
        "forged signature": f"{user_id}.{expires}.{'0' * 32}",
        "other account's id": f"{bob.id}.{expires}.{signature}",
        "longer life": f"{user_id}.{int(expires) + 86400 * 30}.{signature}",
        "no such account": f"{10**15}.{expires}.{signature}",
        "upper-case signature": f"{user_id}.{expires}.{signature.upper()}",
        "trailing newline": f"{token}\n",
        "no expiry": f"{user_id}.{signature}",
    }
    for case, bad in bad_tokens.items():
        with subtests.test(case=case):
            _refused(session, bad)
            assert _confirmed_at(session, ana) is None and _confirmed_at(session, bob) is None


def test_malformed_links_are_just_not_valid(session, subtests) -> None:
    ana = make_user(session, "ana")
    token = link_token(accounts.email_confirmation_mail(session=session, user=ana).body)
    user_id, expires, signature = token.split(".")
    for bad in [
        None,
        42,
        b"1.2.3",
        ["a"],
        "",
        "nope",
        "x" * 100_000,
        token * 3,
        "é" * 10,
        f"²{user_id}.{expires}.{signature}",
    ]:
        with subtests.test(token=repr(bad)[:40]):
            _refused(session, bad)
            assert _confirmed_at(session, ana) is None


def test_a_link_dies_when_the_email_changes_or_the_account_closes(session) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    bob = make_user(session, "bob")
    old_address = link_token(accounts.email_confirmation_mail(session=session, user=ana).body)
    change = accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="new@example.com")
    # Until the change takes effect, the sign-up link still works...
    assert accounts.account_for_confirmation(session=session, token=old_address) == ("ana", "ana@example.com")
    # ...and the change's link proves the new address.
    accounts.confirm_email_change(session=session, token=link_token(change.body))
    assert _confirmed_at(session, ana) is not None
    _refused(session, old_address)

    closing = link_token(accounts.email_confirmation_mail(session=session, user=bob).body)
    accounts.deactivate_user(session=session, user_id=bob.id)
    _refused(session, closing)
    assert _confirmed_at(session, bob) is None


def test_the_link_is_sent_again_at_most_every_two_minutes_and_not_once_confirmed(session) -> None:
    ana = make_user(session, "ana")
    # Never mailed (an account from before confirmation existed): it goes at once.
    first = accounts.resend_confirmation(session=session, user=ana)
    assert first.to == "ana@example.com"
    sent_at = ana.confirmation_sent_at
    with pytest.raises(RateLimited) as exc:
        accounts.resend_confirmation(session=session, user=ana)
    assert 110 <= exc.value.retry_after <= 120
    assert (
        exc.value.errors["email"]
        == f"You are asking for links too fast. Wait {exc.value.retry_after} seconds, then try again."
    )
    assert ana.confirmation_sent_at == sent_at

    ana.confirmation_sent_at = utcnow() - accounts.CONFIRMATION_RESEND_GAP - timedelta(seconds=1)
    again = accounts.resend_confirmation(session=session, user=ana)
    # Both links work (each is signed, none is stored).
    assert accounts.confirm_email(session=session, token=link_token(first.body)).id == ana.id
    assert accounts.confirm_email(session=session, token=link_token(again.body)).id == ana.id

    ana.confirmation_sent_at = None
    with pytest.raises(ValidationError) as exc:
        accounts.resend_confirmation(session=session, user=ana)
    assert exc.value.errors == {"email": "Your email is already confirmed."}
    assert ana.confirmation_sent_at is None


def _sent_at(session, user):  # noqa: ANN001, ANN202
    session.expire_all()
    return session.get(User, user.id).confirmation_sent_at


def test_a_link_the_mail_server_refused_does_not_count_against_the_two_minutes(engine, session, refusing_smtp) -> None:
    ana = make_user(session, "ana")
    earlier = utcnow() - accounts.CONFIRMATION_RESEND_GAP - timedelta(minutes=5)
    ana.confirmation_sent_at = earlier
    session.commit()
    for _ in range(3):
        link_mail = accounts.resend_confirmation(session=session, user=ana)
        session.commit()
        assert _sent_at(session, ana) > earlier
        refused_by_the_server(engine, link_mail)
        # Back to the last link that did go: asking again works at once.
        assert _sent_at(session, ana) == earlier
    # The limit still holds for a link that went.
    accounts.resend_confirmation(session=session, user=ana)
    session.commit()
    with pytest.raises(RateLimited):
        accounts.resend_confirmation(session=session, user=ana)


def test_a_refused_sign_up_link_leaves_the_account_never_sent_one(engine, session, refusing_smtp) -> None:
    ana = make_user(session, "ana")
    link_mail = accounts.email_confirmation_mail(session=session, user=ana)
    session.commit()
    refused_by_the_server(engine, link_mail)
    # As before sign-ups were confirmed: "Send the link again" works at once, and a due digest
    # sends the link instead (services/digests.py).
    assert _sent_at(session, ana) is None
    accounts.resend_confirmation(session=session, user=session.get(User, ana.id))


def test_taking_back_a_refused_link_leaves_a_later_one_alone(engine, session) -> None:
    ana = make_user(session, "ana")
    first_at, later_at = utcnow() - timedelta(minutes=5), utcnow()
    refused = accounts.email_confirmation_mail(session=session, user=ana, now=first_at)
    later = accounts.email_confirmation_mail(session=session, user=ana, now=later_at)
    session.commit()
    with session_scope(engine) as own:
        refused.not_sent(own)
    assert _sent_at(session, ana) == later_at
    with session_scope(engine) as own:
        later.not_sent(own)
    assert _sent_at(session, ana) == first_at


def test_a_password_reset_proves_the_address(session) -> None:
    ana = make_user(session, "ana")
    reset = accounts.request_password_reset(session=session, who="ana")
    # A reset link still goes to an address nobody confirmed: nobody is locked out.
    assert reset is not None and reset.to == "ana@example.com"
    assert _confirmed_at(session, ana) is None
    accounts.reset_password(session=session, token=link_token(reset.body), password="a brand new passphrase")
    assert _confirmed_at(session, ana) is not None
