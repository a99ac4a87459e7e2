"""A small trainable framework built on ``conv``: enough to train the notebooks' models.

- ``layers``: dense, ReLU and the softmax loss as functions, forward and backward
- ``gradcheck``: backward passes checked against finite differences
- ``model``: layer objects with parameters, stacked into a ``Sequential`` model
- ``specs``: layers described without their weights, for counting and building
- ``summary``: a model of layer specs counted layer by layer, and built
- ``training``: the Adam optimiser and a seeded training loop with a progress bar
- ``side_by_side``: many runs of one model trained in the same calls, a leading axis of runs
- ``experiment``: an experiment's runs (folds x streams), settings chosen on validation
- ``frameworks``: the PyTorch and Keras calls that build the same layers, from the specs
"""

# Each module lists its public names in its own __all__; this joins them.
from . import (
    experiment,
    frameworks,
    gradcheck,
    layers,
    model,
    side_by_side,
    specs,
    summary,
    training,
)
from .frameworks import *  # noqa: F403
from .gradcheck import *  # noqa: F403
from .layers import *  # noqa: F403
from .experiment import *  # noqa: F403
from .model import *  # noqa: F403
from .side_by_side import *  # noqa: F403
from .specs import *  # noqa: F403
from .summary import *  # noqa: F403
from .training import *  # noqa: F403

__all__ = [
    *layers.__all__,
    *gradcheck.__all__,
    *model.__all__,
    *specs.__all__,
    *summary.__all__,
    *training.__all__,
    *side_by_side.__all__,
    *experiment.__all__,
    *frameworks.__all__,
]
