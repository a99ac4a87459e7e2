"""Helpers for the course on convolution arithmetic, padding and parameter sharing.

Everything a notebook needs is importable from the top level, e.g.
``from course_utils import conv_output_size``. The package is organised by
what things are, one subpackage for each kind:

==============  ==========================================================  =============
subpackage      what it holds                                               notebooks
==============  ==========================================================  =============
``conv``        what the course teaches, numpy only: output sizes and       01-05
                padding (``geometry``, the one place for every size
                rule), convolution, grouped, locally connected, pooling,
                counting
``nn``          a small trainable framework: layers as functions, gradient  03-05
                checks, layer objects and ``Sequential``, layer specs and
                the model summary, training
``data``        the digits, faces and photographs, checked at load; small   02-05
                examples
``stats``       results over seeds, equivariance, position statistics       03-05
``viz``         figures, the two explorers, text tables (imported when      01-05
                first used)
``exercises``   the Try-it checkers: one verdict framework, one module      01-05
                per notebook
==============  ==========================================================  =============

``validation`` holds the argument checks every public function shares,
``course`` the list of notebooks, and ``threads`` numpy's BLAS threads: importing
the course sets one thread, unless the learner or the server asked for more
(``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` set, or
``set_blas_threads(n)`` later), so that learners sharing a server's cores do not
fight over them. Each module lists its public names in its
own ``__all__``; this file only joins them. (``from course_utils import *``
takes every name, the figures too, and so imports matplotlib at once.)
"""

from . import threads

threads.one_thread_unless_asked()  # first: before anything below can load another BLAS

from . import conv, course, data, exercises, nn, stats, viz  # noqa: E402
from .conv import *  # noqa: F403, E402
from .course import *  # noqa: F403, E402
from .data import *  # noqa: F403, E402
from .exercises import *  # noqa: F403, E402
from .nn import *  # noqa: F403, E402
from .stats import *  # noqa: F403, E402
from .threads import *  # noqa: F403, E402

__version__ = "0.1.0"

__all__ = [
    *conv.__all__,
    *nn.__all__,
    *data.__all__,
    *stats.__all__,
    *viz.__all__,
    *exercises.__all__,
    *course.__all__,
    *threads.__all__,
]


def __getattr__(name: str) -> object:
    """The figures and explorers, imported the first time one is used (PEP 562).

    ``import course_utils`` stays fast because matplotlib and ipywidgets load
    only when a notebook first draws or explores.
    """
    if name in viz.HOMES:
        return getattr(viz, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every public name, figures included, for tab completion and ``help``."""
    return sorted(set(globals()) | set(__all__))
