"""Figures of notebook 03: what weight sharing saves, what it means, what it buys.

Like the other figure modules, every function draws from its parameters,
uses the Okabe-Ito colours and large fonts, and returns the ``Figure``.
Each figure carries a description written from the same parameters
(``fig.alt_text``); ``cu.show(fig)`` shows it as the image's alt text.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from ..conv.counting import conv_params, format_bytes, locally_connected_params, memory_bytes
from ..data.examples import example_filter
from ..validation import check_array, check_int
from .display import described
from .grids import draw_value_grid, values_text
from .style import BACK_SLICE_COLOUR, INPUT_COLOUR, OKABE_ITO, WEIGHT_CMAP

__all__ = [
    "plot_depth_slices",
    "plot_gradient_sum",
    "plot_parameter_counts",
    "plot_shift_maps",
]


# --------------------------------------------------------------------------
# How many parameters: a log-scale bar chart
# --------------------------------------------------------------------------


def plot_parameter_counts(
    counts: Mapping[str, int], *, dtype: str = "float32", title: str | None = None
) -> Figure:
    """Bars of parameter counts on a log scale, each labelled with its count and memory.

    Parameters
    ----------
    counts : mapping of str to int
        A label per layer (e.g. ``"shared (conv)"``) and its parameter count.
    dtype : str
        The dtype used for the memory written under each count.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not counts:
        raise ValueError("counts must hold at least one labelled count")
    labels = list(counts)
    values = [check_int(v, f"counts[{k!r}]", minimum=1) for k, v in counts.items()]
    colours = [OKABE_ITO[c] for c in ("green", "orange", "vermillion", "blue", "purple")]
    memories = [format_bytes(memory_bytes(value, dtype)) for value in values]
    fig, ax = plt.subplots(figsize=(10, 5.6))
    bars = ax.bar(labels, values, color=[colours[i % len(colours)] for i in range(len(values))],
                  edgecolor="black", width=0.6)
    ax.set_yscale("log")
    top = max(values)
    ax.set_ylim(1, top * 400)  # room above the tallest bar for its label
    for bar, value in zip(bars, values):
        memory = format_bytes(memory_bytes(value, dtype))
        ax.annotate(
            f"{value:,}\n{memory} ({dtype})",
            (bar.get_x() + bar.get_width() / 2, value),
            xytext=(0, 6), textcoords="offset points", ha="center", va="bottom", fontsize=15,
        )
    ax.set_ylabel("parameters (log scale)")
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    bars_text = "; ".join(f"{label}: {value:,} parameters, {memory} as {dtype}"
                          for label, value, memory in zip(labels, values, memories))
    return described(fig, (
        f"Bar chart{f' {title!r}' if title else ''} of parameter counts on a log scale, each "
        f"bar labelled with its count and memory. {bars_text}."))


# --------------------------------------------------------------------------
# What "one set of weights per depth slice" means
# --------------------------------------------------------------------------


def _draw_volume(ax, origin: tuple[float, float], side: float, depth_drawn: int,
                 step: float, grid_lines: int) -> None:
    """A stack of square depth slices seen slightly from above and to the right."""
    x0, y0 = origin
    for k in reversed(range(depth_drawn)):
        dx = dy = k * step
        face = INPUT_COLOUR if k == 0 else BACK_SLICE_COLOUR
        ax.add_patch(Rectangle((x0 + dx, y0 + dy), side, side, facecolor=face,
                               edgecolor="0.3", lw=1.5, zorder=2))
    for t in np.linspace(0, side, grid_lines + 1)[1:-1]:
        ax.plot([x0 + t, x0 + t], [y0, y0 + side], color="0.75", lw=0.8, zorder=3)
        ax.plot([x0, x0 + side], [y0 + t, y0 + t], color="0.75", lw=0.8, zorder=3)



def plot_depth_slices(
    *,
    output_size: int = 55,
    filters: int = 96,
    kernel_size: int = 11,
    in_channels: int = 3,
    neurons: Sequence[tuple[int, int]] = ((6, 8), (27, 40), (46, 18)),
) -> Figure:
    """Shared versus unshared: which weights a few neurons of one depth slice use.

    Left, a convolution: the output volume is ``filters`` depth slices of
    ``output_size`` x ``output_size`` neurons, and every neuron of the front
    slice points at the same filter. Right, a locally connected layer of
    the same shape: each neuron points at a filter of its own. The counts
    written underneath are computed with :mod:`course_utils.conv.counting`.

    Parameters
    ----------
    output_size : int
        Side of each depth slice (55 for AlexNet conv1).
    filters : int
        Depth slices, one per filter (96).
    kernel_size, in_channels : int
        Each filter is ``kernel_size x kernel_size x in_channels``.
    neurons : sequence of (row, col)
        Neurons of the front slice to draw, in output coordinates.

    Returns
    -------
    matplotlib.figure.Figure
    """
    output_size = check_int(output_size, "output_size", minimum=1)
    filters = check_int(filters, "filters", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    if not neurons:
        raise ValueError("neurons must name at least one (row, col) to draw")
    for row, col in neurons:
        if not (0 <= row < output_size and 0 <= col < output_size):
            raise ValueError(
                f"neurons must lie inside the {output_size}x{output_size} slice, got {(row, col)}"
            )
    per_filter = conv_params(in_channels, 1, kernel_size)
    shared = conv_params(in_channels, filters, kernel_size)
    unshared = locally_connected_params(in_channels, filters, kernel_size, output_size)
    neuron_colours = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "purple", "orange")]

    fig, axes = plt.subplots(1, 2, figsize=(15, 6.8))
    side, origin, step = 4.0, (0.3, 0.6), 0.28
    for panel, ax in enumerate(axes):
        is_shared = panel == 0
        _draw_volume(ax, origin, side, depth_drawn=6, step=step, grid_lines=11)
        ax.text(origin[0] + side / 2, origin[1] - 0.35, f"{output_size}x{output_size} neurons "
                "per slice (drawn smaller)", ha="center", va="top", fontsize=15)
        ax.text(origin[0] + side + 6 * step + 0.05, origin[1] + side + 5 * step,
                f"{filters} depth\nslices", ha="left", va="top", fontsize=15)
        cell = side / output_size
        thumb = 1.7 if is_shared else 1.35
        if is_shared:
            boxes = [(7.2, origin[1] + side / 2 - thumb / 2)] * len(neurons)
            pictures = [example_filter(kernel_size, 30.0)] * len(neurons)
        else:
            gap = (side + 1.2 - thumb * len(neurons)) / max(len(neurons) - 1, 1)
            tops = [origin[1] + side + 0.6 - k * (thumb + gap) for k in range(len(neurons))]
            boxes = [(7.2, top - thumb) for top in tops]
            pictures = [example_filter(kernel_size, 30.0 + 55.0 * k, 5.0 + k)
                        for k in range(len(neurons))]
        for k, ((row, col), (bx, by), picture) in enumerate(zip(neurons, boxes, pictures)):
            colour = neuron_colours[k % len(neuron_colours)]
            nx = origin[0] + (col + 0.5) * cell
            ny = origin[1] + side - (row + 0.5) * cell  # row 0 at the top
            ax.plot(nx, ny, "o", color=colour, markersize=13, markeredgecolor="black", zorder=5)
            ax.imshow(picture, cmap=WEIGHT_CMAP, vmin=-1, vmax=1, zorder=4,
                      extent=(bx, bx + thumb, by, by + thumb))
            ax.add_patch(Rectangle((bx, by), thumb, thumb, fill=False, edgecolor="black",
                                   lw=1.5, zorder=5))
            ax.add_patch(FancyArrowPatch((nx, ny), (bx - 0.05, by + thumb / 2),
                                         arrowstyle="-|>", mutation_scale=18, lw=2.2,
                                         color=colour, zorder=6,
                                         connectionstyle=f"arc3,rad={0.12 * (k - 1)}"))
        label_x = 7.2 + thumb / 2
        if is_shared:
            ax.text(label_x, boxes[0][1] - 0.25,
                    f"one filter,\n{kernel_size}x{kernel_size}x{in_channels} + bias\n"
                    f"= {per_filter:,} parameters", ha="center", va="top", fontsize=15)
            ax.set_title("Convolution: one filter per depth slice", loc="left")
            total = (f"{filters} filters x {per_filter:,} = {shared:,} parameters")
        else:
            ax.text(label_x + thumb / 2 + 0.2, origin[1] + side / 2,
                    "a filter\nof its own\nfor every\nneuron", ha="left", va="center", fontsize=15)
            ax.set_title("Locally connected: one filter per neuron", loc="left")
            neurons_total = filters * output_size * output_size
            total = f"{neurons_total:,} neurons x {per_filter:,} = {unshared:,} parameters"
        ax.text(0.3, -0.55, total, ha="left", va="top", fontsize=16, fontweight="bold")
        ax.set_xlim(0, 10.2)
        ax.set_ylim(-1.3, 6.6)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.tight_layout()
    where = ", ".join(f"({row}, {col})" for row, col in neurons)
    return described(fig, (
        f"Two panels, each an output volume of {filters} depth slices of {output_size}x"
        f"{output_size} neurons, with {len(neurons)} neurons of the front slice marked, at "
        f"{where}. Left, convolution: every marked neuron has an arrow to the same "
        f"{kernel_size}x{kernel_size}x{in_channels} filter, {per_filter:,} parameters with its "
        f"bias; {filters} filters x {per_filter:,} = {shared:,} parameters. Right, locally "
        f"connected: each marked neuron has an arrow to a different filter of its own; "
        f"{filters * output_size * output_size:,} neurons x {per_filter:,} = {unshared:,} "
        f"parameters."))


# --------------------------------------------------------------------------
# Shared gradients add up
# --------------------------------------------------------------------------


def plot_gradient_sum(per_position: np.ndarray, total: np.ndarray) -> Figure:
    """The weight gradient at every output position, and their sum.

    Parameters
    ----------
    per_position : ndarray, shape (H_out, W_out, KH, KW)
        One filter's gradient at each output position: what a locally
        connected layer with these weights would receive
        (``dw[c, i, j, channel]`` from :func:`locally_connected2d_backward`).
    total : ndarray, shape (KH, KW)
        The shared filter's gradient (``dw[c, channel]`` from
        :func:`conv2d_backward`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    per_position = check_array(per_position, "per_position", ndim=4, axes="(H_out, W_out, KH, KW)")
    total = check_array(total, "total", ndim=2, axes="(KH, KW)")
    if per_position.shape[2:] != total.shape:
        raise ValueError(
            f"per_position has filters of shape {per_position.shape[2:]} but total has shape "
            f"{total.shape}; they must match"
        )
    oh, ow, kh, kw = per_position.shape
    fig = plt.figure(figsize=(1.1 * kw * ow + 1.2 * kw + 3.0, 1.1 * kh * oh + 1.2))
    outer = fig.add_gridspec(1, 3, width_ratios=[ow * (kw + 0.4), 1.6, kw + 0.4], wspace=0.05)
    tiles = outer[0].subgridspec(oh, ow, wspace=0.15, hspace=0.15)
    for i in range(oh):
        for j in range(ow):
            ax = fig.add_subplot(tiles[i, j])
            draw_value_grid(ax, per_position[i, j])
            ax.set_title(f"({i}, {j})", fontsize=15, pad=2)
    sign = fig.add_subplot(outer[1])
    sign.text(0.5, 0.5, "sum\n=", ha="center", va="center", fontsize=26)
    sign.axis("off")
    right = fig.add_subplot(outer[2])
    draw_value_grid(right, total, title="the shared\nfilter's gradient")
    fig.suptitle("The gradient at each output position (row, col), one filter", fontsize=17,
                 x=0.02, ha="left")
    tiles = "; ".join(f"({i}, {j}): {values_text(per_position[i, j])}"
                      for i in range(oh) for j in range(ow))
    return described(fig, (
        f"A {oh}x{ow} array of {kh}x{kw} weight gradients, one per output position, then "
        f"'sum =' and the shared filter's gradient, their sum: {values_text(total)}. "
        f"Values row by row at each position: {tiles}."))


# --------------------------------------------------------------------------
# What sharing buys: the feature map moves with the image
# --------------------------------------------------------------------------


def _two_places(value: float) -> str:
    """Two decimals, and never "-0.00": rounding noise (1e-16) must not change a description."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def plot_shift_maps(
    images: Sequence[np.ndarray],
    titles: Sequence[str],
    *,
    signed: Sequence[bool] | None = None,
    clip_percentile: float = 99.0,
    colorbar: bool = False,
    panel_size: float = 4.6,
    shows: Sequence[str] | None = None,
) -> Figure:
    """Images and feature maps side by side, in grey or in a diverging colour map.

    Parameters
    ----------
    images : sequence of ndarray, each shape (H, W)
    titles : sequence of str
        One per image.
    signed : sequence of bool, optional
        Per image: True draws it with a diverging colour map centred on 0
        (feature maps, differences), False in grey (photographs). By
        default, an image with negative values is drawn as signed.
    clip_percentile : float
        Signed images saturate at this percentile of their absolute values,
        so that a few very strong responses do not wash out the rest. When
        that percentile is 0 (a map that is mostly zeros) the largest value
        is used instead.
    colorbar : bool
        Draw a colour bar beside each signed image, so its values can be read.
    panel_size : float
        Width of each panel in inches.
    shows : sequence of str, optional
        Per image, what the picture shows ("a person with a camera on a
        tripod"), for the alt text: it comes first, then the numbers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    arrays = [check_array(a, f"images[{k}]", ndim=2, axes="(H, W)") for k, a in enumerate(images)]
    if shows is not None and (isinstance(shows, str) or len(shows) != len(arrays)):
        raise ValueError(f"shows must say what each of the {len(arrays)} images shows, one "
                         f"text per image, got {shows!r}")
    if not arrays:
        raise ValueError("images must hold at least one image")
    if len(titles) != len(arrays):
        raise ValueError(f"titles must have one title per image ({len(arrays)}), "
                         f"got {len(titles)}")
    if signed is None:
        signed = [bool((a < 0).any()) for a in arrays]
    if len(signed) != len(arrays):
        raise ValueError(f"signed has {len(signed)} entries but images has {len(arrays)}")
    if not 0 < clip_percentile <= 100:
        raise ValueError(f"clip_percentile must be in (0, 100], got {clip_percentile!r}")
    if not panel_size > 0:
        raise ValueError(f"panel_size must be a positive width in inches, got {panel_size!r}")
    width = panel_size * len(arrays) * (1.2 if colorbar else 1.0)
    notes = []
    fig, axes = plt.subplots(1, len(arrays), figsize=(width, panel_size + 0.4), squeeze=False)
    for k, (ax, array, title, is_signed) in enumerate(zip(axes[0], arrays, titles, signed)):
        what = f"{shows[k]}; " if shows is not None else ""
        if is_signed:
            magnitude = np.abs(array)
            limit = float(np.percentile(magnitude, clip_percentile)) or float(magnitude.max())
            limit = limit or 1.0  # an all-zero map: any scale shows it as zero
            shown = ax.imshow(array, cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit,
                              interpolation="nearest")
            if colorbar:
                fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.03)
            notes.append(
                f"{title!r}: {what}{array.shape[0]}x{array.shape[1]} signed map, purple negative, "
                f"white zero, orange positive, saturating at ±{_two_places(limit)}; values "
                f"from {_two_places(array.min())} to {_two_places(array.max())}, mean "
                f"absolute value {_two_places(np.abs(array).mean())}"
                + ("" if not colorbar else ", with a colour bar"))
        else:
            ax.imshow(array, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            notes.append(f"{title!r}: {what}{array.shape[0]}x{array.shape[1]} grey-level image, "
                         f"black 0 to white 1, mean {array.mean():.2f}")
        ax.set_title(title, fontsize=16)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    count = "One image" if len(arrays) == 1 else f"{len(arrays)} images side by side"
    return described(fig, f"{count}. " + "; ".join(notes) + ".")
