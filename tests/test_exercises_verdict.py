"""The verdict framework tells a learner's unreadable answer from a bug in a checker.

- An answer that cannot be read gets a verdict, whatever it is, and the
  learner's own code raising while it is read is the learner's verdict too.
- Anything else that goes wrong in a checker is the course's bug: under the
  tests (COURSE_STRICT_CHECKERS=1, set by conftest.py) it raises, in this
  process and in every kernel the tests start (nbval's included); a learner
  sees one short apology instead, never a traceback.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import itertools
import numbers
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import nbformat
import numpy as np
import pytest
from feedback import verdict
from test_exercises import ALL_CHECKERS, ODD_ANSWERS

from course_utils.exercises import verdict as framework
from course_utils.exercises.verdict import (
    CHECKER_FAILED,
    CORRECT,
    LONGEST_LIST,
    NOT_ATTEMPTED,
    NOT_QUITE,
    STRICT_ENV,
    CheckerError,
    Reading,
    checker,
    describe,
    integer_verdict,
    read_items,
    read_whole_number,
    read_whole_numbers,
    run_learner_code,
)
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------
# Deliberately broken checkers, built with the framework as the course's are
# --------------------------------------------------------------------------


def _bug_in_the_judge(value: int) -> str:
    return integer_verdict(value, 10 // (value - value), {}, "never reached")


def _bug_no_verdict(value: int) -> str:
    hints = {value: "a hint"}
    hints.get(value)  # the author forgot the return


def _bug_in_a_hint_table(value: int) -> str:
    hints = {3: "the hint for 3"}
    return f"{NOT_QUITE} Hint: {hints[value + 1]}"


def _reader_with_a_bug(answer: object) -> Reading[int]:
    return read_whole_number(answer.value)  # the author meant answer, not answer.value


def broken(judge, read=read_whole_number):
    """A checker named check_broken that fails on every answer it reads."""
    judge.__name__ = judge.__qualname__ = "check_broken"
    return checker(read=read)(judge)


BUGS = {
    "the judge divides by zero": (broken(_bug_in_the_judge), ZeroDivisionError),
    "the judge returns no verdict": (broken(_bug_no_verdict), TypeError),
    "a hint table misses a key": (broken(_bug_in_a_hint_table), KeyError),
    "the reader has a bug": (broken(lambda value: CORRECT, _reader_with_a_bug), AttributeError),
}


def test_the_tests_run_the_checkers_strictly():
    assert os.environ.get(STRICT_ENV) == "1"  # set by conftest.py
    assert framework.strict_checkers()


@pytest.mark.parametrize("name", BUGS)
def test_a_bug_in_a_checker_fails_the_tests(capsys, name):
    check, cause = BUGS[name]
    with pytest.raises(CheckerError, match="check_broken failed on the answer 3") as raised:
        check(3)
    assert isinstance(raised.value.__cause__, cause)  # the real error, for the traceback
    assert capsys.readouterr().out == ""  # no apology printed on the way


@pytest.mark.parametrize("name", BUGS)
@pytest.mark.parametrize("flag", [None, "0", ""])
def test_a_learner_sees_one_short_honest_message(capsys, monkeypatch, name, flag):
    if flag is None:
        monkeypatch.delenv(STRICT_ENV)
    else:
        monkeypatch.setenv(STRICT_ENV, flag)
    check, cause = BUGS[name]
    assert check(3) is None
    out = capsys.readouterr().out
    assert out.startswith(CHECKER_FAILED) and out.count("\n") == 1, out  # one message, one line
    for point in ("bug in the course", "not a mistake of yours", "may still be right",
                  "report", "check_broken", cause.__name__):
        assert point in out, f"the message does not say {point!r}: {out}"
    # Nothing of the course's internals: no traceback, file, or error text.
    for internal in ("Traceback", "File ", "course_utils", "line ", "division by zero",
                     "has no attribute", "instead of a verdict"):
        assert internal not in out, out
    assert len(out) < 400


def test_a_broken_checker_still_reads_answers_it_cannot_judge(capsys, monkeypatch):
    # Reading comes before judging: the bug shows only on an answer that was read.
    monkeypatch.delenv(STRICT_ENV)
    check, _ = BUGS["the judge divides by zero"]
    assert verdict(capsys, check, None) == NOT_ATTEMPTED
    assert verdict(capsys, check, "3").startswith(f"{NOT_QUITE} You wrote the text '3'")
    check(3)
    assert capsys.readouterr().out.startswith(CHECKER_FAILED)


def test_an_interrupt_is_never_taken_for_a_bug(monkeypatch):
    monkeypatch.delenv(STRICT_ENV)

    def check_slow(value: int) -> str:
        raise KeyboardInterrupt  # the learner pressed stop

    with pytest.raises(KeyboardInterrupt):
        checker(read=read_whole_number)(check_slow)(3)


@pytest.mark.parametrize("checker_under_test", ALL_CHECKERS, ids=lambda c: c.__name__)
def test_no_odd_answer_makes_a_course_checker_apologise(capsys, monkeypatch, checker_under_test):
    # With the flag off, as for a learner: every odd answer still gets its own verdict.
    monkeypatch.delenv(STRICT_ENV)
    for answer in ODD_ANSWERS:
        checker_under_test(answer)
        out = capsys.readouterr().out
        assert out.startswith(NOT_QUITE), (answer, out)


# --------------------------------------------------------------------------
# Answers that run the learner's own code, or that no reader should choke on
# --------------------------------------------------------------------------


class RaisesWhenIterated:
    def __iter__(self):
        raise ValueError("my iterator is broken")

    def __repr__(self):
        return "RaisesWhenIterated()"


class Endless:
    def __iter__(self):
        return itertools.count(1)

    def __repr__(self):
        return "Endless()"


class RaisesWhenWritten:
    def __repr__(self):
        raise RuntimeError("my repr is broken")


class IntThatCannotBeRead(int):
    """A learner's int whose conversion to int raises."""

    def __int__(self):
        raise ValueError("my __int__ is broken")


class RealThatCannotBeRead:
    """A learner's number, registered as a Real, whose __float__ raises."""

    def __float__(self):
        raise ValueError("my __float__ is broken")

    def __repr__(self):
        return "RealThatCannotBeRead()"


class RationalThatCannotBeRead:
    """A learner's Rational whose numerator raises."""

    denominator = 1

    @property
    def numerator(self):
        raise ValueError("my numerator is broken")


class ErrorThatCannotBeWritten(Exception):
    def __str__(self):
        raise TypeError("my message is broken")


class RealWhoseErrorCannotBeWritten:
    def __float__(self):
        raise ErrorThatCannotBeWritten()


class RealWithALongError:
    def __float__(self):
        raise ValueError("x" * 5000)


for _learners_number in (RealThatCannotBeRead, RealWhoseErrorCannotBeWritten, RealWithALongError):
    numbers.Real.register(_learners_number)
numbers.Rational.register(RationalThatCannotBeRead)


def a_generator_that_divides_by_zero():
    return (30 // s for s in range(0, 6))


HOSTILE_ANSWERS = {
    "a generator that raises": a_generator_that_divides_by_zero,
    "an iterable that raises": RaisesWhenIterated,
    "an endless iterable": Endless,
    "an object whose repr raises": RaisesWhenWritten,
    "a list holding one": lambda: [RaisesWhenWritten()],
    "a fraction too big for a float": lambda: Fraction(10**400),
    "a fraction too long to print": lambda: Fraction(1, 10**5000),
    "an int too long to print": lambda: 10**5000,
    "a third": lambda: Fraction(1, 3),
    "a decimal": lambda: Decimal("22.5"),
    "a decimal too long to convert": lambda: Decimal("1e999999999"),
    "a decimal NaN": lambda: Decimal("NaN"),
    "text with a superscript digit": lambda: "2²",
    "long text": lambda: "x" * 5000,
    "long text of digits": lambda: "1" * 5000,
    "a complex number": lambda: complex(22, 0),
    "a huge float": lambda: np.float64(1e308),
    "a list with a huge number": lambda: [10**5000],
    "a very long list": lambda: list(range(LONGEST_LIST + 5)),
    "an ellipsis in a list": lambda: [...],
    "an int whose __int__ raises": lambda: IntThatCannotBeRead(22),
    "a Real whose __float__ raises": RealThatCannotBeRead,
    "a Rational whose numerator raises": RationalThatCannotBeRead,
    "a Real whose error cannot be written": RealWhoseErrorCannotBeWritten,
    "a Real with a long error": RealWithALongError,
    "a list of ints whose __int__ raises": lambda: [IntThatCannotBeRead(2)] * 3,
}


@pytest.mark.parametrize("checker_under_test", ALL_CHECKERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("kind", HOSTILE_ANSWERS)
def test_hostile_answers_get_a_verdict_not_a_checker_failure(capsys, checker_under_test, kind):
    # Strict, as in every test: had reading raised, this would fail with CheckerError.
    out = verdict(capsys, checker_under_test, HOSTILE_ANSWERS[kind]())
    assert out.startswith(NOT_QUITE), out
    assert len(out) < 1000, "a verdict quotes a long answer shortened"


def test_the_learners_exception_is_named_in_the_verdict(capsys):
    from course_utils import check_fitting_strides

    out = verdict(capsys, check_fitting_strides, a_generator_that_divides_by_zero())
    assert out == (f"{NOT_QUITE} Your answer raised ZeroDivisionError while its items were "
                   "read: integer division or modulo by zero")


@pytest.mark.parametrize(
    "answer, error",
    [(IntThatCannotBeRead(22), "ValueError while it was read as a number: my __int__ is broken"),
     (RealThatCannotBeRead(), "ValueError while it was read as a number: my __float__ is broken"),
     (RationalThatCannotBeRead(), "ValueError while it was read as a number: my numerator is "
                                  "broken"),
     (RealWhoseErrorCannotBeWritten(), "ErrorThatCannotBeWritten while it was read as a number: "
                                       "(its message cannot be written out)")],
    ids=lambda answer: type(answer).__name__,
)
def test_the_learners_number_class_raising_is_their_verdict(capsys, answer, error):
    from course_utils import check_output_width

    assert verdict(capsys, check_output_width, answer) == f"{NOT_QUITE} Your answer raised {error}"


def test_a_long_message_of_the_learners_exception_is_shortened():
    reading = read_whole_number(RealWithALongError())
    assert reading.verdict.endswith("x" * framework.LONGEST_REPR + "...")


# --------------------------------------------------------------------------
# The readers, one by one
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, value",
    [(22, 22), (22.0, 22), (np.int64(-7), -7), (np.float32(22), 22), (np.array(22.0), 22),
     (Fraction(44, 2), 22), (10**30, 10**30), (np.uint8(255), 255), (Decimal("22"), 22),
     (Decimal("22.000"), 22), (Decimal("-7"), -7), (Decimal("2.2E+1"), 22)],
)
def test_whole_numbers_in_any_type_are_read(answer, value):
    reading = read_whole_number(answer)
    assert reading.readable and reading.value == value
    # A whole number written as a float is marked, for the one rule (WHOLE_NUMBER_RULE).
    assert (type(reading.value) is int) == isinstance(answer, (int, np.integer)), answer


@pytest.mark.parametrize(
    "answer, fragment",
    [(None, NOT_ATTEMPTED), (..., NOT_ATTEMPTED), (True, "yes/no"), ("22", "without quotes"),
     ("a lot", "not the text"), (22.5, "not a whole number"), (float("nan"), "not a whole"),
     (float("inf"), "not a whole"), (np.float32("nan"), "not a whole"),
     (Fraction(1, 3), "not a whole"), (Fraction(1, 10**5000), "about 5000 digits"),
     (10**5000, "digits"), ([22], "single whole number"),
     (np.array([22]), "single whole number"), (np.bool_(True), "single whole number"),
     (RaisesWhenWritten(), "cannot be written out"), (Decimal("22.5"), "not a whole number"),
     (Decimal("Infinity"), "not a whole number"), (Decimal("1e999999999"), "1000000000 digits"),
     ("2²", "not the text '2²'"), ("٢٢", "not the text"), ("--5", "not the text")],
    ids=describe,
)
def test_anything_else_is_refused_with_its_verdict(answer, fragment):
    reading = read_whole_number(answer)
    assert not reading.readable and reading.value is None and fragment in reading.verdict


def test_a_number_that_is_not_whole_is_quoted_as_before_or_shortened():
    for answer, written in [(22.5, "22.5"), (float("nan"), "nan"), (np.float32(2.5), "2.5"),
                            (Fraction(1, 3), "1/3"), (Fraction(1, 10**5000), "a fraction of "
                                                      "about 5000 digits")]:
        assert read_whole_number(answer).verdict == (
            f"{NOT_QUITE} You wrote {written}, which is not a whole number; the answer counts "
            "whole things (cells, weights or parameters).")


def test_text_is_quoted_shortened_and_only_python_digits_get_an_example():
    assert read_whole_number(" -3 ").verdict == (
        f"{NOT_QUITE} You wrote the text ' -3 '; write the number without quotes, "
        "e.g. answer = -3")
    for text in ("1" * 5000, "x" * 5000):
        refused = read_whole_number(text).verdict
        assert len(refused) < 2 * framework.LONGEST_REPR and describe(text) in refused
    assert "answer = 2²" not in read_whole_number("2²").verdict


@pytest.mark.parametrize("call", [{"value": 22}, {"answer": 22, "value": 22}, {"x" * 5000: 1}],
                         ids=lambda call: ",".join(name[:10] for name in call))
def test_a_wrong_keyword_gets_a_verdict_that_says_how_to_call_the_checker(capsys, call):
    from course_utils import check_output_width

    assert check_output_width(**call) is None
    out = capsys.readouterr().out
    assert out.startswith(f"{NOT_QUITE} check_output_width has no argument called '")
    assert out.endswith("call it as check_output_width(answer).\n") and len(out) < 400


def test_the_answer_may_be_named_but_given_once():
    from course_utils import check_output_width

    assert check_output_width.judge(22).startswith(CORRECT)
    for call, printed in [(lambda: check_output_width(answer=22), CORRECT),
                          (lambda: check_output_width(), NOT_ATTEMPTED),
                          (lambda: check_output_width(22, answer=22),
                           f"{NOT_QUITE} Give one answer (a number, or one list); you gave 2."),
                          (lambda: check_output_width(1, 2, 3),
                           f"{NOT_QUITE} Give one answer (a number, or one list); you gave 3.")]:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert call() is None
        assert out.getvalue().startswith(printed), out.getvalue()


def test_items_are_read_from_any_list_like_answer():
    for answer in ([1, 2], (1, 2), np.array([1, 2]), iter([1, 2]), (n for n in (1, 2))):
        assert read_items(answer, "unused").value == [1, 2]
    assert read_items({2, 1}, "unused").value in ([1, 2], [2, 1])


def repr_without_address(value) -> str:
    """A test id: the value's repr without a memory address, the same in every pytest-xdist worker."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


@pytest.mark.parametrize(
    "answer", ["1, 2", b"12", 3, np.array(3), np.int64(3), object(), lambda: [1]],
    ids=repr_without_address,
)
def test_what_is_not_a_list_is_refused_with_the_exercise_s_message(answer):
    reading = read_items(answer, "Give a list, not {answer}.")
    assert reading.verdict == f"Give a list, not {describe(answer)}."


def test_reading_items_stops_at_an_endless_iterable_and_can_refuse_dicts():
    assert "more than 10,000 items" in read_items(Endless(), "unused").verdict
    assert read_items({1: 2}, "no {answer}", refuse=(dict,)).verdict == "no {1: 2}"
    assert read_items(None, "unused").verdict == NOT_ATTEMPTED


def test_every_item_must_be_a_whole_number():
    assert read_whole_numbers([1, 2.0, np.int8(3)], "unused").value == [1, 2, 3]
    assert read_whole_numbers([1, "2"], "{item} is not.").verdict == "'2' is not."


def test_only_the_learners_code_may_raise_into_a_verdict():
    reading = run_learner_code(lambda: 1 // 0, "while it ran")
    assert reading.verdict == (f"{NOT_QUITE} Your answer raised ZeroDivisionError while it "
                               "ran: integer division or modulo by zero")
    assert run_learner_code(lambda: 22, "unused").value == 22


def test_describe_quotes_an_answer_shortened():
    assert describe([1, 2]) == "[1, 2]"
    long = describe(list(range(1000)))
    assert long.endswith("...") and len(long) == framework.LONGEST_REPR + 3
    assert describe(RaisesWhenWritten()) == "<a RaisesWhenWritten that cannot be written out>"


def test_the_framework_s_examples_run():
    result = doctest.testmod(framework, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2 and result.failed == 0


def test_the_checkers_keep_their_names_docs_and_signature():
    import inspect

    from course_utils import check_output_width

    assert check_output_width.__name__ == "check_output_width"
    assert check_output_width.__doc__.startswith("Exercise: output width")
    assert list(inspect.signature(check_output_width).parameters) == ["answer", "more"]


# --------------------------------------------------------------------------
# The flag reaches kernels that nbval starts
# --------------------------------------------------------------------------

PROBE_CELL = """\
from course_utils.exercises.verdict import CheckerError, checker, read_whole_number

@checker(read=read_whole_number)
def check_broken(value):
    return str(1 // 0)

try:
    check_broken(3)
except CheckerError as error:
    print("the bug was raised:", type(error.__cause__).__name__)
"""


def run_nbval_on_probe(folder: Path, with_the_course_conftest: bool) -> subprocess.CompletedProcess:
    """Run nbval on a one-cell notebook whose committed output says the bug was raised."""
    cell = nbformat.v4.new_code_cell(PROBE_CELL, execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout",
                               text="the bug was raised: ZeroDivisionError\n")])
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "probe.ipynb")
    (folder / "pytest.ini").write_text("[pytest]\n")  # this folder is the root, not a parent
    if with_the_course_conftest:  # the project's own, as it is, with the file it loads
        shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
        (folder / "tests").mkdir()
        for helper in ("no_network.py", "nbval_solutions.py", "nbval_determinism.py"):  # it loads
            shutil.copy(ROOT / "tests" / helper, folder / "tests" / helper)
    # Not inherited from this run: the flag must come from the conftest alone.
    env = {name: value for name, value in os.environ.items() if name != STRICT_ENV}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", "probe.ipynb"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=patience.seconds(100),
    )


def test_the_flag_reaches_the_kernels_nbval_starts(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    run = run_nbval_on_probe(course, with_the_course_conftest=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    # Without the course's conftest the same notebook fails: the check can fail.
    bare = tmp_path / "bare"
    bare.mkdir()
    run = run_nbval_on_probe(bare, with_the_course_conftest=False)
    assert run.returncode != 0 and "1 failed" in run.stdout, run.stdout + run.stderr
    assert CHECKER_FAILED in run.stdout  # the kernel apologised instead of raising
