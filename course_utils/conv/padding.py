"""Padding an image: zeros, reflect, replicate or circular.

A convolution layer pads its input before sliding the window over it. The
four modes are PyTorch's ``padding_mode`` names; each fills the border from
different cells (shown on the row ``1 2 3`` padded by 2 on each side):

=========  ===================  ==========================================
mode       padded row           where the new cells come from
=========  ===================  ==========================================
zeros      0 0 [1 2 3] 0 0      zeros
reflect    3 2 [1 2 3] 2 1      a mirror through the edge cell (not repeated)
replicate  1 1 [1 2 3] 3 3      copies of the edge cell
circular   2 3 [1 2 3] 1 2      the other end of the row, as if it wrapped
=========  ===================  ==========================================
"""

from __future__ import annotations

import numpy as np

from ..validation import check_int, is_pair
from .geometry import Padding2d, padding_per_side

__all__ = ["pad2d", "padding_mask", "PADDING_MODES"]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")

# What numpy.pad calls each of the course's (PyTorch's) modes.
_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}

def check_padding_mode(mode: object, name: str = "mode") -> str:
    """Return ``mode`` if it is one of :data:`PADDING_MODES`, else raise ``ValueError``."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not isinstance(mode, str) or mode not in PADDING_MODES:
        hint = (
            " (PyTorch calls zero padding 'zeros'; numpy calls it 'constant')"
            if mode == "constant"
            else ""
        )
        raise ValueError(f"{name} must be one of {list(PADDING_MODES)}, got {mode!r}{hint}")
    return mode


def pad2d(x: np.ndarray, padding: Padding2d, mode: str = "zeros") -> np.ndarray:
    """Pad the last two axes (height, width) of an array.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        A 2-D grid, or a batch ``(N, C, H, W)``: only the last two axes are
        padded.
    padding : int, (int, int) or ((int, int), (int, int))
        Cells added on each side; see :func:`course_utils.padding_per_side`.
    mode : {'zeros', 'reflect', 'replicate', 'circular'}
        How the new cells are filled (see the module's table).
        ``'reflect'`` needs each side's padding below the size of that axis
        (the mirror must not pass the far edge) and ``'circular'`` at most
        the size, as in PyTorch.

    Returns
    -------
    ndarray, shape (..., H + top + bottom, W + left + right)
        A new array of ``x``'s dtype.

    Examples
    --------
    >>> pad2d(np.array([[1, 2, 3]]), (0, 2), "reflect")
    array([[3, 2, 1, 2, 3, 2, 1]])
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    array = np.asarray(x)
    if array.ndim < 2:
        raise ValueError(
            f"x must have at least 2 dimensions (..., height, width), got shape {array.shape}"
        )
    if array.dtype.kind not in "iufb":
        raise TypeError(f"x must hold numbers, got an array of dtype {array.dtype}")
    (top, bottom), (left, right) = padding_per_side(padding)
    mode = check_padding_mode(mode)
    height, width = array.shape[-2:]
    for dimension, size, sides in (
        ("height", height, (top, bottom)),
        ("width", width, (left, right)),
    ):
        largest = max(sides)
        if mode == "reflect" and largest >= size:
            raise ValueError(
                f"reflect padding of {largest} along the {dimension} needs at least {largest + 1} "
                f"cells to mirror, but x has {size} (shape {array.shape}): reflect padding must be "
                f"at most {size - 1} here. Use 'replicate' or 'zeros', or pad less."
            )
        if mode == "circular" and largest > size:
            raise ValueError(
                f"circular padding of {largest} along the {dimension} wraps round more than once, "
                f"but x has only {size} cells (shape {array.shape}): "
                f"it must be at most {size} here."
            )
        if mode != "zeros" and size == 0 and largest > 0:
            raise ValueError(f"x has no cells along the {dimension} to copy into the padding")
    if top == bottom == left == right == 0:
        # np.pad would give the same copy, after about 30 microseconds of setting up: a
        # tenth of a small training step, and most layers are not padded.
        return array.copy()
    widths = [(0, 0)] * (array.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(array, widths, mode=_NUMPY_MODE[mode])


def padding_mask(size: tuple[int, int], padding: Padding2d) -> np.ndarray:
    """Which cells of a padded grid are padding.

    Parameters
    ----------
    size : (int, int)
        ``(H, W)`` of the grid before padding.
    padding : int, (int, int) or ((int, int), (int, int))

    Returns
    -------
    ndarray of bool, shape (H + top + bottom, W + left + right)
        True on padding cells, False on the original grid.
    """
    if not is_pair(size) or len(size) != 2:
        raise TypeError(f"size must be a pair (height, width) of ints, got {size!r}")
    height = check_int(size[0], "size[0] (height)", minimum=1)
    width = check_int(size[1], "size[1] (width)", minimum=1)
    (top, bottom), (left, right) = padding_per_side(padding)
    mask = np.ones((top + height + bottom, left + width + right), dtype=bool)
    mask[top : top + height, left : left + width] = False
    return mask
