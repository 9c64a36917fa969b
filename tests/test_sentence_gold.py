"""Sentence-level gold labels: rebuilt from the coders' files, verbatim, and scored correctly."""
from __future__ import annotations

import pandas as pd

from analysis import evaluate as E
from analysis import sentence_gold as G
from analysis.paths import RAW_POLICIES_DIR


def test_gold_file_is_what_the_coders_files_give() -> None:
    committed = G.load_gold()
    rebuilt = pd.DataFrame(G.build_gold(), columns=G.GOLD_COLUMNS).astype(committed.dtypes.to_dict())
    pd.testing.assert_frame_equal(committed, rebuilt)


def test_gold_evidence_is_verbatim_and_labels_are_known() -> None:
    gold = G.load_gold()
    for vendor, g in gold.groupby("vendor"):
        text = (RAW_POLICIES_DIR / f"{vendor}.txt").read_text(encoding="utf-8-sig")
        for a, b, ev in zip(g["start"], g["end"], g["evidence"]):
            assert text[a:b] == ev
    assert set(gold["polarity"]) <= {"states", "denies", "none"}
    assert set(gold["certainty"]) <= {"clear", "ambiguous"}
    assert not ((gold["polarity"] == "none") & (gold["certainty"] == "clear")).any()


def test_agreement_is_reported_per_dimension() -> None:
    agr = G.agreement().set_index("dimension")
    assert list(agr.index) == ["data_type", "permission", "recipient", "right", "practice", "all"]
    assert ((agr["kappa"] > 0) & (agr["kappa"] <= 1)).all()
    assert agr.loc["all", "coder_A"] == sum(agr.loc[d, "coder_A"] for d in agr.index[:-1])


def _frame(rows: list[tuple], cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=cols)


def test_judge_sentences_counts_overlap_ambiguity_and_polarity() -> None:
    gcols = ["vendor", "dimension", "code", "polarity", "certainty", "start", "end"]
    gold = _frame([("v", "right", "right.access", "states", "clear", 0, 10),      # found
                   ("v", "right", "right.access", "states", "clear", 20, 30),     # missed
                   ("v", "right", "right.access", "none", "ambiguous", 40, 50),   # not scored
                   ("v", "right", "right.erasure", "denies", "clear", 60, 70)], gcols)
    pcols = ["vendor", "dimension", "code", "polarity", "start", "end"]
    pred = _frame([("v", "right", "right.access", "states", 2, 12),   # overlaps gold 0-10: TP
                   ("v", "right", "right.access", "states", 41, 49),  # ambiguous: left out
                   ("v", "right", "right.access", "states", 80, 90),  # FP
                   ("v", "right", "right.erasure", "states", 60, 70)], pcols)  # denial taken as statement: FP
    judged = E.judge_sentences(gold, pred)
    assert sorted(judged["outcome"]) == ["FN", "FP", "FP", "TP", "ambiguous"]
    s = E.scores(judged).set_index("dimension").loc["all"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 2, 1)
    denied = E.judge_sentences(gold, pred, "denies")
    assert list(denied["outcome"]) == ["FN"]
