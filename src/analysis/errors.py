"""Errors that carry a one-line, user-facing message naming the file and the problem."""
from __future__ import annotations

from pathlib import Path


class PolicyLensError(Exception):
    """Base class: ``str(err)`` is a single line meant for the user."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.source}: {self.problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        """Pickle as (source, problem), so the error crosses from a worker process intact."""
        return type(self), (self.source, self.problem)


class InputError(PolicyLensError):
    """A policy file that cannot be read as policy text."""


class CodebookError(PolicyLensError):
    """A codebook (or taxonomy) that is missing, malformed or inconsistent."""


class ManifestError(PolicyLensError):
    """The raw-data manifest does not match the files on disk."""


class SchemaError(PolicyLensError):
    """A dataframe that does not satisfy its declared schema."""
