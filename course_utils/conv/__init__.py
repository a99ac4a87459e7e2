"""What the notebooks teach, in numpy only: sizes, padding and the layers.

- ``geometry``: output sizes, padding per side, window positions, receptive fields (the one place for every size rule)
- ``conventions``: the same layer's sizes and shapes under PyTorch, Keras/TensorFlow and cs231n
- ``padding``: padding an image with zeros, reflect, replicate or circular
- ``convolution``: the convolution layer as readable loops and vectorised, and its backward pass
- ``grouped``: grouped convolution, forward and backward
- ``locally_connected``: the layer without weight sharing, forward and backward
- ``pooling``: max pooling and global pooling, forward and backward
- ``counting``: parameters, multiply-adds and memory of layers
- ``sliding``: one step of a window sliding over a grid, as numbers
"""

# Each module lists its public names in its own __all__; this joins them.
from . import (
    conventions,
    convolution,
    counting,
    geometry,
    grouped,
    locally_connected,
    padding,
    pooling,
    sliding,
)
from .conventions import *  # noqa: F403
from .convolution import *  # noqa: F403
from .counting import *  # noqa: F403
from .geometry import *  # noqa: F403
from .grouped import *  # noqa: F403
from .locally_connected import *  # noqa: F403
from .padding import *  # noqa: F403
from .pooling import *  # noqa: F403
from .sliding import *  # noqa: F403

__all__ = [
    *geometry.__all__,
    *conventions.__all__,
    *padding.__all__,
    *convolution.__all__,
    *grouped.__all__,
    *locally_connected.__all__,
    *pooling.__all__,
    *counting.__all__,
    *sliding.__all__,
]
