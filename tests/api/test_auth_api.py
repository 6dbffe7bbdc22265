"""Tokens: log in and out through the API, under the login page's rate limits; 401s."""

from __future__ import annotations

import email
import re
from dataclasses import replace
from datetime import timedelta
from email import policy
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from slice_of_culture import mail
from slice_of_culture.api import base
from slice_of_culture.config import get_settings
from slice_of_culture.db import session_scope
from slice_of_culture.models import AuthSession, LoginFailure, utcnow
from slice_of_culture.services import accounts
from tests.api.conftest import Api
from tests.utils.factories import PASSWORD


def test_login_gives_a_token_that_works_until_logout(api: Api) -> None:
    api.person("ana", display_name="Ana Reads")
    response = api.post("/tokens", json={"username": "ANA", "password": PASSWORD})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["user"]["username"] == "ana" and body["user"]["display_name"] == "Ana Reads"
    assert "password_hash" not in body["user"] and "password" not in response.text
    assert body["expires_at"] > utcnow().isoformat()
    headers = {"Authorization": f"Bearer {body['token']}"}

    me = api.get("/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "ana"
    assert me.headers["content-type"].startswith("application/json")
    assert me.headers["cache-control"] == "no-store"

    assert api.delete("/tokens/current", headers=headers).status_code == 204
    after = api.get("/me", headers=headers)
    assert after.status_code == 401
    assert "unknown, expired or logged out" in after.json()["error"]


def test_wrong_password_and_unknown_user_get_the_same_answer(api: Api) -> None:
    api.person("ana")
    wrong = api.post("/tokens", json={"username": "ana", "password": "not-my-password"})
    unknown = api.post("/tokens", json={"username": "nobody", "password": "not-my-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": "Wrong username or password.", "fields": {}}


def test_failed_logins_are_counted_per_account_across_requests(api: Api) -> None:
    api.person("leo")
    for _ in range(get_settings().login_max_failures_per_user):
        assert api.post("/tokens", json={"username": "leo", "password": "nope-nope"}).status_code == 401
    # Each failure was committed although the request failed; now even the right password is refused.
    refused = api.post("/tokens", json={"username": "leo", "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(get_settings().login_window_minutes * 60)
    assert refused.json()["error"].startswith("Too many failed attempts for this account. Try again in")


def test_failed_logins_are_counted_per_client_address(api: Api) -> None:
    api.person("leo")
    # The guesses are for unknown names; argon2 says nothing about the limit, so skip its cost.
    with mock.patch("slice_of_culture.services.accounts.verify_password", lambda password, hashed: False):
        for i in range(get_settings().login_max_failures_per_client):
            api.post("/tokens", json={"username": f"guess{i}", "password": "nope-nope"})
    refused = api.post("/tokens", json={"username": "leo", "password": PASSWORD})
    assert refused.status_code == 429 and "from this device" in refused.json()["error"]


@pytest.mark.parametrize("hops", [0, 1])
def test_x_forwarded_for_names_the_client_only_behind_trusted_proxies(api: Api, monkeypatch, hops) -> None:
    settings = replace(get_settings(), trusted_proxy_hops=hops)
    monkeypatch.setattr(base, "get_settings", lambda: settings)
    api.person("leo")
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    with mock.patch("slice_of_culture.services.accounts.verify_password", lambda password, hashed: False):
        for i in range(get_settings().login_max_failures_per_client):
            api.post("/tokens", json={"username": f"guess{i}", "password": "nope-nope"}, headers=guesser)
    # Behind a trusted proxy only the guesser's address is held back; without one the header is
    # anyone's to write, so every request is the same (the proxy's) client.
    someone_else = api.post(
        "/tokens", json={"username": "leo", "password": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.2"}
    )
    assert someone_else.status_code == (201 if hops else 429)
    guessing = api.post("/tokens", json={"username": "leo", "password": PASSWORD}, headers=guesser)
    assert guessing.status_code == 429 and "from this device" in guessing.json()["error"]


def test_deactivated_account_is_refused_and_its_tokens_stop_working(api: Api) -> None:
    gone = api.person("gone")
    with session_scope(api.engine) as session:
        accounts.deactivate_user(session=session, user_id=gone.id)
    assert api.get("/me", gone).status_code == 401
    response = api.post("/tokens", json={"username": "gone", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["error"] == "This account has been deactivated."


def test_login_body_must_be_two_strings(api: Api) -> None:
    missing = api.post("/tokens", json={"username": "ana"})
    assert missing.status_code == 400 and missing.json()["fields"] == {"password": "Required."}
    typed = api.post("/tokens", json={"username": 5, "password": ["x"]})
    assert typed.status_code == 400
    assert typed.json()["fields"] == {"username": "Must be text.", "password": "Must be text."}
    empty = api.post("/tokens", json={"username": "", "password": ""})
    assert empty.status_code == 401 and empty.json()["error"] == "Enter your username and password."
    assert api.post("/tokens", content=b"username=ana").status_code == 400
    assert api.post("/tokens", json=["ana", PASSWORD]).json()["error"] == "The body must be a JSON object."


def test_missing_bad_and_expired_tokens_are_401(api: Api) -> None:
    ana = api.person("ana")
    no_token = api.get("/me")
    assert no_token.status_code == 401 and no_token.headers["www-authenticate"] == "Bearer"
    assert "Log in first" in no_token.json()["error"]
    assert api.get("/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert api.get("/me", headers={"Authorization": "Basic YW5hOnB3"}).status_code == 401
    assert api.get("/me", headers={"Authorization": "Bearer " + "x" * 5000}).status_code == 401
    # An endpoint that allows anonymous reads treats a missing token as logged out...
    assert api.get("/feed?tab=everyone").status_code == 200
    # ...but a token that is sent and is not valid as an error, never as "logged out".
    invalid = api.get("/feed?tab=everyone", headers={"Authorization": "Bearer not-a-token"})
    assert invalid.status_code == 401 and "get a new one" in invalid.json()["error"]
    assert api.get("/feed?tab=following").status_code == 401

    assert api.get("/me", ana).status_code == 200
    with session_scope(api.engine) as session:
        for auth in session.exec(select(AuthSession).where(AuthSession.user_id == ana.id)):
            auth.expires_at = utcnow() - timedelta(minutes=1)
            session.add(auth)
    assert api.get("/me", ana).status_code == 401


def test_write_endpoints_need_a_token(api: Api) -> None:
    for method, path in [
        ("POST", "/entries"),
        ("PATCH", "/entries/1"),
        ("DELETE", "/entries/1"),
        ("PUT", "/entries/1/like"),
        ("POST", "/entries/1/comments"),
        ("DELETE", "/comments/1"),
        ("PUT", "/users/ana/follow"),
        ("GET", "/notifications"),
        ("POST", "/notifications/read"),
        ("DELETE", "/tokens/current"),
    ]:
        response = api.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert "Log in first" in response.json()["error"]


def test_forgot_password_through_the_api_mails_a_link_whose_token_logs_in(api: Api, monkeypatch, tmp_path) -> None:

    settings = replace(get_settings(), data_dir=tmp_path, smtp_url="")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)
    api.person("ana")
    asked = api.post("/password-resets", json={"who": "ana@example.com"})
    nobody = api.post("/password-resets", json={"who": "nobody"})
    assert asked.status_code == nobody.status_code == 202
    assert asked.json() == nobody.json() == {"message": accounts.RESET_SENT}
    (sent,) = settings.outbox_path.glob("*.eml")
    body = email.message_from_bytes(sent.read_bytes(), policy=policy.default).get_content()
    token = parse_qs(urlsplit(re.search(r"https?://\S+", body).group(0)).query)["token"][0]

    short = api.post("/password-resets/confirm", json={"token": token, "password": "short"})
    assert short.status_code == 400 and "password" in short.json()["fields"]
    done = api.post("/password-resets/confirm", json={"token": token, "password": "new-and-long-enough"})
    assert done.status_code == 200, done.text
    assert api.get("/me", headers={"Authorization": f"Bearer {done.json()['token']}"}).json()["username"] == "ana"
    again = api.post("/password-resets/confirm", json={"token": token, "password": "another-long-one"})
    assert again.status_code == 400 and again.json()["fields"] == {"token": accounts.RESET_LINK_GONE}
    assert api.post("/tokens", json={"username": "ana", "password": PASSWORD}).status_code == 401
    assert api.post("/password-resets", json={"who": 42}).status_code == 400


def test_a_mail_server_that_fails_is_a_503_and_the_link_stays_unsent(api: Api, monkeypatch) -> None:

    settings = replace(get_settings(), smtp_url="smtp://127.0.0.1:9")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)
    api.person("ana")
    response = api.post("/password-resets", json={"who": "ana"})
    assert response.status_code == 503 and "could not send" in response.json()["error"]


def test_a_reset_link_the_mail_server_refused_uses_up_no_limit(api: Api, refusing_smtp, request) -> None:
    api.person("ana")
    for _ in range(accounts.RESETS_PER_ACCOUNT + 1):
        refused = api.post("/password-resets", json={"who": "ana"})
        assert refused.status_code == 503 and "could not send" in refused.json()["error"]
    outbox = request.getfixturevalue("outbox")  # the server is back
    assert api.post("/password-resets", json={"who": "ana"}).status_code == 202
    (link_mail,) = _sent(outbox)
    assert link_mail["To"] == "ana@example.com"


def _sent(outbox) -> list:  # noqa: ANN001
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in sorted(outbox.glob("*.eml"))]


def test_change_email_through_the_api_counts_wrong_passwords_and_needs_the_link(
    api: Api, monkeypatch, tmp_path
) -> None:
    settings = replace(get_settings(), data_dir=tmp_path, smtp_url="")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)
    ana = api.person("ana")
    wrong = api.put("/me/email", as_=ana, json={"email": "new@example.com", "password": "not-it"})
    assert wrong.status_code == 400 and "email_password" in wrong.json()["fields"]
    # The wrong guess was committed: it counts against the login limit.
    with session_scope(api.engine) as session:
        assert session.exec(select(LoginFailure).where(LoginFailure.username == "ana")).all()
    assert not settings.outbox_path.exists()
    asked = api.put("/me/email", as_=ana, json={"email": "New@Example.com", "password": PASSWORD})
    assert asked.status_code == 202 and asked.json()["pending_email"] == "new@example.com"
    me = api.get("/me", as_=ana).json()
    assert me["email"] == "ana@example.com" and me["pending_email"] == "new@example.com"
    (link_mail,) = _sent(settings.outbox_path)
    assert link_mail["To"] == "new@example.com"
    link = re.search(r"https?://\S+", link_mail.get_content()).group(0)
    token = parse_qs(urlsplit(link).query)["token"][0]

    # The link needs no login; it works once; the old address is told.
    done = api.post("/email-changes/confirm", json={"token": token})
    assert done.status_code == 200 and done.json() == {"username": "ana", "email": "new@example.com"}
    assert api.get("/me", as_=ana).json()["email"] == "new@example.com"
    assert [m["To"] for m in _sent(settings.outbox_path)].count("ana@example.com") == 1
    again = api.post("/email-changes/confirm", json={"token": token})
    assert again.status_code == 400 and again.json()["fields"]["token"] == accounts.EMAIL_LINK_GONE
    assert api.put("/me/email", json={"email": "x@example.com", "password": PASSWORD}).status_code == 401


def test_a_pending_email_change_can_be_cancelled(api: Api, monkeypatch, tmp_path) -> None:
    settings = replace(get_settings(), data_dir=tmp_path, smtp_url="")
    monkeypatch.setattr(mail, "get_settings", lambda: settings)
    ana = api.person("ana")
    api.put("/me/email", as_=ana, json={"email": "new@example.com", "password": PASSWORD})
    (link_mail,) = _sent(settings.outbox_path)
    token = parse_qs(urlsplit(re.search(r"https?://\S+", link_mail.get_content()).group(0)).query)["token"][0]
    assert api.delete("/me/email/pending", as_=ana).status_code == 204
    assert api.get("/me", as_=ana).json()["pending_email"] is None
    assert api.post("/email-changes/confirm", json={"token": token}).status_code == 400
    assert api.get("/me", as_=ana).json()["email"] == "ana@example.com"
    assert api.delete("/me/email/pending").status_code == 401


def test_an_unsent_confirmation_link_is_a_503_and_a_change_stands_when_the_old_address_cannot_be_told(
    api: Api, monkeypatch, tmp_path
) -> None:
    outbox = replace(get_settings(), data_dir=tmp_path, smtp_url="")
    broken = replace(get_settings(), smtp_url="smtp://127.0.0.1:9")
    monkeypatch.setattr(mail, "get_settings", lambda: broken)
    ana = api.person("ana")
    refused = api.put("/me/email", as_=ana, json={"email": "new@example.com", "password": PASSWORD})
    assert refused.status_code == 503 and "could not send" in refused.json()["error"]
    # The link never went out: no change is left waiting for it.
    assert api.get("/me", as_=ana).json()["pending_email"] is None
    monkeypatch.setattr(mail, "get_settings", lambda: outbox)
    api.put("/me/email", as_=ana, json={"email": "new@example.com", "password": PASSWORD})
    (link_mail,) = _sent(outbox.outbox_path)
    token = parse_qs(urlsplit(re.search(r"https?://\S+", link_mail.get_content()).group(0)).query)["token"][0]
    monkeypatch.setattr(mail, "get_settings", lambda: broken)
    done = api.post("/email-changes/confirm", json={"token": token})
    assert done.status_code == 200 and done.json()["email"] == "new@example.com"
    assert api.get("/me", as_=ana).json()["email"] == "new@example.com"
