"""Read a policy file into text, refusing anything that is not policy text.

Every refusal is an :class:`~analysis.errors.InputError` whose message is one line
naming the file and the problem. Offsets used elsewhere refer to the text returned
here: for ``.txt`` files the decoded file with a UTF-8 BOM removed, nothing else; for
``.html``/``.htm`` files the extracted policy text (:func:`~analysis.htmltext.html_to_text`).

The format is decided by the file's extension alone: a ``.txt`` file is plain text even
when it holds markup (a saved page stays as typed, tags and all; rename it ``.html`` to
have it extracted), so the same file always gives the same text.
"""
from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, os_problem
from .htmltext import HTMLTooDeep, html_to_text

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
MAX_BYTES = 5_000_000  # no real privacy policy comes near 5 MB of text
MIN_WORDS = 20


@dataclass(frozen=True)
class Document:
    """A loaded policy: where it came from, its vendor id and its text."""

    path: str
    vendor: str
    text: str
    sha256: str
    fmt: str  # "txt" or "html"


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(path, "is UTF-32 encoded; save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "is UTF-16 encoded; save it as UTF-8")
    if b"\x00" in raw[:65536]:
        raise InputError(path, "looks binary (contains NUL bytes), not a text policy")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(path, f"is not valid UTF-8 (byte {err.start}: {raw[err.start:err.start + 1]!r}); "
                               "save it as UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    """Read a regular file of at most ``max_bytes``; every failure is a one-line InputError.

    Only regular files are opened: a FIFO, socket or device could block or never end.
    """
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InputError(p, "is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(p, "is not a regular file (a pipe, socket or device); cannot be read as a policy")
        if st.st_size > max_bytes:
            raise InputError(p, f"is too large ({st.st_size / 1e6:.1f} MB > limit {max_bytes / 1e6:.1f} MB)")
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except PermissionError:
        raise InputError(p, "cannot be read (permission denied)") from None
    except FileNotFoundError:
        problem = "is a broken symbolic link" if p.is_symlink() else "does not exist"
        raise InputError(p, problem) from None
    except NotADirectoryError:
        raise InputError(p, "cannot be read (a parent in its path is a file, not a directory)") from None
    except IsADirectoryError:
        raise InputError(p, "is a directory, not a file") from None
    except (OSError, RuntimeError) as err:  # a link loop, a name too long...
        raise InputError(p, os_problem(err)) from None
    if len(raw) > max_bytes:  # grew after stat
        raise InputError(p, f"is too large (> limit {max_bytes / 1e6:.1f} MB)")
    return raw


def read_policy(path: str | Path, vendor: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Load one ``.txt``/``.html``/``.htm`` policy, validating size, encoding and content."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(p, f"unsupported file type '{suffix or '(none)'}' "
                            f"(expected one of {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    raw = _read_bytes(p, max_bytes)
    if not raw:
        raise InputError(p, "is empty")
    text = _decode(p, raw)
    if not text.strip():
        raise InputError(p, "contains only whitespace")
    fmt = "txt"
    if suffix in HTML_SUFFIXES:
        fmt = "html"
        try:
            text = html_to_text(text)
        except HTMLTooDeep as err:
            raise InputError(p, f"HTML cannot be read: {err}") from None
        if not text.strip():
            raise InputError(p, "HTML has no main text (only navigation, scripts or styles)")
    if len(text.split(maxsplit=MIN_WORDS)) < MIN_WORDS:  # stops splitting after MIN_WORDS words
        raise InputError(p, f"has fewer than {MIN_WORDS} words of text; not a policy")
    return Document(path=str(p), vendor=vendor or p.stem, text=text,
                    sha256=hashlib.sha256(raw).hexdigest(), fmt=fmt)
