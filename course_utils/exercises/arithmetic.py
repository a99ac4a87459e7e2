"""Checkers for the Try-it exercises of notebook 01 (conv arithmetic).

The right answers are computed with ``course_utils`` itself, never typed in,
so the exercises stay consistent with the functions the notebooks teach.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..conv.conventions import framework_output_size
from ..conv.geometry import conv_output_size, receptive_field, same_padding
from .verdict import (
    CORRECT,
    NOT_QUITE,
    Reading,
    add_hint,
    checker,
    describe,
    integer_verdict,
    read_items,
    read_whole_number,
)
from .write_it import Case, Mistake, Raises, WriteIt, write_it_checker

__all__ = [
    "check_fitting_strides",
    "check_output_size",
    "check_keras_same_size",
    "check_output_width",
    "check_receptive_field",
    "check_same_padding",
]


# --------------------------------------------------------------------------
# Notebook 01: conv arithmetic
# --------------------------------------------------------------------------

#: Exercise 1: a 64-pixel input, 5x5 kernel, padding 2, stride 3.
OUTPUT_WIDTH_EXERCISE = {"size": 64, "kernel_size": 5, "padding": 2, "stride": 3}


@checker(read=read_whole_number)
def check_output_width(value: int) -> str:
    """Exercise: output width for W=64, K=5, P=2, S=3."""
    w, k, p, s = (OUTPUT_WIDTH_EXERCISE[key] for key in ("size", "kernel_size", "padding", "stride"))
    expected = conv_output_size(w, k, p, s)
    hints: dict[int, str] = {}
    add_hint(hints, expected - 1, "did you forget the '+ 1'? The first window counts too.")
    add_hint(hints, w - k + 2 * p + 1, "that is the answer for stride 1; divide by the stride.")
    add_hint(hints, (w - k) // s + 1, "did you leave out the padding? It adds 2P cells to W.")
    add_hint(hints, (w - k + p) // s + 1, "padding goes on both sides: it adds 2P cells, not P.")
    return integer_verdict(
        value, expected, hints, f"({w} - {k} + 2*{p})/{s} + 1 = {expected}."
    )


#: Exercise 2: keep a 32-pixel input at 32 with a 9x9 kernel, stride 1.
SAME_PADDING_EXERCISE = {"size": 32, "kernel_size": 9}


@checker(read=read_whole_number)
def check_same_padding(value: int) -> str:
    """Exercise: padding per side that keeps 32 at 32 with K=9, S=1."""
    k = SAME_PADDING_EXERCISE["kernel_size"]
    before, after = same_padding(k)
    expected = before  # odd kernel: the split is even
    hints: dict[int, str] = {}
    add_hint(hints, before + after, "that is the total over both sides; P is added on each side.")
    add_hint(hints, k, "the padding per side is (K - 1)/2, not K.")
    add_hint(hints, k // 2 + 1, "close: the window removes K - 1 cells, so each side needs (K - 1)/2.")
    size = SAME_PADDING_EXERCISE["size"]
    return integer_verdict(
        value, expected, hints,
        f"P = (K - 1)/2 = {expected}: ({size} - {k} + 2*{expected})/1 + 1 = {size}.",
    )


#: Exercise 3: which strides from 1 to 5 fit a 35-pixel input with K=5, P=0?
FITTING_STRIDES_EXERCISE = {"size": 35, "kernel_size": 5, "padding": 0, "strides": range(1, 6)}


def _fitting_strides_expected() -> set[int]:
    setting = FITTING_STRIDES_EXERCISE
    fits = set()
    for stride in setting["strides"]:
        try:
            conv_output_size(setting["size"], setting["kernel_size"], setting["padding"], stride)
            fits.add(stride)
        except ValueError:
            pass
    return fits


def _read_strides(answer: object) -> Reading[set[int]]:
    """Read a list of strides, each a whole number among those asked about."""
    items = read_items(answer, f"{NOT_QUITE} Give a list of strides, e.g. [1, 2], not {{answer}}.")
    if not items.readable:
        return Reading.refused(items.verdict)
    allowed = list(FITTING_STRIDES_EXERCISE["strides"])
    values = set()
    for item in items.value:
        value = read_whole_number(item)
        if not value.readable:
            return Reading.refused(
                f"{NOT_QUITE} Every stride in the list must be a whole number; "
                f"{describe(item)} is not."
            )
        if value.value not in allowed:
            return Reading.refused(
                f"{NOT_QUITE} {value.value} is not one of the strides asked about: "
                f"list only strides from {allowed[0]} to {allowed[-1]}."
            )
        values.add(value.value)
    return Reading.of(values)


@checker(read=_read_strides)
def check_fitting_strides(values: set[int]) -> str:
    """Exercise: the strides from 1 to 5 that fit W=35, K=5, P=0 exactly."""
    expected = _fitting_strides_expected()
    w, k, p = (FITTING_STRIDES_EXERCISE[key] for key in ("size", "kernel_size", "padding"))
    room = w - k + 2 * p
    if values == expected:
        return f"{CORRECT} The room W - K + 2P = {room} must divide by S: {sorted(expected)}."
    wrong = sorted(values - expected)
    missing = sorted(expected - values)
    parts = [NOT_QUITE]
    if wrong:
        s = wrong[0]
        parts.append(f"Stride {s} does not fit: ({w} - {k} + 2*{p})/{s} + 1 = {room / s + 1:g}.")
    if missing:
        parts.append(
            f"You left out {len(missing)} stride{'s' if len(missing) > 1 else ''} that "
            f"{'do' if len(missing) > 1 else 'does'} fit: try each one in the formula."
        )
    return " ".join(parts)


#: Exercise 4: receptive field of conv 3x3 s1 -> conv 3x3 s2 -> conv 5x5 s1.
RECEPTIVE_FIELD_EXERCISE = [(3, 1), (3, 2), (5, 1)]


@checker(read=read_whole_number)
def check_receptive_field(value: int) -> str:
    """Exercise: receptive field of 3x3 s1, 3x3 s2, 5x5 s1 stacked."""
    rows = receptive_field(RECEPTIVE_FIELD_EXERCISE)
    expected = rows[-1].size
    hints: dict[int, str] = {}
    ignoring_strides = 1 + sum(k - 1 for k, _ in RECEPTIVE_FIELD_EXERCISE)
    add_hint(
        hints, ignoring_strides,
        "that would be right with stride 1 everywhere. After the stride-2 layer, "
        "neighbouring units are 2 input pixels apart, so the next window spans more input.",
    )
    # The slip of letting a layer's stride widen its own window.
    field, jump = 1, 1
    for kernel, stride in RECEPTIVE_FIELD_EXERCISE:
        jump *= stride
        field += (kernel - 1) * jump
    add_hint(
        hints, field,
        "a layer's stride spaces out the units of its *output*; it does not widen its own "
        "window. Use the spacing of the layer's input: field += (K - 1) x jump_before.",
    )
    add_hint(hints, RECEPTIVE_FIELD_EXERCISE[-1][0], "that is only the last layer's own window.")
    sizes = ", ".join(str(r.size) for r in rows)
    return integer_verdict(
        value, expected, hints, f"Layer by layer the field grows {sizes}."
    )


# --------------------------------------------------------------------------
# Write it: output_size(size, kernel, padding, stride, dilation=1)
# --------------------------------------------------------------------------


def _span(kernel: int, dilation: int) -> int:
    return dilation * (kernel - 1) + 1


def _no_room(size: int, kernel: int, padding: int, dilation: int) -> Raises:
    return Raises(ValueError, f"no window fits: the padded input is {size + 2 * padding} "
                              f"wide and the window {_span(kernel, dilation)}")


def output_size_solution(size: int, kernel: int, padding: int, stride: int,
                         dilation: int = 1) -> int | Raises:
    """The right answer, from :func:`course_utils.conv_output_size` (floored)."""
    if size + 2 * padding < _span(kernel, dilation):
        return _no_room(size, kernel, padding, dilation)
    return conv_output_size(size, kernel, padding, stride, dilation, strict=False)


def _formula(room_of: Callable[[int, int, int, int], int], finish: Callable[[int, int], object],
             check_room: bool = True) -> Callable[..., object]:
    """A wrong version: how much room the windows have, then how the count is finished."""

    def version(size: int, kernel: int, padding: int, stride: int, dilation: int = 1) -> object:
        room = room_of(size, kernel, padding, dilation)
        if check_room and room < 0:
            return _no_room(size, kernel, padding, dilation)
        return finish(room, stride)

    return version


def _room(size: int, kernel: int, padding: int, dilation: int) -> int:
    return size + 2 * padding - _span(kernel, dilation)


def _floor(room: int, stride: int) -> int:
    return room // stride + 1


#: How a wrong version measures the room the windows have to move, by the slip's name.
_ROOMS: dict[str, Callable[[int, int, int, int], int]] = {
    "right": _room,
    "padding once": lambda w, k, p, d: w + p - _span(k, d),
    "dilation ignored": lambda w, k, p, d: w + 2 * p - k,
    "dilation as gap": lambda w, k, p, d: w + 2 * p - (k + (k - 1) * d),
}
#: How it turns the room into a count.
_FINISHES: dict[str, Callable[[int, int], object]] = {
    "floor": _floor,
    "ceil": lambda r, s: -(-r // s) + 1,
    "no + 1": lambda r, s: r // s,
    "float": lambda r, s: r / s + 1,
}


def output_size_wrong(room: str = "right", finish: str = "floor",
                      check_room: bool = True) -> Callable[..., object]:
    """A wrong ``output_size`` with the slips switched on (the defaults: the right one)."""
    return _formula(_ROOMS[room], _FINISHES[finish], check_room)


def _slip(name: str, hint: str, **knobs: object) -> Mistake:
    return Mistake(name, output_size_wrong(**knobs), hint, knobs=knobs)


OUTPUT_SIZE_MISTAKES = (
    _slip("ceil instead of floor",
          "when the stride does not divide the room exactly, the last window would stick "
          "out past the padded input; frameworks drop it, so round the division down "
          "(floor), not up.", finish="ceil"),
    _slip("padding added once",
          "padding P goes on each side of the input, so the padded input is W + 2P wide.",
          room="padding once"),
    _slip("missing + 1",
          "count the positions with a tiny case: a window exactly as wide as the input fits "
          "once, so the count must come out as 1 there; the first window counts too.",
          finish="no + 1"),
    _slip("a float for a size",
          "a size counts cells, so it must be a whole number (an int): / divides into a "
          "float, // divides and rounds down.", finish="float"),
    _slip("dilation ignored",
          "a dilated window is wider than its K taps: with gaps of D - 1 cells between "
          "taps it spans D(K - 1) + 1 cells.", room="dilation ignored"),
    _slip("dilation counted as the gap",
          "in PyTorch's numbering (the course's), dilation 1 means no gaps: the window "
          "spans D(K - 1) + 1 cells.", room="dilation as gap"),
    _slip("no error when no window fits",
          "when the window is wider than the padded input, there is no position at all: "
          "raise ValueError instead of returning a number.", check_room=False),
)


def _output_size_cases() -> list[Case]:
    picked = [
        ((5, 3, 0, 1, 1), "the 5x5 grid, no padding"),
        ((5, 3, 1, 1, 1), "the 5x5 grid, one ring of zeros"),
        ((5, 3, 1, 2, 1), "the 5x5 grid, padding 1, stride 2"),
        ((227, 11, 0, 4, 1), "AlexNet conv1"),
        ((224, 11, 0, 4, 1), "AlexNet conv1 on the paper's 224"),
        ((10, 3, 0, 2, 1), "the '4.5' case"),
        ((7, 3, 0, 1, 2), "a dilated 3x3 kernel"),
        ((2, 3, 0, 1, 1), "a kernel wider than the input"),
    ]
    cases = [Case(args, label, args[0] + 2 * args[2]) for args, label in picked]
    rng = np.random.default_rng(1901)
    for number in range(40):
        size, kernel = int(rng.integers(1, 41)), int(rng.integers(1, 12))
        stride, dilation = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        # at most half the window on each side, as the frameworks allow
        padding = int(rng.integers(0, _span(kernel, dilation) // 2 + 1))
        cases.append(Case((size, kernel, padding, stride, dilation), f"random case {number + 1}",
                          size + 2 * padding))
    return cases


OUTPUT_SIZE_EXERCISE = WriteIt(
    name="output_size",
    arg_names=("size", "kernel", "padding", "stride", "dilation"),
    solution=output_size_solution,
    cases=_output_size_cases,
    mistakes=OUTPUT_SIZE_MISTAKES,
    kind="size",
    explain="It floors like the frameworks and refuses a window that cannot fit.",
    wrong=output_size_wrong,
    course_answers=("conv_output_size", "window_output_size", "framework_output_size"),
)


@write_it_checker(OUTPUT_SIZE_EXERCISE)
def check_output_size(function: object) -> None:
    """Write it: check your ``output_size(size, kernel, padding, stride, dilation=1)``."""


#: The Keras 'same' check of section 9: padding='same', a 5x5 kernel and stride 2
#: on a 28-pixel MNIST image.
KERAS_SAME_EXERCISE = {"size": 28, "kernel_size": 5, "stride": 2}


@checker(read=read_whole_number)
def check_keras_same_size(value: int) -> str:
    """Exercise: output size of Keras ``padding='same'``, K=5, S=2 on 28 pixels."""
    n, k, s = (KERAS_SAME_EXERCISE[key] for key in ("size", "kernel_size", "stride"))
    expected = framework_output_size(n, k, s, convention="keras_same")
    hints: dict[int, str] = {}
    add_hint(hints, framework_output_size(n, k, s, convention="keras_valid"),
             "that is 'valid' (no padding, as PyTorch with padding=0). 'same' pads just "
             "enough that every stride-2 step fits: the output is ceil(n / S).")
    add_hint(hints, n, "'same' keeps the size only at stride 1; at stride 2 it halves it, "
             "rounding up.")
    return integer_verdict(
        value, expected, hints,
        f"ceil({n} / {s}) = {expected}; TensorFlow pads just enough for that, whatever K is.",
    )
