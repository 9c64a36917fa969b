"""External benchmarks: ``python -m analysis benchmark opp115|gdpr200 PATH``.

Reads a public dataset in its original format (:mod:`.datasets`), runs the project's
extractor and the keyword baseline of :mod:`analysis.evaluate` on every policy, and scores
both at the policy level and at the evidence level (:mod:`.score`). :func:`run` returns a
JSON-ready dict; :mod:`.report` prints it, writes ``--json``/``--csv`` and lists errors.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .datasets import (ANY, DENIES, GDPR_REQUIREMENTS, GDPR_VALUE_WORDS, OPP115_CATEGORIES, STATES, Policy,
                       read_gdpr200, read_opp115)
from .score import (LEVELS, baseline_hits_of, extractor_hits, gold_items, policy_level, predictions, score)

PRIVBERT = {"source": "PrivBERT (Srinath et al. 2021) on OPP-115 segments: 12 categories, random segment split",
            "micro_f1": 0.872, "macro_f1": 0.821, "bert_base_micro_f1": 0.840, "bert_base_macro_f1": 0.784}


@dataclass(frozen=True)
class Spec:
    """How one benchmark is read and mapped."""

    title: str
    unit: str
    reader: Callable[[str | Path], list[Policy]]
    label_dims: Callable[[dict[str, str]], dict[str, str]]      # codebook dimensions -> label -> dimension
    code_labels: Callable[[dict[str, str]], dict[str, tuple[str, ...]]]  # codebook dims -> code -> labels
    reference: dict | None
    notes: tuple[str, ...]
    approximate: tuple[str, ...] = ()  # dimensions whose gold comes from an approximate mapping


def _opp_code_labels(dims: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {code: tuple(cat for cat, (_, implied) in OPP115_CATEGORIES.items()
                        if code in implied or dim in implied)
            for code, dim in dims.items()}


def _gdpr_label_dims(dims: dict[str, str]) -> dict[str, str]:
    codes = set(GDPR_REQUIREMENTS.values()) | {c for words in GDPR_VALUE_WORDS.values() for c in words}
    return {c: dims[c] for c in sorted(codes)}


SPECS: dict[str, Spec] = {
    "opp115": Spec(
        "OPP-115", "segment", read_opp115,
        lambda dims: {cat: dim for cat, (dim, _) in OPP115_CATEGORIES.items()},
        _opp_code_labels, PRIVBERT,
        ("gold: a segment counts for a category (and polarity) when at least 2 of its 3 annotators gave it",
         "polarity: 'Does Not' annotations are denials; categories without that attribute are statements",
         "categories 'Other' and 'Do Not Track' have no taxonomy code and are not scored",
         "Data Security: the corpora README maps practice.encryption; the codebook's added "
         "practice.security_measures (security measures, safeguards, their limits) counts for it too",
         "International and Specific Audiences: practice.children only, as the corpora README maps it "
         "(statements to California or EU residents, which the category also holds, are not mapped)")),
    "gdpr200": Spec(
        "GDPR-Transparency-200", "passage", read_gdpr200, _gdpr_label_dims,
        lambda dims: {c: (c,) for c in dims}, None,
        ("gold: a passage carries a code when it has the mapped requirement (performed: true = states, "
         "false = denies)",
         "data_type and recipient: 'Data Categories'/'Data Recipients' values mapped by a small list of value "
         "words (analysis.benchmark.datasets.GDPR_VALUE_WORDS); values naming no specific kind "
         "('personal data', 'usage data', 'location') are not scored; generic 'third parties' count as the "
         "codebook's recipient.third_parties"),
        ("data_type", "recipient")),
}


def run(name: str, path: str | Path) -> tuple[dict, dict]:
    """Score the extractor and the baseline on one benchmark.

    Returns the JSON-ready result (deterministic) and the material for error listings
    (policies, gold items, predictions; not serialised)."""
    from ..codebook import load_codebook

    spec = SPECS[name]
    clock = {}
    t0 = time.perf_counter()
    policies = spec.reader(path)
    clock["read"] = time.perf_counter() - t0
    dims = load_codebook().dimensions
    label_dims, code_labels = spec.label_dims(dims), spec.code_labels(dims)
    t0 = time.perf_counter()
    ext_hits, has_polarity = extractor_hits(policies)
    clock["extract"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    gold = {i for i in gold_items(policies) if i[2] in label_dims}
    systems = {"extractor": predictions(policies, ext_hits, code_labels),
               "baseline": predictions(policies, baseline_hits_of(policies), code_labels)}
    by_label, by_dim = [], []
    for system, pred in systems.items():
        for level in LEVELS:
            g, p = (gold, pred.items) if level == "evidence" else (policy_level(gold), policy_level(pred.items))
            labs, ds = score(g, p, label_dims)
            keep = (lambda r: r["polarity"] != DENIES) if system == "baseline" or not has_polarity else bool
            by_label += [{"system": system, "level": level, **r} for r in labs if keep(r)]
            by_dim += [{"system": system, "level": level, **r} for r in ds if keep(r)]
    clock["score"] = time.perf_counter() - t0
    result = {
        "benchmark": name, "title": spec.title, "unit": spec.unit, "policies": len(policies),
        "units": sum(len(p.units) for p in policies),
        "gold_items": {pol: sum(1 for i in gold if i[3] == pol) for pol in (STATES, DENIES, ANY)},
        "polarity_reported": has_polarity, "labels": label_dims, "notes": list(spec.notes),
        "reference": spec.reference, "approximate_dimensions": list(spec.approximate),
        "by_dimension": [_rounded(r) for r in by_dim], "by_label": [_rounded(r) for r in by_label],
    }
    return result, {"policies": policies, "gold": gold, "systems": systems, "seconds": clock}


def _rounded(row: dict) -> dict:
    """Floats rounded to 4 places, NaN as None (JSON null)."""
    return {k: (None if v != v else round(v, 4)) if isinstance(v, float) else v for k, v in row.items()}
