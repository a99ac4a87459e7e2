"""Notebook 03's checkers: right answers counted by hand, common slips, and odd input."""

import numpy as np
import pytest
from feedback import is_right_verdict, verdict

from course_utils import (
    check_grouped_params,
    check_growth_factors,
    check_shared_weights,
    check_unshared_params,
)
from course_utils.exercises.verdict import CORRECT, NOT_QUITE

SINGLE_NUMBER_CHECKERS = [check_shared_weights, check_unshared_params, check_grouped_params]

# Counted by hand from the exercise texts, not with course_utils.
RIGHT_ANSWERS = {
    # 64 filters of 5x5x3
    check_shared_weights: 4_800,
    # 32*32*64 = 65,536 neurons, each 5*5*3 = 75 weights and 1 bias
    check_unshared_params: 4_980_736,
    # 256 filters of 5x5x48 = 307,200 weights, plus 256 biases
    check_grouped_params: 307_456,
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
        (check_shared_weights, 4_864, "counts the biases"),          # 4,800 + 64
        (check_shared_weights, 1_600, "all 3 input channels"),        # 64 * 5 * 5
        (check_shared_weights, 75, "one filter"),
        (check_shared_weights, 4_915_200, "without sharing"),         # 32*32 * 4,800
        (check_unshared_params, 4_915_200, "every neuron has its own bias"),
        (check_unshared_params, 4_915_264, "shares the biases"),      # + 64 shared biases
        (check_unshared_params, 4_864, "shared count"),
        (check_unshared_params, 3_072 * 65_536 + 65_536, "dense layer"),
        (check_grouped_params, 614_656, "ignores the groups"),         # 96*256*25 + 256
        (check_grouped_params, 307_200, "add one bias"),
        (check_grouped_params, 153_728, "one group"),                  # 48*128*25 + 128
        (check_grouped_params, 153_856, "one group's weights"),        # 153,600 + 256
        (check_grouped_params, 614_400, "ignores the groups and the biases"),
        (check_grouped_params, 153_600, "there are 2 groups, and 256 biases"),
        (check_shared_weights, -4_800, "negative"),
        (check_unshared_params, 7, "count one filter first"),
    ],
)
def test_common_slips_get_their_own_hint(capsys, checker, answer, hint):
    out = verdict(capsys, checker, answer)
    assert out.startswith(NOT_QUITE) and hint in out, out


@pytest.mark.parametrize("answer", [(1, 4, 16), [1, 4, 16], np.array([1, 4, 16]),
                                    (1.0, 4.0, 16.0), (np.int64(1), np.int64(4), np.int64(16))])
def test_growth_factors_right_in_any_container(capsys, answer):
    # 64x64 instead of 32x32: the conv keeps its 432 weights, the locally connected layer has
    # 4 times the positions, the dense layer 4 times the inputs and 4 times the outputs
    assert is_right_verdict(verdict(capsys, check_growth_factors, answer), answer)


@pytest.mark.parametrize(
    "answer, layer",
    [
        ((2, 4, 16), "convolution"),
        ((0, 4, 16), "convolution"),  # "it does not grow" is a factor of 1, not 0
        ((1, 2, 16), "locally connected"),
        ((1, 4, 4), "dense"),
        ((4, 4, 16), "convolution"),
        ((1, 4, 8), "dense"),
    ],
)
def test_growth_factors_point_at_the_first_wrong_layer(capsys, answer, layer):
    out = verdict(capsys, check_growth_factors, answer)
    assert out.startswith(NOT_QUITE) and f"the {layer} layer" in out, out


@pytest.mark.parametrize("answer", [(1, 4), (1, 4, 16, 64), 16, "1, 4, 16", {"conv": 1}])
def test_growth_factors_ask_for_three_numbers(capsys, answer):
    out = verdict(capsys, check_growth_factors, answer)
    assert out.startswith(NOT_QUITE) and "three numbers" in out, out


def test_growth_factors_refuse_fractions(capsys):
    out = verdict(capsys, check_growth_factors, (1, 4.5, 16))
    assert out.startswith(NOT_QUITE) and "whole number" in out
