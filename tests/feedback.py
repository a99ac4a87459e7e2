"""What every test of an exercise checker reads: the one verdict it printed."""

from course_utils.exercises.verdict import CHECKER_FAILED


def verdict(capsys, checker, answer) -> str:
    """Run ``checker(answer)`` and return what it printed, checking that it behaved."""
    result = checker(answer)
    assert result is None  # nothing extra printed as the cell's value
    out = capsys.readouterr().out.strip()
    assert out, "a checker must always print feedback"
    assert "Traceback" not in out
    # Under the tests a checker's bug raises; its apology must never be a verdict.
    assert CHECKER_FAILED not in out
    return out


def _integral(answer) -> bool:
    import numbers

    import numpy as np

    if isinstance(answer, np.ndarray):
        return answer.dtype.kind in "biu"
    if isinstance(answer, (list, tuple, set, frozenset)):
        return all(_integral(item) for item in answer)
    return isinstance(answer, numbers.Integral)


def is_right_verdict(out: str, answer) -> bool:
    """True when ``out`` is the verdict on a right answer: "Correct!" for ints, and the
    course's one rule for whole numbers written as floats (22.0): the value is right, but
    sizes and counts are written as ints."""
    from course_utils.exercises.verdict import CORRECT, NOT_QUITE

    if _integral(answer):
        return out.startswith(CORRECT)
    return (out.startswith(f"{NOT_QUITE} The value is right, but you wrote")
            and "written as an int" in out and "Try it and Write it" in out)
