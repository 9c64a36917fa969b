"""Write the output tables atomically and stream rows as policies finish.

Rows go to hidden temporary files in the output directory; only when every policy
has been handled are they renamed over the previous outputs (``os.replace`` is
atomic on one filesystem). An interrupted or failed run deletes its temporary
files and leaves the previous outputs as they were.
"""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from types import TracebackType

import pandas as pd

from .schema import SCHEMAS, TABLES


class TableWriter:
    """Context manager: ``add(result)`` appends rows; a clean exit publishes the files."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self._files: dict[str, tuple[str, object, object]] = {}

    def __enter__(self) -> "TableWriter":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".csv.tmp", dir=self.out_dir)
            fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(SCHEMAS[name])
            self._files[name] = (tmp, fh, writer)
        return self

    def add(self, rows_by_table: dict[str, list[tuple]]) -> None:
        """Append rows (already sorted) for each table."""
        for name, rows in rows_by_table.items():
            self._files[name][2].writerows(_fmt(r) for r in rows)  # type: ignore[union-attr]

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for tmp, fh, _ in self._files.values():
            fh.close()  # type: ignore[union-attr]
        if exc_type is None:
            for name, (tmp, _, _) in self._files.items():
                os.replace(tmp, self.out_dir / f"{name}.csv")
        else:
            for tmp, _, _ in self._files.values():
                Path(tmp).unlink(missing_ok=True)


def _fmt(row: tuple) -> tuple:
    """Format floats the way pandas writes them (repr), so both writers agree."""
    return tuple(repr(v) if isinstance(v, float) else v for v in row)


def write_frame_atomic(df: pd.DataFrame, path: str | Path) -> None:
    """Write one dataframe as CSV (UTF-8, ``\\n``) via a temporary file and rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            df.to_csv(fh, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
