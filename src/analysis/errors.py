"""Errors that carry a one-line, user-facing message naming the file and the problem."""
from __future__ import annotations

from pathlib import Path


def printable(text: object) -> str:
    """``text`` with every line break, control or other non-printable character escaped
    (``\\n``, ``\\x1b``...), so a file name can never start a new line of a report."""
    s = str(text)
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)


class PolicyLensError(Exception):
    """Base class: ``str(err)`` is a single line meant for the user (control characters of
    a file name are escaped, never printed)."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = printable(source)
        self.problem = printable(" ".join(str(problem).split()))
        super().__init__(f"{self.source}: {self.problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        """Pickle as (source, problem), so the error crosses from a worker process intact."""
        return type(self), (self.source, self.problem)


class TimeBudgetExceeded(Exception):
    """Raised inside a file's analysis when its time budget runs out."""


def os_problem(err: BaseException) -> str:
    """A short, user-facing description of an operating-system error on a path."""
    import errno

    code = getattr(err, "errno", None)
    if isinstance(err, RuntimeError) or code == errno.ELOOP:
        return "is a symbolic link loop (or has too many levels of symbolic links)"
    if code == errno.ENAMETOOLONG:
        return "has a name too long for the file system (a name component over 255 bytes)"
    if code in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    if code == errno.ENOENT:
        return "does not exist"
    if code == errno.ENOTDIR:
        return "cannot be read (a parent in its path is a file, not a directory)"
    return f"cannot be read ({getattr(err, 'strerror', None) or err})"


class InputError(PolicyLensError):
    """A policy file that cannot be read as policy text."""


class CodebookError(PolicyLensError):
    """A codebook (or taxonomy) that is missing, malformed or inconsistent."""


class ManifestError(PolicyLensError):
    """The raw-data manifest does not match the files on disk."""


class SchemaError(PolicyLensError):
    """A dataframe that does not satisfy its declared schema."""
