"""Train the finding verifier (:mod:`analysis.verifier`) from the market sentence labels.

Data: coders labelled every unit of market policies (a few of them twice) from the
policy text alone, in ``data/annotations/market_sentences/coders/<coder>/<vendor>.csv``
(same format as the five policies' coders). The rules run on those policies; each stated
finding of a verified dimension is an example, positive when a coder gave that code to
that unit as ``states``/``clear``, left out when coders only gave it as ambiguous, else
negative.

Model: logistic regression over the unit's features (:func:`analysis.verifier.unit_features`)
conjoined with the code and with the dimension, plus a bias per code; L2-regularised,
fitted by full-batch AdaGrad from zero weights in a fixed order (no randomness, so no seed
is needed and the weights are the same run to run).

Threshold: chosen by 7-fold cross-validation over policies (a policy's findings are
scored by a model that never saw that policy), as the probability that maximises
sentence-level F2 against every clear label of the verified dimensions, found by the rules
or not. F2 weighs recall twice: a finding the verifier drops is lost for good, while a
wrong finding that is kept still shows its evidence sentence, which a reader can reject.
The cross-validated scores are written into the model's ``notes``.

``python -m analysis train-verifier`` writes ``data/models/verifier.json`` atomically.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .outputs import write_file_atomic
from .paths import ANNOTATIONS_DIR
from .verifier import MODEL_PATH, STATES, Verifier, unit_features

LABELS_DIR: Path = ANNOTATIONS_DIR / "market_sentences" / "coders"
DIMENSIONS = ("data_type",)
FOLDS = 7
L2 = 1e-4
EPOCHS = 300
RATE = 0.5
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 19))


@dataclass(frozen=True)
class Example:
    """One stated finding of the rules on a labelled policy."""

    vendor: str
    code: str
    dimension: str
    start: int  # the unit's start offset
    features: tuple[str, ...]
    label: int | None  # 1 supported, 0 not, None only ambiguous labels


def read_labels(directory: Path = LABELS_DIR) -> dict[tuple[str, int, str], list[tuple[str, str]]]:
    """(vendor, unit start, code) -> [(polarity, certainty)] over all coders."""
    from .sentence_gold import read_coder_file

    labels: dict[tuple[str, int, str], list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(directory.glob("*/*.csv")):
        for r in read_coder_file(path):
            labels[(r["vendor"], int(r["start"]), r["code"])].append((r["polarity"], r["certainty"]))
    return labels


def clear_positives(labels: dict[tuple[str, int, str], list[tuple[str, str]]], dims: dict[str, str],
                    dimensions: tuple[str, ...]) -> set[tuple[str, int, str]]:
    """The (vendor, unit start, code) items some coder gave as stated and clear."""
    return {k for k, v in labels.items() if dims.get(k[2]) in dimensions and (STATES, "clear") in v}


def market_texts(vendors: list[str]) -> dict[str, str]:
    """The text of each labelled market page, read from ``data/raw/market`` (checksum
    verified) exactly as ``make market`` reads it: the labels' offsets count in it."""
    from .loader import read_policy
    from .market import read_market_manifest, verify_page

    pages = {p.page_id: p for p in read_market_manifest()}
    unknown = [v for v in vendors if v not in pages]
    if unknown:
        raise ValueError(f"{LABELS_DIR}: labelled pages not in data/raw/market/manifest.csv: {unknown}")
    return {v: read_policy(verify_page(pages[v]), v).text for v in vendors}


def examples(dimensions: tuple[str, ...] = DIMENSIONS,
             labels_dir: Path = LABELS_DIR) -> tuple[list[Example], set[tuple[str, int, str]]]:
    """Training examples (rules' unverified findings on the labelled policies), and all
    clear positive labels of ``dimensions`` (for recall)."""
    from .codebook import load_codebook
    from .match import lowered, match_rules
    from .prefilter import TriggerIndex
    from .segment import segment

    book = load_codebook()
    labels = read_labels(labels_dir)
    vendors = sorted({k[0] for k in labels})
    texts = market_texts(vendors)
    out = []
    for v in vendors:
        text = texts[v]
        rows = segment(text)
        cache: dict[int, tuple[str, ...]] = {}
        for f in match_rules(text, rows, book, index=TriggerIndex(lowered(text), rows)):
            if f.polarity != STATES or f.dimension not in dimensions:
                continue
            start = rows[f.sentence_id].start
            given = labels.get((v, start, f.code), [])
            label = 1 if (STATES, "clear") in given else (None if (STATES, "ambiguous") in given else 0)
            if f.sentence_id not in cache:
                cache[f.sentence_id] = tuple(unit_features(text, rows, f.sentence_id))
            out.append(Example(v, f.code, f.dimension, start, cache[f.sentence_id], label))
    out.sort(key=lambda e: (e.vendor, e.start, e.code))
    return out, clear_positives(labels, book.dimensions, dimensions)


def agreement(labels_dir: Path = LABELS_DIR):
    """Cohen's kappa per dimension on the policies that two coders labelled (over units ×
    codes, any polarity), as :func:`analysis.sentence_gold.kappa_table` reports it."""
    from .codebook import load_codebook
    from .segment import segment
    from .sentence_gold import kappa_table, label_key, read_coder_file

    by_vendor: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(labels_dir.glob("*/*.csv")):
        by_vendor[path.stem].append(path)
    shared = sorted(v for v, paths in by_vendor.items() if len(paths) == 2)
    texts = market_texts(shared)
    a: dict = {}
    b: dict = {}
    for v in shared:
        for side, path in zip((a, b), by_vendor[v]):
            side.update(dict.fromkeys(map(label_key, read_coder_file(path))))
    n_units = sum(len(segment(texts[v])) for v in shared)
    return shared, kappa_table(a, b, n_units, load_codebook().dimensions)


def _index(exs: list[Example]) -> tuple[dict[str, int], list[np.ndarray]]:
    """Column of every (code|feature), (dimension|feature) and bias key; each example's columns."""
    cols: dict[str, int] = {}
    rows = []
    for e in exs:
        keys = [f"b\t{e.code}"] + [f"c\t{e.code}\t{f}" for f in e.features] + [f"d\t{e.dimension}\t{f}" for f in e.features]
        rows.append(np.array([cols.setdefault(k, len(cols)) for k in keys], dtype=np.int64))
    return cols, rows


def fit(exs: list[Example], dimensions: tuple[str, ...] = DIMENSIONS, threshold: float = 0.5,
        notes: dict | None = None) -> Verifier:
    """Logistic regression on the labelled examples (see the module docstring)."""
    exs = [e for e in exs if e.label is not None]
    cols, rows = _index(exs)
    n, m = len(exs), len(cols)
    lens = np.array([len(r) for r in rows])
    flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(n), lens)
    y = np.array([e.label for e in exs], dtype=float)
    w = np.zeros(m)
    g2 = np.full(m, 1e-8)
    for _ in range(EPOCHS):
        z = np.bincount(owner, weights=w[flat], minlength=n)
        err = 1.0 / (1.0 + np.exp(-z)) - y
        grad = np.bincount(flat, weights=err[owner], minlength=m) / max(n, 1) + L2 * w
        g2 += grad * grad
        w -= RATE * grad / np.sqrt(g2)
    bias: dict[str, float] = {}
    code_w: dict[str, dict[str, float]] = defaultdict(dict)
    dim_w: dict[str, dict[str, float]] = defaultdict(dict)
    for key, j in cols.items():
        kind, *rest = key.split("\t")
        if kind == "b":
            bias[rest[0]] = float(w[j])
        elif kind == "c":
            code_w[rest[0]][rest[1]] = float(w[j])
        else:
            dim_w[rest[0]][rest[1]] = float(w[j])
    return Verifier(dimensions=dimensions, threshold=threshold, bias=bias, code_weights=dict(code_w),
                    dimension_weights=dict(dim_w), notes=notes or {})


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float, float]:
    """Precision, recall, F1 and F2."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), (5 * p * r / (4 * p + r) if p + r else 0.0)


def cross_validate(exs: list[Example], positives: set[tuple[str, int, str]],
                   dimensions: tuple[str, ...] = DIMENSIONS) -> tuple[float, list[dict]]:
    """Held-out probabilities by policy fold; the F2-maximising threshold and one row of
    sentence-level precision/recall/F1/F2 per threshold (0 = the rules alone)."""
    vendors = sorted({e.vendor for e in exs} | {k[0] for k in positives})
    fold = {v: i % FOLDS for i, v in enumerate(vendors)}
    prob: dict[int, float] = {}
    for k in range(FOLDS):
        model = fit([e for e in exs if fold[e.vendor] != k], dimensions)
        for i, e in enumerate(exs):
            if fold[e.vendor] == k:
                prob[i] = model.probability(e.code, e.dimension, list(e.features))
    table = []
    for th in (0.0, *THRESHOLDS):
        kept = {(e.vendor, e.start, e.code) for i, e in enumerate(exs) if e.label is not None and prob[i] >= th}
        tp, fp = len(kept & positives), len(kept - positives)
        p, r, f1, f2 = _prf(tp, fp, len(positives - kept))
        table.append({"threshold": th, "kept": len(kept), "tp": tp, "fp": fp, "fn": len(positives - kept),
                      "precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "f2": round(f2, 3)})
    best = max(table[1:], key=lambda row: (row["f2"], -row["threshold"]))
    return best["threshold"], table


def train(labels_dir: Path = LABELS_DIR) -> tuple[Verifier, list[dict]]:
    """The model trained on every labelled policy, with the cross-validated threshold."""
    exs, positives = examples(DIMENSIONS, labels_dir)
    threshold, table = cross_validate(exs, positives)
    labelled = [e for e in exs if e.label is not None]
    notes = {
        "trained_on": "data/annotations/market_sentences (smart-home policies, project's own labels)",
        "policies": len({e.vendor for e in exs} | {k[0] for k in positives}),
        "examples": len(labelled), "positive": sum(e.label for e in labelled),
        "left_out_ambiguous": len(exs) - len(labelled),
        "cross_validation": f"{FOLDS} folds by policy; threshold maximises sentence-level F2",
        "cv": [r for r in table if r["threshold"] in (0.0, threshold)],
        "not_verified": "recipient, right, practice (measured with the 56 labelled policies): cross-validated F2 "
                        "gains at most 0.003, and OPP-115 / GDPR-Transparency-200 evidence F1 falls by up to 0.02; "
                        "permission: too few labelled findings",
    }
    return fit(exs, DIMENSIONS, threshold, notes), table


def train_cli(args: argparse.Namespace) -> int:
    """``python -m analysis train-verifier``: train, write the model, print the cross-validation
    and the agreement of the coders on the policies coded twice."""
    model, table = train()
    out = Path(args.out) if args.out else MODEL_PATH
    write_file_atomic(out, model.to_json())
    print("threshold  kept   tp   fp   fn  precision  recall     f1     f2   (cross-validated, data types)")
    for r in table:
        mark = "  <- chosen" if r["threshold"] == model.threshold else ("  (rules alone)" if r["threshold"] == 0 else "")
        print(f"{r['threshold']:9.2f} {r['kept']:5d} {r['tp']:4d} {r['fp']:4d} {r['fn']:4d} {r['precision']:10.3f}"
              f" {r['recall']:7.3f} {r['f1']:6.3f} {r['f2']:6.3f}{mark}")
    shared, kappa = agreement()
    print(f"agreement of two coders on {len(shared)} policies coded twice (units x codes):")
    print(kappa.to_string(index=False))
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0
