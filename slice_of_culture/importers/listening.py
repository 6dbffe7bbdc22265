"""Listening histories: a ListenBrainz listens export and Spotify's extended streaming history.

A history is a list of plays of tracks, and our music items are albums, so plays are grouped by
album (artist + album name, compared as duplicate keys are: case, accents and punctuation aside;
a guest credited on one track, "X feat. Y", is not another artist). An album counts as listened
once ALBUM_MIN_TRACKS (3) different tracks of it were played (a Spotify play counts from
MIN_PLAY_MS, 30 seconds); it becomes one "finished" row dated on its latest play, without rating
or review, with the MusicBrainz release id (`external_ids["musicbrainz"]`) when ListenBrainz
gives one. Albums with fewer tracks played, plays naming no album or artist, short plays and
podcast episodes are left out and counted in the file's problems, so a person can see why an
album is missing. Plays are read one at a time (a JSON array element by element, JSON Lines line
by line), never the whole history as objects at once. Spotify's short "Account data" history
(StreamingHistory_music_*.json) names no album and is refused with a word on what to ask for.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from slice_of_culture.importers.rows import (
    MAX_PROBLEMS_SHOWN,
    MAX_ROWS,
    UNKNOWN_FILE,
    FormatError,
    ImportFile,
    ImportRow,
    short,
)
from slice_of_culture.models import MAX_CREATOR, MAX_TITLE
from slice_of_culture.text import clean_text, normalize_for_key

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

_SPOTIFY_SHORT = (
    "This is Spotify's short listening history (StreamingHistory_music_….json, from “Account "
    "data”): it names no albums, so it cannot be imported as albums. Ask Spotify for your "
    "“Extended streaming history” (Account privacy) and choose a Streaming_History_Audio_….json "
    "file from it."
)


def _name(value: object) -> str:
    """A name from a JSON play: text, trimmed; anything else (null, a number) counts as missing."""
    return value.strip() if isinstance(value, str) else ""


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


# A guest's credit on one track: "Kendrick Lamar feat. SZA", "Daft Punk (ft. Pharrell Williams)".
_FEATURING = re.compile(r"\s*[(\[]?\s*\b(?:feat\.?|ft\.|featuring)\s.*$", re.IGNORECASE)


def main_artist(artist: str) -> str:
    """The artist without guests credited on one track, so an album's tracks with and without a
    guest are one album: "Gorillaz feat. De La Soul" is Gorillaz. Only "feat.", "ft." and
    "featuring" count: "&", "and", "with" and "x" are often part of a name (Simon & Garfunkel)."""
    return _FEATURING.sub("", artist).strip() or artist


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
            key = self._keys[text] = normalize_for_key(text) or text.casefold()
        return key

    def bad(self, where: str, message: str) -> None:
        self.unreadable_count += 1
        if len(self.unreadable) < MAX_PROBLEMS_SHOWN:
            self.unreadable.append(f"{where}: {message}.")

    def add(self, *, line: int, artist: str, album: str, track: str, day: date, release_id: str = "") -> None:
        artist = main_artist(artist)
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
            title = clean_text(album.title, max_length=MAX_TITLE)
            artist = clean_text(album.artist, max_length=MAX_CREATOR)
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
                    label=f"“{short(title)}” by {short(artist)}",
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


def _not_json(line: int, why: str) -> FormatError:
    return FormatError(f"The file is not valid JSON near line {line:,} ({why}).")


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
        raise FormatError("The file has no plays to import.")
    if isinstance(first[1], _BadLine):
        # Not JSON Lines: perhaps one JSON object over many lines (ListenBrainz's user.json).
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            raise _not_json(first[0], first[1].why) from None
        raise FormatError(UNKNOWN_FILE)
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
        raise FormatError(_SPOTIFY_SHORT)
    else:
        raise FormatError(UNKNOWN_FILE)
    return fmt, rule, read, itertools.chain([first], items), where


def read_history(texts: Iterable[tuple[str, str]]) -> ImportFile:
    """One or more files of a listening history, as (name, text): a JSON array, or JSON Lines
    (ListenBrainz's newer export). All of one format; their plays are grouped together, so an
    album played across several months' files is one album. `name` prefixes problems ("" for a
    file chosen on its own)."""
    plays = _Plays()
    chosen: tuple[str, str] | None = None
    for name, text in texts:
        fmt, rule, read, items, where = _history_format(text)
        if chosen is not None and chosen[0] != fmt:
            raise FormatError(f"{name} is a {fmt} file among {chosen[0]} files: choose one kind.")
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
        raise FormatError("The file has no plays to import.")
    return plays.result(chosen[0], rule=chosen[1])
