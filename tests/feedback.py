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
