"""A profile picture in Chromium: choose a photo in Settings, it is uploaded at once and shows
(redrawn as a square WebP served by the app) in Settings, the navbar and the profile; a file
that is not a picture gets a message; "Remove picture" goes back to initials and the file goes."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_accounts_browser import _origin, nav, signup

pytestmark = pytest.mark.browser


def test_upload_show_and_remove_a_profile_picture(new_page, tmp_path) -> None:
    name = f"pictured_{uuid.uuid4().hex[:6]}"
    photo = tmp_path / "holiday.jpg"
    Image.new("RGB", (640, 480), "teal").save(photo, format="JPEG")
    not_a_photo = tmp_path / "notes.png"
    not_a_photo.write_text("<img src=x onerror=alert(1)>")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("just words")

    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    page.goto(_origin(page) + "/settings")
    picture = page.get_by_role("region", name="Picture")
    expect(picture.get_by_role("button", name="Choose a picture")).to_be_visible()
    expect(picture.get_by_role("button", name="Remove picture")).to_have_count(0)

    def choose(path) -> None:  # noqa: ANN001
        # Each choice posts to /_upload (an empty post when the browser refused the file);
        # Reflex drops a choice made while the last one is still uploading, as a person cannot.
        with page.expect_response(lambda r: r.url.endswith("/_upload") and r.request.method == "POST"):
            page.locator("#avatar-upload input[type=file]").set_input_files(str(path))

    # A text file is refused by the browser; one named .png by the server (Pillow cannot read it).
    choose(text_file)
    expect(picture.get_by_role("alert")).to_contain_text("That is not a picture we can use")
    choose(not_a_photo)
    expect(picture.get_by_role("alert")).to_contain_text("That is not a picture we can use")
    choose(photo)
    shown = picture.get_by_role("img")
    expect(shown).to_have_attribute("src", re.compile(r"^/_upload/avatars/\d+-[0-9a-f]+\.webp$"))
    expect(picture.get_by_role("alert")).to_have_count(0)
    src = shown.get_attribute("src")
    served = page.request.get(_origin(page) + src)
    assert served.status == 200 and served.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(served.body())).size == (256, 256)
    # The navbar and the profile show it; the profile form's Avatar URL field holds its address.
    expect(nav(page).locator(f"img[src='{src}']")).to_have_count(1)
    expect(page.get_by_label("Avatar URL")).to_have_value(src)
    page.goto(_origin(page) + f"/u/{name}")
    expect(page.locator(f"img[src='{src}']").first).to_be_visible()

    page.goto(_origin(page) + "/settings")
    picture.get_by_role("button", name="Remove picture").click()
    expect(picture.get_by_role("button", name="Remove picture")).to_have_count(0)
    expect(page.locator(f"img[src='{src}']")).to_have_count(0)
    assert page.request.get(_origin(page) + src).status == 404
