"""Editing your profile through the API, as Settings does: only the fields sent change, bad
values are a 400 at the field and change nothing; a picture is uploaded as the body itself,
redrawn like the page's, and the replaced file goes after the commit (only the owner's)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from slice_of_culture.config import get_settings
from slice_of_culture.services import avatars, digests
from tests.api.conftest import Api


@pytest.fixture
def uploads(monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    settings = replace(get_settings(), data_dir=tmp_path)
    monkeypatch.setattr(avatars, "get_settings", lambda: settings)
    return settings.uploads_path / avatars.AVATAR_FOLDER


def _png(size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return out.getvalue()


def test_patch_me_changes_only_the_fields_sent(api: Api) -> None:
    ana = api.person("ana", display_name="Ana")
    assert api.patch("/me", as_=ana, json={"bio": "Reads a lot."}).json()["bio"] == "Reads a lot."
    done = api.patch("/me", as_=ana, json={"bio": "Now also <b>films</b> 🎬", "preferred_kinds": ["movie", "book"]})
    assert done.status_code == 200, done.text
    me = done.json()
    assert me["bio"] == "Now also <b>films</b> 🎬" and me["display_name"] == "Ana"
    assert me["preferred_kinds"] == ["movie", "book"]
    assert me["default_visibility"] == "public" and me["discoverable"] is True
    done = api.patch("/me", as_=ana, json={"default_visibility": "followers", "discoverable": False})
    assert done.json()["default_visibility"] == "followers" and done.json()["discoverable"] is False
    assert api.get("/me", as_=ana).json()["bio"] == "Now also <b>films</b> 🎬"
    # Someone else's profile is not what /me edits; without a token there is no /me.
    assert api.patch("/me", json={"bio": "x"}).status_code == 401


REFUSED = [
    ({"display_name": "   "}, "display_name"),
    ({"display_name": "x" * 61}, "display_name"),
    ({"bio": "x" * 501}, "bio"),
    ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
    ({"avatar_url": "http://plain.example/a.png"}, "avatar_url"),
    ({"default_visibility": "everyone"}, "default_visibility"),
    ({"preferred_kinds": ["games"]}, "preferred_kinds"),
    ({"discoverable": "yes"}, "discoverable"),
    ({"preferred_kinds": "movie"}, "preferred_kinds"),
    ({"bio": 42}, "bio"),
    ({"username": "root"}, "username"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ({"time_zone": "localtime"}, "time_zone"),
    ({"time_zone": "Europe/Lisbon" * 1000}, "time_zone"),
    ({"time_zone": 9}, "time_zone"),
    ({"time_zone": None}, "time_zone"),
]


def test_bad_profile_fields_are_refused_at_the_field_and_change_nothing(api: Api, subtests) -> None:
    ana = api.person("ana", display_name="Ana")
    before = api.get("/me", as_=ana).json()
    for body, field in REFUSED:
        with subtests.test(body=body):
            response = api.patch("/me", as_=ana, json={"bio": "changed", **body})
            assert response.status_code == 400 and field in response.json()["fields"], response.text
            assert api.get("/me", as_=ana).json() == before


def test_a_picture_upload_is_redrawn_and_replaces_the_old_file(api: Api, uploads) -> None:
    ana = api.person("ana")
    first = api.put("/me/avatar", as_=ana, content=_png(), headers={"Content-Type": "image/png"})
    assert first.status_code == 200, first.text
    first_url = first.json()["avatar_url"]
    assert first_url.startswith("/_upload/avatars/") and first_url.endswith(".webp")
    first_file = uploads / first_url.rsplit("/", 1)[-1]
    with Image.open(first_file) as stored:
        assert stored.format == "WEBP" and stored.size == (avatars.AVATAR_SIZE, avatars.AVATAR_SIZE)

    second = api.put("/me/avatar", as_=ana, content=_png((64, 64)))
    assert second.status_code == 200 and second.json()["avatar_url"] != first_url
    assert not first_file.exists()
    # Pointing the avatar at an address elsewhere lets the uploaded file go too.
    second_file = uploads / second.json()["avatar_url"].rsplit("/", 1)[-1]
    assert api.patch("/me", as_=ana, json={"avatar_url": "https://example.org/me.png"}).status_code == 200
    assert not second_file.exists()
    third = api.put("/me/avatar", as_=ana, content=_png())
    third_file = uploads / third.json()["avatar_url"].rsplit("/", 1)[-1]
    removed = api.delete("/me/avatar", as_=ana)
    assert removed.status_code == 200 and removed.json()["avatar_url"] == ""
    assert not third_file.exists()


def test_a_file_that_is_not_a_picture_or_too_big_changes_nothing(api: Api, uploads, subtests) -> None:
    ana = api.person("ana")
    kept = api.put("/me/avatar", as_=ana, content=_png()).json()["avatar_url"]
    kept_file = uploads / kept.rsplit("/", 1)[-1]
    for label, body, status in [
        ("empty", b"", 400),
        ("text", b"<img src=x onerror=alert(1)>", 400),
        ("truncated", _png()[:100], 400),
        ("too big", b"\0" * (avatars.MAX_UPLOAD_BYTES + 1), 413),
    ]:
        with subtests.test(label):
            response = api.put("/me/avatar", as_=ana, content=body)
            assert response.status_code == status, response.text
            assert response.json()["error"]
            assert api.get("/me", as_=ana).json()["avatar_url"] == kept
            assert kept_file.exists()
    assert sorted(p.name for p in uploads.iterdir()) == [kept_file.name]
    assert api.put("/me/avatar", content=_png()).status_code == 401


def test_the_digest_is_turned_off_by_patch_or_by_the_one_click_link(api: Api) -> None:
    ana = api.person("ana")
    assert api.get("/me", as_=ana).json()["email_digest"] is True
    assert api.patch("/me", as_=ana, json={"email_digest": False}).json()["email_digest"] is False
    assert api.patch("/me", as_=ana, json={"email_digest": True}).json()["email_digest"] is True
    # What a mail program's unsubscribe button does (RFC 8058): POST, no login, form body.
    token = digests.unsubscribe_token(ana.id)
    forged = api.post(f"/unsubscribe?token={ana.id}.{'0' * 32}", content=b"List-Unsubscribe=One-Click")
    assert forged.status_code == 400 and api.get("/me", as_=ana).json()["email_digest"] is True
    done = api.post(
        f"/unsubscribe?token={token}",
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 204
    assert api.get("/me", as_=ana).json()["email_digest"] is False


def test_the_digest_comes_in_the_time_zone_patch_sets(api: Api) -> None:
    ana = api.person("ana")
    assert api.get("/me", as_=ana).json()["time_zone"] == "UTC"
    done = api.patch("/me", as_=ana, json={"time_zone": "Asia/Tokyo"})
    assert done.status_code == 200 and done.json()["time_zone"] == "Asia/Tokyo", done.text
    # Spelled as the time zone database spells it, whatever the case sent.
    assert api.patch("/me", as_=ana, json={"time_zone": "europe/lisbon"}).json()["time_zone"] == "Europe/Lisbon"
    refused = api.patch("/me", as_=ana, json={"time_zone": "Lisbon"})
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"time_zone": "Choose a time zone from the list, like Europe/Lisbon."}
    assert api.get("/me", as_=ana).json()["time_zone"] == "Europe/Lisbon"
