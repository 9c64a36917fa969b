"""Sentence-level gold labels for the five policies: two coders, agreement, adjudication.

Two coders labelled every unit (heading, list item, sentence) of the five policies from
the policy text alone: one row per (unit, code) the unit itself supports, with a polarity
(``states`` / ``denies``) and a certainty (``clear`` / ``ambiguous``). Their files are in
``data/annotations/sentences/coders/{A,B}/<vendor>.csv``; the (unit, code) items on which
they disagreed were decided by a third reader (``coders/adjudicated.csv``).

:func:`build_gold` merges them into the gold table ``data/annotations/sentences/gold.csv``
(one row per (vendor, code, unit); ``python -m analysis gold`` rewrites it, and a test checks
that the committed file is what the coders' files give):

- both coders gave the code with one polarity -> that polarity; ``clear`` only if both were;
- they disagreed -> the adjudicator's decision and certainty; a ``none`` decision that the
  adjudicator marked ambiguous is kept as ``none``/``ambiguous`` so that a finding there is
  neither rewarded nor punished;
- ``evidence`` is the unit's verbatim text, ``text[start:end]`` of the raw policy.

:func:`agreement` reports Cohen's kappa and the coders' F1 per dimension over the grid of
units × codes of the dimension.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import ANNOTATIONS_DIR, RAW_POLICIES_DIR

if TYPE_CHECKING:
    import pandas as pd

SENTENCES_DIR: Path = ANNOTATIONS_DIR / "sentences"
CODERS_DIR: Path = SENTENCES_DIR / "coders"
GOLD_PATH: Path = SENTENCES_DIR / "gold.csv"
GOLD_COLUMNS = ["vendor", "dimension", "code", "polarity", "certainty", "source", "start", "end", "evidence"]
CODER_COLUMNS = ["vendor", "sentence_id", "start", "end", "code", "polarity", "certainty", "note"]

Key = tuple[str, int, int, str]  # vendor, start, end, code


def read_coder_file(path: Path) -> list[dict[str, str]]:
    """The rows of one coder's labels of one policy (a CSV with ``CODER_COLUMNS``)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != CODER_COLUMNS:
            raise ValueError(f"{path}: columns must be {','.join(CODER_COLUMNS)}")
        return list(reader)


def label_key(r: dict[str, str]) -> Key:
    """A coder row's (vendor, start, end, code)."""
    return r["vendor"], int(r["start"]), int(r["end"]), r["code"]


def _read_coder(directory: Path) -> dict[Key, dict[str, str]]:
    return {label_key(r): r for path in sorted(directory.glob("*.csv")) for r in read_coder_file(path)}


def read_coders(coders_dir: Path = CODERS_DIR) -> tuple[dict[Key, dict[str, str]], dict[Key, dict[str, str]]]:
    """The two coders' labels, keyed by (vendor, start, end, code)."""
    return _read_coder(coders_dir / "A"), _read_coder(coders_dir / "B")


def build_gold(coders_dir: Path = CODERS_DIR, raw_dir: Path = RAW_POLICIES_DIR) -> list[dict[str, object]]:
    """Gold rows (see the module docstring), sorted by vendor, start, code."""
    from .codebook import load_codebook
    from .corpus import raw_text

    dims = load_codebook().dimensions
    a, b = read_coders(coders_dir)
    by_unit_id = {(r["vendor"], int(r["sentence_id"])): (int(r["start"]), int(r["end"]))
                  for r in (*a.values(), *b.values())}
    decided: dict[Key, dict[str, str]] = {}
    with (coders_dir / "adjudicated.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            start, end = by_unit_id[(r["vendor"], int(r["sentence_id"]))]
            decided[(r["vendor"], start, end, r["code"])] = r
    out = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[0], k[1], k[3])):
        vendor, start, end, code = key
        ra, rb = a.get(key), b.get(key)
        if ra is not None and rb is not None and ra["polarity"] == rb["polarity"]:
            polarity, source = ra["polarity"], "both coders"
            certainty = "clear" if ra["certainty"] == rb["certainty"] == "clear" else "ambiguous"
        else:
            if key not in decided:
                raise ValueError(f"{coders_dir / 'adjudicated.csv'}: no decision for {key}")
            d = decided[key]
            polarity, certainty, source = d["decision"], d["certainty"], "adjudicated"
            if polarity == "none" and certainty == "clear":
                continue
        out.append({"vendor": vendor, "dimension": dims[code], "code": code, "polarity": polarity,
                    "certainty": certainty, "source": source, "start": start, "end": end,
                    "evidence": raw_text(vendor, raw_dir)[start:end]})
    return out


def write_gold(path: Path = GOLD_PATH) -> int:
    """Rebuild ``gold.csv`` from the coders' files; return the number of rows."""
    rows = build_gold()
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=GOLD_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    tmp.replace(path)
    return len(rows)


def load_gold(path: Path = GOLD_PATH) -> pd.DataFrame:
    """The gold table with typed offsets."""
    import pandas as pd

    return pd.read_csv(path, dtype={c: "str" for c in GOLD_COLUMNS} | {"start": "int64", "end": "int64"},
                       keep_default_na=False, encoding="utf-8")


def agreement(coders_dir: Path = CODERS_DIR, units: dict[str, int] | None = None) -> pd.DataFrame:
    """Cohen's kappa and F1 between the two coders per dimension (and ``all``), over the grid
    of units × codes (a (unit, code) cell is 1 if the coder gave the code, any polarity).

    ``units``: number of units per vendor (default: counted from the segmenter's output in
    ``data/processed/sentences.csv``)."""
    from .codebook import load_codebook

    if units is None:
        from . import load_processed

        units = load_processed()["sentences"].groupby("vendor").size().to_dict()
    a, b = read_coders(coders_dir)
    return kappa_table(a, b, sum(units.values()), load_codebook().dimensions)


def kappa_table(a: dict[Key, object], b: dict[Key, object], n_units: int, dims: dict[str, str]) -> pd.DataFrame:
    """Cohen's kappa and F1 of two coders' label sets per dimension (and ``all``), over the
    grid of ``n_units`` units × the dimension's codes (a cell is 1 if the coder gave it)."""
    import pandas as pd

    from .codebook import DIMENSIONS

    rows = []
    for dim in [*DIMENSIONS, "all"]:
        keep = (lambda k: True) if dim == "all" else (lambda k, d=dim: dims.get(k[3]) == d)
        sa, sb = {k for k in a if keep(k)}, {k for k in b if keep(k)}
        n = n_units * sum(1 for c in dims if dim == "all" or dims[c] == dim)
        both = len(sa & sb)
        po = (n - len(sa ^ sb)) / n
        pa, pb = len(sa) / n, len(sb) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        rows.append({"dimension": dim, "coder_A": len(sa), "coder_B": len(sb), "both": both,
                     "f1": round(2 * both / max(1, len(sa) + len(sb)), 3),
                     "kappa": round((po - pe) / (1 - pe), 3)})
    return pd.DataFrame(rows)
