"""Setup commands: `python -m slice_of_culture.manage migrate | seed | setup | send-digests`.

`make run` calls `setup`: apply migrations, then seed the demo community if the database is empty.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from alembic.config import Config

from alembic import command
from slice_of_culture.config import PROJECT_ROOT, get_settings
from slice_of_culture.db import session_scope


def migrate(url: str | None = None) -> None:
    """Upgrade the database to the latest migration."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url or get_settings().database_url
    command.upgrade(cfg, "head")


def seed(*, force: bool = False) -> None:
    """Seed the demo community if the database has no users yet."""
    from slice_of_culture.services import demo

    with session_scope() as session:
        if not force and not demo.database_is_empty(session=session):
            print("Database already has people in it; not seeding the demo community.")
            return
        counts = demo.seed_demo(session=session, progress=True)
    print("Seeded demo community: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def first_model() -> None:
    """With people in the database and no recommender model yet, train one in the background.

    The app serves at once; "For you" shows popular items until the model is ready (about a
    minute on the demo community), then personal, explained recommendations.
    """
    from slice_of_culture.recs.versions import list_versions
    from slice_of_culture.services import demo

    with session_scope() as session:
        if demo.database_is_empty(session=session) or list_versions(session):
            return
    log = get_settings().data_dir / "recs-first-training.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        subprocess.Popen(
            [sys.executable, "-m", "slice_of_culture.recs", "train", "--trigger", "setup", "--no-progress"],
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # keeps training if this command's terminal goes away
        )
    print(f"Training the first recommender model in the background (log: {log}).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m slice_of_culture.manage")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply migrations")
    sub.add_parser("seed", help="seed the demo community into an empty database")
    sub.add_parser("setup", help="migrate, then seed if empty")
    sub.add_parser("send-digests", help="send the notification digests that are due now")
    args = parser.parse_args(argv)
    if args.command == "send-digests":
        from slice_of_culture.services.digests import send_digests

        run = send_digests()
        print(
            "Another run is sending digests; nothing done."
            if not run.ran
            else f"{run.sent} digests sent, {run.reminded} confirmation links to older accounts, {run.failed} not sent."
        )
        return 0 if run.failed == 0 else 1
    url = get_settings().database_url
    if args.command in ("migrate", "setup"):
        print(f"Applying migrations to {url.split('@')[-1]}")
        migrate()
    if args.command in ("seed", "setup"):
        seed()
    if args.command == "setup":
        first_model()
    return 0


if __name__ == "__main__":
    sys.exit(main())
