"""Command line of the recommender: `python -m slice_of_culture.recs <command>`.

    evaluate --dataset movielens-100k --path ../shared/data/ml-100k [--json]
    evaluate --train TRAIN.csv --test TEST.csv [--json]

Subcommands are argparse subparsers so that `train` and `worker` can join `evaluate` here.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from datetime import UTC, datetime

from slice_of_culture.recs.data import Split, load_csv_split, load_movielens_100k
from slice_of_culture.recs.harness import MODELS, compare, format_table, to_json

DATASETS = ("movielens-100k",)


def _load(args: argparse.Namespace) -> Split:
    if args.dataset:
        if args.train or args.test:
            raise SystemExit("give either --dataset or --train/--test, not both")
        if not args.path:
            raise SystemExit("--dataset needs --path (e.g. ../shared/data/ml-100k)")
        return load_movielens_100k(args.path)
    if not (args.train and args.test):
        raise SystemExit("give --dataset movielens-100k --path DIR, or --train TRAIN.csv --test TEST.csv")
    return load_csv_split(args.train, args.test)


def _evaluate(args: argparse.Namespace) -> int:
    try:
        split = _load(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    models = args.models.split(",") if args.models else list(MODELS)
    results = compare(split, models=models, seed=args.seed)
    if args.json:
        payload = to_json(split, results) | {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": platform.machine(),
        }
        print(json.dumps(payload, indent=2))
    else:
        print(
            f"{split.name}: {split.train.num_users} users, {split.train.num_items} items, "
            f"{len(split.train)} train rows, {len(split.test)} test rows"
        )
        print(format_table(results))
        for r in results:
            if r.params:
                print(f"  {r.model}: {r.params}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m slice_of_culture.recs", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ev = commands.add_parser("evaluate", help="tune on validation, then score every model on one test split")
    ev.add_argument("--dataset", choices=DATASETS, help="a known data set read from --path")
    ev.add_argument("--path", help="directory of the data set (e.g. ../shared/data/ml-100k)")
    ev.add_argument("--train", help="training CSV with header user_id,item_id[,weight]")
    ev.add_argument("--test", help="test CSV with the same header")
    ev.add_argument("--models", help=f"comma-separated subset of {','.join(MODELS)}")
    ev.add_argument("--seed", type=int, default=0, help="seed of the validation split and of every model")
    ev.add_argument("--json", action="store_true", help="print the results as JSON")
    ev.set_defaults(handler=_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
