"""``python -m analysis``: outputs, vendor ids, bad input, fail-fast, atomic and interrupted runs."""
from __future__ import annotations

import copy
import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import (
    MANIFEST,
    PROCESSED,
    RAW_POLICIES,
    ROOT,
    TABLE_FILES,
    assert_one_error_line,
    error_lines,
    policy_text,
    run_cli,
)

import analysis.cli
from analysis.corpus import read_manifest
from analysis.outputs import TableWriter
from analysis.schema import SCHEMAS

GOOD = policy_text("We collect your e-mail address when you register an account.")
SENTINEL = "sentinel: previous output, must survive\n"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def put_sentinels(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLE_FILES:
        (out / name).write_text(SENTINEL, encoding="utf-8")


def assert_sentinels(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == sorted(TABLE_FILES), "temporary files left behind"
    for name in TABLE_FILES:
        assert (out / name).read_text(encoding="utf-8") == SENTINEL, name


# --------------------------------------------------------------------------- good input

def test_raw_directory_gives_four_utf8_csvs(raw_extract_j1: Path) -> None:
    assert sorted(p.name for p in raw_extract_j1.iterdir()) == sorted(TABLE_FILES)
    slugs = {r.vendor for r in read_manifest()}
    for name in TABLE_FILES:
        data = (raw_extract_j1 / name).read_bytes()
        text = data.decode("utf-8")  # raises if not UTF-8
        assert b"\r\n" not in data and not text.startswith("\ufeff")
        header = text.split("\n", 1)[0].split(",")
        assert header == list(SCHEMAS[name.removesuffix(".csv")])
        assert {r["vendor"] for r in read_rows(raw_extract_j1 / name)} <= slugs
    assert {r["vendor"] for r in read_rows(raw_extract_j1 / "metrics.csv")} == slugs


def test_output_mode_is_not_owner_only(raw_extract_j1: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    for name in TABLE_FILES:
        assert (raw_extract_j1 / name).stat().st_mode & 0o777 == 0o666 & ~umask


def test_committed_outputs_are_byte_identical_to_a_fresh_run(raw_extract_j1: Path) -> None:
    """data/processed is what the CLI produces from data/raw (stale outputs fail: regenerate)."""
    for name in TABLE_FILES:
        assert (raw_extract_j1 / name).read_bytes() == (PROCESSED / name).read_bytes(), name


def test_success_message_and_quiet(tmp_path: Path, write_policy: Callable[..., Path]) -> None:
    path = write_policy("acme.txt", GOOD)
    loud = run_cli("extract", str(path), "--out", str(tmp_path / "a"))
    assert loud.returncode == 0 and error_lines(loud.stderr) == [f"extracted 1 of 1 policies into {tmp_path / 'a'}"]
    quiet = run_cli("extract", str(path), "--out", str(tmp_path / "b"), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


HTML_POLICY = """<!DOCTYPE html>
<html lang="en"><head><title>TITLETOKEN</title>
<style>body { font-family: STYLETOKEN; }</style>
<script>window.analytics = "SCRIPTTOKEN";</script></head>
<body>
<header><a href="/">HEADERTOKEN</a></header>
<nav><ul><li><a href="/shop">NAVTOKEN Shop</a></li><li><a href="/help">Help</a></li></ul></nav>
<main>
<h1>Lamp Company Privacy Policy</h1>
<p>This policy explains how the Lamp Company handles personal information when you use our lamps and app.</p>
<h2>1. Information We Collect</h2>
<p>We collect the following information when you create an account:</p>
<ul>
  <li>your name and e-mail address;</li>
  <li>your phone number.</li>
</ul>
<p>We do not sell your personal information.</p>
</main>
<footer>FOOTERTOKEN &copy; 2024</footer>
</body></html>
"""


def test_html_policy(tmp_path: Path) -> None:
    page = tmp_path / "lamp_co.html"
    page.write_text(HTML_POLICY, encoding="utf-8")
    proc = run_cli("extract", str(page), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    rows = read_rows(tmp_path / "out" / "sentences.csv")
    assert {r["vendor"] for r in rows} == {"lamp_co"}
    everything = "\n".join(r["text"] + r["section"] for r in rows)
    for token in ("TITLETOKEN", "STYLETOKEN", "SCRIPTTOKEN", "HEADERTOKEN", "NAVTOKEN", "FOOTERTOKEN", "<", "&copy;"):
        assert token not in everything, token
    kinds = {r["text"]: r["kind"] for r in rows}
    assert kinds["your name and e-mail address;"] == "list_item"
    assert kinds["your phone number."] == "list_item"
    assert kinds["1. Information We Collect"] == "heading"
    codes = {r["code"] for r in read_rows(tmp_path / "out" / "practices.csv")}
    assert {"contact.email", "contact.phone", "practice.no_sale"} <= codes


def test_registered_content_gets_manifest_slug_whatever_its_name(tmp_path: Path) -> None:
    """A file is recognised by its sha256, never by its name (issue 11): a renamed copy of a
    registered policy gets the slug, another text under the registered file name its stem, and
    two copies of one registered policy are extracted once, the second reported."""
    reg = read_manifest()[0]
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(RAW_POLICIES / f"{reg.vendor}.txt", src / "renamed_copy.txt")
    (src / reg.source_file).write_text(GOOD, encoding="utf-8")
    proc = run_cli("extract", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    vendors = [r["vendor"] for r in read_rows(tmp_path / "out" / "metrics.csv")]
    assert vendors == sorted([reg.vendor, Path(reg.source_file).stem])
    shutil.copyfile(RAW_POLICIES / f"{reg.vendor}.txt", src / "second_copy.txt")
    proc = run_cli("extract", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert f"is the same registered policy '{reg.vendor}' as" in proc.stderr, proc.stderr
    assert [r["vendor"] for r in read_rows(tmp_path / "out" / "metrics.csv")] == vendors


def test_manifest_command_verifies_raw_data() -> None:
    before = MANIFEST.read_bytes()
    proc = run_cli("manifest")
    assert proc.returncode == 0, proc.stderr
    assert f"{len(read_manifest())} registered policies" in proc.stderr
    assert MANIFEST.read_bytes() == before


# --------------------------------------------------------------------------- bad input

def _empty(tmp: Path) -> list[Path]:
    (tmp / "empty.txt").write_bytes(b"")
    return [tmp / "empty.txt"]


def _whitespace(tmp: Path) -> list[Path]:
    (tmp / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    return [tmp / "blank.txt"]


def _binary(tmp: Path) -> list[Path]:
    (tmp / "blob.txt").write_bytes(b"\x00\x01\x02" + GOOD.encode())
    return [tmp / "blob.txt"]


def _latin1(tmp: Path) -> list[Path]:
    (tmp / "latin1.txt").write_bytes(GOOD.replace("e-mail", "é-mail").encode("latin-1"))
    return [tmp / "latin1.txt"]


def _utf16(tmp: Path) -> list[Path]:
    (tmp / "wide.txt").write_bytes(GOOD.encode("utf-16"))
    return [tmp / "wide.txt"]


def _nav_only(tmp: Path) -> list[Path]:
    (tmp / "nav.html").write_text("<html><body><nav><a href='/'>Home</a> <a href='/p'>Privacy</a></nav>"
                                  "<script>track()</script></body></html>", encoding="utf-8")
    return [tmp / "nav.html"]


def _huge(tmp: Path) -> list[Path]:
    with (tmp / "huge.txt").open("wb") as fh:
        fh.truncate(50_000_000)  # sparse file: instant
    return [tmp / "huge.txt"]


def _pdf(tmp: Path) -> list[Path]:
    (tmp / "policy.pdf").write_bytes(b"%PDF-1.4\n" + GOOD.encode())
    return [tmp / "policy.pdf"]


def _fifo(tmp: Path) -> list[Path]:
    os.mkfifo(tmp / "pipe.txt")  # reading would block forever: must be refused, not opened
    return [tmp / "pipe.txt"]


def _under_a_file(tmp: Path) -> list[Path]:
    (tmp / "afile.txt").write_text(GOOD, encoding="utf-8")
    return [tmp / "afile.txt" / "policy.txt"]


def _dangling(tmp: Path) -> list[Path]:
    (tmp / "dangling.txt").symlink_to(tmp / "deleted.txt")
    return [tmp / "dangling.txt"]


def _same_vendor(tmp: Path) -> list[Path]:
    (tmp / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp / "a.html").write_text(f"<p>{GOOD}</p>", encoding="utf-8")
    return [tmp / "a.txt", tmp / "a.html"]


def _empty_dir(tmp: Path) -> list[Path]:
    (tmp / "nothing_here").mkdir()
    return [tmp / "nothing_here"]


def _missing(tmp: Path) -> list[Path]:
    return [tmp / "missing.txt"]


BAD_INPUTS: dict[str, tuple[Callable[[Path], list[Path]], str]] = {
    "empty": (_empty, "is empty"),
    "whitespace": (_whitespace, "only whitespace"),
    "binary": (_binary, "binary"),
    "invalid_utf8": (_latin1, "not valid UTF-8"),
    "utf16_bom": (_utf16, "UTF-16"),
    "html_navigation_only": (_nav_only, "no main text"),
    "50MB": (_huge, "too large"),
    "pdf": (_pdf, "unsupported file type '.pdf'"),
    "unreadable_fifo": (_fifo, "not a regular file"),
    "unreadable_parent_is_file": (_under_a_file, "cannot be read"),
    "broken_symlink": (_dangling, "broken symbolic link"),
    "same_vendor_id": (_same_vendor, "same vendor id 'a'"),
    "directory_without_policies": (_empty_dir, "no policy files"),
    "missing": (_missing, "does not exist"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    make, problem = BAD_INPUTS[case]
    inputs = make(tmp_path)
    out = tmp_path / "out"
    proc = run_cli("extract", *map(str, inputs), "--out", str(out), timeout=60)
    assert_one_error_line(proc, [str(p) for p in inputs], problem)
    assert not out.exists(), "nothing extracted, so nothing may be written"


def test_unreadable_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading; the FIFO and parent-is-a-file "
                        "cases of test_bad_input_is_one_line_and_exit_2 cover unreadable inputs")
        assert_one_error_line(run_cli("extract", str(path), "--out", str(tmp_path / "out")),
                              [str(path)], "permission denied")
    finally:
        path.chmod(0o644)


def test_batch_extracts_good_files_and_summarises_failures(tmp_path: Path) -> None:
    bad = _empty(tmp_path) + _binary(tmp_path) + _pdf(tmp_path)
    good = tmp_path / "acme.txt"
    good.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("extract", str(good), str(RAW_POLICIES / "smartmi.txt"), *map(str, bad), "--out", str(out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert {r["vendor"] for r in read_rows(out / "metrics.csv")} == {"acme", "smartmi"}
    lines = error_lines(proc.stderr)
    summary = lines.index(next(line for line in lines if line.startswith("extracted 2 of 5 policies")))
    assert "3 input problem(s)" in lines[summary]
    listed = lines[summary + 1:]
    assert len(listed) == 3
    for path in bad:
        assert sum(str(path) in line for line in listed) == 1, path
        assert sum(str(path) in line for line in lines[:summary]) == 1, path


def test_fail_fast_stops_at_first_problem_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    put_sentinels(out)
    bad = _binary(tmp_path)
    proc = run_cli("extract", str(RAW_POLICIES / "smartmi.txt"), str(bad[0]), "--out", str(out), "--fail-fast")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(bad[0]) in proc.stderr and "fail-fast" in proc.stderr
    assert_sentinels(out)


def test_fail_fast_on_planning_problem_reports_only_the_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    put_sentinels(out)
    proc = run_cli("extract", str(RAW_POLICIES / "imou.txt"), str(tmp_path / "gone1.txt"), str(tmp_path / "gone2.txt"),
                   "--out", str(out), "--fail-fast")
    assert proc.returncode == 2
    assert "gone1.txt" in proc.stderr and "gone2.txt" not in proc.stderr
    assert_sentinels(out)


def test_all_inputs_failing_leaves_previous_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    put_sentinels(out)
    inputs = _empty(tmp_path) + _binary(tmp_path)
    proc = run_cli("extract", *map(str, inputs), "--out", str(out))
    assert proc.returncode == 2
    assert "left unchanged" in proc.stderr
    assert_sentinels(out)


def test_out_is_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("keep", encoding="utf-8")
    assert_one_error_line(run_cli("extract", str(RAW_POLICIES / "imou.txt"), "--out", str(target)),
                          [str(target)], "must be a directory")
    assert target.read_text(encoding="utf-8") == "keep"


# --------------------------------------------------------------------------- codebook given with --codebook

def _codebook_case(tmp_path: Path, name: str, code: str, key: str, value: object) -> Path:
    data = yaml.safe_load((ROOT / "data" / "codebook.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    if key == "__copy__":
        data["codes"][code] = copy.deepcopy(data["codes"]["contact.email"])
    else:
        data["codes"][code][key] = value
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("name,code,key,value,problem", [
    ("unknown_code", "contact.telepathy", "__copy__", None, "unknown code"),
    ("invalid_regex", "contact.phone", "patterns", ["(?<=a+)b"], "invalid regex"),
    ("catastrophic", "contact.name", "patterns", ["(a+)+b"], "catastrophic"),
])
def test_bad_codebook_option(tmp_path: Path, name: str, code: str, key: str, value: object, problem: str) -> None:
    book = _codebook_case(tmp_path, name, code, key, value)
    out = tmp_path / "out"
    put_sentinels(out)
    proc = run_cli("extract", str(RAW_POLICIES / "imou.txt"), "--out", str(out), "--codebook", str(book))
    assert_one_error_line(proc, [str(book), code], problem)
    assert_sentinels(out)


# --------------------------------------------------------------------------- interrupted run (in-process)

def test_interrupted_run_keeps_previous_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    put_sentinels(out)
    calls = []

    def interrupt(self: TableWriter, rows: dict) -> None:
        calls.append(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(TableWriter, "add", interrupt)
    status = analysis.cli.main(["extract", str(RAW_POLICIES / "imou.txt"), str(RAW_POLICIES / "smartmi.txt"),
                                "--out", str(out), "--quiet"])
    assert status == 130 and len(calls) == 1
    assert "interrupted" in capsys.readouterr().err
    assert_sentinels(out)


def test_failure_while_publishing_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error after rows were written (e.g. disk full) deletes the temporary files."""
    out = tmp_path / "out"
    put_sentinels(out)
    with pytest.raises(OSError), TableWriter(out) as writer:
        writer.add({"metrics": []})
        assert len(list(tmp_path.glob(".out.extract-*/*.csv"))) == 4  # a fresh directory beside out
        raise OSError("disk full")
    assert_sentinels(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_writer_publishes_header_only_tables(tmp_path: Path) -> None:
    with TableWriter(tmp_path / "new") as writer:
        writer.add({})
    for name in TABLE_FILES:
        assert (tmp_path / "new" / name).read_text(encoding="utf-8") == ",".join(SCHEMAS[name[:-4]]) + "\n"
