"""The figures quoted in the README agree with what the package computes from the committed outputs."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import evaluate as E
from analysis import load_processed
from analysis.corpus import vendor_labels
from analysis.paths import DATA_DIR, PROJ_ROOT

README = (PROJ_ROOT / "README.md").read_text(encoding="utf-8")
DIMS = ["data_type", "permission", "recipient", "right", "practice"]


def _table_rows(first_header: str) -> dict[str, list[str]]:
    lines = README[README.index(f"| {first_header} |"):].splitlines()
    rows = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_findings_table_matches_practices() -> None:
    practices = load_processed()["practices"]
    practices = practices[practices["polarity"] == "states"]
    rows = _table_rows("vendor")
    for vendor, label in vendor_labels().items():
        p = practices[practices["vendor"] == vendor]
        expected = [f"{p[p['dimension'] == d]['code'].nunique()} ({int((p['dimension'] == d).sum())})" for d in DIMS]
        assert rows[label] == expected, label


@pytest.fixture(scope="module")
def accuracy() -> pd.DataFrame:
    res = E.evaluate()
    dev = res["by_dimension"].set_index("dimension")
    base = res["baseline_by_dimension"].set_index("dimension")
    _, blind = E.score_sentences(E.load_sentence_items(DATA_DIR / "heldout" / "sentences_v2.yaml"))
    blind = blind.set_index("dimension")
    return pd.DataFrame({"f1": dev["f1"], "base": base["f1"], "recall": blind["recall"],
                         "precision": blind["strict_precision"]})


def test_accuracy_table_matches_evaluation(accuracy: pd.DataFrame) -> None:
    rows = _table_rows("dimension")
    for dim in [*DIMS, "all"]:
        quoted = [float(x) for x in rows[dim]]
        computed = [float(f"{float(v):.2f}") for v in accuracy.loc[dim]]  # as the notebooks print them
        assert quoted == computed, dim
    assert re.search(r"find (\d+)% of the codes", README).group(1) == f"{accuracy.loc['all', 'recall']:.0%}"[:-1]
