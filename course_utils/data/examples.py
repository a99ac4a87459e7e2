"""The small example arrays of notebook 02, one function each.

Each function returns a new array, so a learner who edits it in a notebook
cannot change what the next cell, or an exercise checker, sees.
"""

from __future__ import annotations

import numpy as np

from ..validation import check_int, check_number

__all__ = ["example_filter", "grid_5x5", "rgb_like_grid", "vertical_edge_kernel"]


def grid_5x5() -> np.ndarray:
    """The 5x5 grid of the classic padding example.

    Its values 0, 1 and 2 are like the inputs of the animated convolution
    demo in Andrej Karpathy's CS231n notes, which draws a new random grid
    each time the page loads; this particular grid is the one that many
    write-ups on padding reproduce.

    Returns
    -------
    ndarray of int64, shape (5, 5)
    """
    return np.array(
        [
            [2, 0, 1, 2, 2],
            [1, 0, 1, 0, 2],
            [1, 1, 0, 1, 1],
            [1, 2, 2, 2, 2],
            [2, 0, 2, 1, 1],
        ],
        dtype=np.int64,
    )


def vertical_edge_kernel() -> np.ndarray:
    """A 3x3 filter that responds where values change from left to right.

    It is the Sobel filter for horizontal gradients: a column of
    ``1, 2, 1`` weights on the left and ``-1, -2, -1`` on the right, so
    its output is "left minus right", large where the left side is
    brighter. Used as a cross-correlation, as layers use it (no flip).

    Returns
    -------
    ndarray of int64, shape (3, 3)
    """
    return np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.int64)


def rgb_like_grid(seed: int = 0) -> np.ndarray:
    """A 3-channel 5x5 image: the 5x5 grid as red and two seeded random channels.

    Parameters
    ----------
    seed : int
        Seed of numpy's generator for the green and blue channels.

    Returns
    -------
    ndarray of int64, shape (3, 5, 5)
        Channels first, values 0, 1 or 2.
    """
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    others = rng.integers(0, 3, size=(2, 5, 5))
    return np.concatenate([grid_5x5()[None], others]).astype(np.int64)


def example_filter(kernel_size: int, angle_degrees: float, wavelength: float = 6.0) -> np.ndarray:
    """A striped, edge-like filter (a Gabor pattern) for drawing, not a learned one.

    AlexNet's first-layer filters look much like these: oriented stripes
    under a round window.

    Parameters
    ----------
    kernel_size : int
        Side of the square filter.
    angle_degrees : float
        Orientation of the stripes.
    wavelength : float
        Cells per stripe period.

    Returns
    -------
    ndarray of float64, shape (kernel_size, kernel_size)
        Values in [-1, 1].
    """
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    angle_degrees = check_number(angle_degrees, "angle_degrees")
    wavelength = check_number(wavelength, "wavelength", positive=True)
    centre = (kernel_size - 1) / 2
    rows, cols = np.mgrid[0:kernel_size, 0:kernel_size] - centre
    angle = np.deg2rad(angle_degrees)
    across = cols * np.cos(angle) + rows * np.sin(angle)
    envelope = np.exp(-(rows**2 + cols**2) / (2 * (0.35 * kernel_size) ** 2))
    return np.cos(2 * np.pi * across / wavelength) * envelope
