"""Shift an image, and measure whether a layer's output shifted with it.

A layer is *translation equivariant* when shifting its input shifts its
output by the same amount (divided by the stride); it is *translation
invariant* when shifting the input leaves the output unchanged. The
shifts here are circular (``numpy.roll``): what leaves one side of the image
comes back on the other, so no pixel is lost and every difference is due to
the layer, not to missing content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..validation import check_array, check_callable, check_int, check_int_or_pair

__all__ = [
    "compare_shifted",
    "equivariance_error",
    "shift_image",
    "ShiftComparison",
]


def shift_image(x: np.ndarray, shift: int | tuple[int, int]) -> np.ndarray:
    """Shift an image circularly along its last two axes (rows, columns).

    Parameters
    ----------
    x : ndarray, shape (..., H, W)
        One image (H, W) or a batch, e.g. (N, C, H, W).
    shift : int or (int, int)
        Cells down and to the right; negative values shift up or left. An
        int shifts both axes by the same amount.

    Returns
    -------
    ndarray, shape like ``x``
        ``out[..., i, j] == x[..., (i - dy) % H, (j - dx) % W]``.
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must have at least two axes (H, W), got shape {x.shape}")
    dy, dx = _check_shift(shift)
    return np.roll(x, (dy, dx), axis=(-2, -1))


def _check_shift(shift: object) -> tuple[int, int]:
    # Shifts may be negative, unlike the sizes that check_int_or_pair usually reads.
    return check_int_or_pair(shift, "shift")


@dataclass(frozen=True)
class ShiftComparison:
    """How far a layer's output on a shifted image is from its shifted output.

    Attributes
    ----------
    input_shift : (int, int)
        The shift of the image, in input cells.
    output_shift : (int, int)
        The shift of the output it was compared against, in output cells.
    exact_shift : bool
        Whether ``input_shift`` is a multiple of the stride, so that a
        matching output shift exists. When it is not, ``output_shift`` is the
        closest of the neighbouring whole shifts.
    max_difference : float
        Largest absolute difference between the two outputs.
    relative_difference : float
        ``||after - shifted before|| / ||before||`` (0 means equivariant; 1
        means the difference is as large as the output itself).
    cells_differing : int
        Output cells that differ by more than ``1e-9`` times the largest
        absolute output value.
    cells_total : int
    """

    input_shift: tuple[int, int]
    output_shift: tuple[int, int]
    exact_shift: bool
    max_difference: float
    relative_difference: float
    cells_differing: int
    cells_total: int


def compare_shifted(
    before: np.ndarray, after: np.ndarray, output_shift: int | tuple[int, int]
) -> ShiftComparison:
    """Compare ``after`` with ``before`` shifted circularly by ``output_shift``.

    Parameters
    ----------
    before : ndarray, shape (..., H_out, W_out)
        The layer's output on the original image.
    after : ndarray, same shape
        The layer's output on the shifted image.
    output_shift : int or (int, int)
        The shift, in output cells, that equivariance predicts.

    Returns
    -------
    ShiftComparison
        With ``input_shift`` equal to ``output_shift`` and ``exact_shift``
        True; :func:`equivariance_error` fills them in for strided layers.
    """
    before = check_array(before, "before", ndim=np.ndim(before), axes="(..., H_out, W_out)")
    after = check_array(after, "after", ndim=np.ndim(after), axes="(..., H_out, W_out)")
    if before.shape != after.shape:
        raise ValueError(
            f"before has shape {before.shape} but after has shape {after.shape}; a layer's "
            "outputs on an image and on its shifted copy must have the same shape"
        )
    shift = _check_shift(output_shift)
    difference = np.abs(after - shift_image(before, shift))
    scale = float(np.abs(before).max(initial=0.0))
    norm = float(np.linalg.norm(before))
    return ShiftComparison(
        input_shift=shift,
        output_shift=shift,
        exact_shift=True,
        max_difference=float(difference.max(initial=0.0)),
        relative_difference=float(np.linalg.norm(difference)) / norm if norm else 0.0,
        cells_differing=int(np.count_nonzero(difference > 1e-9 * scale)),
        cells_total=int(difference.size),
    )


def equivariance_error(
    layer: Callable[[np.ndarray], np.ndarray],
    image: np.ndarray,
    shift: int | tuple[int, int],
    *,
    stride: int = 1,
) -> ShiftComparison:
    """Shift ``image``, run ``layer`` on both, and compare the outputs.

    Equivariance predicts that the output on the shifted image is the
    original output shifted by ``shift / stride``. When the shift is not a
    multiple of the stride no whole output shift exists; the output is
    then compared with the two nearest whole shifts and the closer one is
    reported.

    Parameters
    ----------
    layer : callable
        Takes an image shaped like ``image`` and returns its output, shape
        (..., H_out, W_out).
    image : ndarray, shape (..., H, W)
    shift : int or (int, int)
        Input cells down and to the right.
    stride : int
        The layer's total stride (the product of the strides of its parts).

    Returns
    -------
    ShiftComparison
    """
    check_callable(layer, "layer", "lambda x: conv2d(x, w)")
    stride = check_int(stride, "stride", minimum=1)
    input_shift = _check_shift(shift)
    before = layer(image)
    if not isinstance(before, np.ndarray) or before.ndim < 2:
        raise TypeError(
            "layer must return an array whose last two axes are (H_out, W_out), got "
            + (f"shape {before.shape}" if isinstance(before, np.ndarray) else repr(before))
            + "; does the lambda return the layer's output?"
        )
    after = layer(shift_image(image, input_shift))
    exact = all(s % stride == 0 for s in input_shift)
    # floor and ceiling of shift / stride on each axis: the neighbouring whole output shifts
    choices = [sorted({s // stride, -(-s // stride)}) for s in input_shift]
    candidates = [
        compare_shifted(before, after, (oy, ox)) for oy in choices[0] for ox in choices[1]
    ]
    best = min(candidates, key=lambda c: c.relative_difference)
    return ShiftComparison(
        input_shift=input_shift,
        output_shift=best.output_shift,
        exact_shift=exact,
        max_difference=best.max_difference,
        relative_difference=best.relative_difference,
        cells_differing=best.cells_differing,
        cells_total=best.cells_total,
    )
