"""Profile pictures on SQLite and PostgreSQL: what is uploaded is redrawn as an upright 256 px
WebP square without metadata; anything that is not a picture we read (or is too big) is refused
with a message and changes nothing; replaced pictures' files go, and only the owner's."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from slice_of_culture.config import get_settings
from slice_of_culture.models import User
from slice_of_culture.services import accounts, avatars
from slice_of_culture.services.errors import ValidationError
from tests.utils.factories import make_user


@pytest.fixture(autouse=True)
def uploads(monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    settings = replace(get_settings(), data_dir=tmp_path)
    monkeypatch.setattr(avatars, "get_settings", lambda: settings)
    return settings.uploads_path / avatars.AVATAR_FOLDER


def _picture(fmt: str = "JPEG", size: tuple[int, int] = (400, 200), mode: str = "RGB", **save) -> bytes:
    """Left half red, right half blue (so a turn shows), in `fmt`."""
    image = Image.new(mode, size, "blue" if mode != "1" else 1)
    if mode != "1":
        image.paste("red", (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def _stored(uploads, user: User) -> Image.Image:  # noqa: ANN001
    name = user.avatar_url.removeprefix(f"/_upload/{avatars.AVATAR_FOLDER}/")
    return Image.open(uploads / name)


def test_a_photo_becomes_an_upright_square_webp_without_its_metadata(session, uploads) -> None:
    ana = make_user(session, "ana")
    # A camera's landscape shot stored sideways, with "rotate 90° clockwise" and a GPS tag in EXIF.
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {2: (48.0, 51.0, 0.0)}
    previous = avatars.set_avatar(session=session, user=ana, data=_picture("JPEG", exif=exif.tobytes()))
    assert previous == ""
    assert ana.avatar_url.startswith(f"/_upload/{avatars.AVATAR_FOLDER}/{ana.id}-") and ana.avatar_url.endswith(".webp")
    stored = _stored(uploads, ana)
    assert stored.format == "WEBP" and stored.size == (avatars.AVATAR_SIZE, avatars.AVATAR_SIZE)
    assert not stored.getexif() and "exif" not in stored.info
    # Turned upright: the red half was on the left, and after the turn it is on top.
    top, bottom = stored.convert("RGB").getpixel((128, 20)), stored.convert("RGB").getpixel((128, 235))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]
    # Accounts (the settings form) accept the URL as it is.
    accounts.update_profile(
        session=session, user=ana, display_name="Ana", bio="", avatar_url=ana.avatar_url,
        default_visibility="public", discoverable=True,
    )  # fmt: skip


def test_transparency_is_kept_and_gifs_give_their_first_frame(session, uploads) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    see_through = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    see_through.paste((255, 0, 0, 255), (0, 0, 300, 150))
    png = io.BytesIO()
    see_through.save(png, format="PNG")
    avatars.set_avatar(session=session, user=ana, data=png.getvalue())
    stored = _stored(uploads, ana).convert("RGBA")
    assert stored.getpixel((128, 20))[3] == 255 and stored.getpixel((128, 235))[3] == 0
    avatars.set_avatar(session=session, user=bob, data=_picture("GIF", size=(64, 64)))
    assert _stored(uploads, bob).size == (avatars.AVATAR_SIZE, avatars.AVATAR_SIZE)


NOT_PICTURES = {
    "empty": b"",
    "none": None,
    "text": "a picture",
    "html": b"<img src=x onerror=alert(1)>",
    "svg": b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    "truncated": _picture("PNG")[:200],
    "bmp": _picture("BMP"),
    "tiff": _picture("TIFF"),
    "png-header-only": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
}


def test_what_is_not_a_picture_we_read_is_refused_and_changes_nothing(session, uploads, subtests) -> None:
    ana = make_user(session, "ana")
    for case, data in NOT_PICTURES.items():
        with subtests.test(case=case):
            with pytest.raises(ValidationError) as exc:
                avatars.set_avatar(session=session, user=ana, data=data)
            assert exc.value.errors["avatar"]
            assert ana.avatar_url == "" and not (uploads.exists() and any(uploads.iterdir()))


def test_too_big_files_and_too_many_pixels_are_refused_before_decoding(session, uploads) -> None:
    ana = make_user(session, "ana")
    with pytest.raises(ValidationError, match="over 8 MB"):
        avatars.set_avatar(session=session, user=ana, data=b"\xff" * (avatars.MAX_UPLOAD_BYTES + 1))
    # 10,000 x 6,000 black-and-white pixels: a few kilobytes of PNG, 60 megapixels decoded.
    bomb = _picture("PNG", size=(10_000, 6_000), mode="1")
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError, match="megapixels"):
        avatars.set_avatar(session=session, user=ana, data=bomb)
    assert ana.avatar_url == ""


def test_a_new_picture_or_initials_again_discard_only_the_owners_old_file(session, uploads) -> None:
    ana, bob = make_user(session, "ana"), make_user(session, "bob")
    avatars.set_avatar(session=session, user=ana, data=_picture())
    first = ana.avatar_url
    previous = avatars.set_avatar(session=session, user=ana, data=_picture("PNG"))
    assert previous == first != ana.avatar_url
    avatars.discard(previous, user_id=ana.id)
    assert sorted(p.name for p in uploads.iterdir()) == [ana.avatar_url.rsplit("/", 1)[1]]
    # Bob points his avatar at Ana's file (any path on the site is allowed): changing his own
    # picture never deletes hers.
    accounts.update_profile(
        session=session, user=bob, display_name="Bob", bio="", avatar_url=ana.avatar_url,
        default_visibility="public", discoverable=True,
    )  # fmt: skip
    avatars.discard(avatars.remove_avatar(session=session, user=bob), user_id=bob.id)
    for foreign in (ana.avatar_url, "https://example.com/me.png", "/_upload/avatars/../secret", ""):
        avatars.discard(foreign, user_id=bob.id)
    assert (uploads / ana.avatar_url.rsplit("/", 1)[1]).exists() and bob.avatar_url == ""
    previous = avatars.remove_avatar(session=session, user=ana)
    avatars.discard(previous, user_id=ana.id)
    assert ana.avatar_url == "" and not any(uploads.iterdir())


def test_what_the_browser_refused_is_explained() -> None:
    too_large = [{"file": {"name": "a.jpg"}, "errors": [{"code": "file-too-large", "message": "File is larger"}]}]
    assert avatars.refusal_message(too_large) == avatars.TOO_LARGE
    wrong_type = [{"file": {}, "errors": [{"code": "file-invalid-type"}]}]
    assert avatars.refusal_message(wrong_type) == avatars.NOT_A_PICTURE
    assert avatars.refusal_message([{"errors": [{"code": "too-many-files"}]}]) == "Choose one picture."
    for garbage in (None, "x", [1, "a"], [{"errors": "nope"}], [{"errors": [None]}]):
        assert avatars.refusal_message(garbage) == avatars.NOT_A_PICTURE
