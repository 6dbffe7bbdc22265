"""Accounts on SQLite and PostgreSQL: sign-up rules, passwords, sessions, login rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from slice_of_culture.config import get_settings
from slice_of_culture.models import AuthSession, Entry, User, utcnow
from slice_of_culture.services import accounts
from slice_of_culture.services.errors import ValidationError
from tests.conftest import PRODUCTION_PASSWORDS
from tests.utils.factories import PASSWORD, make_user


def test_signup_stores_lowercase_username_and_argon2_hash(session) -> None:
    user = make_user(session, "Ana_Reads", email="Ana@Example.com")
    assert user.username == "ana_reads"
    assert user.email == "ana@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert accounts.verify_password(PASSWORD, user.password_hash)


def test_the_app_hashes_with_argon2id_at_64_mib_and_3_passes(monkeypatch) -> None:
    # The tests hash cheaply (tests/conftest.py); the app itself must not.
    monkeypatch.setattr(accounts, "_pwd", PRODUCTION_PASSWORDS)
    hashed = accounts.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.verify_password(PASSWORD, hashed)
    assert not accounts.verify_password(PASSWORD + "x", hashed)


@pytest.mark.parametrize(
    ("username", "email", "password", "field"),
    [
        ("ab", "a@example.com", PASSWORD, "username"),
        ("a" * 31, "a@example.com", PASSWORD, "username"),
        ("bad name", "a@example.com", PASSWORD, "username"),
        ("<script>", "a@example.com", PASSWORD, "username"),
        ("zoë", "a@example.com", PASSWORD, "username"),
        ("settings", "a@example.com", PASSWORD, "username"),
        ("good_name", "not-an-email", PASSWORD, "email"),
        ("good_name", "", PASSWORD, "email"),
        ("good_name", "a@example.com", "short", "password"),
        ("good_name", "a@example.com", "x" * 2000, "password"),
    ],
)
def test_signup_rejects_bad_fields_with_a_message_and_creates_nothing(session, username, email, password, field):
    with pytest.raises(ValidationError) as exc:
        accounts.create_user(session=session, username=username, email=email, password=password)
    assert field in exc.value.errors and exc.value.errors[field]
    assert session.exec(select(User)).all() == []


def test_signup_rejects_wrong_types(session) -> None:
    with pytest.raises(ValidationError):
        accounts.create_user(session=session, username=123, email=None, password=["x"])  # type: ignore[arg-type]


def test_username_and_email_are_unique_case_insensitively(session) -> None:
    make_user(session, "maria", email="maria@example.com")
    with pytest.raises(ValidationError) as exc:
        accounts.create_user(session=session, username="MARIA", email="MARIA@example.com", password=PASSWORD)
    assert exc.value.errors["username"] == "That username is taken."
    assert "email" in exc.value.errors
    assert len(session.exec(select(User)).all()) == 1


def test_login_by_username_or_email_returns_a_token_for_that_user(session) -> None:
    user = make_user(session, "leo", email="leo@example.com")
    for name in ("leo", "LEO", "leo@example.com"):
        result = accounts.login(session=session, username=name, password=PASSWORD, client="1.2.3.4")
        assert result.error is None
        assert accounts.user_for_token(session=session, token=result.token).id == user.id


def test_wrong_password_and_unknown_user_give_the_same_message(session) -> None:
    make_user(session, "leo")
    wrong = accounts.login(session=session, username="leo", password="wrong-password", client="c")
    unknown = accounts.login(session=session, username="nobody", password="wrong-password", client="c")
    assert wrong.token is None and unknown.token is None
    assert wrong.error == unknown.error == "Wrong username or password."


def test_failed_logins_are_rate_limited_per_username(session) -> None:
    make_user(session, "leo")
    limit = get_settings().login_max_failures_per_user
    for i in range(limit):
        assert accounts.login(session=session, username="leo", password="nope-nope", client=f"c{i}").error
    # Even the right password is refused while the limit holds.
    result = accounts.login(session=session, username="leo", password=PASSWORD, client="fresh-client")
    assert result.token is None
    assert "Too many failed attempts for this account" in result.error


def test_failed_logins_are_rate_limited_per_client(session) -> None:
    make_user(session, "leo")
    limit = get_settings().login_max_failures_per_client
    for i in range(limit):
        accounts.login(session=session, username=f"guess{i}", password="nope-nope", client="10.0.0.9")
    result = accounts.login(session=session, username="leo", password=PASSWORD, client="10.0.0.9")
    assert result.token is None and "from this device" in result.error
    # Another client is not affected.
    assert accounts.login(session=session, username="leo", password=PASSWORD, client="10.0.0.10").token


def test_deactivated_user_cannot_log_in_and_loses_sessions(session) -> None:
    user = make_user(session, "gone")
    token = accounts.login(session=session, username="gone", password=PASSWORD).token
    accounts.deactivate_user(session=session, user_id=user.id)
    session.flush()
    assert accounts.user_for_token(session=session, token=token) is None
    result = accounts.login(session=session, username="gone", password=PASSWORD)
    assert result.token is None and "deactivated" in result.error


def test_tokens_are_stored_only_as_hashes(session) -> None:
    make_user(session, "leo")
    token = accounts.login(session=session, username="leo", password=PASSWORD).token
    session.commit()
    stored = session.exec(text("SELECT token_hash FROM auth_session")).all()
    assert len(stored) == 1 and token not in stored[0][0] and len(stored[0][0]) == 64


def test_a_token_acts_only_as_its_own_user_and_dies_on_logout(session) -> None:
    ana = make_user(session, "ana")
    bob = make_user(session, "bob")
    ana_token = accounts.create_session(session=session, user=ana)
    bob_token = accounts.create_session(session=session, user=bob)
    assert accounts.user_for_token(session=session, token=bob_token).id == bob.id
    assert accounts.user_for_token(session=session, token=ana_token).id == ana.id
    accounts.logout(session=session, token=ana_token)
    session.flush()
    assert accounts.user_for_token(session=session, token=ana_token) is None
    assert accounts.user_for_token(session=session, token=bob_token).id == bob.id
    for forged in ("", "x", ana_token + "x", "a" * 500, None):
        assert accounts.user_for_token(session=session, token=forged) is None


def test_expired_sessions_are_refused(session) -> None:
    user = make_user(session, "leo")
    token = accounts.create_session(session=session, user=user)
    auth = session.exec(select(AuthSession)).one()
    auth.expires_at = utcnow() - timedelta(seconds=1)
    session.add(auth)
    session.flush()
    assert accounts.user_for_token(session=session, token=token) is None


def test_profile_update_keeps_html_as_text_and_refuses_script_urls(session) -> None:
    user = make_user(session, "leo")
    accounts.update_profile(
        session=session,
        user=user,
        display_name="<img src=x onerror=alert(1)> שלום 🎬",
        bio="e\u0301 combining",
        avatar_url="",
        default_visibility="followers",
        discoverable=False,
    )
    assert user.display_name == "<img src=x onerror=alert(1)> שלום 🎬"
    assert user.bio == "é combining"
    with pytest.raises(ValidationError) as exc:
        accounts.update_profile(
            session=session,
            user=user,
            display_name="  ",
            bio="x" * 501,
            avatar_url="javascript:alert(1)",
            default_visibility="everyone",
            discoverable=True,
        )
    assert set(exc.value.errors) == {"display_name", "bio", "avatar_url", "default_visibility"}


def test_only_active_admins_pass_require_admin(session) -> None:
    from slice_of_culture.services.errors import PermissionDenied

    admin = make_user(session, "boss", is_admin=True)
    member = make_user(session, "member")
    assert accounts.require_admin(admin) is admin
    for user in (member, None):
        with pytest.raises(PermissionDenied):
            accounts.require_admin(user)
    accounts.deactivate_user(session=session, user_id=admin.id)
    with pytest.raises(PermissionDenied):
        accounts.require_admin(admin)


def test_change_password_needs_the_current_one_and_ends_every_other_login(session) -> None:
    user = make_user(session, "changer")
    here = accounts.login(session=session, username="changer", password=PASSWORD).token
    phone = accounts.login(session=session, username="changer", password=PASSWORD).token
    other = make_user(session, "bystander")
    theirs = accounts.login(session=session, username="bystander", password=PASSWORD).token
    before = user.password_hash

    bad = [
        ("", "a-new-password", "current_password"),
        ("not-my-password", "a-new-password", "current_password"),
        (PASSWORD, "short", "new_password"),
        (PASSWORD, PASSWORD, "new_password"),
        (PASSWORD, "x" * (accounts.MAX_PASSWORD + 1), "new_password"),
    ]
    for current, new, field in bad:
        with pytest.raises(ValidationError) as caught:
            accounts.change_password(session=session, user=user, current=current, new=new, keep_token=here)
        assert set(caught.value.errors) == {field}
        assert user.password_hash == before
        assert accounts.user_for_token(session=session, token=phone) == user
    with pytest.raises(ValidationError):
        accounts.change_password(session=session, user=user, current=None, new=["x"], keep_token=here)  # type: ignore[arg-type]

    ended = accounts.change_password(
        session=session, user=user, current=PASSWORD, new="a-new-password ✓", keep_token=here
    )
    assert ended == 1
    assert accounts.user_for_token(session=session, token=here) == user
    assert accounts.user_for_token(session=session, token=phone) is None
    assert accounts.user_for_token(session=session, token=theirs) == other
    assert accounts.login(session=session, username="changer", password=PASSWORD).error
    assert accounts.login(session=session, username="changer", password="a-new-password ✓").user == user


def test_guessing_the_current_password_is_rate_limited(session) -> None:
    user = make_user(session, "guessed")
    limit = get_settings().login_max_failures_per_user
    for attempt in range(limit):
        with pytest.raises(ValidationError, match="not your current password"):
            accounts.change_password(
                session=session, user=user, current=f"guess-{attempt}", new="whatever-new", keep_token=None
            )
    with pytest.raises(ValidationError, match="Too many failed attempts"):
        accounts.change_password(session=session, user=user, current=PASSWORD, new="whatever-new", keep_token=None)
    assert accounts.verify_password(PASSWORD, user.password_hash)


def test_deleting_an_account_takes_everything_of_theirs_and_nothing_else(session) -> None:
    from slice_of_culture.models import Comment, Follow, Forum, ForumMembership, Item, Like, Message, Notification
    from slice_of_culture.services import forums, social
    from tests.utils.factories import make_entry, make_item

    gone, stays = make_user(session, "leaving"), make_user(session, "staying")
    token = accounts.login(session=session, username="leaving", password=PASSWORD).token
    theirs_item = make_item(session, "Added By Leaving", created_by_id=gone.id)
    their_entry = make_entry(session, gone, theirs_item, status="finished")
    other_entry = make_entry(session, stays, theirs_item, status="finished")
    social.follow(session=session, follower=gone, followee_id=stays.id)
    social.follow(session=session, follower=stays, followee_id=gone.id)
    social.like(session=session, user=gone, entry_id=other_entry.id)
    social.like(session=session, user=stays, entry_id=their_entry.id)
    social.add_comment(session=session, user=gone, entry_id=other_entry.id, text="bye")
    social.add_comment(session=session, user=stays, entry_id=other_entry.id, text="still here")
    forum = session.exec(select(Forum)).first() or forums.create_forum(
        session=session, admin=make_user(session, "forumadmin", is_admin=True), slug="talk", name="Talk"
    )
    forums.post_message(session=session, user=gone, slug=forum.slug, text="hello @staying")
    forums.post_message(session=session, user=stays, slug=forum.slug, text="hi")
    session.commit()

    with pytest.raises(ValidationError) as caught:
        accounts.delete_account(session=session, user=gone, password="not-it")
    assert set(caught.value.errors) == {"password"}
    assert session.get(User, gone.id) is not None

    gone_id, stays_id = gone.id, stays.id
    accounts.delete_account(session=session, user=gone, password=PASSWORD)
    session.commit()
    session.expire_all()
    assert session.get(User, gone_id) is None
    assert accounts.user_for_token(session=session, token=token) is None
    for model, column in (
        (Entry, Entry.user_id),
        (Like, Like.user_id),
        (Comment, Comment.user_id),
        (Message, Message.user_id),
        (ForumMembership, ForumMembership.user_id),
        (AuthSession, AuthSession.user_id),
        (Notification, Notification.actor_id),
        (Follow, Follow.follower_id),
        (Follow, Follow.followee_id),
    ):
        assert session.exec(select(model).where(column == gone_id)).all() == [], model.__name__
    # What others made stays: their entry (without the deleted person's like), comment, message.
    assert session.get(Entry, other_entry.id) is not None
    assert [c.text for c in session.exec(select(Comment)).all()] == ["still here"]
    assert [m.text for m in session.exec(select(Message).where(Message.user_id == stays_id)).all()] == ["hi"]
    kept = session.get(Item, theirs_item.id)
    assert kept is not None and kept.created_by_id is None
    # The name is free again.
    assert make_user(session, "leaving").id != gone_id
