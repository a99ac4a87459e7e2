"""The verdict framework every Try-it checker is built on.

A checker takes whatever the learner typed and prints one verdict: correct,
not quite (with a hint), or not attempted yet. It never raises on a
learner's answer, whatever its type.
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

# The framework is shared by the checker modules, not part of the course's API.
__all__: list[str] = []

CORRECT = "✔ Correct!"
NOT_QUITE = "✘ Not quite."
NOT_ATTEMPTED = "… Not attempted yet: replace None with your answer and run the cell again."


def _print_feedback(checker: Callable[[object], str]) -> Callable[[object], None]:
    """Run ``checker`` and print its verdict; report a crash as feedback, not a traceback."""

    def run(answer: object = None, *more: object) -> None:
        if more:
            print(f"{NOT_QUITE} Give one answer (a number, or one list); you gave {1 + len(more)}.")
            return
        try:
            print(checker(answer))
        except Exception as error:  # a checker must never fail on a learner's answer
            print(
                f"Sorry, the checker could not read this answer ({type(error).__name__}: "
                f"{error}). Please write it as the exercise asks: a number, or a list of numbers."
            )

    run.__name__ = checker.__name__
    run.__doc__ = checker.__doc__
    return run


def _whole_number(answer: object) -> tuple[int | None, str | None]:
    """Read a whole number from an answer, or explain why it is not one.

    Returns ``(value, None)`` on success, ``(None, message)`` otherwise.
    """
    if answer is None or answer is Ellipsis:
        return None, NOT_ATTEMPTED
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()  # e.g. the result of (window * kernel).sum() on an array
    if isinstance(answer, bool):
        return None, f"{NOT_QUITE} You wrote {answer}, a yes/no value; the answer is a number."
    if isinstance(answer, numbers.Integral):
        return int(answer), None
    if isinstance(answer, numbers.Real):
        if float(answer).is_integer():
            return int(answer), None
        return None, (
            f"{NOT_QUITE} You wrote {answer}, which is not a whole number; the answer "
            "counts whole things (cells, weights or parameters)."
        )
    if isinstance(answer, str):
        stripped = answer.strip()
        if stripped.lstrip("-").isdigit():
            return None, (
                f"{NOT_QUITE} You wrote the text {answer!r}; write the number without quotes, "
                f"e.g. answer = {stripped}"
            )
        return None, f"{NOT_QUITE} The answer is a number, not the text {answer!r}."
    return None, (
        f"{NOT_QUITE} The answer is a single whole number, "
        f"but you gave a {type(answer).__name__}: {answer!r}"
    )


def _add_hint(hints: dict[int, str], value: int, text: str) -> None:
    """Attach a hint to a wrong answer; two slips that give one number share it."""
    hints[value] = f"{hints[value]} Or: {text}" if value in hints else text


def _integer_verdict(answer: object, expected: int, hints: dict[int, str], explain: str) -> str:
    value, problem = _whole_number(answer)
    if problem is not None:
        return problem
    if value == expected:
        return f"{CORRECT} {explain}"
    hint = hints.get(
        value, "write the rule from the notebook out with the numbers put in, one step at a time."
    )
    return f"{NOT_QUITE} {value} is not it. Hint: {hint}"


FILTER_FALLBACK = ("count one filter first (its height x width x input channels), then how "
                   "many filters the layer has.")


def _count_verdict(answer: object, expected: int, hints: dict[int, str], explain: str,
                   fallback: str = FILTER_FALLBACK) -> str:
    """Like ``_integer_verdict``, for answers that count weights or parameters.

    ``fallback`` is the hint for a wrong answer that no specific hint explains.
    """
    value, problem = _whole_number(answer)
    if problem is None and value < 0:
        return f"{NOT_QUITE} {value} is negative, but a layer cannot have fewer than 0 parameters."
    if problem is None and value != expected:
        hint = hints.get(value, fallback)
        return f"{NOT_QUITE} {value:,} is not it. Hint: {hint}"
    return _integer_verdict(answer, expected, hints, explain)
