"""Entries, likes, comments, follows and notifications through the API: the services' rules hold."""

from __future__ import annotations

from datetime import date, timedelta

from slice_of_culture.db import session_scope
from slice_of_culture.models import User, utcnow
from slice_of_culture.services import accounts
from slice_of_culture.services.rates import EDIT_RATE, FOLLOW_RATE
from tests.api.conftest import Api, Person


def _feed_ids(api: Api, path: str, as_: Person | None = None) -> list[int]:
    response = api.get(path, as_)
    assert response.status_code == 200, response.text
    return [card["entry_id"] for card in response.json()["postcards"]]


def test_log_read_in_feed_edit_and_delete_an_entry(api: Api) -> None:
    ana = api.person("ana")
    dune = api.item("Dune", creator="Frank Herbert")
    created = api.post(
        "/entries",
        ana,
        json={"item_id": dune, "status": "finished", "rating": 8, "consumed_on": "2024-05-01", "review": "Spice."},
    )
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["username"] == "ana" and entry["item_id"] == dune
    assert (entry["rating"], entry["consumed_on"], entry["visibility"]) == (8, "2024-05-01", "public")
    entry_id = entry["entry_id"]

    # In the Following feed (the default with a token) and in Everyone, logged in or out.
    assert _feed_ids(api, "/feed", ana) == [entry_id]
    assert _feed_ids(api, "/feed?tab=everyone") == [entry_id]
    card = api.get("/feed?tab=everyone").json()["postcards"][0]
    assert (card["title"], card["action"], card["stars"], card["review_excerpt"]) == ("Dune", "Read", "★★★★", "Spice.")

    edited = api.patch(f"/entries/{entry_id}", ana, json={"rating": 9, "review": "Even better twice."})
    assert edited.status_code == 200, edited.text
    assert edited.json()["rating"] == 9 and edited.json()["review"] == "Even better twice."
    # Fields not sent keep their values.
    assert edited.json()["consumed_on"] == "2024-05-01" and edited.json()["status"] == "finished"
    assert api.get("/feed?tab=everyone").json()["postcards"][0]["stars"] == "★★★★½"

    assert api.delete(f"/entries/{entry_id}", ana).status_code == 204
    assert _feed_ids(api, "/feed?tab=everyone") == []
    assert api.patch(f"/entries/{entry_id}", ana, json={"rating": 2}).status_code == 404
    assert api.delete(f"/entries/{entry_id}", ana).json()["error"] == "That entry does not exist."


def test_new_entries_take_the_persons_default_visibility(api: Api) -> None:
    quiet = api.person("quiet")
    # Set as Settings sets it.
    with session_scope(api.engine) as session:
        user = session.get(User, quiet.id)
        accounts.update_profile(
            session=session,
            user=user,
            display_name="Quiet",
            bio="",
            avatar_url="",
            default_visibility="private",
            discoverable=True,
        )
    book = api.item("Stoner")
    entry = api.post("/entries", quiet, json={"item_id": book}).json()
    assert entry["visibility"] == "private" and entry["status"] == "finished"
    assert _feed_ids(api, "/feed?tab=everyone") == []


def test_someone_elses_entry_cannot_be_edited_or_deleted(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    entry_id = api.entry(ana, api.item("Dune"), rating=8, review="Mine.")
    for response in (
        api.patch(f"/entries/{entry_id}", bob, json={"rating": 1, "review": "Hacked."}),
        api.delete(f"/entries/{entry_id}", bob),
    ):
        assert response.status_code == 403
        assert response.json()["error"] == "You can only change your own entries."
    stored = api.stored_entry(entry_id)
    assert stored is not None and (stored.rating, stored.review) == (8, "Mine.")


def test_private_and_followers_entries_stay_hidden_from_who_may_not_see_them(api: Api) -> None:
    ana, friend, stranger = api.person("ana"), api.person("friend"), api.person("stranger")
    api.follow(friend, ana)
    api.follow(stranger, friend)  # follows someone, not ana
    book = api.item("Diary of Days")
    now = utcnow()
    public = api.entry(ana, book, visibility="public", review="open", created_at=now - timedelta(minutes=3))
    followers = api.entry(ana, book, visibility="followers", review="friends", created_at=now - timedelta(minutes=2))
    private = api.entry(
        ana, book, visibility="private", review="secret", rating=2, created_at=now - timedelta(minutes=1)
    )

    reviews = {public: "open", followers: "friends", private: "secret"}
    for who, expected in [(None, {public}), (stranger, {public}), (friend, {public, followers})]:
        assert set(_feed_ids(api, "/users/ana/entries", who)) == expected, who
        assert set(_feed_ids(api, "/feed?tab=everyone", who)) == {public}, who
        assert api.get("/users/ana", who).json()["entry_count"] == len(expected), who
        page = api.get(f"/items/{book}", who)
        assert page.json()["entry_count"] == len(expected), who
        assert {r["review"] for r in page.json()["reviews"]} == {reviews[e] for e in expected}, who
        assert "secret" not in page.text, who
    assert set(_feed_ids(api, "/feed?tab=following", friend)) == {public, followers}
    assert set(_feed_ids(api, "/feed?tab=following", stranger)) == set()
    # The owner sees everything.
    assert set(_feed_ids(api, "/users/ana/entries", ana)) == {public, followers, private}
    # What you may not see does not exist for you: no like, no comment.
    for who in (stranger, friend):
        assert api.put(f"/entries/{private}/like", who).status_code == 404
        assert api.post(f"/entries/{private}/comments", who, json={"text": "hi"}).status_code == 404
    assert api.put(f"/entries/{followers}/like", stranger).status_code == 404
    assert api.put(f"/entries/{followers}/like", friend).status_code == 200


def test_follow_and_unfollow_as_yourself(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    followed = api.put("/users/Ana/follow", bob)
    assert followed.status_code == 200, followed.text
    assert followed.json()["viewer_follows"] is True and followed.json()["follower_count"] == 1
    # Following again changes nothing.
    assert api.put("/users/ana/follow", bob).json()["follower_count"] == 1
    assert api.get("/users/bob", bob).json()["following_count"] == 1
    assert [n["kind"] for n in api.get("/notifications", ana).json()["notifications"]] == ["follow"]

    unfollowed = api.delete("/users/ana/follow", bob)
    assert unfollowed.status_code == 200
    assert unfollowed.json()["viewer_follows"] is False and unfollowed.json()["follower_count"] == 0

    yourself = api.put("/users/ana/follow", ana)
    assert yourself.status_code == 400 and yourself.json()["fields"] == {"follow": "You cannot follow yourself."}
    assert api.put("/users/nobody_here/follow", ana).status_code == 404
    assert api.get("/users/nobody_here").json()["error"] == "No one here goes by that name."


def test_block_and_unblock_as_yourself(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    entry_id = api.entry(ana, api.item("Dune"))
    api.follow(bob, ana)
    blocked = api.put("/users/bob/block", ana)
    assert blocked.status_code == 200, blocked.text
    assert blocked.json()["viewer_blocked"] is True and blocked.json()["follower_count"] == 0
    assert [p["username"] for p in api.get("/blocks", ana).json()["blocked"]] == ["bob"]
    # Bob: Ana's postcard is gone, following her is refused, and he learns no more than that.
    assert api.get("/users/ana/entries", bob).json()["postcards"] == []
    assert api.put(f"/entries/{entry_id}/like", bob).status_code == 404
    refused = api.put("/users/ana/follow", bob)
    assert refused.status_code == 403 and refused.json()["error"] == "You cannot follow this person."
    assert api.get("/users/ana", bob).json()["blocked_viewer"] is True
    assert api.put("/users/ana/block", ana).status_code == 400
    assert api.put("/users/nobody_here/block", ana).status_code == 404
    assert api.put("/users/bob/block").status_code == 401
    unblocked = api.delete("/users/bob/block", ana)
    assert unblocked.status_code == 200 and unblocked.json()["viewer_blocked"] is False
    assert [c["entry_id"] for c in api.get("/users/ana/entries", bob).json()["postcards"]] == [entry_id]
    assert api.get("/blocks", ana).json()["blocked"] == []


def test_like_comment_and_notifications(api: Api) -> None:
    ana, bob, carol = api.person("ana"), api.person("bob"), api.person("carol")
    entry_id = api.entry(ana, api.item("Dune"), rating=10)

    assert api.put(f"/entries/{entry_id}/like", bob).json() == {"entry_id": entry_id, "liked": True}
    assert api.put(f"/entries/{entry_id}/like", bob).status_code == 200  # twice: still one like
    card = api.get("/feed?tab=everyone", bob).json()["postcards"][0]
    assert (card["like_count"], card["liked"]) == (1, True)
    assert api.get("/feed?tab=everyone", carol).json()["postcards"][0]["liked"] is False

    text = '<script>alert("x")</script> <b>Loved</b> it — très bien ☕'
    comment = api.post(f"/entries/{entry_id}/comments", bob, json={"text": text})
    assert comment.status_code == 201, comment.text
    assert comment.json()["text"] == text and comment.json()["username"] == "bob"
    assert '<script>alert(\\"x\\")</script>' in comment.text and "très bien ☕" in comment.text
    comment_id = comment.json()["comment_id"]
    cards = api.get("/users/ana/entries", carol).json()["postcards"]
    assert [c["text"] for c in cards[0]["comments"]] == [text]
    assert cards[0]["comment_count"] == 1

    # Listing notifications does not mark them read; POST /notifications/read does.
    for _ in range(2):
        listed = api.get("/notifications", ana).json()
        assert listed["unread"] == 2
        assert [n["kind"] for n in listed["notifications"]] == ["comment", "like"]
        assert all(n["unread"] for n in listed["notifications"])
    assert api.get("/me", ana).json()["unread_notifications"] == 2
    assert api.post("/notifications/read", ana).json() == {"marked": 2}
    assert api.get("/notifications", ana).json()["unread"] == 0

    # Only its author edits a comment; bad text is a 400 at the field and changes nothing.
    refused = api.patch(f"/comments/{comment_id}", ana, json={"text": "hijacked"})
    assert (refused.status_code, refused.json()["error"]) == (403, "You can only edit your own comments.")
    empty = api.patch(f"/comments/{comment_id}", bob, json={"text": "  "})
    assert empty.status_code == 400 and empty.json()["fields"] == {"comment": "Write something first."}
    assert api.patch(f"/comments/{comment_id}", bob, json={"text": 7}).status_code == 400
    assert api.patch(f"/comments/{10**12}", bob, json={"text": "x"}).status_code == 404
    edited = api.patch(f"/comments/{comment_id}", bob, json={"text": "Loved it, <i>twice</i>"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["text"], edited.json()["edited"]) == ("Loved it, <i>twice</i>", True)
    shown = api.get("/users/ana/entries", carol).json()["postcards"][0]["comments"]
    assert [(c["text"], c["edited"]) for c in shown] == [("Loved it, <i>twice</i>", True)]

    # A comment goes by its author or the entry's owner, not by anyone else.
    refused = api.delete(f"/comments/{comment_id}", carol)
    assert refused.status_code == 403
    assert refused.json()["error"] == "You can only delete your own comments or comments on your entries."
    assert api.delete(f"/comments/{comment_id}", ana).status_code == 204
    assert api.delete(f"/comments/{comment_id}", ana).status_code == 404

    assert api.delete(f"/entries/{entry_id}/like", bob).json() == {"entry_id": entry_id, "liked": False}
    assert api.get("/feed?tab=everyone", bob).json()["postcards"][0]["like_count"] == 0


def test_notifications_group_alike_ones_and_page_by_cursor(api: Api) -> None:
    ana, bob, cleo = api.person("ana"), api.person("bob"), api.person("cleo")
    dune = api.entry(ana, api.item("Dune"))
    for fan in (bob, cleo):
        assert api.put(f"/entries/{dune}/like", fan).status_code == 200
    for i in range(30):
        assert api.put(f"/entries/{api.entry(ana, api.item(f'Book {i}'))}/like", bob).status_code == 200

    first = api.get("/notifications", ana).json()
    assert first["unread"] == 31  # Dune's two likes are one row
    assert len(first["notifications"]) == 30 and first["next_cursor"]
    assert {n["actor_name"] for n in first["notifications"]} == {"bob"}
    rest = api.get("/notifications", ana, params={"cursor": first["next_cursor"]}).json()
    (dune_row,) = rest["notifications"]
    assert (dune_row["actor_name"], dune_row["actor_count"], dune_row["text"]) == (
        "cleo and bob", 2, "liked your postcard about Dune"
    )  # fmt: skip
    assert rest["next_cursor"] == "" and rest["unread"] == 31
    bad = api.get("/notifications", ana, params={"cursor": "<script>"})
    assert bad.status_code == 400 and "cursor" in bad.json()["fields"]


def test_commenting_too_fast_is_429_with_retry_after(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    entry_id = api.entry(ana, api.item("Dune"))
    for n in range(5):
        assert api.post(f"/entries/{entry_id}/comments", bob, json={"text": f"n{n}"}).status_code == 201
    refused = api.post(f"/entries/{entry_id}/comments", bob, json={"text": "too many"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    assert refused.json()["fields"]["text"].startswith("You are commenting too fast. Wait ")
    assert api.get("/users/ana/entries", bob).json()["postcards"][0]["comment_count"] == 5


def test_editing_too_fast_is_429_with_retry_after(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    entry_id = api.entry(ana, api.item("Dune"))
    comment_id = api.post(f"/entries/{entry_id}/comments", bob, json={"text": "draft"}).json()["comment_id"]
    for n in range(EDIT_RATE.max_count):
        assert api.patch(f"/comments/{comment_id}", bob, json={"text": f"take {n}"}).status_code == 200
    refused = api.patch(f"/comments/{comment_id}", bob, json={"text": "too many"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= EDIT_RATE.window.total_seconds()
    assert refused.json()["fields"]["text"].startswith("You are editing too fast. Wait ")
    shown = api.get("/users/ana/entries", bob).json()["postcards"][0]["comments"]
    assert [c["text"] for c in shown] == [f"take {EDIT_RATE.max_count - 1}"]


def test_invalid_entries_get_a_message_per_field_and_change_nothing(api: Api) -> None:
    ana = api.person("ana")
    book = api.item("Dune")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    cases = [
        ({"rating": 11}, {"rating": "Rating must be between ½ and 5 stars."}),
        ({"consumed_on": tomorrow}, {"consumed_on": "That date is in the future."}),
        ({"consumed_on": "14/03/2026"}, {"consumed_on": "Enter a date like 2026-03-14."}),
        ({"status": "loved"}, {"status": "Choose want, in progress, finished or dropped."}),
        ({"visibility": "secret"}, {"visibility": "Choose public, followers or private."}),
        ({"status": "want", "rating": 6}, {"rating": "Rate it once you have started it."}),
        ({"review": "x" * 5001}, {"review": "Reviews can be at most 5,000 characters (this one has 5,001)."}),
        # Wrong JSON types are refused before the service sees them.
        ({"rating": "7"}, {"rating": "Must be a whole number or null."}),
        ({"rating": 4.5}, {"rating": "Must be a whole number or null."}),
        ({"rating": True}, {"rating": "Must be a whole number or null."}),
        ({"review": ["a"]}, {"review": "Must be text."}),
        ({"status": None}, {"status": "Must be text."}),
        ({"visibility": {"a": 1}}, {"visibility": "Must be text."}),
        ({"consumed_on": 20240501}, {"consumed_on": "Must be text or null."}),
        ({"stars": 5}, {"stars": "Unknown field."}),
    ]
    for extra, fields in cases:
        response = api.post("/entries", ana, json={"item_id": book, **extra})
        assert response.status_code == 400, (extra, response.text)
        assert response.json()["fields"] == fields, extra
        assert response.json()["error"]
    assert api.post("/entries", ana, json={"item_id": "1"}).json()["fields"] == {"item_id": "Must be a whole number."}
    assert api.post("/entries", ana, json={"review": "hi"}).json()["fields"] == {"item_id": "Required."}
    for unknown in (book + 1000, 10**12, -(10**12)):
        missing = api.post("/entries", ana, json={"item_id": unknown})
        assert missing.status_code == 404 and missing.json()["error"] == "That item is not in the catalog."
    assert api.count_entries() == 0

    # The same rules on an edit; the entry stays as it was.
    entry_id = api.post("/entries", ana, json={"item_id": book, "rating": 6}).json()["entry_id"]
    bad = api.patch(f"/entries/{entry_id}", ana, json={"rating": 0.5, "review": 3})
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"rating": "Must be a whole number or null.", "review": "Must be text."}
    assert api.patch(f"/entries/{entry_id}", ana, json={"rating": 11}).json()["fields"]["rating"]
    assert api.patch(f"/entries/{entry_id}", ana, json={"item_id": book}).json()["fields"] == {
        "item_id": "Unknown field."
    }
    assert api.stored_entry(entry_id).rating == 6
    assert api.patch(f"/entries/{10**12}", ana, json={"rating": 2}).status_code == 404

    # Comments: empty, blank, too long, not text.
    for text, message in [
        ("", "Write something first."),
        ("   \n ", "Write something first."),
        ("x" * 2001, "Comments can be at most 2,000 characters."),
    ]:
        response = api.post(f"/entries/{entry_id}/comments", ana, json={"text": text})
        assert response.status_code == 400 and response.json()["fields"] == {"comment": message}
    assert api.post(f"/entries/{entry_id}/comments", ana, json={"text": 5}).json()["fields"] == {
        "text": "Must be text."
    }
    assert api.post(f"/entries/{entry_id}/comments", ana, json={}).json()["fields"] == {"text": "Required."}


def test_html_and_unicode_are_kept_as_text(api: Api) -> None:
    ana = api.person("ana")
    book = api.item("Amélie <i>et</i> moi")
    review = '<img src=x onerror=alert(1)> Amélie, 東京, 🎬 & "quotes"\nsecond line'
    created = api.post("/entries", ana, json={"item_id": book, "review": review})
    assert created.status_code == 201
    assert created.json()["review"] == review
    card = api.get("/feed?tab=everyone").json()["postcards"][0]
    assert card["review_excerpt"] == review and card["title"] == "Amélie <i>et</i> moi"
    raw = api.get(f"/items/{book}")
    assert raw.headers["content-type"] == "application/json"
    assert raw.headers["x-content-type-options"] == "nosniff"
    # Unicode is sent as itself, not as \\u escapes.
    assert "Amélie, 東京, 🎬" in raw.text
    assert raw.json()["reviews"][0]["review"] == review


def test_report_what_you_can_see(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    entry_id = api.entry(ana, api.item("Dune"))
    made = api.post("/reports", bob, json={"target": f"entry:{entry_id}", "reason": "spoilers"})
    assert made.status_code == 201, made.text
    assert made.json() == {"reported": True}
    assert api.post("/reports", bob, json={"target": f"entry:{entry_id}"}).json() == {"reported": False}
    own = api.post("/reports", ana, json={"target": f"entry:{entry_id}"})
    assert own.status_code == 400 and "own" in own.json()["fields"]["reason"]
    assert api.post("/reports", bob, json={"target": "entry:424242"}).status_code == 404
    assert api.post("/reports", bob, json={"target": 12}).status_code == 400
    assert api.post("/reports", json={"target": f"entry:{entry_id}"}).status_code == 401


def test_a_follow_unfollow_loop_is_429_with_retry_after(api: Api) -> None:
    ana, bob = api.person("ana"), api.person("bob")
    for _ in range(FOLLOW_RATE.max_count):
        assert api.put("/users/bob/follow", ana).json()["viewer_follows"] is True
        assert api.delete("/users/bob/follow", ana).json()["viewer_follows"] is False
    refused = api.put("/users/bob/follow", ana)
    assert refused.status_code == 429
    assert FOLLOW_RATE.window.total_seconds() - 60 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.json()["fields"]["follow"].startswith("You are following people too fast. Wait ")
    assert api.get("/users/bob", ana).json()["viewer_follows"] is False
    # Unfollowing is never refused, and the notification bob got is the one of the first follow.
    assert api.delete("/users/bob/follow", ana).status_code == 200
    assert [n["text"] for n in api.get("/notifications", bob).json()["notifications"]] == ["started following you"]
