"""Score the extractor against the hand-coded labels in ``data/annotations/``.

Each label file holds one row per (vendor, code): ``present``, ``absent`` or
``ambiguous`` with the verbatim quote behind a ``present``. Ambiguous items are left
out of every score. A code counts as *predicted* for a vendor when the extractor
reports at least one supporting sentence for it.

Scores are reported the way OPP-115 and PoliGraph report them: precision, recall and
F1 per dimension, per code and per vendor; *micro* pools every (vendor, code) item of a
group, *macro* averages the per-code F1 of the codes in the group that have at least one
gold-present or predicted item (codes absent everywhere and never predicted carry no
information about either error).

The **baseline** predicts a code whenever any phrase of the code's label (the taxonomy's)
("Email address", "Postal / delivery / billing address" → "postal", "delivery",
"billing address"...) occurs anywhere in the policy, case-insensitively: plain keyword
matching with no context, negation or sentence structure.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from .codebook import DIMENSIONS
from .paths import ANNOTATIONS_DIR, PROCESSED_DIR, RAW_POLICIES_DIR

LABELS = ("present", "absent", "ambiguous")
LABEL_COLUMNS = ["vendor", "dimension", "code", "label", "quote", "note"]
# (?<!\s): a split starts at the first space of a run, never inside it (linear, same splits)
_LABEL_SPLIT = re.compile(r"(?<!\s)\s*(?:/|,|\(|\)|\band\b|\bor\b|;)\s*", re.IGNORECASE)
_STOP = frozenset({"", "e.g.", "etc", "other", "data", "the", "of", "a", "an", "to", "in", "on", "one's", "says",
                   "names", "gives", "has", "describes", "states", "that", "is", "not", "how", "long", "kept",
                   "with", "for", "by", "from", "it", "its", "s", "may", "be", "are", "users", "user"})


def load_labels(directory: str | Path = ANNOTATIONS_DIR) -> pd.DataFrame:
    """Read and check every ``<vendor>.csv`` label file; quotes must be in the raw text."""
    frames = []
    for path in sorted(Path(directory).glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(df.columns) != LABEL_COLUMNS:
            raise ValueError(f"{path}: columns must be {','.join(LABEL_COLUMNS)}")
        bad = sorted(set(df["label"]) - set(LABELS))
        if bad:
            raise ValueError(f"{path}: unknown label '{bad[0]}'")
        frames.append(df)
    if not frames:
        raise ValueError(f"{directory}: no label files")
    return pd.concat(frames, ignore_index=True).sort_values(["vendor", "dimension", "code"], kind="mergesort",
                                                            ignore_index=True)


def label_phrases(label: str) -> list[str]:
    """Keyword phrases of a taxonomy label, for the baseline."""
    parts = [p.strip(" .\"'").lower() for p in _LABEL_SPLIT.split(label)]
    return sorted({p for p in parts if p not in _STOP and len(p) > 2})


def baseline_predictions(vendors: list[str], raw_dir: str | Path = RAW_POLICIES_DIR) -> set[tuple[str, str]]:
    """(vendor, code) pairs predicted by plain keyword matching of the taxonomy labels."""
    from .codebook import load_codebook

    phrases = {c: label_phrases(label) for c, label in load_codebook().labels.items()}
    out = set()
    for v in vendors:
        text = (Path(raw_dir) / f"{v}.txt").read_text(encoding="utf-8-sig").lower()
        for code, ps in phrases.items():
            if any(re.search(r"\b" + re.escape(p) + r"\b", text) for p in ps):
                out.add((v, code))
    return out


def judge(labels: pd.DataFrame, predicted: set[tuple[str, str]]) -> pd.DataFrame:
    """One row per labelled (vendor, code): gold, predicted and outcome (TP/FP/FN/TN/ambiguous)."""
    df = labels[["vendor", "dimension", "code", "label", "quote", "note"]].copy()
    df["predicted"] = [(v, c) in predicted for v, c in zip(df["vendor"], df["code"])]
    gold = df["label"].eq("present")
    outcome = pd.Series("TN", index=df.index)
    outcome[gold & df["predicted"]] = "TP"
    outcome[~gold & df["predicted"]] = "FP"
    outcome[gold & ~df["predicted"]] = "FN"
    outcome[df["label"].eq("ambiguous")] = "ambiguous"
    df["outcome"] = outcome
    return df


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp else (0.0 if fp + fn else float("nan"))
    return p, r, f


def scores(judged: pd.DataFrame, by: str = "dimension") -> pd.DataFrame:
    """Precision, recall, F1 (micro) and macro-F1 per group of ``by`` (dimension/code/vendor), plus 'all'."""
    rows = []
    scored = judged[judged["outcome"] != "ambiguous"]
    groups = [(k, g) for k, g in scored.groupby(by, sort=False)] + [("all", scored)]
    for key, g in groups:
        n = g["outcome"].value_counts()
        tp, fp, fn, tn = (int(n.get(k, 0)) for k in ("TP", "FP", "FN", "TN"))
        p, r, f = _prf(tp, fp, fn)
        per_code = [_prf(*(int((c["outcome"] == k).sum()) for k in ("TP", "FP", "FN")))[2]
                    for _, c in g.groupby("code") if (c["outcome"].isin(["TP", "FP", "FN"])).any()]
        macro = float(pd.Series(per_code, dtype="float64").mean()) if per_code else float("nan")
        rows.append({by: key, "items": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                     "precision": p, "recall": r, "f1": f, "macro_f1": macro})
    out = pd.DataFrame(rows)
    if by == "dimension":
        order = {d: i for i, d in enumerate([*DIMENSIONS, "all"])}
        out = out.sort_values(by, key=lambda s: s.map(order), kind="mergesort", ignore_index=True)
    else:
        out = out.sort_values(by, key=lambda s: s.map(lambda v: (v == "all", v)), kind="mergesort",
                              ignore_index=True)
    return out.round(3)


def predictions_from(practices: pd.DataFrame) -> set[tuple[str, str]]:
    """(vendor, code) pairs with at least one supporting sentence."""
    return set(zip(practices["vendor"], practices["code"]))


def error_table(judged: pd.DataFrame, practices: pd.DataFrame) -> pd.DataFrame:
    """False positives (with the extractor's first evidence sentence) and false negatives (with the gold quote)."""
    first = practices.sort_values(["vendor", "code", "start"]).drop_duplicates(["vendor", "code"])
    ev = dict(zip(zip(first["vendor"], first["code"]), first["evidence"]))
    err = judged[judged["outcome"].isin(["FP", "FN"])].copy()
    err["sentence"] = [ev.get((v, c), "") if o == "FP" else q
                       for v, c, o, q in zip(err["vendor"], err["code"], err["outcome"], err["quote"])]
    return err[["outcome", "vendor", "dimension", "code", "sentence", "note"]].sort_values(
        ["outcome", "dimension", "code", "vendor"], kind="mergesort", ignore_index=True)


def evaluate(processed: str | Path = PROCESSED_DIR, annotations: str | Path = ANNOTATIONS_DIR) -> dict[str, pd.DataFrame]:
    """Everything the validation notebook shows: judged items, scores, baseline scores, errors."""
    from .schema import read_table

    labels = load_labels(annotations)
    practices = read_table(str(Path(processed) / "practices.csv"), "practices")
    judged = judge(labels, predictions_from(practices))
    base = judge(labels, baseline_predictions(sorted(labels["vendor"].unique())))
    return {
        "judged": judged,
        "by_dimension": scores(judged, "dimension"),
        "by_code": scores(judged, "code"),
        "by_vendor": scores(judged, "vendor"),
        "baseline_judged": base,
        "baseline_by_dimension": scores(base, "dimension"),
        "errors": error_table(judged, practices),
    }


def evaluate_cli(args: argparse.Namespace) -> int:
    """``python -m analysis evaluate``: print the score table (and errors with --errors)."""
    from .errors import InputError

    processed = Path(args.processed or PROCESSED_DIR)
    if not (processed / "practices.csv").is_file():
        raise InputError(processed, "has no practices.csv; run 'python -m analysis extract ... --out "
                                    f"{processed}' first, or give --processed the directory of its outputs")
    res = evaluate(processed)
    table = res[f"by_{args.by}"].copy()
    if args.by == "dimension":
        base = res["baseline_by_dimension"].set_index("dimension")
        table["baseline_f1"] = table["dimension"].map(base["f1"])
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.max_colwidth", 110):
        print(table.to_string(index=False))
        if args.errors:
            print()
            print(res["errors"][["outcome", "vendor", "code", "sentence"]].to_string(index=False))
    sys.stdout.flush()
    return 0


def load_sentence_items(path: str | Path) -> list[dict]:
    """Read a YAML list of ``{id, dimension, text, expect, forbid}`` test sentences."""
    import yaml

    items = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if isinstance(items, dict):
        items = items.get("items", [])
    return list(items)


def score_sentences(items: list[dict], book: object | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the extractor on each sentence; return per-item results and per-dimension scores.

    Per code *dimension*: recall = expected codes found / expected codes; strict precision =
    found codes that were expected / found codes (a code the coder did not list counts as
    an error); forbidden = found codes the item lists under ``forbid``.
    """
    from .codebook import load_codebook
    from .loader import Document
    from .pipeline import analyse

    book = book or load_codebook()
    dims = book.dimensions
    rows = []
    for it in items:
        doc = Document(path=str(it["id"]), vendor="heldout", text=str(it["text"]), sha256="", fmt="txt")
        found = {r[2] for r in analyse(doc, book).practices}
        expect, forbid = set(it.get("expect") or []), set(it.get("forbid") or [])
        for code in sorted(expect | found | forbid):
            rows.append({"id": it["id"], "dimension": dims.get(code, "?"), "code": code,
                         "expected": code in expect, "found": code in found, "forbidden": code in forbid,
                         "text": it["text"]})
    detail = pd.DataFrame(rows)
    summary = []
    for dim in [*DIMENSIONS, "all"]:
        d = detail if dim == "all" else detail[detail["dimension"] == dim]
        tp = int((d["expected"] & d["found"]).sum())
        summary.append({"dimension": dim, "expected": int(d["expected"].sum()), "found": int(d["found"].sum()),
                        "recall": tp / max(1, int(d["expected"].sum())),
                        "strict_precision": tp / max(1, int(d["found"].sum())),
                        "forbidden_hits": int((d["forbidden"] & d["found"]).sum())})
    return detail, pd.DataFrame(summary).round(3)
