"""Command line: ``python -m analysis extract|evaluate|benchmark|manifest|register|market``.

Bad input never produces a traceback: each problem is one line naming the file, the
other files are still processed, a summary lists the failures, and the exit status is
2 (1 for an internal error). ``--fail-fast`` stops at the first problem and writes nothing.
"""
from __future__ import annotations

import argparse
import errno
import os
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from .budget import DEFAULT_BUDGET
from .errors import InputError, PolicyLensError, os_problem, printable

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class _Abort(Exception):
    """Raised to abandon a run (fail-fast) so outputs are not published."""


def _progress(total: int, quiet: bool) -> Any:
    """A tqdm bar on stderr, drawn only when stderr is a terminal and ``--quiet`` is not given."""
    from tqdm import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(total=total, unit="policy", file=sys.stderr, disable=disable, dynamic_ncols=True)


def _say(bar: Any, line: str) -> None:
    """Print one line to stderr without breaking a progress bar that is showing."""
    bar.write(line, file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract the four tables from policy files and directories."""
    from .batch import run_dask, run_local
    from .codebook import load_codebook
    from .corpus import plan_inputs
    from .outputs import TableWriter
    from .schema import TABLES

    out = _out_dir(args.out, "--out")
    text_dir = _out_dir(args.write_text, "--write-text") if args.write_text else None
    codebook = str(Path(args.codebook)) if args.codebook else None
    load_codebook(codebook)  # validate before any work
    jobs, problems = plan_inputs(args.paths)
    failures = [str(p) for p in problems]
    if failures and args.fail_fast:
        print(f"error: {failures[0]}", file=sys.stderr)
        print(_STOPPED.format(out=out), file=sys.stderr)
        return EXIT_BAD_INPUT
    for line in failures:
        print(f"error: {line}", file=sys.stderr)
    work = [(v, str(p)) for v, p in jobs]
    budget = args.time_budget or None
    if args.engine == "dask":
        outcomes = run_dask(work, args.scheduler, max(1, args.jobs), codebook, args.max_bytes, budget=budget)
    else:
        outcomes = run_local(work, args.jobs, codebook, args.max_bytes, budget)
    done = 0
    try:
        with TableWriter(out) as writer, _progress(len(work), args.quiet) as bar:
            for _job, result, error in outcomes:
                bar.update(1)
                if error:
                    failures.append(error)
                    _say(bar, f"error: {error}")
                    if args.fail_fast:
                        raise _Abort
                    continue
                writer.add({name: result.table(name) for name in TABLES})
                if text_dir is not None:
                    _write_text(text_dir, *_job, args.max_bytes)
                done += 1
            if done == 0:
                writer.discard()  # nothing extracted: keep the previous outputs
    except _Abort:
        print(_STOPPED.format(out=out), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        raise
    except OSError as err:
        raise InputError(err.filename or out, f"cannot write the outputs ({os_problem(err)})") from None
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()  # stop worker processes or the Dask cluster now, not at garbage collection
    return _summary(out, done, len(work), len(work) + len(problems), failures, args.quiet)


def _out_dir(value: str, option: str) -> Path:
    """An output directory option: it may not exist yet, but must not be a file or an
    impossible name (a component over 255 bytes, an empty string)."""
    if not value:
        raise InputError("''", f"{option} needs a directory name")
    out = Path(value)
    try:
        st = os.stat(out)
    except FileNotFoundError:
        return out
    except (OSError, RuntimeError) as err:
        if isinstance(err, OSError) and err.errno == errno.ENOTDIR:
            raise InputError(out, f"{option} is inside a file, not a directory") from None
        raise InputError(out, f"{option} {os_problem(err).removeprefix('is ')}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(out, f"{option} must be a directory, but this is a file")
    return out


def _write_text(text_dir: Path, vendor: str, path: str, max_bytes: int) -> None:
    """Write the text a policy's offsets count in (``<vendor>.txt``: UTF-8, line ends as they
    are, the BOM removed, for HTML the extracted text) into ``text_dir``."""
    from .loader import read_policy

    text = read_policy(path, vendor, max_bytes=max_bytes).text
    text_dir.mkdir(parents=True, exist_ok=True)
    target = text_dir / f"{vendor}.txt"
    fd, tmp = tempfile.mkstemp(prefix=f".{vendor}.", suffix=".tmp", dir=text_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of bytes, not {n}")
    return n


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not n >= 0 or n == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 0 (0: no limit), not {value}")
    return n


_STOPPED = "stopped at the first failure (--fail-fast); nothing written, previous outputs in {out} left unchanged"


def _summary(out: Path, done: int, n_jobs: int, n_inputs: int, failures: list[str], quiet: bool) -> int:
    """Print the closing lines and return the exit status.

    A single input that fails gets its one error line and nothing else; a batch with
    failures ends with a summary listing each of them.
    """
    kept = "" if done else f"; previous outputs in {out} left unchanged"
    if failures and n_inputs > 1:
        print(f"extracted {done} of {n_jobs} policies into {out}{kept}; {len(failures)} input problem(s):",
              file=sys.stderr)
        for line in failures:
            print(f"  - {line}", file=sys.stderr)
    elif not failures and not quiet:
        print(f"extracted {done} of {n_jobs} policies into {out}", file=sys.stderr)
    return EXIT_BAD_INPUT if failures else EXIT_OK


def cmd_manifest(args: argparse.Namespace) -> int:
    """Verify the manifest against data/raw/policies (sha256 and size of every file)."""
    from .corpus import verify_manifest

    rows = verify_manifest()
    print(f"manifest OK: {len(rows)} registered policies, sha256 verified", file=sys.stderr)
    return EXIT_OK


def cmd_register(args: argparse.Namespace) -> int:
    """Copy a new policy into data/raw/policies and add it to the manifest."""
    from .corpus import register_policy

    reg = register_policy(args.file, args.vendor, args.label)
    print(f"registered {reg.vendor} ({reg.bytes:,} bytes, sha256 {reg.sha256[:12]}…, stated date "
          f"{reg.stated_date or 'none'}); run 'make report' to extract it and refresh the notebooks",
          file=sys.stderr)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score the extractor (and the keyword baseline) against the hand-coded labels."""
    from .evaluate import evaluate_cli

    return evaluate_cli(args)


def cmd_market(args: argparse.Namespace) -> int:
    """Build the market tables (data/processed/market/*.parquet) from data/raw/market."""
    from .market import cli

    return cli(args)


def cmd_gold(args: argparse.Namespace) -> int:
    """``python -m analysis gold``: rewrite gold.csv from the coders' files, print agreement."""
    from .sentence_gold import GOLD_PATH, agreement, write_gold

    n = write_gold()
    print(f"{GOLD_PATH.relative_to(GOLD_PATH.parents[3])}: {n} rows")
    print("agreement of the two coders (units x codes):")
    print(agreement().to_string(index=False))
    return EXIT_OK


def cmd_benchmark(args: argparse.Namespace) -> int:
    """Score the extractor and the keyword baseline on a public benchmark read from a path."""
    from .benchmark.report import benchmark_cli

    return benchmark_cli(args)


def cmd_train_verifier(args: argparse.Namespace) -> int:
    """``python -m analysis train-verifier``: retrain data/models/verifier.json."""
    from .verifier_train import train_cli

    return train_cli(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analysis``."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract practices, facts, sentences and metrics")
    ex.add_argument("paths", nargs="+", help="policy files (.txt, .html, .htm) or directories")
    ex.add_argument("--out", required=True, help="output directory for the four CSV files")
    ex.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    ex.add_argument("--engine", choices=("local", "dask"), default="local")
    ex.add_argument("--scheduler", help="Dask scheduler address (default: start a local cluster)")
    ex.add_argument("--codebook", help="codebook YAML (default data/codebook.yaml)")
    ex.add_argument("--max-bytes", type=_positive_int, default=5_000_000, help="refuse files larger than this")
    ex.add_argument("--time-budget", type=_seconds, default=DEFAULT_BUDGET, metavar="SECONDS",
                    help=f"report a file that takes longer than this to read and analyse "
                         f"(default {DEFAULT_BUDGET:g}; 0: no limit)")
    ex.add_argument("--write-text", metavar="DIR",
                    help="also write the text each policy's offsets count in to DIR/<vendor>.txt "
                         "(for HTML: the extracted main text)")
    ex.add_argument("--fail-fast", action="store_true", help="stop at the first bad input; write nothing")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary line")
    ex.set_defaults(func=cmd_extract)
    ev = sub.add_parser("evaluate", help="precision/recall/F1 against data/annotations")
    ev.add_argument("--processed", help="directory with practices.csv (default data/processed)")
    ev.add_argument("--by", choices=("dimension", "code", "vendor"), default="dimension")
    ev.add_argument("--errors", action="store_true", help="also list false positives and negatives")
    ev.add_argument("--level", choices=("policy", "sentence"), default="policy",
                    help="policy: (vendor, code) presence; sentence: every evidence sentence against "
                         "data/annotations/sentences/gold.csv")
    ev.set_defaults(func=cmd_evaluate)
    gd = sub.add_parser("gold", help="rebuild the sentence-level gold labels from the two coders' files "
                                     "and print their agreement")
    gd.set_defaults(func=cmd_gold)
    bm = sub.add_parser("benchmark", help="score on OPP-115 or GDPR-Transparency-200 read from PATH")
    bm.add_argument("name", choices=("opp115", "gdpr200"), help="which dataset")
    bm.add_argument("path", help="the dataset's folder, in its original format (e.g. ../shared/corpora/opp115)")
    bm.add_argument("--json", metavar="FILE", help="also write every score as JSON")
    bm.add_argument("--csv", metavar="DIR", help="also write <name>_by_dimension.csv and <name>_by_label.csv")
    bm.add_argument("--errors", type=int, default=0, metavar="N",
                    help="list N false positives and N false negatives (evidence level) with their text")
    bm.add_argument("--seed", type=int, default=0, help="seed of the --errors sample (default 0)")
    bm.set_defaults(func=cmd_benchmark)
    mf = sub.add_parser("manifest", help="verify data/raw/manifest.csv against the raw files")
    mf.set_defaults(func=cmd_manifest)
    rg = sub.add_parser("register", help="add a .txt policy to data/raw/policies and the manifest")
    rg.add_argument("file", help="the policy, copied byte for byte (the original is only read)")
    rg.add_argument("--vendor", required=True, help="vendor id: a lower-case slug, e.g. acme_home")
    rg.add_argument("--label", required=True, help="display label, e.g. 'Acme Home (Acme Ltd)'")
    rg.set_defaults(func=cmd_register)
    mk = sub.add_parser("market", help="screen and extract the market corpus into Parquet tables")
    mk.add_argument("--raw", default="data/raw/market", help="folder with html/ and manifest.csv")
    mk.add_argument("--out", default="data/processed/market", help="output folder for the Parquet tables")
    mk.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (default 1)")
    mk.add_argument("--import-from", help="first copy the pages and vendors.csv of this folder into --raw")
    mk.set_defaults(func=cmd_market)
    tv = sub.add_parser("train-verifier", help="retrain the data-type verifier from the market sentence labels")
    tv.add_argument("--out", help="model file (default data/models/verifier.json)")
    tv.set_defaults(func=cmd_train_verifier)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every ``finally`` cleans up."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        return args.func(args)
    except PolicyLensError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as err:
        print(f"{'terminated' if isinstance(err, _Terminated) else 'interrupted'}; "
              "previous outputs left unchanged", file=sys.stderr)
        return 143 if isinstance(err, _Terminated) else 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as err:  # an operating-system refusal not tied to one input file
        where = f"{printable(err.filename)}: " if err.filename else ""
        print(f"error: {where}{os_problem(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
