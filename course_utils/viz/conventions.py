"""The same strip under each framework's convention: where the windows land (01).

Drawn from the rules of :mod:`course_utils.conv.conventions`: one row per
convention, its padding hatched, its windows as brackets above the cells,
and the input cells no window reads in vermillion.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..conv.conventions import CONVENTIONS, convention_padding, framework_output_size
from ..conv.geometry import effective_kernel_size
from ..validation import check_int, check_sequence
from .display import described
from .style import DROPPED_COLOUR, DROPPED_HATCH, INPUT_COLOUR, PADDING_COLOUR, WINDOW_COLOUR

__all__ = ["plot_conventions"]

_ROW_HEIGHT = 2.2


def _draw_row(ax, y: float, size: int, kernel_size: int, stride: int, padding: int,
              convention: str) -> str:
    """One convention's strip at height ``y``; returns the row's label."""
    before, after = convention_padding(size, kernel_size, stride, padding, convention=convention)
    try:
        out = framework_output_size(size, kernel_size, stride, padding, convention=convention)
    except ValueError:  # cs231n's strict formula: not a whole number, so no layer at all
        out = None
    cells = before + size + after
    span = effective_kernel_size(kernel_size)
    read = set()
    starts = [] if out is None else list(range(0, out * stride, stride))
    for start in starts:
        read.update(range(start, start + span))
    for cell in range(cells):
        x = cell - before  # input cell 0 at x = 0; padding at negative x and past the end
        padded = not 0 <= x < size
        never = not padded and out is not None and cell not in read
        colour = PADDING_COLOUR if padded else (DROPPED_COLOUR if never else INPUT_COLOUR)
        # Never-read cells are crossed as well as vermillion, so that they differ from the
        # orange windows by more than colour (as in plot_coverage_grid).
        ax.add_patch(Rectangle((x, y), 1, 0.8, facecolor=colour, edgecolor="black", lw=0.8,
                               hatch="//" if padded else (DROPPED_HATCH if never else None)))
    for number, start in enumerate(starts):
        x = start - before
        level = y + 0.95 + 0.3 * (number % 3)  # stagger overlapping windows
        ax.plot([x + 0.1, x + span - 0.1], [level, level], color=WINDOW_COLOUR, lw=3,
                solid_capstyle="butt", marker="|", markersize=12, markeredgewidth=2.5)
    name = convention.replace("_", " ")
    if out is None:
        return f"{name}: invalid"
    return f"{name}: {out} outputs"


def plot_conventions(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    *,
    conventions: Sequence[str] = ("pytorch", "pytorch_ceil", "keras_valid", "keras_same",
                                  "cs231n"),
) -> Figure:
    """Draw one strip per convention and the windows each one places on it.

    Parameters
    ----------
    size, kernel_size, stride : int
        One dimension of the layer: input length, ``K`` and ``S``.
    padding : int
        ``P`` per side for the conventions that take one; the Keras rows
        always use their own (``'valid'``: none, ``'same'``: as needed).
    conventions : sequence of str
        Names from ``course_utils.CONVENTIONS``, one row each, top to bottom.

    Returns
    -------
    matplotlib.figure.Figure
        Input cells light blue, padding hatched grey, input cells no window
        reads vermillion and crossed; each orange bar, between two end ticks,
        is one window (one output value).

    Raises
    ------
    TypeError, ValueError
        For a non-integer or out-of-range setting or an unknown convention.
    """
    size = check_int(size, "size", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    names = check_sequence(conventions, "conventions", "convention names")
    known = [c.name for c in CONVENTIONS]
    for index, name in enumerate(names):
        if name not in known:
            raise ValueError(f"conventions[{index}] must be one of {known}, got {name!r}")
    if not names:
        raise ValueError(f"conventions must hold at least one of {known}")
    rows = len(names)
    paddings = {name: 0 if name.startswith("keras") else padding for name in names}
    sides = [convention_padding(size, kernel_size, stride, paddings[name], convention=name)
             for name in names]
    left = -max(before for before, _ in sides) - 0.5
    right = size + max(after for _, after in sides) + 0.5
    fig, ax = plt.subplots(figsize=(min(16.0, 0.45 * (right - left) + 4.0),
                                    0.9 + 0.75 * _ROW_HEIGHT * rows))
    labels = []
    for row, name in enumerate(names):
        y = (rows - 1 - row) * _ROW_HEIGHT
        label = _draw_row(ax, y, size, kernel_size, stride, paddings[name], name)
        ax.text(right + 0.3, y + 0.4, label, ha="left", va="center")
        before, after = sides[row]
        labels.append(f"{label} (padding {before} before, {after} after)")
    ax.set_xlim(left, right + 0.5 + 0.012 * 16 * (right - left + 8))
    ax.set_ylim(-0.8, rows * _ROW_HEIGHT)
    ax.axis("off")
    ax.text(left, -0.5, "blue: input   hatched: padding   vermillion, crossed: never read   "
            "orange bar between end ticks: one window", ha="left", va="top", fontsize=11,
            color="0.3")
    ax.set_title(f"n={size}, K={kernel_size}, S={stride}, P={padding}: the same layer, "
                 "five conventions", loc="left")
    fig.tight_layout()
    return described(fig, (
        f"A strip of {size} input cells drawn once per convention, {rows} rows, with a "
        f"kernel of {kernel_size}, stride {stride} and padding {padding} where the convention "
        f"takes one; each row marks the padding (hatched), the windows (bars with end ticks) "
        f"and the cells never read (vermillion, crossed). "
        + "; ".join(labels) + "."))
