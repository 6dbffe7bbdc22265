"""Reading a file as chosen: recognise the export from its content (a zip, JSON, or CSV) and hand
it to its reader. A Letterboxd export zip gives its whole history (diary, reviews, watched,
ratings, watchlist: `letterboxd`) and its lists together."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from slice_of_culture.importers import letterboxd
from slice_of_culture.importers.listening import read_history
from slice_of_culture.importers.lists import read_letterboxd_lists
from slice_of_culture.importers.rows import FormatError, ImportFile, ImportRow
from slice_of_culture.importers.shelves import LETTERBOXD, read_csv

MAX_BYTES = 5 * 1024 * 1024
# Listening histories are JSON, 0.7-1.2 KB a play: 100k plays are 70-125 MB and read in about a
# second. ListenBrainz exports one JSON Lines file a month and Spotify splits its extended history
# into several files, so any one of them fits in 50 MB; a bigger file (ListenBrainz's older
# one-array export of a whole history) is refused with a word on the smaller files. Reading holds
# the decoded text, up to 2-4 times the file for non-Latin names, so the limit also bounds memory.
MAX_HISTORY_BYTES = 50 * 1024 * 1024
# A listening history as its export zip: the play files in it, unpacked, at most this much (about
# 300k plays, read in ~3 s); the zip itself is at most MAX_HISTORY_BYTES.
MAX_ZIP_UNPACKED = 300 * 1024 * 1024
_JSON_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\n\r]*[\[{]")
_BLANK = re.compile(rb"\s*\Z")


def _is_history_member(name: str) -> bool:
    """The files of an export archive that hold plays: ListenBrainz's listens/YYYY/MM.jsonl and
    Spotify's Streaming_History_Audio_*.json (not their profile, feedback or video files)."""
    base = name.rsplit("/", 1)[-1]
    listenbrainz = "listens/" in f"/{name}" and base.endswith(".jsonl")
    spotify = base.startswith("Streaming_History_Audio") and base.endswith(".json")
    return listenbrainz or spotify


def _is_letterboxd_list(name: str) -> bool:
    """A list of a Letterboxd export zip: lists/<name>.csv."""
    parts = name.split("/")
    return len(parts) >= 2 and parts[-2] == "lists" and parts[-1].endswith(".csv")


def _member_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, export_as: str = "CSV (UTF-8)") -> str:
    try:
        # Read no more than declared: a member that unpacks to more is not what it says.
        with archive.open(info) as member:
            raw = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise FormatError(f"{info.filename} in the zip cannot be read.") from None
    if len(raw) > info.file_size:
        raise FormatError(f"{info.filename} in the zip is not the size it says.")
    try:
        return decode(raw, export_as=export_as)
    except FormatError as exc:
        raise FormatError(f"{info.filename}: {exc}") from None


def _read_letterboxd_zip(archive: zipfile.ZipFile) -> ImportFile | None:
    """Letterboxd's export zip: its whole history (diary, reviews, watched, ratings and watchlist,
    merged by `letterboxd.merge`) and its lists, each file at most MAX_BYTES unpacked (the lists
    together); None when it holds none of them. A file that cannot be read is a problem named by
    it, and the rest still comes; a zip with nothing in them at all is refused."""
    # Not what the person deleted on Letterboxd (deleted/diary.csv, deleted/lists/…), nor likes/.
    infos = [
        info
        for info in archive.infolist()
        if not info.is_dir() and not {"deleted", "likes"} & set(info.filename.split("/")[:-1])
    ]
    history: dict[str, zipfile.ZipInfo] = {}
    for info in sorted(infos, key=lambda info: info.filename.count("/")):  # the top-most of a name
        base = info.filename.rsplit("/", 1)[-1]
        if base in letterboxd.MEMBERS and not _is_letterboxd_list(info.filename):
            history.setdefault(base, info)
    members = sorted((info for info in infos if _is_letterboxd_list(info.filename)), key=lambda info: info.filename)
    if not history and not members:
        return None
    read: dict[str, list[ImportRow]] = {}
    problems: list[str] = []
    lines = 0
    for name in letterboxd.MEMBERS:
        info = history.get(name)
        if info is None:
            continue
        try:
            if info.file_size > MAX_BYTES:
                raise FormatError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
            read[name], its_problems, its_lines = letterboxd.read_member(name, _member_text(archive, info))
        except FormatError as exc:
            problems.append(str(exc))
            continue
        problems += its_problems
        lines += its_lines
    rows, left_out, note = letterboxd.merge(read)
    file = ImportFile(format=LETTERBOXD, rows=rows, problems=problems + left_out, lines=lines, note=note)
    if members:
        texts: list[tuple[str, str]] = []
        unpacked = 0
        for info in members:
            unpacked += info.file_size
            if unpacked > MAX_BYTES:
                break
            texts.append((info.filename, _member_text(archive, info)))
        lists, its_problems, its_lines = read_letterboxd_lists(texts, left_out=len(members) - len(texts))
        file.lists, file.problems, file.lines = lists, file.problems + its_problems, file.lines + its_lines
    if not file.rows and not file.lists and not file.problems:
        raise FormatError("The export has no films and no lists to import.")
    return file


def _read_zip(data: bytes) -> ImportFile:
    """A whole export archive as downloaded (ListenBrainz's export zip, Spotify's my_spotify_data
    zip, Letterboxd's export): a listening history's play files are read one after another into
    one history, so albums are grouped across months. Sizes are checked before anything is
    unpacked (a small zip can unpack to gigabytes): at most MAX_ZIP_UNPACKED in all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = sorted(
            (info for info in archive.infolist() if not info.is_dir() and _is_history_member(info.filename)),
            key=lambda info: info.filename,
        )
    except (zipfile.BadZipFile, ValueError):
        raise FormatError("That zip file cannot be opened.") from None
    if not members:
        letterboxd = _read_letterboxd_zip(archive)
        if letterboxd is not None:
            return letterboxd
        raise FormatError(
            "This zip holds nothing we can import: choose a ListenBrainz listens export, "
            "Spotify's extended streaming history (my_spotify_data.zip), a Letterboxd export, or "
            "a file from one of them."
        )
    if sum(info.file_size for info in members) > MAX_ZIP_UNPACKED:
        raise FormatError(
            f"The history in this zip is larger than {MAX_ZIP_UNPACKED // (1024 * 1024)} MB "
            "unpacked: unzip it and choose a part of it (a year's files)."
        )

    def texts() -> Iterator[tuple[str, str]]:
        for info in members:
            yield info.filename, _member_text(archive, info, export_as="JSON (UTF-8)")

    return read_history(texts())


def decode(data: bytes, *, export_as: str = "CSV (UTF-8)") -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(f"The file is not UTF-8 text. Export it again as {export_as}.") from None


def read_file(name: str, data: bytes) -> ImportFile:
    """Recognise the export and read its rows. Raises FormatError when the file as a whole cannot
    be used: too big, not text, not a CSV or JSON export we know, or nothing in it. A listening
    history (JSON) gives one row per album listened to (see `listening`)."""
    # (Not data.strip(): that would copy a 50 MB file to find a first letter.)
    if not isinstance(data, bytes | bytearray) or _BLANK.match(data):
        raise FormatError("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        if len(data) > MAX_HISTORY_BYTES:
            raise FormatError(f"The file is larger than {MAX_HISTORY_BYTES // (1024 * 1024)} MB.")
        return _read_zip(bytes(data))
    if _JSON_START.match(data):
        if len(data) > MAX_HISTORY_BYTES:
            raise FormatError(
                f"The file is larger than {MAX_HISTORY_BYTES // (1024 * 1024)} MB. Choose the "
                "export's zip as it arrives, or a smaller part of your history: one month's file of a "
                "ListenBrainz export, or one Streaming_History_Audio file of Spotify's."
            )
        return read_history([("", decode(bytes(data), export_as="JSON (UTF-8)"))])
    if len(data) > MAX_BYTES:
        raise FormatError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    return read_csv(name, decode(bytes(data)))
