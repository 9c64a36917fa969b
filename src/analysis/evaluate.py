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


def baseline_patterns(labels: dict[str, str] | None = None) -> dict[str, re.Pattern[str]]:
    """One case-insensitive pattern per code matching any keyword phrase of its label (the baseline).

    ``labels``: code -> taxonomy label (default: the codebook's labels). Codes whose label
    leaves no phrase are left out.
    """
    if labels is None:
        from .codebook import load_codebook

        labels = load_codebook().labels
    out = {}
    for code, label in labels.items():
        phrases = label_phrases(label)
        if phrases:
            out[code] = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)
    return out


def baseline_hits(text: str, patterns: dict[str, re.Pattern[str]]) -> list[tuple[str, int]]:
    """Every (code, start offset) where a keyword phrase of the code's label occurs in ``text``."""
    return [(code, m.start()) for code, pat in patterns.items() for m in pat.finditer(text)]


def baseline_predictions(vendors: list[str], raw_dir: str | Path = RAW_POLICIES_DIR) -> set[tuple[str, str]]:
    """(vendor, code) pairs predicted by plain keyword matching of the taxonomy labels."""
    from .corpus import raw_text

    patterns = baseline_patterns()
    out = set()
    for v in vendors:
        text = raw_text(v, raw_dir)
        out |= {(v, code) for code, pat in patterns.items() if pat.search(text)}
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


def judge_sentences(gold: pd.DataFrame, predicted: pd.DataFrame, polarity: str = "states") -> pd.DataFrame:
    """Sentence-level outcome per item, in :func:`judge`'s format (``scores`` applies).

    ``predicted`` has vendor, dimension, code, polarity, start, end (the practices table,
    or the baseline's sentences). A gold sentence of ``polarity`` marked ``clear`` is a TP
    when a predicted row of the same vendor, code and polarity overlaps it, else a FN; a
    predicted row that overlaps no gold row of its code is a FP; one that overlaps only
    ambiguous gold rows (including "none, ambiguous") is left out (outcome ``ambiguous``).
    Overlap, not equality, so that a segmenter change that moves a boundary does not turn
    a right answer into two errors.
    """
    gold = gold[gold["polarity"].isin([polarity, "none"]) | (gold["certainty"] == "ambiguous")]
    pred = predicted[predicted["polarity"] == polarity] if "polarity" in predicted else predicted
    spans: dict[tuple[str, str], list[tuple[int, int, bool]]] = {}
    for v, c, pol, cert, a, b in zip(gold["vendor"], gold["code"], gold["polarity"], gold["certainty"],
                                      gold["start"], gold["end"]):
        spans.setdefault((v, c), []).append((a, b, cert == "clear" and pol == polarity))
    hit: set[tuple[str, str, int]] = set()
    rows = []
    for v, d, c, a, b in zip(pred["vendor"], pred["dimension"], pred["code"], pred["start"], pred["end"]):
        over = [(ga, gb, ok) for ga, gb, ok in spans.get((v, c), ()) if ga < b and a < gb]
        hit.update((v, c, ga) for ga, _, ok in over if ok)
        outcome = "TP" if any(ok for *_, ok in over) else ("ambiguous" if over else "FP")
        if outcome != "TP":  # TPs are counted once, on the gold side
            rows.append((v, d, c, outcome, a, b))
    for v, d, c, pol, cert, a, b in zip(gold["vendor"], gold["dimension"], gold["code"], gold["polarity"],
                                         gold["certainty"], gold["start"], gold["end"]):
        if cert == "clear" and pol == polarity:
            rows.append((v, d, c, "TP" if (v, c, a) in hit else "FN", a, b))
    return pd.DataFrame(rows, columns=["vendor", "dimension", "code", "outcome", "start", "end"]).sort_values(
        ["vendor", "dimension", "code", "start"], kind="mergesort", ignore_index=True)


def baseline_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentence-level keyword baseline: a unit (not a heading) is predicted for a code when
    any phrase of the code's taxonomy label occurs in it (polarity ``states``)."""
    from .codebook import load_codebook

    book = load_codebook()
    patterns = baseline_patterns(book.labels)
    units = sentences[sentences["kind"] != "heading"]
    rows = [(v, book.dimensions[c], c, "states", a, b)
            for v, a, b, t in zip(units["vendor"], units["start"], units["end"], units["text"])
            for c, pat in patterns.items() if pat.search(t)]
    return pd.DataFrame(rows, columns=["vendor", "dimension", "code", "polarity", "start", "end"])


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
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
        p, r, f = prf(tp, fp, fn)
        per_code = [prf(*(int((c["outcome"] == k).sum()) for k in ("TP", "FP", "FN")))[2]
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
    """(vendor, code) pairs with at least one supporting (stating, not denying) sentence."""
    from .tables import stating

    practices = stating(practices)
    return set(zip(practices["vendor"], practices["code"]))


def error_table(judged: pd.DataFrame, practices: pd.DataFrame) -> pd.DataFrame:
    """False positives (with the extractor's first evidence sentence) and false negatives (with the gold quote)."""
    from .tables import stating

    first = stating(practices).sort_values(["vendor", "code", "start"]).drop_duplicates(["vendor", "code"])
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
        **sentence_level(Path(processed)),
    }


def sentence_errors(judged: pd.DataFrame) -> pd.DataFrame:
    """Sentence-level false positives and negatives with the sentence text."""
    from .corpus import raw_text

    err = judged[judged["outcome"].isin(["FP", "FN"])]
    rows = [(o, v, c, a, raw_text(v)[a:b])
            for o, v, c, a, b in zip(err["outcome"], err["vendor"], err["code"], err["start"], err["end"])]
    return pd.DataFrame(rows, columns=["outcome", "vendor", "code", "start", "sentence"])


def sentence_level(processed: Path = PROCESSED_DIR) -> dict[str, pd.DataFrame]:
    """Sentence-level scores against ``data/annotations/sentences/gold.csv``: statements
    (and the keyword baseline) per dimension and code, denials per dimension."""
    from .schema import read_table
    from .sentence_gold import load_gold

    from .codebook import load_taxonomy

    gold = load_gold()
    practices = read_table(str(processed / "practices.csv"), "practices")
    sentences = read_table(str(processed / "sentences.csv"), "sentences")
    vendors = set(gold["vendor"])
    tax = load_taxonomy()
    coded = {c for d in DIMENSIONS for c in tax[d]}  # the coders labelled the taxonomy's codes only
    practices = practices[practices["vendor"].isin(vendors) & practices["code"].isin(coded)]
    judged = judge_sentences(gold, practices)
    base = judge_sentences(gold, baseline_sentences(sentences[sentences["vendor"].isin(vendors)]))
    return {
        "sentence_judged": judged,
        "sentence_by_dimension": scores(judged, "dimension"),
        "sentence_by_code": scores(judged, "code"),
        "sentence_baseline_by_dimension": scores(base, "dimension"),
        "sentence_denials": scores(judge_sentences(gold, practices, "denies"), "dimension"),
    }


def rules_alone_by_dimension() -> pd.DataFrame:
    """Sentence-level scores of the rules without the learned verifier on the five
    policies (re-extracted from ``data/raw/policies``), as ``sentence_by_dimension``."""
    from .codebook import load_codebook, load_taxonomy
    from .corpus import raw_text, vendor_labels
    from .loader import Document
    from .pipeline import analyse_many, to_frames
    from .sentence_gold import load_gold

    gold = load_gold()
    vendors = [v for v in vendor_labels() if v in set(gold["vendor"])]
    docs = [Document(path=v, vendor=v, text=raw_text(v), sha256="", fmt="txt") for v in vendors]
    practices = to_frames(analyse_many(docs, load_codebook(), verifier=None))["practices"]
    tax = load_taxonomy()
    practices = practices[practices["code"].isin({c for d in DIMENSIONS for c in tax[d]})]
    return scores(judge_sentences(gold, practices), "dimension")


def verifier_comparison() -> pd.DataFrame:
    """Data-type precision/recall/F1 with the rules alone and with the learned verifier
    (:mod:`analysis.verifier`): cross-validated on the market labels it is trained on (from
    the model's notes), and on the five policies' sentence gold (never trained on).
    Columns: ``labels``, ``system`` (``rules`` / ``rules + verifier``), ``precision``,
    ``recall``, ``f1``; empty when there is no model."""
    from .verifier import load_verifier

    model = load_verifier()
    cols = ["labels", "system", "precision", "recall", "f1"]
    if model is None:
        return pd.DataFrame(columns=cols)
    cv = {r["threshold"]: r for r in model.notes["cv"]}
    rules = rules_alone_by_dimension().set_index("dimension").loc["data_type"]
    verified = sentence_level()["sentence_by_dimension"].set_index("dimension").loc["data_type"]
    market = f"{model.notes.get('policies', '')} market policies (7-fold cross-validation by policy)"
    five = "five policies (sentence gold)"
    rows = [(market, "rules", *(cv[0.0][k] for k in ("precision", "recall", "f1"))),
            (market, "rules + verifier", *(cv[model.threshold][k] for k in ("precision", "recall", "f1"))),
            (five, "rules", *(float(rules[k]) for k in ("precision", "recall", "f1"))),
            (five, "rules + verifier", *(float(verified[k]) for k in ("precision", "recall", "f1")))]
    return pd.DataFrame(rows, columns=cols)


def evaluate_cli(args: argparse.Namespace) -> int:
    """``python -m analysis evaluate``: print the score table (and errors with --errors)."""
    from .errors import InputError

    processed = Path(args.processed or PROCESSED_DIR)
    if not (processed / "practices.csv").is_file():
        raise InputError(processed, "has no practices.csv; run 'python -m analysis extract ... --out "
                                    f"{processed}' first, or give --processed the directory of its outputs")
    res = evaluate(processed)
    prefix = "sentence_" if getattr(args, "level", "policy") == "sentence" else ""
    if prefix and args.by == "vendor":
        res["sentence_by_vendor"] = scores(res["sentence_judged"], "vendor")
    table = res[f"{prefix}by_{args.by}"].copy()
    if args.by == "dimension":
        base = res[f"{prefix}baseline_by_dimension"].set_index("dimension")
        table["baseline_f1"] = table["dimension"].map(base["f1"])
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.max_colwidth", 110):
        print(table.to_string(index=False))
        if prefix:
            print("\ndenials (polarity 'denies'):")
            print(res["sentence_denials"].to_string(index=False))
        if args.errors and prefix:
            print()
            print(sentence_errors(res["sentence_judged"]).to_string(index=False))
        elif args.errors:
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
        found = {r[2] for r in analyse(doc, book).practices if r[3] == "states"}
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
