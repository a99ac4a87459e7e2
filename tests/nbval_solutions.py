"""A pytest plugin for nbval: a solution cell must print "Correct", not match a saved output.

The committed notebooks keep no output of a solution cell (tagged
``solution``; see tools/execute_notebooks.py), because GitHub, VS Code and
Colab show collapsed cells open and a verdict such as "Correct! ... = 22"
gives the answer away. nbval still runs every solution cell; this plugin
replaces its comparison with the (empty) saved output by a check that every
verdict the cell printed says the solution is right. The project's
conftest.py loads it; a run outside the project adds ``-p nbval_solutions``
with this folder on PYTHONPATH.
"""

from __future__ import annotations

import functools

#: Tag of a solution cell.
SOLUTION_TAG = "solution"


def solution_verdicts_pass(item, test_outputs, reference_outputs, skip_compare=None) -> bool:
    """nbval's comparison for a solution cell: it printed "Correct" verdicts and no other."""
    from course_utils.exercises.verdict import CHECKER_FAILED, CORRECT, NOT_ATTEMPTED, NOT_QUITE

    text = "".join(o.get("text", "") for o in test_outputs if o.get("output_type") == "stream")
    problems = []
    if reference_outputs:
        problems.append("the notebook keeps outputs of a solution cell: run make execute")
    if CORRECT not in text:
        problems.append(f"the solution printed no 'Correct' verdict: {text[:500]}")
    for bad in (NOT_QUITE, NOT_ATTEMPTED[:1], CHECKER_FAILED):
        if bad in text:
            problems.append(f"the solution printed {bad!r}: {text[:500]}")
    item.comparison_traceback = problems
    return not problems


def judge_solution_cells(items) -> None:
    """Give every nbval cell item of a solution cell the comparison above."""
    for item in items:
        cell = getattr(item, "cell", None)
        if type(item).__name__ == "IPyNbCell" and cell is not None \
                and SOLUTION_TAG in cell.metadata.get("tags", []):
            item.compare_outputs = functools.partial(solution_verdicts_pass, item)


def pytest_collection_modifyitems(items):
    judge_solution_cells(items)
