"""Run the extractor over many files: in this process, in worker processes, or on Dask.

Each job returns either a :class:`~analysis.pipeline.PolicyResult` or a one-line error;
results come back in job order (jobs are sorted by vendor id) so they can be streamed
to disk without holding the corpus in memory.
"""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path

from .codebook import load_codebook
from .corpus import check_registered
from .errors import PolicyLensError
from .loader import MAX_BYTES, read_policy
from .pipeline import PolicyResult, analyse

Job = tuple[str, str]  # (vendor id, path)
Outcome = tuple[Job, PolicyResult | None, str | None]


def run_job(job: Job, codebook: str | None = None, max_bytes: int = MAX_BYTES) -> Outcome:
    """Analyse one file; never raises for bad input (the error is returned as one line)."""
    vendor, path = job
    try:
        doc = read_policy(path, vendor, max_bytes=max_bytes)
        check_registered(doc)
        book = load_codebook(codebook)
        return job, analyse(doc, book), None
    except PolicyLensError as err:
        return job, None, str(err)
    except Exception as err:  # noqa: BLE001 - a bug must not kill a 10,000-file batch
        return job, None, f"{path}: internal error {type(err).__name__}: {err}"


def _run_star(args: tuple[Job, str | None, int]) -> Outcome:
    return run_job(*args)


def run_local(jobs: list[Job], workers: int = 1, codebook: str | None = None,
              max_bytes: int = MAX_BYTES) -> Iterator[Outcome]:
    """Yield outcomes in job order, using ``workers`` processes when more than one."""
    args = [(j, codebook, max_bytes) for j in jobs]
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_run_star, args)
        return
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    chunk = max(1, min(32, len(jobs) // (workers * 8) or 1))
    with ctx.Pool(workers) as pool:
        yield from pool.imap(_run_star, args, chunksize=chunk)


def run_jobs(jobs: list[Job], codebook: str | None = None, max_bytes: int = MAX_BYTES) -> list[Outcome]:
    """Analyse several files in one task (amortises the per-task cost of a Dask cluster)."""
    return [run_job(job, codebook, max_bytes) for job in jobs]


def run_dask(jobs: list[Job], scheduler: str | None = None, workers: int = 2, codebook: str | None = None,
             max_bytes: int = MAX_BYTES, window: int = 16, chunk: int | None = None) -> Iterator[Outcome]:
    """Yield outcomes in job order from a Dask cluster (a local one if no scheduler is given).

    Jobs go to the cluster in chunks (one task analyses ``chunk`` files, by default up to
    16 and at least four tasks per worker), and at most ``window`` tasks are in flight,
    so memory stays flat for any corpus size.
    """
    from dask.distributed import Client, LocalCluster

    size = chunk or max(1, min(16, len(jobs) // (max(1, workers) * 4)))
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
        for start in range(0, len(jobs), size):
            pending.append(client.submit(run_jobs, jobs[start:start + size], book, max_bytes, pure=False))
            if len(pending) >= window:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
