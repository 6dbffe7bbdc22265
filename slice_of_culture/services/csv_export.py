"""Writing a person's own data as CSV (their entries, their lists): one header line, then the
rows, as Python's `csv` quotes them, so titles and notes with commas, quotes and newlines read
back unchanged; a cell a spreadsheet would take for a formula is guarded (`text.spreadsheet_safe`,
undone by our importer)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from slice_of_culture.text import spreadsheet_safe


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of `rows` under the header `columns` ("\\n" line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return out.getvalue()
