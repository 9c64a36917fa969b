"""The registered corpus (``data/raw/manifest.csv``) and how input paths map to vendor ids.

A file is a *registered raw policy* when it is ``data/raw/policies/<vendor>.txt`` or its
content has the sha256 of a manifest row (never because of its name); its vendor id is
then the manifest slug, and the raw file's sha256 must match the manifest. Any other
file's vendor id is its file stem, which must not be a registered slug.
"""
from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import io
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError, ManifestError, os_problem
from .loader import SUPPORTED_SUFFIXES, Document
from .outputs import write_file_atomic as _write_atomic
from .paths import MANIFEST_PATH, RAW_POLICIES_DIR

MANIFEST_COLUMNS = ("vendor", "label", "source_file", "sha256", "bytes", "stated_date")


@dataclass(frozen=True)
class Registered:
    """One manifest row."""

    vendor: str
    label: str
    source_file: str
    sha256: str
    bytes: int
    stated_date: str


@lru_cache(maxsize=2)
def read_manifest(path: str = str(MANIFEST_PATH)) -> tuple[Registered, ...]:
    """Read the manifest; a malformed file is a ManifestError naming it."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != MANIFEST_COLUMNS:
                raise ManifestError(path, f"columns must be {','.join(MANIFEST_COLUMNS)}")
            return tuple(Registered(r["vendor"], r["label"], r["source_file"], r["sha256"], int(r["bytes"]),
                                    r["stated_date"]) for r in reader)
    except OSError as err:
        raise ManifestError(path, f"cannot be read ({err.strerror or err})") from None
    except (ValueError, KeyError) as err:
        raise ManifestError(path, f"malformed row ({err})") from None


@lru_cache(maxsize=32)
def raw_text(vendor: str, raw_dir: str | Path = RAW_POLICIES_DIR) -> str:
    """The registered raw policy ``data/raw/policies/<vendor>.txt`` as the loader reads it
    (UTF-8, BOM removed), so offsets of the outputs and labels index it; read once."""
    return (Path(raw_dir) / f"{vendor}.txt").read_text(encoding="utf-8-sig")


def vendor_labels() -> dict[str, str]:
    """Display label of every registered vendor, in manifest order."""
    return {r.vendor: r.label for r in read_manifest()}


def registered_for(path: Path, sha256: str | None = None) -> Registered | None:
    """The manifest row a file is registered as, if any: the file *is* a registered raw
    policy (``data/raw/policies/<vendor>.txt``), or its content has a registered sha256.
    A file's name never makes it registered. ``sha256`` is the file's hash if already known;
    otherwise the file is hashed only when its size is that of some registered policy."""
    rows = read_manifest()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop is a RuntimeError on Python 3.11
        return None
    for registered_path, r in _registered_paths(rows):
        if resolved == registered_path:
            return r
    if sha256 is None:
        sha256 = _hash_if_size_matches(path, {r.bytes for r in rows})
    return next((r for r in rows if r.sha256 == sha256), None) if sha256 else None


def _hash_if_size_matches(path: Path, sizes: set[int]) -> str | None:
    """sha256 of a regular file whose size is in ``sizes`` (None otherwise, or if unreadable)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size not in sizes:
            return None
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except (OSError, RuntimeError):
        return None  # the loader reports why it cannot be read


@lru_cache(maxsize=2)
def _registered_paths(rows: tuple[Registered, ...]) -> tuple[tuple[Path, Registered], ...]:
    """Resolved raw-policy path of each manifest row (resolved once, not once per input file)."""
    return tuple(((RAW_POLICIES_DIR / f"{r.vendor}.txt").resolve(), r) for r in rows)


def check_registered(doc: Document) -> None:
    """Raise ManifestError if a registered policy's bytes differ from the manifest, or if a
    file carries a registered vendor id with other content (a file named ``imou.txt`` that is
    not Imou's registered policy must not be reported as Imou)."""
    reg = registered_for(Path(doc.path), doc.sha256)
    if reg is not None:
        if reg.sha256 != doc.sha256:
            raise ManifestError(doc.path, f"sha256 {doc.sha256[:12]}… does not match the manifest's "
                                          f"{reg.sha256[:12]}… for '{reg.vendor}'; raw data must not change")
        return
    other = next((r for r in read_manifest() if r.vendor == doc.vendor), None)
    if other is not None:
        raise ManifestError(doc.path, f"has the vendor id '{doc.vendor}' of a registered policy but other content "
                                      f"(sha256 {doc.sha256[:12]}…, registered {other.sha256[:12]}…); rename the "
                                      "file or register it under its own vendor id")


def verify_manifest(raw_dir: Path = RAW_POLICIES_DIR) -> list[Registered]:
    """Check every registered raw file exists with its recorded sha256 and size."""
    rows = list(read_manifest())
    for r in rows:
        p = raw_dir / f"{r.vendor}.txt"
        try:
            data = p.read_bytes()
        except OSError:
            raise ManifestError(p, "is listed in the manifest but cannot be read") from None
        if hashlib.sha256(data).hexdigest() != r.sha256 or len(data) != r.bytes:
            raise ManifestError(p, "sha256 or size does not match the manifest; raw data must not change")
    return rows


def _vendor_id(path: Path) -> str:
    reg = registered_for(path)
    return reg.vendor if reg else path.stem


def _missing(p: Path) -> bool:
    """True only when nothing at all is at ``p`` (a broken link or an unreadable path is not missing)."""
    try:
        p.lstat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def _unique(files: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """Drop repeats of one file named twice (e.g. as a directory member and by path), keep order."""
    seen: set[Path] = set()
    out = []
    for vendor, f in files:
        try:
            key = f.resolve()
        except (OSError, RuntimeError):
            key = f
        if key not in seen:
            seen.add(key)
            out.append((vendor, f))
    return out


def resolve_inputs(paths: list[str | Path]) -> list[tuple[str, Path]]:
    """Expand files and directories into (vendor id, path) jobs sorted by vendor id.

    Raises InputError for the first problem (missing path, empty directory, two files with
    one vendor id); :func:`plan_inputs` collects every problem instead.
    """
    jobs, problems = plan_inputs(paths)
    if problems:
        raise problems[0]
    return jobs


def _walk(top: Path, problems: list[InputError]) -> list[Path]:
    """Every non-directory entry under ``top`` (hidden files and folders ignored), sorted;
    a subdirectory that cannot be listed is a problem, never skipped silently."""
    found: list[Path] = []

    def unreadable(err: OSError) -> None:
        problems.append(InputError(err.filename or top, f"directory {os_problem(err)}; its files were not searched"))

    for root, dirs, names in os.walk(top, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d)))
        found.extend(Path(root, n) for n in names if not n.startswith("."))
    return sorted(found)


def _kind(p: Path) -> str:
    """"dir", "missing" or "file" (a file, or something :func:`read_policy` will explain:
    a pipe, a broken link, a link loop, an unreadable path); raises OSError for a name
    the file system refuses outright."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return "missing" if _missing(p) else "file"
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.EACCES, errno.EPERM, errno.ENOTDIR):
            return "file"
        raise
    return "dir" if stat.S_ISDIR(st.st_mode) else "file"


def plan_inputs(paths: list[str | Path]) -> tuple[list[tuple[str, Path]], list[InputError]]:
    """Expand inputs; return jobs sorted by vendor id and the problems found on the way.

    Directories are searched recursively for supported files (hidden files and folders are
    ignored); other files inside a directory are reported as problems, never skipped silently,
    and so is a subdirectory that cannot be listed. Each input path and each file found is
    planned under its own error boundary: whatever goes wrong with one becomes its one-line problem.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    problems: list[InputError] = []
    for raw in paths:
        if str(raw) == "":
            problems.append(InputError("''", "an empty path names no file or directory"))
            continue
        p = Path(raw)
        try:
            kind = _kind(p)
        except OSError as err:
            problems.append(InputError(p, os_problem(err)))
            continue
        if kind == "dir":
            before = len(problems)
            found = _walk(p, problems)
            policies = [q for q in found if q.suffix.lower() in SUPPORTED_SUFFIXES]
            for q in found:
                if q.suffix.lower() not in SUPPORTED_SUFFIXES and q.name != "SHA256SUMS":
                    problems.append(InputError(q, f"skipped: unsupported file type '{q.suffix or '(none)'}'"))
            if not policies and len(problems) == before:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append(InputError(p, f"directory contains no policy files ({kinds})"))
            files.extend(policies)
        elif kind == "missing":
            problems.append(InputError(p, "does not exist"))
        else:
            files.append(p)
    planned: list[tuple[str, Path]] = []
    for f in files:
        try:
            planned.append((_vendor_id(f), f))
        except Exception as err:  # noqa: BLE001 - one bad entry must not sink the batch
            problems.append(InputError(f, os_problem(err) if isinstance(err, (OSError, RuntimeError))
                                       else f"cannot be planned ({type(err).__name__}: {err})"))
    by_vendor: dict[str, list[Path]] = {}
    for vendor, f in _unique(planned):
        by_vendor.setdefault(vendor, []).append(f)
    jobs = []
    registered = {r.vendor for r in read_manifest()}
    for vendor in sorted(by_vendor):
        group = by_vendor[vendor]
        if len(group) > 1 and vendor in registered and _same_content(group):
            problems.extend(InputError(f, f"is the same registered policy '{vendor}' as {group[0]}; extracted once")
                            for f in group[1:])
            jobs.append((vendor, group[0]))
            continue
        if len(group) > 1:
            problems.append(InputError(group[0], f"has the same vendor id '{vendor}' as "
                                                 f"{', '.join(map(str, group[1:]))}; rename one"))
            continue
        jobs.append((vendor, group[0]))
    return jobs, problems


def _same_content(files: list[Path]) -> bool:
    """True if every file has the bytes of a registered policy (they were all planned under
    one registered vendor id, which only a raw path or the registered sha256 gives)."""
    sizes = {r.bytes for r in read_manifest()}
    hashes = {_hash_if_size_matches(f, sizes) for f in files}
    return len(hashes) == 1 and None not in hashes


_SLUG = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")


def register_policy(source: str | Path, vendor: str, label: str, raw_dir: Path = RAW_POLICIES_DIR,
                    manifest: Path = MANIFEST_PATH) -> Registered:
    """Copy a ``.txt`` policy byte for byte into the raw data and add its manifest row.

    The source file is only read. The copy and the new manifest are written to temporary
    files and renamed, so a failure leaves both as they were. The stated date is the
    ``policy_date`` fact of the text (empty if it states none).
    """
    src = Path(source)
    if not _SLUG.fullmatch(vendor):
        raise InputError(src, f"vendor id '{vendor}' must be a lower-case slug (letters, digits, '_')")
    if not " ".join(label.split()):
        raise InputError(src, "--label is empty; give the vendor's display label, e.g. 'Acme Home (Acme Ltd)'")
    if src.suffix.lower() not in (".txt", ".text"):
        raise InputError(src, "only plain-text policies can be registered; extract HTML directly instead")
    raw_dir.mkdir(parents=True, exist_ok=True)
    with _locked(manifest.parent):  # two concurrent registrations must not lose a manifest row
        read_manifest.cache_clear()
        return _register_locked(src, vendor, label, raw_dir, manifest)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on a directory (no lock file is left behind)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _register_locked(src: Path, vendor: str, label: str, raw_dir: Path, manifest: Path) -> Registered:
    from .facts import extract_facts
    from .loader import read_policy
    from .segment import segment

    rows = list(read_manifest(str(manifest)))
    if any(r.vendor == vendor for r in rows) or (raw_dir / f"{vendor}.txt").exists():
        raise InputError(src, f"vendor id '{vendor}' is already registered")
    doc = read_policy(src, vendor)  # validates encoding, size and content
    raw = src.read_bytes()
    same = next((r for r in rows if r.sha256 == hashlib.sha256(raw).hexdigest()), None)
    if same is not None:
        raise InputError(src, f"is already registered as '{same.vendor}' (same content)")
    dates = [f.value for f in extract_facts(doc.text, segment(doc.text)) if f.field == "policy_date"]
    reg = Registered(vendor, " ".join(label.split()), src.name, hashlib.sha256(raw).hexdigest(), len(raw),
                     dates[0] if dates else "")
    _write_atomic(raw_dir / f"{vendor}.txt", raw)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    writer.writerows((r.vendor, r.label, r.source_file, r.sha256, r.bytes, r.stated_date) for r in [*rows, reg])
    try:
        _write_atomic(manifest, out.getvalue().encode("utf-8"))
    except OSError:
        (raw_dir / f"{vendor}.txt").unlink(missing_ok=True)
        raise
    read_manifest.cache_clear()
    return reg
