"""Numbers about results and images: what an experiment shows, with its uncertainty.

- ``results``: mean and spread over seeds, paired differences, intervals, confusion matrices
- ``equivariance``: shift an image and measure whether a layer's output shifts with it
- ``position_statistics``: local image statistics and how much they depend on position
"""

# Each module lists its public names in its own __all__; this joins them.
from . import equivariance, position_statistics, results
from .equivariance import *  # noqa: F403
from .position_statistics import *  # noqa: F403
from .results import *  # noqa: F403

__all__ = [
    *results.__all__,
    *equivariance.__all__,
    *position_statistics.__all__,
]
