"""The hostile learner functions of the course's second review, each reproduced here.

A reviewer tried the Write-it checkers with hostile functions in real kernels;
these are the ones whose message did not name the slip (issue 30, section 1).
Each is written here as a learner wrote it, and its verdict must name the slip
in specific words: the argument that changed, the layer that first goes wrong,
the call that cannot be interrupted. :data:`NAMED` lists them all, so that the
count in the report is the count of this file.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import pytest

import course_utils as cu
from course_utils import conv2d as course_conv2d
from course_utils.exercises import arithmetic, mnist, padding, sharing
from course_utils.exercises.verdict import CORRECT, NOT_QUITE, WHOLE_NUMBER_RULE
from course_utils.exercises.write_it import run_cases
from test_exercises_write_it import conv_single, count_model, filter_gradient, output_size, verdict

# --------------------------------------------------------------------------
# 02: right-shaped, wrong-valued results are not "ceil"
# --------------------------------------------------------------------------


def nan_in_one_column(x, w, padding=0, stride=1):
    out = conv_single(x, w, padding, stride)
    out[:, 0] = np.nan  # a column never filled in (np.empty, or a loop from 1)
    return out


def mean_of_window(x, w, padding=0, stride=1):
    p = np.pad(x, padding)
    kh, kw = w.shape
    out = np.zeros(((p.shape[0] - kh) // stride + 1, (p.shape[1] - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = p[i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[i, j] = (window * w).mean()
    return out


def window_one_row_low(x, w, padding=0, stride=1):
    p = np.pad(x, padding + 1)  # one ring more "to be safe", then an index one off
    kh, kw = w.shape
    rows = (x.shape[0] + 2 * padding - kh) // stride + 1
    cols = (x.shape[1] + 2 * padding - kw) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            top, left = i * stride + 2, j * stride + 1  # should be + 1 and + 1
            out[i, j] = (p[top:top + kh, left:left + kw] * w).sum()
    return out


def padding_bottom_right(x, w, padding=0, stride=1):
    p = np.pad(x, ((0, padding), (0, padding)))
    kh, kw = w.shape
    out = np.zeros(((p.shape[0] - kh) // stride + 1, (p.shape[1] - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (p[i * stride:i * stride + kh, j * stride:j * stride + kw] * w).sum()
    return out


@pytest.mark.parametrize(("function", "named"), [
    (mean_of_window, "Hint (mean instead of sum)"),
    (window_one_row_low, "Hint (window one row too low)"),
    (padding_bottom_right, "Hint (padding only at the bottom and right)"),
    (nan_in_one_column, "has NaN (not a number) at (0, 0)"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_right_shaped_wrong_result_is_not_told_it_used_ceil(capsys, function, named):
    text = verdict(cu.check_conv_single, function, capsys)
    assert text.startswith(NOT_QUITE) and named in text, text
    assert "ceil" not in text, text


def test_ceil_is_named_only_when_the_shape_is_wrong(capsys):
    def ceil_loop(x, w, padding=0, stride=1):
        p = np.pad(x, padding)
        kh, kw = w.shape
        rows = math.ceil((p.shape[0] - kh) / stride) + 1
        cols = math.ceil((p.shape[1] - kw) / stride) + 1
        p = np.pad(p, ((0, stride), (0, stride)))  # room for the last, partial window
        out = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                out[i, j] = (p[i * stride:i * stride + kh, j * stride:j * stride + kw] * w).sum()
        return out

    text = verdict(cu.check_conv_single, ceil_loop, capsys)
    assert "Hint (ceil instead of floor)" in text, text
    exercise = padding.CONV_SINGLE_EXERCISE
    ceil = next(m for m in exercise.mistakes if m.name == "ceil instead of floor")
    grid, edge = cu.grid_5x5().astype(float), cu.vertical_edge_kernel().astype(float)
    right = conv_single(grid, edge)
    wrong_values = right + 1
    assert ceil.shape_only
    assert not cu.exercises.write_it._matches("array", wrong_values, ceil.version(grid, edge),
                                              True, right)


# --------------------------------------------------------------------------
# 05: the size slips name the layer that first goes wrong
# --------------------------------------------------------------------------


def counter_with(side):
    """A learner's count_model whose conv output size is ``side(h, k, p, s)``."""

    def count(layers, input_shape):
        shape, parameters, macs = input_shape, 0, 0
        for layer in layers:
            if isinstance(layer, cu.ConvSpec):
                c, h, w = shape
                k, s = layer.kernel_size, layer.stride
                p = {"same": (k - 1) // 2, "valid": 0}.get(layer.padding, layer.padding)
                oh, ow = side(h, k, p, s), side(w, k, p, s)
                weights = k * k * c * layer.out_channels
                parameters += weights + (layer.out_channels if layer.bias else 0)
                macs += weights * oh * ow
                shape = (layer.out_channels, oh, ow)
            elif isinstance(layer, cu.MaxPoolSpec):
                shape = (shape[0], shape[1] // layer.size, shape[2] // layer.size)
            elif isinstance(layer, cu.FlattenSpec):
                shape = (int(np.prod(shape)),)
            elif isinstance(layer, cu.DenseSpec):
                parameters += shape[0] * layer.out_features + layer.out_features * layer.bias
                macs += shape[0] * layer.out_features
                shape = (layer.out_features,)
        return parameters, macs

    return count


@pytest.mark.parametrize(("side", "named"), [
    (lambda h, k, p, s: math.ceil((h + 2 * p - k) / s) + 1, "ceil instead of floor"),
    (lambda h, k, p, s: (h + p - k) // s + 1, "padding on one side only"),
    (lambda h, k, p, s: (h + 2 * p - k) // s, "missing + 1"),
], ids=["ceil", "one side", "no + 1"])
def test_a_size_slip_in_a_counter_names_the_first_wrong_layer(capsys, side, named):
    text = verdict(cu.check_count_model, counter_with(side), capsys)
    assert f"Hint ({named})" in text, text
    where = next(line for line in text.splitlines() if "Where it shows:" in line)
    # The layer, the size it should give, with the rule's numbers, and the slipped size.
    assert "layer 1 (" in where and "should give" in where and "floor((" in where, where
    assert "with the slip it gives" in where, where


def test_the_first_wrong_layer_is_computed_from_the_case():
    layers = [cu.ConvSpec(8, 3, padding=1, stride=2), cu.ReLUSpec(),
              cu.ConvSpec(4, 3, padding=0, stride=2)]
    text = mnist._first_wrong_layer("ceil", layers, (1, 15, 15))
    # 15 -> floor((15 + 2 - 3)/2) + 1 = 8 (ceil also 8); 8 -> floor(5/2) + 1 = 3, ceil 4
    assert text.startswith("layer 3 (") and "8x8 input should give 3x3" in text, text
    assert "gives 4x4" in text


# --------------------------------------------------------------------------
# Calls that cannot be interrupted; input()
# --------------------------------------------------------------------------


def test_a_call_python_cannot_interrupt_is_named_and_not_blamed_on_a_loop():
    def sleeper(size, kernel, padding, stride, dilation=1):
        time.sleep(2)
        return output_size(size, kernel, padding, stride, dilation)

    fast = dataclasses.replace(arithmetic.OUTPUT_SIZE_EXERCISE, time_limit=0.3)
    start = time.perf_counter()
    text = run_cases(fast, sleeper)
    assert time.perf_counter() - start < 2
    assert "a single call that Python cannot interrupt" in text, text
    assert "keeps running in the background" in text and "restart the kernel" in text
    assert "take that call out of the function" in text
    assert "loop that never ends" not in text and "so the checker stopped it" not in text


def test_input_is_named(capsys):
    def asks(size, kernel, padding, stride, dilation=1):
        return int(input("size? "))

    text = verdict(cu.check_output_size, asks, capsys)
    assert "it called input(), which waits for someone to type" in text, text
    assert input is __builtins__["input"] if isinstance(__builtins__, dict) else True


# --------------------------------------------------------------------------
# Arguments changed in place: lists and arrays, by name
# --------------------------------------------------------------------------


def test_a_list_changed_in_place_gets_list_advice(capsys):
    def pops(layers, input_shape):
        result = count_model(list(layers), input_shape)
        layers.pop(0)
        return result

    text = verdict(cu.check_count_model, pops, capsys)
    assert "changed its argument layers, a list, in place" in text, text
    assert "for item in layers" in text and "layers.pop()" in text and "list(layers)" in text
    assert "copy()" not in text and "array" not in text


@pytest.mark.parametrize(("check", "function", "named", "advice"), [
    (cu.check_conv_single, lambda x, w, padding=0, stride=1:
        (conv_single(x, w.copy(), padding, stride), w.fill(0))[0],
     "changed its argument w in place", "w.copy()"),
    (cu.check_filter_gradient, lambda x, dout, kernel_size, stride=1:
        (filter_gradient(x, dout.copy(), kernel_size, stride), dout.fill(0))[0],
     "changed its argument dout in place", "dout.copy()"),
], ids=["w", "dout"])
def test_the_in_place_message_names_the_argument_that_changed(capsys, check, function, named,
                                                              advice):
    text = verdict(check, function, capsys)
    assert named in text and advice in text, text
    assert "x.copy()" not in text


# --------------------------------------------------------------------------
# An array of the right counts; the one rule for 22.0
# --------------------------------------------------------------------------


def test_an_array_of_counts_is_told_to_return_two_ints(capsys):
    def as_array(layers, input_shape):
        return np.array(count_model(layers, input_shape))

    text = verdict(cu.check_count_model, as_array, capsys)
    assert "it returned a NumPy array" in text and "return int(p), int(m)" in text, text
    assert "return two whole numbers" not in text


def test_try_it_and_write_it_state_one_rule_for_a_whole_float(capsys):
    rule_tail = WHOLE_NUMBER_RULE.split("): ", 1)[1]  # the same sentence in both
    cu.check_output_width(22.0)
    typed = capsys.readouterr().out
    assert typed.startswith(NOT_QUITE) and "The value is right, but you wrote 22.0" in typed
    assert rule_tail in typed

    def floats(size, kernel, padding, stride, dilation=1):
        return float(output_size(size, kernel, padding, stride, dilation))

    written = verdict(cu.check_output_size, floats, capsys)
    assert "the value is right, but" in written and rule_tail in written, written
    cu.check_output_width(22)
    assert capsys.readouterr().out.startswith(CORRECT)


# --------------------------------------------------------------------------
# Two slips at once; the familiar case shown first
# --------------------------------------------------------------------------


def test_two_slips_made_together_are_both_named_first_one_first(capsys):
    def flipped_and_short(x, w, padding=0, stride=1):
        return conv_single(x, np.flip(w), padding, stride)[:-1, :-1]

    text = verdict(cu.check_conv_single, flipped_and_short, capsys)
    assert "Two slips (kernel flipped; missing + 1), both at once" in text, text
    assert "Fix the first, then the second" in text
    assert text.index("Hint (kernel flipped)") < text.index("Hint (missing + 1)")

    def ceil_and_once(size, kernel, padding, stride, dilation=1):
        span = dilation * (kernel - 1) + 1
        if size + padding < span:
            raise ValueError("no room")
        return math.ceil((size + padding - span) / stride) + 1

    text = verdict(cu.check_output_size, ceil_and_once, capsys)
    assert "Two slips (ceil instead of floor; padding added once)" in text, text


def test_two_slips_on_different_cases_are_both_named(capsys):
    def ceil_no_error(size, kernel, padding, stride, dilation=1):
        span = dilation * (kernel - 1) + 1
        return math.ceil((size + 2 * padding - span) / stride) + 1

    # The two slips together make one wrong version: both named, at once.
    text = verdict(cu.check_output_size, ceil_no_error, capsys)
    assert "Two slips (ceil instead of floor; no error when no window fits)" in text, text
    # An exercise that cannot put slips together still names both, each on its cases.
    def ceil_or_floor(size, kernel, padding, stride, dilation=1):
        room = size + 2 * padding - (dilation * (kernel - 1) + 1)
        return room // stride + 1 if room < 0 else math.ceil(room / stride) + 1

    apart = dataclasses.replace(arithmetic.OUTPUT_SIZE_EXERCISE, wrong=None)
    text = run_cases(apart, ceil_or_floor)
    assert "Two slips (ceil instead of floor; no error when no window fits), each on some " \
           "of the failing cases" in text, text


def test_the_familiar_case_is_shown_when_it_fails(capsys):
    def flipped(x, w, padding=0, stride=1):
        return conv_single(x, np.flip(w), padding, stride)

    text = verdict(cu.check_conv_single, flipped, capsys)
    assert "The familiar failing case (the 5x5 grid, no padding)" in text, text
    assert "random case" not in text

    def random_only(x, w, padding=0, stride=1):  # right on the grid, wrong elsewhere
        out = conv_single(x, w, padding, stride)
        return out if x.shape == (5, 5) else out + 1

    text = verdict(cu.check_conv_single, random_only, capsys)
    assert "The smallest failing case (random case" in text, text


# --------------------------------------------------------------------------
# The course's own answer, called
# --------------------------------------------------------------------------


def calls_cu_conv2d(x, w, padding=0, stride=1):
    return cu.conv2d(x[None, None], w[None, None], padding=padding, stride=stride)[0, 0]


def calls_imported_conv2d(x, w, padding=0, stride=1):
    return course_conv2d(x[None, None], w[None, None], padding=padding, stride=stride)[0, 0]


def through_a_helper(x, w, padding=0, stride=1):
    return calls_cu_conv2d(x, w, padding, stride)


@pytest.mark.parametrize("function", [calls_cu_conv2d, calls_imported_conv2d, through_a_helper],
                         ids=lambda f: f.__name__)
def test_calling_the_course_answer_is_not_correct(capsys, function):
    text = verdict(cu.check_conv_single, function, capsys)
    assert text.startswith(NOT_QUITE) and CORRECT not in text, text
    assert "only because it calls the course's own conv2d" in text
    assert "Write it yourself" in text


def test_the_course_answer_is_named_for_every_write_it(capsys):
    def size_by_course(size, kernel, padding, stride, dilation=1):
        return cu.conv_output_size(size, kernel, padding, stride, dilation, strict=False)

    assert "own conv_output_size" in verdict(cu.check_output_size, size_by_course, capsys)

    def counts_by_course(layers, input_shape):
        summary = cu.summarize(layers, input_shape)
        return summary.parameters, summary.multiply_adds

    assert "own summarize" in verdict(cu.check_count_model, counts_by_course, capsys)
    for exercise in (arithmetic.OUTPUT_SIZE_EXERCISE, padding.CONV_SINGLE_EXERCISE,
                     sharing.FILTER_GRADIENT_EXERCISE, mnist.COUNT_MODEL_EXERCISE,
                     cu.exercises.faces.LOCALLY_CONNECTED_EXERCISE):
        assert exercise.course_answers, exercise.name
        assert all(hasattr(cu, name) for name in exercise.course_answers), exercise.name


def test_a_helper_of_the_course_that_is_not_the_answer_is_fine(capsys):
    def with_course_sizes(x, w, padding=0, stride=1):
        rows, cols = cu.conv_output_size(x.shape, w.shape, padding, stride, strict=False)
        p = np.pad(x, padding)
        kh, kw = w.shape
        out = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                out[i, j] = (p[i * stride:i * stride + kh, j * stride:j * stride + kw] * w).sum()
        return out

    assert verdict(cu.check_conv_single, with_course_sizes, capsys).startswith(CORRECT)


#: Every hostile function of the review that this file reproduces, and the words that name it.
NAMED = {
    "02 NaN in one column": "NaN (not a number)",
    "02 (window * w).mean()": "mean instead of sum",
    "02 a window offset by one row": "window one row too low",
    "02 padding at the bottom/right only": "padding only at the bottom and right",
    "05 ceil": "ceil instead of floor",
    "05 padding on one side": "padding on one side only",
    "05 a missing + 1": "missing + 1",
    "time.sleep(20)": "a single call that Python cannot interrupt",
    "input()": "it called input()",
    "05 layers.pop(0)": "a list, in place",
    "w changed in place": "changed its argument w in place",
    "05 np.array([p, m])": "return int(p), int(m)",
    "a whole float, Try it and Write it": "The value is right",
    "two slips at once": "Two slips",
    "cu.conv2d inside conv_single": "calls the course's own conv2d",
}


def test_the_named_list_is_what_this_file_tests():
    source = open(__file__).read()
    for words in NAMED.values():
        assert source.count(words) >= 2, words  # in NAMED and in a test's assertion
