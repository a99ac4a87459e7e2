"""A pytest plugin for nbval: every cell prints the same text as in the committed run.

A notebook executed twice in fresh kernels must print the same text; seeds
are what make this hold, and an unseeded generator or a dict order that
changes would break it. The two executions compared are the committed one
(`make execute`, in a fresh kernel) and nbval's own (a fresh kernel again),
so no notebook is run a third time for this check.

nbval already compares most outputs with the committed ones. This plugin
adds, after each cell nbval runs, a comparison that is stricter where nbval
looks away: cells tagged ``nbval-ignore-output`` (widget cells are compared
in full; in the few that measure wall-clock time, their first line says so,
only the numbers and the spaces that align them may differ, not their words,
row labels or number of outputs), and every text type - printed text,
plain-text, HTML, Markdown, LaTeX values - and errors. Solution cells keep
no committed output (tests/nbval_solutions.py judges them instead).

Only nbval's sanitizer patterns (tests/nbval_sanitize.cfg) are applied to
both sides: what they mask (memory addresses, BLAS rounding in the last
digits of a relative error, PNG pixels) may differ from one machine to the
next, and the committed run was made on another machine than CI's.
The project's conftest.py loads this plugin; a run outside the project adds
``-p nbval_determinism`` with this folder on PYTHONPATH.
"""

from __future__ import annotations

import difflib
import functools
import re

#: Every text type a cell can show; images and widget models are not text.
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex")
#: Tag of a cell nbval does not compare; tag of a solution cell.
IGNORE_TAG, SOLUTION_TAG = "nbval-ignore-output", "solution"


def measures_time(cell) -> bool:
    """A cell that measures wall-clock time: tagged for nbval, and its first line says so."""
    return (IGNORE_TAG in cell.metadata.get("tags", [])
            and "wall-clock" in cell.source.splitlines()[0])


def cell_text(outputs, measured: bool = False, sanitize=lambda text: text) -> str:
    """Everything a code cell showed as text, in order, as one string.

    Streams of the same name are joined first (the kernel may split a print
    across messages). In a cell that ``measured`` time, every number becomes
    ``#`` and runs of spaces one space.
    """
    import nbformat
    from nbval.plugin import coalesce_streams

    parts = []
    for output in coalesce_streams([nbformat.from_dict(output) for output in outputs]):
        if output["output_type"] == "stream":
            parts.append(f"[{output['name']}]\n{output['text']}")
        elif output["output_type"] == "error":
            parts.append(f"[error] {output['ename']}: {output['evalue']}")
        else:
            for mime in TEXT_TYPES:
                if mime in output.get("data", {}):
                    parts.append(f"[{mime}]\n{output['data'][mime]}")
    text = sanitize("\n".join(parts))
    if measured:
        text = re.sub(r" +", " ", re.sub(r"\d+(\.\d+)?", "#", text))
    return text


def difference(committed: str, now: str) -> str:
    """A unified diff of a cell's committed text and its text in this run; empty if equal."""
    return "\n".join(difflib.unified_diff(committed.splitlines(), now.splitlines(),
                                          "committed run", "this run", lineterm=""))


def outputs_as_saved(messages):
    """The outputs a notebook saves for a cell, from the kernel's messages about it.

    nbval keeps every output message of a cell; a notebook (nbclient, `make
    execute`, JupyterLab) does not keep what an Output widget captured while
    its ``msg_id`` was set: that goes to the widget's state, shown by the
    browser. This routes the messages as nbclient does, so that the two runs
    are compared on the same footing.
    """
    outputs, capturing = [], False
    for message in messages:
        kind, content = message["msg_type"], message["content"]
        if kind == "comm_msg":
            state = content.get("data", {}).get("state", {})
            if "msg_id" in state:  # an Output widget starts (its id) or stops ('') capturing
                capturing = bool(state["msg_id"])
        elif capturing:
            continue
        elif kind == "clear_output":
            outputs.clear()
        elif kind == "stream":
            outputs.append({"output_type": "stream", "name": content["name"],
                            "text": content["text"]})
        elif kind in ("display_data", "execute_result"):
            outputs.append({"output_type": kind, "data": content["data"]})
        elif kind == "error":
            outputs.append({"output_type": "error", "ename": content["ename"],
                            "evalue": content["evalue"]})
    return outputs


def run_then_compare_text(item, nbval_runtest) -> None:
    """nbval's own run and check of the cell, then the text comparison above."""
    messages = []
    read = item.parent.get_kernel_message

    def read_and_keep(*args, **kwargs):
        message = read(*args, **kwargs)
        messages.append(message)
        return message

    item.parent.get_kernel_message = read_and_keep
    try:
        nbval_runtest()
    finally:
        del item.parent.get_kernel_message  # nbval's own method again
    if item.cell.execution_count is None:
        return  # a cell never run in the committed notebook: nbval requires it to be empty
    request = next((m["parent_header"]["msg_id"] for m in messages
                    if m["msg_type"] == "execute_input"), None)
    mine = [m for m in messages if m["parent_header"].get("msg_id") == request]
    measured = measures_time(item.cell)
    committed = cell_text(item.cell.outputs, measured, item.sanitize)
    now = cell_text(outputs_as_saved(mine), measured, item.sanitize)
    if committed != now:
        item.raise_cell_error(
            "Cell prints other text than in the committed run (a fresh kernel too): "
            "is something unseeded?", difference(committed, now))


def compare_text_of_cells(items) -> None:
    """Give every nbval cell item, except solution cells, the text comparison above."""
    for item in items:
        cell = getattr(item, "cell", None)
        if type(item).__name__ == "IPyNbCell" and cell is not None \
                and SOLUTION_TAG not in cell.metadata.get("tags", []):
            item.runtest = functools.partial(run_then_compare_text, item, item.runtest)


def pytest_collection_modifyitems(items):
    compare_text_of_cells(items)
