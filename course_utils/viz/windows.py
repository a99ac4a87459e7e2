"""Figures of window positions, coverage grids and receptive fields.

Every figure is drawn from its parameters by one function, in the
colour-blind-safe Okabe-Ito palette, with fonts large enough to read from the
back of a classroom. Each function returns the matplotlib ``Figure`` with a
description written from the same parameters (``fig.alt_text``, see
:mod:`course_utils.viz.display`); ``cu.show(fig)`` shows it with that alt text.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..conv.geometry import (
    WindowLayout,
    conv_output_size,
    coverage_counts,
    padding_per_side,
    receptive_field,
    window_layout,
)
from ..validation import check_int, check_int_or_pair
from .display import described
from .style import (
    DROPPED_COLOUR,
    DROPPED_HATCH,
    HIGHLIGHT_COLOUR,
    INPUT_COLOUR,
    MARKER_NAMES,
    MAX_LABELLED_CELLS,
    PADDING_COLOUR,
    TEXT_BOX,
    WINDOW_COLOUR,
)

__all__ = [
    "plot_coverage_grid",
    "plot_layer_sizes",
    "plot_receptive_field",
    "plot_window_positions",
]

def cell_list(cells) -> str:
    """``0, 1, 2`` as "0-2" and ``0, 2, 4`` as "0, 2, 4": cell numbers in a description."""
    cells = list(cells)
    if len(cells) > 2 and all(b - a == 1 for a, b in zip(cells, cells[1:])):
        return f"{cells[0]}-{cells[-1]}"
    return ", ".join(str(c) for c in cells)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_window_positions(layout: WindowLayout) -> str:
    """The alt text of :func:`plot_window_positions`, from the same layout it draws."""
    parts = [f"Window positions on a strip of {_plural(layout.size, 'input cell')}, "
             f"numbered 0-{layout.size - 1}"]
    if layout.padding:
        parts[0] += f", with {_plural(layout.padding, 'hatched zero-padding cell')} on each side"
    window = f"a {layout.kernel_size}-cell window"
    if layout.dilation != 1:
        window += f" with dilation {layout.dilation} (spanning {layout.span} cells)"
    parts.append(f"{window} moving in steps of {layout.stride} takes "
                 f"{_plural(layout.output_size, 'position')}")

    def reads(position: int) -> str:
        cells = [cell - layout.padding for cell in layout.taps(position)]
        inside = [c for c in cells if 0 <= c < layout.size]
        pads = len(cells) - len(inside)
        text = f"out[{position}] reads "
        text += f"cells {cell_list(inside)}" if inside else "no input cell"
        if pads:
            text += f" and {_plural(pads, 'padding cell')}"
        return text

    shown = list(range(layout.output_size))
    if len(shown) > 4:
        shown = shown[:2] + [None] + shown[-1:]
    parts.append("; ".join("..." if p is None else reads(p) for p in shown))
    if layout.dropped_inputs:
        many = len(layout.dropped_inputs) > 1
        parts.append(f"input cell{'s' if many else ''} {cell_list(layout.dropped_inputs)} "
                     f"{'are' if many else 'is'} never read (vermillion, crossed)")
    if not layout.fits:
        parts.append(f"{_plural(layout.leftover, 'cell')} left over after the last window")
    return "; ".join(parts) + "."


def describe_coverage_grid(counts, sizes, paddings, output, kernel=None, stride=None) -> str:
    """The alt text of :func:`plot_coverage_grid`: the grid, the windows, the output, every count.

    ``kernel`` and ``stride`` are ``(h, w)`` pairs: the windows are the kernel's
    size, and there are as many of them as the output has cells.
    """
    (h, w), (ph, pw) = sizes, paddings
    text = f"A {h}x{w} input"
    if ph or pw:
        rings = ph if ph == pw else f"{ph} by {pw}"
        text += f" inside {rings} ring{'s' if ph != 1 or pw != 1 else ''} of zero padding (hatched)"
    if kernel is None:
        windows = f"{output[0] * output[1]} windows"
    else:
        windows = (f"{output[0] * output[1]} windows of {_pair_text(kernel)} (a "
                   f"{output[0]}x{output[1]} grid of positions, stride {_pair_text(stride, 'by')})")
    text += (f"; each cell shows how many of the {windows} read it, "
             f"from {counts.min()} to {counts.max()}")
    inside = counts[ph:ph + h, pw:pw + w]
    never = int((inside == 0).sum())
    if never:
        rows = [r for r in range(h) if (inside[r] == 0).all()]
        cols = [c for c in range(w) if (inside[:, c] == 0).all()]
        where = []
        if rows:
            where.append(f"row{'s' if len(rows) > 1 else ''} {cell_list(rows)}")
        if cols:
            where.append(f"column{'s' if len(cols) > 1 else ''} {cell_list(cols)}")
        text += (f"; {never} input cells are never read (vermillion, crossed)"
                 + (f": {' and '.join(where)}" if where else ""))
    if counts.shape[0] * counts.shape[1] <= 49:
        text += "; counts row by row: " + "; ".join(
            " ".join(str(v) for v in row) for row in counts)
    return text + "."


def _pair_text(pair, joiner: str = "x") -> str:
    """(3, 3) -> "3x3"; a stride (2, 2) -> "2", (2, 1) -> "2 by 1"."""
    a, b = pair
    if joiner == "by":
        return str(a) if a == b else f"{a} by {b}"
    return f"{a}{joiner}{b}"


def _cell_font_size(cells: int) -> float:
    # Shrink labels on long strips so they stay inside their cells.
    return max(9.0, min(16.0, 220.0 / max(cells, 1)))


# --------------------------------------------------------------------------
# 1-D: where the windows land
# --------------------------------------------------------------------------


def _draw_strip(ax, layout: WindowLayout, y: float) -> None:
    """The padded input as a row of cells at height ``y``."""
    labelled = layout.padded_size <= MAX_LABELLED_CELLS
    font = _cell_font_size(layout.padded_size)
    dropped = {i + layout.padding for i in layout.dropped_inputs}
    for cell in range(layout.padded_size):
        is_padding = cell < layout.padding or cell >= layout.padding + layout.size
        if cell in dropped:
            face, hatch = DROPPED_COLOUR, DROPPED_HATCH  # a cross, not the colour alone
        elif is_padding:
            face, hatch = PADDING_COLOUR, "//"
        else:
            face, hatch = INPUT_COLOUR, None
        ax.add_patch(
            Rectangle((cell, y), 1, 1, facecolor=face, edgecolor="black", hatch=hatch, lw=1)
        )
        if labelled and not is_padding:
            ax.text(
                cell + 0.5, y + 0.5, str(cell - layout.padding),
                ha="center", va="center", fontsize=font, color="black",
                bbox=TEXT_BOX if cell in dropped else None,
            )


def plot_window_positions(
    size: int,
    kernel_size: int,
    padding: int = 0,
    stride: int = 1,
    dilation: int = 1,
    *,
    max_rows: int = 16,
) -> Figure:
    """Draw every position of a window sliding along a 1-D strip.

    The top row is the padded input: input cells numbered from 0, padding
    cells hatched grey, and input cells that no window reaches in
    vermillion. Below it, one row per output value shows the cells its
    window reads (orange) and, for a dilated kernel, the gaps it skips.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int
        As in :func:`course_utils.conv_output_size`, one dimension.
    max_rows : int
        Most window rows to draw; beyond it the middle rows are elided.

    Returns
    -------
    matplotlib.figure.Figure
    """
    layout = window_layout(size, kernel_size, padding, stride, dilation)
    max_rows = check_int(max_rows, "max_rows", minimum=2)
    positions = list(range(layout.output_size))
    if len(positions) > max_rows:
        half = max_rows // 2
        positions = positions[:half] + [None] + positions[-half:]

    width = layout.padded_size
    rows = len(positions)
    fig_width = min(16.0, max(7.0, 0.45 * width + 3.0))
    fig_height = 1.6 + 0.42 * (rows + 1.5)
    fig, ax = plt.subplots(figsize=(fig_width, fig_height))
    top = rows + 0.6
    _draw_strip(ax, layout, top)
    ax.text(-0.4, top + 0.5, "input", ha="right", va="center")

    font = _cell_font_size(width)
    boxes = []  # drawn as one collection: much faster than a patch each, for the explorer
    for row, position in enumerate(positions):
        y = rows - 1 - row
        if position is None:
            ax.text(width / 2, y + 0.4, "⋮", ha="center", va="center", fontsize=18)
            continue
        start = layout.starts[position]
        boxes.append(
            Rectangle((start, y + 0.15), layout.span, 0.7, fill=False, edgecolor="0.5", lw=1)
        )
        for cell in layout.taps(position):
            boxes.append(
                Rectangle((cell, y + 0.15), 1, 0.7, facecolor=WINDOW_COLOUR, edgecolor="black")
            )
        ax.text(-0.4, y + 0.5, f"out[{position}]", ha="right", va="center", fontsize=min(font, 14))

    ax.add_collection(PatchCollection(boxes, match_original=True), autolim=False)
    legend = "numbers: input cell index" if width <= MAX_LABELLED_CELLS else "blue: input cells"
    if layout.padding:
        legend += "   hatched: zero padding"
    if layout.dropped_inputs:
        legend += "   vermillion, crossed: never read"
    ax.text(0, -0.35, legend, ha="left", va="top", fontsize=12, color="0.3")
    ax.set_xlim(-3.2, width + 0.2)
    ax.set_ylim(-1.2, top + 1.9)
    ax.set_aspect("auto")
    ax.axis("off")
    title = (
        f"W={size}, K={kernel_size}, P={padding}, S={stride}"
        + (f", D={dilation}" if dilation != 1 else "")
        + f"  →  {layout.output_size} positions"
    )
    if not layout.fits:
        title += f", {layout.leftover} cell{'s' if layout.leftover != 1 else ''} left over"
    ax.set_title(title, loc="left")
    # Fixed margins rather than tight_layout(): the axes are off, so there is nothing
    # for it to fit, and its extra draw would make every explorer update ~25 ms slower.
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=1 - 0.55 / fig_height)
    return described(fig, describe_window_positions(layout))


# --------------------------------------------------------------------------
# 2-D: how often each cell is read
# --------------------------------------------------------------------------


def plot_coverage_grid(
    size,
    kernel_size,
    padding=0,
    stride=1,
    dilation=1,
    *,
    title: str | None = None,
) -> Figure:
    """Draw the padded input with, in each cell, how many windows read it.

    Padding cells are hatched grey; input cells that no window reads are
    vermillion and crossed (the rows and columns a framework silently drops).

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int or (int, int)
        As in :func:`course_utils.coverage_counts` (any padding form).
    title : str, optional
        Defaults to the settings and the output size.

    Returns
    -------
    matplotlib.figure.Figure
    """
    counts = coverage_counts(size, kernel_size, padding, stride, dilation)
    sizes = check_int_or_pair(size, "size", minimum=1)
    (ph, _), (pw, _) = padding_per_side(padding, kernel_size, stride, dilation)
    n_rows, n_cols = counts.shape
    labelled = max(n_rows, n_cols) <= MAX_LABELLED_CELLS
    cell_inches = min(0.7, 7.0 / max(n_rows, n_cols))
    fig, ax = plt.subplots(figsize=(max(5.2, n_cols * cell_inches + 1.0), n_rows * cell_inches + 1.3))
    font = _cell_font_size(max(n_rows, n_cols)) + 2
    for r in range(n_rows):
        for c in range(n_cols):
            inside = ph <= r < ph + sizes[0] and pw <= c < pw + sizes[1]
            if inside and counts[r, c] == 0:
                face, hatch, colour = DROPPED_COLOUR, DROPPED_HATCH, "black"
            elif inside:
                # Darker blue = read more often; a single hue stays readable in grey.
                shade = 0.1 + 0.45 * counts[r, c] / counts.max()
                face, hatch, colour = plt.get_cmap("Blues")(shade), None, "black"
            else:
                face, hatch, colour = PADDING_COLOUR, "//", "black"
            ax.add_patch(
                Rectangle((c, n_rows - 1 - r), 1, 1, facecolor=face, edgecolor="black", hatch=hatch)
            )
            if labelled:
                dropped = inside and counts[r, c] == 0
                ax.text(
                    c + 0.5, n_rows - 0.5 - r, str(counts[r, c]),
                    ha="center", va="center", fontsize=font, color=colour,
                    bbox=TEXT_BOX if dropped else None,
                )
    ax.set_xlim(-0.1, n_cols + 0.1)
    ax.set_ylim(-0.1, n_rows + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    out = conv_output_size(size, kernel_size, padding, stride, dilation, strict=False)
    out = out if isinstance(out, tuple) else (out, out)
    kernel = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    steps = check_int_or_pair(stride, "stride", minimum=1)
    kernel, steps = ((kernel, kernel) if isinstance(kernel, int) else tuple(kernel),
                     (steps, steps) if isinstance(steps, int) else tuple(steps))
    if title is None:
        title = (f"how many {_pair_text(kernel)} windows (stride {_pair_text(steps, 'by')}) "
                 f"read each input cell\n(output: {out[0]}x{out[1]})")
    ax.set_title(title, fontsize=16)
    fig.tight_layout()
    return described(fig, describe_coverage_grid(counts, sizes, (ph, pw), out, kernel, steps))


# --------------------------------------------------------------------------
# Receptive fields
# --------------------------------------------------------------------------


def plot_receptive_field(
    layers: Sequence[Sequence[int]],
    input_size: int,
    *,
    label: str | None = None,
) -> Figure:
    """Draw which units of each layer feed one unit at the top of a stack.

    Rows are the input (bottom) and each layer's output (above it); units are
    drawn at the centre of the input cells they summarise. Units that the
    middle unit of the top layer depends on are filled blue, and lines show
    each unit's window in the layer below.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride) or (kernel_size, stride, dilation)
        As in :func:`course_utils.receptive_field`, no padding.
    input_size : int
        Input cells to draw (one dimension).
    label : str, optional
        Title; defaults to the receptive field size.

    Returns
    -------
    matplotlib.figure.Figure
    """
    input_size = check_int(input_size, "input_size", minimum=1)
    rows = receptive_field(layers)
    # Unit counts per level, padding-free ('valid') layers.
    counts = [input_size]
    for row in rows:
        counts.append(
            conv_output_size(counts[-1], row.kernel_size, 0, row.stride, row.dilation, strict=False)
        )
    # Centre of unit i of level l, in input-cell coordinates.
    sizes = [1] + [row.size for row in rows]
    jumps = [1] + [row.jump for row in rows]

    def centre(level: int, unit: int) -> float:
        return unit * jumps[level] + (sizes[level] - 1) / 2 + 0.5

    # Walk down from the middle unit of the top level.
    depends = [set() for _ in counts]
    depends[-1] = {counts[-1] // 2}
    for level in range(len(rows), 0, -1):
        row = rows[level - 1]
        for unit in depends[level]:
            for tap in range(row.kernel_size):
                depends[level - 1].add(unit * row.stride + tap * row.dilation)

    fig, ax = plt.subplots(figsize=(min(16.0, 0.55 * input_size + 3.0), 1.3 * len(counts) + 1.0))
    for level in range(len(counts) - 1, 0, -1):
        row = rows[level - 1]
        for unit in depends[level]:
            for tap in range(row.kernel_size):
                below = unit * row.stride + tap * row.dilation
                ax.plot(
                    [centre(level, unit), centre(level - 1, below)],
                    [level * 1.3, (level - 1) * 1.3],
                    color=HIGHLIGHT_COLOUR, lw=1.2, alpha=0.6, zorder=1,
                )
    for level, count in enumerate(counts):
        for unit in range(count):
            filled = unit in depends[level]
            ax.add_patch(
                Rectangle(
                    (centre(level, unit) - 0.4, level * 1.3 - 0.3), 0.8, 0.6,
                    facecolor=HIGHLIGHT_COLOUR if filled else "white",
                    edgecolor="black", zorder=2,
                )
            )
        name = "input" if level == 0 else f"layer {level}"
        ax.text(-0.3, level * 1.3, name, ha="right", va="center")
    ax.set_xlim(-3.0, input_size + 0.5)
    ax.set_ylim(-0.8, (len(counts) - 1) * 1.3 + 0.8)
    ax.axis("off")
    ax.set_title(label or f"one top unit sees {rows[-1].size} input cells", loc="left")
    fig.tight_layout()
    settings = "; ".join(
        f"layer {row.layer}: kernel {row.kernel_size}, stride {row.stride}"
        + (f", dilation {row.dilation}" if row.dilation != 1 else "") for row in rows)
    levels = "; ".join(
        f"{'input' if level == 0 else f'layer {level}'}: {len(depends[level])} of {count} units"
        for level, count in enumerate(counts))
    first = min(depends[0])
    return described(fig, (
        f"Receptive field through {_plural(len(rows), 'layer')} ({settings}) on "
        f"{input_size} input cells. The middle unit of the top layer depends on the units "
        f"filled blue and joined by lines: {levels}; it sees input cells "
        f"{cell_list(sorted(depends[0]))}, a field of {rows[-1].size} cells starting at "
        f"cell {first}."))


# --------------------------------------------------------------------------
# Sizes through a stack of layers
# --------------------------------------------------------------------------


def plot_layer_sizes(sizes: dict[str, Sequence[int]], *, title: str | None = None) -> Figure:
    """Draw how the feature-map size changes layer by layer, one line per setting.

    Parameters
    ----------
    sizes : dict of str to sequence of int
        A label (e.g. ``"no padding"``) and the sizes, starting with the
        input (layer 0).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(sizes, Mapping):
        raise TypeError(f"sizes must be a dict of label -> list of sizes, got {sizes!r}")
    if not sizes:
        raise ValueError("sizes must hold at least one labelled sequence of sizes")
    fig, ax = plt.subplots(figsize=(9, 4.8))
    markers = ["o", "s", "^", "D"]
    for index, (label, values) in enumerate(sizes.items()):
        values = list(values)
        ax.plot(range(len(values)), values, marker=markers[index % len(markers)], lw=2.5,
                markersize=8, label=label)
        ax.annotate(str(values[-1]), (len(values) - 1, values[-1]), xytext=(8, 0),
                    textcoords="offset points", va="center", fontsize=16)
    longest = max(len(list(v)) for v in sizes.values())
    ax.set_xticks(range(longest))
    ax.set_xlabel("layer (0 = input)")
    ax.set_ylabel("feature map side (pixels)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    lines = "; ".join(f"{label} ({MARKER_NAMES[markers[k % len(markers)]]}): "
                      + ", ".join(str(v) for v in values)
                      for k, (label, values) in enumerate(sizes.items()))
    return described(fig, (
        f"Line chart{f' {title!r}' if title else ''}: feature-map side against layer "
        f"(0 = input), one line per setting. {lines}."))
