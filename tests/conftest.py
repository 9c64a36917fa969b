"""Shared fixtures: project paths, a CLI runner, synthetic policies, and a guard on raw data.

The guard hashes every file under ``data/raw`` before the session and checks the hashes
afterwards, so any test (or code under test) that modifies raw data fails the run.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "data" / "raw"
RAW_POLICIES = RAW_DIR / "policies"
PROCESSED = ROOT / "data" / "processed"
MANIFEST = RAW_DIR / "manifest.csv"
TABLE_FILES = ("sentences.csv", "practices.csv", "facts.csv", "metrics.csv")
# Neutral filler: no data type, recipient, right or practice of the codebook in it.
FILLER = ("This text is part of a short test document that has been written only to check how the "
          "tool behaves, and it says nothing else at all.")


def _tree_hashes(base: Path) -> dict[str, str]:
    return {str(p.relative_to(base)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(base.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def raw_data_unchanged() -> Iterator[None]:
    """Fail the session if any file under data/raw was added, removed or modified."""
    before = _tree_hashes(RAW_DIR)
    yield
    after = _tree_hashes(RAW_DIR)
    assert after == before, "data/raw was modified by the test session; raw data must never change"


def run_cli(*args: str, cwd: Path | str | None = None, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m analysis ARGS`` with the test interpreter; capture text output (pipes)."""
    full_env = {**os.environ, "PYTHONHASHSEED": "0", **(env or {})}
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """The :func:`run_cli` helper as a fixture."""
    return run_cli


@pytest.fixture(scope="session")
def raw_extract_j1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output directory of one serial CLI extraction of data/raw/policies (shared by tests)."""
    out = tmp_path_factory.mktemp("raw_j1")
    proc = run_cli("extract", str(RAW_POLICIES), "--out", str(out), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    return out


def policy_text(*sentences: str) -> str:
    """Join sentences into a policy body long enough for the loader (two filler sentences added)."""
    return " ".join((*sentences, FILLER, FILLER)) + "\n"


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[..., Path]:
    """Write a policy file under tmp_path: ``write_policy("name.txt", "text")`` (bytes allowed)."""
    def _write(name: str, content: str | bytes | None = None) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            content = policy_text("We collect your e-mail address when you register an account.")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path
    return _write


def error_lines(stderr: str) -> list[str]:
    """Non-empty stderr lines."""
    return [line for line in stderr.splitlines() if line.strip()]


def assert_one_error_line(proc: subprocess.CompletedProcess[str], names: list[str], problem: str) -> None:
    """Exit 2, no traceback, and exactly one stderr line that names every file and the problem."""
    lines = error_lines(proc.stderr)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert len(lines) == 1, proc.stderr
    for name in names:
        assert name in lines[0], (name, lines[0])
    assert problem.lower() in lines[0].lower(), (problem, lines[0])
