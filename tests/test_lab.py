"""JupyterLab as a newcomer meets it: ``make lab`` starts (as root too) and lists each notebook once.

The listing is what JupyterLab's file browser shows: the server's contents API. With
``notebooks/jupytext.toml`` only ``.ipynb`` files are notebooks; the paired ``.py`` twins are
plain files (they open in the text editor), and saving a notebook still updates its twin.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _listing(root: Path) -> dict[str, str]:
    """name -> type, as the Jupytext contents manager (the one JupyterLab uses) lists ``root``."""
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(root))
    listing = asyncio.run(manager.get(""))
    return {c["name"]: c["type"] for c in listing["content"]}


def test_each_notebook_listed_once_and_twins_open_as_text() -> None:
    listing = _listing(NOTEBOOKS)
    notebooks = sorted(n for n, t in listing.items() if t == "notebook")
    assert notebooks == sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for twin in NOTEBOOKS.glob("[0-9][0-9]_*.py"):
        assert listing[twin.name] == "file", twin.name


def test_saving_a_notebook_updates_its_text_twin(tmp_path: Path) -> None:
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    copy = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, copy)
    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(copy))

    async def edit_and_save() -> None:
        model = await manager.get("01_corpus.ipynb")
        model["content"]["cells"][0]["source"] += "\n\nEdited in JupyterLab."
        await manager.save(model, "01_corpus.ipynb")

    asyncio.run(edit_and_save())
    assert "# Edited in JupyterLab." in (copy / "01_corpus.py").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_lab_starts_and_lists_notebooks_once() -> None:
    """``make lab`` starts the server (as root with a note) and its contents API lists each notebook once."""
    if subprocess.run(["make", "-q", "install"], cwd=ROOT, capture_output=True).returncode != 0:
        pytest.skip("the .venv is older than requirements.lock/pyproject.toml: 'make lab' would rebuild it "
                    "under the running tests (make test installs first)")
    port, token = _free_port(), "policy-lens-test"
    opts = f"--no-browser --port={port} --ServerApp.token={token} --ServerApp.port_retries=0"
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_OPTS={opts}"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env={**os.environ, "PYTHON": os.environ.get("PYTHON", "python3.11")})
    try:
        url = f"http://127.0.0.1:{port}/api/contents/?token={token}"
        deadline, listing = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - local server
                    listing = {c["name"]: c["type"] for c in json.load(resp)["content"]}
                break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer (make lab exited or timed out)"
        assert sorted(n for n, t in listing.items() if t == "notebook") == sorted(
            p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    if os.geteuid() == 0:
        assert "note: running as root" in output and "--allow-root" in output
    assert "Running as root is not recommended" not in output
