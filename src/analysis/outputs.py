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
from typing import TYPE_CHECKING

from .schema import SCHEMAS, TABLES

if TYPE_CHECKING:
    import pandas as pd


class TableWriter:
    """Context manager: ``add(result)`` appends rows; a clean exit publishes the files."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self._files: dict[str, tuple[str, object, object]] = {}
        self._created = False
        self._discard = False

    def __enter__(self) -> "TableWriter":
        self._created = not self.out_dir.exists()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in TABLES:
                fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".csv.tmp", dir=self.out_dir)
                fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
                self._files[name] = (tmp, fh, None)
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(SCHEMAS[name])
                self._files[name] = (tmp, fh, writer)
        except BaseException:
            self._cleanup()
            raise
        return self

    def discard(self) -> None:
        """Publish nothing on exit: the previous outputs stay as they are."""
        self._discard = True

    def add(self, rows_by_table: dict[str, list[tuple]]) -> None:
        """Append rows (already sorted) for each table."""
        for name, rows in rows_by_table.items():
            self._files[name][2].writerows(map(_fmt, rows) if name in _HAS_FLOATS else rows)  # type: ignore[union-attr]

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None or self._discard:
            self._cleanup()
            return
        try:
            for _, fh, _ in self._files.values():
                fh.close()  # type: ignore[union-attr]
            for name, (tmp, _, _) in self._files.items():
                _publish(tmp, self.out_dir / f"{name}.csv")
        except BaseException:
            self._cleanup()
            raise

    def _cleanup(self) -> None:
        """Close and delete the temporary files; remove the output directory if this run made it."""
        for tmp, fh, _ in self._files.values():
            try:
                fh.close()  # type: ignore[union-attr]
            except OSError:
                pass
            Path(tmp).unlink(missing_ok=True)
        self._files.clear()
        if self._created:
            try:
                self.out_dir.rmdir()  # only succeeds when empty
            except OSError:
                pass


def _publish(tmp: str | Path, dest: Path) -> None:
    """Give a temporary file ordinary permissions (``mkstemp`` makes it owner-only) and rename it."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, dest)


_HAS_FLOATS = frozenset(name for name, cols in SCHEMAS.items() if "float64" in cols.values())


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
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
