"""Where the time goes: per-policy cost of each pipeline stage on one core.

Builds the same synthetic policies as ``bench_extract.py`` (resampled paragraphs of the
five raw policies, ~22 KB each, fixed seed), warms every cache once, then times each
stage over all of them and reports the best of several passes in milliseconds per
policy (the best pass is the least disturbed by other work on the machine).

    python benchmarks/profile_stages.py            # 200 policies, best of 5 passes
    python benchmarks/profile_stages.py --policies 500 --passes 3
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import synthetic_policies  # noqa: E402

from analysis.codebook import load_codebook  # noqa: E402
from analysis.facts import extract_facts  # noqa: E402
from analysis.match import lowered, match_rules  # noqa: E402
from analysis.metrics import compute_metrics  # noqa: E402
from analysis.prefilter import TriggerIndex  # noqa: E402
from analysis.segment import segment  # noqa: E402
from analysis.verifier import load_verifier, verify  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Time every stage; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=200)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args(argv)
    texts = list(synthetic_policies(args.policies))
    book = load_codebook()
    rows = [segment(t) for t in texts]
    index = [TriggerIndex(lowered(t), r) for t, r in zip(texts, rows)]
    found = [match_rules(t, r, book, index=ix) for t, r, ix in zip(texts, rows, index)]
    model = load_verifier()
    stages: dict[str, Callable[[], object]] = {
        "segmentation": lambda: [segment(t) for t in texts],
        "word index": lambda: [TriggerIndex(lowered(t), r) for t, r in zip(texts, rows)],
        "candidate rows (prefilter)": lambda: [ix.masks(book.triggers) for ix in index],
        "codebook matching (incl. candidate rows)": lambda: [
            match_rules(t, r, book, index=ix) for t, r, ix in zip(texts, rows, index)],
        "data-type verifier": lambda: [verify(t, r, f, model) for t, r, f in zip(texts, rows, found)],
        "facts": lambda: [extract_facts(t, r, index=ix) for t, r, ix in zip(texts, rows, index)],
        "metrics (readability, hedges)": lambda: [compute_metrics(t, r, 0, 0) for t, r in zip(texts, rows)],
    }
    for run in stages.values():  # warm every cache (codebook, dictionaries, word caches)
        run()
    best = {}
    for name, run in stages.items():
        times = []
        for _ in range(args.passes):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        best[name] = min(times) / len(texts) * 1000
    total = sum(v for k, v in best.items() if k != "candidate rows (prefilter)")
    print(f"{len(texts)} synthetic policies of ~{sum(map(len, texts)) / len(texts) / 1000:.1f} K characters, "
          f"best of {args.passes} passes")
    print("| stage | ms per policy |")
    print("|---|---:|")
    for name, ms in best.items():
        print(f"| {name} | {ms:.2f} |")
    print(f"| **analysis total** (all but the candidate-rows line, which matching includes) | **{total:.2f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
