"""A time budget for one piece of work: past it, :class:`~analysis.errors.TimeBudgetExceeded`
is raised inside the work, so a pathological file is reported instead of hung on.

In a process's main thread (``-j 1``, each ``-j N`` worker) the budget is a ``SIGALRM``
timer: its handler runs even inside a long regular-expression search (the regex engine
checks for signals). In another thread (a Dask worker runs tasks in threads) a watchdog
thread raises the exception asynchronously in the working thread; that takes effect at
the next Python instruction, so a single long call into C finishes first (the package's
regular expressions are linear-time, which keeps such calls short).
"""
from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import TimeBudgetExceeded

#: seconds one file may take (read, parse, analyse) before it is reported; a 5 MB policy takes about 10 s
DEFAULT_BUDGET = 120.0


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Run the body with a budget of ``seconds`` (None or 0: no limit)."""
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _watchdog(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise TimeBudgetExceeded(f"took longer than its time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target),
                                                           ctypes.py_object(TimeBudgetExceeded))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except TimeBudgetExceeded:
        raise TimeBudgetExceeded(f"took longer than its time budget of {seconds:g} s") from None
    finally:
        timer.cancel()
        with lock:
            state["active"] = False
            if state["fired"]:  # an exception scheduled but not yet raised must not escape later
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
