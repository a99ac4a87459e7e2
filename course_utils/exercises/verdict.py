"""The verdict framework every Try-it checker is built on.

A checker takes whatever the learner typed and prints one verdict: correct,
not quite (with a hint), or not attempted yet. Checking is split in steps,
and each kind of failure has one home:

1. **Reading** (``read_*`` functions): turn the raw answer into the value the
   exercise asks for (a whole number, a list of them, ...). Anything that
   cannot be read - text, a bool, 2.5, NaN, a 3x3 array, ``object()`` - gives
   a :class:`Reading` that carries the verdict for it. Readers decide by
   looking at the answer (types, shapes, lengths); they do not try things
   and catch what goes wrong, so they cannot hide a mistake of the course.
2. **Learner code** (:func:`run_learner_code`): the only place where an
   exception is the learner's. Reading may have to run code the learner
   wrote - a generator's body, an object's ``__iter__`` or ``__repr__`` - and
   that code may raise; the exception becomes a verdict. The Write-it
   checkers run a learner's whole function through
   :func:`~course_utils.exercises.runner.call_learner_function` instead:
   in a worker thread, with a time limit, their prints captured.
3. **Judging** (the function under ``@checker``): compare the value with the
   right answer and return the verdict text.

Any other exception is a bug in the course. Under the tests (the environment
variable :data:`STRICT_ENV` is ``"1"``, set by the project's ``conftest.py``
and inherited by every kernel the tests start) it propagates as a
:class:`CheckerError`, so ``make test`` fails. A learner sees one short
message instead: the checker failed, it is the course's fault, their answer
may still be right, and how to report it - never a traceback.
"""

from __future__ import annotations

import inspect
import numbers
import os
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import partial
from itertools import islice
from typing import Generic, TypeVar

import numpy as np

__all__: list[str] = []  # the checkers' building blocks, not part of course_utils' API

T = TypeVar("T")

# --------------------------------------------------------------------------
# The verdicts a learner sees
# --------------------------------------------------------------------------

CORRECT = "✔ Correct!"
NOT_QUITE = "✘ Not quite."
NOT_ATTEMPTED = "… Not attempted yet: replace None with your answer and run the cell again."
#: The start of the message a learner sees when a checker has a bug.
CHECKER_FAILED = "⚠ Sorry, the checker itself failed"

#: Set to "1" to make a checker's bug raise instead of printing an apology.
STRICT_ENV = "COURSE_STRICT_CHECKERS"

#: Longest list a reader takes in; stops an endless iterator (itertools.count()).
LONGEST_LIST = 10_000
#: Longest repr of an answer quoted back in a verdict.
LONGEST_REPR = 200
#: Whole numbers this long (in binary digits, about 100 decimal ones) count
#: nothing in a course exercise; Python refuses to print ints over 4,300 digits.
LONGEST_NUMBER_BITS = 333

#: The one rule for whole numbers, in a typed answer (Try it) and in a function's
#: result (Write it) alike: the value counts, and it must be written as an int.
WHOLE_NUMBER_RULE = ("every answer here is a whole number (a size, a count, a grid "
                     "value), written as an int ({whole}, not {written}): Python's / always "
                     "gives a float, // or int() gives an int. "
                     "Every checker of the course, Try it and Write it, holds answers to "
                     "this one rule.")


class WrittenAsFloat(int):
    """A whole number that the learner wrote as a float (22.0, np.float64(22), Decimal('22')).

    It is the number (22 == WrittenAsFloat(22, "22.0")), so every judge compares it
    as before; :func:`_verdict` turns a "correct" verdict on it into the one rule
    of :data:`WHOLE_NUMBER_RULE`, which the Write-it checkers state too.
    """

    written: str

    def __new__(cls, value: int, written: str) -> WrittenAsFloat:
        number = super().__new__(cls, value)
        number.written = written
        return number


def written_as_float(value: object) -> WrittenAsFloat | None:
    """The first whole number written as a float in a read value (a number, list, set...)."""
    if isinstance(value, WrittenAsFloat):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return next((w for w in map(written_as_float, value) if w is not None), None)
    return None


def whole_number_rule(number: WrittenAsFloat) -> str:
    """The verdict on a right value written as a float: the rule, with the learner's number."""
    return (f"{NOT_QUITE} The value is right, but you wrote {number.written}, a float; "
            + WHOLE_NUMBER_RULE.format(whole=int(number), written=number.written))


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading(Generic[T]):
    """What reading a learner's answer gave.

    Either a ``value`` for the checker to judge, or, when the answer cannot be
    judged, the ``verdict`` that the learner sees instead.

    Attributes
    ----------
    value : T or None
        The answer as the exercise asks for it (e.g. an ``int``).
    verdict : str or None
        Why the answer cannot be judged; ``None`` when it was read.
    """

    value: T | None = None
    verdict: str | None = None

    @classmethod
    def of(cls, value: T) -> Reading[T]:
        """An answer that was read."""
        return cls(value=value)

    @classmethod
    def refused(cls, verdict: str) -> Reading[T]:
        """An answer that cannot be judged, and the verdict that says why."""
        return cls(verdict=verdict)

    @property
    def readable(self) -> bool:
        """True if there is a value to judge."""
        return self.verdict is None


#: Longest printed line of a verdict: what a projector shows without wrapping.
LONGEST_LINE = 100


def fit_lines(text: str, width: int | None = None) -> str:
    """Wrap every line of ``text`` longer than ``width`` at spaces, keeping its indent.

    ``width`` defaults to :data:`LONGEST_LINE`, read at each call. Lines that
    are short already (a failing case's call, an array) are left exactly as
    they are.
    """
    width = width or LONGEST_LINE
    fitted = []
    for line in text.split("\n"):
        if len(line) <= width:
            fitted.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        fitted.append(textwrap.fill(line.strip(), width, initial_indent=indent,
                                    subsequent_indent=indent + ("  " if indent else ""),
                                    break_long_words=False, break_on_hyphens=False))
    return "\n".join(fitted)


def is_not_attempted(answer: object) -> bool:
    """True for the placeholders a Try-it cell starts with (``None``, ``...``)."""
    return answer is None or answer is Ellipsis


def run_learner_code(code: Callable[[], T], during: str) -> Reading[T]:
    """Run code the learner wrote; an exception it raises becomes a verdict.

    This is the one place where a checker catches any exception, because here
    it can only come from the learner's code, not from the course's.

    Parameters
    ----------
    code : callable
        Takes no arguments and runs only the learner's code (e.g.
        ``partial(list, answer)`` for a generator they wrote).
    during : str
        What the checker was doing, for the verdict ("while reading your list").

    Returns
    -------
    Reading
        The result, or a "not quite" verdict that names the exception.
    """
    # Short pieces of learner code (a repr, an __int__); a whole function goes
    # through runner.call_learner_function, with a time limit.
    try:
        return Reading.of(code())
    except Exception as error:  # the learner's own code raised: their answer, their verdict
        return Reading.refused(
            f"{NOT_QUITE} Your answer raised {type(error).__name__} {during}: "
            f"{_error_message(error)}"
        )


def _error_message(error: Exception) -> str:
    """The message of the learner's exception, shortened; its own __str__ may raise too."""
    try:
        text = str(error)
    except Exception:  # the learner's exception class: still their verdict, not a bug
        return "(its message cannot be written out)"
    return text if len(text) <= LONGEST_REPR else f"{text[:LONGEST_REPR]}..."


def describe(answer: object) -> str:
    """The answer as Python writes it (its repr), shortened, for quoting in a verdict."""
    # repr() of a learner's own class runs their __repr__, which may raise.
    shown = run_learner_code(partial(repr, answer), "")
    if not shown.readable or not isinstance(shown.value, str):
        return f"<a {type(answer).__name__} that cannot be written out>"
    text = shown.value
    return text if len(text) <= LONGEST_REPR else f"{text[:LONGEST_REPR]}..."


def read_whole_number(answer: object) -> Reading[int]:
    """Read a whole number (``22``, ``22.0``, ``np.int64(22)``, a 0-d array), or say why not.

    A whole number written as a float (``22.0``) is read as a :class:`WrittenAsFloat`:
    its value is judged as usual, and a right one is then held to
    :data:`WHOLE_NUMBER_RULE` by the checker.

    Parameters
    ----------
    answer : object
        Whatever the learner wrote.

    Returns
    -------
    Reading[int]
        The number, or the verdict for text, a bool, a fraction, NaN, a list, ...
    """
    if is_not_attempted(answer):
        return Reading.refused(NOT_ATTEMPTED)
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()  # e.g. the result of (window * kernel).sum() on an array
    if isinstance(answer, bool):  # bool is an Integral to Python, but True is not 1 here
        return Reading.refused(
            f"{NOT_QUITE} You wrote {answer}, a yes/no value; the answer is a number."
        )
    # int(), float() and .numerator run the learner's code when the answer is an
    # instance of their own number class: run them as such, so that it raising
    # is their verdict, not the course's apology.
    if isinstance(answer, numbers.Integral):
        whole = run_learner_code(partial(int, answer), WHILE_READ_AS_NUMBER)
        return _whole(whole.value) if whole.readable else whole
    if isinstance(answer, numbers.Rational):  # e.g. Fraction: exact, and may not fit a float
        ratio = run_learner_code(partial(_numerator_and_denominator, answer),
                                 WHILE_READ_AS_NUMBER)
        if not ratio.readable:
            return ratio
        numerator, denominator = ratio.value
        if denominator == 1:
            return _as_written(_whole(numerator), answer)
        return Reading.refused(_not_whole(answer))
    if isinstance(answer, numbers.Real):
        number = run_learner_code(partial(float, answer), WHILE_READ_AS_NUMBER)
        if not number.readable:
            return number
        # NaN and infinity are not integers either: is_integer() says False for them.
        if number.value.is_integer():
            whole = run_learner_code(partial(int, answer), WHILE_READ_AS_NUMBER)
            return _as_written(_whole(whole.value), answer) if whole.readable else whole
        return Reading.refused(_not_whole(answer))
    if isinstance(answer, Decimal):
        return _read_decimal(answer)
    if isinstance(answer, str):
        # str's own methods, not the answer's: a learner's str subclass may override them.
        stripped = str.strip(answer)
        digits = stripped[1:] if stripped.startswith("-") else stripped
        # ASCII digits only: '2²' and '٢٢' are digits to isdigit(), not Python numbers.
        if str.isascii(digits) and str.isdecimal(digits):
            if len(stripped) > LONGEST_REPR:
                return Reading.refused(f"{NOT_QUITE} You wrote the text {describe(answer)}; "
                                       "write the number without quotes.")
            return Reading.refused(
                f"{NOT_QUITE} You wrote the text {describe(answer)}; write the number without "
                f"quotes, e.g. answer = {stripped}"
            )
        return Reading.refused(
            f"{NOT_QUITE} The answer is a number, not the text {describe(answer)}.")
    return Reading.refused(
        f"{NOT_QUITE} The answer is a single whole number, "
        f"but you gave a {type(answer).__name__}: {describe(answer)}"
    )


#: What a checker was doing when a learner's number class raised.
WHILE_READ_AS_NUMBER = "while it was read as a number"


def _read_decimal(answer: Decimal) -> Reading[int]:
    """An integral Decimal is its whole number; Decimal's own methods, not a subclass's."""
    if not Decimal.is_finite(answer):
        return Reading.refused(_not_whole(answer))
    digits = Decimal.adjusted(answer) + 1  # decided before converting 1E999999999
    if digits * 3.33 > LONGEST_NUMBER_BITS:
        return Reading.refused(_too_long(digits))
    if Decimal.to_integral_value(answer) != Decimal(answer):
        return Reading.refused(_not_whole(answer))
    return _as_written(_whole(int(Decimal.to_integral_value(answer))), answer)


def _as_written(reading: Reading[int], answer: object) -> Reading[int]:
    """A whole number read from a float (or Decimal, Fraction): marked, for the one rule."""
    if not reading.readable:
        return reading
    return Reading.of(WrittenAsFloat(reading.value, _written(answer)))


def _numerator_and_denominator(answer: numbers.Rational) -> tuple[int, int]:
    return int(answer.numerator), int(answer.denominator)


def _whole(value: int) -> Reading[int]:
    """A whole number, unless it is too long to be any exercise's answer (or to print)."""
    if value.bit_length() > LONGEST_NUMBER_BITS:
        return Reading.refused(_too_long(int(value.bit_length() * 0.30103)))
    return Reading.of(value)


def _too_long(digits: int) -> str:
    return (f"{NOT_QUITE} Your number has about {digits} digits; "
            "no answer in this exercise is anywhere near that large.")


def _not_whole(answer: object) -> str:
    # Quoted with describe(), not str(): a Fraction with over 4,300 digits cannot be
    # printed at all, and a learner's own number class may write itself out oddly.
    return (
        f"{NOT_QUITE} You wrote {_written(answer)}, which is not a whole number; the answer "
        "counts whole things (cells, weights or parameters)."
    )


#: Number types whose str() the verdicts quote (22.5, nan, 1/3): the course's, not a learner's.
_PLAIN_NUMBER_TYPES = (float, np.float16, np.float32, np.float64, np.longdouble)


def _written(answer: object) -> str:
    """A number that is not whole, as the verdicts quote it: 22.5, nan, 1/3, or describe()d."""
    if type(answer) in _PLAIN_NUMBER_TYPES:  # str() of these always works and is short
        return str(answer)
    if type(answer) is Fraction:
        # Decided by looking, not by trying: str() of a Fraction over 4,300 digits raises.
        longest = max(answer.numerator.bit_length(), answer.denominator.bit_length())
        if longest > LONGEST_NUMBER_BITS:
            return f"a fraction of about {int(longest * 0.30103)} digits"
        return str(answer)
    return describe(answer)


def read_items(answer: object, not_a_list: str,
               refuse: tuple[type, ...] = (str, bytes)) -> Reading[list[object]]:
    """Read the items of a list, tuple, set, array or generator, or say why not.

    Parameters
    ----------
    answer : object
        Whatever the learner wrote.
    not_a_list : str
        The verdict for an answer that is not a list; ``{answer}`` in it is
        replaced by the answer as written.
    refuse : tuple of types
        Iterables that are not lists of answers (text is iterable, letter by letter).

    Returns
    -------
    Reading[list]
        The items, at most :data:`LONGEST_LIST`, or the verdict.
    """
    if is_not_attempted(answer):
        return Reading.refused(NOT_ATTEMPTED)
    # A number, a 0-d array or text is not a list; asked, not tried, so that
    # nothing the course does inside a try can be mistaken for the learner's.
    scalar_array = isinstance(answer, np.ndarray) and answer.ndim == 0
    if isinstance(answer, refuse) or scalar_array or not isinstance(answer, Iterable):
        return Reading.refused(not_a_list.format(answer=describe(answer)))
    # Iterating may run the learner's code (a generator, their own class), and
    # an endless iterator must not hang the kernel: take one item too many at most.
    items = run_learner_code(partial(_first_items, answer, LONGEST_LIST + 1),
                             "while its items were read")
    if items.readable and len(items.value) > LONGEST_LIST:
        return Reading.refused(
            f"{NOT_QUITE} Your answer has more than {LONGEST_LIST:,} items; the exercise asks "
            "for a short list."
        )
    return items


def _first_items(answer: Iterable[object], count: int) -> list[object]:
    return list(islice(answer, count))


def read_whole_numbers(items: list[object], not_whole: str) -> Reading[list[int]]:
    """Read every item as a whole number; the first that is not one gives the verdict.

    ``not_whole`` is that verdict; ``{item}`` in it is replaced by the item as written.
    """
    values = []
    for item in items:
        value = read_whole_number(item)
        if not value.readable:
            return Reading.refused(not_whole.format(item=describe(item)))
        values.append(value.value)
    return Reading.of(values)


# --------------------------------------------------------------------------
# Judging: hints and the common verdicts
# --------------------------------------------------------------------------


def add_hint(hints: dict[int, str], value: int, text: str) -> None:
    """Attach a hint to a wrong answer; two slips that give one number share it."""
    hints[value] = f"{hints[value]} Or: {text}" if value in hints else text


def integer_verdict(value: int, expected: int, hints: dict[int, str], explain: str) -> str:
    """The verdict on a whole number: correct with ``explain``, or the hint for the slip."""
    if value == expected:
        return f"{CORRECT} {explain}"
    hint = hints.get(
        value, "write the rule from the notebook out with the numbers put in, one step at a time."
    )
    return f"{NOT_QUITE} {value} is not it. Hint: {hint}"


FILTER_FALLBACK = ("count one filter first (its height x width x input channels), then how "
                   "many filters the layer has.")


def count_verdict(value: int, expected: int, hints: dict[int, str], explain: str,
                  fallback: str = FILTER_FALLBACK) -> str:
    """Like :func:`integer_verdict`, for answers that count weights or parameters.

    ``fallback`` is the hint for a wrong answer that no specific hint explains.
    """
    if value < 0:
        return f"{NOT_QUITE} {value} is negative, but a layer cannot have fewer than 0 parameters."
    if value != expected:
        hint = hints.get(value, fallback)
        return f"{NOT_QUITE} {value:,} is not it. Hint: {hint}"
    return f"{CORRECT} {explain}"


# --------------------------------------------------------------------------
# The checker: read, judge, and tell a bug in the course from the learner's answer
# --------------------------------------------------------------------------


class CheckerError(RuntimeError):
    """A checker failed on an answer it should have judged: a bug in the course."""


def strict_checkers() -> bool:
    """True under the tests: a checker's bug raises instead of printing an apology.

    Read at every check, so that a test can switch it for one call.
    """
    return os.environ.get(STRICT_ENV) == "1"


def checker_failed_message(name: str, error: BaseException) -> str:
    """What a learner sees when a checker has a bug: short, honest, no traceback."""
    return (
        f"{CHECKER_FAILED} ({type(error).__name__} in {name}). That is a bug in the course, "
        "not a mistake of yours, and your answer may still be right: compare it with the "
        "solution cell below. Please report it to your instructor or in the course's issue "
        f"tracker, naming the notebook, {name} and your answer."
    )


def checker(read: Callable[[object], Reading[T]]) -> Callable[[Callable[[T], str]],
                                                               Callable[..., None]]:
    """Make a Try-it checker from a reader and a judge.

    Parameters
    ----------
    read : callable
        Turns the raw answer into a :class:`Reading`; ``None`` and ``...`` never
        reach it (they are "not attempted" for every checker).

    Returns
    -------
    callable
        A decorator. The decorated function (the judge) receives the value
        read, returns the verdict text, and becomes ``check_xxx(answer)``,
        which prints that verdict and returns ``None``.

    Examples
    --------
    >>> @checker(read=read_whole_number)
    ... def check_four(value: int) -> str:
    ...     return integer_verdict(value, 4, {5: "one too many."}, "2 + 2 = 4.")
    >>> check_four(4)
    ✔ Correct! 2 + 2 = 4.
    >>> check_four(4.0)  # doctest: +ELLIPSIS
    ✘ Not quite. The value is right, but you wrote 4.0, a float; every answer here is ...
    >>> check_four("4")
    ✘ Not quite. You wrote the text '4'; write the number without quotes, e.g. answer = 4
    """

    def decorate(judge: Callable[[T], str]) -> Callable[..., None]:
        def check(*answers: object, **keywords: object) -> None:
            # Any call prints a verdict, a wrong keyword (value=22) too: never a TypeError.
            unexpected = [name for name in keywords if name != "answer"]
            if unexpected:
                print(fit_lines(f"{NOT_QUITE} {judge.__name__} has no argument called "
                                f"{describe(unexpected[0])}; call it as "
                                f"{judge.__name__}(answer)."))
                return
            answers = answers + tuple(keywords.values())
            if len(answers) > 1:
                print(fit_lines(f"{NOT_QUITE} Give one answer (a number, or one list); "
                                f"you gave {len(answers)}."))
                return
            print(fit_lines(_verdict(judge, read, answers[0] if answers else None)))

        # Not functools.wraps: its __wrapped__ would make help() show the
        # judge's signature (value: int) instead of check_xxx(answer).
        for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
            setattr(check, attribute, getattr(judge, attribute))
        # help() shows how a learner calls it; **keywords is only there to answer a wrong one.
        check.__signature__ = _CHECK_SIGNATURE  # type: ignore[attr-defined]
        check.judge = judge  # type: ignore[attr-defined]  # for tests: the unwrapped steps
        check.read = read  # type: ignore[attr-defined]
        return check

    return decorate


def _check_signature(answer: object = None, *more: object) -> None:
    """The signature help() shows for every checker."""


_CHECK_SIGNATURE = inspect.signature(_check_signature)


def _verdict(judge: Callable[[T], str], read: Callable[[object], Reading[T]],
             answer: object) -> str:
    """Read and judge ``answer``; a failure of either is the course's bug."""
    try:
        if is_not_attempted(answer):
            return NOT_ATTEMPTED
        reading = read(answer)
        if not reading.readable:
            return reading.verdict
        verdict = judge(reading.value)
        if not isinstance(verdict, str) or not verdict:
            raise TypeError(f"the checker returned {verdict!r} instead of a verdict")
        floated = written_as_float(reading.value)
        if verdict.startswith(CORRECT) and floated is not None:
            return whole_number_rule(floated)
        return verdict
    except Exception as error:  # the learner's exceptions became verdicts while reading
        if strict_checkers():
            raise CheckerError(
                f"{judge.__name__} failed on the answer {describe(answer)}: a bug in the "
                f"checker, not in the answer ({type(error).__name__}: {error})"
            ) from error
        return checker_failed_message(judge.__name__, error)
