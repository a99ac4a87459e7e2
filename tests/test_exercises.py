"""Every checker gives clear feedback for any answer and never raises."""

import re

import numpy as np
import pytest
from feedback import is_right_verdict, verdict
from test_exercises_padding import RIGHT_ANSWERS as PADDING_ANSWERS
from test_exercises_sharing import RIGHT_ANSWERS as SHARING_ANSWERS
from test_faces_figures_and_exercises import RIGHT_ANSWERS as FACES_ANSWERS
from test_mnist_figures_and_exercises import RIGHT_ANSWERS as MNIST_ANSWERS

import course_utils
from course_utils import (
    check_bigger_faces_weights,
    check_corner_output,
    check_filter_weights,
    check_fitting_strides,
    check_grouped_params,
    check_growth_factors,
    check_keras_same_size,
    check_local_macs,
    check_local_params,
    check_output_width,
    check_receptive_field,
    check_reflect_row,
    check_resnext_params,
    check_same_padding,
    check_second_conv_params,
    check_shared_weights,
    check_strided_output_size,
    check_strided_reads,
    check_unshared_params,
    check_valid_dense_params,
    conv_output_size,
    receptive_field,
)
from course_utils.exercises.arithmetic import (
    FITTING_STRIDES_EXERCISE,
    OUTPUT_WIDTH_EXERCISE,
    RECEPTIVE_FIELD_EXERCISE,
)
from course_utils.exercises.verdict import CORRECT, NOT_ATTEMPTED, NOT_QUITE

ODD_ANSWERS = [
    "22", "twenty-two", "", 22.5, True, False, [22], (1, 2), {"a": 1}, np.array([[1, 2]]),
    np.array(3.5), float("nan"), float("inf"), -1, 10**30, b"22", object(), lambda: 1,
    # arrays and lists of the wrong shape, or holding the wrong things
    np.zeros((3, 3)), np.zeros((2, 2, 2)), np.array([]), [[1, 2], [3, 4]], [None, None],
    [1.5, "a"], np.array(["2"]), np.float32("nan"), np.bool_(True), np.int64(-7),
]
SINGLE_NUMBER_CHECKERS = [check_output_width, check_same_padding, check_receptive_field,
                          check_keras_same_size]
# Every checker of the course, notebooks 02's to 05's included, faces the same odd answers.
ALL_CHECKERS = SINGLE_NUMBER_CHECKERS + [
    check_fitting_strides,
    check_corner_output,
    check_strided_reads,
    check_reflect_row,
    check_strided_output_size,
    check_filter_weights,
    check_shared_weights,
    check_unshared_params,
    check_grouped_params,
    check_growth_factors,
    check_local_params,
    check_local_macs,
    check_bigger_faces_weights,
    check_second_conv_params,
    check_valid_dense_params,
    check_resnext_params,
]
# The Write-it checkers take a function (tests/test_exercises_write_it.py); any other
# answer is "give the function itself", never a traceback.
WRITE_IT_CHECKERS = [
    course_utils.check_output_size,
    course_utils.check_conv_single,
    course_utils.check_filter_gradient,
    course_utils.check_locally_connected,
    course_utils.check_count_model,
]


def test_every_checker_of_the_course_is_driven_here():
    public = {name for name in course_utils.__all__ if name.startswith("check_")}
    assert {checker.__name__ for checker in ALL_CHECKERS + WRITE_IT_CHECKERS} == public


@pytest.mark.parametrize("checker", ALL_CHECKERS + WRITE_IT_CHECKERS)
def test_none_means_not_attempted(capsys, checker):
    assert verdict(capsys, checker, None) == NOT_ATTEMPTED


def repr_without_address(value) -> str:
    """A test id: the value's repr without a memory address, the same in every pytest-xdist worker."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


@pytest.mark.parametrize("checker", ALL_CHECKERS + WRITE_IT_CHECKERS)
@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=repr_without_address)
def test_odd_answers_get_feedback_not_a_traceback(capsys, checker, answer):
    out = verdict(capsys, checker, answer)
    # NOT_QUITE, not the "could not read this answer" fallback: every odd answer
    # reaches a message written for it.
    assert out.startswith(NOT_QUITE), out


# The right answers, worked out independently of the checkers' code.
def output_width_answer():
    e = OUTPUT_WIDTH_EXERCISE
    return (e["size"] - e["kernel_size"] + 2 * e["padding"]) // e["stride"] + 1


RIGHT_ANSWERS = {
    check_output_width: output_width_answer(),  # (64 - 5 + 4)/3 + 1 = 22
    check_same_padding: 4,                      # (9 - 1)/2
    check_receptive_field: 13,                  # 3, then 3 + 2*1, then 5 + 4*2
    check_keras_same_size: 14,                  # TensorFlow's 'same': ceil(28 / 2)
}


@pytest.mark.parametrize("checker", SINGLE_NUMBER_CHECKERS)
@pytest.mark.parametrize("kind", [int, float, np.int64, np.int32, np.float64])
def test_right_answer_in_any_numeric_type_is_correct(capsys, checker, kind):
    answer = kind(RIGHT_ANSWERS[checker])
    out = verdict(capsys, checker, answer)
    assert is_right_verdict(out, answer), out


def test_exercise_values_are_what_the_functions_give():
    assert output_width_answer() == 22
    e = OUTPUT_WIDTH_EXERCISE
    assert conv_output_size(e["size"], e["kernel_size"], e["padding"], e["stride"]) == 22
    assert receptive_field(RECEPTIVE_FIELD_EXERCISE)[-1].size == RIGHT_ANSWERS[check_receptive_field]


@pytest.mark.parametrize(
    "checker, answer, hint",
    [
        (check_keras_same_size, 12, "that is 'valid'"),
        (check_keras_same_size, 28, "only at stride 1"),
        (check_keras_same_size, 13, "write the rule"),
        (check_output_width, 21, "forget the '+ 1'"),
        (check_output_width, 21, "2P cells, not P"),
        (check_output_width, 64, "stride 1"),
        (check_output_width, 20, "leave out the padding"),
        (check_same_padding, 8, "total over both sides"),
        (check_same_padding, 9, "(K - 1)/2"),
        (check_same_padding, 1.5, "not a whole number"),
        (check_receptive_field, 9, "stride 1 everywhere"),
        (check_receptive_field, 15, "does not widen its own"),
        (check_receptive_field, 5, "only the last layer"),
        (check_output_width, "22", "without quotes"),
        (check_output_width, 22.5, "not a whole number"),
    ],
)
def test_common_slips_get_a_specific_hint(capsys, checker, answer, hint):
    out = verdict(capsys, checker, answer)
    assert out.startswith(NOT_QUITE) and hint in out, out


def test_fitting_strides():
    e = FITTING_STRIDES_EXERCISE
    room = e["size"] - e["kernel_size"] + 2 * e["padding"]  # 35 - 5 + 0 = 30
    expected = [s for s in e["strides"] if room % s == 0]
    assert expected == [1, 2, 3, 5]


@pytest.mark.parametrize(
    "answer, starts, fragment",
    [
        ([1, 2, 3, 5], CORRECT, "[1, 2, 3, 5]"),
        ((5, 3, 2, 1), CORRECT, ""),
        (np.array([1, 2, 3, 5]), CORRECT, ""),
        ({1.0, 2.0, 3.0, 5.0}, NOT_QUITE, "The value is right, but you wrote 1.0, a float"),
        ([1, 2, 3, 4, 5], NOT_QUITE, "Stride 4 does not fit: (35 - 5 + 2*0)/4 + 1 = 8.5"),
        ([1, 2, 3, 5, 6], NOT_QUITE, "6 is not one of the strides asked about"),
        ([0], NOT_QUITE, "from 1 to 5"),
        ([-1], NOT_QUITE, "from 1 to 5"),
        ([1, 2], NOT_QUITE, "left out 2 strides"),
        ([1, "2"], NOT_QUITE, "'2' is not"),
        ("1, 2, 3, 5", NOT_QUITE, "Give a list"),
        (3, NOT_QUITE, "Give a list"),
    ],
)
def test_fitting_strides_feedback(capsys, answer, starts, fragment):
    out = verdict(capsys, check_fitting_strides, answer)
    assert out.startswith(starts) and fragment in out, out


# Answers that are lists, worked out in their own tests (test_fitting_strides
# here, the reflect row and growth factors in test_exercises_padding.py and
# test_exercises_sharing.py).
LIST_ANSWERS = {
    check_fitting_strides: [1, 2, 3, 5],
    check_reflect_row: [0, 1, 1, 1, 0, 1, 1, 1, 0],
    check_growth_factors: [1, 4, 16],
}


def every_right_answer():
    answers = {**RIGHT_ANSWERS, **PADDING_ANSWERS, **SHARING_ANSWERS, **FACES_ANSWERS,
               **MNIST_ANSWERS}
    answers.update({checker: np.array(values) for checker, values in LIST_ANSWERS.items()})
    return answers


def test_every_checker_has_a_right_answer_in_another_type():
    assert set(every_right_answer()) == set(ALL_CHECKERS)


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda checker: checker.__name__)
@pytest.mark.parametrize("kind", [np.int64, np.int32, np.float64])
def test_the_right_answer_as_numpy_numbers_is_correct(capsys, checker, kind):
    answer = np.asarray(every_right_answer()[checker]).astype(kind)
    if answer.ndim == 0:
        answer = answer[()]  # a numpy scalar, e.g. np.int64(22), not a 0-d array
    out = verdict(capsys, checker, answer)
    assert is_right_verdict(out, answer), out
