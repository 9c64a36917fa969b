"""Hostile input, interrupted runs and concurrent runs (issue 11): one test per reproduction.

Each case names the item of the issue it reproduces; before the fix each of them crashed,
hung, lost files silently or left mixed outputs.
"""
from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import RAW_POLICIES, TABLE_FILES, error_lines, policy_text, run_cli

import analysis
import analysis.cli
from analysis.batch import run_jobs, run_local
from analysis.codebook import compile_pattern, load_codebook
from analysis.corpus import plan_inputs, read_manifest
from analysis.errors import CodebookError, InputError
from analysis.loader import read_policy
from analysis.outputs import TableWriter
from analysis.schema import SCHEMAS

GOOD = policy_text("We collect your e-mail address when you register an account.")
LONG = "x" * 300


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr


def vendors(out: Path, table: str) -> set[str]:
    with (out / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return {row["vendor"] for row in csv.DictReader(fh)}


# --------------------------------------------------------------------------- 1. one bad entry

def test_symlink_loop_is_one_line_and_the_good_files_are_extracted(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "loop.txt").symlink_to("loop.txt")
    out = tmp_path / "out"
    proc = run_cli("extract", str(d), "--out", str(out))
    no_traceback(proc)
    assert proc.returncode == 2
    assert any("loop.txt" in line and "symbolic link loop" in line for line in error_lines(proc.stderr)), proc.stderr
    assert vendors(out, "metrics") == {"good"}


def test_name_component_over_255_chars_in_input_and_out(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    proc = run_cli("extract", str(good), str(tmp_path / LONG / "a.txt"), "--out", str(tmp_path / "out"))
    no_traceback(proc)
    assert proc.returncode == 2 and "name too long" in proc.stderr
    assert vendors(tmp_path / "out", "metrics") == {"good"}
    proc = run_cli("extract", str(good), "--out", str(tmp_path / LONG))
    no_traceback(proc)
    lines = error_lines(proc.stderr)
    assert proc.returncode == 2 and len(lines) == 1 and "--out" in lines[0] and "name too long" in lines[0], lines


def test_unreadable_subdirectory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(chmod 000 does not stop root, so the refusal is simulated where the walk lists a directory.)"""
    d = tmp_path / "d"
    (d / "locked").mkdir(parents=True)
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "locked" / "hidden_policy.txt").write_text(GOOD, encoding="utf-8")
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    jobs, problems = plan_inputs([d])
    assert [v for v, _ in jobs] == ["good"]
    assert [str(p) for p in problems] == [f"{d / 'locked'}: directory cannot be read (permission denied); "
                                          "its files were not searched"]


# --------------------------------------------------------------------------- 2. time

@pytest.mark.parametrize("text", [
    "Please contact us at" + " " * 60_000 + "x. " + GOOD,  # 43 s before
    "a-" * 50_000 + "@ " + GOOD,  # 11 s before (50 s at 200 KB)
], ids=["blank_contact", "email"])
def test_quadratic_inputs_take_milliseconds(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    t = time.perf_counter()
    [(_, result, error)] = run_jobs([("p", str(path))])
    assert error is None and result is not None
    assert time.perf_counter() - t < 5


@pytest.fixture(scope="module")
def big_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 4 MB of real policy text: 3-4 s of analysis, far over a budget of 1 s."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(RAW_POLICIES.glob("*.txt"))) * 40
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", [["-j", "1"], ["-j", "2"], ["--engine", "dask", "-j", "1"]],
                         ids=["j1", "j2", "dask"])
def test_time_budget_reports_the_slow_file_and_keeps_the_others(tmp_path: Path, big_policy: Path,
                                                                engine: list[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    t = time.perf_counter()
    proc = run_cli("extract", str(big_policy), str(good), "--out", str(out), "--time-budget", "1", *engine)
    no_traceback(proc)
    assert proc.returncode == 2
    assert any("big.txt" in line and "time budget of 1 s" in line for line in error_lines(proc.stderr)), proc.stderr
    assert vendors(out, "metrics") == {"good"}, proc.stderr
    assert time.perf_counter() - t < 60


def test_time_budget_in_the_api(big_policy: Path) -> None:
    with pytest.raises(InputError, match="time budget"):
        analysis.extract(big_policy, time_budget=1)
    assert len(analysis.extract(big_policy, time_budget=None)["metrics"]) == 1


def test_pathological_html_is_bounded_by_the_budget(tmp_path: Path) -> None:
    """Whatever the HTML extractor does with it, the file is handled or reported within its budget."""
    for name, html in {"a.html": "<a" * 80_000,
                       "b.html": "<p>" + "<b>" * 20_000 + "</i>" * 20_000 + GOOD + "</p>"}.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    t = time.perf_counter()
    proc = run_cli("extract", str(tmp_path / "a.html"), str(tmp_path / "b.html"), "--out", str(tmp_path / "out"),
                   "--time-budget", "2")
    no_traceback(proc)
    assert proc.returncode in (0, 2)
    assert time.perf_counter() - t < 15  # at worst: the pair's budget, then each file's (31 s + 22 s before)
    done = vendors(tmp_path / "out", "metrics") if (tmp_path / "out").exists() else set()
    for name in ("a", "b"):  # each file is extracted or reported on its own line
        assert name in done or any(f"{name}.html" in line for line in error_lines(proc.stderr)), proc.stderr


# --------------------------------------------------------------------------- 3. line breaks in fields

@pytest.mark.parametrize("brk", ["\r", "\r\n", "\u2028", "\x0b", "\x85"])
def test_any_line_break_reads_back_identically(tmp_path: Path, brk: str) -> None:
    text = f"We collect your e-mail address.{brk}We share it with partners{brk}for ads. " + GOOD
    (tmp_path / "p.txt").write_bytes(text.encode("utf-8"))
    out = tmp_path / "out"
    proc = run_cli("extract", str(tmp_path / "p.txt"), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tables = analysis.load_processed(str(out))
    doc = read_policy(tmp_path / "p.txt")
    for col, name in (("text", "sentences"), ("evidence", "practices"), ("evidence", "facts")):
        df = tables[name]
        assert all(doc.text[s:e] == v for s, e, v in zip(df["start"], df["end"], df[col]))
    assert any(brk in t for t in tables["sentences"]["text"]) or brk in ("\r\n",)


# --------------------------------------------------------------------------- 4. atomic set, lock, signals

def _previous(out: Path) -> None:
    proc = run_cli("extract", str(RAW_POLICIES / "imou.txt"), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr


def test_a_failure_between_renames_leaves_the_previous_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _previous(out)
    before = {n: (out / n).read_bytes() for n in TABLE_FILES}
    import analysis.outputs as outputs

    monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)  # the rename-each path
    real, calls = os.replace, []

    def failing(a: object, b: object) -> None:
        calls.append(b)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)
    proc = analysis.cli.main(["extract", str(RAW_POLICIES / "smartmi.txt"), "--out", str(out), "--quiet"])
    monkeypatch.setattr(os, "replace", real)
    assert proc == 2
    assert {n: (out / n).read_bytes() for n in TABLE_FILES} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no fresh directory left behind


def test_concurrent_runs_on_one_out_never_mix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = [str(RAW_POLICIES / "imou.txt"), str(RAW_POLICIES / "smartmi.txt")]
    b = [str(RAW_POLICIES / "nanolux.txt"), str(RAW_POLICIES / "unnamed_in.txt")]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    for _ in range(2):
        procs = [subprocess.Popen([sys.executable, "-m", "analysis", "extract", *paths, "--out", str(out), "--quiet"],
                                  stderr=subprocess.PIPE, text=True, env=env) for paths in (a, b, a, b)]
        for p in procs:
            assert p.wait(timeout=120) == 0, p.stderr.read() if p.stderr else ""
        sets = {name: vendors(out, name) for name in ("sentences", "practices", "facts", "metrics")}
        assert sets["metrics"] in ({"imou", "smartmi"}, {"nanolux", "unnamed_in"})
        assert all(v == sets["metrics"] for v in sets.values()), sets
        tables = analysis.load_processed(str(out))
        ids = set(zip(tables["sentences"]["vendor"], tables["sentences"]["sentence_id"]))
        assert set(zip(tables["practices"]["vendor"], tables["practices"]["sentence_id"])) <= ids
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "analysis", "extract", *args], stderr=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "PYTHONHASHSEED": "0"})


def _wait_for_rows(tmp_path: Path, proc: subprocess.Popen[str]) -> None:
    """Wait until the run is writing rows into its fresh directory (or has ended)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.stat().st_size > 1000 for p in tmp_path.glob(".out.extract-*/sentences.csv")):
            return
        time.sleep(0.05)


def _corpus(tmp_path: Path, n: int) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    text = (RAW_POLICIES / "imou.txt").read_text(encoding="utf-8")
    for i in range(n):
        (d / f"v{i:03d}.txt").write_text(text + f"\nCopy {i}.\n", encoding="utf-8")
    return d


def test_sigterm_leaves_no_temporary_files_and_the_previous_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _previous(out)
    before = {n: (out / n).read_bytes() for n in TABLE_FILES}
    corpus = _corpus(tmp_path, 300)
    proc = _start([str(corpus), "--out", str(out), "--quiet"], tmp_path)
    _wait_for_rows(tmp_path, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]
    assert {n: (out / n).read_bytes() for n in TABLE_FILES} == before


def test_ctrl_c_with_two_workers_prints_no_traceback(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 300)
    out = tmp_path / "out"
    proc = _start([str(corpus), "--out", str(out), "-j", "2", "--quiet"], tmp_path)
    _wait_for_rows(tmp_path, proc)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


# --------------------------------------------------------------------------- 5. output size

def test_output_size_is_linear_in_deeply_nested_headings(tmp_path: Path) -> None:
    """153 KB: 200 nested numbered headings, then 4,500 short sentences (239 MB of sentences.csv before)."""
    headings = "".join(f"{'.'.join(['1'] * k)} Section heading number {k}\n\n" for k in range(1, 201))
    body = "".join(f"Item {i} is noted here. " for i in range(4_500))
    path = tmp_path / "deep.txt"
    path.write_text(headings + body + "\n", encoding="utf-8")
    size = path.stat().st_size
    assert 140_000 < size < 170_000
    out = tmp_path / "out"
    proc = run_cli("extract", str(path), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    written = (out / "sentences.csv").stat().st_size
    assert written < 16 * size, written
    sections = analysis.load_processed(str(out))["sentences"]["section"]
    assert sections.str.len().max() <= 300


# --------------------------------------------------------------------------- 6. registration

def test_a_file_name_never_hijacks_a_vendor_id(tmp_path: Path) -> None:
    reg = read_manifest()[0]
    other = tmp_path / reg.source_file  # the registered file's original name, other content
    other.write_text(GOOD, encoding="utf-8")
    proc = run_cli("extract", str(other), "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert vendors(tmp_path / "out", "metrics") == {other.stem}
    renamed = tmp_path / "renamed.txt"  # the registered content under any name is recognised
    shutil.copyfile(RAW_POLICIES / f"{reg.vendor}.txt", renamed)
    assert analysis.extract(renamed)["metrics"]["vendor"].tolist() == [reg.vendor]


def test_a_stem_equal_to_a_registered_slug_with_other_content_is_refused(tmp_path: Path) -> None:
    impostor = tmp_path / "imou.txt"
    impostor.write_text(GOOD, encoding="utf-8")
    proc = run_cli("extract", str(impostor), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "registered policy but other content" in proc.stderr, proc.stderr


# --------------------------------------------------------------------------- 8. labels in figures

@pytest.mark.parametrize("label", ["Acme $5 or $10", r"$\foo$", "$"])
def test_dollar_labels_are_drawn_verbatim(tmp_path: Path, label: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.plotting import barh, grouped_barh, heatmap, save_figure

    matrix = pd.DataFrame([[1, 2], [0, 3]], index=[label, "Other"], columns=[label, "b"])
    fig, axes = plt.subplots(1, 3)
    heatmap(axes[0], matrix, title=label, groups=[(label, 2)])
    barh(axes[1], matrix[label], title=label, xlabel=label)
    grouped_barh(axes[2], matrix, title=label)
    save_figure(fig, "dollar", tmp_path)  # draws: math parsing would raise or garble here
    texts = [t for t in fig.findobj(matplotlib.text.Text) if "$" in t.get_text()]
    assert len(texts) >= 8  # ticks, titles, group name, legend
    assert not any(t._preprocess_math(t.get_text())[1] for t in texts)  # drawn as plain text, "$" included
    plt.close(fig)


# --------------------------------------------------------------------------- 9. the Python API

def test_api_takes_a_str_a_path_or_a_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.txt").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert analysis.extract("a/b.txt")["metrics"]["vendor"].tolist() == ["b"]
    assert analysis.extract(Path("a/b.txt"))["metrics"]["vendor"].tolist() == ["b"]
    assert analysis.extract(["a/b.txt"])["metrics"]["vendor"].tolist() == ["b"]
    for bad in ("", [""], []):
        with pytest.raises(InputError):
            analysis.extract(bad)


# --------------------------------------------------------------------------- 10. messages

@pytest.mark.parametrize("scheduler", ["not a url::", "tcp://127.0.0.1:1"])
def test_bad_scheduler_is_one_line(tmp_path: Path, scheduler: str) -> None:
    proc = run_cli("extract", str(RAW_POLICIES / "imou.txt"), "--out", str(tmp_path / "out"),
                   "--engine", "dask", "--scheduler", scheduler)
    no_traceback(proc)
    lines = error_lines(proc.stderr)
    assert proc.returncode == 2 and len(lines) == 1 and "--scheduler" in lines[0] and "--out" not in lines[0], lines


def test_evaluate_missing_processed_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("evaluate", "--processed", str(tmp_path / "missing"))
    no_traceback(proc)
    assert proc.returncode == 2 and len(error_lines(proc.stderr)) == 1 and "practices.csv" in proc.stderr


@pytest.mark.parametrize("value", ["-5", "0", "abc"])
def test_max_bytes_must_be_positive(tmp_path: Path, value: str) -> None:
    proc = run_cli("extract", str(RAW_POLICIES / "imou.txt"), "--out", str(tmp_path / "out"), "--max-bytes", value)
    assert proc.returncode == 2 and "--max-bytes" in proc.stderr and not (tmp_path / "out").exists()


def _codebook_with(tmp_path: Path, edit: object) -> Path:
    import yaml

    data = yaml.safe_load((Path(load_codebook().path)).read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("key, value", [("sources", "not a list"), ("implies", "data_retention_period"),
                                        ("implies", {"a": 1})])
def test_codebook_non_list_sources_or_implies(tmp_path: Path, key: str, value: object) -> None:
    def edit(data: dict) -> None:
        next(iter(data["codes"].values()))[key] = value

    book = _codebook_with(tmp_path, edit)
    with pytest.raises(CodebookError, match=f"'{key}' must be a list"):
        load_codebook(book)
    proc = run_cli("extract", str(RAW_POLICIES / "imou.txt"), "--out", str(tmp_path / "out"), "--codebook", str(book))
    no_traceback(proc)
    assert proc.returncode == 2 and len(error_lines(proc.stderr)) == 1


def test_codebook_not_utf8(tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_bytes(Path(load_codebook().path).read_bytes().replace(b"codes:", "codes: # caf\u00e9".encode("latin-1"), 1))
    proc = run_cli("extract", str(RAW_POLICIES / "imou.txt"), "--out", str(tmp_path / "out"), "--codebook", str(book))
    no_traceback(proc)
    assert proc.returncode == 2 and "not valid UTF-8" in proc.stderr


@pytest.mark.parametrize("pattern", [r"(?:a|aa)+$", r"(?:\w+|x)*y", r"(?:ab|a)+$", r"(a+)+$"])
def test_backtracking_check_refuses_ambiguous_repeats(pattern: str) -> None:
    with pytest.raises(CodebookError, match="backtrack"):
        compile_pattern("test", [pattern])


@pytest.mark.parametrize("pattern", [r"(?:ab|cd)+", r"\b(?:data|information)\s+(?:\w+\s+){0,3}?shared\b"])
def test_backtracking_check_accepts_unambiguous_repeats(pattern: str) -> None:
    compile_pattern("test", [pattern])


def test_newline_in_a_file_name_cannot_forge_an_error_line(tmp_path: Path) -> None:
    bad = tmp_path / "x\nerror: forged.txt"
    bad.write_text("short", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    proc = run_cli("extract", str(bad), str(good), "--out", str(tmp_path / "out"), "--quiet")
    no_traceback(proc)
    assert not any(line.startswith("error: forged") for line in proc.stderr.splitlines()), proc.stderr
    assert "x\\nerror: forged.txt" in proc.stderr


@pytest.mark.parametrize("codec, name", [("utf-32", "UTF-32"), ("utf-16", "UTF-16")])
def test_utf32_is_reported_as_utf32(tmp_path: Path, codec: str, name: str) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(GOOD.encode(codec))
    with pytest.raises(InputError, match=f"is {name} encoded"):
        read_policy(path)


# --------------------------------------------------------------------------- offsets and --write-text

def test_write_text_gives_the_text_offsets_count_in(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(f"<html><body><h1>Privacy</h1><p>{GOOD}</p></body></html>", encoding="utf-8")
    (tmp_path / "q.txt").write_bytes(b"\xef\xbb\xbf" + "Caf\u00e9 \U0001f600 policy.\r\n".encode() + GOOD.encode())
    out, texts = tmp_path / "out", tmp_path / "texts"
    proc = run_cli("extract", str(tmp_path / "p.html"), str(tmp_path / "q.txt"), "--out", str(out),
                   "--write-text", str(texts), "--quiet")
    assert proc.returncode == 0, proc.stderr
    sentences = analysis.load_processed(str(out))["sentences"]
    for vendor in ("p", "q"):
        with open(texts / f"{vendor}.txt", encoding="utf-8", newline="") as fh:
            text = fh.read()
        rows = sentences[sentences["vendor"] == vendor]
        assert len(rows) and all(text[s:e] == t for s, e, t in zip(rows["start"], rows["end"], rows["text"]))
    assert not (texts / "q.txt").read_bytes().startswith(b"\xef\xbb\xbf")


def test_writer_quotes_a_lone_cr(tmp_path: Path) -> None:
    with TableWriter(tmp_path / "o") as writer:
        writer.add({"sentences": [("v", 0, "a\rb", "sentence", 0, 3, "x\ry")]})
    df = analysis.load_processed(str(tmp_path / "o"))["sentences"]
    assert df["section"].tolist() == ["a\rb"] and df["text"].tolist() == ["x\ry"]
    assert list(df.columns) == list(SCHEMAS["sentences"])


def test_run_local_two_workers_report_budget(tmp_path: Path, big_policy: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    outcomes = list(run_local([("big", str(big_policy)), ("good", str(good))], workers=2, budget=1))
    assert outcomes[0][2] is not None and "time budget" in outcomes[0][2]
    assert outcomes[1][1] is not None
