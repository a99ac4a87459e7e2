"""Hypothesis strategies shared by the tests of the convolution layers."""

import numpy as np
from hypothesis import strategies as st

from course_utils import PADDING_MODES


@st.composite
def conv_settings(draw):
    """Random shapes and settings where at least one window fits."""
    mode = draw(st.sampled_from(PADDING_MODES))
    stride, dilation, kernel, padding, size = [], [], [], [], []
    for _axis in range(2):
        stride.append(draw(st.integers(1, 3)))
        dilation.append(draw(st.integers(1, 3)))
        kernel.append(draw(st.integers(1, 4)))
        padding.append(draw(st.integers(0, 3)))
        span = dilation[-1] * (kernel[-1] - 1) + 1
        smallest = max(1, span - 2 * padding[-1])
        # reflect mirrors at most size - 1 cells, circular wraps at most size
        smallest = max(smallest, {"reflect": padding[-1] + 1, "circular": padding[-1]}.get(mode, 1))
        size.append(draw(st.integers(smallest, smallest + 5)))
    stride, dilation, kernel, padding = map(tuple, (stride, dilation, kernel, padding))
    batch, c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, c_in, *size))
    w = rng.standard_normal((c_out, c_in, *kernel))
    b = rng.standard_normal(c_out) if draw(st.booleans()) else None
    return x, w, b, stride, padding, dilation, mode


