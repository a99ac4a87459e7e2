"""Notebook 04's prose stands on its own numbers: every figure in a sentence is one it printed."""

import json
import re
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_locally_connected_faces.ipynb"

#: Numbers the prose quotes from the literature, not computed here, each with where from.
QUOTED = {
    "4.4": "DeepFace's 4.4 million training faces (Taigman et al., 2014)",
    "4,030": "DeepFace's 4,030 people (Taigman et al., 2014)",
    "62.7": "DeepFace L4's 62.7 million weights, printed exactly as 62,726,400",
}
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+\.\d+(?!\d)|\b\d{1,3}(?:,\d{3})+\b")


def cells():
    return json.loads(NOTEBOOK.read_text())["cells"]


def printed() -> str:
    """What the notebook shows from its code: sources, printed text, figure descriptions."""
    parts = []
    for cell in cells():
        if cell["cell_type"] != "code":
            continue
        parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            parts += ["".join(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


def test_every_number_in_the_prose_is_printed_by_the_notebook():
    shown = printed()
    missing = []
    for cell in cells():
        if cell["cell_type"] != "markdown":
            continue
        for number in NUMBER.findall("".join(cell["source"])):
            if number not in QUOTED and number not in shown and number.lstrip("+") not in shown:
                missing.append(number)
    assert missing == [], f"numbers in notebook 04's prose that it never prints: {missing}"


def test_the_headline_is_stated_at_the_top_and_in_the_summary():
    markdown = ["".join(cell["source"]) for cell in cells() if cell["cell_type"] == "markdown"]
    top = next(text for text in markdown if text.startswith("# 04"))
    summary = next(text for text in markdown if text.startswith("## Summary"))
    headline = re.findall(r"\*\*([-+][\d.]+ \[[-+][\d.]+, [-+][\d.]+\])\*\*", top)
    assert len(headline) == 2, top  # one result per readout, each with its interval
    for result in headline:
        assert result in summary.replace("\n  ", " "), result
        assert result in printed(), result
