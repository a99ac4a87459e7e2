"""One step of a filter sliding over a grid, as plain numbers.

The sliding-window explorer and the step-by-step figures of notebook 02 are
drawn from a :class:`SlidingFrame`: the padded grid, where the window is,
the products it forms and how much of the output is filled so far. Keeping
this a plain function makes every frame easy to test without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validation import check_array, check_int, shape_text
from .convolution import conv2d
from .geometry import PaddingArg, padding_per_side, window_geometry
from .padding import check_padding_mode, pad2d, padding_mask

__all__ = ["products_text", "sliding_window_frame", "SlidingFrame"]


@dataclass(frozen=True)
class SlidingFrame:
    """The state of a single-channel convolution after some steps.

    Attributes
    ----------
    padded : ndarray, shape (H + top + bottom, W + left + right)
        The grid with its padding filled in.
    is_padding : ndarray of bool, shape (H + top + bottom, W + left + right)
        True on padding cells.
    kernel : ndarray, shape (KH, KW)
    output : ndarray, shape (H_out, W_out)
        The whole result of the convolution.
    filled : ndarray of bool, shape (H_out, W_out)
        Output cells computed up to and including this step.
    step, steps : int
        This step (0-based) and the number of steps (``H_out * W_out``).
    position : (int, int)
        Output cell ``(i, j)`` computed at this step.
    window_origin : (int, int)
        Top-left padded cell of the window, ``(i * S, j * S)``.
    products : ndarray, shape (KH, KW)
        The window's values times the kernel, cell by cell.
    value : int or float
        ``products.sum()``, which is ``output[i, j]``.
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As given (the explorer's titles show it so).
    stride : int
    mode : str
    """

    padded: np.ndarray
    is_padding: np.ndarray
    kernel: np.ndarray
    output: np.ndarray
    filled: np.ndarray
    step: int
    steps: int
    position: tuple[int, int]
    window_origin: tuple[int, int]
    products: np.ndarray
    value: float
    padding: PaddingArg
    stride: int
    mode: str

    @property
    def window(self) -> np.ndarray:
        """The padded cells under the kernel at this step, shape (KH, KW)."""
        top, left = self.window_origin
        kh, kw = self.kernel.shape
        return self.padded[top : top + kh, left : left + kw]

    @property
    def reads_padding(self) -> bool:
        """True when the window covers at least one padding cell."""
        top, left = self.window_origin
        kh, kw = self.kernel.shape
        return bool(self.is_padding[top : top + kh, left : left + kw].any())


def sliding_window_frame(
    grid: np.ndarray,
    kernel: np.ndarray,
    step: int,
    *,
    padding: PaddingArg = 0,
    stride: int = 1,
    mode: str = "zeros",
) -> SlidingFrame:
    """Where the window is at ``step``, what it multiplies and what is filled.

    Steps go through the output row by row, left to right, as the loops of
    :func:`course_utils.conv2d_reference` do.

    Parameters
    ----------
    grid : array_like, shape (H, W)
        One single-channel image.
    kernel : array_like, shape (KH, KW)
        One single-channel filter.
    step : int
        From 0 to ``H_out * W_out - 1``.
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As in :func:`course_utils.padding_per_side`.
    stride : int
    mode : {'zeros', 'reflect', 'replicate', 'circular'}

    Returns
    -------
    SlidingFrame
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    grid = check_array(grid, "grid", ndim=2, axes="(H, W)")
    kernel = check_array(kernel, "kernel", ndim=2, axes="(KH, KW)")
    stride = check_int(stride, "stride", minimum=1)
    sides = padding_per_side(padding, kernel.shape, stride)
    mode = check_padding_mode(mode, "mode")
    try:
        # The one rule of where windows fit (and its "no room" message) is geometry's.
        window_geometry(grid.shape, kernel.shape, sides, stride)
    except ValueError as error:
        raise ValueError(
            f"{error} (kernel has shape {shape_text(kernel.shape)} and grid has shape "
            f"{shape_text(grid.shape)})"
        ) from None
    output = conv2d(
        grid[None, None], kernel[None, None], stride=stride, padding=sides, padding_mode=mode
    )[0, 0]
    steps = output.size
    step = check_int(step, "step", minimum=0)
    if step >= steps:
        raise ValueError(
            f"step must be between 0 and {steps - 1} (the output has {steps} cells), got {step}"
        )
    i, j = divmod(step, output.shape[1])
    padded = pad2d(grid, sides, mode)
    top, left = i * stride, j * stride
    window = padded[top : top + kernel.shape[0], left : left + kernel.shape[1]]
    products = window * kernel
    filled = (np.arange(steps) <= step).reshape(output.shape)
    return SlidingFrame(
        padded=padded,
        is_padding=padding_mask(grid.shape, sides),
        kernel=kernel,
        output=output,
        filled=filled,
        step=step,
        steps=steps,
        position=(i, j),
        window_origin=(top, left),
        products=products,
        value=products.sum().item(),
        padding=padding,
        stride=stride,
        mode=mode,
    )


def format_value(value: float) -> str:
    """A grid value as written on a cell: ``3``, ``-2``, ``0.25``, ``1.33``."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


def products_text(frame: SlidingFrame) -> str:
    """The sum of products at this step, written out.

    Returns
    -------
    str
        E.g. ``out[0, 0] = 2×1 + 0×0 + 1×(-1) + ... = 2``; negative factors
        in brackets so the signs read unambiguously.
    """
    if not isinstance(frame, SlidingFrame):
        raise TypeError(
            "frame must be a SlidingFrame, as sliding_window_frame(grid, kernel, step) returns, "
            f"got {frame!r} of type {type(frame).__name__}"
        )

    def factor(value: float) -> str:
        text = format_value(value)
        return f"({text})" if value < 0 else text

    terms = [f"{factor(a)}×{factor(k)}" for a, k in zip(frame.window.ravel(), frame.kernel.ravel())]
    i, j = frame.position
    return f"out[{i}, {j}] = " + " + ".join(terms) + f" = {format_value(frame.value)}"
