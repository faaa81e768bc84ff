"""CSV text for files people open in a spreadsheet, and writing a private file (CSV or PDF).

Cells typed by people (payees, names, reasons) that start like a formula are neutralised with
a leading apostrophe (CSV injection), as the audit export does. Files that hold personal data
or money are written owner-only (0600) and atomically: a temporary file renamed over the
target, so a crash never leaves half a file under the real name.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text[:1] in _FORMULA_START else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """``header`` and ``rows`` as CSV (LF line ends), every text cell made formula-safe;
    amounts should be passed as plain text ("12.50"), which no rule touches."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def write_private(path: Path, data: str | bytes) -> Path:
    """``data`` to ``path`` atomically, readable and writable by its owner only."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing partial keeps its mode through O_CREAT
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def write_private_pdf(path: Path, story: list[Any], *, title: str, footer: str) -> Path:
    """A PDF built from ``story`` (reports.pdf), written like ``write_private``."""
    from cashdesk.reports.pdf import build_bytes  # reportlab only when a PDF is made

    path.parent.mkdir(parents=True, exist_ok=True)
    return write_private(path, build_bytes(story, title=title, footer=footer))
