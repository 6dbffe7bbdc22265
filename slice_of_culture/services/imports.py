"""Import a history from another site, and export yours: a Goodreads library export, a Letterboxd export file
(diary, reviews, ratings, watched or watchlist), a listening history (a ListenBrainz listens export
or a Spotify extended streaming history), or our own CSV
(`kind,title,creator,year,status,rating,date,review`, rating in stars from 0.5 to 5).

Two steps, so a person sees what will happen before anything changes:

1. `read_file(name, data)` recognises the format from the content and turns each line into an
   `ImportRow`, or a problem ("line 7: no title"). Nothing touches the database.
2. `run_import(...)` logs the rows in the caller's one transaction: each is matched to a
   catalog item (`catalog.match_item`) or adds one, and becomes an entry with the rules of
   `entries.create_entry`. A line already logged the same way (same item, status and date) is
   skipped, so importing a file twice changes nothing the second time. The many new postcards
   fold into one in the feed ("@ana logged 120 books").

A listening history is a list of plays of tracks, and our music items are albums, so its plays
are grouped by album (artist + album name, compared as `catalog.normalize_for_key` does: case,
accents and punctuation aside). An album counts as listened once `ALBUM_MIN_TRACKS` (3)
different tracks of it were played (a Spotify play counts from `MIN_PLAY_MS`, 30 seconds); it
becomes one "finished" row dated on its latest play, without rating or review, with the
MusicBrainz release id (`external_ids["musicbrainz"]`) when ListenBrainz gives one. Albums with
fewer tracks played, plays naming no album or artist, short plays and podcast episodes are left
out and counted in the file's problems, so a person can see why an album is missing. Both
exports are read one play at a time (a JSON array element by element, JSON Lines line by line),
never the whole history as objects at once. The export's zip can be chosen as it is: its play
files are read one after another into one history, so an album played across months' files is
one album (at most MAX_ZIP_UNPACKED unpacked). Spotify's short "Account data" history
(StreamingHistory_music_*.json) names no album and is refused with a word on what to ask for.

`export_csv` writes a person's entries in our CSV, which imports back as it was.

The csv and json modules read the files; every value is still user text and gets the usual checks.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from slice_of_culture.models import ENTRY_STATUSES, ITEM_KINDS, VISIBILITIES, Entry, Item, User
from slice_of_culture.services import catalog, entries
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.services.text import clean_text

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
# Rows: lines of a CSV, or albums of a listening history (after grouping its plays).
MAX_ROWS = 5000
# Problems listed at most (the count says how many there were in all).
MAX_PROBLEMS_SHOWN = 50

GOODREADS = "Goodreads library"
LETTERBOXD = "Letterboxd"
OURS = "Slice of Culture CSV"
LISTENBRAINZ = "ListenBrainz listens"
SPOTIFY = "Spotify streaming history"

# An album of a listening history counts as listened once this many different tracks of it were
# played: one song heard on the radio or in a playlist is not having listened to the album.
ALBUM_MIN_TRACKS = 3
# Spotify logs every play, even a skip after a second; like Spotify's own stream count, a play
# counts from 30 seconds. ListenBrainz keeps only listens its clients judged heard.
MIN_PLAY_MS = 30_000
# The external id an album gets from ListenBrainz (the key Item.external_ids uses for MusicBrainz).
MUSICBRAINZ = "musicbrainz"
_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\n\r]*[\[{]")
_BLANK = re.compile(rb"\s*\Z")

# Goodreads appends the series to a title: "The Hunger Games (The Hunger Games, #1)".
_SERIES = re.compile(r"\s*\([^()]*#\s*\d+(?:\.\d+)?\)\s*$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_DROPPED_SHELVES = {"dnf", "did-not-finish", "did-not-finish-", "abandoned", "dropped", "gave-up"}
_STATUS_WORDS = {
    "want": "want",
    "to-read": "want",
    "watchlist": "want",
    "in_progress": "in_progress",
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "reading": "in_progress",
    "currently-reading": "in_progress",
    "finished": "finished",
    "read": "finished",
    "watched": "finished",
    "listened": "finished",
    "dropped": "dropped",
}


@dataclass
class ImportRow:
    """One line of the file, as an entry to be: rating in half stars (1–10) or None."""

    line: int
    kind: str
    title: str
    creator: str = ""
    year: int | None = None
    status: str = "finished"
    rating: int | None = None
    consumed_on: date | None = None
    review: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    # Our own export carries each entry's visibility; the import never makes it more public.
    visibility: str | None = None
    # How problems name the row when it is not one line of the file (an album grouped from plays).
    label: str = ""

    @property
    def where(self) -> str:
        return self.label or f"Line {self.line}"


@dataclass
class ImportFile:
    """What a file holds: its format, the rows that can be imported, and the lines that cannot."""

    format: str
    rows: list[ImportRow]
    problems: list[str]
    lines: int
    # A sentence on how the rows were made (a listening history: from how many plays, and the rule).
    note: str = ""

    def summary(self) -> str:
        kinds = {k: sum(r.kind == k for r in self.rows) for k in ITEM_KINDS}
        nouns = {"movie": "movie", "book": "book", "music": "album"}
        parts = [f"{n:,} {nouns.get(k, k)}{'' if n == 1 else 's'}" for k, n in kinds.items() if n]
        text = f"{self.format}: {len(self.rows):,} to import ({', '.join(parts) or 'nothing'})"
        return f"{text}. {self.note}" if self.note else text


@dataclass
class ImportResult:
    imported: int = 0
    new_items: int = 0
    already_logged: int = 0
    problems: list[str] = field(default_factory=list)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _year(value: str | None) -> int | None:
    value = _text(value)
    if not value:
        return None
    if value.isdigit() and 1000 <= int(value) <= date.today().year + 1:
        return int(value)
    raise ValueError(f"the year {value!r} is not a year")


def _date(value: str | None) -> date | None:
    value = _text(value)
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"the date {value!r} is not a date like 2024-05-31")


def _stars(value: str | None) -> int | None:
    """Stars (0.5–5, in halves) as half stars; empty or 0 is no rating."""
    value = _text(value).replace(",", ".")
    if not value:
        return None
    try:
        stars = float(value)
    except ValueError:
        raise ValueError(f"the rating {value!r} is not a number of stars") from None
    if stars == 0:
        return None
    if not 0.5 <= stars <= 5 or (stars * 2) % 1:
        raise ValueError(f"the rating {value!r} is not between 0.5 and 5 stars in halves")
    return int(stars * 2)


def _isbn(value: str | None) -> str:
    # Goodreads writes ISBNs as spreadsheet formulas: ="9780439023481".
    return re.sub(r"[^0-9Xx]", "", _text(value))


def _goodreads(record: dict[str, str], line: int) -> ImportRow:
    shelf = _text(record.get("Exclusive Shelf")).lower()
    if shelf == "to-read":
        status = "want"
    elif shelf == "currently-reading":
        status = "in_progress"
    elif shelf in _DROPPED_SHELVES:
        status = "dropped"
    else:
        status = "finished"
    year = _year(record.get("Original Publication Year")) or _year(record.get("Year Published"))
    isbn = _isbn(record.get("ISBN13")) or _isbn(record.get("ISBN"))
    review = _BR.sub("\n", _text(record.get("My Review")))
    return ImportRow(
        line=line,
        kind="book",
        title=_SERIES.sub("", _text(record.get("Title"))),
        creator=_text(record.get("Author")),
        year=year,
        status=status,
        rating=None if status == "want" else _stars(record.get("My Rating")),
        consumed_on=_date(record.get("Date Read")),
        review=review,
        external_ids={"isbn": isbn} if isbn else {},
    )


def _letterboxd(record: dict[str, str], line: int, *, watchlist: bool) -> ImportRow:
    uri = _text(record.get("Letterboxd URI"))
    status = "want" if watchlist else "finished"
    return ImportRow(
        line=line,
        kind="movie",
        title=_text(record.get("Name")),
        year=_year(record.get("Year")),
        status=status,
        rating=None if watchlist else _stars(record.get("Rating")),
        consumed_on=None if watchlist else _date(record.get("Watched Date") or record.get("Date")),
        review=_text(record.get("Review")),
        external_ids={"letterboxd": uri} if uri.startswith("https://") else {},
    )


def _ours(record: dict[str, str], line: int) -> ImportRow:
    kind = _text(record.get("kind")).lower()
    if kind not in ITEM_KINDS:
        raise ValueError("kind must be movie, book or music")
    visibility = _text(record.get("visibility")).lower() or None
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValueError(f"the visibility {visibility!r} is not public, followers or private")
    raw_status = _text(record.get("status")).lower() or "finished"
    status = _STATUS_WORDS.get(raw_status)
    if status not in ENTRY_STATUSES:
        raise ValueError(f"the status {raw_status!r} is not want, in progress, finished or dropped")
    return ImportRow(
        line=line,
        kind=kind,
        title=_text(record.get("title")),
        creator=_text(record.get("creator")),
        year=_year(record.get("year")),
        status=status,
        rating=_stars(record.get("rating")),
        consumed_on=_date(record.get("date")),
        review=_text(record.get("review")),
        visibility=visibility,
    )


_UNKNOWN_FILE = (
    "This is not a file we can read: use a Goodreads library export, a Letterboxd export file "
    "(diary, reviews, ratings, watched or watchlist), a ListenBrainz listens export, a Spotify "
    "extended streaming history file, or a CSV with the columns kind,title,creator,year,status,"
    "rating,date,review."
)
_SPOTIFY_SHORT = (
    "This is Spotify's short listening history (StreamingHistory_music_….json, from “Account "
    "data”): it names no albums, so it cannot be imported as albums. Ask Spotify for your "
    "“Extended streaming history” (Account privacy) and choose a Streaming_History_Audio_….json "
    "file from it."
)


def _name(value: object) -> str:
    """A name from a JSON play: text, trimmed; anything else (null, a number) counts as missing."""
    return value.strip() if isinstance(value, str) else ""


def _short(text: str, length: int = 60) -> str:
    """Text quoted in a message, cut so a huge value never floods the page."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _unix_day(value: object) -> date:
    """The UTC day of a Unix time (ListenBrainz's `listened_at`)."""
    # 253402300800 is year 10000: anything beyond is not a time, and would overflow.
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 253402300800:
        raise ValueError("listened_at is not a time in seconds")
    return datetime.fromtimestamp(value, UTC).date()


def _iso_day(value: object) -> date:
    """The UTC day of an ISO time (Spotify's `ts`, "2023-05-01T18:04:09Z")."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError("ts is not a time like 2023-05-01T18:04:09Z")
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def _mbid(value: object) -> str:
    value = _name(value).lower()
    return value if _MBID.fullmatch(value) else ""


@dataclass
class _Album:
    """The plays of one album so far."""

    title: str
    artist: str
    last_played: date
    line: int
    tracks: set[str] = field(default_factory=set)
    release_ids: Counter = field(default_factory=Counter)


class _Plays:
    """A listening history read one play at a time and grouped by album (artist + album name,
    compared as the catalog's duplicate keys are)."""

    def __init__(self) -> None:
        self.albums: dict[tuple[str, str], _Album] = {}
        self.count = 0  # every play in the file, read or not
        self.unreadable: list[str] = []  # the first MAX_PROBLEMS_SHOWN
        self.unreadable_count = 0
        self.no_names = 0
        self.short = 0
        self.podcasts = 0
        self._keys: dict[str, str] = {}
        self._today = date.today()

    def _key(self, text: str) -> str:
        # Names repeat thousands of times in a history: normalize each once.
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = catalog.normalize_for_key(text) or text.casefold()
        return key

    def bad(self, where: str, message: str) -> None:
        self.unreadable_count += 1
        if len(self.unreadable) < MAX_PROBLEMS_SHOWN:
            self.unreadable.append(f"{where}: {message}.")

    def add(self, *, line: int, artist: str, album: str, track: str, day: date, release_id: str = "") -> None:
        if not (artist and album and track):
            self.no_names += 1
            return
        if day > self._today:
            raise ValueError(f"played on {day.isoformat()}, in the future")
        key = (self._key(artist), self._key(album))
        found = self.albums.get(key)
        if found is None:
            found = self.albums[key] = _Album(title=album, artist=artist, last_played=day, line=line)
        elif day >= found.last_played:
            # Names as the latest play spells them.
            found.title, found.artist, found.last_played, found.line = album, artist, day, line
        found.tracks.add(self._key(track))
        if release_id:
            found.release_ids[release_id] += 1

    def result(self, fmt: str, *, rule: str) -> ImportFile:
        listened = [a for a in self.albums.values() if len(a.tracks) >= ALBUM_MIN_TRACKS]
        too_few = len(self.albums) - len(listened)
        listened.sort(key=lambda a: (a.last_played, a.line))
        # Past MAX_ROWS the albums played longest ago are the ones left out.
        over = max(0, len(listened) - MAX_ROWS)
        listened = listened[over:]
        rows = []
        for album in listened:
            title = clean_text(album.title, max_length=catalog.MAX_TITLE)
            artist = clean_text(album.artist, max_length=catalog.MAX_CREATOR)
            release = album.release_ids.most_common(1)
            rows.append(
                ImportRow(
                    line=album.line,
                    kind="music",
                    title=title,
                    creator=artist,
                    status="finished",
                    consumed_on=album.last_played,
                    external_ids={MUSICBRAINZ: release[0][0]} if release else {},
                    label=f"“{_short(title)}” by {_short(artist)}",
                )
            )

        def n(count: int, one: str, many: str) -> str:
            return f"{count:,} {one if count == 1 else many}"

        problems = []
        if too_few:
            problems.append(
                f"{n(too_few, 'album', 'albums')} with fewer than {ALBUM_MIN_TRACKS} different tracks "
                f"played {'was' if too_few == 1 else 'were'} left out ({rule})."
            )
        if over:
            problems.append(
                f"{n(over, 'album', 'albums')} played longest ago {'was' if over == 1 else 'were'} left out: "
                f"at most {MAX_ROWS:,} albums at a time. Import a shorter part of your history for them."
            )
        if self.short:
            problems.append(
                f"{n(self.short, 'play', 'plays')} shorter than {MIN_PLAY_MS // 1000} seconds "
                f"{'was' if self.short == 1 else 'were'} not counted."
            )
        if self.podcasts:
            problems.append(
                f"{n(self.podcasts, 'podcast or audiobook play was', 'podcast and audiobook plays were')} "
                "left out: only music is imported."
            )
        if self.no_names:
            problems.append(
                f"{n(self.no_names, 'play names', 'plays name')} no track, album or artist and "
                f"{'was' if self.no_names == 1 else 'were'} left out."
            )
        problems += self.unreadable
        if self.unreadable_count > len(self.unreadable):
            more = self.unreadable_count - len(self.unreadable)
            problems.append(f"… and {n(more, 'more play', 'more plays')} that could not be read.")
        note = f"From {n(self.count, 'play', 'plays')}: {rule}."
        return ImportFile(format=fmt, rows=rows, problems=problems, lines=self.count, note=note)


def _listenbrainz(listen: object, line: int, plays: _Plays) -> None:
    """One listen of a ListenBrainz export: `listened_at` (Unix time) and `track_metadata` with
    `artist_name`, `track_name`, `release_name`, and MusicBrainz ids in `additional_info` (what
    the player sent) or `mbid_mapping` (what ListenBrainz matched)."""
    if not isinstance(listen, dict) or not isinstance(listen.get("track_metadata"), dict):
        raise ValueError("not a listen (no track_metadata)")
    meta = listen["track_metadata"]
    day = _unix_day(listen.get("listened_at"))
    info = meta.get("additional_info")
    mapping = meta.get("mbid_mapping")
    release = (_mbid(info.get("release_mbid")) if isinstance(info, dict) else "") or (
        _mbid(mapping.get("release_mbid")) if isinstance(mapping, dict) else ""
    )
    plays.add(
        line=line,
        artist=_name(meta.get("artist_name")),
        album=_name(meta.get("release_name")),
        track=_name(meta.get("track_name")),
        day=day,
        release_id=release,
    )


_SPOTIFY_NOT_MUSIC = (
    "episode_name",
    "spotify_episode_uri",
    "audiobook_title",
    "audiobook_uri",
    "audiobook_chapter_uri",
)


def _spotify(play: object, line: int, plays: _Plays) -> None:
    """One play of Spotify's extended streaming history: `ts`, `ms_played` and the
    `master_metadata_*` names, which are null for podcast episodes and audiobooks."""
    if not isinstance(play, dict):
        raise ValueError("not a play (no ts and ms_played)")
    track = _name(play.get("master_metadata_track_name"))
    if not track and any(play.get(k) for k in _SPOTIFY_NOT_MUSIC):
        plays.podcasts += 1
        return
    day = _iso_day(play.get("ts"))
    played = play.get("ms_played")
    if isinstance(played, bool) or not isinstance(played, int) or played < 0:
        raise ValueError("ms_played is not a number of milliseconds")
    if played < MIN_PLAY_MS:
        plays.short += 1
        return
    plays.add(
        line=line,
        artist=_name(play.get("master_metadata_album_artist_name")),
        album=_name(play.get("master_metadata_album_album_name")),
        track=track,
        day=day,
    )


def _not_json(line: int, why: str) -> ValidationError:
    return ValidationError({"file": f"The file is not valid JSON near line {line:,} ({why})."})


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


class _BadLine(ValueError):
    """A line of JSON Lines that is not JSON (the others are still read)."""

    def __init__(self, why: str) -> None:
        super().__init__(f"not valid JSON ({why})")
        self.why = why


def _json_array(text: str) -> Iterator[tuple[int, object]]:
    """The elements of the JSON array `text`, one at a time, each with its number (1, 2, …):
    a history of 100k plays is never in memory as 100k objects at once."""
    decoder = json.JSONDecoder()
    pos = _JSON_SPACE.match(text, _JSON_SPACE.match(text).end() + 1).end()  # past "["
    number = 0
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            try:
                value, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise _not_json(_line_at(text, exc.pos), exc.msg) from None
            except (ValueError, RecursionError):  # a number of thousands of digits; [[[[…]]]]
                raise _not_json(_line_at(text, pos), "a value too long or too deeply nested") from None
            number += 1
            yield number, value
            pos = _JSON_SPACE.match(text, pos).end()
            if text.startswith(",", pos):
                pos = _JSON_SPACE.match(text, pos + 1).end()
            elif text.startswith("]", pos):
                pos += 1
                break
            else:
                raise _not_json(_line_at(text, pos), "expecting ',' or ']'")
    if _JSON_SPACE.match(text, pos).end() != len(text):
        raise _not_json(_line_at(text, pos), "more after the end of the list")


def _json_lines(text: str) -> Iterator[tuple[int, object]]:
    """The objects of JSON Lines `text`, one a line, each with its line number. A line that is
    not JSON comes as a _BadLine saying why, so the other lines are still read."""
    start, number = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        # One line at a time: a list of every line would double the memory the text takes.
        line, start, number = text[start:end], end + 1, number + 1
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, _BadLine(exc.msg)
        except (ValueError, RecursionError):
            yield number, _BadLine("a value too long or too deeply nested")


def _history_format(text: str) -> tuple[str, str, Callable[[object, int, _Plays], None], Iterator, str]:
    """Recognise a listening history by the keys of its first play: (format, the album rule in
    words, the reader of one play, the plays as (number, value), what a number counts)."""
    as_array = text.startswith("[", _JSON_SPACE.match(text).end())
    items = _json_array(text) if as_array else _json_lines(text)
    where = "Play" if as_array else "Line"
    first = next(items, None)
    if first is None:
        raise ValidationError({"file": "The file has no plays to import."})
    if isinstance(first[1], _BadLine):
        # Not JSON Lines: perhaps one JSON object over many lines (ListenBrainz's user.json).
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            raise _not_json(first[0], first[1].why) from None
        raise ValidationError({"file": _UNKNOWN_FILE})
    head = first[1] if isinstance(first[1], dict) else {}
    if {"listened_at", "track_metadata"} <= head.keys():
        fmt, read = LISTENBRAINZ, _listenbrainz
        rule = f"an album counts as listened once {ALBUM_MIN_TRACKS} different tracks of it were played"
    elif {"ts", "ms_played"} <= head.keys():
        fmt, read = SPOTIFY, _spotify
        rule = (
            f"an album counts as listened once {ALBUM_MIN_TRACKS} different tracks of it were played, "
            f"each for at least {MIN_PLAY_MS // 1000} seconds"
        )
    elif {"endTime", "msPlayed"} <= head.keys():
        raise ValidationError({"file": _SPOTIFY_SHORT})
    else:
        raise ValidationError({"file": _UNKNOWN_FILE})
    return fmt, rule, read, itertools.chain([first], items), where


def _read_history(texts: Iterable[tuple[str, str]]) -> ImportFile:
    """One or more files of a listening history, as (name, text): a JSON array, or JSON Lines
    (ListenBrainz's newer export). All of one format; their plays are grouped together, so an
    album played across several months' files is one album. `name` prefixes problems ("" for a
    file chosen on its own)."""
    plays = _Plays()
    chosen: tuple[str, str] | None = None
    for name, text in texts:
        fmt, rule, read, items, where = _history_format(text)
        if chosen is not None and chosen[0] != fmt:
            raise ValidationError({"file": f"{name} is a {fmt} file among {chosen[0]} files: choose one kind."})
        chosen = (fmt, rule)
        prefix = f"{name}, " if name else ""
        for number, value in items:
            plays.count += 1
            try:
                if isinstance(value, _BadLine):
                    raise value
                read(value, number, plays)
            except ValueError as exc:
                plays.bad(f"{prefix}{where.lower() if prefix else where} {number:,}", str(exc))
    if chosen is None:
        raise ValidationError({"file": "The file has no plays to import."})
    return plays.result(chosen[0], rule=chosen[1])


def _is_history_member(name: str) -> bool:
    """The files of an export archive that hold plays: ListenBrainz's listens/YYYY/MM.jsonl and
    Spotify's Streaming_History_Audio_*.json (not their profile, feedback or video files)."""
    base = name.rsplit("/", 1)[-1]
    listenbrainz = "listens/" in f"/{name}" and base.endswith(".jsonl")
    spotify = base.startswith("Streaming_History_Audio") and base.endswith(".json")
    return listenbrainz or spotify


def _read_zip(data: bytes) -> ImportFile:
    """A whole export archive as downloaded (ListenBrainz's export zip, Spotify's my_spotify_data
    zip): its play files are read one after another into one history, so albums are grouped
    across months. Sizes are checked before anything is unpacked (a small zip can unpack to
    gigabytes): at most MAX_ZIP_UNPACKED in all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = sorted(
            (info for info in archive.infolist() if not info.is_dir() and _is_history_member(info.filename)),
            key=lambda info: info.filename,
        )
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError({"file": "That zip file cannot be opened."}) from None
    if not members:
        diary = next((i for i in archive.infolist() if i.filename.rsplit("/", 1)[-1] == "diary.csv"), None)
        if diary is not None and diary.file_size <= MAX_BYTES:
            # Letterboxd's export zip: its diary (dates and ratings); its other files can be
            # chosen one by one.
            with archive.open(diary) as member:
                return _read_csv("diary.csv", _decode(member.read(MAX_BYTES + 1)))
        raise ValidationError(
            {
                "file": "This zip holds nothing we can import: choose a ListenBrainz listens export, "
                "Spotify's extended streaming history (my_spotify_data.zip), a Letterboxd export, or "
                "a file from one of them."
            }
        )
    if sum(info.file_size for info in members) > MAX_ZIP_UNPACKED:
        raise ValidationError(
            {
                "file": f"The history in this zip is larger than {MAX_ZIP_UNPACKED // (1024 * 1024)} MB "
                "unpacked: unzip it and choose a part of it (a year's files)."
            }
        )

    def texts() -> Iterator[tuple[str, str]]:
        for info in members:
            try:
                # Read no more than declared: a member that unpacks to more is not what it says.
                with archive.open(info) as member:
                    raw = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise ValidationError({"file": f"{info.filename} in the zip cannot be read."}) from None
            if len(raw) > info.file_size:
                raise ValidationError({"file": f"{info.filename} in the zip is not the size it says."})
            yield info.filename, _decode(raw, export_as="JSON (UTF-8)")

    return _read_history(texts())


def _decode(data: bytes, *, export_as: str = "CSV (UTF-8)") -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": f"The file is not UTF-8 text. Export it again as {export_as}."}) from None


def read_file(name: str, data: bytes) -> ImportFile:
    """Recognise the export and read its rows. Raises ValidationError ("file") when the file as
    a whole cannot be used: too big, not text, not a CSV or JSON export we know, or nothing in it.
    A listening history (JSON) gives one row per album listened to; see the module docstring."""
    # (Not data.strip(): that would copy a 50 MB file to find a first letter.)
    if not isinstance(data, bytes | bytearray) or _BLANK.match(data):
        raise ValidationError({"file": "The file is empty."})
    if data.startswith(b"PK\x03\x04"):
        if len(data) > MAX_HISTORY_BYTES:
            raise ValidationError({"file": f"The file is larger than {MAX_HISTORY_BYTES // (1024 * 1024)} MB."})
        return _read_zip(bytes(data))
    if _JSON_START.match(data):
        if len(data) > MAX_HISTORY_BYTES:
            raise ValidationError(
                {
                    "file": f"The file is larger than {MAX_HISTORY_BYTES // (1024 * 1024)} MB. Choose the "
                    "export's zip as it arrives, or a smaller part of your history: one month's file of a "
                    "ListenBrainz export, or one Streaming_History_Audio file of Spotify's."
                }
            )
        return _read_history([("", _decode(bytes(data), export_as="JSON (UTF-8)"))])
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."})
    return _read_csv(name, _decode(bytes(data)))


def _read_csv(name: str, text: str) -> ImportFile:
    if "\x00" in text:
        raise ValidationError({"file": "That is not a CSV file."})
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error:
        raise ValidationError({"file": "That is not a CSV file."}) from None
    reader.fieldnames = header
    lowered = {h.lower() for h in header}
    watchlist = "watchlist" in (name or "").lower()
    if {"Title", "Author", "Exclusive Shelf"} <= set(header):
        fmt, convert = GOODREADS, _goodreads
    elif {"Name", "Year", "Letterboxd URI"} <= set(header):
        fmt, convert = LETTERBOXD, lambda r, n: _letterboxd(r, n, watchlist=watchlist)
    elif {"kind", "title"} <= lowered:
        reader.fieldnames = [h.lower() for h in header]
        fmt, convert = OURS, _ours
    else:
        raise ValidationError({"file": _UNKNOWN_FILE})
    rows: list[ImportRow] = []
    problems: list[str] = []
    count = 0
    try:
        for count, record in enumerate(reader, start=1):
            line = count + 1  # the header is line 1
            if count > MAX_ROWS:
                raise ValidationError({"file": f"The file has more than {MAX_ROWS:,} lines; split it."})
            if not any(_text(v) for v in record.values() if isinstance(v, str)):
                continue
            try:
                row = convert(record, line)
            except ValueError as exc:
                problems.append(f"Line {line}: {exc}.")
                continue
            if not row.title:
                problems.append(f"Line {line}: no title.")
                continue
            rows.append(row)
    except csv.Error as exc:
        raise ValidationError({"file": f"The file is not valid CSV near line {count + 1} ({exc})."}) from None
    if not rows and not problems:
        raise ValidationError({"file": "The file has no rows to import."})
    return ImportFile(format=fmt, rows=rows, problems=problems, lines=count)


def run_import(
    *,
    session: Session,
    user: User,
    rows: list[ImportRow],
    visibility: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Log `rows` for `user` with `visibility`, in the caller's transaction (one import, one
    commit). Lines that break a rule (a date in the future, a too-long title, …) are reported
    and skipped; the rest go in. `progress(done, total)` is called as rows are handled."""
    if visibility not in VISIBILITIES:
        raise ValidationError({"visibility": "Choose public, followers or private."})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": f"At most {MAX_ROWS:,} lines at a time."})
    result = ImportResult()
    logged = set(
        session.exec(select(Entry.item_id, Entry.status, Entry.consumed_on).where(Entry.user_id == user.id)).all()
    )
    items: dict[tuple, int] = {}
    for done, row in enumerate(rows, start=1):
        key = (row.kind, catalog.normalize_for_key(row.title), catalog.normalize_for_key(row.creator), row.year)
        try:
            item_id = items.get(key)
            if item_id is None:
                item_id, created = _item_for(session, user, row)
                items[key] = item_id
                result.new_items += created
            if (item_id, row.status, row.consumed_on) in logged:
                result.already_logged += 1
                continue
            review = row.review
            if len(review) > entries.MAX_REVIEW:
                review = review[: entries.MAX_REVIEW - 1] + "…"
                result.problems.append(f"{row.where}: the review was cut to {entries.MAX_REVIEW:,} characters.")
            data = entries.EntryInput(
                status=row.status,
                rating=None if row.status == "want" else row.rating,
                consumed_on=row.consumed_on,
                review=review,
                visibility=_stricter(visibility, row.visibility),
            )
            entries.create_entry(session=session, user=user, item_id=item_id, data=data)
            logged.add((item_id, row.status, row.consumed_on))
            result.imported += 1
        except ValidationError as exc:
            result.problems.append(f"{row.where}: {' '.join(exc.errors.values())}")
        finally:
            if progress is not None and (done % 25 == 0 or done == len(rows)):
                progress(done, len(rows))
    return result


def _stricter(chosen: str, own: str | None) -> str:
    """The less public of the visibility chosen for the import and the line's own."""
    if own is None:
        return chosen
    return max(chosen, own, key=VISIBILITIES.index)


def _item_for(session: Session, user: User, row: ImportRow) -> tuple[int, bool]:
    """The catalog item for a row, added when there is none: (item id, whether it is new)."""
    found = catalog.match_item(session=session, kind=row.kind, title=row.title, creator=row.creator, year=row.year)
    if found is not None:
        return found.id, False
    try:
        with session.begin_nested():
            item = catalog.create_item(
                session=session,
                kind=row.kind,
                title=row.title,
                creator=row.creator,
                year=row.year,
                external_ids=row.external_ids,
                created_by_id=user.id,
            )
    except catalog.DuplicateItem as exc:
        return exc.existing.id, False
    return item.id, True


EXPORT_COLUMNS = ("kind", "title", "creator", "year", "status", "rating", "date", "review", "visibility")


def export_csv(*, session: Session, user: User) -> str:
    """Every entry of `user`, oldest first, as our CSV: the columns `read_file` takes (plus the
    visibility), so an export imports back as it was. Ratings in stars ("4.5")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = session.exec(
        select(Entry, Item)
        .join(Item, Item.id == Entry.item_id)
        .where(Entry.user_id == user.id)
        .order_by(Entry.created_at, Entry.id)
    ).all()
    for entry, item in rows:
        stars = "" if entry.rating is None else f"{entry.rating / 2:g}"
        writer.writerow(
            (
                item.kind,
                item.title,
                item.creator,
                item.year or "",
                entry.status,
                stars,
                entry.consumed_on.isoformat() if entry.consumed_on else "",
                entry.review,
                entry.visibility,
            )
        )
    return out.getvalue()
