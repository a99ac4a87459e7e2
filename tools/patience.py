"""Deadlines for waiting on a busy machine: the tests' waits and the tools the tests drive.

Every such wait is for the event itself (a server answering, a page ready to print, a
selector, a kernel going idle) and goes on the moment it comes; the deadline only says
when to give up. So a deadline can be generous without making anything slower, and it
should grow with two things:

- **the work waited for**: what it takes alone, per unit (a slide, a widget snapshot,
  a cell), times the units; and
- **how busy the machine is**: `make test` runs one more pytest-xdist worker than there
  are cores, each with its own JupyterLab, kernels and Chromium, and other jobs may run
  beside it (issue 31: make test must pass with two CPU-bound processes beside it, where
  a fixed 60 s for a deck to get ready to print ran out).

:func:`slowdown` reads how busy the machine is when the wait starts, from the load
average per usable core; :func:`seconds` puts the two together, with a margin.
Standard library only (tools/course.py's rule does not apply here, but the tools stay
light).
"""

from __future__ import annotations

import os

#: How much longer than the work takes alone a deadline allows, on an idle machine.
MARGIN = 3.0
#: The most a deadline is stretched for a busy machine (a wait that has not ended after
#: this is stuck, not slow).
MOST = 8.0


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def slowdown(load: float | None = None, cores: int | None = None) -> float:
    """How many times slower than alone work runs now: the load average (the larger of the
    last 1 and 5 minutes) per usable core, at least 1 and at most :data:`MOST`."""
    if load is None:
        try:
            load = max(os.getloadavg()[:2])
        except (AttributeError, OSError):  # no load average (Windows): assume an idle machine
            load = 0.0
    cores = usable_cores() if cores is None else cores
    return min(MOST, max(1.0, load / cores))


def seconds(alone: float, units: float = 1, load: float | None = None) -> float:
    """A deadline for work that takes ``alone`` seconds per unit on an idle machine."""
    return MARGIN * alone * max(1.0, units) * slowdown(load)


def milliseconds(alone: float, units: float = 1, load: float | None = None) -> int:
    """:func:`seconds`, in the milliseconds Playwright's waits take."""
    return int(1000 * seconds(alone, units, load))
