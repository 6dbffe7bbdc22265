"""bench/RESULTS.md: one `## ` section per benchmark, its runs (`### ` blocks) newest first.

Each benchmark adds its run with `add_run`; every other section, and the section's own intro
(the text between its heading and its first run), stays as it is. The file is read right before
it is written, so benchmarks run one after another never undo each other.
"""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def add_run(section: str, block: str, *, intro: str = "", before: str | None = None, path: Path = RESULTS) -> None:
    """Put `block` (a run, starting with its `### ` heading) first among the runs of `section`
    (its `## ` heading line). A missing section is created with `intro`, just before the
    section `before` when the file has it, else at the end."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    run = block.strip()
    if section in text:
        head, rest = text.split(section, 1)
        following = re.search(r"^## ", rest, flags=re.MULTILINE)
        body, tail = (rest[: following.start()], rest[following.start() :]) if following else (rest, "")
        own_intro, has_runs, runs = body.partition("\n### ")
        body = "\n\n".join(part for part in (own_intro.strip(), run, f"### {runs}".strip() if has_runs else "") if part)
        text = f"{head}{section}\n\n{body}\n\n{tail}"
    else:
        new = "\n\n".join(part for part in (section, intro.strip(), run) if part)
        if before and before in text:
            head, tail = text.split(before, 1)
            text = f"{head.rstrip()}\n\n{new}\n\n{before}{tail}"
        else:
            text = f"{text.rstrip()}\n\n{new}\n"
    path.write_text(text.rstrip() + "\n")
