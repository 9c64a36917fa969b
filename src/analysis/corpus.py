"""The registered corpus (``data/raw/manifest.csv``) and how input paths map to vendor ids.

A file is a *registered raw policy* when it is ``data/raw/policies/<vendor>.txt`` or
carries the manifest's ``source_file`` name; its vendor id is then the manifest slug
and its sha256 must match the manifest. Any other file's vendor id is its file stem.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError, ManifestError
from .loader import SUPPORTED_SUFFIXES, Document
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


def vendor_labels() -> dict[str, str]:
    """Display label of every registered vendor, in manifest order."""
    return {r.vendor: r.label for r in read_manifest()}


def registered_for(path: Path) -> Registered | None:
    """The manifest row a file is registered as, if any."""
    try:
        resolved = path.resolve()
    except OSError:
        return None
    for registered_path, r in _registered_paths(read_manifest()):
        if resolved == registered_path or path.name == r.source_file:
            return r
    return None


@lru_cache(maxsize=2)
def _registered_paths(rows: tuple[Registered, ...]) -> tuple[tuple[Path, Registered], ...]:
    """Resolved raw-policy path of each manifest row (resolved once, not once per input file)."""
    return tuple(((RAW_POLICIES_DIR / f"{r.vendor}.txt").resolve(), r) for r in rows)


def check_registered(doc: Document) -> None:
    """Raise ManifestError if a registered policy's bytes differ from the manifest."""
    reg = registered_for(Path(doc.path))
    if reg is not None and reg.sha256 != doc.sha256:
        raise ManifestError(doc.path, f"sha256 {doc.sha256[:12]}… does not match the manifest's "
                                      f"{reg.sha256[:12]}… for '{reg.vendor}'; raw data must not change")


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


def _unique(files: list[Path]) -> list[Path]:
    """Drop repeats of one file named twice (e.g. as a directory member and by path), keep order."""
    seen: set[Path] = set()
    out = []
    for f in files:
        try:
            key = f.resolve()
        except OSError:
            key = f
        if key not in seen:
            seen.add(key)
            out.append(f)
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


def plan_inputs(paths: list[str | Path]) -> tuple[list[tuple[str, Path]], list[InputError]]:
    """Expand inputs; return jobs sorted by vendor id and the problems found on the way.

    Directories are searched recursively for supported files (hidden files and folders are
    ignored); other files inside a directory are reported as problems, never skipped silently.
    """
    files: list[Path] = []
    problems: list[InputError] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if not q.is_dir()
                           and not any(part.startswith(".") for part in q.relative_to(p).parts))
            policies = [q for q in found if q.suffix.lower() in SUPPORTED_SUFFIXES]
            for q in found:
                if q.suffix.lower() not in SUPPORTED_SUFFIXES and q.name != "SHA256SUMS":
                    problems.append(InputError(q, f"skipped: unsupported file type '{q.suffix or '(none)'}'"))
            if not policies:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append(InputError(p, f"directory contains no policy files ({kinds})"))
            files.extend(policies)
        elif _missing(p):
            problems.append(InputError(p, "does not exist"))
        else:  # a file, or something read_policy will explain (a pipe, a broken link...)
            files.append(p)
    by_vendor: dict[str, list[Path]] = {}
    for f in _unique(files):
        by_vendor.setdefault(_vendor_id(f), []).append(f)
    jobs = []
    for vendor in sorted(by_vendor):
        group = by_vendor[vendor]
        if len(group) > 1:
            problems.append(InputError(group[0], f"has the same vendor id '{vendor}' as "
                                                 f"{', '.join(map(str, group[1:]))}; rename one"))
            continue
        jobs.append((vendor, group[0]))
    return jobs, problems


_SLUG = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")


def register_policy(source: str | Path, vendor: str, label: str, raw_dir: Path = RAW_POLICIES_DIR,
                    manifest: Path = MANIFEST_PATH) -> Registered:
    """Copy a ``.txt`` policy byte for byte into the raw data and add its manifest row.

    The source file is only read. The copy and the new manifest are written to temporary
    files and renamed, so a failure leaves both as they were. The stated date is the
    ``policy_date`` fact of the text (empty if it states none).
    """
    from .facts import extract_facts
    from .loader import read_policy
    from .segment import segment

    src = Path(source)
    if not _SLUG.fullmatch(vendor):
        raise InputError(src, f"vendor id '{vendor}' must be a lower-case slug (letters, digits, '_')")
    if src.suffix.lower() not in (".txt", ".text"):
        raise InputError(src, "only plain-text policies can be registered; extract HTML directly instead")
    rows = list(read_manifest(str(manifest)))
    if any(r.vendor == vendor for r in rows) or (raw_dir / f"{vendor}.txt").exists():
        raise InputError(src, f"vendor id '{vendor}' is already registered")
    doc = read_policy(src, vendor)  # validates encoding, size and content
    raw = src.read_bytes()
    dates = [f.value for f in extract_facts(doc.text, segment(doc.text)) if f.field == "policy_date"]
    reg = Registered(vendor, " ".join(label.split()), src.name, hashlib.sha256(raw).hexdigest(), len(raw),
                     dates[0] if dates else "")
    raw_dir.mkdir(parents=True, exist_ok=True)
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


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
