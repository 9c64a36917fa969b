"""Benchmark the extractor on synthetic corpora of resampled policy paragraphs.

Builds N policies (default sizes 100, 1,000 and 10,000) by resampling paragraphs of the
five raw policies with a fixed seed (each synthetic policy ~20 KB, like the real ones),
then runs ``python -m analysis extract`` on them with 1 and 2 worker processes and with
the Dask engine (a local cluster of 2 single-threaded workers), and prints a Markdown
table of wall time, policies per second, MB per second and peak memory (the summed
resident memory of the whole process tree, sampled every 50 ms) and, for each run, the
time of a fixed pure-Python loop just before it (the machine's speed at that moment).

    python benchmarks/bench_extract.py                  # all sizes and engines
    python benchmarks/bench_extract.py --sizes 100 1000 --runs local1 local2
"""
from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "policies"
RUNS = {"local1": ["-j", "1"], "local2": ["-j", "2"], "dask2": ["--engine", "dask", "-j", "2"]}
TARGET_BYTES = 20_000


def paragraphs() -> list[str]:
    """Blank-line separated paragraphs of the raw policies, in a fixed order."""
    out = []
    for path in sorted(RAW.glob("*.txt")):
        out += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 3]
    return out


def synthetic_policies(n: int, seed: int = 0) -> Iterator[str]:
    """``n`` synthetic policies of ~20 KB, each made of paragraphs drawn at random."""
    rng = random.Random(seed)
    paras = paragraphs()
    for _ in range(n):
        parts, size = [], 0
        while size < TARGET_BYTES:
            p = rng.choice(paras)
            parts.append(p)
            size += len(p.encode("utf-8")) + 2
        yield "\n\n".join(parts) + "\n"


def build_corpus(n: int, directory: Path, seed: int = 0) -> int:
    """Write ``n`` synthetic policies of ~20 KB; return the total size in bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    total = 0
    for i, data in enumerate(synthetic_policies(n, seed)):
        (directory / f"synthetic_{i:05d}.txt").write_text(data, encoding="utf-8")
        total += len(data.encode("utf-8"))
    return total


def reference_ms() -> float:
    """Milliseconds a fixed pure-Python loop takes (best of 3), timed before each run: on a
    shared virtual machine the CPU speed drifts (this loop took 0.56 s and 1.05 s for 10
    million steps within minutes), so each row shows how fast the machine was."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i & 7
        best = min(best, time.perf_counter() - start)
    return best * 1000


def run(corpus: Path, out: Path, args: list[str]) -> tuple[float, float]:
    """Run one extraction; return (seconds, peak summed RSS in MB)."""
    cmd = [sys.executable, "-m", "analysis", "extract", str(corpus), "--out", str(out), "-q", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed ({' '.join(cmd)}): exit {proc.returncode}")
    return seconds, peak / 1e6


def main(argv: list[str] | None = None) -> int:
    """Build the corpora, run every configuration, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", nargs="+", choices=sorted(RUNS), default=list(RUNS))
    parser.add_argument("--keep", help="keep corpora and outputs in this directory")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="policy-lens-bench-"))
    rows = []
    try:
        for n in args.sizes:
            corpus = work / f"corpus_{n}"
            if corpus.exists():
                shutil.rmtree(corpus)
            total = build_corpus(n, corpus)
            for name in args.runs:
                ref = reference_ms()
                seconds, peak = run(corpus, work / f"out_{n}_{name}", RUNS[name])
                rows.append((n, name, total / n / 1000, seconds, n / seconds, total / 1e6 / seconds, peak, ref))
                print(f"N={n} {name}: {seconds:.1f} s, {n / seconds:.0f} policies/s, peak {peak:.0f} MB, "
                      f"reference loop {ref:.0f} ms", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("| policies | engine | KB/policy | seconds | policies/s | MB/s | peak memory (MB) | reference loop (ms) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, name, kb, s, pps, mbs, peak, ref in rows:
        print(f"| {n:,} | {name} | {kb:.1f} | {s:.1f} | {pps:.0f} | {mbs:.2f} | {peak:.0f} | {ref:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
