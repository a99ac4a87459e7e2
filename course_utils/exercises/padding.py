"""Checkers for the Try-it exercises of notebook 02 (padding on the 5x5 grid).

Like those of notebook 01, each checker prints one verdict and never
raises on a learner's answer; every right answer is computed from the
notebook's own grid and filter with ``course_utils``.
"""

from __future__ import annotations

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


def _padded_once(x: np.ndarray, w: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    # Zeros only above and to the left: the padding added once, not on each side.
    once = np.pad(x.astype(np.float64), ((padding, 0), (padding, 0)))
    return conv_single_solution(once, w, 0, stride)


def _one_short(x: np.ndarray, w: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    return conv_single_solution(x, w, padding, stride)[:-1, :-1]


def _ceil_shape(x: np.ndarray, w: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    shape = tuple(-(-(n + 2 * padding - k) // stride) + 1 for n, k in zip(x.shape, w.shape))
    return np.zeros(shape)


CONV_SINGLE_MISTAKES = (
    Mistake("kernel flipped", lambda x, w, p=0, s=1: conv_single_solution(x, w[::-1, ::-1], p, s),
            "your result is a true (mathematician's) convolution, with the filter turned by "
            "180 degrees. Convolution layers do not flip: the weight w[a, b] multiplies the "
            "pixel at the same place (a, b) inside the window."),
    Mistake("padding added once", _padded_once,
            "padding P goes on each side: P rows of zeros above and P below, P columns left "
            "and P right."),
    Mistake("missing + 1", _one_short,
            "the last window position is missing: the number of positions is "
            "(W - K + 2P) // S + 1, and range(n) stops before n."),
    Mistake("stride ignored", lambda x, w, p=0, s=1: conv_single_solution(x, w, p, 1),
            "with stride S the window jumps S pixels: output (i, j) reads the window whose "
            "top-left corner is at (i*S, j*S) of the padded input."),
    Mistake("transposed output", lambda x, w, p=0, s=1: conv_single_solution(x, w, p, s).T,
            "rows and columns are swapped: out[i, j] is row i (down) and column j (across); "
            "check the order of your loops' indices."),
    Mistake("no padding", lambda x, w, p=0, s=1: conv_single_solution(x, w, 0, s),
            "the padding argument was not used: add P rings of zeros around x before sliding "
            "the window (np.pad does it)."),
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
)


@write_it_checker(CONV_SINGLE_EXERCISE)
def check_conv_single(function: object) -> None:
    """Write it: check your ``conv_single(x, w, padding=0, stride=1)``."""
