"""Batch engines give identical outputs; the progress bar shows only on a terminal."""
from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from conftest import RAW_POLICIES, TABLE_FILES, policy_text, run_cli

from analysis.batch import run_job, run_local

TQDM_MARKS = ("%|", "it/s", "policy/s", "s/policy")


def assert_same_outputs(a: Path, b: Path) -> None:
    for name in TABLE_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_two_workers_match_one(raw_extract_j1: Path, tmp_path: Path) -> None:
    proc = run_cli("extract", str(RAW_POLICIES), "--out", str(tmp_path), "-j", "2")
    assert proc.returncode == 0, proc.stderr
    assert_same_outputs(raw_extract_j1, tmp_path)


def test_dask_engine_matches_local(raw_extract_j1: Path, tmp_path: Path) -> None:
    """A local Dask cluster with two worker processes writes the same bytes."""
    proc = run_cli("extract", str(RAW_POLICIES), "--out", str(tmp_path), "--engine", "dask", "-j", "2",
                   timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert_same_outputs(raw_extract_j1, tmp_path)


def test_dask_engine_uses_a_given_scheduler(raw_extract_j1: Path, tmp_path: Path) -> None:
    """``--scheduler ADDRESS`` sends the work to an existing cluster (here a local one)."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        proc = run_cli("extract", str(RAW_POLICIES), "--out", str(tmp_path), "--engine", "dask",
                       "--scheduler", cluster.scheduler_address, timeout=90)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        keys = {str(entry[0]) for entry in cluster.scheduler.transition_log}
        assert any(k.startswith("run_jobs") for k in keys), "the jobs ran on the given cluster"
    assert_same_outputs(raw_extract_j1, tmp_path)


def test_workers_report_bad_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "a_good.txt").write_text(policy_text("We collect your name."), encoding="utf-8")
    (tmp_path / "b_bad.txt").write_bytes(b"")
    (tmp_path / "c_good.txt").write_text(policy_text("We collect your phone number."), encoding="utf-8")
    jobs = [(p.stem, str(p)) for p in sorted(tmp_path.iterdir())]
    outcomes = list(run_local(jobs, workers=2))
    assert [job for job, _, _ in outcomes] == jobs
    assert [error is None for _, _, error in outcomes] == [True, False, True]
    assert "b_bad.txt: is empty" in outcomes[1][2]


def test_dask_chunks_keep_job_order_and_report_bad_files(tmp_path: Path) -> None:
    """Dask tasks analyse several files each; outcomes still come back one per job, in order."""
    from analysis.batch import run_dask

    sentences = ["We collect your name.", "We collect your phone number.", "We share data with advertisers.",
                 "You may delete your account.", "We keep logs for 30 days."]
    for i, sentence in enumerate(sentences):
        (tmp_path / f"p{i}_good.txt").write_text(policy_text(sentence), encoding="utf-8")
    (tmp_path / "p2_bad.txt").write_bytes(b"\x00\x01binary")
    jobs = [(p.stem, str(p)) for p in sorted(tmp_path.iterdir())]
    local = list(run_local(jobs))
    chunked = list(run_dask(jobs, workers=1, chunk=2, window=2))
    assert [(job, error) for job, _, error in chunked] == [(job, error) for job, _, error in local]
    assert [r.practices if r else None for _, r, _ in chunked] == [r.practices if r else None for _, r, _ in local]
    assert sum(error is not None for _, _, error in chunked) == 1


def test_run_job_never_raises_for_bad_input(tmp_path: Path) -> None:
    job, result, error = run_job(("x", str(tmp_path / "missing.txt")))
    assert result is None and error == f"{tmp_path / 'missing.txt'}: does not exist"


def test_progress_bar_is_quiet_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    proc = run_cli("extract", str(RAW_POLICIES / "smartmi.txt"), str(RAW_POLICIES / "imou.txt"),
                   "--out", str(tmp_path))
    assert proc.returncode == 0
    assert not any(mark in proc.stderr for mark in TQDM_MARKS), proc.stderr
    assert "\r" not in proc.stderr
    assert proc.stderr.strip() == f"extracted 2 of 2 policies into {tmp_path}"


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_shows_on_a_terminal(tmp_path: Path) -> None:
    """The counterpart of the test above: with a terminal on stderr the bar is drawn (and -q hides it)."""
    def stderr_on_tty(*extra: str) -> str:
        primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 24x100 terminal
        try:
            proc = subprocess.Popen([sys.executable, "-m", "analysis", "extract", str(RAW_POLICIES / "smartmi.txt"),
                                     "--out", str(tmp_path / "out"), *extra], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=secondary)
        finally:
            os.close(secondary)  # the child keeps its copy; reading ends when the child exits
        chunks = []
        try:
            while chunk := os.read(primary, 65536):  # read while it runs so it never blocks on a full pty
                chunks.append(chunk)
        except OSError:  # EIO: the child closed the terminal
            pass
        finally:
            os.close(primary)
        assert proc.wait(timeout=120) == 0
        return b"".join(chunks).decode("utf-8", "replace")

    assert "%|" in stderr_on_tty()
    quiet = stderr_on_tty("--quiet")
    assert not any(mark in quiet for mark in TQDM_MARKS)


def test_extraction_path_does_not_import_pandas() -> None:
    """The CLI, its workers and the CSV writer only handle row tuples; importing pandas
    (about 0.3 s) would slow every start of the command and of every worker process."""
    code = ("import sys, analysis.cli, analysis.batch, analysis.outputs, analysis.pipeline; "
            "from analysis.batch import run_job; "
            f"run_job(('p', {str(sorted(RAW_POLICIES.glob('*.txt'))[0])!r})); "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_documents_analysed_together_equal_each_analysed_alone() -> None:
    """``analyse_many`` runs stage by stage over a chunk; nothing may leak between documents."""
    from analysis.loader import read_policy
    from analysis.pipeline import analyse, analyse_many

    docs = [read_policy(p) for p in sorted(RAW_POLICIES.glob("*.txt"))]
    together = analyse_many(docs + docs[::-1])
    alone = [analyse(d) for d in docs + docs[::-1]]
    assert together == alone
    assert analyse_many([]) == []


def test_a_chunk_reports_each_bad_file_and_analyses_the_others(tmp_path: Path) -> None:
    from analysis.batch import run_jobs

    (tmp_path / "a.txt").write_text(policy_text("We collect your name."), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text(policy_text("We share data with advertisers."), encoding="utf-8")
    (tmp_path / "d.html").write_text("<nav>Home</nav>", encoding="utf-8")
    jobs = [(p.stem, str(p)) for p in sorted(tmp_path.iterdir())]
    outcomes = run_jobs(jobs)
    assert [job for job, _, _ in outcomes] == jobs
    assert [r is not None for _, r, _ in outcomes] == [True, False, True, False]
    assert [r for _, r, _ in outcomes] == [run_job(job)[1] for job in jobs]
    assert "b.txt: is empty" in outcomes[1][2] and "d.html" in outcomes[3][2]


def test_a_bug_in_the_analysis_is_reported_for_its_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If analysing a chunk fails, the files are analysed one by one and only the culprit fails."""
    import analysis.batch as batch

    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(policy_text("We collect your name."), encoding="utf-8")
    real = batch.analyse

    def fragile(doc, book=None):  # noqa: ANN001, ANN202 - a stand-in with a bug on one document
        if doc.vendor == "b":
            raise ZeroDivisionError("division by zero")
        return real(doc, book)

    def fragile_many(docs, book=None):  # noqa: ANN001, ANN202
        return [fragile(d, book) for d in docs]

    monkeypatch.setattr(batch, "analyse", fragile)
    monkeypatch.setattr(batch, "analyse_many", fragile_many)
    jobs = [(p.stem, str(p)) for p in sorted(tmp_path.iterdir())]
    outcomes = batch.run_jobs(jobs)
    assert [r is not None for _, r, _ in outcomes] == [True, False, True]
    assert outcomes[1][2] == f"{tmp_path / 'b.txt'}: internal error ZeroDivisionError: division by zero"


def test_local_chunks_cover_every_job_in_order() -> None:
    from analysis.batch import chunks

    jobs = [(f"v{i}", f"p{i}") for i in range(100)]
    for workers in (1, 2, 7):
        parts = chunks(jobs, workers)
        assert [job for part in parts for job in part] == jobs
        assert max(map(len, parts)) <= 16 and (len(parts) >= 4 * workers or len(parts[0]) == 1)
    assert chunks([], 2) == []


def test_a_chunk_is_analysed_in_groups_of_bounded_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk of large files is analysed a few at a time, so memory does not grow with file size."""
    import analysis.batch as batch

    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.txt").write_text(policy_text("We collect your name."), encoding="utf-8")
    jobs = [(p.stem, str(p)) for p in sorted(tmp_path.iterdir())]
    sizes: list[int] = []
    real = batch.analyse_many

    def recording(docs, book=None):  # noqa: ANN001, ANN202
        sizes.append(len(docs))
        return real(docs, book)

    monkeypatch.setattr(batch, "analyse_many", recording)
    together = batch.run_jobs(jobs)
    assert sizes == [4]
    one_text = len((tmp_path / "a.txt").read_text(encoding="utf-8"))
    monkeypatch.setattr(batch, "GROUP_CHARS", 2 * one_text)
    sizes.clear()
    assert batch.run_jobs(jobs) == together
    assert sizes == [2, 2]
