"""How many threads numpy's BLAS uses: one, unless the learner or the server asked for more.

numpy's matrix products run in a BLAS library (OpenBLAS in numpy's wheels),
which by default starts one thread per core. That is good for one person
alone on a laptop, and bad wherever several kernels share the cores: two
learners on a 2-core server, or two notebooks open at once, each start two
threads that fight over the same two cores, and OpenBLAS's waiting threads
spin. ``make bench`` measures it (benchmarks/RESULTS.md, "Two notebooks at
once": two notebooks at once with one thread each and with one per core).

So ``import course_utils`` sets one BLAS thread, unless one of
:data:`ASKED_BY` is set in the environment (by the learner, the server's
configuration or ``make lab``, which sets 1 itself): then the course leaves the
threads as they were asked. A learner alone on a laptop with cores to spare
can ask for more in a notebook with :func:`set_blas_threads` (e.g.
``cu.set_blas_threads(4)``), or before starting Jupyter with
``OPENBLAS_NUM_THREADS=4``. What that gains alone is in the same table.

Environment variables are read by a BLAS library once, when it loads, and
every notebook imports numpy before ``course_utils``: by then numpy's BLAS is
loaded and has started its threads. The variables are still set (for the
libraries that load later, such as scipy's own OpenBLAS, and for child
processes); numpy's already loaded library is told through its own C function
(``openblas_set_num_threads``, ``MKL_Set_Num_Threads``), called with ctypes,
as threadpoolctl does, without adding a dependency.
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys

__all__ = ["blas_threads", "set_blas_threads"]

#: Variables that say how many threads a BLAS or OpenMP library may use. If any is set,
#: someone asked, and importing the course changes nothing.
ASKED_BY = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
#: What the course sets (to the same number) for libraries that load after it.
SETS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS")

#: (setter, getter) C functions of the BLAS libraries the course knows, by the library's
#: file name; OpenBLAS's names carry a prefix and a suffix in scipy's builds
#: (scipy_openblas_set_num_threads64_ in numpy's wheels).
_OPENBLAS = [(f"{prefix}openblas_set_num_threads{suffix}",
              f"{prefix}openblas_get_num_threads{suffix}")
             for prefix in ("scipy_", "") for suffix in ("64_", "_64", "")]
_MKL = [("MKL_Set_Num_Threads", "MKL_Get_Max_Threads")]


def _loaded_libraries() -> list[str]:
    """Paths of the BLAS libraries this process has loaded (OpenBLAS or MKL).

    On Linux, from the process's memory map: every library, numpy's and scipy's
    and a conda environment's. Elsewhere, the OpenBLAS that numpy's wheel ships
    (numpy is imported by then); on macOS arm64 numpy uses Apple's Accelerate,
    which reads VECLIB_MAXIMUM_THREADS.
    """
    found: list[str] = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rstrip("\n").split(" ", 5)[-1].strip()
                name = os.path.basename(path).lower()
                if path.startswith("/") and ("openblas" in name or "mkl_rt" in name) \
                        and path not in found:
                    found.append(path)
        return sorted(found, key=lambda path: "numpy" not in path)  # numpy's first
    except OSError:
        pass
    numpy = sys.modules.get("numpy")
    if numpy is None or not getattr(numpy, "__file__", None):
        return found
    home = os.path.dirname(numpy.__file__)
    for pattern in (os.path.join(home + ".libs", "*openblas*"),
                    os.path.join(home, ".dylibs", "*openblas*")):
        found += sorted(glob.glob(pattern))
    return found


def _controls(path: str) -> tuple[object, object] | None:
    """The library's (set, get) thread functions, or None when it has neither kind."""
    try:
        library = ctypes.CDLL(path)  # already loaded: the same library, not a second copy
    except OSError:
        return None
    names = _MKL if "mkl_rt" in os.path.basename(path).lower() else _OPENBLAS
    for setter, getter in names:
        if hasattr(library, setter) and hasattr(library, getter):
            set_threads, get_threads = getattr(library, setter), getattr(library, getter)
            get_threads.restype = ctypes.c_int
            return set_threads, get_threads
    return None


def blas_threads() -> int | None:
    """How many threads numpy's BLAS uses now, or None if the course cannot tell.

    Examples
    --------
    >>> import course_utils as cu
    >>> cu.blas_threads() >= 1
    True
    """
    for path in _loaded_libraries():
        controls = _controls(path)
        if controls is not None:
            return int(controls[1]())
    return None


def set_blas_threads(threads: int) -> int | None:
    """Let numpy's BLAS use ``threads`` threads, from now on, in this kernel.

    Parameters
    ----------
    threads : int
        At least 1. One is the course's choice (see the module's text); on
        a laptop of your own with nothing else running, the number of cores
        (``os.cpu_count()``) lets a large matrix product use them all.

    Returns
    -------
    int or None
        The threads the BLAS now uses, as it reports them (None if it cannot
        be told, e.g. Apple's Accelerate). The environment variables of
        :data:`SETS` are set too, for libraries loaded later and for child
        processes.

    Raises
    ------
    TypeError, ValueError
        For a ``threads`` that is not a whole number of at least 1.
    """
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError(f"threads must be an int, got {type(threads).__name__} {threads!r}")
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    for name in SETS:
        os.environ[name] = str(threads)
    for path in _loaded_libraries():
        controls = _controls(path)
        if controls is not None:
            controls[0](ctypes.c_int(threads))
    return blas_threads()


def one_thread_unless_asked() -> bool:
    """What ``import course_utils`` does: one BLAS thread, unless :data:`ASKED_BY` says otherwise.

    Returns True when it set the threads, False when someone had asked already.
    """
    if any(os.environ.get(name, "").strip() for name in ASKED_BY):
        return False
    set_blas_threads(1)
    return True
