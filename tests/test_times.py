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

#: How far a stated time may be from the estimate: its rounding to 5 minutes.
TOLERANCE_MINUTES = 2.5


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
    assert core == pytest.approx(403 / 150)  # "## 1. Core" and 400 words
    # 405 words, two code lines (the comment not counted), one exercise; the solution not counted
    assert further == pytest.approx(405 / 150 + 2 * 0.2 + 4)


def test_a_write_it_costs_the_minutes_its_text_states(tmp_path):
    cells = [{"cell_type": "markdown", "metadata": {},
              "source": "### Write it\nWrite `f` (about 20\nminutes):"},
             {"cell_type": "code", "metadata": {}, "source": "def f(x):\n    raise NotImplementedError"},
             {"cell_type": "code", "metadata": {}, "source": "cu.check_output_size(f)"},
             {"cell_type": "markdown", "metadata": {}, "source": "Now a drill."},
             {"cell_type": "code", "metadata": {}, "source": "drill = cu.OutputSizeDrill()\ndrill.new()"},
             {"cell_type": "markdown", "metadata": {}, "source": "And one without a time."},
             {"cell_type": "code", "metadata": {}, "source": "cu.check_conv_single(g)"}]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    core, _ = estimate_minutes.estimate(path)
    words = 8 + 3 + 5
    code_lines = 2 + 1 + 2 + 1
    assert core == pytest.approx(words / 150 + 0.2 * code_lines + 20 + 5 + 15)


def test_the_rule_is_the_honest_one():
    """The review's rule: Write-its at their stated time, prose at about 150 words a minute."""
    assert estimate_minutes.WORDS_PER_MINUTE == 150
    assert set(estimate_minutes.WRITE_IT_CHECKERS) == {
        "check_output_size", "check_conv_single", "check_filter_gradient",
        "check_locally_connected", "check_count_model"}


def test_section_minutes_add_up_and_follow_the_costs():
    minutes = estimate_minutes.whole_minutes([0.4, 10.2, 30.0, 4.4], 60)
    assert sum(minutes) == 60 and min(minutes) >= 1
    assert minutes[2] == max(minutes) and minutes[0] == min(minutes) == 1
