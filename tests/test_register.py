"""Registering a new policy: byte-for-byte copy, manifest row, refusals."""
from __future__ import annotations

import hashlib
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import error_lines, run_cli

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


# issue 11: registration under a lock, no empty label

def test_concurrent_registrations_keep_both_rows(tmp_path: Path, corpus: tuple[Path, Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    raw, manifest = corpus
    import analysis.corpus as corpus_mod

    real = corpus_mod._write_atomic

    def slow_write(path: Path, data: bytes) -> None:
        time.sleep(0.3)  # both registrations have read the manifest before either writes it
        real(path, data)

    monkeypatch.setattr(corpus_mod, "_write_atomic", slow_write)
    errors = []

    def register(vendor: str) -> None:
        src = tmp_path / f"{vendor}.txt"
        src.write_text(TEXT + vendor + "\n", encoding="utf-8")
        try:
            register_policy(src, vendor, vendor.title(), raw, manifest)
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=register, args=(v,)) for v in ("acme", "bravo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    read_manifest.cache_clear()
    assert not errors
    assert {"acme", "bravo"} <= {r.vendor for r in read_manifest(str(manifest))}


def test_register_refuses_an_empty_label(tmp_path: Path, corpus: tuple[Path, Path]) -> None:
    raw, manifest = corpus
    src = tmp_path / "p.txt"
    src.write_text(TEXT, encoding="utf-8")
    for label in ("", "   "):
        with pytest.raises(InputError, match="label is empty"):
            register_policy(src, "acme", label, raw, manifest)
    proc = run_cli("register", str(src), "--vendor", "acme", "--label", "")
    assert proc.returncode == 2 and len(error_lines(proc.stderr)) == 1 and "label" in proc.stderr
