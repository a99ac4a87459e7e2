"""The stated times are the ones a learner's reading gives (tools/estimate_minutes.py)."""

import importlib.util
import json
from pathlib import Path

import pytest

from course_utils import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("estimate_minutes",
                                              ROOT / "tools" / "estimate_minutes.py")
estimate_minutes = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(estimate_minutes)

#: How far a stated time may be from the estimate before it needs a second look.
TOLERANCE_MINUTES = 10


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.filename)
def test_stated_time_is_near_the_reading_estimate(notebook):
    core, _ = estimate_minutes.estimate(ROOT / "notebooks" / notebook.filename)
    assert abs(notebook.minutes - core) <= TOLERANCE_MINUTES, (
        f"{notebook.filename} states {notebook.minutes} minutes, but reading it takes about "
        f"{core:.0f}: update course.NOTEBOOKS, the notebook, the README and docs/teaching.md")


def test_the_estimate_counts_going_further_apart(tmp_path):
    words = " ".join(["word"] * 400)  # 2 minutes of prose
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "## 1. Core\n" + words},
             {"cell_type": "markdown", "metadata": {},
              "source": "## 2. Going further: more\n" + words},
             {"cell_type": "code", "metadata": {}, "source": "x = 1\ncu.check_x(x)\n# a comment"},
             {"cell_type": "code", "metadata": {"jupyter": {"source_hidden": True}},
              "source": "# Solution\nx = 1\ncu.check_x(x)"}]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    core, further = estimate_minutes.estimate(path)
    assert core == pytest.approx(403 / 200)  # "## 1. Core" and 400 words
    # 405 words, two code lines (the comment not counted), one exercise; the solution not counted
    assert further == pytest.approx(405 / 200 + 2 * 0.2 + 4)
