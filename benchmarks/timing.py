"""Timing and machine description shared by the benchmarks.

Medians of repeated calls after warm-up. Each implementation is timed in a
block of its own, with a pause before the next one: numpy's BLAS and
PyTorch's OpenMP threads keep spinning for a moment after a call, and
alternating call by call makes each slow the other down.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Optional

# Calls slower than this are timed once, without warm-up: the loop reference
# takes seconds per call and repeating it would only make the run longer.
SLOW_CALL_SECONDS = 1.0
PAUSE_SECONDS = 0.2

#: What time_call reads: wall time by default. With one thread (``run.py --threads 1``)
#: run.py sets it to ``time.process_time``: the process's CPU time is then the call's
#: own, and other programs on a busy machine no longer count in it.
CLOCK: Callable[[], float] = time.perf_counter


@dataclass
class Timing:
    """Seconds per call of one implementation on one case."""

    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def runs(self) -> int:
        return len(self.seconds)


def time_call(
    call: Callable[[], object],
    *,
    setup: Optional[Callable[[], Callable[[], object]]] = None,
    warmup: int = 2,
    min_runs: int = 7,
    max_runs: int = 41,
    budget_seconds: float = 1.5,
) -> Timing:
    """Median-ready timings of ``call()``.

    Parameters
    ----------
    call : callable
        What is timed.
    setup : callable, optional
        If given, ``setup()`` runs untimed before each timed call and returns
        the callable to time (used for backward passes, which need a fresh
        forward graph in PyTorch).
    warmup, min_runs, max_runs : int
        Untimed calls first; then at least ``min_runs`` timed calls, more up
        to ``max_runs`` while the total stays under ``budget_seconds``.
    """
    def one() -> float:
        target = setup() if setup is not None else call
        start = CLOCK()
        target()
        return CLOCK() - start

    first = one()
    if first > SLOW_CALL_SECONDS:
        return Timing([first])
    for _ in range(max(0, warmup - 1)):
        one()
    seconds: list[float] = []
    while len(seconds) < max_runs and (len(seconds) < min_runs or sum(seconds) < budget_seconds):
        seconds.append(one())
    time.sleep(PAUSE_SECONDS)
    return Timing(seconds)


def cpu_name() -> str:
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def blas_threads() -> int:
    """Threads numpy's BLAS uses: OPENBLAS_NUM_THREADS if set (run.py --threads), else every core."""
    value = os.environ.get("OPENBLAS_NUM_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else usable_cores()


def memory_gib() -> Optional[float]:
    """Total memory in GiB, or None where the OS does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return None


def blas_description() -> str:
    """numpy's BLAS library and version, as numpy reports them."""
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # numpy's config format is not a stable API
        return "unknown"
