"""Write-it checkers: run the learner's function on many cases and name the mistake.

A Write-it exercise is described by a :class:`WriteIt`: the function's name
and arguments, the right answer (computed with ``course_utils``), the cases
(hand-picked first, then seeded random ones) and the known wrong versions
(:class:`Mistake`), each a real implementation of one slip with its hint.

The checker calls the learner's function on every case through
:func:`~course_utils.exercises.runner.call_learner_function` (time limit,
captured prints, their own line when it raises), on copies of the inputs,
checks that the inputs were not changed, and judges each result. On a
failure it shows the smallest failing case (inputs, expected, theirs) and
the hint of the wrong version that gives exactly their results: a hint, not
the answer. Everything outside the learner's calls is the course's code, so
a bug there raises under the tests (see :mod:`~course_utils.exercises.verdict`).
"""

from __future__ import annotations

import copy
import numbers
import sys
import time
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from ..nn.specs import LayerSpec
from .runner import TIME_LIMIT, InputCalled, Outcome, call_learner_function
from .verdict import (
    CORRECT,
    NOT_QUITE,
    WHOLE_NUMBER_RULE,
    Reading,
    checker,
    describe,
    run_learner_code,
)

__all__: list[str] = []  # the checkers' building blocks, not part of course_utils' API

#: Seconds of checking after which no further case is started.
TOTAL_BUDGET = 20.0
#: A correct function slower than this in all gets a note with its time.
SLOW = 2.0


def not_attempted_function(name: str) -> str:
    """The verdict for a template that still raises NotImplementedError."""
    return (f"… Not attempted yet: write the body of {name} (replace the line "
            "raise NotImplementedError), run that cell, then run this one again.")


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: its arguments and a label."""

    args: tuple
    label: str
    #: How big the case is, to show the smallest failing one.
    size: float = 0.0


@dataclass(frozen=True)
class Raises:
    """The right answer for a case is an exception of this type (e.g. no window fits)."""

    kind: type[BaseException]
    message: str


@dataclass(frozen=True)
class Mistake:
    """A known wrong version of the function and the hint for it.

    ``version`` takes the same arguments as the exercise's function and
    returns what a function with this slip returns (it may return a
    :class:`Raises`). With ``shape_only``, an array result matches when its
    shape is the wrong version's (the values cannot be predicted), and only
    when that shape differs from the right one: a right-shaped result says
    nothing about a slip that shows in the shape alone.

    ``knobs`` (optional) describe the slip as settings of the exercise's
    :attr:`WriteIt.wrong`, so that two slips made together can be recognised
    (their knobs merged). ``detail`` (optional) takes a case's arguments and
    says where this slip shows in that case (which layer, which size).
    """

    name: str
    version: Callable[..., object]
    hint: str
    shape_only: bool = False
    knobs: dict | None = None
    detail: Callable[..., str] | None = None


@dataclass
class Failure:
    """A case the learner's function got wrong."""

    case: Case
    expected: object
    outcome: Outcome
    problem: str
    #: The learner's result, read (an int, an array, ...); None if there is none.
    result: object = None
    mutated: str = ""
    mutated_type: type | None = None
    #: The case's place in the exercise's list (hand-picked cases come first).
    order: int = 0


@dataclass(frozen=True)
class WriteIt:
    """A Write-it exercise: everything its checker needs.

    Attributes
    ----------
    name : str
        The function the learner writes, e.g. ``"output_size"``.
    arg_names : tuple of str
        Its arguments, to show a failing case as a call.
    solution : callable
        The right answer, from ``course_utils``; may return :class:`Raises`.
    cases : callable
        Returns the list of :class:`Case`, hand-picked first (deterministic).
    mistakes : sequence of Mistake
    kind : str
        ``"size"`` (a whole number), ``"array"`` or ``"counts"`` (a pair of whole numbers).
    explain : str
        Said after "Correct!": what the function now does.
    wrong : callable, optional
        ``wrong(**knobs)`` returns a wrong version with those slips; two
        mistakes whose knobs do not clash make one version together.
    course_answers : tuple of str
        Names of the ``course_utils`` functions that compute the whole answer
        (``conv2d`` for a loop convolution): a function that calls one is not
        the learner's own work, and the checker says so.
    """

    name: str
    arg_names: tuple[str, ...]
    solution: Callable[..., object]
    cases: Callable[[], list[Case]]
    mistakes: Sequence[Mistake]
    kind: str
    explain: str
    time_limit: float = TIME_LIMIT
    notes: dict = field(default_factory=dict)
    wrong: Callable[..., Callable[..., object]] | None = None
    course_answers: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# Reading the learner's function and its results
# --------------------------------------------------------------------------


def read_function(answer: object) -> Reading[Callable[..., object]]:
    """The learner's function itself, or the verdict for something else (its result, text...)."""
    if callable(answer):
        return Reading.of(answer)
    return Reading.refused(
        f"{NOT_QUITE} Give the function itself, without brackets after its name: e.g. "
        f"check_xxx(my_function), not check_xxx(my_function(...)). You gave "
        f"{describe(answer)}, which is not a function.")


def _read_size(value: object) -> tuple[object, str]:
    """A whole number a function returned, or the problem with it."""
    if value is None:
        return None, "it returned None: is there a return statement at the end?"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool):
        return None, f"it returned {value}, a yes/no value, not a size."
    if isinstance(value, numbers.Integral):
        whole = run_learner_code(partial(int, value), "while it was read as a whole number")
        return (whole.value, "") if whole.readable else (None, whole.verdict)
    if isinstance(value, (float, np.floating)):
        return float(value), ""  # judged below: a float is never a size (WHOLE_NUMBER_RULE)
    return None, f"it returned {describe(value)}, a {type(value).__name__}, not a whole number."


def _read_array(value: object) -> tuple[object, str]:
    """An array a function returned (a list of lists is fine), or the problem with it."""
    if value is None:
        return None, "it returned None: is there a return statement at the end?"
    if not isinstance(value, (np.ndarray, list, tuple)):
        return None, (f"it returned {describe(value)}, a {type(value).__name__}; return a "
                      "NumPy array.")
    read = run_learner_code(partial(np.asarray, value), "while it was read as an array")
    if not read.readable:
        return None, "its result is not a grid of numbers (rows of different lengths?)."
    array = read.value
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number)
                                     or array.dtype == bool):
        return None, f"its result holds {array.dtype} values, not numbers."
    return array, ""


def _read_counts(value: object) -> tuple[object, str]:
    """A (parameters, multiply_adds) pair a function returned, or the problem with it."""
    if value is None:
        return None, "it returned None: is there a return statement at the end?"
    if isinstance(value, np.ndarray):
        return None, (f"it returned a NumPy array, {describe(value)}, not a pair of whole "
                      "numbers: return them as two ints, e.g. return int(p), int(m) "
                      "(p and m being your parameter and multiply-add counts).")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None, (f"it returned {describe(value)}; return two whole numbers: "
                      "(parameters, multiply_adds).")
    numbers_read = []
    for item in value:
        number, problem = _read_size(item)
        if problem:
            return None, f"in the pair it returned, {problem}"
        if isinstance(number, float):
            written = describe(item)
            whole = str(int(number)) if number.is_integer() else "22"
            return None, (f"it returned {describe(value)}: "
                          + WHOLE_NUMBER_RULE.format(whole=whole, written=written))
        numbers_read.append(number)
    return tuple(numbers_read), ""


_READERS = {"size": _read_size, "array": _read_array, "counts": _read_counts}


# --------------------------------------------------------------------------
# Judging one result
# --------------------------------------------------------------------------


def _same(kind: str, result: object, expected: object) -> bool:
    """True when a read result equals the expected one (exact for whole numbers)."""
    if isinstance(expected, Raises) or result is None:
        return False
    if kind == "array":
        expected = np.asarray(expected)
        return (isinstance(result, np.ndarray) and result.shape == expected.shape
                and bool(np.allclose(result, expected, rtol=1e-7, atol=1e-9)))
    if kind == "size":
        return type(result) is int and result == expected
    return result == expected


def _matches(kind: str, result: object, wrong: object, shape_only: bool,
             expected: object = None) -> bool:
    """True when a learner's result is what a wrong version gives.

    A shape-only slip matches only a result whose shape differs from the
    ``expected`` one: at stride 1 the ceil's shape is the right shape, and a
    right-shaped result with wrong values is some other slip.
    """
    if result is None or isinstance(wrong, Raises):
        return False
    if kind == "array":
        wrong = np.asarray(wrong)
        if not isinstance(result, np.ndarray) or result.shape != wrong.shape:
            return False
        if shape_only:
            return expected is not None and not isinstance(expected, Raises) \
                and result.shape != np.asarray(expected).shape
        if result.dtype.kind not in "biuf" or not np.isfinite(result).all():
            return False
        return bool(np.allclose(result, wrong, rtol=1e-7, atol=1e-9))
    if kind == "size":
        return isinstance(result, (int, float)) and result == wrong and type(result) is type(wrong)
    return result == wrong


def _problem(kind: str, result: object, expected: object) -> str:
    """What is wrong with a (read) result, in a few words, for the failing case."""
    if kind == "array":
        expected = np.asarray(expected)
        if result.shape != expected.shape:
            if result.shape == expected.shape[::-1] and np.allclose(result, expected.T):
                return "its result is transposed."
            return f"its result has shape {result.shape}, but the right one has {expected.shape}."
        if np.isnan(result).any():
            where = tuple(int(i) for i in np.argwhere(np.isnan(result))[0])
            return (f"its result has NaN (not a number) at {where}: a value was never "
                    "computed (np.empty?) or came from 0/0.")
        wrong = np.argwhere(~np.isclose(result, expected, rtol=1e-7, atol=1e-9))
        first = tuple(int(i) for i in wrong[0])
        return (f"{len(wrong)} of its {result.size} values are wrong, the first at "
                f"{first}.")
    if kind == "size" and isinstance(result, float):
        if result == expected:
            return (f"it returned the float {result!r}: the value is right, but "
                    + WHOLE_NUMBER_RULE.format(whole=int(result), written=repr(result)))
        return f"it returned {result!r}, which is not a whole number of cells."
    if kind == "size" and type(result) is int and isinstance(expected, int):
        off = result - expected
        return f"it is {abs(off)} too {'many' if off > 0 else 'few'}."
    if kind == "counts":
        names = ("parameter count", "multiply-add count")
        which = [name for name, mine, right in zip(names, result, expected) if mine != right]
        return f"the {' and the '.join(which)} {'are' if len(which) > 1 else 'is'} not right."
    return "its result is not the right one."


def _show(value: object, indent: int = 15) -> str:
    """A value as a failing case shows it: arrays in full when small, whole floats as ints."""
    if isinstance(value, Raises):
        return f"raise {value.kind.__name__} ({value.message})"
    if isinstance(value, np.ndarray):
        shown = value
        if shown.dtype.kind == "f" and np.isfinite(shown).all() \
                and (shown == np.round(shown)).all():
            shown = shown.astype(np.int64)
        if shown.size > 64:
            return f"an array of shape {shown.shape}"
        text = np.array2string(shown, separator=", ", max_line_width=70)
        return text.replace("\n", "\n" + " " * indent)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, LayerSpec) for v in value):
        return "[" + ", ".join(v.describe() for v in value) + "]"
    if isinstance(value, tuple) and value and all(type(v) is int for v in value):
        return "(" + ", ".join(f"{v:,}" for v in value) + ")"
    return describe(value)


def _call_text(exercise: WriteIt, case: Case) -> str:
    parts = []
    for name, value in zip(exercise.arg_names, case.args):
        shown = _show(value, 5 + len(name))
        parts.append(f"{name}={shown}" if "\n" not in shown else f"\n    {name}={shown}")
    return f"{exercise.name}({', '.join(parts)})".replace(", \n", ",\n")


# --------------------------------------------------------------------------
# Running every case
# --------------------------------------------------------------------------


def _changed(pristine: object, given: object) -> bool:
    if isinstance(pristine, np.ndarray):
        return not (isinstance(given, np.ndarray) and given.shape == pristine.shape
                    and np.array_equal(given, pristine, equal_nan=True))
    if isinstance(pristine, list):
        return given != pristine
    return False


def run_cases(exercise: WriteIt, function: Callable[..., object]) -> str:
    """Run the learner's function on every case and return the verdict."""
    read = _READERS[exercise.kind]
    failures: list[Failure] = []
    ran, slowest, started = 0, (0.0, None), time.perf_counter()
    printed_lines, printed_sample = 0, ""
    cases = exercise.cases()
    for order, case in enumerate(cases):
        if time.perf_counter() - started > TOTAL_BUDGET and ran:
            break
        expected = exercise.solution(*copy.deepcopy(case.args))
        given = copy.deepcopy(case.args)
        outcome = call_learner_function(function, given, exercise.time_limit)
        ran += 1
        printed_lines += outcome.printed_lines
        printed_sample = printed_sample or outcome.printed.strip()
        if outcome.seconds > slowest[0]:
            slowest = (outcome.seconds, case)
        if outcome.interrupted:
            return (f"{NOT_QUITE} You interrupted the check while {exercise.name} was running "
                    f"({_call_text(exercise, case)}). Run the cell again when you are ready.")
        if outcome.timed_out:
            return _time_out(exercise, case, outcome)
        if outcome.error is not None:
            if isinstance(outcome.error, NotImplementedError) and ran == 1:
                return not_attempted_function(exercise.name)
            if isinstance(expected, Raises) and isinstance(outcome.error, expected.kind):
                continue  # it raised as it should (e.g. no window fits)
            failures.append(Failure(case, expected, outcome, _raised(outcome, expected),
                                    order=order))
            continue
        mutated = [name for name, before, after in zip(exercise.arg_names, case.args, given)
                   if _changed(before, after)]
        result, problem = read(outcome.value)
        if not problem and isinstance(expected, Raises):
            problem = (f"it returned {describe(outcome.value)}, but here {expected.message}: "
                       f"it should raise {expected.kind.__name__}.")
        elif not problem and not _same(exercise.kind, result, expected):
            problem = _problem(exercise.kind, result, expected)
        if problem or mutated:
            failure = Failure(case, expected, outcome, problem, result, order=order)
            if mutated:
                failure.mutated = mutated[0]
                failure.mutated_type = type(case.args[exercise.arg_names.index(mutated[0])])
            failures.append(failure)
    seconds = time.perf_counter() - started
    notes = _notes(exercise, printed_lines, printed_sample, seconds, slowest, ran)
    if not failures:
        skipped = len(cases) - ran
        if skipped:
            return (f"{NOT_QUITE} {exercise.name} was right on the {ran} cases it had time "
                    f"for, but it is too slow to finish the other {skipped}.{notes}")
        borrowed = calls_course_answer(function, exercise.course_answers)
        if borrowed:
            return (f"{NOT_QUITE} {exercise.name} gives the right result on all {ran} cases, "
                    f"but only because it calls the course's own {borrowed}, which is the "
                    "answer this exercise asks you to write. Write it yourself, without "
                    f"{borrowed}: the loops are the point. (Calling {borrowed} is how you "
                    f"would do it in practice, and a fine way to test your own version.){notes}")
        return f"{CORRECT} {exercise.name} gives the right result on all {ran} cases " \
               f"({_hand_picked(cases)}). {exercise.explain}{notes}"
    return _failed(exercise, failures, ran) + notes


def _hand_picked(cases: list[Case]) -> str:
    picked = sum(1 for c in cases if not c.label.startswith("random"))
    return f"{picked} hand-picked, {len(cases) - picked} random"


#: How deep :func:`calls_course_answer` follows the learner's own helper functions.
HELPER_DEPTH = 3


def calls_course_answer(function: Callable[..., object], names: tuple[str, ...]) -> str:
    """The course function among ``names`` that the learner's function calls, or "".

    Read from the function's code, not by running it: the global names it uses
    (``conv2d`` after ``from course_utils import conv2d``) and the attributes it
    reads of a ``course_utils`` module (``cu.conv2d``), following the helper
    functions it calls (its own, from the same notebook) a few levels deep.
    """
    if not names:
        return ""
    package = sys.modules[__name__.split(".")[0]]  # course_utils, imported by now
    answers = {id(getattr(package, name)): name for name in names if hasattr(package, name)}
    seen: set[int] = set()

    def look(candidate: object, depth: int) -> str:
        code = getattr(candidate, "__code__", None)
        if not isinstance(code, types.CodeType) or id(code) in seen or depth > HELPER_DEPTH:
            return ""
        seen.add(id(code))
        scope = dict(getattr(candidate, "__globals__", {}) or {})
        for cell in getattr(candidate, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            scope[f"<closure {id(cell)}>"] = value
        used = set(_names_in(code))
        modules = [v for v in scope.values() if isinstance(v, types.ModuleType)
                   and (v.__name__ == "course_utils" or v.__name__.startswith("course_utils."))]
        for name in sorted(used):
            value = scope.get(name)
            if id(value) in answers and value is not None:
                return answers[id(value)]
            for module in modules:
                if id(getattr(module, name, None)) in answers and getattr(module, name, None):
                    return answers[id(getattr(module, name))]
        helpers = [scope[n] for n in sorted(used) if isinstance(scope.get(n), types.FunctionType)]
        helpers += [v for k, v in scope.items() if k.startswith("<closure")
                    and isinstance(v, types.FunctionType)]
        for helper in helpers:
            if getattr(helper, "__module__", "").startswith("course_utils"):
                continue
            found = look(helper, depth + 1)
            if found:
                return found
        return ""

    return look(function, 0)


def _names_in(code: types.CodeType) -> list[str]:
    """Every global and attribute name a code object and the code nested in it use."""
    names = list(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names += _names_in(constant)
    return names


def _raised(outcome: Outcome, expected: object) -> str:
    error = outcome.error
    name = type(error).__name__
    message = run_learner_code(partial(str, error), "")
    text = message.value if message.readable and isinstance(message.value, str) else ""
    text = text if len(text) <= 200 else text[:200] + "..."
    where = f"\n    {outcome.where}" if outcome.where else ""
    if isinstance(error, SystemExit):
        return f"it called exit() ({name}); return the result instead.{where}"
    if isinstance(error, InputCalled):
        return ("it called input(), which waits for someone to type: during a check nobody "
                "does. The checker gives your function its values as arguments; use those, "
                f"and take the input() line out.{where}")
    if isinstance(expected, Raises):
        return (f"it raised {name}: {text}{where}\n  Here {expected.message}: raise "
                f"{expected.kind.__name__} instead.")
    return f"it raised {name}: {text}{where}"


def _time_out(exercise: WriteIt, case: Case, outcome: Outcome) -> str:
    if outcome.still_running:
        # Stopping works between two Python steps; a call into C (time.sleep, waiting on a
        # file or the network, a huge NumPy operation) never reaches the next step in time.
        return (f"{NOT_QUITE} {exercise.name} was still running after "
                f"{exercise.time_limit:g} seconds on {_call_text(exercise, case)}, stuck "
                "inside a single call that Python cannot interrupt (time.sleep(), waiting for "
                "a file or the network, or one enormous NumPy operation): the checker asked "
                "it to stop, but it cannot stop until that call returns. It keeps running in "
                "the background meanwhile. What to do: take that call out of the function "
                "(a checked function needs no sleep and no waiting), run its cell, then this "
                "one; if the notebook stays slow or busy, restart the kernel "
                "(Kernel → Restart Kernel) and run the cells above again.")
    return (f"{NOT_QUITE} {exercise.name} was still running after {exercise.time_limit:g} "
            f"seconds on {_call_text(exercise, case)}, so the checker stopped it. "
            "Is there a loop that never ends (a while loop whose condition stays true, a "
            "counter that is never increased)? Your kernel is still working: fix the "
            "function, run its cell, then this one.")


def _notes(exercise: WriteIt, lines: int, sample: str, seconds: float,
           slowest: tuple[float, Case | None], ran: int) -> str:
    notes = ""
    if lines:
        first = sample.splitlines()[0] if sample else ""
        first = first if len(first) <= 60 else first[:60] + "..."
        notes += (f"\n(It printed {lines} line{'s' if lines != 1 else ''} while it was "
                  f"checked, the checker hid them; the first: {first!r}. Printing is fine "
                  "for finding a bug, but the checker only sees what the function returns.)")
    if seconds > SLOW:
        notes += (f"\n(It took {seconds:.1f} s for {ran} cases; the slowest, "
                  f"{_call_text(exercise, slowest[1]) if slowest[1] else ''}, took "
                  f"{slowest[0]:.2f} s. Loops in Python are slow; that is fine here.)")
    return notes


@dataclass(frozen=True)
class Diagnosis:
    """The slips that explain the learner's results: one, two made together, or two apart."""

    mistakes: tuple[Mistake, ...]
    #: "one", "together" (both slips in every failing case) or "apart" (each explains some).
    how: str = "one"
    #: False when the slips explain only some failing cases (the shown one among them).
    complete: bool = True


def _agrees(exercise: WriteIt, version: Callable[..., object], failure: Failure,
            shape_only: bool = False) -> bool:
    wrong = version(*copy.deepcopy(failure.case.args))
    return _matches(exercise.kind, failure.result, wrong, shape_only, failure.expected)


def _together(exercise: WriteIt, first: Mistake, second: Mistake) -> Callable[..., object] | None:
    """The wrong version with both slips, when the exercise can make one."""
    if exercise.wrong is None or first.knobs is None or second.knobs is None:
        return None
    if set(first.knobs) & set(second.knobs):
        return None  # two settings of the same knob cannot both hold
    return exercise.wrong(**first.knobs, **second.knobs)


def _diagnose(exercise: WriteIt, failures: list[Failure], shown: Failure) -> Diagnosis | None:
    """The known slips that give the learner's results on the failing cases.

    In order: one slip that explains every failing case; two slips made together
    that do; two slips that each explain some of the cases and together all; and
    last, the slip that explains the most cases, the shown one among them.
    """
    answered = [f for f in failures if f.result is not None and not f.mutated]
    if not answered:
        return None
    explains = {m.name: {i for i, f in enumerate(answered)
                         if _agrees(exercise, m.version, f, m.shape_only)}
                for m in exercise.mistakes}
    everything = set(range(len(answered)))
    for mistake in exercise.mistakes:
        if explains[mistake.name] == everything:
            return Diagnosis((mistake,))
    pairs = [(a, b) for i, a in enumerate(exercise.mistakes)
             for b in exercise.mistakes[i + 1:]]
    for first, second in pairs:
        both = _together(exercise, first, second)
        if both is not None and all(_agrees(exercise, both, f) for f in answered):
            return Diagnosis((first, second), "together")
    for first, second in pairs:
        if explains[first.name] and explains[second.name] \
                and explains[first.name] | explains[second.name] == everything:
            return Diagnosis((first, second), "apart")
    at = next((i for i, f in enumerate(answered) if f is shown), None)
    if at is None:
        return None
    best = max((m for m in exercise.mistakes if at in explains[m.name]),
               key=lambda m: len(explains[m.name]), default=None)
    return Diagnosis((best,), complete=False) if best is not None else None


def _shown_case(failures: list[Failure]) -> Failure:
    """The failing case to show: the first hand-picked one (the 5x5 grid, AlexNet...) if
    any failed, for a learner knows those; otherwise the smallest random one."""
    familiar = [f for f in failures if not f.case.label.startswith("random")]
    if familiar:
        return min(familiar, key=lambda f: f.order)
    return min(failures, key=lambda f: f.case.size)


def _mutation_advice(exercise: WriteIt, failure: Failure) -> str:
    name = failure.mutated
    if failure.mutated_type is list:
        return (f"{NOT_QUITE} {exercise.name} changed its argument {name}, a list, in place, "
                f"on {_call_text(exercise, failure.case)}. The caller's list must stay as it "
                f"was: read it with a loop (for item in {name}: ...) instead of taking items "
                f"out of it ({name}.pop(), {name}.remove(), del {name}[0]) or adding to it; "
                f"if you need a list to change, change a copy: list({name}).")
    return (f"{NOT_QUITE} {exercise.name} changed its argument {name} in place, on "
            f"{_call_text(exercise, failure.case)}. The caller's array {name} must stay as "
            f"it was: write into a new array ({name}.copy(), np.zeros or np.pad make one) "
            f"instead of assigning into {name} (e.g. {name}[...] = ...), or adding to it "
            f"with +=, *=.")


def _failed(exercise: WriteIt, failures: list[Failure], ran: int) -> str:
    mutated = next((f for f in failures if f.mutated), None)
    if mutated is not None:
        return _mutation_advice(exercise, mutated)
    shown = _shown_case(failures)
    diagnosis = _diagnose(exercise, failures, shown)
    which = ("familiar" if not shown.case.label.startswith("random")
             else "smallest")
    lines = [f"{NOT_QUITE} {exercise.name} is wrong on {len(failures)} of the {ran} cases "
             f"tried. The {which} failing case ({shown.case.label}):",
             f"  {_call_text(exercise, shown.case)}",
             f"  should give: {_show(shown.expected)}"]
    if shown.outcome.error is None and shown.result is not None:
        lines.append(f"  yours gives: {_show(shown.result)}")
    lines.append(f"  That is, {shown.problem}")
    if diagnosis is not None:
        lines += _hint_lines(exercise, diagnosis, shown)
    return "\n".join(lines)


def _hint_lines(exercise: WriteIt, diagnosis: Diagnosis, shown: Failure) -> list[str]:
    def detail(mistake: Mistake) -> list[str]:
        if mistake.detail is None:
            return []
        return [f"  Where it shows: {mistake.detail(*copy.deepcopy(shown.case.args))}"]

    if len(diagnosis.mistakes) == 1:
        mistake = diagnosis.mistakes[0]
        lines = [f"Hint ({mistake.name}): {mistake.hint}", *detail(mistake)]
        if not diagnosis.complete:
            lines.append("  (That slip explains this case, not every failing one: there may "
                         "be a second slip; fix this one first and check again.)")
        return lines
    first, second = diagnosis.mistakes
    how = ("both at once, on every failing case" if diagnosis.how == "together"
           else "each on some of the failing cases")
    return [f"Two slips ({first.name}; {second.name}), {how}. Fix the first, then the "
            "second:",
            f"Hint ({first.name}): {first.hint}", *detail(first),
            f"Hint ({second.name}): {second.hint}", *detail(second)]


def write_it_checker(exercise: WriteIt) -> Callable[[Callable[[Callable[..., object]], str]],
                                                   Callable[..., None]]:
    """Make ``check_xxx(function)`` for a Write-it exercise.

    The decorated function is only a name and a docstring: its body is not used.
    """

    def decorate(stub: Callable[..., object]) -> Callable[..., None]:
        def judge(function: Callable[..., object]) -> str:
            return run_cases(exercise, function)

        judge.__name__ = stub.__name__
        judge.__qualname__ = stub.__qualname__
        judge.__doc__ = stub.__doc__
        judge.__module__ = stub.__module__
        check = checker(read=read_function)(judge)
        check.exercise = exercise  # type: ignore[attr-defined]  # for tests
        return check

    return decorate


def small_ints(rng: np.random.Generator, shape: tuple[int, ...], low: int = -3,
               high: int = 3) -> np.ndarray:
    """Random whole numbers as floats: exact sums, and easy to read in a failing case."""
    return rng.integers(low, high + 1, size=shape).astype(np.float64)
