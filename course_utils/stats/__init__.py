"""Numbers about results and images: what an experiment shows, with its uncertainty.

- ``results``: mean and spread over seeds, paired differences, intervals, confusion matrices
- ``paired_runs``: two models over paired runs: sign-flip test, bootstrap interval, Holm
- ``equivariance``: shift an image and measure whether a layer's output shifts with it
- ``position_statistics``: local image statistics and how much they depend on position
- ``change_maps``: where a locally connected layer learned most, and whether runs agree
"""

# Each module lists its public names in its own __all__; this joins them.
from . import change_maps, equivariance, paired_runs, position_statistics, results
from .change_maps import *  # noqa: F403
from .equivariance import *  # noqa: F403
from .paired_runs import *  # noqa: F403
from .position_statistics import *  # noqa: F403
from .results import *  # noqa: F403

__all__ = [
    *results.__all__,
    *paired_runs.__all__,
    *equivariance.__all__,
    *position_statistics.__all__,
    *change_maps.__all__,
]
