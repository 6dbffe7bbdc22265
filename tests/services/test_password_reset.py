""" "Forgot your password?" on SQLite and PostgreSQL: a link that works once, for an hour, for
active accounts only; asking tells nobody whether an account exists; limits per account and
per client (a link the mail server refused counts against neither, and does not work); a reset
ends every login and lifts the failed-login lock. (Changing the email the links go to:
test_email_change.py.)"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func
from sqlmodel import select

from slice_of_culture.config import get_settings
from slice_of_culture.models import AuthSession, LoginFailure, PasswordReset, User
from slice_of_culture.services import accounts
from slice_of_culture.services.errors import ValidationError
from tests.utils.factories import PASSWORD, make_user
from tests.utils.mailbox import refused_by_the_server

NEW_PASSWORD = "a brand new passphrase"


def _token(mail) -> str:  # noqa: ANN001
    link = re.search(r"https?://\S+", mail.body).group(0)
    assert urlsplit(link).path == "/reset-password"
    return parse_qs(urlsplit(link).query)["token"][0]


def test_a_reset_link_sets_a_new_password_once_and_ends_every_login(session) -> None:
    ana = make_user(session, "ana", email="ana@example.com")
    old_login = accounts.login(session=session, username="ana", password=PASSWORD).token
    mail = accounts.request_password_reset(session=session, who="Ana@Example.com", client="1.2.3.4")
    assert mail.to == "ana@example.com" and "@ana" in mail.body
    token = _token(mail)
    # Only the token's keyed hash is stored.
    stored = session.exec(select(PasswordReset)).one()
    assert token not in stored.token_hash and stored.user_id == ana.id and stored.client == "1.2.3.4"
    assert accounts.reset_link_works(session=session, token=token)

    user = accounts.reset_password(session=session, token=token, password=NEW_PASSWORD)
    assert user.id == ana.id
    assert accounts.login(session=session, username="ana", password=PASSWORD).reason == "wrong"
    assert accounts.login(session=session, username="ana", password=NEW_PASSWORD).user.id == ana.id
    assert accounts.user_for_token(session=session, token=old_login) is None
    # The link is used up.
    assert not accounts.reset_link_works(session=session, token=token)
    with pytest.raises(ValidationError) as exc:
        accounts.reset_password(session=session, token=token, password="yet another one")
    assert exc.value.errors == {"token": accounts.RESET_LINK_GONE}
    assert accounts.verify_password(NEW_PASSWORD, session.get(User, ana.id).password_hash)


def test_using_one_link_spends_the_others_of_that_account_only(session) -> None:
    make_user(session, "ana")
    make_user(session, "bob")
    first = _token(accounts.request_password_reset(session=session, who="ana"))
    second = _token(accounts.request_password_reset(session=session, who="@ANA"))
    bobs = _token(accounts.request_password_reset(session=session, who="bob"))
    accounts.reset_password(session=session, token=second, password=NEW_PASSWORD)
    assert not accounts.reset_link_works(session=session, token=first)
    assert accounts.reset_link_works(session=session, token=bobs)


def test_nobody_learns_whether_an_account_exists_and_closed_accounts_get_no_mail(session) -> None:
    closed = make_user(session, "closed")
    accounts.deactivate_user(session=session, user_id=closed.id)
    for who in ("nobody", "nobody@example.com", "closed", "closed@example.com"):
        assert accounts.request_password_reset(session=session, who=who) is None
    assert session.exec(select(func.count()).select_from(PasswordReset)).one() == 0


# Each group of bad inputs is one test per database (a fresh database per case cost a second each).
BAD_WHO = ["", "   ", "@", None, 42, ["ana"], "a" * 301]


def test_bad_input_is_refused_at_the_field(session, subtests) -> None:
    make_user(session, "ana")
    for who in BAD_WHO:
        with subtests.test(who=who):
            with pytest.raises(ValidationError) as exc:
                accounts.request_password_reset(session=session, who=who)
            assert exc.value.errors["who"]
            assert session.exec(select(func.count()).select_from(PasswordReset)).one() == 0


BAD_TOKENS = ["", "not-a-token", None, 12, "x" * 500, "<img src=x onerror=alert(1)>", "dune\u0301"]


def test_unknown_tokens_change_nothing(session, subtests) -> None:
    ana = make_user(session, "ana")
    before = ana.password_hash
    for token in BAD_TOKENS:
        with subtests.test(token=token):
            assert not accounts.reset_link_works(session=session, token=token)
            with pytest.raises(ValidationError) as exc:
                accounts.reset_password(session=session, token=token, password=NEW_PASSWORD)
            assert "token" in exc.value.errors
            assert session.get(User, ana.id).password_hash == before


def test_a_password_the_rules_refuse_keeps_the_link_and_the_old_password(session, subtests) -> None:
    ana = make_user(session, "ana")
    before = ana.password_hash
    token = _token(accounts.request_password_reset(session=session, who="ana"))
    for password in ["short", "", None, 12345678, "x" * 2000]:
        with subtests.test(password=password):
            with pytest.raises(ValidationError) as exc:
                accounts.reset_password(session=session, token=token, password=password)
            assert exc.value.errors["password"]
            assert session.get(User, ana.id).password_hash == before
            assert accounts.reset_link_works(session=session, token=token)


def test_links_expire_after_an_hour_and_die_with_a_closed_account(session) -> None:
    ana = make_user(session, "ana")
    bob = make_user(session, "bob")
    late = _token(accounts.request_password_reset(session=session, who="ana"))
    reset = session.exec(select(PasswordReset)).one()
    reset.expires_at = reset.created_at + accounts.RESET_LINK_TTL - timedelta(hours=2)
    session.add(reset)
    session.flush()
    assert not accounts.reset_link_works(session=session, token=late)
    closing = _token(accounts.request_password_reset(session=session, who="bob"))
    accounts.deactivate_user(session=session, user_id=bob.id)
    with pytest.raises(ValidationError):
        accounts.reset_password(session=session, token=closing, password=NEW_PASSWORD)
    assert accounts.login(session=session, username="ana", password=PASSWORD).user.id == ana.id


def test_asking_is_limited_per_account_silently_and_per_client_with_a_message(session) -> None:
    make_user(session, "ana")
    sent = [accounts.request_password_reset(session=session, who="ana", client="a") for _ in range(5)]
    # The account's limit sends nothing more, and says nothing different.
    assert [m is not None for m in sent] == [True] * accounts.RESETS_PER_ACCOUNT + [False] * 2
    for n in range(accounts.RESETS_PER_CLIENT - accounts.RESETS_PER_ACCOUNT):
        make_user(session, f"person{n}")
        assert accounts.request_password_reset(session=session, who=f"person{n}", client="a") is not None
    make_user(session, "late")
    with pytest.raises(ValidationError) as exc:
        accounts.request_password_reset(session=session, who="late", client="a")
    assert "Too many" in exc.value.errors["who"]
    # Another client is not held back by this one.
    assert accounts.request_password_reset(session=session, who="late", client="b") is not None


def test_a_link_the_mail_server_refused_counts_against_no_limit_and_does_not_work(
    engine, session, refusing_smtp
) -> None:
    make_user(session, "ana")
    session.commit()
    for _ in range(accounts.RESETS_PER_CLIENT + 1):
        link_mail = accounts.request_password_reset(session=session, who="ana", client="a")
        session.commit()
        refused_by_the_server(engine, link_mail)
        assert accounts.reset_link_works(session=session, token=_token(link_mail)) is False
    assert session.exec(select(func.count()).select_from(PasswordReset)).one() == 0
    # Neither the account's limit nor the client's was used up.
    assert accounts.request_password_reset(session=session, who="ana", client="a") is not None


def test_a_reset_lifts_the_lock_that_wrong_guesses_put_on_the_account(session) -> None:
    make_user(session, "ana")
    for name in ("ana", "ana@example.com"):
        for _ in range(get_settings().login_max_failures_per_user):
            accounts.login(session=session, username=name, password="wrong guess", client="c")
        assert accounts.login(session=session, username=name, password=PASSWORD, client="c").reason == "limited"
    token = _token(accounts.request_password_reset(session=session, who="ana"))
    accounts.reset_password(session=session, token=token, password=NEW_PASSWORD)
    assert session.exec(select(func.count()).select_from(LoginFailure)).one() == 0
    assert accounts.login(session=session, username="ana", password=NEW_PASSWORD, client="c").user is not None
    assert accounts.login(session=session, username="ana@example.com", password=NEW_PASSWORD).user is not None
    assert session.exec(select(func.count()).select_from(AuthSession)).one() == 2
