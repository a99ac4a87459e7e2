"""Checkers for the Try-it exercises of notebook 02 (padding on the 5x5 grid).

Like those of notebook 01, each checker prints one verdict and never
raises on a learner's answer; every right answer is computed from the
notebook's own grid and filter with ``course_utils``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..conv.convolution import conv2d
from ..conv.counting import conv_params
from ..conv.geometry import conv_output_size, coverage_counts, window_layout
from ..conv.padding import PADDING_MODES, pad2d
from ..data.examples import grid_5x5, vertical_edge_kernel
from .verdict import (
    CORRECT,
    NOT_QUITE,
    Reading,
    add_hint,
    checker,
    integer_verdict,
    read_items,
    read_whole_number,
    read_whole_numbers,
)
from .write_it import Case, Mistake, WriteIt, small_ints, write_it_checker

__all__ = [
    "check_conv_single",
    "check_corner_output",
    "check_filter_weights",
    "check_reflect_row",
    "check_strided_output_size",
    "check_strided_reads",
]


def _edge_output(padding: int, flip: bool = False) -> np.ndarray:
    # flip=True is a mathematician's convolution: the kernel turned by 180 degrees.
    kernel = vertical_edge_kernel()[::-1, ::-1] if flip else vertical_edge_kernel()
    return conv2d(grid_5x5()[None, None], kernel[None, None], padding=padding)[0, 0]


# --------------------------------------------------------------------------
# Exercise 1: one value of the output with two rings of zeros
# --------------------------------------------------------------------------


@checker(read=read_whole_number)
def check_corner_output(value: int) -> str:
    """Exercise: the top-left value of the 7x7 output (two rings of zeros)."""
    expected = int(_edge_output(padding=2)[0, 0])
    hints: dict[int, str] = {}
    add_hint(hints, int(_edge_output(padding=0)[0, 0]),
              "that is the top-left value without padding; with two rings the first window "
              "holds only one real pixel, in its bottom-right corner.")
    add_hint(hints, int(_edge_output(padding=1)[0, 0]),
              "that is the top-left value with one ring of zeros; the question has two.")
    add_hint(hints, int(_edge_output(padding=2, flip=True)[0, 0]),
              "did you flip the kernel? Layers multiply each pixel by the weight at the same "
              "place in the window, without flipping.")
    return integer_verdict(
        value, expected, hints,
        f"The only real pixel, grid[0, 0] = {grid_5x5()[0, 0]}, sits under the bottom-right "
        f"weight {vertical_edge_kernel()[2, 2]}: the sum is {expected}.",
    )


# --------------------------------------------------------------------------
# Exercise 2: how many outputs a pixel feeds, with padding and stride
# --------------------------------------------------------------------------

#: Exercise 2: the pixel at row 1, column 1, with one ring of zeros and stride 2.
READS_EXERCISE = {"pixel": (1, 1), "padding": 1, "stride": 2}


@checker(read=read_whole_number)
def check_strided_reads(value: int) -> str:
    """Exercise: outputs fed by pixel (1, 1) with padding 1 and stride 2."""
    (r, c), p, s = (READS_EXERCISE[key] for key in ("pixel", "padding", "stride"))
    expected = int(coverage_counts(5, 3, padding=p, stride=s)[r + p, c + p])
    hints: dict[int, str] = {}
    add_hint(hints, int(coverage_counts(5, 3, padding=p)[r + p, c + p]),
              "that is the count with stride 1; with stride 2 the window skips positions.")
    add_hint(hints, int(coverage_counts(5, 3, stride=s)[r, c]),
              "that is the count without padding; the ring of zeros shifts every window.")
    add_hint(hints, int(coverage_counts(5, 3, padding=p, stride=s)[p, p]),
              "that is the corner pixel; rows and columns are counted from 0, so grid[1, 1] "
              "is the second row, second column.")
    starts = window_layout(5, 3, p, s).starts
    along_rows = sum(1 for start in starts if start <= r + p < start + 3)
    add_hint(hints, along_rows,
              "that counts the windows along one direction; a pixel is covered by every "
              "combination of a row position and a column position, so multiply.")
    return integer_verdict(
        value, expected, hints,
        f"Windows start at padded rows {', '.join(map(str, starts))}; the pixel (padded row "
        f"{r + p}) is in {along_rows} of them, and the same along the columns: {expected}.",
    )


# --------------------------------------------------------------------------
# Exercise 3: the top row after reflect padding
# --------------------------------------------------------------------------


def _row_of_numbers(answer: object, length: int) -> Reading[list[int]]:
    """Read a list of ``length`` whole numbers, or explain what is wrong."""
    not_a_list = (f"{NOT_QUITE} Give a list of {length} numbers, e.g. [0, 1, 2, ...], "
                  "not {answer}.")
    items = read_items(answer, not_a_list)
    if not items.readable:
        return Reading.refused(items.verdict)
    row = items.value
    if len(row) == 1:
        # A row written as [[...]] or a (1, n) array: look inside.
        inner = read_items(row[0], "")
        if inner.readable:
            row = inner.value
    if len(row) != length:
        return Reading.refused(
            f"{NOT_QUITE} The padded row has {length} cells; your list has {len(row)}."
        )
    return read_whole_numbers(
        row, f"{NOT_QUITE} Every entry must be a whole number; {{item}} is not."
    )


#: Exercise 3: the top row of the 5x5 grid after reflect padding of this many cells.
REFLECT_EXERCISE = {"padding": 2}


def _reflected_rows() -> dict[str, np.ndarray]:
    """The 5x5 grid padded in every mode, for the exercise's padding."""
    return {mode: pad2d(grid_5x5(), REFLECT_EXERCISE["padding"], mode) for mode in PADDING_MODES}


def _read_reflect_row(answer: object) -> Reading[list[int]]:
    return _row_of_numbers(answer, len(_reflected_rows()["reflect"][0]))


@checker(read=_read_reflect_row)
def check_reflect_row(values: list[int]) -> str:
    """Exercise: the top row of the 5x5 grid after reflect padding of 2."""
    p = REFLECT_EXERCISE["padding"]
    padded = _reflected_rows()
    expected = [int(v) for v in padded["reflect"][0]]
    if values == expected:
        return (
            f"{CORRECT} The top row mirrors grid row {p} through row 0, and its ends are "
            f"mirrored the same way: {expected}."
        )
    for mode, hint in (
        ("zeros", "that is zero padding; reflect padding copies values from inside the grid."),
        ("replicate", "that repeats the edge (replicate); reflect does not repeat the edge "
                      "row but mirrors the rows below it."),
        ("circular", "that wraps round to the bottom rows (circular); reflect mirrors through "
                     "the top row."),
    ):
        if values == [int(v) for v in padded[mode][0]]:
            return f"{NOT_QUITE} Hint: {hint}"
    if values == [int(v) for v in padded["reflect"][1]]:
        return (
            f"{NOT_QUITE} Hint: that is the second padded row (it mirrors grid row 1); the top "
            f"row is {p} rings up, so it mirrors grid row {p}."
        )
    own_row = [int(v) for v in pad2d(grid_5x5()[:1], (0, p), "reflect")[0]]
    if values == own_row:
        return (
            f"{NOT_QUITE} Hint: that is the grid's own top row with its ends reflected; the "
            f"edge is not repeated, so the row {p} above it mirrors grid row {p}."
        )
    return (
        f"{NOT_QUITE} Hint: reflect mirrors through the edge without repeating it: the row "
        f"{p} above the edge is grid row {p}, and its ends mirror its inner cells the same way."
    )


# --------------------------------------------------------------------------
# Exercise 4: output size with two rings and stride 2
# --------------------------------------------------------------------------

#: Exercise 4: the 5x5 grid, a 3x3 kernel, padding 2, stride 2.
STRIDED_EXERCISE = {"size": 5, "kernel_size": 3, "padding": 2, "stride": 2}


@checker(read=read_whole_number)
def check_strided_output_size(value: int) -> str:
    """Exercise: output size of the 5x5 grid with padding 2 and stride 2."""
    w, k, p, s = (STRIDED_EXERCISE[key] for key in ("size", "kernel_size", "padding", "stride"))
    expected = conv_output_size(w, k, p, s)
    hints: dict[int, str] = {}
    add_hint(
        hints,
        conv_output_size(w, k, p, 1),
        "that is the size at stride 1; the stride divides the room to move.",
    )
    add_hint(hints, expected - 1, "did you forget the '+ 1' for the first window?")
    add_hint(hints, (w - k + p) // s + 1, "padding goes on both sides: it adds 2P cells.")
    add_hint(hints, w + 2 * p, "that is the size of the padded grid, not of the output.")
    return integer_verdict(value, expected, hints, f"({w} - {k} + 2*{p})/{s} + 1 = {expected}.")


# --------------------------------------------------------------------------
# Exercise 5: weights of filters on a 3-channel input
# --------------------------------------------------------------------------

#: Exercise 5: four 3x3 filters on a 32x32 input with 3 channels.
DEPTH_EXERCISE = {"size": 32, "in_channels": 3, "filters": 4, "kernel_size": 3}


@checker(read=read_whole_number)
def check_filter_weights(value: int) -> str:
    """Exercise: weights (no biases) of four 3x3 filters on a 32x32 input with 3 channels."""
    c, f, k = (DEPTH_EXERCISE[key] for key in ("in_channels", "filters", "kernel_size"))
    expected = conv_params(c, f, k, bias=False)
    hints: dict[int, str] = {}
    add_hint(
        hints,
        f * k * k,
        f"each filter reaches through all the input's channels: it is {k}x{k}x{c}, not {k}x{k}.",
    )
    add_hint(hints, c * k * k, "that is one filter; the layer has several.")
    add_hint(
        hints, conv_params(c, f, k), "that includes the biases; the question asks for weights only."
    )
    size = DEPTH_EXERCISE["size"]
    add_hint(
        hints,
        size * size * c * f,
        "the weights do not depend on the input's height and width, only on the kernel.",
    )
    return integer_verdict(
        value, expected, hints, f"{f} filters x {k}x{k}x{c} = {expected} weights."
    )


# --------------------------------------------------------------------------
# Write it: conv_single(x, w, padding=0, stride=1), the loop convolution of one channel
# --------------------------------------------------------------------------


def conv_single_solution(x: np.ndarray, w: np.ndarray, padding: int = 0,
                         stride: int = 1) -> np.ndarray:
    """The right answer, from :func:`course_utils.conv2d` on one image and one filter."""
    return conv2d(x[None, None].astype(np.float64), w[None, None].astype(np.float64),
                  padding=padding, stride=stride)[0, 0]


def conv_single_wrong(*, flip: bool = False, pad: str = "both", plus_one: bool = True,
                      use_stride: bool = True, transpose: bool = False, mean: bool = False,
                      offset: tuple[int, int] = (0, 0)) -> Callable[..., np.ndarray]:
    """A wrong ``conv_single`` with the slips switched on (all defaults: the right one).

    ``pad`` is where the padding goes: ``"both"`` sides (right), ``"top_left"`` or
    ``"bottom_right"`` only, or ``"none"``. ``offset`` moves every window by
    (rows, columns), reading zeros past the padded input, as a loop whose index
    is one off does when the input was padded generously.
    """

    def version(x: np.ndarray, w: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
        kernel = np.asarray(w, dtype=np.float64)
        kernel = kernel[::-1, ::-1] if flip else kernel
        p = padding
        widths = {"both": ((p, p), (p, p)), "top_left": ((p, 0), (p, 0)),
                  "bottom_right": ((0, p), (0, p)), "none": ((0, 0), (0, 0))}[pad]
        padded = np.pad(np.asarray(x, dtype=np.float64), widths)
        s = stride if use_stride else 1
        kh, kw = kernel.shape
        rows = (padded.shape[0] - kh) // s + 1
        cols = (padded.shape[1] - kw) // s + 1
        # Room for windows moved by the offset: zeros all round.
        margin = max(abs(offset[0]), abs(offset[1]))
        room = np.pad(padded, margin)
        out = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                top, left = margin + i * s + offset[0], margin + j * s + offset[1]
                window = room[top:top + kh, left:left + kw]
                out[i, j] = (window * kernel).mean() if mean else (window * kernel).sum()
        out = out if plus_one else out[:-1, :-1]
        return out.T if transpose else out

    return version


def _ceil_shape(x: np.ndarray, w: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    # Rounds the count up and keeps the last, partial window (read with zeros past the
    # edge): right wherever the stride divides the room, one row or column too many elsewhere.
    shape = tuple(-(-(n + 2 * padding - k) // stride) + 1 for n, k in zip(x.shape, w.shape))
    padded = np.pad(np.asarray(x, dtype=np.float64), padding)
    room = np.pad(padded, ((0, stride), (0, stride)))
    kh, kw = w.shape
    out = np.zeros(shape)
    for i in range(shape[0]):
        for j in range(shape[1]):
            out[i, j] = (room[i * stride:i * stride + kh, j * stride:j * stride + kw] * w).sum()
    return out


def _slip(name: str, hint: str, **knobs: object) -> Mistake:
    return Mistake(name, conv_single_wrong(**knobs), hint, knobs=knobs)


CONV_SINGLE_MISTAKES = (
    _slip("kernel flipped",
          "your result is a true (mathematician's) convolution, with the filter turned by "
          "180 degrees. Convolution layers do not flip: the weight w[a, b] multiplies the "
          "pixel at the same place (a, b) inside the window.", flip=True),
    _slip("padding added once",
          "padding P goes on each side: P rows of zeros above and P below, P columns left "
          "and P right. Yours has them above and to the left only.", pad="top_left"),
    _slip("padding only at the bottom and right",
          "padding P goes on each side: P rows of zeros above and P below, P columns left "
          "and P right. Yours has them below and to the right only (np.pad(x, ((0, P), "
          "(0, P))) does that; np.pad(x, P) pads every side).", pad="bottom_right"),
    _slip("missing + 1",
          "the last window position is missing: the number of positions is "
          "(W - K + 2P) // S + 1, and range(n) stops before n.", plus_one=False),
    _slip("stride ignored",
          "with stride S the window jumps S pixels: output (i, j) reads the window whose "
          "top-left corner is at (i*S, j*S) of the padded input.", use_stride=False),
    _slip("transposed output",
          "rows and columns are swapped: out[i, j] is row i (down) and column j (across); "
          "check the order of your loops' indices.", transpose=True),
    _slip("no padding",
          "the padding argument was not used: add P rings of zeros around x before sliding "
          "the window (np.pad does it).", pad="none"),
    _slip("mean instead of sum",
          "each output is the *sum* of the window's products, not their mean: "
          "(window * w).sum(), not .mean(). Yours is the right value divided by the "
          "number of weights.", mean=True),
    _slip("window one row too low",
          "every window starts one row below where it should: output (i, j) reads the "
          "padded input from row i*S (and column j*S), not i*S + 1. Check the row index "
          "of your slice.", offset=(1, 0)),
    _slip("window one row too high",
          "every window starts one row above where it should: output (i, j) reads the "
          "padded input from row i*S, not i*S - 1. Check the row index of your slice.",
          offset=(-1, 0)),
    _slip("window one column too far right",
          "every window starts one column right of where it should: output (i, j) reads the "
          "padded input from column j*S, not j*S + 1. Check the column index of your slice.",
          offset=(0, 1)),
    _slip("window one column too far left",
          "every window starts one column left of where it should: output (i, j) reads the "
          "padded input from column j*S, not j*S - 1. Check the column index of your slice.",
          offset=(0, -1)),
    Mistake("ceil instead of floor", _ceil_shape,
            "your output has an extra row or column: when the windows do not fit exactly, "
            "the last partial window is dropped (floor), not kept.", shape_only=True),
)


def _conv_single_cases() -> list[Case]:
    grid, edge = grid_5x5().astype(np.float64), vertical_edge_kernel().astype(np.float64)
    cases = [Case((grid, edge, p, s), label, 25 + p) for p, s, label in (
        (0, 1, "the 5x5 grid, no padding"), (1, 1, "the 5x5 grid, one ring of zeros"),
        (2, 1, "the 5x5 grid, two rings"), (1, 2, "the 5x5 grid, padding 1, stride 2"))]
    rng = np.random.default_rng(1902)
    for number in range(16):
        h, w_ = int(rng.integers(3, 9)), int(rng.integers(3, 9))
        kh, kw = int(rng.integers(2, min(h, 4) + 1)), int(rng.integers(2, min(w_, 4) + 1))
        padding, stride = int(rng.integers(0, 3)), int(rng.integers(1, 4))
        x, k = small_ints(rng, (h, w_), 0, 5), small_ints(rng, (kh, kw))
        while np.array_equal(k, k[::-1, ::-1]):  # a symmetric filter hides a flip
            k = small_ints(rng, (kh, kw))
        cases.append(Case((x, k, padding, stride), f"random case {number + 1}", h * w_ + padding))
    return cases


CONV_SINGLE_EXERCISE = WriteIt(
    name="conv_single",
    arg_names=("x", "w", "padding", "stride"),
    solution=conv_single_solution,
    cases=_conv_single_cases,
    mistakes=CONV_SINGLE_MISTAKES,
    kind="array",
    explain="Your loops compute exactly what conv2d does, padding and stride included.",
    wrong=conv_single_wrong,
    course_answers=("conv2d",),
)


@write_it_checker(CONV_SINGLE_EXERCISE)
def check_conv_single(function: object) -> None:
    """Write it: check your ``conv_single(x, w, padding=0, stride=1)``."""
