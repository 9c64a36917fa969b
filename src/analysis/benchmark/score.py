"""Run the extractor and the keyword baseline on benchmark policies and score them.

A finding counts for the segment/passage that holds its start offset. Items are
``(policy, unit, label, polarity)`` at the evidence level and ``(policy, label, polarity)``
at the policy level; a label is an OPP-115 category or a taxonomy code. The extractor's
findings count as ``states`` unless they carry a ``polarity`` (``states``/``denies``); the
baseline has no notion of denial, so all its hits are ``states``. Every finding also counts
for ``any``, scored against units that carry the label with either polarity.

P/R/F1 per label and per dimension (micro: pooled items; macro: mean per-label F1 over the
labels with at least one gold or predicted item, as in :mod:`analysis.evaluate`).
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from ..evaluate import baseline_hits, baseline_patterns, prf
from ..schema import SCHEMAS
from .datasets import ANY, DENIES, STATES, Policy, Unit

POLARITIES = (STATES, DENIES, ANY)
LEVELS = ("policy", "evidence")
Item = tuple[str, ...]


@dataclass
class Predictions:
    """Predicted evidence items of one system, with the (code, start, end) hits behind each."""

    items: set[Item] = field(default_factory=set)
    why: dict[Item, list[tuple[str, int, int]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, pid: str, uid: str, label: str, polarity: str, hit: tuple[str, int, int]) -> None:
        for pol in (polarity, ANY):
            item = (pid, uid, label, pol)
            self.items.add(item)
            self.why[item].append(hit)


def unit_at(units: tuple[Unit, ...], starts: list[int], offset: int) -> Unit:
    """The unit holding ``offset``: the last unit starting at or before it (a separator
    ``\\n`` belongs to the unit before it)."""
    return units[max(0, bisect_right(starts, offset) - 1)]


def extractor_hits(policies: list[Policy]) -> tuple[dict[str, list[tuple[str, int, int, str]]], bool]:
    """Findings of the project's extractor per policy: ``(code, start, end, polarity)``; and
    whether this extractor reports polarity at all."""
    from ..codebook import load_codebook
    from ..loader import Document
    from ..pipeline import analyse_many

    columns = list(SCHEMAS["practices"])
    book = load_codebook()
    docs = [Document(path=p.pid, vendor=p.pid, text=p.text, sha256="", fmt="txt") for p in policies]
    out = {}
    for res in analyse_many(docs, book):
        rows = [dict(zip(columns, row)) for row in res.practices]
        out[res.vendor] = [(r["code"], r["start"], r["end"], str(r.get("polarity", STATES))) for r in rows]
    return out, "polarity" in columns


def baseline_hits_of(policies: list[Policy]) -> dict[str, list[tuple[str, int, int, str]]]:
    """Keyword-baseline hits per policy (all ``states``); ``end`` is the hit's end."""
    patterns = baseline_patterns()
    return {p.pid: [(code, start, start + 1, STATES) for code, start in baseline_hits(p.text, patterns)]
            for p in policies}


def predictions(policies: list[Policy], hits: dict[str, list[tuple[str, int, int, str]]],
                code_labels: dict[str, tuple[str, ...]]) -> Predictions:
    """Map each hit to its unit and its code to benchmark labels."""
    pred = Predictions()
    for p in policies:
        starts = [u.start for u in p.units]
        for code, start, end, polarity in hits.get(p.pid, []):
            labels = code_labels.get(code, ())
            if labels and p.units:
                uid = unit_at(p.units, starts, start).uid
                for label in labels:
                    pred.add(p.pid, uid, label, polarity, (code, start, end))
    return pred


def gold_items(policies: list[Policy]) -> set[Item]:
    """All gold evidence items ``(policy, unit, label, polarity)``."""
    return {(p.pid, uid, label, pol) for p in policies for uid, label, pol in p.gold}


def policy_level(items: Iterable[Item]) -> set[Item]:
    """Evidence items collapsed to ``(policy, label, polarity)``."""
    return {(i[0], i[2], i[3]) for i in items}


def score(gold: set[Item], pred: set[Item], label_dims: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Per-label and per-dimension rows (and dimension ``all``) for each polarity.

    The label is ``item[-2]`` and the polarity ``item[-1]``; items of labels not in
    ``label_dims`` are ignored.
    """
    counts: dict[tuple[str, str], list[int]] = {(pol, lab): [0, 0, 0] for pol in POLARITIES for lab in label_dims}
    for item in gold | pred:
        key = (item[-1], item[-2])
        if key in counts:
            g, p = item in gold, item in pred
            counts[key][0 if g and p else 1 if p else 2] += 1
    by_label, by_dim = [], []
    dims = sorted(set(label_dims.values()), key=_dim_order) + ["all"]
    for pol in POLARITIES:
        for lab in sorted(label_dims, key=lambda x: (_dim_order(label_dims[x]), x)):
            tp, fp, fn = counts[(pol, lab)]
            by_label.append(_row(pol, label_dims[lab], lab, tp, fp, fn, None))
        for dim in dims:
            labs = [lab for lab in label_dims if dim in ("all", label_dims[lab])]
            tp, fp, fn = (sum(counts[(pol, lab)][k] for lab in labs) for k in range(3))
            f1s = [prf(*counts[(pol, lab)])[2] for lab in labs if any(counts[(pol, lab)])]
            by_dim.append(_row(pol, dim, "", tp, fp, fn, sum(f1s) / len(f1s) if f1s else float("nan")))
    return by_label, by_dim


def _dim_order(dim: str) -> int:
    from ..codebook import DIMENSIONS

    order = [*DIMENSIONS, "all"]
    return order.index(dim) if dim in order else len(order)


def _row(pol: str, dim: str, label: str, tp: int, fp: int, fn: int, macro: float | None) -> dict:
    p, r, f = prf(tp, fp, fn)
    row = {"polarity": pol, "dimension": dim, "label": label, "gold": tp + fn, "predicted": tp + fp,
           "tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}
    if macro is not None:
        row["macro_f1"] = macro
    return row
