"""External benchmarks on synthetic fixtures in the datasets' original formats (never on the corpora).

``tests/fixtures/benchmark/`` mimics OPP-115 (``sanitized_policies/*.html`` + ``annotations/*.csv``)
and GDPR-Transparency-200 (``policies/*.json``) with text written for these tests.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.benchmark import run
from analysis.benchmark.datasets import (ANY, DENIES, STATES, clean_segment, gdpr_value_codes, join_units,
                                         read_gdpr200, read_opp115)
from analysis.benchmark.report import README_BEGIN, README_END, markdown, to_json, update_readme
from analysis.benchmark.score import Predictions, policy_level, predictions, score, unit_at
from analysis.errors import InputError
from analysis.paths import PROJ_ROOT
from analysis.schema import SCHEMAS
from conftest import run_cli

FIX = Path(__file__).parent / "fixtures" / "benchmark"
OPP, GDPR = FIX / "opp115", FIX / "gdpr200"


# --- reading and text building ---------------------------------------------------------------------------

def test_opp115_text_units_and_ids() -> None:
    (p,) = read_opp115(OPP)
    assert p.pid == "7_example.org"
    # tags removed, entity unescaped, whitespace collapsed, empty segment 2 dropped, ids of the kept ones kept
    assert p.text.split("\n") == [
        "Privacy Policy",
        "We collect your email address when you register for an account.",
        "We may share your information with advertising partners & service providers.",
        "We do not sell your personal information to third parties.",
        "You may delete your account at any time. Write to us",
    ]
    assert [u.uid for u in p.units] == ["0", "1", "3", "4", "5"]
    for u, line in zip(p.units, p.text.split("\n")):
        assert p.text[u.start:u.end] == line


def test_clean_segment() -> None:
    assert clean_segment(" <strong>A&amp;B</strong>\n\t<br>  c&lt;d <ul><li>e</li></ul> ") == "A&B c<d e"
    assert clean_segment(" <br> <br> ") == ""


def test_opp115_majority_of_distinct_annotators() -> None:
    (p,) = read_opp115(OPP)
    assert p.gold == {
        # segment 1: two annotators (a third said Other) -> counts
        ("1", "First Party Collection/Use", STATES), ("1", "First Party Collection/Use", ANY),
        # segment 3: three of three
        ("3", "Third Party Sharing/Collection", STATES), ("3", "Third Party Sharing/Collection", ANY),
        # segment 4: two "Does Not" and one "Does": a denial, not a statement; either polarity: 3 votes
        ("4", "Third Party Sharing/Collection", DENIES), ("4", "Third Party Sharing/Collection", ANY),
    }  # segment 5: one annotator twice is one vote -> no item; "Other" is not a mapped category


def test_gdpr200_text_units_gold_and_value_words() -> None:
    (p,) = read_gdpr200(GDPR)  # the folder or its policies/ subfolder
    assert read_gdpr200(GDPR / "policies") == [p]
    assert p.pid == "org.example.app"
    assert p.text.split("\n")[:3] == ["Privacy Policy", "We collect your email address and your phone number when "
                                      "you sign up.", "Your rights"]
    assert [u.uid for u in p.units] == ["0", "1", "3", "4", "5", "6"]  # empty passage 2 dropped
    for u, line in zip(p.units, p.text.split("\n")):
        assert p.text[u.start:u.end] == line
    assert {g for g in p.gold if g[2] != ANY} == {
        ("1", "contact.email", STATES), ("1", "contact.phone", STATES), ("4", "right.access", STATES),
        ("5", "practice.intl_transfer", DENIES), ("6", "recipient.advertising", STATES),
        ("6", "recipient.third_parties", STATES),  # "third parties": the codebook's unspecified third parties
    }  # "usage data" and "Processing Purpose" map to no code


def test_value_words() -> None:
    assert gdpr_value_codes("Data Categories", "your e-mail address") == ["contact.email"]
    assert gdpr_value_codes("Data Categories", "personal data") == []
    assert gdpr_value_codes("Data Recipients", "advertising partners") == ["recipient.advertising"]
    assert gdpr_value_codes("Data Recipients", "law enforcement agencies") == ["recipient.authorities"]
    assert gdpr_value_codes("Processing Purpose", "email address") == []


# --- offsets and scoring -----------------------------------------------------------------------------------

def test_offset_to_unit() -> None:
    text, units = join_units([("0", "ab"), ("4", "cde"), ("9", "f")])
    assert text == "ab\ncde\nf"
    starts = [u.start for u in units]
    assert [unit_at(units, starts, i).uid for i in range(len(text))] == ["0", "0", "0", "4", "4", "4", "4", "9"]


def test_predictions_map_codes_units_and_polarity() -> None:
    (p,) = read_opp115(OPP)
    labels = {"contact.email": ("First Party Collection/Use",), "right.erasure": ("User Access, Edit and Deletion",)}
    hits = {p.pid: [("contact.email", p.text.index("email"), p.text.index("email") + 5, STATES),
                    ("contact.email", p.text.index("sell"), p.text.index("sell") + 4, DENIES),
                    ("device.info", 0, 3, STATES)]}  # a code with no label is not scored
    pred = predictions([p], hits, labels)
    assert pred.items == {(p.pid, "1", "First Party Collection/Use", STATES), (p.pid, "1", "First Party Collection/Use", ANY),
                          (p.pid, "4", "First Party Collection/Use", DENIES), (p.pid, "4", "First Party Collection/Use", ANY)}


def _by(rows: list[dict], **where: object) -> dict:
    (row,) = [r for r in rows if all(r[k] == v for k, v in where.items())]
    return row


def test_score_arithmetic_micro_and_macro() -> None:
    dims = {"X": "right", "Y": "right", "Z": "practice"}
    gold = {("a", "1", "X", STATES), ("a", "2", "X", STATES), ("a", "3", "X", STATES),
            ("a", "1", "Y", STATES), ("a", "2", "Y", STATES)}
    pred = {("a", "1", "X", STATES), ("a", "2", "X", STATES), ("a", "4", "X", STATES), ("a", "5", "X", STATES),
            ("a", "1", "Y", STATES), ("b", "1", "Z", DENIES)}
    labels, by_dim = score(gold, pred, dims)
    x = _by(labels, label="X", polarity=STATES)
    assert (x["tp"], x["fp"], x["fn"]) == (2, 2, 1)
    assert (x["precision"], x["recall"]) == (0.5, pytest.approx(2 / 3))
    assert x["f1"] == pytest.approx(4 / 7)  # 2PR/(P+R) = (2/3)/(7/6)
    y = _by(labels, label="Y", polarity=STATES)
    assert (y["precision"], y["recall"], y["f1"]) == (1.0, 0.5, pytest.approx(2 / 3))
    right = _by(by_dim, dimension="right", polarity=STATES)
    assert (right["tp"], right["fp"], right["fn"]) == (3, 2, 2)
    assert right["f1"] == pytest.approx(0.6)
    assert right["macro_f1"] == pytest.approx((4 / 7 + 2 / 3) / 2)
    z = _by(by_dim, dimension="practice", polarity=DENIES)  # a denial is scored against denials only
    assert (z["tp"], z["fp"], z["fn"], z["precision"], z["f1"]) == (0, 1, 0, 0.0, 0.0)
    assert _by(by_dim, dimension="practice", polarity=STATES)["fp"] == 0
    everything = _by(by_dim, dimension="all", polarity=STATES)
    assert (everything["tp"], everything["fp"], everything["fn"]) == (3, 2, 2)
    assert policy_level(gold) == {("a", "X", STATES), ("a", "Y", STATES)}


def test_predictions_record_their_evidence() -> None:
    pred = Predictions()
    pred.add("a", "1", "X", STATES, ("code", 3, 9))
    assert pred.why[("a", "1", "X", ANY)] == [("code", 3, 9)]


# --- end to end --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,path", [("opp115", OPP), ("gdpr200", GDPR)])
def test_run_end_to_end(name: str, path: Path) -> None:
    result, _ = run(name, path)
    assert result["polarity_reported"] == ("polarity" in SCHEMAS["practices"])
    rows = result["by_label"]
    label = "First Party Collection/Use" if name == "opp115" else "contact.email"
    email = _by(rows, system="extractor", level="evidence", polarity=STATES, label=label)
    assert (email["tp"], email["fn"]) == (1, 0)  # "We collect your email address ..." is found in its unit
    assert {r["system"] for r in rows} == {"extractor", "baseline"}
    assert not [r for r in rows if r["system"] == "baseline" and r["polarity"] == DENIES]
    assert to_json(run(name, path)[0]) == to_json(result)  # deterministic


def test_cli_json_csv_errors_and_denial_note(tmp_path: Path) -> None:
    proc = run_cli("benchmark", "gdpr200", str(GDPR), "--json", str(tmp_path / "r.json"),
                   "--csv", str(tmp_path / "csv"), "--errors", "2")
    assert proc.returncode == 0, proc.stderr
    assert "EVIDENCE LEVEL (passage x label)" in proc.stdout and "base F1" in proc.stdout
    assert "FALSE POSITIVE" in proc.stdout and "FALSE NEGATIVE" in proc.stdout
    if "polarity" not in SCHEMAS["practices"]:
        assert "denial scores are not available" in proc.stdout
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["benchmark"] == "gdpr200" and saved["policies"] == 1
    lines = (tmp_path / "csv" / "gdpr200_by_dimension.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("system,level,polarity,dimension,label,gold")
    assert len(lines) == 1 + len(saved["by_dimension"])


def _broken_opp(tmp_path: Path, csv_text: str) -> Path:
    root = tmp_path / "opp"
    shutil.copytree(OPP, root)
    (root / "annotations" / "7_example.org.csv").write_text(csv_text, encoding="utf-8")
    return root


def test_errors_are_one_line_naming_the_file(tmp_path: Path) -> None:
    cases = {}
    cases["missing"] = (["opp115", str(tmp_path / "nowhere")], "does not exist")
    cases["not the dataset"] = (["opp115", str(GDPR)], "sanitized_policies")
    short = _broken_opp(tmp_path / "a", "1,b,11,7,1,First Party Collection/Use\n")
    cases["short csv row"] = (["opp115", str(short)], "line 1: expected 9 columns, found 6")
    bad_seg = _broken_opp(tmp_path / "b", (OPP / "annotations" / "7_example.org.csv").read_text(encoding="utf-8")
                          .replace(",7,5,", ",7,99,"))
    cases["segment out of range"] = (["opp115", str(bad_seg)], "segment id '99'")
    bad_json = tmp_path / "g" / "policies"
    bad_json.mkdir(parents=True)
    (bad_json / "x.json").write_text('[{"passage": "a", "annotations": []},', encoding="utf-8")
    cases["invalid json"] = (["gdpr200", str(tmp_path / "g")], "is not valid JSON")
    no_perf = tmp_path / "h"
    no_perf.mkdir()
    (no_perf / "y.json").write_text('[{"passage": "a", "annotations": [{"requirement": "DPO Contact"}]}]',
                                    encoding="utf-8")
    cases["no performed"] = (["gdpr200", str(no_perf)], "true/false 'performed'")
    for case, (args, problem) in cases.items():
        proc = run_cli("benchmark", *args)
        assert proc.returncode == 2, case
        assert proc.stdout == "", case
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and problem in lines[0], (case, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_reader_errors_raise_input_error() -> None:
    with pytest.raises(InputError, match="holds no .json policies"):
        read_gdpr200(OPP)


# --- README ------------------------------------------------------------------------------------------------

def test_readme_block_is_generated_from_the_committed_json() -> None:
    readme = PROJ_ROOT / "README.md"
    results = [json.loads((PROJ_ROOT / "benchmarks" / "external" / f"{n}.json").read_text(encoding="utf-8"))
               for n in ("opp115", "gdpr200")]
    text = readme.read_text(encoding="utf-8")
    assert update_readme(readme, results) == text, "run make benchmark-external to regenerate the README block"
    block = text.split(README_BEGIN)[1].split(README_END)[0]
    assert "0.872" in block and markdown(results[0]) in block


def test_value_words_keep_specific_kinds_apart() -> None:
    assert gdpr_value_codes("Data Recipients", "our business partners") == ["recipient.service_providers"]
    assert gdpr_value_codes("Data Recipients", "electronic payment service provider") == ["recipient.payment"]
    assert gdpr_value_codes("Data Recipients", "joint venture partners") == ["recipient.affiliates"]


def test_json_is_valid_and_round_trips() -> None:
    result, _ = run("gdpr200", GDPR)
    assert json.loads(to_json(result)) == json.loads(json.dumps(result))
