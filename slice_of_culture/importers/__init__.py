"""Readers of real export formats: what a person downloads from another site, as rows to import.

- `shelves`: a Goodreads library export, a Letterboxd export file (diary, reviews, ratings,
  watched or watchlist) and our own CSV, told apart by their header.
- `listening`: a ListenBrainz listens export and Spotify's extended streaming history, plays
  grouped into albums.
- `lists`: lists, as our lists export and Letterboxd's list files (one a list, also in its export
  zip, beside the diary) give them.
- `letterboxd`: a Letterboxd export zip's whole history, its diary, reviews, watched, ratings and
  watchlist merged so each film comes once (a dated row a viewing, an undated one for a film
  marked watched or rated without a diary entry, a "want" for the watchlist); not deleted/ or likes/.
- `files`: `read_file(name, data)` recognises the format from the content (a zip as downloaded,
  JSON or CSV) and hands the file to its reader.

A reader turns each line into an `ImportRow` (a lists export: an `ImportList` of `ListedItem`s),
or a problem ("Line 7: no title."), and raises `FormatError` when the file as a whole cannot be
used. Readers never touch the database: matching rows to the catalog and logging them (and
making the lists) is `services.imports`, which the UI and the API call. The
csv, json and zipfile modules of the standard library do the parsing; every value is still user
text and gets the usual checks.
"""

from slice_of_culture.importers.files import MAX_BYTES, MAX_HISTORY_BYTES, MAX_ZIP_UNPACKED, read_file
from slice_of_culture.importers.listening import ALBUM_MIN_TRACKS, LISTENBRAINZ, MIN_PLAY_MS, MUSICBRAINZ, SPOTIFY
from slice_of_culture.importers.lists import LETTERBOXD_LIST, OUR_LISTS
from slice_of_culture.importers.rows import (
    MAX_PROBLEMS_SHOWN,
    MAX_ROWS,
    FormatError,
    ImportFile,
    ImportList,
    ImportRow,
    ListedItem,
    short,
)
from slice_of_culture.importers.shelves import GOODREADS, LETTERBOXD, OURS

__all__ = [
    "ALBUM_MIN_TRACKS",
    "GOODREADS",
    "LETTERBOXD",
    "LETTERBOXD_LIST",
    "LISTENBRAINZ",
    "MAX_BYTES",
    "MAX_HISTORY_BYTES",
    "MAX_PROBLEMS_SHOWN",
    "MAX_ROWS",
    "MAX_ZIP_UNPACKED",
    "MIN_PLAY_MS",
    "MUSICBRAINZ",
    "OURS",
    "OUR_LISTS",
    "SPOTIFY",
    "FormatError",
    "ImportFile",
    "ImportList",
    "ImportRow",
    "ListedItem",
    "read_file",
    "short",
]
