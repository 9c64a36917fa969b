"""Registering a new policy: byte-for-byte copy, manifest row, refusals."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from analysis.corpus import MANIFEST_COLUMNS, read_manifest, register_policy
from analysis.errors import InputError
from analysis.paths import MANIFEST_PATH, RAW_POLICIES_DIR

TEXT = ("Acme Privacy Policy\n\nLast updated: March 3, 2024\n\n"
        "We collect your email address and device identifiers when you register. "
        "You may request deletion of your personal data at any time by e-mail.\n")


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw" / "policies"
    raw.mkdir(parents=True)
    manifest = tmp_path / "raw" / "manifest.csv"
    shutil.copyfile(MANIFEST_PATH, manifest)
    return raw, manifest


def test_register_copies_bytes_and_adds_a_manifest_row(tmp_path: Path, corpus: tuple[Path, Path]) -> None:
    raw, manifest = corpus
    src = tmp_path / "acme policy.txt"
    src.write_text(TEXT, encoding="utf-8")
    before = src.read_bytes()
    reg = register_policy(src, "acme", "Acme  Home", raw, manifest)
    assert src.read_bytes() == before
    assert (raw / "acme.txt").read_bytes() == before
    assert reg.sha256 == hashlib.sha256(before).hexdigest() and reg.bytes == len(before)
    assert reg.stated_date == "2024-03-03" and reg.label == "Acme Home"
    rows = read_manifest(str(manifest))
    assert rows[-1] == reg and len(rows) == len(read_manifest(str(MANIFEST_PATH))) + 1
    assert manifest.read_text(encoding="utf-8").splitlines()[0] == ",".join(MANIFEST_COLUMNS)


@pytest.mark.parametrize("vendor, name, problem", [
    ("Acme!", "p.txt", "slug"),
    ("acme", "p.html", "plain-text"),
    ("imou", "p.txt", "already registered"),
])
def test_register_refuses(tmp_path: Path, corpus: tuple[Path, Path], vendor: str, name: str, problem: str) -> None:
    raw, manifest = corpus
    before = manifest.read_bytes()
    src = tmp_path / name
    src.write_text(TEXT, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        register_policy(src, vendor, "Acme", raw, manifest)
    assert manifest.read_bytes() == before and not any(raw.iterdir())


def test_project_manifest_is_untouched() -> None:
    assert {r.vendor for r in read_manifest(str(MANIFEST_PATH))} == {p.stem for p in RAW_POLICIES_DIR.glob("*.txt")}
