"""Run the extractor over many files: in this process, in worker processes, or on Dask.

Each job returns either a :class:`~analysis.pipeline.PolicyResult` or a one-line error;
results come back in job order (jobs are sorted by vendor id) so they can be streamed
to disk without holding the corpus in memory.
"""
from __future__ import annotations

import multiprocessing as mp
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .codebook import Codebook, load_codebook
from .corpus import check_registered
from .budget import DEFAULT_BUDGET, time_budget
from .errors import InputError, PolicyLensError, TimeBudgetExceeded
from .loader import MAX_BYTES, Document, read_policy
from .pipeline import PolicyResult, analyse, analyse_many

Job = tuple[str, str]  # (vendor id, path)
Outcome = tuple[Job, PolicyResult | None, str | None]


def run_job(job: Job, codebook: str | None = None, max_bytes: int = MAX_BYTES,
            budget: float | None = DEFAULT_BUDGET) -> Outcome:
    """Analyse one file; never raises for bad input (the error is returned as one line)."""
    return run_jobs([job], codebook, max_bytes, budget)[0]


GROUP_CHARS = 1_000_000  # analyse at most about this much text at once, so a few large files never pile up


def run_jobs(jobs: list[Job], codebook: str | None = None, max_bytes: int = MAX_BYTES,
             budget: float | None = DEFAULT_BUDGET) -> list[Outcome]:
    """Analyse several files (one task of a worker pool or a Dask cluster), in job order.

    Every per-file step (resolve, stat, read, parse, analyse) runs under one error boundary:
    any exception becomes that file's one-line error and the others go on. Readable files are
    analysed together, stage by stage (:func:`~analysis.pipeline.analyse_many`), in groups of
    up to :data:`GROUP_CHARS` characters of text. Should the analysis of a group fail (a bug)
    or overrun one file's time ``budget`` (seconds; None for no limit), the group is analysed
    file by file, each with its own budget, so only the file that triggers it is reported.
    """
    outcomes: list[Outcome | None] = [None] * len(jobs)
    try:
        book = load_codebook(codebook)
    except PolicyLensError as err:
        return [(job, None, str(err)) for job in jobs]
    group: list[tuple[int, Document]] = []
    size = 0
    for k, job in enumerate(jobs):
        try:
            with time_budget(budget):
                doc = read_policy(job[1], job[0], max_bytes=max_bytes)
                check_registered(doc)
        except Exception as err:  # noqa: BLE001 - one bad file must not stop the others
            outcomes[k] = (job, None, _error_line(job, err))
            continue
        group.append((k, doc))
        size += len(doc.text)
        if size >= GROUP_CHARS:
            analyse_group(jobs, group, book, outcomes, budget)
            group, size = [], 0
    analyse_group(jobs, group, book, outcomes, budget)
    return outcomes  # type: ignore[return-value]


def analyse_group(jobs: list[Job], group: list[tuple[int, Document]], book: Codebook,
                   outcomes: list[Outcome | None], budget: float | None = DEFAULT_BUDGET) -> None:
    """Fill ``outcomes`` for the loaded documents of ``group`` (job index, document).

    The whole group gets one file's budget (a group of ordinary policies needs a small
    fraction of it); if it overruns, each file is analysed again under its own budget."""
    if not group:
        return
    try:
        with time_budget(budget):
            results: list[PolicyResult] | None = analyse_many([doc for _, doc in group], book)
    except Exception:  # noqa: BLE001 - find the file that triggers it
        results = None
    for n, (k, doc) in enumerate(group):
        if results is not None:
            outcomes[k] = (jobs[k], results[n], None)
            continue
        try:
            with time_budget(budget):
                result = analyse(doc, book)
            outcomes[k] = (jobs[k], result, None)
        except Exception as err:  # noqa: BLE001 - a bug must not kill a 10,000-file batch
            outcomes[k] = (jobs[k], None, _error_line(jobs[k], err))


def _error_line(job: Job, err: Exception) -> str:
    """The one-line report of a failed job: the input problem, or the internal error and the file."""
    if isinstance(err, PolicyLensError):
        return str(err)
    if isinstance(err, TimeBudgetExceeded):
        return str(InputError(job[1], f"{err} (a pathological file? raise --time-budget to allow more)"))
    return str(InputError(job[1], f"internal error {type(err).__name__}: {err}"))


def _run_chunk(args: tuple[list[Job], str | None, int, float | None]) -> list[Outcome]:
    return run_jobs(*args)


def _ignore_sigint() -> None:
    """Pool worker initialiser: Ctrl-C is handled by the parent (which stops the pool), so
    the workers do not each print a KeyboardInterrupt traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def chunks(jobs: list[Job], workers: int, largest: int = 16) -> list[list[Job]]:
    """Consecutive chunks of at most ``largest`` jobs, at least four per worker when there are enough."""
    size = max(1, min(largest, len(jobs) // (max(1, workers) * 4)))
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


def run_local(jobs: list[Job], workers: int = 1, codebook: str | None = None,
              max_bytes: int = MAX_BYTES, budget: float | None = DEFAULT_BUDGET) -> Iterator[Outcome]:
    """Yield outcomes in job order, using ``workers`` processes when more than one.

    Jobs are analysed in chunks of up to 16 files (see :func:`run_jobs`); each worker
    process takes one chunk at a time.
    """
    if workers <= 1 or len(jobs) <= 1:
        for chunk in chunks(jobs, 1):
            yield from run_jobs(chunk, codebook, max_bytes, budget)
        return
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=_ignore_sigint) as pool:
        for outcomes in pool.imap(_run_chunk, [(c, codebook, max_bytes, budget) for c in chunks(jobs, workers)]):
            yield from outcomes


def run_dask(jobs: list[Job], scheduler: str | None = None, workers: int = 2, codebook: str | None = None,
             max_bytes: int = MAX_BYTES, window: int = 16, chunk: int | None = None,
             budget: float | None = DEFAULT_BUDGET) -> Iterator[Outcome]:
    """Yield outcomes in job order from a Dask cluster (a local one if no scheduler is given).

    Jobs go to the cluster in chunks (one task analyses ``chunk`` files, by default up to
    16 and at least four tasks per worker), and at most ``window`` tasks are in flight,
    so memory stays flat for any corpus size.
    """
    from dask.distributed import Client, LocalCluster

    parts = [jobs[i:i + chunk] for i in range(0, len(jobs), chunk)] if chunk else chunks(jobs, workers)
    cluster = None
    if scheduler:
        client = connect_scheduler(scheduler)
    else:
        # CRITICAL: a worker's heartbeat racing the scheduler's shutdown logs an ERROR with a traceback
        # (seen once in five test runs); a real failure still reaches us through its future, as one line
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=50)
        client = Client(cluster)
    try:
        book = str(Path(codebook).resolve()) if codebook else None
        pending = []
        for part in parts:
            pending.append(client.submit(run_jobs, part, book, max_bytes, budget, pure=False))
            if len(pending) >= window:
                yield from _result(pending.pop(0), scheduler)
        for fut in pending:
            yield from _result(fut, scheduler)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _result(fut: Any, scheduler: str | None) -> list[Outcome]:
    """A task's outcomes; a failure of the cluster itself (a lost connection, a killed worker)
    is one line naming the scheduler, not a traceback blamed on the outputs."""
    try:
        return fut.result()
    except Exception as err:  # noqa: BLE001 - run_jobs reports its own errors; this is the cluster
        raise InputError(f"--scheduler {scheduler}" if scheduler else "local Dask cluster",
                         f"failed while running the extraction ({type(err).__name__}: {err})") from None


def connect_scheduler(address: str, timeout: float = 10) -> Any:
    """A Dask client of the scheduler at ``address``; a malformed or unreachable address
    is an InputError naming ``--scheduler``, never a traceback."""
    from dask.distributed import Client

    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError, TypeError) as err:
        problem = "did not answer in time" if isinstance(err, TimeoutError) or "Timed out" in str(err) else \
            f"cannot be reached ({type(err).__name__}: {' '.join(str(err).split())[:200]})"
        raise InputError(f"--scheduler {address}", f"Dask scheduler {problem}") from None
