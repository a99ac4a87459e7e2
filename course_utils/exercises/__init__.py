"""The Try-it checkers: one verdict framework, one module per notebook.

- ``verdict``: reading a learner's answer, judging it, printing one verdict;
  a bug in a checker raises under the tests and apologises to a learner
- ``arithmetic``: notebook 01
- ``padding``: notebook 02
- ``sharing``: notebook 03
- ``faces``: notebook 04
- ``mnist``: notebook 05
- ``runner``: runs a learner's function safely (time limit, captured prints)
- ``write_it``: the Write-it checkers' framework (cases, known wrong versions, hints)
- ``drill``: practice on demand, output sizes and parameter counts, with a score
"""

# Each module lists its public names in its own __all__; this joins them.
from . import arithmetic, drill, faces, mnist, padding, sharing
from .arithmetic import *  # noqa: F403
from .drill import *  # noqa: F403
from .faces import *  # noqa: F403
from .mnist import *  # noqa: F403
from .padding import *  # noqa: F403
from .sharing import *  # noqa: F403

__all__ = [
    *arithmetic.__all__,
    *padding.__all__,
    *sharing.__all__,
    *faces.__all__,
    *mnist.__all__,
    *drill.__all__,
]
