"""Convolution geometry: how big is the output, and what does a window see?

Conventions (the same as PyTorch and the convolution arithmetic guide):

* ``padding`` is added on *each* side, so a padded input has ``W + 2P`` cells;
* ``dilation=1`` means a contiguous kernel (cs231n calls this "dilation 0");
* the output size is ``floor((W + 2P - D*(K - 1) - 1) / S) + 1``, which for
  ``D = 1`` is the familiar ``(W - K + 2P)/S + 1``.

Every size argument may be an int or an ``(height, width)`` pair. When any
argument is a pair, the result is a pair too. Padding may also be given per
side, ``((top, bottom), (left, right))``, or by name, ``'valid'`` or
``'same'``; :func:`padding_per_side` turns any of these into per-side pairs.

This module is the one place where sizes are worked out: every layer,
spec, figure and explorer of the course asks :func:`conv_output_size`,
:func:`window_geometry` (or its :func:`window_output_size`),
:func:`padding_per_side` or :func:`window_layout` rather than computing a
size itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence, Union

import numpy as np

from ..validation import (
    IntOrPair,
    check_bool,
    check_int,
    check_int_or_pair,
    check_sequence,
    is_pair,
)

__all__ = [
    "conv_output_size",
    "coverage_counts",
    "effective_kernel_size",
    "explain_output_size",
    "FitResult",
    "fitting_configurations",
    "receptive_field",
    "padding_per_side",
    "ReceptiveFieldRow",
    "same_padding",
    "transposed_conv_output_size",
    "window_geometry",
    "window_layout",
    "window_output_size",
    "WindowGeometry",
    "WindowLayout",
]

#: Padding given as numbers: P on every side, (P_h, P_w), or
#: ((top, bottom), (left, right)).
Padding2d = Union[int, tuple[int, int], tuple[tuple[int, int], tuple[int, int]]]
#: Padding as a convolution takes it: numbers, or 'valid' or 'same'.
PaddingArg = Union[Padding2d, str]
#: Padding per side: ((top, bottom), (left, right)).
PaddingPerSide = tuple[tuple[int, int], tuple[int, int]]

_DIMENSION_NAMES = ("height", "width")


# --------------------------------------------------------------------------
# Small building blocks
# --------------------------------------------------------------------------


def _effective_kernel(kernel_size: int, dilation: int) -> int:
    # A dilated kernel has K taps with D-1 gaps between neighbours.
    return dilation * (kernel_size - 1) + 1


def effective_kernel_size(kernel_size: IntOrPair, dilation: IntOrPair = 1) -> IntOrPair:
    """Span of a dilated kernel: ``K + (K - 1)(D - 1)`` cells.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Number of taps per side, ``K >= 1``.
    dilation : int or (int, int)
        Spacing between taps, ``D >= 1`` (1 = no gaps).

    Returns
    -------
    int or (int, int)
        The span, a pair when either argument is a pair.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    """
    ks = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    ds = check_int_or_pair(dilation, "dilation", minimum=1)
    spans = tuple(_effective_kernel(k, d) for k, d in zip(ks, ds))
    return spans if (is_pair(kernel_size) or is_pair(dilation)) else spans[0]


def _format_number(value: Fraction) -> str:
    """``4.5`` for 9/2, ``3.333…`` for 10/3, ``4`` for 4."""
    if value.denominator == 1:
        return str(value.numerator)
    rounded = round(float(value), 3)
    text = f"{rounded:.3f}".rstrip("0").rstrip(".")
    return text if Fraction(text) == value else text + "…"


def _formula_text(size: int, span: int, padding: tuple[int, int], stride: int) -> str:
    """The output-size formula with the numbers put in, unevaluated."""
    before, after = padding
    padding_text = f"2*{before}" if before == after else f"{before} + {after}"
    return f"({size} - {span} + {padding_text})/{stride} + 1"


def _exact_output(size: int, span: int, padding: tuple[int, int], stride: int) -> Fraction:
    """The output size before flooring; only messages need it (see :func:`_window_count`)."""
    return Fraction(size + padding[0] + padding[1] - span, stride) + 1


def _window_count(padded_size: int, span: int, stride: int) -> int:
    """How many window positions fit in a padded input: the floored output size.

    This is the course's output-size formula, ``floor((W + 2P - span) / S) + 1``,
    and its only home: every size in the package comes from here.
    """
    return (padded_size - span) // stride + 1


# --------------------------------------------------------------------------
# Padding per side
# --------------------------------------------------------------------------


def _named_padding(
    padding: str,
    kernel_size: IntOrPair | None,
    stride: IntOrPair,
    dilation: IntOrPair,
    name: str,
) -> PaddingPerSide:
    """``'valid'`` or ``'same'`` as ``((top, bottom), (left, right))``."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if kernel_size is None:
        # Only calls without a kernel size get here (pad2d and the like).
        raise ValueError(
            f"{name} must be an int, a pair (height, width) or ((top, bottom), (left, right)) "
            f"here, got {padding!r}: 'valid' and 'same' are worked out from a kernel size, and "
            "this call has none (functions and layers with a kernel_size take them; "
            "same_padding(kernel_size) gives the cells)"
        )
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding != "same":
        raise ValueError(
            f"{name} must be an int, a pair (h, w), ((top, bottom), (left, right)), "
            f"'valid' or 'same', got {padding!r}"
        )
    kernels = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    strides = check_int_or_pair(stride, "stride", minimum=1)
    dilations = check_int_or_pair(dilation, "dilation", minimum=1)
    if strides != (1, 1):
        raise ValueError(
            f"{name}='same' needs stride=1 (as in PyTorch), got stride={strides}; "
            "give the padding as an int instead"
        )
    return (
        _same_padding_1d(kernels[0], dilations[0]),
        _same_padding_1d(kernels[1], dilations[1]),
    )


def padding_per_side(
    padding: PaddingArg,
    kernel_size: IntOrPair | None = None,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
    *,
    name: str = "padding",
) -> PaddingPerSide:
    """Spell out any padding argument as ``((top, bottom), (left, right))``.

    Every function and spec of the course that takes a ``padding`` reads it
    with this one function, so they all accept the same forms.

    Parameters
    ----------
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        ``P`` cells on every side; ``(P_h, P_w)`` with ``P_h`` rows on top
        and bottom and ``P_w`` columns left and right; every side given; or
        a name. ``'valid'`` is no padding. ``'same'`` (stride 1 only) keeps
        the size, with any odd cell at the bottom/right as PyTorch does.
    kernel_size : int or (int, int), optional
        ``(KH, KW)``, needed only for the names. Without it the names are
        refused: a call with no kernel size, such as ``pad2d``, takes its
        padding in cells.
    stride, dilation : int or (int, int)
        Needed only for ``'same'``.
    name : str
        The argument's name, for error messages.

    Returns
    -------
    ((int, int), (int, int))
        ``((top, bottom), (left, right))``, each at least 0.

    Raises
    ------
    TypeError
        If a number of cells is not an integer.
    ValueError
        For a negative padding, a wrong number of values, an unknown name,
        or ``'same'`` with a stride above 1.

    Examples
    --------
    >>> padding_per_side(1)
    ((1, 1), (1, 1))
    >>> padding_per_side((0, 2))
    ((0, 0), (2, 2))
    >>> padding_per_side("same", kernel_size=4)
    ((1, 2), (1, 2))
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if isinstance(padding, str):
        return _named_padding(padding, kernel_size, stride, dilation, name)
    if not is_pair(padding):
        amount = check_int(padding, name, minimum=0)
        return ((amount, amount), (amount, amount))
    if len(padding) != 2:
        raise ValueError(
            f"{name} must be an int, a pair (height, width) or ((top, bottom), (left, right)), "
            f"got {len(padding)} values: {padding!r}"
        )
    sides = []
    for axis, (value, dimension) in enumerate(zip(padding, _DIMENSION_NAMES)):
        if is_pair(value):
            if len(value) != 2:
                raise ValueError(
                    f"{name}[{axis}] ({dimension}) must be one int or (before, after), "
                    f"got {value!r}"
                )
            sides.append(
                (
                    check_int(value[0], f"{name}[{axis}][0] ({dimension}, before)", minimum=0),
                    check_int(value[1], f"{name}[{axis}][1] ({dimension}, after)", minimum=0),
                )
            )
        else:
            amount = check_int(value, f"{name}[{axis}] ({dimension})", minimum=0)
            sides.append((amount, amount))
    return (sides[0], sides[1])


# --------------------------------------------------------------------------
# Where the windows go
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowLayout:
    """Where a window of size ``kernel_size`` lands along one dimension.

    All positions are in *padded* coordinates: cell 0 is the first padding
    cell (or the first input cell when ``padding == 0``).

    Attributes
    ----------
    size, kernel_size, padding, stride, dilation : int
        The arguments.
    padded_size : int
        ``size + 2 * padding``.
    span : int
        Cells from a window's first tap to its last, ``D(K-1) + 1``.
    starts : tuple of int
        First cell of every window position, as frameworks place them.
    leftover : int
        Cells after the end of the last window (0 when the windows fit).
    dropped_inputs : tuple of int
        Real input cells (0-based, unpadded) that lie past the last window
        and so never reach the output.
    """

    size: int
    kernel_size: int
    padding: int
    stride: int
    dilation: int
    padded_size: int
    span: int
    starts: tuple[int, ...]
    leftover: int
    dropped_inputs: tuple[int, ...]

    @property
    def output_size(self) -> int:
        """Number of window positions (the floored output size)."""
        return len(self.starts)

    @property
    def fits(self) -> bool:
        """True when the windows tile the padded input with nothing left over."""
        return self.leftover == 0

    def taps(self, position: int) -> tuple[int, ...]:
        """Padded cells read by window number ``position`` (0-based)."""
        position = check_int(position, "position", minimum=0)
        if position >= self.output_size:
            raise ValueError(
                f"position must be between 0 and {self.output_size - 1}, got {position}"
            )
        start = self.starts[position]
        return tuple(start + tap * self.dilation for tap in range(self.kernel_size))


def _checked_1d(
    size: object, kernel_size: object, padding: object, stride: object, dilation: object
) -> tuple[int, int, int, int, int]:
    """The settings of one dimension as ints, or a clear error naming the argument."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    return (
        check_int(size, "size", minimum=1),
        check_int(kernel_size, "kernel_size", minimum=1),
        check_int(padding, "padding", minimum=0),
        check_int(stride, "stride", minimum=1),
        check_int(dilation, "dilation", minimum=1),
    )


def _place_windows(
    size: int, span: int, padding: tuple[int, int], count: int, stride: int
) -> tuple[tuple[int, ...], int, tuple[int, ...]]:
    """Window starts, cells left after the last window, and input cells no window reads."""
    before, after = padding
    padded = size + before + after
    starts = tuple(range(0, count * stride, stride))
    end = starts[-1] + span  # first cell after the last window
    dropped = tuple(i - before for i in range(end, padded) if before <= i < before + size)
    return starts, padded - end, dropped


def window_layout(
    size: int, kernel_size: int, padding: int = 0, stride: int = 1, dilation: int = 1
) -> WindowLayout:
    """Place the windows along one dimension, the way frameworks do.

    Parameters
    ----------
    size : int
        Input length ``W >= 1`` (one dimension, no pairs).
    kernel_size, padding, stride, dilation : int
        As in :func:`conv_output_size`.

    Returns
    -------
    WindowLayout
        The window starts, what is left over and which input cells are
        never read.

    Raises
    ------
    ValueError
        If not even one window fits in the padded input.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    size, kernel_size, padding, stride, dilation = _checked_1d(
        size, kernel_size, padding, stride, dilation
    )
    count = _output_size_1d(size, kernel_size, (padding, padding), stride, dilation, False, None)
    span = _effective_kernel(kernel_size, dilation)
    starts, leftover, dropped = _place_windows(size, span, (padding, padding), count, stride)
    return WindowLayout(
        size=size,
        kernel_size=kernel_size,
        padding=padding,
        stride=stride,
        dilation=dilation,
        padded_size=size + 2 * padding,
        span=span,
        starts=starts,
        leftover=leftover,
        dropped_inputs=dropped,
    )


def _padded_text(size: int, padding: tuple[int, int]) -> str:
    """``size + 2*padding = 5 + 2*1 = 7``, or with one number per side when they differ."""
    before, after = padding
    if before == after:
        return f"size + 2*padding = {size} + 2*{before} = {size + 2 * before}"
    return f"size + padding before + after = {size} + {before} + {after} = {size + before + after}"


def _no_room_message(
    size: int, kernel_size: int, padding: tuple[int, int], dilation: int, span: int
) -> str:
    kernel_text = f"kernel_size={kernel_size}"
    if dilation != 1:
        kernel_text += f" with dilation {dilation}, spanning {span} cells"
    before, after = padding
    more = (
        f"padding >= {-(-(span - size) // 2)}"
        if before == after
        else f"at least {span - size} cells of padding in all"
    )
    return (
        f"no room for even one window: {kernel_text}, but the padded input has only "
        f"{_padded_text(size, padding)} cells. "
        f"Use a smaller kernel_size or dilation, or {more}."
    )


def _reads_per_cell_1d(padded_size: int, kernel_size: int, stride: int, dilation: int,
                       count: int) -> np.ndarray:
    """How many of ``count`` window positions read each padded cell, along one axis."""
    counts = np.zeros(padded_size, dtype=int)
    for start in range(0, count * stride, stride):
        counts[start : start + dilation * (kernel_size - 1) + 1 : dilation] += 1
    return counts


def coverage_counts(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: PaddingArg = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """Number of window positions that read each cell of the padded input.

    Parameters
    ----------
    size, kernel_size, stride, dilation : int or (int, int)
        As in :func:`course_utils.conv_output_size`.
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As in :func:`course_utils.padding_per_side`.

    Returns
    -------
    ndarray of int, shape (H + top + bottom, W + left + right)
        Padding cells included; a 0 marks a cell no window reads.

    Raises
    ------
    ValueError
        If not even one window fits in the padded input.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    g = window_geometry(size, kernel_size, padding, stride, dilation)
    rows, cols = (
        _reads_per_cell_1d(g.padded_size[a], g.kernel_size[a], g.stride[a], g.dilation[a],
                           g.output_size[a])
        for a in range(2)
    )
    # A 2-D window position is a pair of 1-D positions, so counts multiply.
    return np.outer(rows, cols)


# --------------------------------------------------------------------------
# Output size
# --------------------------------------------------------------------------


def _fitting_paddings(size: int, span: int, stride: int, padding: int) -> list[int]:
    """Nearest paddings below and above ``padding`` that fit exactly."""
    fits = [
        p
        for p in range(0, padding + span + stride + 1)
        if size + 2 * p >= span and (size + 2 * p - span) % stride == 0
    ]
    below = [p for p in fits if p < padding]
    above = [p for p in fits if p > padding]
    return ([below[-1]] if below else []) + ([above[0]] if above else [])


def _fitting_strides(size: int, span: int, padding: tuple[int, int], stride: int) -> list[int]:
    """Nearest strides below and above ``stride`` that fit exactly."""
    room = size + padding[0] + padding[1] - span
    fits = [s for s in range(1, max(room, 1) + 1) if room % s == 0]
    below = [s for s in fits if s < stride]
    above = [s for s in fits if s > stride]
    return ([below[-1]] if below else []) + ([above[0]] if above else [])


def _does_not_fit_message(
    size: int,
    kernel_size: int,
    padding: tuple[int, int],
    stride: int,
    dilation: int,
    dimension: str | None,
) -> str:
    span = _effective_kernel(kernel_size, dilation)
    exact = _exact_output(size, span, padding, stride)
    count = _window_count(size + padding[0] + padding[1], span, stride)
    _, leftover, dropped = _place_windows(size, span, padding, count, stride)
    where = f"{dimension}: " if dimension else ""
    lines = [
        f"{where}the windows do not tile the padded input exactly: "
        f"{_formula_text(size, span, padding, stride)} = {_format_number(exact)}, "
        "which is not a whole number."
    ]
    if dilation != 1:
        lines.append(
            f"(With dilation={dilation} the kernel spans "
            f"{dilation}*({kernel_size}-1) + 1 = {span} cells, so {span} stands in for K.)"
        )
    leftover_text = f"{leftover} cell{'s' if leftover != 1 else ''}"
    lines.append(
        f"The last window ends {leftover_text} before the end of the padded input; "
        f"frameworks floor the result to {count} and "
        + (
            f"ignore input cells {list(dropped)}. "
            if dropped
            else "what they skip is only padding, so no input is lost. "
        )
        + "Pass strict=False to get that floored size."
    )
    before, after = padding
    # Suggested paddings are the same on both sides, so only for such a padding.
    if before == after:
        paddings = _fitting_paddings(size, span, stride, before)
        if paddings:
            options = " or ".join(
                f"padding={p} (output {int(_exact_output(size, span, (p, p), stride))})"
                for p in paddings
            )
            lines.append(f"Paddings that fit with stride={stride}: {options}.")
        else:
            lines.append(
                f"No padding fits with stride={stride}: 2*padding is always even, "
                f"and {size} - {span} is odd."
            )
    strides = _fitting_strides(size, span, padding, stride)
    options = " or ".join(
        f"stride={s} (output {int(_exact_output(size, span, padding, s))})" for s in strides
    )
    padding_text = before if before == after else padding
    lines.append(f"Strides that fit with padding={padding_text}: {options}.")
    return "\n".join(lines)


def _output_size_1d(
    size: int,
    kernel_size: int,
    padding: tuple[int, int],
    stride: int,
    dilation: int,
    strict: bool,
    where: str | None,
) -> int:
    """The checked output size along one dimension, ``padding`` as ``(before, after)``.

    ``where`` starts any error message, e.g. ``"width"``, so that a 2-D
    caller's message says which dimension failed.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    span = _effective_kernel(kernel_size, dilation)
    padded = size + padding[0] + padding[1]
    if span > padded:
        message = _no_room_message(size, kernel_size, padding, dilation, span)
        raise ValueError(f"{where}: {message}" if where else message)
    if strict and (padded - span) % stride != 0:
        raise ValueError(_does_not_fit_message(size, kernel_size, padding, stride, dilation, where))
    return _window_count(padded, span, stride)


@dataclass(frozen=True)
class WindowGeometry:
    """Every size of one 2-D window operation, checked: a convolution, pooling, ...

    Attributes
    ----------
    input_size, kernel_size, stride, dilation : (int, int)
        ``(H, W)``, ``(KH, KW)``, ``(SH, SW)`` and ``(DH, DW)``.
    padding : ((int, int), (int, int))
        ``((top, bottom), (left, right))``.
    span : (int, int)
        Cells a (dilated) kernel covers along each axis, ``D(K - 1) + 1``.
    output_size : (int, int)
        ``(H_out, W_out)``.
    padded_size : (int, int)
        ``(H + top + bottom, W + left + right)``, the size of the padded
        input (a property).
    """

    input_size: tuple[int, int]
    kernel_size: tuple[int, int]
    padding: PaddingPerSide
    stride: tuple[int, int]
    dilation: tuple[int, int]
    span: tuple[int, int]
    output_size: tuple[int, int]

    @property
    def padded_size(self) -> tuple[int, int]:
        """``(H + top + bottom, W + left + right)``: the size of the padded input."""
        (top, bottom), (left, right) = self.padding
        return (self.input_size[0] + top + bottom, self.input_size[1] + left + right)


def _checked_geometry(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: PaddingArg,
    stride: IntOrPair,
    dilation: IntOrPair,
    strict: bool,
    where: tuple[str | None, str | None],
) -> WindowGeometry:
    """Check every argument, then work out the sizes along the height and the width."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    sizes = check_int_or_pair(size, "size", minimum=1)
    kernels = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    strides = check_int_or_pair(stride, "stride", minimum=1)
    dilations = check_int_or_pair(dilation, "dilation", minimum=1)
    sides = padding_per_side(padding, kernels, strides, dilations)
    height, width = (
        _output_size_1d(sizes[a], kernels[a], sides[a], strides[a], dilations[a], strict, where[a])
        for a in range(2)
    )
    spans = (_effective_kernel(kernels[0], dilations[0]), _effective_kernel(kernels[1], dilations[1]))
    return WindowGeometry(sizes, kernels, sides, strides, dilations, spans, (height, width))


def conv_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: PaddingArg = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
    *,
    strict: bool = True,
) -> IntOrPair:
    """Output size of a convolution (or pooling) layer.

    ``floor((W + 2P - D(K - 1) - 1) / S) + 1`` per dimension, with ``P``
    added on each side.

    Parameters
    ----------
    size : int or (int, int)
        Input size ``W`` (or ``(H, W)``), at least 1.
    kernel_size : int or (int, int)
        Kernel size ``K``, at least 1.
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        Zero cells added on *each* side, ``P >= 0``; or every side given as
        ``((top, bottom), (left, right))``, where ``2P`` becomes ``top +
        bottom`` (``left + right``). ``'same'`` (stride 1 only) pads so
        that the output has the input's size, putting an odd extra cell at
        the bottom/right as PyTorch does. See :func:`padding_per_side`.
    stride : int or (int, int)
        Step between window positions, ``S >= 1``.
    dilation : int or (int, int)
        Spacing between kernel taps, ``D >= 1`` (1 = contiguous).
    strict : bool
        If True (default), raise ``ValueError`` when the windows do not tile
        the padded input exactly, with the arithmetic and paddings or
        strides that would fit. If False, floor the result as PyTorch,
        TensorFlow and friends do.

    Returns
    -------
    int or (int, int)
        The output size; a pair when any size argument is a pair (a
        padding per side included).

    Raises
    ------
    TypeError
        If an argument is not an integer (``True`` and ``3.0`` included).
    ValueError
        For ``kernel_size``, ``stride`` or ``dilation`` below 1, a negative
        padding, no room for one window, or (``strict=True``) a window that
        does not tile the input.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size(227, 11, stride=4)
    55
    >>> conv_output_size((224, 224), 11, stride=4, strict=False)
    (54, 54)
    >>> conv_output_size(5, 3, padding=((1, 0), (0, 1)))
    (4, 4)
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    strict = check_bool(strict, "strict")
    as_pair = any(is_pair(arg) for arg in (size, kernel_size, padding, stride, dilation))
    where = _DIMENSION_NAMES if as_pair else (None, None)
    geometry = _checked_geometry(size, kernel_size, padding, stride, dilation, strict, where)
    return geometry.output_size if as_pair else geometry.output_size[0]


#: What starts the message when a window does not fit, along the height and the width.
_DOES_NOT_FIT = tuple(f"the kernel does not fit along the {name}" for name in _DIMENSION_NAMES)


def window_geometry(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: PaddingArg = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> WindowGeometry:
    """Every size of a 2-D window operation, checked once; output sizes floored as frameworks do.

    A convolution, a grouped or locally connected layer and max pooling all
    slide the same windows, so they all take their sizes from here.

    Parameters
    ----------
    size : int or (int, int)
        ``(H, W)`` of the input (an int for a square one).
    kernel_size : int or (int, int)
        ``(KH, KW)`` of the window.
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As in :func:`padding_per_side`.
    stride, dilation : int or (int, int)

    Returns
    -------
    WindowGeometry
        Every argument as ``(height, width)`` pairs, the padding per side,
        the spans and ``output_size = (H_out, W_out)``, each
        ``floor((size + before + after - D(K - 1) - 1) / S) + 1``.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv_output_size`; when not even one window fits, the
        message says along which dimension.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    return _checked_geometry(size, kernel_size, padding, stride, dilation, False, _DOES_NOT_FIT)


def window_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: PaddingArg = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> tuple[int, int]:
    """``(H_out, W_out)`` of any 2-D window operation, floored as frameworks do.

    :func:`conv_output_size` with ``strict=False`` that always gives a pair;
    the output size of :func:`window_geometry`.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation
        As in :func:`window_geometry`.

    Returns
    -------
    (int, int)
        ``(H_out, W_out)``.

    Examples
    --------
    >>> window_output_size((28, 28), 3, padding="same")
    (28, 28)
    >>> window_output_size((28, 28), 2, stride=2)
    (14, 14)
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    return window_geometry(size, kernel_size, padding, stride, dilation).output_size


def explain_output_size(
    size: int, kernel_size: int, padding: int = 0, stride: int = 1, dilation: int = 1
) -> str:
    """The output size of one setting, explained in words and numbers.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int
        One dimension, as in :func:`conv_output_size`.

    Returns
    -------
    str
        Several lines: the formula, the formula with the numbers put in, and
        either the output size or why the windows do not fit (with the
        floored size frameworks use and settings that would fit), or that
        not even one window fits.

    Raises
    ------
    TypeError, ValueError
        For an argument that is not an integer or is out of range.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    size, kernel_size, padding, stride, dilation = _checked_1d(
        size, kernel_size, padding, stride, dilation
    )
    span = _effective_kernel(kernel_size, dilation)
    lines = ["W_out = (W - K + 2P)/S + 1"]
    if dilation != 1:
        lines.append(
            f"dilation {dilation}: the kernel spans D*(K - 1) + 1 = "
            f"{dilation}*({kernel_size} - 1) + 1 = {span} cells, used for K below"
        )
    lines.append(f"      = {_formula_text(size, span, (padding, padding), stride)}")
    try:
        layout = window_layout(size, kernel_size, padding, stride, dilation)
    except ValueError:  # raised only when not even one window fits
        lines.append(
            f"No room for one window: it spans {span} cells but the padded input "
            f"has {size} + 2*{padding} = {size + 2 * padding}."
        )
        return "\n".join(lines)
    lines.append(f"      = {_format_number(_exact_output(size, span, (padding, padding), stride))}")
    if layout.fits:
        lines.append(
            f"The windows fit exactly: {layout.output_size} output values, the last window "
            f"ending on the last cell of the padded input."
        )
    else:
        lines.append(
            _does_not_fit_message(size, kernel_size, (padding, padding), stride, dilation, None)
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Padding that keeps the size
# --------------------------------------------------------------------------


def _same_padding_1d(kernel_size: int, dilation: int) -> tuple[int, int]:
    total = dilation * (kernel_size - 1)
    # PyTorch puts the smaller half first and any odd cell at the end.
    return (total // 2, total - total // 2)


def same_padding(
    kernel_size: IntOrPair, dilation: IntOrPair = 1
) -> tuple[int, int] | tuple[tuple[int, int], tuple[int, int]]:
    """Padding that keeps the size at stride 1, split as PyTorch splits it.

    The total padding is ``D(K - 1)``; when it is odd the extra cell goes
    after the input (bottom / right).

    Parameters
    ----------
    kernel_size : int or (int, int)
    dilation : int or (int, int)

    Returns
    -------
    (int, int) or ((int, int), (int, int))
        ``(before, after)``, or ``((top, bottom), (left, right))`` when an
        argument is a pair.

    Examples
    --------
    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    """
    ks = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    ds = check_int_or_pair(dilation, "dilation", minimum=1)
    split = tuple(_same_padding_1d(k, d) for k, d in zip(ks, ds))
    return split if (is_pair(kernel_size) or is_pair(dilation)) else split[0]


# --------------------------------------------------------------------------
# Transposed convolution
# --------------------------------------------------------------------------


def transposed_conv_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> IntOrPair:
    """Output size of a transposed convolution, as ``torch.nn.ConvTranspose2d``.

    ``(W - 1)S - 2P + D(K - 1) + output_padding + 1`` per dimension. It
    undoes :func:`conv_output_size` (with ``strict=False``): the
    ``output_padding`` picks which of the ``S`` input sizes that share one
    output size you get back.

    Parameters
    ----------
    size, kernel_size, stride, dilation : int or (int, int)
        As in :func:`conv_output_size`; ``size`` is the transposed layer's
        input.
    padding : int or (int, int)
        The padding of the convolution it undoes, the same on both sides of
        an axis as in ``torch.nn.ConvTranspose2d`` (which has no per-side
        padding; ``output_padding`` adds the odd cell).
    output_padding : int or (int, int)
        Extra cells on one side, ``0 <= output_padding < max(stride, dilation)``.

    Returns
    -------
    int or (int, int)
    """
    sizes = check_int_or_pair(size, "size", minimum=1)
    kernels = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    paddings = _symmetric_transposed_padding(padding)
    strides = check_int_or_pair(stride, "stride", minimum=1)
    dilations = check_int_or_pair(dilation, "dilation", minimum=1)
    extras = check_int_or_pair(output_padding, "output_padding", minimum=0)
    results = []
    for w, k, p, s, d, extra in zip(sizes, kernels, paddings, strides, dilations, extras):
        if extra >= max(s, d):
            raise ValueError(
                f"output_padding must be smaller than stride or dilation "
                f"(here < {max(s, d)}), got {extra}"
            )
        out = (w - 1) * s - 2 * p + d * (k - 1) + extra + 1
        if out < 1:
            raise ValueError(
                f"padding={p} crops everything: (size - 1)*stride - 2*padding + "
                f"dilation*(kernel_size - 1) + output_padding + 1 = {out}; use a smaller padding"
            )
        results.append(out)
    as_pair = any(
        is_pair(arg) for arg in (size, kernel_size, padding, stride, dilation, output_padding)
    )
    return (results[0], results[1]) if as_pair else results[0]


def _symmetric_transposed_padding(padding: object) -> tuple[int, int]:
    """``(P_h, P_w)`` of a transposed convolution, or a clear error for per-side padding."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if isinstance(padding, str) or (is_pair(padding) and any(is_pair(p) for p in padding)):
        raise ValueError(
            "padding must be an int or a pair (height, width) here, got "
            f"{padding!r}: per-side padding and names are not supported by "
            "transposed_conv_output_size, because a transposed convolution (as "
            "torch.nn.ConvTranspose2d) crops the same padding from both sides; use "
            "output_padding for the odd cell"
        )
    return check_int_or_pair(padding, "padding", minimum=0)


# --------------------------------------------------------------------------
# Receptive fields
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptiveFieldRow:
    """One layer of a stack, and what a unit of its output sees.

    Attributes
    ----------
    layer : int
        1 for the first layer.
    kernel_size, stride, dilation : int
        The layer's settings.
    jump : int
        Distance, in input cells, between neighbouring units of this
        layer's output (the product of the strides so far).
    size : int
        Input cells that one unit of this layer's output depends on.
    """

    layer: int
    kernel_size: int
    stride: int
    dilation: int
    jump: int
    size: int


def receptive_field(layers: Sequence[Sequence[int]]) -> list[ReceptiveFieldRow]:
    """Receptive field, layer by layer, of a stack of conv or pooling layers.

    Each layer widens the field by ``D(K - 1)`` of *its input's* cells, and
    one of those cells is ``jump`` input cells wide::

        size_l = size_{l-1} + D_l (K_l - 1) * jump_{l-1}
        jump_l = jump_{l-1} * S_l

    Padding moves the field but does not change its size.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride) or (kernel_size, stride, dilation)
        One entry per layer, first layer first. Ints only (one dimension).

    Returns
    -------
    list of ReceptiveFieldRow
        One row per layer.

    Examples
    --------
    >>> [row.size for row in receptive_field([(3, 1)] * 3)]
    [3, 5, 7]
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            "layers must be a list of (kernel_size, stride) or "
            f"(kernel_size, stride, dilation) tuples, got {layers!r}"
        )
    if len(layers) == 0:
        raise ValueError("layers must hold at least one (kernel_size, stride) tuple, got []")
    rows = []
    size, jump = 1, 1
    for index, layer in enumerate(layers):
        name = f"layers[{index}]"
        if not is_pair(layer) or len(layer) not in (2, 3):
            raise TypeError(
                f"{name} must be a (kernel_size, stride) or (kernel_size, stride, dilation) "
                f"tuple, got {layer!r}"
            )
        kernel = check_int(layer[0], f"{name} kernel_size", minimum=1)
        stride = check_int(layer[1], f"{name} stride", minimum=1)
        dilation = check_int(layer[2], f"{name} dilation", minimum=1) if len(layer) == 3 else 1
        size = size + dilation * (kernel - 1) * jump
        jump = jump * stride
        rows.append(ReceptiveFieldRow(index + 1, kernel, stride, dilation, jump, size))
    return rows


# --------------------------------------------------------------------------
# Which settings fit?
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FitResult:
    """Whether one (kernel, stride, padding) setting fits an input exactly.

    Attributes
    ----------
    kernel_size, stride, padding : int
        The setting.
    fits : bool
        True when the windows tile the padded input with nothing left over.
    output_size : int or None
        The exact output size, or the floored one when ``fits`` is False;
        None when not even one window fits.
    """

    kernel_size: int
    stride: int
    padding: int
    fits: bool
    output_size: int | None


def fitting_configurations(
    size: int,
    kernel_sizes: Sequence[int],
    strides: Sequence[int],
    paddings: Sequence[int],
) -> list[FitResult]:
    """Try every (kernel, stride, padding) combination on one input size.

    Parameters
    ----------
    size : int
        Input size (one dimension).
    kernel_sizes, strides, paddings : sequences of int
        The values to combine.

    Returns
    -------
    list of FitResult
        One entry per combination, in kernel, stride, padding order.
    """
    size = check_int(size, "size", minimum=1)
    kernel_sizes = check_sequence(kernel_sizes, "kernel_sizes", "kernel sizes")
    strides = check_sequence(strides, "strides", "strides")
    paddings = check_sequence(paddings, "paddings", "paddings")
    kernel_sizes = [
        check_int(k, f"kernel_sizes[{i}]", minimum=1) for i, k in enumerate(kernel_sizes)
    ]
    strides = [check_int(s, f"strides[{i}]", minimum=1) for i, s in enumerate(strides)]
    paddings = [check_int(p, f"paddings[{i}]", minimum=0) for i, p in enumerate(paddings)]
    results = []
    for kernel in kernel_sizes:
        for stride in strides:
            for padding in paddings:
                try:
                    layout = window_layout(size, kernel, padding, stride)
                except ValueError:  # raised only when not even one window fits
                    results.append(FitResult(kernel, stride, padding, False, None))
                    continue
                results.append(
                    FitResult(kernel, stride, padding, layout.fits, layout.output_size)
                )
    return results
