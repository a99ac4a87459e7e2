"""The lecture cut of a notebook: what the exported deck shows, where it differs from the notebook.

tools/make_slides.py passes every notebook through :func:`lecture_cut` before
exporting it, so the notebook a learner reads alone stays as it is, and the
deck can differ from it where a projector needs it to.
"""

from __future__ import annotations

import nbformat


def lecture_cut(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the notebook as the deck should show it (a copy; ``notebook`` is not changed)."""
    return nbformat.from_dict(notebook)
