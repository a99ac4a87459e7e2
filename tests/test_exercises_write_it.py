"""The Write-it checkers: they run the learner's function, survive it, and name the mistake.

For every notebook's checker: a correct function written here (loops, as a
learner would) passes; every known wrong version of the exercise fails with
its own hint; and hostile functions (raising, endless, junk, mutating,
printing, exiting) get a verdict, never a traceback and never a hang. The
time limit is tested in this process and in a real Jupyter kernel, which
must stay usable. The drills give seeded problems, the same hints and a score.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time

import numpy as np
import pytest

import course_utils as cu
from course_utils.exercises import arithmetic, faces, mnist, padding, sharing
from course_utils.exercises.runner import call_learner_function
from course_utils.exercises.verdict import CORRECT, NOT_QUITE
from course_utils.exercises.write_it import Raises, run_cases
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

# --------------------------------------------------------------------------
# Correct functions, written the way the notebooks' solutions are
# --------------------------------------------------------------------------


def output_size(size, kernel, padding, stride, dilation=1):
    span = dilation * (kernel - 1) + 1
    if size + 2 * padding < span:
        raise ValueError("no room")
    return (size + 2 * padding - span) // stride + 1


def conv_single(x, w, padding=0, stride=1):
    p = np.pad(x, padding)
    kh, kw = w.shape
    out = np.zeros(((p.shape[0] - kh) // stride + 1, (p.shape[1] - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (p[i * stride:i * stride + kh, j * stride:j * stride + kw] * w).sum()
    return out


def filter_gradient(x, dout, kernel_size, stride=1):
    kh, kw = kernel_size
    dw = np.zeros((kh, kw))
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            dw += dout[i, j] * x[i * stride:i * stride + kh, j * stride:j * stride + kw]
    return dw


def locally_connected(x, w, b):
    oh, ow, kh, kw = w.shape
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = (x[i:i + kh, j:j + kw] * w[i, j]).sum() + b[i, j]
    return out


def count_model(layers, input_shape):
    shape, parameters, macs = input_shape, 0, 0
    for layer in layers:
        if isinstance(layer, cu.ConvSpec):
            c, h, w = shape
            k = layer.kernel_size
            oh = cu.conv_output_size(h, k, layer.padding, layer.stride, strict=False)
            ow = cu.conv_output_size(w, k, layer.padding, layer.stride, strict=False)
            weights = k * k * c * layer.out_channels
            parameters += weights + (layer.out_channels if layer.bias else 0)
            macs += weights * oh * ow
            shape = (layer.out_channels, oh, ow)
        elif isinstance(layer, cu.MaxPoolSpec):
            shape = (shape[0], shape[1] // layer.size, shape[2] // layer.size)
        elif isinstance(layer, cu.FlattenSpec):
            shape = (int(np.prod(shape)),)
        elif isinstance(layer, cu.DenseSpec):
            parameters += shape[0] * layer.out_features + (layer.out_features if layer.bias else 0)
            macs += shape[0] * layer.out_features
            shape = (layer.out_features,)
    return parameters, macs


CHECKERS = [
    (cu.check_output_size, output_size, arithmetic.OUTPUT_SIZE_EXERCISE),
    (cu.check_conv_single, conv_single, padding.CONV_SINGLE_EXERCISE),
    (cu.check_filter_gradient, filter_gradient, sharing.FILTER_GRADIENT_EXERCISE),
    (cu.check_locally_connected, locally_connected, faces.LOCALLY_CONNECTED_EXERCISE),
    (cu.check_count_model, count_model, mnist.COUNT_MODEL_EXERCISE),
]
IDS = [exercise.name for _, _, exercise in CHECKERS]


def verdict(check, function, capsys) -> str:
    check(function)
    out = capsys.readouterr()
    assert not out.err, out.err
    assert "Traceback" not in out.out and "course_utils/" not in out.out, out.out
    return out.out


def as_learner(version):
    """A wrong version as a learner's function: a Raises answer is raised, as they would."""

    def learner(*args):
        result = version(*args)
        if isinstance(result, Raises):
            raise result.kind(result.message)
        return result

    return learner


@pytest.mark.parametrize(("check", "right", "exercise"), CHECKERS, ids=IDS)
def test_a_correct_function_passes(check, right, exercise, capsys):
    text = verdict(check, right, capsys)
    assert text.startswith(CORRECT), text
    assert "hand-picked" in text and "random" in text


@pytest.mark.parametrize(("check", "right", "exercise"), CHECKERS, ids=IDS)
def test_the_solution_agrees_with_the_function_written_here_on_every_case(check, right,
                                                                          exercise):
    for case in exercise.cases():
        expected = exercise.solution(*case.args)
        if isinstance(expected, Raises):
            with pytest.raises(expected.kind):
                right(*case.args)
        else:
            np.testing.assert_allclose(np.asarray(right(*case.args), dtype=float),
                                       np.asarray(expected, dtype=float))


@pytest.mark.parametrize(("check", "right", "exercise"), CHECKERS, ids=IDS)
def test_every_known_mistake_fails_with_its_own_hint(check, right, exercise, capsys):
    assert len(exercise.mistakes) >= 5
    for mistake in exercise.mistakes:
        text = verdict(check, as_learner(mistake.version), capsys)
        assert text.startswith(NOT_QUITE), (mistake.name, text)
        hints = [line for line in text.splitlines() if line.startswith("Hint (")]
        assert hints == [f"Hint ({mistake.name}): {mistake.hint}"], (mistake.name, text)
        assert "failing case (" in text and "should give:" in text


def test_the_listed_mistakes_are_all_covered():
    names = {m.name for _, _, e in CHECKERS for m in e.mistakes}
    for listed in ("kernel flipped", "ceil instead of floor", "padding added once",
                   "missing + 1", "forgotten bias", "mean instead of sum",
                   "one filter used at every position", "transposed output",
                   "a float for a size"):
        assert listed in names, listed


def test_mistakes_written_as_a_learner_would_are_named(capsys):
    def ceil_size(size, kernel, padding, stride, dilation=1):
        span = dilation * (kernel - 1) + 1
        if size + 2 * padding < span:
            raise ValueError("no room")
        return math.ceil((size + 2 * padding - span) / stride) + 1

    def flipped(x, w, padding=0, stride=1):
        return conv_single(x, np.flip(w), padding, stride)

    def mean_gradient(x, dout, kernel_size, stride=1):
        return filter_gradient(x, dout, kernel_size, stride) / dout.size

    def floats(size, kernel, padding, stride, dilation=1):
        return float(output_size(size, kernel, padding, stride, dilation))

    def in_place(x, w, padding=0, stride=1):
        result = conv_single(x, w, padding, stride)
        x *= 2
        return result

    def no_bias(x, w, b):
        return locally_connected(x, w, np.zeros_like(b))

    assert "Hint (ceil instead of floor)" in verdict(cu.check_output_size, ceil_size, capsys)
    assert "Hint (kernel flipped)" in verdict(cu.check_conv_single, flipped, capsys)
    assert "Hint (mean instead of sum)" in verdict(cu.check_filter_gradient, mean_gradient,
                                                   capsys)
    assert "Hint (a float for a size)" in verdict(cu.check_output_size, floats, capsys)
    assert "changed its argument x in place" in verdict(cu.check_conv_single, in_place, capsys)
    assert "Hint (forgotten bias)" in verdict(cu.check_locally_connected, no_bias, capsys)


# --------------------------------------------------------------------------
# Hostile functions
# --------------------------------------------------------------------------


def raises_index_error(*args):
    values = [1, 2, 3]
    return values[10]


def returns_none(*args):
    return None


def returns_text(*args):
    return "twenty-two"


def returns_nan(*args):
    return np.full((3, 3), np.nan)


def returns_wrong_shape(*args):
    return np.zeros((7, 1))


def prints_a_lot(*args):
    for i in range(10_000):
        print("step", i)


def exits(*args):
    raise SystemExit(3)


def interrupts_itself(*args):
    raise KeyboardInterrupt


def ragged(*args):
    return [[1, 2], [3]]


def generator(*args):
    yield 1


class Weird:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __int__(self):
        raise RuntimeError("no int")


def returns_weird(*args):
    return Weird()


HOSTILE = [raises_index_error, returns_none, returns_text, returns_nan, returns_wrong_shape,
           prints_a_lot, exits, interrupts_itself, ragged, generator, returns_weird]


@pytest.mark.parametrize(("check", "right", "exercise"), CHECKERS, ids=IDS)
@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda f: f.__name__)
def test_hostile_functions_get_a_verdict_not_a_traceback(check, right, exercise, hostile,
                                                         capsys):
    text = verdict(check, hostile, capsys)
    assert text.startswith(NOT_QUITE), text


def test_the_learners_own_line_is_shown_when_it_raises(capsys):
    text = verdict(cu.check_conv_single, raises_index_error, capsys)
    assert "it raised IndexError: list index out of range" in text
    assert "in raises_index_error, line" in text and "return values[10]" in text


def test_prints_are_hidden_and_counted(capsys):
    text = verdict(cu.check_output_size, prints_a_lot, capsys)
    assert "It printed" in text and "'step 0'" in text
    assert text.count("step") < 5


def test_junk_arguments_to_a_write_it_checker(capsys):
    for junk in (3, "output_size", [output_size], np.zeros(3)):
        text = verdict(cu.check_output_size, junk, capsys)
        assert text.startswith(NOT_QUITE) and "the function itself" in text
    cu.check_output_size(None)
    assert "Not attempted yet" in capsys.readouterr().out
    cu.check_output_size(output_size, output_size)
    assert capsys.readouterr().out.startswith(NOT_QUITE)


@pytest.mark.parametrize(("check", "right", "exercise"), CHECKERS, ids=IDS)
def test_a_template_is_not_attempted_yet(check, right, exercise, capsys):
    def template(*args):
        """The body is still to be written."""
        raise NotImplementedError

    assert verdict(check, template, capsys).startswith("… Not attempted yet")


@pytest.mark.parametrize(("check", "right", "exercise"), CHECKERS, ids=IDS)
def test_an_endless_loop_is_stopped_and_named(check, right, exercise):
    def endless(*args):
        n = 0
        while True:
            n += 1

    start = time.perf_counter()
    text = run_cases(dataclasses.replace(exercise, time_limit=0.3), endless)
    assert time.perf_counter() - start < 3
    assert text.startswith(NOT_QUITE) and "still running after 0.3 seconds" in text
    assert "kernel is still working" in text


def test_a_loop_that_swallows_the_stop_is_still_stopped():
    # The course cannot end a loop that swallows every stop (the learner is told the
    # kernel is still working); the test can, so that the loop does not spin, holding
    # the GIL, through every later test of this pytest process.
    test_over = threading.Event()

    def stubborn(*args):
        while not test_over.is_set():
            try:
                while not test_over.is_set():
                    pass
            except BaseException:  # noqa: BLE001  a learner's bare except
                pass

    try:
        outcome = call_learner_function(stubborn, (), time_limit=0.2)
        assert outcome.timed_out
    finally:
        test_over.set()


def test_a_slow_numpy_call_is_allowed_to_finish_and_timed(capsys):
    def slow(size, kernel, padding, stride, dilation=1):
        time.sleep(0.06)  # like a slow numpy call: not Python steps, not stopped
        return output_size(size, kernel, padding, stride, dilation)

    text = verdict(cu.check_output_size, slow, capsys)
    assert text.startswith(CORRECT) and "It took" in text and " s for 48 cases" in text


def test_the_whole_check_in_one_process_with_the_real_time_limit(capsys):
    def endless(size, kernel, padding, stride, dilation=1):
        while True:
            size += 1

    start = time.perf_counter()
    text = verdict(cu.check_output_size, endless, capsys)
    assert 4 < time.perf_counter() - start < 10
    assert "still running after 5 seconds" in text
    assert verdict(cu.check_output_size, output_size, capsys).startswith(CORRECT)


def test_a_bug_in_a_write_it_checker_raises_under_the_tests():
    broken = dataclasses.replace(arithmetic.OUTPUT_SIZE_EXERCISE,
                                 solution=lambda *args: 1 / 0)
    checker = cu.exercises.write_it.write_it_checker(broken)(lambda function: None)
    with pytest.raises(cu.exercises.verdict.CheckerError):
        checker(output_size)


# --------------------------------------------------------------------------
# A real kernel: the time limit leaves it usable
# --------------------------------------------------------------------------


def test_in_a_real_kernel_an_endless_loop_times_out_and_the_kernel_lives():
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        code = (
            "import dataclasses\n"
            "from course_utils.exercises import arithmetic, write_it\n"
            "def output_size(size, kernel, padding, stride, dilation=1):\n"
            "    n = 0\n"
            "    while n >= 0:\n"
            "        n += 1\n"
            "fast = dataclasses.replace(arithmetic.OUTPUT_SIZE_EXERCISE, time_limit=1.0)\n"
            "print(write_it.run_cases(fast, output_size))\n"
        )
        outputs = " ".join(run_in(client, code).split())  # verdicts wrap at 100 characters
        assert "still running after 1 seconds" in outputs, outputs
        assert "kernel is still working" in outputs
        assert "42" in run_in(client, "print(6 * 7)")
        raised = run_in(client, "import course_utils as cu\n"
                                "def conv_single(x, w, padding=0, stride=1):\n"
                                "    return x[100, 100]\n"
                                "cu.check_conv_single(conv_single)\n")
        raised = " ".join(raised.split())
        assert "it raised IndexError" in raised and "in conv_single, line 3: return x[100, 100]" \
            in raised, raised
        assert "Traceback" not in raised and "/tmp/" not in raised
        # A call Python cannot interrupt, and input(), in a kernel (issue 30).
        stuck = run_in(client, "import time\n"
                               "def output_size(size, kernel, padding, stride, dilation=1):\n"
                               "    time.sleep(3)\n"
                               "print(write_it.run_cases(fast, output_size))\n")
        stuck = " ".join(stuck.split())  # a learner's verdict wraps at 100 characters
        assert "cannot interrupt" in stuck and "keeps running in the background" in stuck, stuck
        asks = run_in(client, "def output_size(size, kernel, padding, stride, dilation=1):\n"
                              "    return int(input('size? '))\n"
                              "cu.check_output_size(output_size)\n")
        assert "it called input()" in " ".join(asks.split()), asks
        assert "42" in run_in(client, "print(6 * 7)")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run_in(client, code: str) -> str:
    reply = client.execute_interactive(code, timeout=patience.seconds(20), output_hook=(collected := []).append)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(m["content"].get("text", "") for m in collected
                   if m["msg_type"] == "stream")


# --------------------------------------------------------------------------
# Practice on demand
# --------------------------------------------------------------------------


def test_a_drill_is_seeded_and_shares_the_checkers_hints(capsys):
    first, second = cu.OutputSizeDrill(seed=11), cu.OutputSizeDrill(seed=11)
    for _ in range(5):
        first.new()
        second.new()
    out = capsys.readouterr().out.splitlines()
    assert out[0::2] == out[1::2] and len(set(out)) == 5  # same problems, all different
    drill = cu.OutputSizeDrill(seed=0)
    for _ in range(30):  # find a problem where the floor matters
        drill.new()
        args = drill._last_args
        if (args[0] + 2 * args[2] - (args[4] * (args[1] - 1) + 1)) % args[3]:
            break
    capsys.readouterr()
    ceil = arithmetic.OUTPUT_SIZE_MISTAKES[0].version(*args)
    drill.check(ceil)
    assert "(ceil instead of floor)" in capsys.readouterr().out
    drill.check(arithmetic.output_size_solution(*args))
    text = capsys.readouterr().out
    assert text.startswith(CORRECT) and "Score: " in text


def test_a_drill_keeps_the_score_of_first_tries(capsys):
    drill = cu.ParameterDrill(seed=5)
    drill.check(3)
    assert "drill.new()" in capsys.readouterr().out
    drill.new()
    drill.check(None)
    assert "Not attempted yet" in capsys.readouterr().out
    drill.check(-1)
    drill.check(drill._expected)
    assert "Score: 0 of 1" in capsys.readouterr().out.splitlines()[-1]
    drill.new()
    drill.check(drill._expected)
    assert capsys.readouterr().out.splitlines()[-1].startswith("Score: 1 of 2")
    drill.new()
    capsys.readouterr()
    drill.check("many")
    assert capsys.readouterr().out.startswith(NOT_QUITE)
    unseeded = cu.ParameterDrill()
    unseeded.new()
    assert f"(seed {unseeded.seed})" in capsys.readouterr().out
