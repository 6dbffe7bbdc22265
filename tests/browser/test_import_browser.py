"""Importing a Goodreads export in the browser: check the file, import it, see the postcards, export them
(and the lists); then a lists CSV of ours, its list on the profile's Lists tab."""

from __future__ import annotations

import json
import re
import uuid
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts_browser import _origin, nav, signup
from tests.services.test_imports import GOODREADS

pytestmark = pytest.mark.browser


def test_import_a_goodreads_export_and_see_it_on_the_profile(new_page, tmp_path) -> None:
    name = f"reader_{uuid.uuid4().hex[:6]}"
    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    page.goto(_origin(page) + "/import")
    expect(page.get_by_role("heading", name="Import your history")).to_be_visible()

    junk = tmp_path / "notes.csv"
    junk.write_text("title,year\nDune,1965\n")
    page.locator("input[type=file]").set_input_files(str(junk))
    expect(page.get_by_role("alert")).to_contain_text("not a file we can read")

    export = tmp_path / "goodreads_library_export.csv"
    # The browser tests share one catalog: no title another test searches for ("Piranesi").
    export.write_text(GOODREADS.replace("Piranesi", f"The Ladies of Grace Adieu {name}"))
    page.locator("input[type=file]").set_input_files(str(export))
    expect(page.get_by_text("Goodreads library: 3 to import (3 books)")).to_be_visible()
    expect(page.get_by_text("Line 5: the year 'twenty' is not a year.")).to_be_visible()
    page.get_by_label("Who sees these entries").select_option("followers")
    page.get_by_role("button", name="Import 3 entries").click()
    done = page.get_by_role("status").filter(has_text="Imported")
    expect(done).to_have_text(re.compile(r"Imported 3 entries \(3 new catalog items\)\."))

    page.get_by_role("link", name="See them on your profile").click()
    expect(page).to_have_url(re.compile(rf"/u/{name}"))
    card = page.locator(".postcard").filter(has_text="The Hunger Games")
    expect(card).to_be_visible()
    expect(card.get_by_text("<img src=x onerror=alert(1)>", exact=False)).to_be_visible()
    dune = page.locator(".postcard").filter(has_text="Dune")
    expect(dune).to_contain_text(re.compile("wants to read", re.IGNORECASE))

    # Settings gives it all back as our CSV, which imports back as it was.
    page.goto(_origin(page) + "/settings")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your entries (CSV)").click()
    assert download.value.suggested_filename == f"slice-of-culture-{name}.csv"
    exported = open(download.value.path(), encoding="utf-8").read()
    assert exported.startswith("kind,title,creator,year,status,rating,date,review,visibility\n")
    assert "book,The Hunger Games,Suzanne Collins,2008,finished,5,2024-03-14," in exported
    assert exported.count(",followers\n") == 3
    # And the lists beside it: none yet, so the header alone.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your lists (CSV)").click()
    assert download.value.suggested_filename == f"slice-of-culture-lists-{name}.csv"
    lists_csv = open(download.value.path(), encoding="utf-8").read()
    assert lists_csv == "list,description,visibility,numbered,position,kind,title,creator,year,note,added\n"

    # The same file again changes nothing.
    page.goto(_origin(page) + "/import")
    page.locator("input[type=file]").set_input_files(str(export))
    page.get_by_role("button", name="Import 3 entries").click()
    expect(page.get_by_role("status").filter(has_text="Imported")).to_have_text(
        re.compile(r"Imported 0 entries\. Skipped 3 you had already logged\.")
    )

    # Our lists CSV imports back: the list, its items in order, on the profile's Lists tab.
    list_title = f"Dystopias <b>{name}</b>"
    lists_file = tmp_path / "slice-of-culture-lists.csv"
    lists_file.write_text(
        lists_csv
        + f"{list_title},,followers,yes,1,book,Dune,Frank Herbert,1965,Spice,\n"
        + f"{list_title},,followers,yes,2,book,The Hunger Games,Suzanne Collins,2008,,\n"
    )
    page.locator("input[type=file]").set_input_files(str(lists_file))
    expect(page.get_by_text("Slice of Culture lists: 1 list (2 items) to import")).to_be_visible()
    page.get_by_role("button", name="Import 1 list").click()
    expect(page.get_by_role("status").filter(has_text="Imported")).to_have_text("Imported 1 list (2 items).")
    page.get_by_role("link", name="See your lists").click()
    listed = page.get_by_test_id("profile-list").filter(has_text=list_title)
    expect(listed).to_contain_text("2 items")
    expect(listed).to_contain_text("followers")


def _listen(day: int, artist: str, album: str, track: str) -> str:
    meta = {"artist_name": artist, "release_name": album, "track_name": track}
    return json.dumps({"listened_at": 1_700_000_000 + day * 86_400, "track_metadata": meta})


def test_import_a_listenbrainz_history_as_albums(new_page, tmp_path) -> None:
    name = f"listener_{uuid.uuid4().hex[:6]}"
    album = f"Blue Rooms {name}"
    page = new_page("/")
    signup(page, name)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    page.goto(_origin(page) + "/import")

    # The export's zip as it arrives: two tracks of the album in each month, so only the whole
    # export has enough of it.
    history = tmp_path / f"listenbrainz_{name}.zip"
    november = [_listen(day, "The Quiet Band", album, f"Track {day % 4}") for day in range(2)]
    december = [_listen(day, "The Quiet Band", album, f"Track {day % 4}") for day in range(30, 32)]
    december.append(_listen(33, "Someone Else", f"One Song {name}", "Radio Hit"))
    with zipfile.ZipFile(history, "w") as archive:
        archive.writestr("user.json", json.dumps({"username": name}))
        archive.writestr("listens/2023/11.jsonl", "\n".join(november) + "\n")
        archive.writestr("listens/2023/12.jsonl", "\n".join(december) + "\n")
    page.locator("input[type=file]").set_input_files(str(history))
    expect(page.get_by_text("ListenBrainz listens: 1 to import (1 album)")).to_be_visible()
    expect(
        page.get_by_text("1 album with fewer than 3 different tracks played was left out", exact=False)
    ).to_be_visible()
    page.get_by_role("button", name="Import 1 entry").click()
    expect(page.get_by_role("status").filter(has_text="Imported")).to_have_text(
        re.compile(r"Imported 1 entry \(1 new catalog item\)\.")
    )
    page.get_by_role("link", name="See them on your profile").click()
    card = page.locator(".postcard").filter(has_text=album)
    expect(card).to_contain_text("The Quiet Band")
    expect(card).to_contain_text(re.compile("listened to", re.IGNORECASE))
