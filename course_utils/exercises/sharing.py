"""Checkers for the Try-it exercises of notebook 03 (parameter sharing).

Like those of notebooks 01 and 02, each checker prints one verdict and never
raises on a learner's answer; every right answer is computed with
``course_utils.conv.counting``.
"""

from __future__ import annotations

import numpy as np

from ..conv.convolution import conv2d_backward
from ..conv.counting import conv_params, dense_params, locally_connected_params
from .verdict import (
    CORRECT,
    NOT_QUITE,
    Reading,
    add_hint,
    checker,
    count_verdict,
    describe,
    read_items,
    read_whole_number,
    read_whole_numbers,
)
from .write_it import Case, Mistake, WriteIt, small_ints, write_it_checker

__all__ = [
    "check_filter_gradient",
    "check_grouped_params",
    "check_growth_factors",
    "check_shared_weights",
    "check_unshared_params",
]

#: Exercises 1 and 2: a 5x5 convolution with 64 filters on a 32x32 RGB image,
#: padding 2 and stride 1, so the output is 32x32x64.
LAYER_EXERCISE = {"size": 32, "in_channels": 3, "filters": 64, "kernel_size": 5}


def _layer() -> tuple[int, int, int, int]:
    e = LAYER_EXERCISE
    return e["size"], e["in_channels"], e["filters"], e["kernel_size"]


@checker(read=read_whole_number)
def check_shared_weights(value: int) -> str:
    """Exercise 1: the weights (no biases) of the convolution."""
    size, c, f, k = _layer()
    expected = conv_params(c, f, k, bias=False)
    hints: dict[int, str] = {}
    add_hint(hints, conv_params(c, f, k), "that counts the biases too; the question asks "
              "for weights only.")
    add_hint(hints, f * k * k, f"each filter reaches through all {c} input channels: it is "
              f"{k}x{k}x{c}.")
    add_hint(hints, c * k * k, "that is one filter; the layer has one per output channel.")
    add_hint(hints, locally_connected_params(c, f, k, size, bias=False),
              "that is the count without sharing; a convolution uses one filter per depth "
              "slice, at every position.")
    return count_verdict(
        value, expected, hints, f"{f} filters x {k}x{k}x{c} = {expected:,} weights; the "
        f"image's {size}x{size} does not enter.")


@checker(read=read_whole_number)
def check_unshared_params(value: int) -> str:
    """Exercise 2: the parameters, biases included, of the same layer without sharing."""
    size, c, f, k = _layer()
    expected = locally_connected_params(c, f, k, size)
    weights_only = locally_connected_params(c, f, k, size, bias=False)
    hints: dict[int, str] = {}
    add_hint(hints, weights_only, "those are the weights; every neuron has its own bias too.")
    add_hint(hints, weights_only + f, "that shares the biases (one per filter); without "
              "sharing each neuron has its own bias as well as its own weights.")
    add_hint(hints, conv_params(c, f, k), "that is the shared count; without sharing, every "
              f"one of the {size}x{size}x{f} neurons has its own filter.")
    add_hint(hints, dense_params(size * size * c, size * size * f),
              "that is a dense layer, where every neuron sees the whole image; here each "
              f"neuron still sees only a {k}x{k}x{c} window.")
    neurons = size * size * f
    return count_verdict(
        value, expected, hints, f"{neurons:,} neurons x ({k}x{k}x{c} + 1) = {expected:,} "
        "parameters.")


#: Exercise 3: AlexNet's conv2, split in two groups as on the paper's two GPUs.
GROUPED_EXERCISE = {"in_channels": 96, "out_channels": 256, "kernel_size": 5, "groups": 2}


@checker(read=read_whole_number)
def check_grouped_params(value: int) -> str:
    """Exercise 3: the parameters, biases included, of a grouped convolution."""
    e = GROUPED_EXERCISE
    c, f, k, g = e["in_channels"], e["out_channels"], e["kernel_size"], e["groups"]
    expected = conv_params(c, f, k, groups=g)
    hints: dict[int, str] = {}
    add_hint(hints, conv_params(c, f, k), f"that ignores the groups; each filter sees only "
              f"its own group's {c // g} input channels.")
    add_hint(hints, conv_params(c, f, k, groups=g, bias=False),
              "those are the weights; add one bias per filter.")
    add_hint(hints, conv_params(c // g, f // g, k, bias=True),
              f"that is one group; there are {g} of them.")
    add_hint(hints, conv_params(c // g, f // g, k, bias=False) + f,
              f"that is one group's weights; there are {g} of them.")
    add_hint(hints, conv_params(c, f, k, bias=False), "that ignores the groups and the biases: "
              f"each filter sees only {c // g} input channels, and each filter has a bias.")
    add_hint(hints, conv_params(c // g, f // g, k, bias=False),
              f"that is one group's weights; there are {g} groups, and {f} biases.")
    return count_verdict(
        value, expected, hints, f"{f} filters x {k}x{k}x{c // g} weights + {f} biases = "
        f"{expected:,}: half of the ungrouped {conv_params(c, f, k, bias=False):,} weights.")


#: Exercise 4: a 3x3 layer with 16 filters and padding 1 (the size is kept), on
#: RGB images of side ``size``, then ``factor`` times as wide and as tall.
GROWTH_EXERCISE = {"size": 32, "factor": 2, "in_channels": 3, "filters": 16, "kernel_size": 3}


def growth_factors() -> tuple[int, int, int]:
    """How many times as many weights each kind of layer has after the image grows.

    Returns
    -------
    (int, int, int)
        Convolution, locally connected, dense (weights only).
    """
    e = GROWTH_EXERCISE
    c, f, k = e["in_channels"], e["filters"], e["kernel_size"]
    small, big = e["size"], e["size"] * e["factor"]

    def weights(size: int) -> tuple[int, int, int]:
        return (
            conv_params(c, f, k, bias=False),
            locally_connected_params(c, f, k, size, bias=False),
            dense_params(size * size * c, size * size * f, bias=False),
        )

    return tuple(b // s for b, s in zip(weights(big), weights(small)))  # type: ignore[return-value]


def _read_three_factors(answer: object) -> Reading[list[int]]:
    """Read the three growth factors, (convolution, locally connected, dense)."""
    give_three = (f"{NOT_QUITE} Give three numbers in a tuple, (convolution, locally connected, "
                  "dense), e.g. (1, 2, 3), not {answer}.")
    # A dict is iterable (its keys), but not three numbers in order.
    items = read_items(answer, give_three, refuse=(str, bytes, dict))
    if not items.readable:
        return Reading.refused(items.verdict)
    if len(items.value) != 3:
        return Reading.refused(give_three.format(answer=describe(answer)))
    return read_whole_numbers(items.value, f"{NOT_QUITE} Every factor is a whole number; "
                                           "{item} is not.")


@checker(read=_read_three_factors)
def check_growth_factors(values: list[int]) -> str:
    """Exercise 4: (conv, locally connected, dense) growth of the weights when the image grows."""
    expected = list(growth_factors())
    factor = GROWTH_EXERCISE["factor"]
    if values == expected:
        return (
            f"{CORRECT} The convolution's weights do not change; the locally connected layer "
            f"has {factor}x{factor} = {expected[1]} times as many positions, each with its own "
            f"filter; the dense layer has {expected[1]} times as many inputs and {expected[1]} "
            f"times as many outputs: {expected[2]} times the weights."
        )
    names = ("convolution", "locally connected", "dense")
    wrong = [name for name, v, e in zip(names, values, expected) if v != e]
    hints = {
        "convolution": "a factor is new count / old count, so a count that does not change "
                       "grows by a factor of 1. Does a filter's size depend on the image?",
        "locally connected": f"one filter per output position: how many times as many "
                             f"positions does an image {factor} times as wide and tall have?",
        "dense": "every input meets every output: both the inputs and the outputs grow.",
    }
    return f"{NOT_QUITE} Look again at the {wrong[0]} layer. Hint: {hints[wrong[0]]}"


# --------------------------------------------------------------------------
# Write it: filter_gradient(x, dout, kernel_size, stride=1), a shared filter's gradient
# --------------------------------------------------------------------------


def filter_gradient_solution(x: np.ndarray, dout: np.ndarray, kernel_size: tuple[int, int],
                             stride: int = 1) -> np.ndarray:
    """The right answer: dw of :func:`course_utils.conv2d_backward`, one image and one filter."""
    w = np.zeros((1, 1, *kernel_size))
    _, dw, _ = conv2d_backward(dout[None, None].astype(np.float64),
                               x[None, None].astype(np.float64), w, stride=stride)
    return dw[0, 0]


def _one_window(x: np.ndarray, dout: np.ndarray, kernel_size: tuple[int, int], stride: int,
                i: int, j: int) -> np.ndarray:
    kh, kw = kernel_size
    return dout[i, j] * x[i * stride:i * stride + kh, j * stride:j * stride + kw].astype(float)


def _last_position(x: np.ndarray, dout: np.ndarray, kernel_size: tuple[int, int],
                   stride: int = 1) -> np.ndarray:
    # dw = ... inside the loop, instead of dw += ...: only the last position is left.
    return _one_window(x, dout, kernel_size, stride, dout.shape[0] - 1, dout.shape[1] - 1)


FILTER_GRADIENT_MISTAKES = (
    Mistake("mean instead of sum",
            lambda x, d, k, s=1: filter_gradient_solution(x, d, k, s) / d.size,
            "the same weight is used at every position, so its gradient is the *sum* of what "
            "each position contributes, not their average: every use of the weight adds to "
            "the loss's change."),
    Mistake("only the last position (= instead of +=)", _last_position,
            "your result is what the last window position gives alone: inside the loop, "
            "add each position's contribution to dw (dw += ...) instead of replacing it."),
    Mistake("only the first position", lambda x, d, k, s=1: _one_window(x, d, k, s, 0, 0),
            "your result is what the first window position gives alone: the filter is shared "
            "by every output position, so all of them contribute to its gradient."),
    Mistake("kernel flipped", lambda x, d, k, s=1: filter_gradient_solution(x, d, k, s)[::-1, ::-1],
            "your gradient is turned by 180 degrees: the weight w[a, b] met the pixel at "
            "(a, b) of each window, so dw[a, b] sums dout[i, j] times that same pixel."),
    Mistake("transposed output", lambda x, d, k, s=1: filter_gradient_solution(x, d, k, s).T,
            "rows and columns are swapped: dw[a, b] is row a (down) and column b (across)."),
    Mistake("stride ignored",
            lambda x, d, k, s=1: filter_gradient_solution(
                x[:(d.shape[0] - 1) + k[0], :(d.shape[1] - 1) + k[1]], d, k, 1),
            "with stride S the window of output (i, j) starts at pixel (i*S, j*S), not (i, j)."),
    Mistake("dout left out",
            lambda x, d, k, s=1: filter_gradient_solution(x, np.ones_like(d, dtype=float), k, s),
            "each position's window is weighted by how much the loss changes with that "
            "output, dout[i, j]: multiply by it."),
)


def _filter_gradient_cases() -> list[Case]:
    from ..data.examples import grid_5x5

    grid = grid_5x5().astype(np.float64)
    rng = np.random.default_rng(1903)
    spike = np.zeros((3, 3))
    spike[1, 2] = 1.0
    cases = [
        Case((grid, np.ones((3, 3)), (3, 3), 1), "the 5x5 grid, dout all ones", 25),
        Case((grid, spike, (3, 3), 1), "the 5x5 grid, dout 1 at one position", 25),
        Case((grid, small_ints(rng, (3, 3)), (3, 3), 1), "the 5x5 grid, a random dout", 25),
        Case((small_ints(rng, (227, 227), 0, 5), small_ints(rng, (55, 55)), (11, 11), 4),
             "AlexNet conv1, one channel of one filter", 227 * 227),
    ]
    for number in range(12):
        kh, kw = int(rng.integers(2, 4)), int(rng.integers(2, 4))
        stride = int(rng.integers(1, 3))
        oh, ow = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        h, w = (oh - 1) * stride + kh, (ow - 1) * stride + kw
        cases.append(Case((small_ints(rng, (h, w), 0, 5), small_ints(rng, (oh, ow)), (kh, kw),
                           stride), f"random case {number + 1}", h * w))
    return cases


FILTER_GRADIENT_EXERCISE = WriteIt(
    name="filter_gradient",
    arg_names=("x", "dout", "kernel_size", "stride"),
    solution=filter_gradient_solution,
    cases=_filter_gradient_cases,
    mistakes=FILTER_GRADIENT_MISTAKES,
    kind="array",
    explain="It matches dw of conv2d_backward: one shared filter, one sum over every position.",
    course_answers=("conv2d_backward",),
)


@write_it_checker(FILTER_GRADIENT_EXERCISE)
def check_filter_gradient(function: object) -> None:
    """Write it: check your ``filter_gradient(x, dout, kernel_size, stride=1)``."""
