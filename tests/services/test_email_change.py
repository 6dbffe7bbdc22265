"""Changing the email (where reset links go) on SQLite and PostgreSQL: it needs the password, the
new address gets a link and nothing changes until it is opened; the link works once, for a day,
only the newest one works, and a new password kills it; the old address is told when the change
takes effect; bad input changes nothing; a link the mail server refused leaves things as they
were (the change before it waiting, no hourly allowance used)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from slice_of_culture.config import get_settings
from slice_of_culture.models import EmailChange, User
from slice_of_culture.services import accounts
from slice_of_culture.services.errors import ValidationError
from tests.utils.factories import PASSWORD, make_user
from tests.utils.mailbox import refused_by_the_server


def _token(mail) -> str:  # noqa: ANN001
    link = re.search(r"https?://\S+", mail.body).group(0)
    assert urlsplit(link).path == "/confirm-email"
    return parse_qs(urlsplit(link).query)["token"][0]


def _email(session, user) -> str:  # noqa: ANN001
    session.expire_all()
    return session.get(User, user.id).email


def test_the_new_email_takes_effect_when_its_link_is_opened_and_the_old_address_is_told(session) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    link_mail = accounts.request_email_change(
        session=session, user=ana, password=PASSWORD, email=" Ana.New@Example.COM "
    )
    assert link_mail.to == "ana.new@example.com" and "@ana" in link_mail.body
    token = _token(link_mail)
    # Nothing changed yet: resets still go to the old address.
    assert _email(session, ana) == "ana@example.com"
    assert accounts.pending_email(session=session, user=ana).email == "ana.new@example.com"
    assert accounts.request_password_reset(session=session, who="ana.new@example.com") is None
    # Only the token's keyed hash is stored.
    assert token not in session.exec(select(EmailChange)).one().token_hash
    assert accounts.email_change_for_link(session=session, token=token) == ("ana", "ana.new@example.com")

    user, notice = accounts.confirm_email_change(session=session, token=token)
    assert user.id == ana.id and _email(session, ana) == "ana.new@example.com"
    assert notice.to == "ana@example.com" and "ana.new@example.com" in notice.body
    assert accounts.pending_email(session=session, user=ana) is None
    assert accounts.request_password_reset(session=session, who="ana@example.com") is None
    assert accounts.request_password_reset(session=session, who="ana.new@example.com").to == "ana.new@example.com"
    # The link worked once.
    with pytest.raises(ValidationError) as exc:
        accounts.confirm_email_change(session=session, token=token)
    assert exc.value.errors["token"] == accounts.EMAIL_LINK_GONE
    assert accounts.email_change_for_link(session=session, token=token) is None


def test_only_the_newest_link_works_and_cancelling_or_a_new_password_kills_it(session) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    first = _token(accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="one@example.com"))
    second = _token(
        accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="two@example.com")
    )
    assert accounts.email_change_for_link(session=session, token=first) is None
    assert accounts.pending_email(session=session, user=ana).email == "two@example.com"
    assert accounts.cancel_email_change(session=session, user=ana) is True
    assert accounts.cancel_email_change(session=session, user=ana) is False
    with pytest.raises(ValidationError):
        accounts.confirm_email_change(session=session, token=second)

    # Someone who knew the password asked to move the email to theirs; the owner changes the password.
    stolen = _token(
        accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="eve@evil.example")
    )
    accounts.change_password(session=session, user=ana, current=PASSWORD, new="a new passphrase", keep_token=None)
    with pytest.raises(ValidationError):
        accounts.confirm_email_change(session=session, token=stolen)
    # The same through a reset link.
    stolen = _token(
        accounts.request_email_change(session=session, user=ana, password="a new passphrase", email="eve@evil.example")
    )
    reset = accounts.request_password_reset(session=session, who="ana")
    reset_token = parse_qs(urlsplit(re.search(r"https?://\S+", reset.body).group(0)).query)["token"][0]
    accounts.reset_password(session=session, token=reset_token, password="another passphrase")
    with pytest.raises(ValidationError):
        accounts.confirm_email_change(session=session, token=stolen)
    assert _email(session, ana) == "ana@example.com"


def test_links_expire_after_a_day_and_die_with_a_closed_account(session) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    bob = make_user(session, "bob", email="bob@example.com")
    late = _token(accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="late@example.com"))
    change = session.exec(select(EmailChange)).one()
    change.expires_at = change.created_at + accounts.EMAIL_CHANGE_TTL - timedelta(days=2)
    session.add(change)
    session.flush()
    assert accounts.pending_email(session=session, user=ana) is None
    with pytest.raises(ValidationError):
        accounts.confirm_email_change(session=session, token=late)
    closing = _token(
        accounts.request_email_change(session=session, user=bob, password=PASSWORD, email="b2@example.com")
    )
    accounts.deactivate_user(session=session, user_id=bob.id)
    with pytest.raises(ValidationError):
        accounts.confirm_email_change(session=session, token=closing)
    assert _email(session, ana) == "ana@example.com" and _email(session, bob) == "bob@example.com"


def test_an_address_taken_meanwhile_is_refused_at_confirmation(session) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    token = _token(
        accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="wanted@example.com")
    )
    make_user(session, "bob", email="wanted@example.com")
    with pytest.raises(ValidationError) as exc:
        accounts.confirm_email_change(session=session, token=token)
    assert "Another account" in exc.value.errors["token"]
    assert _email(session, ana) == "ana@example.com"


def test_asking_is_limited_per_hour(session) -> None:
    ana = make_user(session, "ana")
    for n in range(accounts.EMAIL_CHANGES_PER_HOUR):
        accounts.request_email_change(session=session, user=ana, password=PASSWORD, email=f"n{n}@example.com")
    with pytest.raises(ValidationError) as exc:
        accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="more@example.com")
    assert "within the hour" in exc.value.errors["email"]
    assert (
        accounts.pending_email(session=session, user=ana).email == f"n{accounts.EMAIL_CHANGES_PER_HOUR - 1}@example.com"
    )


def test_a_link_the_mail_server_refused_leaves_the_change_before_it_waiting(engine, session, refusing_smtp) -> None:
    ana = make_user(session, "ana")
    # One that went out (sent before the server went down).
    sent = accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="one@example.com")
    waiting = _token(sent)
    session.commit()
    for n in range(accounts.EMAIL_CHANGES_PER_HOUR):
        new = f"n{n}@example.com"
        link_mail = accounts.request_email_change(session=session, user=ana, password=PASSWORD, email=new)
        session.commit()
        refused_by_the_server(engine, link_mail)
        assert accounts.email_change_for_link(session=session, token=_token(link_mail)) is None
        assert accounts.pending_email(session=session, user=ana).email == "one@example.com"
    # The refused ones used up none of the hour's allowance.
    assert len(session.exec(select(EmailChange).where(EmailChange.user_id == ana.id)).all()) == 1
    accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="two@example.com")
    session.rollback()
    # The one that went out still works.
    accounts.confirm_email_change(session=session, token=waiting)
    assert _email(session, ana) == "one@example.com"


REFUSED_EMAIL_CHANGES = [
    ("wrong password", "new@example.com", "email_password"),
    ("", "new@example.com", "email_password"),
    (PASSWORD, "bob@EXAMPLE.com", "email"),
    (PASSWORD, "ana@example.com", "email"),
    (PASSWORD, "not an email", "email"),
    (PASSWORD, "<img src=x onerror=alert(1)>@example.com", "email"),
    (PASSWORD, "", "email"),
    (PASSWORD, "x" * 400 + "@example.com", "email"),
    (PASSWORD, None, "form"),
    (PASSWORD, 42, "form"),
    (None, "new@example.com", "form"),
]


def test_a_refused_email_change_changes_nothing(session, subtests) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    make_user(session, "bob", email="bob@example.com")
    for password, email, field in REFUSED_EMAIL_CHANGES:
        with subtests.test(password=password, email=email):
            with pytest.raises(ValidationError) as exc:
                accounts.request_email_change(session=session, user=ana, password=password, email=email)
            assert exc.value.errors[field]
            assert _email(session, ana) == "ana@example.com"
            assert session.exec(select(EmailChange)).first() is None


def test_unknown_tokens_confirm_nothing(session, subtests) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="new@example.com")
    for token in ["", "nope", None, 42, "x" * 5000, "<script>alert(1)</script>", "é" * 10]:
        with subtests.test(token=token):
            assert accounts.email_change_for_link(session=session, token=token) is None
            with pytest.raises(ValidationError):
                accounts.confirm_email_change(session=session, token=token)
            assert _email(session, ana) == "ana@example.com"


def test_guessing_the_password_to_change_email_counts_as_failed_logins(session) -> None:
    ana = make_user(session, "ana")
    for _ in range(get_settings().login_max_failures_per_user):
        with pytest.raises(ValidationError):
            accounts.request_email_change(session=session, user=ana, password="guess", email="x@example.com")
    with pytest.raises(ValidationError) as exc:
        accounts.request_email_change(session=session, user=ana, password=PASSWORD, email="x@example.com")
    assert "Too many" in exc.value.errors["email_password"]
