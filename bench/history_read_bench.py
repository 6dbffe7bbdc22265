"""Reading a listening history (`imports.read_file`): how long 100k plays take, and how much memory.

Usage:
    .venv/bin/python -m bench.history_read_bench [--plays 100000] [--repeat 3] [--no-write]

Generates, with a fixed seed, a listening history of `--plays` plays over 2,000 albums (Zipf-
skewed: a few albums get most plays; 1-14 tracks each; names with accents), spread over 24
months, in each shape the import page takes: a ListenBrainz export as JSON Lines (one file),
as the older JSON array (indented), and as the export zip of one JSON Lines file per month; a
Spotify extended streaming history as indented and compact JSON (5% podcast plays, a quarter of
plays under 30 s), and as my_spotify_data.zip. Times `read_file` on each (best of `--repeat`),
then measures its peak memory once with tracemalloc (Python allocations, the file's bytes
excluded). Files over the upload limit (MAX_HISTORY_BYTES) are read all the same, with the
limit lifted, and marked: they show what a whole history costs.

Prints a table and puts a dated run first in the "Listening history read" section of
bench/RESULTS.md (unless `--no-write`). No goal is set; reading happens once per import, in a
thread, before anything is written.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
import tracemalloc
import uuid
import zipfile
from datetime import UTC, datetime
from unittest import mock

from tqdm import tqdm

from bench.feed_bench import git_commit, machine
from bench.results import add_run
from slice_of_culture.importers import files as import_files
from slice_of_culture.services import imports

SECTION = "## Listening history read"
INTRO = (
    "`imports.read_file` on generated listening histories (`python -m bench.history_read_bench`), runs newest\n"
    "first. Plays are grouped into albums as they are read (one play at a time: a JSON array element by\n"
    "element, JSON Lines line by line, a zip member by member)."
)
ALBUMS = 2000
START = 1_600_000_000
MONTH = 30 * 86400


def _albums(rng: random.Random) -> list[tuple[str, str, list[str], str]]:
    albums = []
    for a in range(ALBUMS):
        tracks = [f"Track {t} of album {a}" for t in range(rng.randint(1, 14))]
        albums.append(
            (f"Artist {a // 4} Ünïcode", f"Album {a} – Remastered", tracks, str(uuid.UUID(int=rng.getrandbits(128))))
        )
    return albums


def _listenbrainz(rng: random.Random, stamp: int, album: tuple) -> dict:
    artist, title, tracks, mbid = album
    track = rng.choice(tracks)
    return {
        "inserted_at": stamp + 5,
        "listened_at": stamp,
        "recording_msid": str(uuid.UUID(int=rng.getrandbits(128))),
        "user_name": "someone",
        "track_metadata": {
            "artist_name": artist,
            "track_name": track,
            "release_name": title,
            "additional_info": {"duration_ms": 240000, "submission_client": "navidrome", "release_mbid": mbid},
            "mbid_mapping": {"recording_name": track, "release_mbid": mbid, "caa_release_mbid": mbid},
        },
    }


def _spotify(rng: random.Random, stamp: int, album: tuple) -> dict:
    artist, title, tracks, _ = album
    podcast = rng.random() < 0.05
    return {
        "ts": datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": "android",
        "ms_played": rng.choice([1500, 45000, 200000, 240000]),
        "conn_country": "DE",
        "master_metadata_track_name": None if podcast else rng.choice(tracks),
        "master_metadata_album_artist_name": None if podcast else artist,
        "master_metadata_album_album_name": None if podcast else title,
        "spotify_track_uri": None if podcast else "spotify:track:" + uuid.UUID(int=rng.getrandbits(128)).hex[:22],
        "episode_name": "Episode" if podcast else None,
        "spotify_episode_uri": "spotify:episode:x" if podcast else None,
        "reason_start": "trackdone",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": False,
    }


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def generate(plays: int, seed: int) -> dict[str, bytes]:
    rng = random.Random(seed)
    albums = _albums(rng)
    picks = rng.choices(albums, [1 / (i + 1) for i in range(ALBUMS)], k=plays)
    # Evenly over 24 months.
    stamps = [START + i * (24 * MONTH // plays) for i in range(plays)]
    listens = [_listenbrainz(rng, stamp, album) for stamp, album in zip(stamps, picks, strict=True)]
    spotify = [_spotify(rng, stamp, album) for stamp, album in zip(stamps, picks, strict=True)]
    months: dict[str, list[str]] = {}
    for listen in listens:
        day = datetime.fromtimestamp(listen["listened_at"], UTC)
        months.setdefault(f"listens/{day.year}/{day.month}.jsonl", []).append(json.dumps(listen, ensure_ascii=False))
    return {
        "ListenBrainz, JSON Lines": "\n".join(json.dumps(x, ensure_ascii=False) for x in listens).encode(),
        "ListenBrainz, JSON array (indented)": json.dumps(listens, ensure_ascii=False, indent=2).encode(),
        "ListenBrainz, export zip (24 month files)": _zip(
            {"user.json": b'{"username": "someone"}'} | {n: ("\n".join(v) + "\n").encode() for n, v in months.items()}
        ),
        "Spotify, indented": json.dumps(spotify, ensure_ascii=False, indent=2).encode(),
        "Spotify, compact": json.dumps(spotify, ensure_ascii=False).encode(),
        "Spotify, my_spotify_data.zip": _zip(
            {
                "Spotify Extended Streaming History/Streaming_History_Audio_2020-2022_0.json": json.dumps(
                    spotify
                ).encode()
            }
        ),
    }


def measure(data: bytes, repeat: int) -> dict:
    # The upload limit is lifted: a file over it shows what a whole history would cost.
    with mock.patch.object(import_files, "MAX_HISTORY_BYTES", max(import_files.MAX_HISTORY_BYTES, len(data))):
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            file = imports.read_file("history", data)
            seconds.append(time.perf_counter() - started)
        tracemalloc.start()
        imports.read_file("history", data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {"seconds": min(seconds), "peak": peak, "albums": len(file.rows), "plays": file.lines}


def render(args: argparse.Namespace, results: dict[str, tuple[int, dict]]) -> str:
    limit = import_files.MAX_HISTORY_BYTES // (1024 * 1024)
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (commit {git_commit()})",
        "",
        f"- Machine: {machine()}.",
        f"- Data: {args.plays:,} plays over {ALBUMS:,} albums (seed {args.seed}), generated as above. "
        f"Best of {args.repeat} reads; peak memory by tracemalloc on one more read (Python allocations "
        f"during the read, the file's bytes not counted). Upload limit {limit} MB: larger files are marked.",
        "",
        "| file | size MB | plays read | albums to import | read s | plays/s | peak memory MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (size, r) in results.items():
        over = " (over the limit)" if size > import_files.MAX_HISTORY_BYTES else ""
        lines.append(
            f"| {name}{over} | {size / 2**20:.1f} | {r['plays']:,} | {r['albums']:,} | {r['seconds']:.2f} | "
            f"{r['plays'] / r['seconds']:,.0f} | {r['peak'] / 2**20:.0f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plays", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", dest="write", action="store_false", help="print results, leave RESULTS.md")
    args = parser.parse_args()
    print(f"Generating {args.plays:,} plays ...", flush=True)
    files = generate(args.plays, args.seed)
    results = {}
    for name, data in tqdm(files.items(), desc="reading", unit="file"):
        results[name] = (len(data), measure(data, args.repeat))
    block = render(args, results)
    print("\n" + block)
    if args.write:
        add_run(SECTION, block, intro=INTRO)
        print("\nWrote this run to bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
