"""The images the course works on, each checked when it is loaded.

- ``digits``: 5,000 MNIST digits shipped with the course (``mnist_5k.csv.gz``)
- ``faces``: scikit-image's LFW faces and non-faces; splits and shifts
- ``photos``: a photograph from scikit-image's sample data
- ``examples``: the 5x5 grid and small filters of notebooks 02 and 03
"""

# Each module lists its public names in its own __all__; this joins them.
from . import digits, examples, faces, photos
from .digits import *  # noqa: F403
from .examples import *  # noqa: F403
from .faces import *  # noqa: F403
from .photos import *  # noqa: F403

__all__ = [
    *digits.__all__,
    *faces.__all__,
    *photos.__all__,
    *examples.__all__,
]
