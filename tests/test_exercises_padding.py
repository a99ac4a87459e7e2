"""Notebook 02's checkers: right answers worked out by hand, slips, and odd input."""

import numpy as np
import pytest
from feedback import is_right_verdict, verdict

from course_utils import (
    check_corner_output,
    check_filter_weights,
    check_reflect_row,
    check_strided_output_size,
    check_strided_reads,
)
from course_utils.exercises.verdict import CORRECT, NOT_QUITE

SINGLE_NUMBER_CHECKERS = [
    check_corner_output,
    check_strided_reads,
    check_strided_output_size,
    check_filter_weights,
]

# Worked by hand from the grid 2 0 1 2 2 / 1 0 1 0 2 / 1 1 0 1 1 / 1 2 2 2 2 / 2 0 2 1 1
# and the filter 1 0 -1 / 2 0 -2 / 1 0 -1.
RIGHT_ANSWERS = {
    # two rings of zeros: the first window holds only grid[0, 0] = 2, under the weight -1
    check_corner_output: -2,
    # padding 1, stride 2: windows start at padded rows 0, 2, 4 and cover rows 0-2, 2-4, 4-6;
    # pixel (1, 1) is padded cell (2, 2), inside the first two along each axis: 2 x 2
    check_strided_reads: 4,
    # (5 - 3 + 2*2)/2 + 1
    check_strided_output_size: 4,
    # 4 filters of 3x3x3
    check_filter_weights: 108,
}


# None and odd answers for these checkers are tested in test_exercises.py.


@pytest.mark.parametrize("checker", SINGLE_NUMBER_CHECKERS)
@pytest.mark.parametrize("kind", [int, float, np.int64, np.float32])
def test_right_answers_in_any_numeric_type(capsys, checker, kind):
    answer = kind(RIGHT_ANSWERS[checker])
    assert is_right_verdict(verdict(capsys, checker, answer), answer)


@pytest.mark.parametrize(
    "checker, answer, hint",
    [
        (check_corner_output, 2, "without padding"),  # the unpadded top-left value is 2
        (check_corner_output, 2, "flip the kernel"),  # flipped, grid[0, 0] meets weight +1
        (check_corner_output, 0, "one ring of zeros"),
        (check_strided_reads, 9, "stride 1"),
        (check_strided_reads, 1, "without padding"),  # windows at 0-2 and 2-4: only the first
        (check_strided_reads, 2, "multiply"),
        (check_strided_output_size, 7, "stride 1"),
        (check_strided_output_size, 3, "'+ 1'"),
        (check_strided_output_size, 9, "padded grid"),
        (check_filter_weights, 36, "all the input's channels"),
        (check_filter_weights, 27, "one filter"),
        (check_filter_weights, 112, "biases"),
        (check_filter_weights, 32 * 32 * 3 * 4, "do not depend on the input's height"),
        (check_strided_reads, 1, "counted from 0"),  # the corner (0, 0) is also in one window
    ],
)
def test_common_slips_get_a_specific_hint(capsys, checker, answer, hint):
    out = verdict(capsys, checker, answer)
    assert out.startswith(NOT_QUITE) and hint in out, out


def test_zero_dimensional_arrays_are_numbers(capsys):
    # (window * kernel).sum() on numpy arrays gives a numpy scalar or a 0-d array
    assert verdict(capsys, check_corner_output, np.array(-2)).startswith(CORRECT)


def test_two_answers_get_feedback_not_a_traceback(capsys):
    check_filter_weights(108, 4)
    assert "Give one answer" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, starts, fragment",
    [
        # reflect by 2: the top row mirrors grid row 2 (1 1 0 1 1) through row 0, and
        # its ends mirror cells 2 and 1: 0 1 | 1 1 0 1 1 | 1 0
        ([0, 1, 1, 1, 0, 1, 1, 1, 0], CORRECT, ""),
        (np.array([0, 1, 1, 1, 0, 1, 1, 1, 0]), CORRECT, ""),
        ((0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0), NOT_QUITE, "The value is right"),
        ([0] * 9, NOT_QUITE, "zero padding"),
        ([2, 2, 2, 0, 1, 2, 2, 2, 2], NOT_QUITE, "replicate"),
        ([2, 2, 1, 2, 2, 2, 2, 1, 2], NOT_QUITE, "circular"),
        ([1, 0, 1, 0, 1, 0, 2, 0, 1], NOT_QUITE, "second padded row"),
        ([1, 0, 2, 0, 1, 2, 2, 2, 1], NOT_QUITE, "own top row"),
        ([0, 1, 1, 1, 0, 1, 1], NOT_QUITE, "has 9 cells; your list has 7"),
        ([0, 1, 1, 1, 0, 1, 1, 1, "0"], NOT_QUITE, "'0' is not"),
        ([1] * 9, NOT_QUITE, "mirrors through the edge"),
        ([[0, 1, 1, 1, 0, 1, 1, 1, 0]], CORRECT, ""),  # written as a one-row matrix
        (np.array([[0, 1, 1, 1, 0, 1, 1, 1, 0]]), CORRECT, ""),
        ("0 1 1 1 0 1 1 1 0", NOT_QUITE, "Give a list"),
        (7, NOT_QUITE, "Give a list"),
    ],
)
def test_reflect_row_feedback(capsys, answer, starts, fragment):
    out = verdict(capsys, check_reflect_row, answer)
    assert out.startswith(starts) and fragment in out, out
