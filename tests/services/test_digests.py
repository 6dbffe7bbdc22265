"""The notification digest on SQLite and PostgreSQL: a mail of what happened since the person was
last here (grouped as on the notifications page), at most once a day and never twice about the
same thing; none for people who turned it off, closed accounts, addresses nobody confirmed, read
or blocked notices, or news older than a week; its link turns it off without a login and cannot
be forged; a refused mail is tried again; one run at a time. It comes in the person's morning,
in their own time zone (DST days and a change of zone included); unknown zones are refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
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
from slice_of_culture.services import accounts, blocks, digests, social, time_zones
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


def _digest_hour(monkeypatch: pytest.MonkeyPatch, hour: int) -> None:
    settings = replace(get_settings(), digest_hour=hour)
    monkeypatch.setattr(digests, "get_settings", lambda: settings)


@pytest.fixture
def any_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests are due from midnight (DIGEST_HOUR 0): for the tests about what and how often, not
    when, which run at whatever hour the clock says."""
    _digest_hour(monkeypatch, 0)


@pytest.fixture
def at_eight(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests are due from 08:00 local time (the default, whatever the environment says)."""
    _digest_hour(monkeypatch, 8)


@pytest.mark.usefixtures("any_hour")
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


@pytest.mark.usefixtures("any_hour")
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


@pytest.mark.usefixtures("any_hour")
def test_no_digest_goes_to_an_address_nobody_confirmed(engine: Engine, tmp_path, outbox) -> None:
    # Someone signed up with a stranger's address: the stranger gets no daily mail.
    with session_scope(engine) as session:
        ana, *_ = _people(session)
        ana.email_confirmed_at = None
        stranger = make_user(session, "stranger")
        accounts.email_confirmation_mail(session=session, user=stranger)  # as sign-up does
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


@pytest.mark.usefixtures("any_hour")
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


@pytest.mark.usefixtures("any_hour")
def test_an_account_from_before_confirmation_gets_the_link_once_instead_of_a_digest(
    engine: Engine, tmp_path, outbox, monkeypatch
) -> None:
    """Accounts made before sign-ups were confirmed were never sent a link: when a digest would be
    due, they get one (why, and the link) instead, once; a refused one is tried again."""
    with session_scope(engine) as session:
        old = make_user(session, "oldtimer", display_name="Old")  # no link ever sent
        other = make_user(session, "follower")
        social.follow(session=session, follower=other, followee_id=old.id)
        quiet = make_user(session, "quiet")  # nothing new for them: nothing at all
    assert quiet.confirmation_sent_at is None

    def refuse(message):  # noqa: ANN001, ANN202
        raise mail.MailNotSent("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(mail, "send", refuse)
        run = digests.send_digests(engine=engine, data_dir=tmp_path)
    assert (run.sent, run.reminded, run.failed) == (0, 0, 1)
    run = digests.send_digests(engine=engine, data_dir=tmp_path)
    assert (run.sent, run.reminded, run.failed) == (0, 1, 0)
    (reminder,) = sent_mails(outbox)
    assert reminder["To"] == "oldtimer@example.com" and "digest" in reminder["Subject"]
    assert "started following" not in reminder.get_content()  # no news before the address is proven
    # Once: later runs, days later too, send nothing more while the address stays unconfirmed.
    for days in (0, 1, 3):
        assert digests.send_digests(engine=engine, data_dir=tmp_path, now=utcnow() + timedelta(days=days)).reminded == 0
    assert len(sent_mails(outbox)) == 1
    # The link in it confirms the address; then the digest comes.
    with session_scope(engine) as session:
        accounts.confirm_email(session=session, token=link_token(reminder.get_content()))
    run = digests.send_digests(engine=engine, data_dir=tmp_path)
    assert (run.sent, run.reminded) == (1, 0)
    assert "follower started following you" in sent_mails(outbox)[-1].get_content()


@pytest.mark.usefixtures("any_hour")
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


@pytest.mark.usefixtures("any_hour")
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


@pytest.mark.usefixtures("any_hour")
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


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _move(session, user: User, time_zone: object, **changes) -> None:  # noqa: ANN001, ANN003
    """Settings saved with the time zone (and `changes`) changed, the rest as it was."""
    kept = {name: getattr(user, name) for name in ("display_name", "bio", "avatar_url", "default_visibility")}
    fields = {**kept, "discoverable": user.discoverable, **changes}
    accounts.update_profile(session=session, user=user, time_zone=time_zone, **fields)


def _news(session, user_id: int, at: datetime) -> None:  # noqa: ANN001
    """The person's notifications unread and dated `at`, their last visit two days before."""
    session.exec(update(Notification).where(Notification.recipient_id == user_id).values(created_at=at, read_at=None))
    session.exec(update(AuthSession).where(AuthSession.user_id == user_id).values(last_seen_at=at - timedelta(days=2)))


def _hourly(engine: Engine, tmp_path, user_id: int, start: datetime, hours: int) -> list[datetime]:  # noqa: ANN001
    """Run the job every hour from `start`, with something new for the person before each run:
    the times a digest went out."""
    sent = []
    for hour in range(hours):
        now = start + timedelta(hours=hour)
        with session_scope(engine) as session:
            _news(session, user_id, now - timedelta(minutes=1))
        if digests.send_digests(engine=engine, data_dir=tmp_path, now=now).sent:
            sent.append(now)
    return sent


@pytest.mark.usefixtures("at_eight")
def test_a_person_in_tokyo_gets_it_in_the_tokyo_morning(engine: Engine, tmp_path, outbox) -> None:
    with session_scope(engine) as session:
        ana, *_ = _people(session)
        _move(session, ana, "Asia/Tokyo")
        uma = make_user(session, "uma", confirmed=True)
        social.follow(session=session, follower=make_user(session, "fan"), followee_id=uma.id)
        ana_id, uma_id = ana.id, uma.id
        # Ana's last digest came at 08:30 on Monday 11 January in Tokyo; news since, for both.
        session.exec(update(User).where(User.id == ana_id).values(digest_sent_at=_utc("2027-01-10 23:30")))
        _news(session, ana_id, _utc("2027-01-11 10:00"))
        _news(session, uma_id, _utc("2027-01-11 10:00"))

    def due(at: str) -> list[int]:
        with session_scope(engine) as session:
            return digests.due_user_ids(session=session, now=_utc(at))

    # 12:00 UTC is 21:00 in Tokyo, the day Ana already had hers; Uma's morning in UTC.
    assert due("2027-01-11 07:59") == [] and due("2027-01-11 12:00") == [uma_id]
    assert digests.send_digests(engine=engine, data_dir=tmp_path, now=_utc("2027-01-11 12:00")).sent == 1
    # 22:30 UTC is 07:30 on Tuesday in Tokyo: still night there, though a day has passed.
    assert due("2027-01-11 22:30") == []
    # 23:30 UTC is 08:30 in Tokyo; a run missed for hours still sends that day (14:00 there).
    assert due("2027-01-11 23:30") == [ana_id] and due("2027-01-12 05:00") == [ana_id]
    with session_scope(engine) as session:
        ana = session.get(User, ana_id)
        assert digests.digest_for(session=session, user=ana, now=_utc("2027-01-11 22:30")) is None
        assert digests.digest_for(session=session, user=ana, now=_utc("2027-01-11 23:30")) is not None
    assert digests.send_digests(engine=engine, data_dir=tmp_path, now=_utc("2027-01-11 23:30")).sent == 1
    assert [m["To"] for m in sent_mails(outbox)] == ["uma@example.com", "ana@example.com"]


@pytest.mark.usefixtures("at_eight")
@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # From midnight in New York, hourly for three days. Spring forward (Sunday 14 March 2027):
        # 08:00 EST is 13:00 UTC, 08:00 EDT 12:00 UTC.
        ("2027-03-13 05:00", ["2027-03-13 13:00", "2027-03-14 12:00", "2027-03-15 12:00"]),
        # Fall back (Sunday 7 November 2027): 08:00 EDT is 12:00 UTC, 08:00 EST 13:00 UTC.
        ("2027-11-06 04:00", ["2027-11-06 12:00", "2027-11-07 13:00", "2027-11-08 13:00"]),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_new_york_gets_it_at_eight_across_a_dst_change(
    engine: Engine, tmp_path, outbox, start: str, expected: list[str]
) -> None:
    with session_scope(engine) as session:
        ana, *_ = _people(session)
        _move(session, ana, "America/New_York")
        ana_id = ana.id
    sent = _hourly(engine, tmp_path, ana_id, _utc(start), hours=72)
    assert sent == [_utc(at) for at in expected]
    new_york = time_zones.zone("America/New_York")
    assert {at.astimezone(new_york).strftime("%H:%M") for at in sent} == {"08:00"}
    assert len(sent_mails(outbox)) == 3


@pytest.mark.usefixtures("at_eight")
@pytest.mark.parametrize(
    ("before", "first", "after", "expected"),
    [
        # 08:00 in Los Angeles is 01:00 the next day in Tokyo: that Tokyo day has had its digest,
        # even at 21:00 there, 20 hours later; the next comes the Tokyo morning after.
        ("America/Los_Angeles", "2027-01-11 16:00", "Asia/Tokyo", "2027-01-12 23:00"),
        # 08:00 in Tokyo is 18:00 the day before in New York: the New York morning comes 14 hours
        # later, too soon; the digest waits until DIGEST_GAP has passed.
        ("Asia/Tokyo", "2027-01-10 23:00", "America/New_York", "2027-01-11 19:00"),
    ],
    ids=["eastward", "westward"],
)
def test_changing_zone_right_after_a_digest_gives_no_second_one_too_soon(
    engine: Engine, tmp_path, outbox, before: str, first: str, after: str, expected: str
) -> None:
    with session_scope(engine) as session:
        ana, *_ = _people(session)
        _move(session, ana, before)
        ana_id = ana.id
    assert _hourly(engine, tmp_path, ana_id, _utc(first), hours=1) == [_utc(first)]
    with session_scope(engine) as session:
        _move(session, session.get(User, ana_id), after)
    sent = _hourly(engine, tmp_path, ana_id, _utc(first) + timedelta(hours=1), hours=36)
    assert sent[0] == _utc(expected) and sent[0] - _utc(first) >= digests.DIGEST_GAP
    assert all(later - earlier >= digests.DIGEST_GAP for earlier, later in zip(sent, sent[1:], strict=False))
    assert len(sent_mails(outbox)) == 1 + len(sent)


@pytest.mark.usefixtures("at_eight")
def test_a_stored_zone_the_server_no_longer_knows_counts_as_utc(session) -> None:
    ana, *_ = _people(session)
    session.exec(update(User).where(User.id == ana.id).values(time_zone="Atlantis/Poseidonia"))
    _news(session, ana.id, _utc("2027-01-11 01:00"))
    session.expire_all()
    assert digests.due_user_ids(session=session, now=_utc("2027-01-11 07:00")) == []
    assert digests.due_user_ids(session=session, now=_utc("2027-01-11 08:00")) == [ana.id]


BAD_ZONES = [
    "Mars/Olympus_Mons",
    "Lisbon",
    "",
    "   ",
    "localtime",
    "Factory",
    # Aliases of listed zones are not in the list (the same place twice): its own name is.
    "US/Eastern",
    "Japan",
    "Etc/GMT+5",
    "posix/Europe/Lisbon",
    "../../etc/passwd",
    "Europe/Lisbon\x00",
    "Europe/Lisbon" * 1000,
    42,
    b"UTC",
    ["UTC"],
]


def test_unknown_time_zones_are_refused_and_change_nothing(session, subtests) -> None:
    ana = make_user(session, "ana", display_name="Ana")
    assert ana.time_zone == "UTC"
    _move(session, ana, "Europe/Lisbon")
    for bad in BAD_ZONES:
        with subtests.test(time_zone=bad if len(str(bad)) < 50 else "very long"):
            with pytest.raises(ValidationError) as refused:
                _move(session, ana, bad, display_name="Someone", bio="changed", default_visibility="private")
            assert refused.value.errors == {"time_zone": time_zones.UNKNOWN}
            stored = select(User.display_name, User.bio, User.default_visibility, User.time_zone)
            assert session.exec(stored.where(User.id == ana.id)).one() == ("Ana", "", "public", "Europe/Lisbon")
    # Any case and spaces around: stored as the time zone database spells it; None: unchanged.
    _move(session, ana, " asia/TOKYO ")
    assert ana.time_zone == "Asia/Tokyo"
    _move(session, ana, None)
    assert ana.time_zone == "Asia/Tokyo"
    assert time_zones.time_zone_names()[0] == "UTC" and "Europe/Lisbon" in time_zones.time_zone_names()


def test_the_time_zone_select_has_every_zone_once_by_region_city_first() -> None:
    groups = time_zones.time_zone_groups()
    regions = [region for region, _ in groups]
    assert regions == sorted(regions) and "Europe" in regions and "UTC" not in regions
    names = [name for _, zones in groups for name, _ in zones]
    # Every zone but UTC (which stands alone at the top), each exactly once.
    assert len(names) == len(set(names)) and set(names) == set(time_zones.time_zone_names()) - {"UTC"}
    by_region = dict(groups)
    assert all(name.startswith(f"{region}/") for region, zones in groups for name, _ in zones)
    assert ("Europe/Lisbon", "Lisbon") in by_region["Europe"]
    assert ("America/New_York", "New York") in by_region["America"]
    assert ("America/Argentina/Buenos_Aires", "Buenos Aires (Argentina)") in by_region["America"]
    places = [place for _, place in by_region["America"]]
    assert places == sorted(places, key=str.casefold)
    # Settings says when the digest comes by the same words.
    assert digests.arrival("UTC").endswith("08:00, UTC time.")
    assert digests.arrival("America/Argentina/Buenos_Aires").endswith("08:00, Buenos Aires (Argentina) time.")
