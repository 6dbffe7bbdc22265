"""Command line of the recommender: `python -m slice_of_culture.recs <command>`.

    evaluate --dataset movielens-100k --path ../shared/data/ml-100k [--json]
    evaluate --train TRAIN.csv --test TEST.csv [--json]
    train [--trigger manual] [--epochs N] [--no-progress]   retrain and publish a new version now
    worker                                                  run the scheduled refresh (RECS_REFRESH_CRON)

`train` and `worker` import the recommender's jobs lazily, so `evaluate` needs no database.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import signal
import sys
from datetime import UTC, datetime

from slice_of_culture.recs.data import Split, load_csv_split, load_movielens_100k
from slice_of_culture.recs.harness import MODELS, compare, format_standing, format_table, standing, to_json

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
        verdict = format_standing(standing(results))
        if verdict:
            print(verdict)
    return 0


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _train(args: argparse.Namespace) -> int:
    from slice_of_culture.recs.jobs import refresh

    _logging()
    # `kill` (SIGTERM) unwinds like Ctrl-C, so the run is marked failed and its partial vectors dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    overrides = {"epochs": args.epochs} if args.epochs else None
    row = refresh(trigger=args.trigger, config_overrides=overrides, progress=not args.no_progress)
    if row is None:
        print("another refresh is running; nothing done")
        return 0
    if row.status != "ready":
        print(f"version {row.version} failed: {row.error}", file=sys.stderr)
        return 1
    metrics = ", ".join(f"{k} {row.metrics[k]:.4f}" for k in ("recall@20", "ndcg@20") if k in row.metrics)
    print(
        f"version {row.version} is current: {row.num_users} users, {row.num_items} items, "
        f"{row.num_interactions} positives, trained in {row.train_seconds:.1f} s"
        + (f"; validation {metrics}" if metrics else "")
    )
    return 0


def _worker(args: argparse.Namespace) -> int:  # noqa: ARG001
    from slice_of_culture.config import get_settings
    from slice_of_culture.recs.jobs import build_scheduler

    _logging()
    scheduler = build_scheduler(blocking=True)
    print(f"recommender worker: refresh on {get_settings().recs_refresh_cron!r}; Ctrl-C stops", flush=True)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
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

    tr = commands.add_parser("train", help="retrain on the app's data and switch to the new version")
    tr.add_argument("--trigger", default="manual", help="what started this run, recorded on the version")
    tr.add_argument("--epochs", type=int, help="training epochs (default: RECS_EPOCHS or the model's default)")
    tr.add_argument("--no-progress", action="store_true", help="no progress bars (for logs)")
    tr.set_defaults(handler=_train)

    wk = commands.add_parser("worker", help="run the scheduled refresh in this process (production)")
    wk.set_defaults(handler=_worker)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
