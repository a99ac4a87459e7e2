"""Estimate each notebook's working time by reading it as a learner would.

The rule (the one docs/learning.md states): about 200 words a minute for the
prose, 12 seconds a line to read and run the code (comment and blank lines
not counted), 4 minutes an exercise (a visible cell that calls a checker),
and half a minute a figure. Collapsed solution cells are not counted, and
sections whose heading starts with "Going further" are counted apart: a
lecture can skip them. Times are rounded to 5 minutes.

    python tools/estimate_minutes.py            # every notebook of the course
    python tools/estimate_minutes.py notebooks/03_parameter_sharing.ipynb
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS_PER_MINUTE = 200
MINUTES_PER_CODE_LINE = 0.2
MINUTES_PER_EXERCISE = 4
MINUTES_PER_FIGURE = 0.5


def estimate(path: Path) -> tuple[float, float]:
    """Minutes for the core of the notebook and for its Going-further sections."""
    cells = json.loads(path.read_text())["cells"]
    minutes = {False: 0.0, True: 0.0}
    further = False
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and re.match(r"#+ ", source):
            further = "Going further" in source.splitlines()[0]
        if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
            continue  # a collapsed solution
        if cell["cell_type"] == "markdown":
            minutes[further] += len(source.split()) / WORDS_PER_MINUTE
            continue
        lines = [line for line in source.splitlines()
                 if line.strip() and not line.strip().startswith("#")]
        minutes[further] += MINUTES_PER_CODE_LINE * len(lines)
        if re.search(r"\bcheck_\w+\(", source):
            minutes[further] += MINUTES_PER_EXERCISE
        if "plot_" in source or "figure" in source:
            minutes[further] += MINUTES_PER_FIGURE
    return minutes[False], minutes[True]


def main(argv: list[str]) -> int:
    from course_utils import NOTEBOOKS

    paths = [Path(a) for a in argv] or [ROOT / "notebooks" / n.filename for n in NOTEBOOKS]
    for path in paths:
        core, further = estimate(path)
        text = f"{path.name:36} about {5 * round(core / 5):3} minutes"
        if further:
            text += f", plus about {5 * round(further / 5)} in Going-further sections"
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
