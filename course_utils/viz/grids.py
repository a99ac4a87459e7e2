"""Small grids with their values written in the cells.

Notebook 02 works on a 5x5 grid, small enough to read every number. These
functions draw such grids: padding cells in grey with the original grid
outlined, the kernel's window in orange, and the output cell being
computed in the same orange, so the eye links the window to its result.
Every figure is drawn from its arguments; nothing is placed by hand.
Each figure carries a description written from the same parameters
(``fig.alt_text``); ``cu.show(fig)`` shows it as the image's alt text.
"""

from __future__ import annotations

from typing import Optional, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..conv.padding import pad2d, padding_mask
from ..conv.sliding import SlidingFrame, format_value, products_text, sliding_window_frame
from ..validation import check_array, check_finite, check_int_or_pair
from .display import described
from .style import (
    HIGHLIGHT_COLOUR,
    PADDING_COLOUR,
    PADDING_TEXT_COLOUR,
    WINDOW_COLOUR,
    cell_colours,
    grid_outline,
)

__all__ = ["plot_channels_to_maps", "plot_conv_step", "plot_grid", "plot_grid_row"]

#: Grids up to this many cells per side get numbers written in them.
MAX_LABELLED_SIDE = 16
#: Side of one cell in inches; large enough for 16-point numbers.
CELL_INCHES = 0.55


def _span(start: int, length: int) -> str:
    return f"{start}" if length == 1 else f"{start}-{start + length - 1}"


def values_text(values: np.ndarray, shown: Optional[np.ndarray] = None) -> str:
    """A grid's values row by row, as a description reads them: "1 2 3; 4 5 6".

    Cells not shown (outputs not computed yet) read as ``_``.
    """
    return "; ".join(
        " ".join(format_value(v) if shown is None or shown[r, c] else "_"
                 for c, v in enumerate(row))
        for r, row in enumerate(values))


def describe_padded_grid(size: tuple[int, int], padding: int, mode: str,
                         window: Optional[tuple[int, int, int, int]]) -> str:
    """"5x5 grid inside one ring of zero padding; the 3x3 window covers rows 0-2, columns 1-3"."""
    h, w = size
    text = f"{h}x{w} grid"
    if padding:
        rings = "one ring" if padding == 1 else f"{padding} rings"
        fill = "zero" if mode == "zeros" else f"{mode}"
        text += (f" inside {rings} of {fill} padding (grey, the grid outlined), "
                 f"{h + 2 * padding}x{w + 2 * padding} in all")
    if window is not None:
        top, left, kh, kw = window
        text += (f"; the {kh}x{kw} window covers rows {_span(top, kh)}, columns "
                 f"{_span(left, kw)}" + (" of the padded grid" if padding else ""))
    return text


def describe_frame(frame: SlidingFrame, *, show_all: bool = False) -> str:
    """One step of a convolution in words: the figure's alt text and the explorer's state line."""
    kh, kw = frame.kernel.shape
    top, left = frame.window_origin
    inner = (frame.padded.shape[0] - 2 * frame.padding, frame.padded.shape[1] - 2 * frame.padding)
    i, j = frame.position
    text = (f"Step {frame.step + 1} of {frame.steps}, stride {frame.stride}: "
            + describe_padded_grid(inner, frame.padding, frame.mode, (top, left, kh, kw))
            + (" and reads padding" if frame.reads_padding else "")
            + f"; output cell ({i}, {j}) = {format_value(frame.value)}")
    return text


def draw_value_grid(
    ax,
    values: np.ndarray,
    *,
    is_padding: Optional[np.ndarray] = None,
    window: Optional[tuple[int, int, int, int]] = None,
    highlight: Optional[tuple[int, int]] = None,
    shown: Optional[np.ndarray] = None,
    title: Optional[str] = None,
) -> None:
    """Draw one grid of numbers on ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
    values : ndarray, shape (R, C)
        The numbers to write; row 0 is drawn at the top, as in the array.
    is_padding : ndarray of bool, shape (R, C), optional
        Padding cells, drawn grey; the rest is outlined in black.
    window : (top, left, height, width), optional
        Cells under the kernel, tinted orange with a thick orange border.
    highlight : (row, col), optional
        One cell tinted orange (the output being computed).
    shown : ndarray of bool, shape (R, C), optional
        Cells whose value is written; the others are left blank (outputs
        not computed yet).
    title : str, optional
    """
    rows, cols = values.shape
    font = 17 if max(rows, cols) <= 9 else max(9, 150 // max(rows, cols))
    labelled = max(rows, cols) <= MAX_LABELLED_SIDE
    colours = cell_colours(
        values.shape, is_padding=is_padding, window=window, highlight=highlight, shown=shown
    )
    for r in range(rows):
        for c in range(cols):
            face = colours[r, c]
            y = rows - 1 - r  # row 0 at the top
            ax.add_patch(Rectangle((c, y), 1, 1, facecolor=face, edgecolor="0.35", lw=1))
            if labelled and (shown is None or shown[r, c]):
                ax.text(
                    c + 0.5,
                    y + 0.5,
                    format_value(values[r, c]),
                    ha="center",
                    va="center",
                    fontsize=font,
                    color=PADDING_TEXT_COLOUR if face == PADDING_COLOUR else "black",
                )
    outline = grid_outline(is_padding)
    if outline is not None:
        top, left, height, width = outline
        ax.add_patch(
            Rectangle(
                (left, rows - top - height), width, height, fill=False, edgecolor="black", lw=2.5
            )
        )
    if window is not None:
        top, left, height, width = window
        ax.add_patch(
            Rectangle(
                (left, rows - top - height),
                width,
                height,
                fill=False,
                edgecolor=WINDOW_COLOUR,
                lw=4.5,
            )
        )
    if highlight is not None:
        r, c = highlight
        ax.add_patch(
            Rectangle((c, rows - 1 - r), 1, 1, fill=False, edgecolor=WINDOW_COLOUR, lw=4.5)
        )
    ax.set_xlim(-0.08, cols + 0.08)
    ax.set_ylim(-0.08, rows + 0.08)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=16)


def _figure_for_panels(columns: Sequence[int], rows: int, extra_height: float = 0.0):
    """A figure with one axes per panel, widths in proportion to the panels' columns."""
    gap = 1.2  # cells of space between panels
    width = CELL_INCHES * (sum(columns) + gap * (len(columns) - 1)) + 0.4
    height = CELL_INCHES * rows + 0.9 + extra_height
    fig, axes = plt.subplots(
        1,
        len(columns),
        figsize=(max(width, 3.0), height),
        gridspec_kw={"width_ratios": list(columns)},
        squeeze=False,
    )
    return fig, list(axes[0])


def plot_grid(
    grid: np.ndarray,
    *,
    padding: int = 0,
    mode: str = "zeros",
    window: Optional[tuple[int, int]] = None,
    kernel_size=3,
    title: Optional[str] = None,
) -> Figure:
    """Draw a grid with its values, optionally padded and with a window on it.

    Parameters
    ----------
    grid : array_like, shape (H, W)
    padding : int
        Cells added on each side (drawn grey).
    mode : {'zeros', 'reflect', 'replicate', 'circular'}
        How the padding is filled.
    window : (row, col), optional
        Top-left cell of a kernel window, in padded coordinates.
    kernel_size : int or (int, int)
        Size of the window drawn.
    title : str, optional
        Defaults to the grid's size and padding.

    Returns
    -------
    matplotlib.figure.Figure
    """
    grid = check_finite(check_array(grid, "grid", ndim=2, axes="(H, W)"), "grid")
    padded = pad2d(grid, padding, mode)
    kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    box = None
    if window is not None:
        top, left = check_int_or_pair(window, "window", minimum=0)
        if top + kh > padded.shape[0] or left + kw > padded.shape[1]:
            raise ValueError(
                f"window must put the {kh}x{kw} kernel inside the {padded.shape[0]}x"
                f"{padded.shape[1]} padded grid: its top-left cell can be at most "
                f"({padded.shape[0] - kh}, {padded.shape[1] - kw}), got {tuple(window)}"
            )
        box = (top, left, kh, kw)
    if title is None:
        title = f"{grid.shape[0]}x{grid.shape[1]} grid"
        if padding:
            title += f", {mode} padding {padding} → {padded.shape[0]}x{padded.shape[1]}"
    fig, (ax,) = _figure_for_panels([padded.shape[1]], padded.shape[0])
    draw_value_grid(
        ax,
        padded,
        is_padding=padding_mask(grid.shape, padding) if padding else None,
        window=box,
        title=title,
    )
    fig.tight_layout()
    return described(fig, (
        f"Grid figure {title!r}: " + describe_padded_grid(grid.shape, padding, mode, box)
        + f". Values row by row{' with the padding' if padding else ''}: "
        + values_text(padded) + "."))


def plot_grid_row(
    grids: Sequence[np.ndarray],
    titles: Sequence[str],
    *,
    padding: int | Sequence[int] = 0,
    suptitle: Optional[str] = None,
) -> Figure:
    """Draw several grids side by side, e.g. one per padding mode.

    Parameters
    ----------
    grids : sequence of array_like, each shape (R_k, C_k)
        Already padded, if padded.
    titles : sequence of str
        One per grid.
    padding : int or sequence of int
        How many outer rings of each grid are padding (drawn grey).
    suptitle : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    arrays = [check_array(g, f"grids[{k}]", ndim=2, axes="(R, C)") for k, g in enumerate(grids)]
    if not arrays:
        raise ValueError("grids must hold at least one grid")
    if len(titles) != len(arrays):
        raise ValueError(
            f"titles must have one title per grid ({len(arrays)}), got {len(titles)}"
        )
    rings = [padding] * len(arrays) if isinstance(padding, (int, np.integer)) else list(padding)
    if len(rings) != len(arrays):
        raise ValueError(f"padding must be one int, or one per grid ({len(arrays)}), "
                         f"got {len(rings)}")
    tallest = max(a.shape[0] for a in arrays)
    fig, axes = _figure_for_panels([a.shape[1] for a in arrays], tallest, 0.5 if suptitle else 0.0)
    for ax, array, title, ring in zip(axes, arrays, titles, rings):
        mask = None
        if ring:
            inner = (array.shape[0] - 2 * ring, array.shape[1] - 2 * ring)
            mask = padding_mask(inner, ring)
        draw_value_grid(ax, array, is_padding=mask, title=title)
        ax.set_ylim(-0.08, tallest + 0.08)  # align panels of different heights at the bottom
    if suptitle:
        fig.suptitle(suptitle, fontsize=18)
    fig.tight_layout()
    panels = []
    for array, title, ring in zip(arrays, titles, rings):
        shape = f"{array.shape[0]}x{array.shape[1]}"
        if ring:
            shape += f", its outer {'ring is' if ring == 1 else f'{ring} rings are'} padding (grey)"
        panels.append(f"{title!r} ({shape}): {values_text(array)}")
    return described(fig, (
        (f"{suptitle!r}: " if suptitle else "")
        + f"{len(arrays)} grid{'s' if len(arrays) > 1 else ''} side by side, values row by row. "
        + ". ".join(panels) + "."))


def draw_sliding_frame(fig: Figure, frame: SlidingFrame, *, show_all: bool = False) -> None:
    """Draw a :class:`SlidingFrame` on ``fig``: input | kernel | output, and the sum.

    Parameters
    ----------
    fig : matplotlib Figure
        Cleared and redrawn with three axes.
    frame : SlidingFrame
    show_all : bool
        Write every output value, not only those computed so far.
    """
    fig.clear()
    columns = [frame.padded.shape[1], frame.kernel.shape[1], frame.output.shape[1]]
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": columns})
    kh, kw = frame.kernel.shape
    top, left = frame.window_origin
    input_title = "input" + (f", {frame.mode} padding {frame.padding}" if frame.padding else "")
    draw_value_grid(
        axes[0],
        frame.padded,
        is_padding=frame.is_padding if frame.padding else None,
        window=(top, left, kh, kw),
        title=input_title,
    )
    draw_value_grid(axes[1], frame.kernel, title="kernel")
    shown = None if show_all else frame.filled
    draw_value_grid(
        axes[2],
        frame.output,
        highlight=frame.position,
        shown=shown,
        title=f"output (stride {frame.stride})",
    )
    tallest = max(frame.padded.shape[0], frame.output.shape[0])
    for ax in axes:
        ax.set_ylim(-0.08, tallest + 0.08)
    text = products_text(frame)
    if frame.reads_padding:
        text += "   (the window reads padding)"
    fig.text(
        0.01,
        0.02,
        f"step {frame.step + 1} of {frame.steps}:  {text}",
        fontsize=14,
        ha="left",
        va="bottom",
        color=HIGHLIGHT_COLOUR,
        wrap=True,
    )
    fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.16, wspace=0.25)


def plot_conv_step(
    grid: np.ndarray,
    kernel: np.ndarray,
    step: int,
    *,
    padding: int = 0,
    stride: int = 1,
    mode: str = "zeros",
    show_all: bool = False,
) -> Figure:
    """The input, the kernel and the output side by side at one step.

    The window on the (padded) input and the output cell it produces are
    tinted orange; the sum of products is written underneath.

    Parameters
    ----------
    grid : array_like, shape (H, W)
    kernel : array_like, shape (KH, KW)
    step : int
        Output cell number, row by row from 0.
    padding, stride : int
    mode : {'zeros', 'reflect', 'replicate', 'circular'}
    show_all : bool
        Write every output value, not only those computed up to ``step``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    frame = sliding_window_frame(grid, kernel, step, padding=padding, stride=stride, mode=mode)
    fig = plt.figure(figsize=frame_figure_size(frame))
    draw_sliding_frame(fig, frame, show_all=show_all)
    shown = None if show_all else frame.filled
    return described(fig, (
        "Input, kernel and output side by side. " + describe_frame(frame)
        + f" ({products_text(frame)}). Kernel rows: {values_text(frame.kernel)}. "
        + f"Output, {frame.output.shape[0]}x{frame.output.shape[1]}"
        + ("" if show_all else ", _ not computed yet") + f": {values_text(frame.output, shown)}."))


def frame_figure_size(frame: SlidingFrame) -> tuple[float, float]:
    """Width and height in inches that fit a frame's three grids and its sum."""
    columns = frame.padded.shape[1] + frame.kernel.shape[1] + frame.output.shape[1]
    rows = max(frame.padded.shape[0], frame.output.shape[0])
    return (max(11.0, CELL_INCHES * (columns + 2.4) + 0.4), CELL_INCHES * rows + 1.6)


def plot_channels_to_maps(image: np.ndarray, filters: np.ndarray,
                          channel_names: Optional[Sequence[str]] = None) -> Figure:
    """How a multi-channel image and its filters make the maps, one filter a row.

    The top row shows the image's channels. Each row below belongs to one
    filter: its slice for each channel, under that channel, then the map the
    filter makes, where every value is the sum over the channels of the
    slice-times-window products. So the figure shows what the prose says: a
    filter spans every channel, and makes one map.

    Parameters
    ----------
    image : array_like, shape (C, H, W)
    filters : array_like, shape (F, C, KH, KW)
    channel_names : sequence of str, optional
        One per channel; defaults to "channel 0", "channel 1", ...

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..conv.convolution import conv2d

    image = check_array(image, "image", ndim=3, axes="(C, H, W)")
    filters = check_array(filters, "filters", ndim=4, axes="(F, C, KH, KW)")
    channels = image.shape[0]
    if filters.shape[1] != channels:
        raise ValueError(f"each filter must be as deep as the image: image has shape "
                         f"{image.shape} ({channels} channels), filters have shape "
                         f"{filters.shape} ({filters.shape[1]} deep)")
    names = list(channel_names) if channel_names is not None else [
        f"channel {c}" for c in range(channels)]
    if len(names) != channels:
        raise ValueError(f"channel_names must name each of the {channels} channels, "
                         f"got {len(names)}")
    maps = conv2d(image[None].astype(float), filters.astype(float))[0]
    maps = maps.astype(int) if np.allclose(maps, np.round(maps)) else maps
    count = filters.shape[0]
    h, w = image.shape[1:]
    kh = filters.shape[2]
    # Filter rows as tall as their filters (not the image): the figure stays wider than
    # tall, for a projector.
    fig, axes = plt.subplots(
        1 + count, channels + 1,
        figsize=((channels + 1) * (w + 1) * CELL_INCHES,
                 ((h + 1.2) + count * (kh + 1.4)) * CELL_INCHES),
        gridspec_kw={"height_ratios": [h + 1.2] + [kh + 1.4] * count}, squeeze=False)
    for c in range(channels):
        draw_value_grid(axes[0, c], image[c], title=names[c])
    axes[0, channels].axis("off")
    axes[0, channels].text(0.5, 0.5, "input:\none image,\n"
                           f"{channels} channels", ha="center", va="center", fontsize=15,
                           transform=axes[0, channels].transAxes)
    panels = [f"top row, the image's {channels} channels: " + "; ".join(
        f"{names[c]} ({h}x{w}): {values_text(image[c])}" for c in range(channels))]
    for f in range(count):
        for c in range(channels):
            draw_value_grid(axes[1 + f, c], filters[f, c],
                            title=f"filter {f}, {names[c]} slice")
        draw_value_grid(axes[1 + f, channels], maps[f], title=f"map {f} = sum over channels")
        panels.append(
            f"row {f + 2}, filter {f}: " + "; ".join(
                f"its {names[c]} slice {values_text(filters[f, c])}" for c in range(channels))
            + f"; the map it makes ({maps.shape[1]}x{maps.shape[2]}): {values_text(maps[f])}")
    fig.tight_layout()
    return described(fig, (
        f"How {count} filter{'s' if count != 1 else ''} of {filters.shape[2]}x"
        f"{filters.shape[3]}x{channels} make {count} map{'s' if count != 1 else ''} from an "
        f"image of {channels} channels, one filter a row: each filter has one slice per "
        f"channel, drawn under its channel, and each value of its map is the sum of all "
        f"{channels} slices' products with the window. " + ". ".join(panels) + "."))
