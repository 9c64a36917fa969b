"""The README's tables, regenerated from the committed outputs (never typed by hand).

Each generated block sits between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``
markers; ``python -m analysis.readme`` rewrites every block in place, and a test fails if
the README differs from what this module computes (so a stale number cannot be committed).

Blocks:

- ``headlines``: the overview caption and the headline findings of ``00_summary``;
- ``findings``: distinct codes stated (supporting sentences) and codes denied, per vendor
  and dimension;
- ``accuracy``: policy-level and sentence-level scores on the five policies (with the keyword
  baselines), the coders' agreement, and the blind held-out sentences;
- ``verifier``: data-type precision and recall with the rules alone and with the learned
  verifier (cross-validated on its market training labels; on the five policies' gold);
- ``market``: where the five stand among the market policies and the market pages' counts
  (``07_market``);

The external benchmarks' block is written by ``make benchmark-external`` (see
:mod:`analysis.benchmark.report`), from the scores saved in ``benchmarks/external/``.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .codebook import DIMENSIONS
from .paths import DATA_DIR, PROJ_ROOT

README_PATH: Path = PROJ_ROOT / "README.md"
_BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end: (?P=name) -->)", re.DOTALL)


def _fmt(x: object) -> str:
    """Two decimals as the notebooks print them; an empty cell for a missing value."""
    return "—" if x is None or (isinstance(x, float) and x != x) else f"{float(x):.2f}"  # type: ignore[arg-type]


def _table(header: list[str], rows: list[list[str]], align: str = "") -> str:
    align = align or "|---" + "|---:" * (len(header) - 1) + "|"
    return "\n".join(["| " + " | ".join(header) + " |", align, *("| " + " | ".join(r) + " |" for r in rows)]) + "\n"


def findings_block() -> str:
    """Per vendor and dimension: codes stated (sentences), and codes denied."""
    from . import load_processed
    from .corpus import vendor_labels
    from .tables import codes

    p = load_processed()["practices"]
    header = ["vendor", *(f"{d.replace('_', ' ')}s (of {len(codes(d))})" if d != "data_type"
                          else f"data types (of {len(codes(d))})" for d in DIMENSIONS)]
    rows = []
    for vendor, label in vendor_labels().items():
        v = p[p["vendor"] == vendor]
        cells = []
        for d in DIMENSIONS:
            s = v[(v["dimension"] == d) & (v["polarity"] == "states")]
            n_denied = v[(v["dimension"] == d) & (v["polarity"] == "denies")]["code"].nunique()
            cell = f"{s['code'].nunique()} ({len(s)})"
            cells.append(cell + (f", {n_denied} denied" if n_denied else ""))
        rows.append([label, *cells])
    return _table(header, rows)


def headlines_block() -> str:
    """The overview caption and the headline findings of ``00_summary``."""
    from . import findings, load_processed

    data = load_processed()
    lines = [f"*Share of each dimension's codes that each policy states (ambiguous cells not counted). {findings.overview_finding(data['practices'])}*", "",
             "Headline findings, as computed in `notebooks/00_summary` from the committed outputs (each backed by "
             "evidence tables in notebooks 01–05; regenerate with `make report`):", ""]
    lines += [f"- **{topic}.** " + " ".join(sentences) for topic, sentences in findings.headlines(data).items()]
    return "\n".join(lines) + "\n"


def accuracy_block() -> str:
    """Policy-level and sentence-level scores, agreement and the blind set, per dimension."""
    from . import evaluate as E
    from .sentence_gold import agreement

    res = E.evaluate()
    pol = res["by_dimension"].set_index("dimension")
    pol_base = res["baseline_by_dimension"].set_index("dimension")
    sen = res["sentence_by_dimension"].set_index("dimension")
    sen_base = res["sentence_baseline_by_dimension"].set_index("dimension")
    agr = agreement().set_index("dimension")
    _, blind = E.score_sentences(E.load_sentence_items(DATA_DIR / "heldout" / "sentences_v2.yaml"))
    blind = blind.set_index("dimension")
    header = ["dimension", "policy F1", "policy F1, keywords", "sentence P", "sentence R", "sentence F1",
              "sentence F1, keywords", "coders' kappa", "blind recall", "blind strict P"]
    rows = []
    for d in [*DIMENSIONS, "all"]:
        rows.append([d, _fmt(pol.loc[d, "f1"]), _fmt(pol_base.loc[d, "f1"]), _fmt(sen.loc[d, "precision"]),
                     _fmt(sen.loc[d, "recall"]), _fmt(sen.loc[d, "f1"]), _fmt(sen_base.loc[d, "f1"]),
                     _fmt(agr.loc[d, "kappa"]), _fmt(blind.loc[d, "recall"]), _fmt(blind.loc[d, "strict_precision"])])
    den = res["sentence_denials"].set_index("dimension")
    n_gold = int(den.loc["all", "tp"] + den.loc["all", "fn"]) if "all" in den.index else 0
    note = (f"\nDenials (polarity `denies`) on the five policies: {n_gold} denying sentences in the gold labels; "
            f"the extractor's denials have precision {_fmt(den.loc['all', 'precision'])} and recall "
            f"{_fmt(den.loc['all', 'recall'])}.\n" if "all" in den.index else "")
    return _table(header, rows) + note


def verifier_block() -> str:
    """Data types with the rules alone and with the learned verifier: cross-validated on the
    market labels it is trained on, and on the five policies' sentence gold (never trained on)."""
    from . import evaluate as E
    from .verifier import load_verifier

    model = load_verifier()
    if model is None:
        return "No verifier model in `data/models/verifier.json`: the rules' findings are kept as they are.\n"
    cmp = E.verifier_comparison()
    header = ["data types", "precision, rules", "recall, rules", "F1, rules", "precision, verified",
              "recall, verified", "F1, verified"]
    rows = []
    for labels, g in cmp.groupby("labels", sort=False):
        r, v = g.set_index("system").loc["rules"], g.set_index("system").loc["rules + verifier"]
        rows.append([labels, *(_fmt(r[k]) for k in ("precision", "recall", "f1")),
                     *(_fmt(v[k]) for k in ("precision", "recall", "f1"))])
    note = (f"\nTrained on {model.notes['examples']} findings of the rules ({model.notes['positive']} supported by a "
            f"coder's clear label; another {model.notes['left_out_ambiguous']}, with only ambiguous labels, left out); "
            f"a finding below probability {model.threshold:g} is dropped (the threshold that maximises the "
            f"cross-validated F2).\n")
    return _table(header, rows) + note


def market_block() -> str:
    """The market findings of ``07_market`` (seed standing, topics) and the market pages' counts."""
    import textwrap

    from . import load_processed
    from . import market_tables as MT

    market, seed = load_processed("market"), load_processed()
    values = MT.market_scores(market)
    text = (f"**In the market** (`notebooks/07_market`, the same extraction on the privacy-policy pages of 233 "
            f"smart-home vendors): {MT.finding_distribution(values, MT.standing(values, MT.seed_scores(seed)))} "
            f"{MT.finding_topics(MT.state_deny_silent(market), len(values))} "
            f"{MT.finding_exclusions(market['pages'])}")
    return textwrap.fill(text, 115, break_on_hyphens=False) + "\n"


BLOCKS: dict[str, Callable[[], str]] = {"headlines": headlines_block, "findings": findings_block,
                                        "verifier": verifier_block,
                                        "accuracy": accuracy_block, "market": market_block}


def render(text: str) -> str:
    """``text`` with every generated block recomputed."""
    def one(m: re.Match[str]) -> str:
        name = m.group("name")
        if name not in BLOCKS:
            raise ValueError(f"README: unknown generated block '{name}'")
        return m.group(1) + BLOCKS[name]() + m.group(4)

    return _BLOCK.sub(one, text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the README's generated blocks; ``--check`` only reports whether they are stale."""
    args = sys.argv[1:] if argv is None else argv
    old = README_PATH.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in args:
        if new != old:
            print("README.md: generated blocks are stale; run python -m analysis.readme", file=sys.stderr)
            return 1
        return 0
    if new != old:
        tmp = README_PATH.with_suffix(".md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(README_PATH)
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 160)
    raise SystemExit(main())
