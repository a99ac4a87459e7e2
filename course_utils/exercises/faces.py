"""Checkers for the Try-it exercises of notebook 04 (locally connected layers for faces).

Like the other checkers, each prints one verdict and never raises on a
learner's answer; every right answer is computed with ``course_utils.conv.counting``.
"""

from __future__ import annotations

import numpy as np

from ..conv.counting import conv_params, locally_connected_macs, locally_connected_params
from ..conv.geometry import conv_output_size
from ..conv.locally_connected import locally_connected2d
from .verdict import add_hint, checker, count_verdict, read_whole_number
from .write_it import Case, Mistake, WriteIt, small_ints, write_it_checker

__all__ = ["check_bigger_faces_weights", "check_local_macs", "check_local_params",
           "check_locally_connected"]

#: The locally connected layer of notebook 04: 4 filters of 3x3 at stride 2 on 25x25 grey faces.
LOCAL_LAYER_EXERCISE = {"size": 25, "in_channels": 1, "filters": 4, "kernel_size": 3,
                        "stride": 2}


def _local_layer(size: int | None = None) -> tuple[int, int, int, int, int]:
    e = LOCAL_LAYER_EXERCISE
    size = e["size"] if size is None else size
    out = conv_output_size(size, e["kernel_size"], stride=e["stride"])
    return size, out, e["in_channels"], e["filters"], e["kernel_size"]


def _without_stride(size: int | None = None) -> int:
    """The output width a learner gets who forgets the stride."""
    e = LOCAL_LAYER_EXERCISE
    return conv_output_size(e["size"] if size is None else size, e["kernel_size"])


@checker(read=read_whole_number)
def check_local_params(value: int) -> str:
    """Exercise 1: parameters, biases included, of the notebook's locally connected layer."""
    size, out, c, f, k = _local_layer()
    expected = locally_connected_params(c, f, k, out)
    hints: dict[int, str] = {}
    add_hint(hints, locally_connected_params(c, f, k, out, bias=False),
              "those are the weights; every position has its own bias for each filter too.")
    add_hint(hints, locally_connected_params(c, f, k, size),
              f"the output is {out}x{out}, not {size}x{size}: a {k}x{k} window at stride "
              f"{LOCAL_LAYER_EXERCISE['stride']} fits {out} times across {size} pixels without "
              "padding.")
    add_hint(hints, locally_connected_params(c, f, k, _without_stride()),
              f"that is the layer at stride 1 ({_without_stride()}x{_without_stride()} "
              f"positions); at stride {LOCAL_LAYER_EXERCISE['stride']} the output is "
              f"({size} - {k}) / {LOCAL_LAYER_EXERCISE['stride']} + 1 = {out} wide.")
    add_hint(hints, conv_params(c, f, k), "that is the convolution of the same shape; the "
              "locally connected layer has a filter for every output position.")
    add_hint(hints, expected + (f * out * out) * 2 + 2,
              "that is the whole model, readout included; the question asks for the locally "
              "connected layer alone.")
    add_hint(hints, f * out * out, "that is the number of neurons (outputs); each has "
              f"{k}x{k}x{c} weights and a bias.")
    return count_verdict(
        value, expected, hints,
        f"{out}x{out} positions x {f} filters x ({k}x{k}x{c} + 1) = {expected:,}.")


@checker(read=read_whole_number)
def check_local_macs(value: int) -> str:
    """Exercise 2: multiply-adds per image of the same layer."""
    size, out, c, f, k = _local_layer()
    expected = locally_connected_macs(c, f, k, out)
    hints: dict[int, str] = {}
    add_hint(hints, locally_connected_params(c, f, k, out),
              "that is the parameter count; count the products each output sums instead "
              "(biases are added, not multiplied).")
    add_hint(hints, conv_params(c, f, k, bias=False),
              "that is one product per weight of a convolution; every output position does "
              "its own products.")
    add_hint(hints, f * out * out, "that is the number of outputs; each is a sum of "
              f"{k}x{k}x{c} products.")
    add_hint(hints, locally_connected_macs(c, f, k, _without_stride()),
              f"that is the layer at stride 1; at stride {LOCAL_LAYER_EXERCISE['stride']} "
              f"there are {out}x{out} positions, not {_without_stride()}x{_without_stride()}.")
    return count_verdict(
        value, expected, hints,
        f"{out}x{out}x{f} outputs, each a sum of {k}x{k}x{c} products = {expected:,}: the same "
        "as the convolution. In this layer every weight is used exactly once per image, so "
        "its multiply-adds equal its weights; a convolution uses each weight at every "
        "position.")


#: Exercise 3: the same layer on faces of this size.
BIGGER_FACES = 51


@checker(read=read_whole_number)
def check_bigger_faces_weights(value: int) -> str:
    """Exercise 3: weights (no biases) of the locally connected layer on 51x51 faces."""
    size, out, c, f, k = _local_layer(BIGGER_FACES)
    expected = locally_connected_params(c, f, k, out, bias=False)
    _, small_out, *_ = _local_layer()
    hints: dict[int, str] = {}
    add_hint(hints, locally_connected_params(c, f, k, out),
              "that counts the biases too; the question asks for weights only.")
    stride = LOCAL_LAYER_EXERCISE["stride"]
    add_hint(hints, 4 * locally_connected_params(c, f, k, small_out, bias=False),
              f"not quite four times the 25x25 count: the output is ({size} - {k}) / {stride} "
              f"+ 1 = {out} wide, not 2 x {small_out}.")
    add_hint(hints, locally_connected_params(c, f, k, size, bias=False),
              f"the output is {out}x{out}, not {size}x{size}.")
    add_hint(hints, locally_connected_params(c, f, k, _without_stride(size), bias=False),
              f"that is the layer at stride 1 ({_without_stride(size)} positions a side); at "
              f"stride {stride} the output is ({size} - {k}) / {stride} + 1 = {out} wide.")
    add_hint(hints, conv_params(c, f, k, bias=False),
              "that is the convolution, whose weights do not grow with the image.")
    return count_verdict(
        value, expected, hints,
        f"{out}x{out} positions x {f} filters x {k}x{k}x{c} = {expected:,} weights.")


# --------------------------------------------------------------------------
# Write it: locally_connected(x, w, b), one filter per output position
# --------------------------------------------------------------------------


def locally_connected_solution(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The right answer, from :func:`course_utils.locally_connected2d` (one channel in and out)."""
    return locally_connected2d(x[None, None].astype(np.float64),
                               w[None, :, :, None].astype(np.float64),
                               b[None].astype(np.float64))[0, 0]


def _same_filter_everywhere(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    shared = np.broadcast_to(w[0, 0], w.shape)
    return locally_connected_solution(x, shared, b)


LOCALLY_CONNECTED_MISTAKES = (
    Mistake("one filter used at every position", _same_filter_everywhere,
            "your result is a convolution with the filter of position (0, 0): in a locally "
            "connected layer each output position (i, j) has a filter of its own, w[i, j]."),
    Mistake("forgotten bias", lambda x, w, b: locally_connected_solution(x, w, b) - b,
            "every output adds its own bias b[i, j] to the sum of products."),
    Mistake("one bias for every position",
            lambda x, w, b: locally_connected_solution(x, w, np.full_like(b, b[0, 0])),
            "each position has a bias of its own too: b[i, j], not b[0, 0]."),
    Mistake("kernel flipped",
            lambda x, w, b: locally_connected_solution(x, w[:, :, ::-1, ::-1], b),
            "your filters are turned by 180 degrees: w[i, j, a, b] multiplies the pixel at "
            "(a, b) inside window (i, j), with nothing flipped."),
    Mistake("transposed output", lambda x, w, b: locally_connected_solution(x, w, b).T,
            "rows and columns are swapped: out[i, j] is row i (down) and column j (across)."),
)


def _locally_connected_cases() -> list[Case]:
    from ..data.examples import grid_5x5, vertical_edge_kernel

    grid = grid_5x5().astype(np.float64)
    rng = np.random.default_rng(1904)
    edge = np.broadcast_to(vertical_edge_kernel().astype(np.float64), (3, 3, 3, 3)).copy()
    cases = [
        Case((grid, edge, np.zeros((3, 3))), "the 5x5 grid, the edge filter at every position",
             25),
        Case((grid, small_ints(rng, (3, 3, 3, 3)), small_ints(rng, (3, 3))),
             "the 5x5 grid, a filter per position", 25),
    ]
    for number in range(12):
        kh, kw = int(rng.integers(2, 4)), int(rng.integers(2, 4))
        oh, ow = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        h, w = oh + kh - 1, ow + kw - 1
        cases.append(Case((small_ints(rng, (h, w), 0, 5), small_ints(rng, (oh, ow, kh, kw)),
                           small_ints(rng, (oh, ow))), f"random case {number + 1}", h * w))
    return cases


LOCALLY_CONNECTED_EXERCISE = WriteIt(
    name="locally_connected",
    arg_names=("x", "w", "b"),
    solution=locally_connected_solution,
    cases=_locally_connected_cases,
    mistakes=LOCALLY_CONNECTED_MISTAKES,
    kind="array",
    explain="It matches locally_connected2d: the same windows as a convolution, a filter "
            "and a bias of their own at each position.",
    course_answers=("locally_connected2d",),
)


@write_it_checker(LOCALLY_CONNECTED_EXERCISE)
def check_locally_connected(function: object) -> None:
    """Write it: check your ``locally_connected(x, w, b)``."""
