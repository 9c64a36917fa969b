"""Print, save and explain a benchmark result: stdout tables, ``--json``, ``--csv``, ``--errors``."""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from pathlib import Path

from ..errors import InputError
from ..outputs import write_file_atomic
from .datasets import ANY, DENIES, STATES
from .score import Predictions

ROW_COLUMNS = ["system", "level", "polarity", "dimension", "label", "gold", "predicted", "tp", "fp", "fn",
               "precision", "recall", "f1", "macro_f1"]
_TASK = {STATES: "stated, scored against annotated positives",
         ANY: "either polarity, scored against units with the label (PrivBERT's task)"}


def _fmt(v: object) -> str:
    return "—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def _table(header: list[str], rows: list[list[object]], text_columns: int = 1) -> str:
    """Plain-text table: the first ``text_columns`` columns left-aligned, the rest right-aligned."""
    cells = [header] + [[_fmt(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i < text_columns else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in cells]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def _pick(rows: list[dict], **where: object) -> list[dict]:
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


def dimension_table(result: dict, level: str, polarity: str) -> str:
    """Per-dimension table: extractor and baseline side by side."""
    ext = _pick(result["by_dimension"], system="extractor", level=level, polarity=polarity)
    base = {r["dimension"]: r for r in _pick(result["by_dimension"], system="baseline", level=level,
                                                 polarity=polarity)}
    rows = []
    for r in ext:
        b = base.get(r["dimension"], {})
        rows.append([r["dimension"], r["gold"], r["tp"], r["fp"], r["fn"], r["precision"], r["recall"], r["f1"],
                     r["macro_f1"], b.get("precision"), b.get("recall"), b.get("f1"), b.get("macro_f1")])
    return _table(["dimension", "gold", "tp", "fp", "fn", "P", "R", "F1", "macroF1",
                   "base P", "base R", "base F1", "base macroF1"], rows)


def label_table(result: dict, level: str, polarity: str) -> str:
    """Per-label table (categories or codes)."""
    ext = _pick(result["by_label"], system="extractor", level=level, polarity=polarity)
    base = {r["label"]: r for r in _pick(result["by_label"], system="baseline", level=level, polarity=polarity)}
    rows = [[r["label"], r["dimension"], r["gold"], r["tp"], r["fp"], r["fn"], r["precision"], r["recall"],
             r["f1"], base.get(r["label"], {}).get("f1")] for r in ext]
    return _table(["label", "dimension", "gold", "tp", "fp", "fn", "P", "R", "F1", "base F1"], rows, 2)


def render(result: dict) -> str:
    """The full stdout report (deterministic: no timings)."""
    unit, g = result["unit"], result["gold_items"]
    out = [f"{result['title']}: {result['policies']} policies, {result['units']} {unit}s; gold {unit} x label "
           f"items: {g[STATES]} stated, {g[DENIES]} denied, {g[ANY]} either",
           *(f"  - {n}" for n in result["notes"]), ""]
    for level in ("policy", "evidence"):
        what = "label present in the policy" if level == "policy" else f"{unit} x label"
        for pol in (STATES, ANY):
            out += [f"{level.upper()} LEVEL ({what}), {_TASK[pol]}; base = keyword baseline",
                    dimension_table(result, level, pol), ""]
    ref = result["reference"]
    if ref:
        micro = _pick(result["by_dimension"], system="extractor", level="evidence", polarity=ANY, dimension="all")[0]
        base = _pick(result["by_dimension"], system="baseline", level="evidence", polarity=ANY, dimension="all")[0]
        out += [f"Segment-level, {len(result['labels'])} mapped categories, either polarity: extractor micro-F1 "
                f"{_fmt(micro['f1'])} / macro-F1 {_fmt(micro['macro_f1'])}; keyword baseline {_fmt(base['f1'])} / "
                f"{_fmt(base['macro_f1'])}",
                f"Published reference (indicative only: {ref['source']}): micro-F1 {ref['micro_f1']:.3f} / "
                f"macro-F1 {ref['macro_f1']:.3f}; BERT-base {ref['bert_base_micro_f1']:.3f} / "
                f"{ref['bert_base_macro_f1']:.3f}", ""]
    if result["polarity_reported"]:
        for level in ("policy", "evidence"):
            rows = _pick(result["by_dimension"], system="extractor", level=level, polarity=DENIES)
            out += [f"DENIALS, {level} level (findings with polarity 'denies' against annotated denials)",
                    _table(["dimension", "gold", "tp", "fp", "fn", "P", "R", "F1", "macroF1"],
                           [[r["dimension"], r["gold"], r["tp"], r["fp"], r["fn"], r["precision"], r["recall"],
                             r["f1"], r["macro_f1"]] for r in rows]), ""]
    else:
        out += [f"DENIALS: {g[DENIES]} annotated denial items, but this extractor reports no polarity "
                "(no 'polarity' column in practices), so denial scores are not available; its findings all "
                "count as statements above.", ""]
    for level in ("evidence", "policy"):
        out += [f"PER LABEL, {level} level, stated", label_table(result, level, STATES), ""]
    return "\n".join(out)


def to_json(result: dict) -> str:
    """Deterministic JSON of a result: one key per line, one score row per line."""
    def dump(v: object) -> str:
        return json.dumps(v, sort_keys=True, ensure_ascii=False)

    parts = []
    for key in sorted(result):
        value = result[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows = ",\n  ".join(dump(r) for r in value)
            parts.append(f"{dump(key)}: [\n  {rows}\n ]")
        else:
            parts.append(f"{dump(key)}: {dump(value)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def to_csv(rows: list[dict], columns: list[str]) -> str:
    """Rows as CSV text (empty cell for a missing or undefined value)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return buf.getvalue()


def error_listing(result: dict, material: dict, n: int, seed: int = 0) -> str:
    """``n`` false positives and ``n`` false negatives of the extractor at the evidence level,
    drawn at random with a fixed seed, with the finding's sentences and the unit's text; for
    statements, and for denials when the extractor reports polarity."""
    policies = {p.pid: p for p in material["policies"]}
    pred, gold, labels = material["systems"]["extractor"], material["gold"], result["labels"]
    rng = random.Random(seed)
    out = []
    for pol in (STATES, DENIES) if result["polarity_reported"] else (STATES,):
        g = {i for i in gold if i[3] == pol}
        p = {i for i in pred.items if i[3] == pol and i[2] in labels}
        for kind, items in (("FALSE POSITIVE", sorted(p - g)), ("FALSE NEGATIVE", sorted(g - p))):
            chosen = sorted(rng.sample(items, min(n, len(items))))
            out.append(f"=== {len(chosen)} of {len(items)} {kind}S ({result['unit']} x label, {pol}) ===")
            for k, item in enumerate(chosen, 1):
                out += _explain(item, f"{kind[6]}{pol[0].upper()}{k}", kind == "FALSE POSITIVE", policies, gold,
                                pred, result["unit"])
            out.append("")
    return "\n".join(out)


def _explain(item: tuple, tag: str, positive: bool, policies: dict, gold: set, pred: Predictions,
             unit_name: str) -> list[str]:
    """Lines describing one error: unit, other labels, the finding's sentences, the unit's text."""
    pid, uid, label, pol = item
    p = policies[pid]
    u = next(x for x in p.units if x.uid == uid)
    flags = [f"annotated {q}" for q in (STATES, DENIES) if q != pol and (pid, uid, label, q) in gold]
    out = [f"[{tag}] {pid} {unit_name} {uid} | {label}" + (f" | {', '.join(flags)}" if flags else "")]
    others = sorted({g[2] for g in gold if g[:2] == (pid, uid) and g[3] == STATES and g[2] != label})
    if others:
        out.append(f"    annotated with: {'; '.join(others)}")
    if positive:
        out += [f"    {code}: {p.text[start:end]!r}" for code, start, end in pred.why[item][:3]]
    out.append(f"    {unit_name}: {_clip(p.text[u.start:u.end], 600)!r}")
    return out


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[:n] + " …"


def benchmark_cli(args: argparse.Namespace) -> int:
    """``python -m analysis benchmark NAME PATH [--json FILE] [--csv DIR] [--errors N]``."""
    from . import run

    path = Path(args.path)
    if not path.exists():
        raise InputError(path, "does not exist")
    result, material = run(args.name, path)
    print(render(result))
    if args.errors:
        print(error_listing(result, material, args.errors, args.seed))
    sys.stdout.flush()
    try:
        if args.json:
            write_file_atomic(Path(args.json), to_json(result))
        if args.csv:
            for part in ("by_dimension", "by_label"):
                write_file_atomic(Path(args.csv) / f"{args.name}_{part}.csv", to_csv(result[part], ROW_COLUMNS))
    except OSError as err:
        raise InputError(args.json or args.csv, f"cannot write ({err.strerror or err})") from None
    s = material["seconds"]
    print(f"{result['title']}: read {s['read']:.1f} s, extract {s['extract']:.1f} s, score {s['score']:.1f} s "
          f"({result['policies']} policies)", file=sys.stderr)
    return 0


README_BEGIN = "<!-- external-benchmarks:begin (generated by make benchmark-external from benchmarks/external/*.json) -->"
README_END = "<!-- external-benchmarks:end -->"


def markdown(result: dict) -> str:
    """README tables of one result: per level and dimension, stated, extractor beside the baseline."""
    g = result["gold_items"]
    out = [f"**{result['title']}** ({result['policies']} policies, {result['units']} {result['unit']}s; "
           f"{g[STATES]} stated and {g[DENIES]} denied {result['unit']} × label items in the gold)", ""]
    for level in ("policy", "evidence"):
        ext = _pick(result["by_dimension"], system="extractor", level=level, polarity=STATES)
        base = {r["dimension"]: r for r in _pick(result["by_dimension"], system="baseline", level=level,
                                                     polarity=STATES)}
        what = "policy level" if level == "policy" else f"evidence level ({result['unit']} × label)"
        out += [f"| {what} | gold | precision | recall | F1 | macro-F1 | baseline F1 | baseline macro-F1 |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"]
        approx = set(result.get("approximate_dimensions", []))
        out += [f"| {r['dimension']}{' †' if r['dimension'] in approx else ''} | {r['gold']} | {_fmt(r['precision'])} | {_fmt(r['recall'])} | {_fmt(r['f1'])} | "
                f"{_fmt(r['macro_f1'])} | {_fmt(base[r['dimension']]['f1'])} | "
                f"{_fmt(base[r['dimension']]['macro_f1'])} |" for r in ext]
        out.append("")
    if result["reference"]:
        out += [reference_sentence(result), ""]
    if result.get("approximate_dimensions"):
        out += ["† gold mapped from free-text values by a short list of value words: approximate.", ""]
    if not result["polarity_reported"]:
        out += [f"Denials ({g[DENIES]} annotated items): not scored yet, the extractor reports no polarity.", ""]
    else:
        rows = {lv: {r["dimension"]: r for r in _pick(result["by_dimension"], system="extractor", level=lv,
                                                        polarity=DENIES)} for lv in ("policy", "evidence")}
        out += ["| denials (\"denies\" findings against annotated denials) | gold, policy level | P | R | F1 | "
                "gold, evidence level | P | R | F1 |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        out += [f"| {d} | " + " | ".join(f"{r['gold']} | {_fmt(r['precision'])} | {_fmt(r['recall'])} | "
                                         f"{_fmt(r['f1'])}" for r in (rows["policy"][d], rows["evidence"][d])) + " |"
                for d in rows["evidence"]]
        out.append("")
    return "\n".join(out).rstrip("\n")


def reference_sentence(result: dict) -> str:
    """The extractor's segment × category micro-F1 next to the published reference (PrivBERT)."""
    ref = result["reference"]
    e = _pick(result["by_dimension"], system="extractor", level="evidence", polarity=ANY, dimension="all")[0]
    b = _pick(result["by_dimension"], system="baseline", level="evidence", polarity=ANY, dimension="all")[0]
    return (f"Segment × category, either polarity (the task PrivBERT is scored on), {len(result['labels'])} "
            f"mapped categories: extractor micro-F1 **{_fmt(e['f1'])}** / macro-F1 {_fmt(e['macro_f1'])}, "
            f"keyword baseline {_fmt(b['f1'])} / {_fmt(b['macro_f1'])}; published PrivBERT "
            f"{ref['micro_f1']:.3f} / {ref['macro_f1']:.3f} (BERT-base {ref['bert_base_micro_f1']:.3f} / "
            f"{ref['bert_base_macro_f1']:.3f}; 12 categories, random segment split: indicative only).")


def update_readme(readme: Path, results: list[dict]) -> str:
    """README text with the generated block between the markers replaced."""
    text = readme.read_text(encoding="utf-8")
    if README_BEGIN not in text or README_END not in text:
        raise InputError(readme, "has no external-benchmarks markers")
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    body = "\n\n".join(markdown(r) for r in results)
    return f"{head}{README_BEGIN}\n{body}\n{README_END}{tail}"


def readme_main(argv: list[str] | None = None) -> int:
    """``python -m analysis.benchmark.report README JSON...``: rewrite the README's generated block."""
    args = argv if argv is not None else sys.argv[1:]
    readme, files = Path(args[0]), [Path(a) for a in args[1:]]
    results = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    write_file_atomic(readme, update_readme(readme, results))
    return 0



def load_results(directory: Path | str) -> dict[str, dict]:
    """The saved benchmark results (``<name>.json`` written by ``--json``), by benchmark name."""
    out = {}
    for path in sorted(Path(directory).glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        out[result["benchmark"]] = result
    return out


def dimension_frame(results: dict[str, dict], polarity: str = STATES):
    """Tidy frame of the per-dimension scores of every benchmark: benchmark, level, dimension,
    precision, recall, f1 of the extractor and f1 of the keyword baseline."""
    import pandas as pd

    rows = []
    for name, result in results.items():
        for level in ("policy", "evidence"):
            base = {r["dimension"]: r for r in _pick(result["by_dimension"], system="baseline", level=level,
                                                         polarity=polarity)}
            for r in _pick(result["by_dimension"], system="extractor", level=level, polarity=polarity):
                rows.append({"benchmark": result["title"], "level": level, "dimension": r["dimension"],
                             "gold": r["gold"], "precision": r["precision"], "recall": r["recall"],
                             "f1": r["f1"], "baseline_f1": base.get(r["dimension"], {}).get("f1")})
    return pd.DataFrame(rows, columns=["benchmark", "level", "dimension", "gold", "precision", "recall", "f1",
                                       "baseline_f1"])


if __name__ == "__main__":
    sys.exit(readme_main())
