"""Practice on demand: a fresh output-size or parameter-count problem each time, with a score.

A drill draws its problems from a seed: a class that shares a seed works the
same problems in the same order; a learner who gives none gets a seed of
their own, printed so they can come back to the same problems. Answers are
read and judged like the Try-it exercises, and a wrong answer gets the hint
of the known wrong version (:mod:`~course_utils.exercises.write_it`) that
gives that number: the same hints as the Write-it checkers.

>>> drill = OutputSizeDrill(seed=7)
>>> drill.new()  # doctest: +ELLIPSIS
Problem 1 (seed 7): ...
"""

from __future__ import annotations

import random

import numpy as np

from ..conv.counting import conv_params, dense_params
from ..conv.geometry import conv_output_size
from .arithmetic import OUTPUT_SIZE_MISTAKES, output_size_solution
from .verdict import (
    CORRECT,
    add_hint,
    count_verdict,
    fit_lines,
    integer_verdict,
    read_whole_number,
    whole_number_rule,
    written_as_float,
)
from .write_it import Raises

__all__ = ["OutputSizeDrill", "ParameterDrill"]


class _Drill:
    """Problems from a seed, one verdict per answer, and the score of this drill."""

    kind = "problem"

    def __init__(self, seed: int | None = None) -> None:
        if seed is None:
            seed = random.SystemRandom().randrange(1, 100_000)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be a whole number (int) or None, got {seed!r}")
        if seed < 0:
            raise ValueError(f"seed must be 0 or more, got {seed}")
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self.number = 0
        self.right_first_time = 0
        self.answered = 0
        self._problem: tuple[str, int, dict[int, str], str] | None = None
        self._tried = False

    def new(self) -> None:
        """Print a fresh problem (the next one of this seed)."""
        self.number += 1
        self._problem = self._draw()
        self._expected = self._problem[1]
        self._tried = False
        print(fit_lines(f"Problem {self.number} (seed {self.seed}): {self._problem[0]}"))

    def check(self, answer: object = None) -> None:
        """Print the verdict on ``answer`` for the current problem, and the score so far."""
        print(fit_lines(self._verdict(answer)))

    def _verdict(self, answer: object) -> str:
        if self._problem is None:
            return "… No problem yet: run drill.new() first."
        reading = read_whole_number(answer)
        if not reading.readable:
            return reading.verdict
        text, expected, hints, explain = self._problem
        verdict = self._judge(reading.value, expected, hints, explain)
        floated = written_as_float(reading.value)
        right = reading.value == expected and floated is None  # the one rule for 22.0
        if verdict.startswith(CORRECT) and floated is not None:
            verdict = whole_number_rule(floated)
        if not self._tried:
            self._tried = True
            self.answered += 1
            self.right_first_time += right
        return f"{verdict}\n{self.score()}"

    def score(self) -> str:
        """The score of this drill: problems answered, and right at the first try."""
        return (f"Score: {self.right_first_time} of {self.answered} right at the first try. "
                "Run drill.new() for another problem.")

    def _judge(self, value: int, expected: int, hints: dict[int, str], explain: str) -> str:
        return integer_verdict(value, expected, hints, explain)

    def _draw(self) -> tuple[str, int, dict[int, str], str]:
        raise NotImplementedError

    def _int(self, low: int, high: int) -> int:
        return int(self._rng.integers(low, high + 1))


def _hints_from(mistakes: tuple, args: tuple, expected: int) -> dict[int, str]:
    """The Write-it hints, keyed by the number each wrong version gives for these arguments."""
    hints: dict[int, str] = {}
    for mistake in mistakes:
        wrong = mistake.version(*args)
        if isinstance(wrong, Raises) or wrong != wrong // 1 or wrong == expected:
            continue
        add_hint(hints, int(wrong), f"({mistake.name}) {mistake.hint}")
    return hints


class OutputSizeDrill(_Drill):
    """Output sizes: input, kernel, padding, stride and dilation drawn from a seed.

    ``drill.new()`` prints a problem, ``drill.check(answer)`` the verdict and
    the score. Every problem has at least one window; some need the floor.
    """

    def _draw(self) -> tuple[str, int, dict[int, str], str]:
        while True:
            kernel = self._int(2, 7)
            dilation = 1 if self._rng.random() < 0.7 else self._int(2, 3)
            span = dilation * (kernel - 1) + 1
            padding = self._int(0, span // 2)
            stride = self._int(1, 4)
            size = self._int(max(span - 2 * padding, 4), 64)
            args = (size, kernel, padding, stride, dilation)
            expected = output_size_solution(*args)
            if not isinstance(expected, Raises):
                break
        self._last_args = args
        text = (f"input {size}, kernel {kernel}, padding {padding} (per side), stride {stride}"
                + (f", dilation {dilation}" if dilation != 1 else "")
                + ". How many outputs along this side (floor, as PyTorch does)? "
                + "drill.check(your answer)")
        exact = (size + 2 * padding - span) % stride == 0
        explain = (f"({size} + 2*{padding} - {span}) // {stride} + 1 = {expected}"
                   + ("" if exact else ", rounded down as frameworks do") + ".")
        return text, expected, _hints_from(OUTPUT_SIZE_MISTAKES, args, expected), explain


class ParameterDrill(_Drill):
    """Parameter counts of a conv or dense layer drawn from a seed, biases included."""

    def _draw(self) -> tuple[str, int, dict[int, str], str]:
        channels = int(self._rng.choice([1, 3, 16, 32]))
        side = int(self._rng.choice([8, 14, 28, 32]))
        hints: dict[int, str] = {}
        self._fallback = ("count one filter first (its height x width x input channels, and "
                          "its bias), then multiply by the number of filters.")
        if self._rng.random() < 0.65:
            filters = int(self._rng.choice([8, 16, 32, 64]))
            kernel = int(self._rng.choice([1, 3, 5]))
            expected = conv_params(channels, filters, kernel)
            out = conv_output_size(side, kernel, padding="same") if kernel % 2 else side
            add_hint(hints, conv_params(channels, filters, kernel, bias=False),
                     "(forgotten bias) those are the weights; each filter has a bias too.")
            add_hint(hints, conv_params(1, filters, kernel),
                     f"(filter depth ignored) each filter is {kernel}x{kernel}x{channels}, as deep "
                     "as its input.")
            add_hint(hints, expected * out * out,
                     "(a filter per position) the filters are shared by every position: the "
                     "image size does not change the count.")
            add_hint(hints, kernel * kernel * channels + 1,
                     f"(one filter) that is one filter; the layer has {filters}.")
            add_hint(hints, conv_params(channels, filters, kernel, bias=False) + channels,
                     "(bias per input channel) one bias per filter, not per input channel.")
            text = (f"a conv layer with {filters} filters of {kernel}x{kernel}, 'same' padding, "
                    f"on a {side}x{side} input with {channels} channel(s). How many parameters, "
                    "biases included? drill.check(your answer)")
            explain = (f"{filters} x ({kernel}x{kernel}x{channels} + 1) = {expected:,}.")
        else:
            units = int(self._rng.choice([10, 64, 128]))
            features = channels * side * side
            expected = dense_params(features, units)
            add_hint(hints, dense_params(features, units, bias=False),
                     "(forgotten bias) those are the weights; each neuron has a bias too.")
            add_hint(hints, dense_params(side * side, units),
                     f"(channels left out) the flattened map has all {channels} channels: "
                     f"{side}x{side}x{channels} values.")
            add_hint(hints, dense_params(features, units) - units + 1,
                     "(one bias in all) each neuron has its own bias.")
            text = (f"a dense layer of {units} neurons on a flattened {channels}x{side}x{side} "
                    "map (channels, height, width). How many parameters, biases included? "
                    "drill.check(your answer)")
            explain = f"{features:,} inputs x {units} + {units} biases = {expected:,}."
            self._fallback = ("count the inputs (channels x height x width), times the "
                              "neurons, plus one bias per neuron.")
        return text, expected, hints, explain

    def _judge(self, value: int, expected: int, hints: dict[int, str], explain: str) -> str:
        return count_verdict(value, expected, hints, explain, fallback=self._fallback)


