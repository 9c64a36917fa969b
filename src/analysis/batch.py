"""Run the extractor over many files: in this process, in worker processes, or on Dask.

Each job returns either a :class:`~analysis.pipeline.PolicyResult` or a one-line error;
results come back in job order (jobs are sorted by vendor id) so they can be streamed
to disk without holding the corpus in memory.
"""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path

from .codebook import Codebook, load_codebook
from .corpus import check_registered
from .errors import PolicyLensError
from .loader import MAX_BYTES, Document, read_policy
from .pipeline import PolicyResult, analyse, analyse_many

Job = tuple[str, str]  # (vendor id, path)
Outcome = tuple[Job, PolicyResult | None, str | None]


def run_job(job: Job, codebook: str | None = None, max_bytes: int = MAX_BYTES) -> Outcome:
    """Analyse one file; never raises for bad input (the error is returned as one line)."""
    return run_jobs([job], codebook, max_bytes)[0]


GROUP_CHARS = 1_000_000  # analyse at most about this much text at once, so a few large files never pile up


def run_jobs(jobs: list[Job], codebook: str | None = None, max_bytes: int = MAX_BYTES) -> list[Outcome]:
    """Analyse several files (one task of a worker pool or a Dask cluster), in job order.

    Readable files are analysed together, stage by stage (:func:`~analysis.pipeline.analyse_many`),
    in groups of up to :data:`GROUP_CHARS` characters of text; a file that cannot be read
    gets its one-line error and the others go on. Should the analysis itself fail (a bug),
    the group is analysed file by file, so only the file that triggers it is reported.
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
            doc = read_policy(job[1], job[0], max_bytes=max_bytes)
            check_registered(doc)
        except Exception as err:  # noqa: BLE001 - one bad file must not stop the others
            outcomes[k] = (job, None, _error_line(job, err))
            continue
        group.append((k, doc))
        size += len(doc.text)
        if size >= GROUP_CHARS:
            _analyse_group(jobs, group, book, outcomes)
            group, size = [], 0
    _analyse_group(jobs, group, book, outcomes)
    return outcomes  # type: ignore[return-value]


def _analyse_group(jobs: list[Job], group: list[tuple[int, Document]], book: Codebook,
                   outcomes: list[Outcome | None]) -> None:
    """Fill ``outcomes`` for the loaded documents of ``group`` (job index, document)."""
    if not group:
        return
    try:
        results: list[PolicyResult] | None = analyse_many([doc for _, doc in group], book)
    except Exception:  # noqa: BLE001 - find the file that triggers it
        results = None
    for n, (k, doc) in enumerate(group):
        if results is not None:
            outcomes[k] = (jobs[k], results[n], None)
            continue
        try:
            outcomes[k] = (jobs[k], analyse(doc, book), None)
        except Exception as err:  # noqa: BLE001 - a bug must not kill a 10,000-file batch
            outcomes[k] = (jobs[k], None, _error_line(jobs[k], err))


def _error_line(job: Job, err: Exception) -> str:
    """The one-line report of a failed job: the input problem, or the internal error and the file."""
    if isinstance(err, PolicyLensError):
        return str(err)
    return f"{job[1]}: internal error {type(err).__name__}: {err}"


def _run_chunk(args: tuple[list[Job], str | None, int]) -> list[Outcome]:
    return run_jobs(*args)


def chunks(jobs: list[Job], workers: int, largest: int = 16) -> list[list[Job]]:
    """Consecutive chunks of at most ``largest`` jobs, at least four per worker when there are enough."""
    size = max(1, min(largest, len(jobs) // (max(1, workers) * 4)))
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


def run_local(jobs: list[Job], workers: int = 1, codebook: str | None = None,
              max_bytes: int = MAX_BYTES) -> Iterator[Outcome]:
    """Yield outcomes in job order, using ``workers`` processes when more than one.

    Jobs are analysed in chunks of up to 16 files (see :func:`run_jobs`); each worker
    process takes one chunk at a time.
    """
    if workers <= 1 or len(jobs) <= 1:
        for chunk in chunks(jobs, 1):
            yield from run_jobs(chunk, codebook, max_bytes)
        return
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers) as pool:
        for outcomes in pool.imap(_run_chunk, [(c, codebook, max_bytes) for c in chunks(jobs, workers)]):
            yield from outcomes


def run_dask(jobs: list[Job], scheduler: str | None = None, workers: int = 2, codebook: str | None = None,
             max_bytes: int = MAX_BYTES, window: int = 16, chunk: int | None = None) -> Iterator[Outcome]:
    """Yield outcomes in job order from a Dask cluster (a local one if no scheduler is given).

    Jobs go to the cluster in chunks (one task analyses ``chunk`` files, by default up to
    16 and at least four tasks per worker), and at most ``window`` tasks are in flight,
    so memory stays flat for any corpus size.
    """
    from dask.distributed import Client, LocalCluster

    parts = [jobs[i:i + chunk] for i in range(0, len(jobs), chunk)] if chunk else chunks(jobs, workers)
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        book = str(Path(codebook).resolve()) if codebook else None
        pending = []
        for part in parts:
            pending.append(client.submit(run_jobs, part, book, max_bytes, pure=False))
            if len(pending) >= window:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
