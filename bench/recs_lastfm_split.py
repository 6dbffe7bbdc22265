"""Write a seeded train/test CSV split of HetRec 2011 Last.fm (user_artists.dat) for the harness.

The two-tower defaults were chosen on MovieLens-100k; this data set checks them on data they
were not tuned on (music plays instead of film ratings, no item content).

Preprocessing, stated so the numbers can be reproduced:
- every (user, artist) row is a positive; its play count is written as the weight
  (the models treat any weight > 0 as a positive);
- artists with fewer than --min-listeners listeners (default 5) are dropped: 84% of the
  17,632 artists have fewer, nobody can recommend them, and EASE's dense item-item solve
  stays small (2,828 artists remain, 71,426 rows);
- each user's rows are split at random, --test-fraction (default 0.2) to test, seeded.

Usage:
    .venv/bin/python bench/recs_lastfm_split.py ../shared/data/hetrec2011-lastfm-2k /tmp/lastfm
    .venv/bin/python -m slice_of_culture.recs evaluate --train /tmp/lastfm/train.csv --test /tmp/lastfm/test.csv

Never commit the CSVs: they are derived from the data set and stay outside the repository.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="directory holding user_artists.dat")
    parser.add_argument("out", help="directory for train.csv and test.csv (e.g. /tmp/lastfm)")
    parser.add_argument("--min-listeners", type=int, default=5)
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    source = Path(args.source) / "user_artists.dat"
    if not source.exists():
        print(f"skip: {source} is absent", file=sys.stderr)
        return 0
    with source.open(encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader)  # header: userID artistID weight
        rows = [(u, a, w) for u, a, w in reader]
    listeners = Counter(a for _, a, _ in rows)
    by_user: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for user, artist, weight in rows:
        if listeners[artist] >= args.min_listeners:
            by_user[user].append((artist, weight))

    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    counts = {"train": 0, "test": 0}
    with (out / "train.csv").open("w", newline="") as ftrain, (out / "test.csv").open("w", newline="") as ftest:
        writers = {"train": csv.writer(ftrain), "test": csv.writer(ftest)}
        for w in writers.values():
            w.writerow(["user_id", "item_id", "weight"])
        for user in sorted(by_user, key=int):
            items = by_user[user]
            n_test = int(round(args.test_fraction * len(items))) if len(items) >= 5 else 0
            test_rows = set(rng.choice(len(items), size=n_test, replace=False).tolist())
            for k, (artist, weight) in enumerate(items):
                part = "test" if k in test_rows else "train"
                writers[part].writerow([user, artist, weight])
                counts[part] += 1
    print(f"{out}: {counts['train']} train rows, {counts['test']} test rows, {len(by_user)} users")
    return 0


if __name__ == "__main__":
    sys.exit(main())
