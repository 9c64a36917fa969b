"""A learned check on the rules' data-type findings: rules propose, a linear model verifies.

The codebook's patterns find a data-type word next to a collection verb; whether the
sentence really says that the vendor collects that data (and not that a third party does,
that the user may delete it, or that it is the purpose of something else) is decided here
by a logistic-regression model over the words of the sentence, of its list lead-in and of
its heading, each word feature conjoined with the proposed code and with its dimension.

The model (``data/models/verifier.json``) is trained by :mod:`analysis.verifier_train`
from the project's own sentence labels of smart-home market policies
(``data/annotations/market_sentences``), never from the five policies it is measured on
and never from OPP-115 or GDPR-Transparency-200. It is plain JSON (feature -> weight),
applied with the standard library: no scikit-learn import at run time, and the same input
gives the same output on every machine (weights are rounded when written).

A finding whose probability is below the model's ``threshold`` is dropped; denials and the
other dimensions pass unchanged (measured: verifying recipients, rights and practices with
this training set barely changed the cross-validated F2 and lowered the external benchmarks'
evidence F1; see the model's ``notes``).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from .match import STATES
from .paths import DATA_DIR
from .segment import Segment

MODEL_PATH: Path = DATA_DIR / "models" / "verifier.json"

_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d+")


def words(s: str) -> list[str]:
    """Lower-case word tokens (letters with an inner apostrophe, or digit runs)."""
    return _WORD.findall(s.lower())


def unit_features(text: str, rows: list[Segment], sentence_id: int) -> list[str]:
    """Features of one unit: its words and word pairs, its first two words, its list
    lead-in's words, its innermost heading's words, its kind and a length bucket."""
    row = rows[sentence_id]
    w = words(text[row.start:row.end])
    feats = ["s:" + t for t in w]
    feats += ["s:" + a + "_" + b for a, b in zip(w, w[1:])]
    feats += ["b:" + t for t in w[:2]]
    if row.lead_in >= 0:
        lead = rows[row.lead_in]
        feats += ["l:" + t for t in words(text[lead.start:lead.end])]
    if row.section:
        feats += ["h:" + t for t in words(row.section.rsplit(" > ", 1)[-1])]
    feats += ["k:" + row.kind, "n:%d" % min(len(w) // 8, 6)]
    return feats


@dataclass(frozen=True)
class Verifier:
    """A trained model: per-code and per-dimension feature weights, a bias per code, the
    dimensions it verifies and the probability below which a finding is dropped."""

    dimensions: tuple[str, ...]
    threshold: float
    bias: dict[str, float]
    code_weights: dict[str, dict[str, float]]
    dimension_weights: dict[str, dict[str, float]]
    notes: dict = field(default_factory=dict, compare=False)
    # code -> its feature weights plus its dimension's, merged on first use (one lookup a feature)
    _merged: dict[str, dict[str, float]] = field(default_factory=dict, compare=False, repr=False)

    def _weights(self, code: str, dimension: str) -> dict[str, float]:
        merged = self._merged.get(code)
        if merged is None:
            merged = dict(self.dimension_weights.get(dimension, {}))
            for f, v in self.code_weights.get(code, {}).items():
                merged[f] = merged.get(f, 0.0) + v
            self._merged[code] = merged
        return merged

    def probability(self, code: str, dimension: str, feats: list[str]) -> float:
        """P(the unit with ``feats`` supports ``code``)."""
        get = self._weights(code, dimension).get
        z = self.bias.get(code, 0.0) + sum(map(get, feats, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def verifies(self, dimension: str, polarity: str) -> bool:
        """Whether findings of this dimension and polarity are checked at all."""
        return polarity == STATES and dimension in self.dimensions

    def to_json(self) -> str:
        """Deterministic JSON text (sorted keys, rounded weights)."""
        def rounded(d: dict[str, float]) -> dict[str, float]:
            return {k: round(v, 5) for k, v in sorted(d.items()) if round(v, 5) != 0.0}
        return json.dumps({
            "dimensions": list(self.dimensions), "threshold": self.threshold,
            "bias": rounded(self.bias),
            "code_weights": {c: rounded(w) for c, w in sorted(self.code_weights.items())},
            "dimension_weights": {d: rounded(w) for d, w in sorted(self.dimension_weights.items())},
            "notes": self.notes,
        }, sort_keys=True, indent=0, ensure_ascii=False) + "\n"


def from_json(text: str) -> Verifier:
    """A :class:`Verifier` from :meth:`Verifier.to_json` text."""
    d = json.loads(text)
    return Verifier(dimensions=tuple(d["dimensions"]), threshold=float(d["threshold"]), bias=d["bias"],
                    code_weights=d["code_weights"], dimension_weights=d["dimension_weights"],
                    notes=d.get("notes", {}))


@lru_cache(maxsize=4)
def load_verifier(path: str | None = None) -> Verifier | None:
    """The model at ``path`` (default ``data/models/verifier.json``); None if there is none."""
    p = Path(path) if path else MODEL_PATH
    if not p.is_file():
        return None
    return from_json(p.read_text(encoding="utf-8"))


def verify(text: str, rows: list[Segment], findings: list, model: Verifier | None) -> list:
    """``findings`` without the ones the model rejects (order kept). Each unit's features
    are computed once, however many findings it holds."""
    if model is None:
        return findings
    cache: dict[int, list[str]] = {}
    kept = []
    for f in findings:
        if model.verifies(f.dimension, f.polarity):
            feats = cache.get(f.sentence_id)
            if feats is None:
                feats = cache[f.sentence_id] = unit_features(text, rows, f.sentence_id)
            if model.probability(f.code, f.dimension, feats) < model.threshold:
                continue
        kept.append(f)
    return kept
