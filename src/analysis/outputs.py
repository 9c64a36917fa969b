"""Write the output tables as one atomic set and stream rows as policies finish.

Rows go to a fresh hidden directory next to the output directory (``.<out>.extract-*``);
only when every policy has been handled is that directory swapped in for the output
directory as a whole (``renameat2(RENAME_EXCHANGE)`` on Linux: one atomic step, so even a
kill -9 leaves either the previous set or the new one, never a mix). Where the swap is
impossible (another file system, an output directory holding other files, a kernel
without it) the tables are renamed one by one with SIGINT/SIGTERM held off, and put back
should a rename fail. Publishing holds a lock (``flock`` on the parent directory), so two
runs on one ``--out`` cannot interleave their tables. An interrupted or failed run deletes
its fresh directory and leaves the previous outputs as they were.

A field holding a line break of any kind (``\\n``, a lone ``\\r``...) is quoted, so it reads
back identically.
"""
from __future__ import annotations

import csv
import ctypes
import errno
import fcntl
import io
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from .schema import SCHEMAS, TABLES


class _CsvRows:
    """A ``csv.writer`` with ``\\n`` line ends that also quotes a field holding a lone ``\\r``
    (the csv module only quotes the characters of its line terminator)."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh
        self._plain = csv.writer(fh, lineterminator="\n")
        self._buf = io.StringIO()
        self._crlf = csv.writer(self._buf, lineterminator="\r\n")  # quotes \r and \n

    def writerow(self, row: Any) -> None:
        self.writerows([row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            if any(isinstance(v, str) and "\r" in v for v in row):
                self._buf.seek(0)
                self._buf.truncate()
                self._crlf.writerow(row)
                self._fh.write(self._buf.getvalue()[:-2] + "\n")
            else:
                self._plain.writerow(row)


class TableWriter:
    """Context manager: ``add(result)`` appends rows; a clean exit publishes the files."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self._files: dict[str, tuple[object, _CsvRows]] = {}
        self._stage: Path | None = None
        self._made_target = False
        self._discard = False

    def __enter__(self) -> "TableWriter":
        self._target = Path(os.path.realpath(self.out_dir))
        parent = self._target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            try:
                self._stage = Path(tempfile.mkdtemp(prefix=f".{self._target.name}.extract-", dir=parent))
            except PermissionError:  # only --out itself is writable: stage inside it, rename table by table
                self._made_target = not self._target.exists()
                self._target.mkdir(exist_ok=True)
                self._stage = Path(tempfile.mkdtemp(prefix=".extract-", dir=self._target))
            for name in TABLES:
                fh = open(self._stage / f"{name}.csv", "w", encoding="utf-8", newline="")
                rows = _CsvRows(fh)
                self._files[name] = (fh, rows)
                rows.writerow(SCHEMAS[name])
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
            self._files[name][1].writerows(map(_fmt, rows) if name in _HAS_FLOATS else rows)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None or self._discard:
            self._cleanup()
            if self._made_target:
                try:
                    self._target.rmdir()  # made by this run for its staging; only succeeds when empty
                except OSError:
                    pass
            return
        try:
            for fh, _ in self._files.values():
                fh.close()  # type: ignore[attr-defined]
            assert self._stage is not None
            publish_dir(self._stage, self._target)
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        """Close the files and delete the fresh directory (or what is left of it)."""
        for fh, _ in self._files.values():
            try:
                fh.close()  # type: ignore[attr-defined]
            except OSError:
                pass
        self._files.clear()
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None


def write_file_atomic(path: Path, data: bytes | str) -> None:
    """Write one file through a temporary file in its directory and one rename (mode 0644),
    so a reader sees the old file or the new one, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _publishing(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` and keep SIGINT/SIGTERM pending meanwhile."""
    fd = os.open(directory, os.O_RDONLY)
    blocked = {signal.SIGINT, signal.SIGTERM}
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    finally:
        os.close(fd)  # releases the lock


def publish_dir(stage: Path, target: Path, names: set[str] | None = None) -> None:
    """Make the complete files ``names`` of ``stage`` (default: the four CSV tables) the contents
    of ``target``, in one step if possible, under a lock on its parent. Afterwards ``stage`` holds
    the previous files (or nothing); the caller deletes it."""
    mask = os.umask(0)
    os.umask(mask)
    with _publishing(target.parent):
        try:
            st = os.stat(target)
        except FileNotFoundError:
            os.chmod(stage, 0o777 & ~mask)
            os.rename(stage, target)  # a new output directory: one atomic rename
            stage.mkdir()  # for _cleanup, which removes it
            return
        if not stat.S_ISDIR(st.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "--out must be a directory", str(target))
        names = names or {f"{name}.csv" for name in TABLES}
        if stage.parent != target and set(os.listdir(target)) <= names and _exchange(stage, target):
            os.chmod(target, stat.S_IMODE(st.st_mode))
            return  # stage now holds the previous tables; _cleanup deletes them
        _rename_each(stage, target, sorted(names))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux ``renameat2``); False where unsupported."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV, errno.EPERM, errno.EBUSY):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _rename_each(stage: Path, target: Path, names: list[str]) -> None:
    """Rename the tables into ``target`` one by one; if one fails, put the previous ones back."""
    done: list[tuple[str, bool]] = []  # (name, had a previous file)
    try:
        for name in names:
            had = (target / name).exists()
            if had:
                os.replace(target / name, stage / f".previous.{name}")
            done.append((name, had))
            os.replace(stage / name, target / name)
    except BaseException:
        for name, had in reversed(done):
            if (target / name).exists() and not (stage / name).exists():
                os.replace(target / name, stage / name)
            if had:
                os.replace(stage / f".previous.{name}", target / name)
        raise


_HAS_FLOATS = frozenset(name for name, cols in SCHEMAS.items() if "float64" in cols.values())


def _fmt(row: tuple) -> tuple:
    """Format floats the way pandas writes them (repr), so both writers agree."""
    return tuple(repr(v) if isinstance(v, float) else v for v in row)
