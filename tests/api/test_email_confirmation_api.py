"""Confirming the sign-up email through the API: GET /me says whether it is confirmed, POST
/me/email/confirmation mails the link again (202; 429 within two minutes; 400 once confirmed),
POST /email-confirmations/confirm takes the link's token without a login; bad tokens are a 400
at "token" and change nothing; a link the mail server refused is a 503 and does not count
against the two minutes."""

from __future__ import annotations

from slice_of_culture.services import accounts
from tests.api.conftest import Api
from tests.utils.factories import link_token
from tests.utils.mailbox import sent_mails


def test_the_link_is_sent_again_and_confirms_the_email_without_a_login(api: Api, outbox) -> None:
    ana = api.person("ana")
    assert api.get("/me", as_=ana).json()["email_confirmed"] is False
    assert api.post("/me/email/confirmation").status_code == 401

    sent = api.post("/me/email/confirmation", as_=ana)
    assert sent.status_code == 202 and sent.json()["email"] == "ana@example.com"
    (link_mail,) = sent_mails(outbox)
    assert link_mail["To"] == "ana@example.com"
    token = link_token(link_mail.get_content())

    too_soon = api.post("/me/email/confirmation", as_=ana)
    assert too_soon.status_code == 429 and 0 < int(too_soon.headers["Retry-After"]) <= 120
    assert too_soon.json()["fields"]["email"].startswith("You are asking for links too fast.")
    assert len(sent_mails(outbox)) == 1

    done = api.post("/email-confirmations/confirm", json={"token": token})
    assert done.status_code == 200 and done.json() == {"username": "ana", "email": "ana@example.com"}
    assert api.get("/me", as_=ana).json()["email_confirmed"] is True
    # Twice is harmless; asking for another link now is refused.
    assert api.post("/email-confirmations/confirm", json={"token": token}).status_code == 200
    already = api.post("/me/email/confirmation", as_=ana)
    assert already.status_code == 400 and already.json()["fields"] == {"email": "Your email is already confirmed."}
    assert len(sent_mails(outbox)) == 1


def test_a_link_the_mail_server_refused_is_a_503_and_the_next_goes_at_once(api: Api, refusing_smtp, request) -> None:
    ana = api.person("ana")
    for _ in range(2):
        refused = api.post("/me/email/confirmation", as_=ana)
        assert refused.status_code == 503 and "could not send" in refused.json()["error"]
    outbox = request.getfixturevalue("outbox")  # the server is back
    sent = api.post("/me/email/confirmation", as_=ana)
    assert sent.status_code == 202, sent.text
    (link_mail,) = sent_mails(outbox)
    assert link_mail["To"] == "ana@example.com"
    # The one that went counts.
    assert api.post("/me/email/confirmation", as_=ana).status_code == 429


def test_bad_confirmation_tokens_are_refused_and_change_nothing(api: Api, outbox, subtests) -> None:
    ana = api.person("ana")
    bob = api.person("bob")
    api.post("/me/email/confirmation", as_=ana)
    (link_mail,) = sent_mails(outbox)
    token = link_token(link_mail.get_content())
    _, expires, signature = token.split(".")
    for bad in [f"{bob.id}.{expires}.{signature}", f"{ana.id}.{expires}.{'f' * 32}", "x" * 20_000, "é", ""]:
        with subtests.test(token=bad[:40]):
            refused = api.post("/email-confirmations/confirm", json={"token": bad})
            assert refused.status_code == 400
            assert refused.json()["fields"] == {"token": accounts.CONFIRMATION_LINK_BAD}
    for body in [{"token": 42}, {"token": None}, {}, {"token": token, "email": "eve@example.com"}]:
        with subtests.test(body=body):
            assert api.post("/email-confirmations/confirm", json=body).status_code == 400
    assert api.get("/me", as_=ana).json()["email_confirmed"] is False
    assert api.get("/me", as_=bob).json()["email_confirmed"] is False
